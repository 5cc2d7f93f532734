import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  nameFilter, versionsFilter, latestVersions, aliasText, aliasesByVersion, sortAliases, loggedModelIdOf,
  parseModelVersionsTag, loggedModelStatus, modelArtifactRoot, versionLabel,
  latestModelMetrics,
} from '../js/lib/models.js';

test('name filter for the registered models search', () => {
  assert.equal(nameFilter(''), '');
  assert.equal(nameFilter('   '), '');
  assert.equal(nameFilter(' abc '), "name ILIKE '%abc%'");
  assert.equal(nameFilter('my model'), "name ILIKE '%my model%'");
  // no escapes in the filter language: a quote becomes a one-character wildcard
  assert.equal(nameFilter("it's"), "name ILIKE '%it_s%'");
  assert.equal(nameFilter('100%'), "name ILIKE '%100%%'");
});

test('versions filter asks for one model exactly, or by LIKE when the name has a quote', () => {
  assert.equal(versionsFilter('my model'), "name = 'my model'");
  assert.equal(versionsFilter('a\\b "x"'), "name = 'a\\b \"x\"'");
  assert.equal(versionsFilter("it's"), "name LIKE 'it_s'");
});

test('latest versions: one per stage, most important stage first', () => {
  const list = [
    { version: '4', current_stage: 'None' },
    { version: '3', current_stage: 'Production' },
    { version: '1', current_stage: 'Archived' },
    { version: '2', current_stage: 'Staging' },
  ];
  assert.deepEqual(latestVersions(list).map((v) => v.text), ['v3 · Production', 'v2 · Staging', 'v4', 'v1 · Archived']);
  assert.deepEqual(latestVersions([{ version: 7 }]), [{ version: '7', stage: 'None', text: 'v7' }]);
  assert.deepEqual(latestVersions(undefined), []);
  assert.equal(versionLabel('12'), 'v12');
});

test('aliases: text, order, and per version', () => {
  assert.equal(aliasText({ alias: 'champion', version: '3' }), '@champion → v3');
  const aliases = [{ alias: 'z', version: '1' }, { alias: 'champion', version: '2' }, { alias: 'a', version: '1' }];
  assert.deepEqual(sortAliases(aliases).map((a) => a.alias), ['a', 'champion', 'z']);
  const m = aliasesByVersion(aliases);
  assert.deepEqual(m.get('1'), ['a', 'z']);
  assert.deepEqual(m.get('2'), ['champion']);
  assert.equal(m.get('3'), undefined);
  assert.equal(aliasesByVersion(undefined).size, 0);
});

test('logged model id of a version source', () => {
  assert.equal(loggedModelIdOf('models:/m-0123abcd'), 'm-0123abcd');
  assert.equal(loggedModelIdOf('models:/my-model/1'), null);
  assert.equal(loggedModelIdOf('models:/my-model@champion'), null);
  assert.equal(loggedModelIdOf('runs:/abc/model'), null);
  assert.equal(loggedModelIdOf('mlflow-artifacts:/1/abc/artifacts/model'), null);
  assert.equal(loggedModelIdOf(undefined), null);
});

test('mlflow.modelVersions tag', () => {
  assert.deepEqual(parseModelVersionsTag('[{"name": "m", "version": 1}, {"name": "my model", "version": "2"}]'),
    [{ name: 'm', version: '1' }, { name: 'my model', version: '2' }]);
  // repeats, junk entries, bad JSON and missing tags
  assert.deepEqual(parseModelVersionsTag('[{"name": "m", "version": 1}, {"name": "m", "version": 1}, 3, null, {"version": 2}, {"name": ""}]'),
    [{ name: 'm', version: '1' }]);
  assert.deepEqual(parseModelVersionsTag('[{"name": "m"}]'), [{ name: 'm', version: '' }]);
  assert.deepEqual(parseModelVersionsTag('{"name": "m"}'), []);
  assert.deepEqual(parseModelVersionsTag('not json'), []);
  assert.deepEqual(parseModelVersionsTag(undefined), []);
  assert.deepEqual(parseModelVersionsTag(''), []);
});

test('logged model status and files', () => {
  assert.deepEqual(loggedModelStatus('LOGGED_MODEL_READY'), { label: 'ready', tone: 'finished' });
  assert.deepEqual(loggedModelStatus('LOGGED_MODEL_PENDING'), { label: 'pending', tone: 'scheduled' });
  assert.deepEqual(loggedModelStatus('LOGGED_MODEL_UPLOAD_FAILED'), { label: 'upload failed', tone: 'failed' });
  assert.deepEqual(loggedModelStatus('LOGGED_MODEL_SOMETHING'), { label: 'something', tone: 'killed' });
  assert.equal(modelArtifactRoot({ artifact_uri: 'mlflow-artifacts:/1/models/m-x/artifacts/', experiment_id: '1', model_id: 'm-x' }), '1/models/m-x/artifacts');
  assert.equal(modelArtifactRoot({ artifact_uri: 's3://bucket/x', experiment_id: '4', model_id: 'm-y' }), '4/models/m-y/artifacts');
});

test('logged model metrics: the latest point per key, run and dataset, with the count', () => {
  const p = (key, value, timestamp, step, extra = {}) => ({ key, value, timestamp, step, run_id: 'r1', ...extra });
  const rows = latestModelMetrics([
    p('acc', 0.2, 100, 0), p('acc', 0.9, 300, 2), p('acc', 0.6, 200, 1),
    p('acc', 0.5, 300, 1), // same time, lower step: not the latest
    p('acc', 0.7, 50, 0, { dataset_name: 'eval', dataset_digest: 'd1' }),
    p('loss10', 1, 1, 0), p('loss2', 2, 1, 0),
    p('acc', 0.1, 400, 0, { run_id: 'r2' }),
  ]);
  assert.deepEqual(rows.map((r) => [r.key, r.value, r.points, r.dataset_name || '', r.run_id]), [
    ['acc', 0.9, 4, '', 'r1'], ['acc', 0.1, 1, '', 'r2'], ['acc', 0.7, 1, 'eval', 'r1'], ['loss2', 2, 1, '', 'r1'], ['loss10', 1, 1, '', 'r1'],
  ]);
  assert.deepEqual(latestModelMetrics([]), []);
});
