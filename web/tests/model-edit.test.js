import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  stageTargets, offersArchiveExisting, versionsInStage, versionList, stageChangeText, aliasMoveText, aliasName,
  descriptionToSave, registerTargetName, registerNote,
} from '../js/lib/models.js';
import * as api from '../js/api.js';

const versions = [
  { version: '4', current_stage: 'Production' },
  { version: '3', current_stage: 'None' },
  { version: '2', current_stage: 'Staging' },
  { version: '1', current_stage: 'Production' },
];

test('stage menu: every stage but the current one, in MLflow order', () => {
  assert.deepEqual(stageTargets('None'), ['Staging', 'Production', 'Archived']);
  assert.deepEqual(stageTargets(undefined), ['Staging', 'Production', 'Archived']);
  assert.deepEqual(stageTargets('Production'), ['Staging', 'Archived', 'None']);
  assert.deepEqual(stageTargets('Archived'), ['Staging', 'Production', 'None']);
});

test('only Staging and Production offer to archive the versions already there', () => {
  assert.equal(offersArchiveExisting('Staging'), true);
  assert.equal(offersArchiveExisting('Production'), true);
  assert.equal(offersArchiveExisting('Archived'), false);
  assert.equal(offersArchiveExisting('None'), false);
});

test('versions in a stage, without the one being moved, newest first', () => {
  assert.deepEqual(versionsInStage(versions, 'Production', '3'), ['4', '1']);
  assert.deepEqual(versionsInStage(versions, 'Production', '4'), ['1']);
  assert.deepEqual(versionsInStage(versions, 'None', '3'), []);
  assert.deepEqual(versionsInStage([{ version: 7 }], 'None'), ['7']); // no stage reads as None
  assert.equal(versionList([]), '');
  assert.equal(versionList(['4']), 'v4');
  assert.equal(versionList(['4', '1']), 'v4 and v1');
  assert.equal(versionList(['5', '4', '1']), 'v5, v4 and v1');
});

test('stage dialog texts', () => {
  assert.deepEqual(stageChangeText(versions, '3', 'Production'), {
    title: 'Move v3 to Production', message: 'v3 has no stage now.',
    archiveLabel: 'Transition existing Production versions to Archived', archiveHint: 'v4 and v1 are in Production now.',
  });
  assert.deepEqual(stageChangeText(versions, '3', 'Staging').archiveHint, 'v2 is in Staging now.');
  assert.deepEqual(stageChangeText(versions, '2', 'Staging').archiveHint, 'No other version is in Staging now.');
  assert.deepEqual(stageChangeText(versions, '4', 'Archived'), { title: 'Move v4 to Archived', message: 'v4 is in Production now.', archiveLabel: null, archiveHint: null });
  assert.equal(stageChangeText(versions, '2', 'None').title, 'Move v2 to None');
});

test('alias dialog says when the alias exists and moves', () => {
  const aliases = [{ alias: 'champion', version: '2' }, { alias: 'prod', version: '3' }];
  assert.equal(aliasMoveText(aliases, 'champion', '3'), '@champion points at v2 now: saving moves it to v3.');
  assert.equal(aliasMoveText(aliases, ' @champion ', '3'), '@champion points at v2 now: saving moves it to v3.');
  assert.equal(aliasMoveText(aliases, 'prod', '3'), '@prod already points at v3.');
  assert.equal(aliasMoveText(aliases, 'Champion', '3'), ''); // aliases are case-sensitive
  assert.equal(aliasMoveText(aliases, 'new-one', '3'), '');
  assert.equal(aliasMoveText(aliases, '', '3'), '');
  assert.equal(aliasMoveText(undefined, 'x', '1'), '');
  assert.equal(aliasName(' @champion '), 'champion');
  assert.equal(aliasName('latest'), 'latest'); // the server says why not
});

test('descriptions: blank clears, anything else is kept as typed', () => {
  assert.equal(descriptionToSave(''), '');
  assert.equal(descriptionToSave('  \n\t '), '');
  assert.equal(descriptionToSave(undefined), '');
  assert.equal(descriptionToSave('line 1\n  line 2\n'), 'line 1\n  line 2\n');
});

test('register dialog: the model picked wins over the name typed', () => {
  assert.equal(registerTargetName({ existing: 'churn', newName: 'clf' }), 'churn');
  assert.equal(registerTargetName({ existing: '', newName: ' clf ' }), 'clf');
  assert.equal(registerTargetName({ newName: '' }), '');
  assert.equal(registerTargetName(), '');
  const names = ['churn', 'my model'];
  assert.equal(registerNote(names, { existing: 'churn', newName: 'clf' }), 'The new version goes to “churn”.');
  assert.equal(registerNote(names, { newName: 'my model' }), '“my model” exists: the new version is added to it.');
  assert.equal(registerNote(names, { newName: 'clf' }), 'A registered model “clf” is created.');
  assert.equal(registerNote(names, { newName: '  ' }), '');
});

// ---------------------------------------------------------------- registerLoggedModel (fake fetch)

const realFetch = globalThis.fetch;
afterEach(() => { globalThis.fetch = realFetch; });

/** answers: [[status, body]] in order; returns the calls made. */
function serve(answers) {
  const calls = [];
  globalThis.fetch = async (url, init) => {
    calls.push({ url, method: init.method, body: init.body ? JSON.parse(init.body) : undefined });
    const [status, body] = answers[calls.length - 1];
    return { ok: status < 300, status, statusText: 'x', text: async () => JSON.stringify(body) };
  };
  return calls;
}

test('registering a logged model sends what mlflow.register_model sends', async () => {
  const calls = serve([
    [200, { registered_model: { name: 'churn' } }],
    [200, { model_version: { name: 'churn', version: '1', current_stage: 'None' } }],
  ]);
  const v = await api.registerLoggedModel('churn', { modelId: 'm-1', runId: 'r-1' });
  assert.equal(v.version, '1');
  assert.deepEqual(calls.map((c) => [c.method, c.url]), [
    ['POST', '/api/2.0/mlflow/registered-models/create'], ['POST', '/api/2.0/mlflow/model-versions/create']]);
  assert.deepEqual(calls[1].body, { name: 'churn', source: 'models:/m-1', run_id: 'r-1', model_id: 'm-1' });
});

test('registering into a model that exists adds a version to it', async () => {
  const calls = serve([
    [400, { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Registered Model (name=churn) already exists.' }],
    [200, { model_version: { name: 'churn', version: '3' } }],
  ]);
  assert.equal((await api.registerLoggedModel('churn', { modelId: 'm-1' })).version, '3');
  assert.equal(calls.length, 2);
  assert.equal(calls[1].body.run_id, undefined); // no source run: not sent
});

test('a model created for a version that is refused is removed again', async () => {
  const calls = serve([
    [200, { registered_model: { name: 'churn' } }],
    [404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Logged model m-1 not found' }],
    [200, {}],
  ]);
  await assert.rejects(api.registerLoggedModel('churn', { modelId: 'm-1' }), (e) => e.status === 404 && /m-1 not found/.test(e.message));
  assert.deepEqual(calls[2], { url: '/api/2.0/mlflow/registered-models/delete', method: 'DELETE', body: { name: 'churn' } });
});

test('a refusal to create the model (read-only account) stops there', async () => {
  const calls = serve([[403, { error_code: 'PERMISSION_DENIED', message: "User 'rita' has the role 'reader', which may not write here." }]]);
  await assert.rejects(api.registerLoggedModel('churn', { modelId: 'm-1' }), (e) => e.code === 'PERMISSION_DENIED' && /reader/.test(e.message));
  assert.equal(calls.length, 1);
});
