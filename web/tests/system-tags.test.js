import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSystemTag, describeSystemTags, isSystemTag } from '../js/lib/system-tags.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

test('system tags get readable names and values', () => {
  assert.ok(isSystemTag('mlflow.user') && isSystemTag('track.heartbeat') && !isSystemTag('team'));
  const commit = describeSystemTag('mlflow.source.git.commit', '0123456789abcdef0123456789abcdef01234567');
  assert.deepEqual([commit.label, commit.text, commit.title, commit.kind], ['Git commit', '0123456789ab', '0123456789abcdef0123456789abcdef01234567', 'mono']);
  assert.equal(describeSystemTag('mlflow.source.type', 'NOTEBOOK').text, 'notebook');
  assert.equal(describeSystemTag('mlflow.source.name', 'train.py').label, 'Source');
  assert.equal(describeSystemTag('mlflow.parentRunId', 'abc').kind, 'run');
  assert.equal(describeSystemTag('mlflow.source.git.repoURL', 'https://github.com/a/b').kind, 'url');
  assert.equal(describeSystemTag('mlflow.source.git.repoURL', 'git@github.com:a/b.git').kind, 'mono');
  const hb = describeSystemTag('track.heartbeat', String(NOW - 120_000), NOW);
  assert.equal(hb.label, 'Last heartbeat');
  assert.match(hb.text, /^2 min ago \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)$/);
  assert.equal(describeSystemTag('track.heartbeat_interval_ms', '30000').text, 'every 30s');
  const models = describeSystemTag('mlflow.log-model.history', JSON.stringify([{ artifact_path: 'model' }, { artifact_path: 'best' }]));
  assert.equal(models.text, '2 models: model, best');
  // unknown keys and unparsable values stay as they are
  assert.deepEqual(describeSystemTag('mlflow.something', 'v'), { key: 'mlflow.something', label: 'mlflow.something', text: 'v', kind: 'text' });
  assert.equal(describeSystemTag('track.heartbeat', 'soon').text, 'soon');
  assert.equal(describeSystemTag('mlflow.log-model.history', '{broken').text, '{broken');
});

test('system tags are listed known-first, without the description or user tags', () => {
  const list = describeSystemTags([
    { key: 'zzz', value: '1' }, { key: 'mlflow.zeta', value: 'z' }, { key: 'mlflow.note.content', value: 'hi' },
    { key: 'mlflow.source.git.commit', value: 'abc' }, { key: 'mlflow.user', value: 'alice' },
  ], NOW);
  assert.deepEqual(list.map((d) => d.key), ['mlflow.user', 'mlflow.source.git.commit', 'mlflow.zeta']);
});
