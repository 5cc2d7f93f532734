import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DESCRIPTION_TAG, isEditableTag, userTags, descriptionState, descriptionChange, newTagKeyProblem,
  tagValueKind, isDeletedRun, runCacheKeys, eachInTurn, batchReport,
} from '../js/lib/run-edit.js';
import { buildHash, parseHash, decodeRunsState, encodeRunsState, runViewType, DEFAULT_ORDER } from '../js/lib/url-state.js';

const tagsMap = (obj) => Object.assign(Object.create(null), obj); // as api.normalizeRun builds it

test('only the run’s own tags are editable; system tags are not', () => {
  assert.equal(DESCRIPTION_TAG, 'mlflow.note.content');
  for (const k of ['team', 'stage', 'a b', 'mlflowish', 'x.mlflow.y', 'tracker']) assert.ok(isEditableTag(k), k);
  for (const k of ['mlflow.user', 'mlflow.note.content', 'mlflow.runName', 'track.heartbeat']) assert.ok(!isEditableTag(k), k);
  const list = userTags([{ key: 'mlflow.user', value: 'a' }, { key: 'z', value: '1' }, { key: 'k10', value: '' }, { key: 'k9', value: 'x' }, { key: 'track.heartbeat', value: '1' }]);
  assert.deepEqual(list.map((t) => t.key), ['k9', 'k10', 'z']);
});

test('description state: the note tag, present only with visible text', () => {
  assert.deepEqual(descriptionState(tagsMap({})), { text: '', present: false, stored: false });
  assert.deepEqual(descriptionState(tagsMap({ [DESCRIPTION_TAG]: 'line 1\nline 2' })), { text: 'line 1\nline 2', present: true, stored: true });
  assert.deepEqual(descriptionState(tagsMap({ [DESCRIPTION_TAG]: '  \n' })), { text: '  \n', present: false, stored: true });
  assert.deepEqual(descriptionState(undefined), { text: '', present: false, stored: false });
  // a tag called "toString" or "constructor" is not a description
  assert.equal(descriptionState({ team: 'x' }).stored, false);
});

test('saving a description: set, delete when emptied, nothing when unchanged', () => {
  const none = descriptionState(tagsMap({}));
  const some = descriptionState(tagsMap({ [DESCRIPTION_TAG]: 'old text' }));
  const blank = descriptionState(tagsMap({ [DESCRIPTION_TAG]: ' ' }));
  assert.deepEqual(descriptionChange(none, 'first\n\nsecond  \n'), { kind: 'set', text: 'first\n\nsecond' });
  assert.deepEqual(descriptionChange(none, '   \n'), { kind: 'none' });
  assert.deepEqual(descriptionChange(some, ''), { kind: 'delete' });
  assert.deepEqual(descriptionChange(some, ' \n\t'), { kind: 'delete' });
  assert.deepEqual(descriptionChange(blank, ''), { kind: 'delete' });
  assert.deepEqual(descriptionChange(some, 'old text\n'), { kind: 'none' });
  assert.deepEqual(descriptionChange(some, '  indented stays'), { kind: 'set', text: '  indented stays' });
  assert.deepEqual(descriptionChange(some, '<b>not bold</b>'), { kind: 'set', text: '<b>not bold</b>' });
});

test('new tag keys: system keys and keys the run has are refused before any request', () => {
  assert.equal(newTagKeyProblem('team', ['other']), null);
  assert.equal(newTagKeyProblem('a/../b', []), null); // the server judges characters and length
  assert.match(newTagKeyProblem('', []), /needs a key/);
  assert.match(newTagKeyProblem('   ', []), /needs a key/);
  assert.match(newTagKeyProblem('mlflow.note.content', []), /system tags/);
  assert.match(newTagKeyProblem('track.heartbeat', []), /system tags/);
  assert.match(newTagKeyProblem('team', ['team']), /already has a tag “team”: edit its value/);
  assert.match(newTagKeyProblem(' team ', ['team']), /already has/);
});

test('tag values get a text area when they are long or several lines', () => {
  assert.equal(tagValueKind('vision'), 'text');
  assert.equal(tagValueKind(''), 'text');
  assert.equal(tagValueKind(undefined), 'text');
  assert.equal(tagValueKind('a\nb'), 'textarea');
  assert.equal(tagValueKind('x'.repeat(121)), 'textarea');
});

test('deleted runs and the cache keys that hold a run', () => {
  assert.equal(isDeletedRun({ info: { lifecycle_stage: 'deleted' } }), true);
  assert.equal(isDeletedRun({ info: { lifecycle_stage: 'active' } }), false);
  assert.equal(isDeletedRun({ info: {} }), false);
  assert.equal(isDeletedRun(null), false);
  assert.deepEqual(runCacheKeys('abc'), ['run:abc', 'run-name:abc']);
});

test('eachInTurn runs one action at a time and collects failures', async () => {
  let active = 0, most = 0;
  const order = [];
  const { done, failed } = await eachInTurn(['a', 'b', 'c', 'd'], async (x) => {
    active++; most = Math.max(most, active);
    await new Promise((r) => setTimeout(r, 2));
    order.push(x);
    active--;
    if (x === 'b' || x === 'd') throw new Error(`no ${x}`);
  });
  assert.equal(most, 1);
  assert.deepEqual(order, ['a', 'b', 'c', 'd']);
  assert.deepEqual(done, ['a', 'c']);
  assert.deepEqual(failed.map((f) => [f.item, f.error.message]), [['b', 'no b'], ['d', 'no d']]);
  assert.deepEqual(await eachInTurn([], () => { throw new Error('never'); }), { done: [], failed: [] });
});

test('batch reports name the runs that failed and why', () => {
  assert.equal(batchReport('Deleted', 3, []), 'Deleted 3 runs.');
  assert.equal(batchReport('Deleted', 1, []), 'Deleted 1 run.');
  const err = (m) => ({ message: m });
  assert.equal(batchReport('Deleted', 3, [{ item: { name: 'r2' }, error: err('Permission denied') }], (r) => r.name),
    'Deleted 2 of 3 runs. Not deleted: r2 (Permission denied)');
  assert.equal(batchReport('Restored', 2, [{ item: 'a', error: err('x') }, { item: 'b', error: err('y') }]),
    'No run restored. Not restored: a (x); b (y)');
  const many = Array.from({ length: 7 }, (_, i) => ({ item: `r${i}`, error: err('e') }));
  assert.match(batchReport('Deleted', 7, many), /r4 \(e\) and 2 more$/);
});

test('runs state: deleted=1 lists the deleted runs and survives the URL', () => {
  assert.equal(decodeRunsState({}).deleted, undefined);
  assert.equal(runViewType(decodeRunsState({})), 'ACTIVE_ONLY');
  assert.equal(decodeRunsState({ deleted: '0' }).deleted, undefined);
  const s = { filter: 'params.lr = "0.1"', order: DEFAULT_ORDER, cols: null, group: '', deleted: true };
  const hash = buildHash(['experiments', '4'], encodeRunsState(s));
  assert.ok(hash.includes('deleted=1'), hash);
  const back = decodeRunsState(parseHash(hash).query);
  assert.deepEqual(back, s);
  assert.equal(runViewType(back), 'DELETED_ONLY');
  // leaving the deleted view drops the parameter
  assert.ok(!buildHash(['experiments', '4'], encodeRunsState({ ...s, deleted: false })).includes('deleted'));
});
