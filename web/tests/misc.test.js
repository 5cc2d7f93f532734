import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCSV } from '../js/lib/csv.js';
import { previewKind, artifactRoot, joinPath, encodePath, sortEntries } from '../js/lib/artifacts.js';
import { displayStatus, parseHeartbeat, runDuration, crashAfter } from '../js/lib/status.js';
import { runColor, shade, ramp } from '../js/lib/colors.js';

test('parseCSV handles quotes, doubled quotes, CRLF and row limits', () => {
  const { rows } = parseCSV('a,b\r\n"x, y","he said ""hi"""\n3,\n');
  assert.deepEqual(rows, [['a', 'b'], ['x, y', 'he said "hi"'], ['3', '']]);
  const t = parseCSV('1\n2\n3\n4\n', { maxRows: 2 });
  assert.deepEqual(t.rows, [['1'], ['2']]);
  assert.equal(t.truncated, true);
  assert.deepEqual(parseCSV('a\tb', { delimiter: '\t' }).rows, [['a', 'b']]);
  assert.deepEqual(parseCSV('"multi\nline",x').rows, [['multi\nline', 'x']]);
});

test('previewKind never renders svg/html and respects size', () => {
  assert.equal(previewKind('plots/a.PNG'), 'image');
  assert.equal(previewKind('a.webp'), 'image');
  assert.equal(previewKind('a.svg'), 'text');
  assert.equal(previewKind('report.html'), 'text');
  assert.equal(previewKind('m.json'), 'json');
  assert.equal(previewKind('t.csv'), 'csv');
  assert.equal(previewKind('model/MLmodel'), 'text');
  assert.equal(previewKind('weights.bin'), 'none');
  assert.equal(previewKind('huge.txt', 50e6), 'none');
});

test('artifact paths', () => {
  assert.equal(artifactRoot('mlflow-artifacts:/1/abc/artifacts', '1', 'abc'), '1/abc/artifacts');
  assert.equal(artifactRoot('file:///tmp/x', '1', 'abc'), '1/abc/artifacts');
  assert.equal(joinPath('1/abc/artifacts', '', 'a/b.txt'), '1/abc/artifacts/a/b.txt');
  assert.equal(encodePath('a b/c#d.txt'), 'a%20b/c%23d.txt');
  const s = sortEntries([{ path: 'b.txt' }, { path: 'z', is_dir: true }, { path: 'a10' }, { path: 'a2' }]);
  assert.deepEqual(s.map((x) => x.path), ['z', 'a2', 'a10', 'b.txt']);
});

test('crashed status from a stale heartbeat', () => {
  const now = 1_700_000_000_000;
  assert.equal(displayStatus({ status: 'RUNNING' }, { 'track.heartbeat': String(now - 60_000) }, now), 'RUNNING');
  assert.equal(displayStatus({ status: 'RUNNING' }, { 'track.heartbeat': String(now - 600_000) }, now), 'CRASHED');
  assert.equal(displayStatus({ status: 'RUNNING' }, { 'track.heartbeat': String((now - 600_000) / 1000) }, now), 'CRASHED');
  assert.equal(displayStatus({ status: 'RUNNING' }, {}, now), 'RUNNING');
  assert.equal(displayStatus({ status: 'FINISHED' }, { 'track.heartbeat': '1' }, now), 'FINISHED');
  assert.equal(parseHeartbeat('2024-01-01T00:00:00Z'), Date.parse('2024-01-01T00:00:00Z'));
  // a run that beats every 10 minutes is crashed only after three missed beats
  const slow = { 'track.heartbeat_interval_ms': '600000' };
  assert.equal(crashAfter(slow), 1_800_000);
  assert.equal(crashAfter({ 'track.heartbeat_interval_ms': '30000' }), 300_000);
  assert.equal(crashAfter({}), 300_000);
  assert.equal(displayStatus({ status: 'RUNNING' }, { ...slow, 'track.heartbeat': String(now - 1_000_000) }, now), 'RUNNING');
  assert.equal(displayStatus({ status: 'RUNNING' }, { ...slow, 'track.heartbeat': String(now - 2_000_000) }, now), 'CRASHED');
  assert.equal(runDuration({ start_time: 1000, end_time: 4000 }), 3000);
  assert.equal(runDuration({ start_time: 1000, status: 'RUNNING' }, 5000), 4000);
  assert.equal(runDuration({ start_time: 1000, status: 'FAILED' }), null);
  // a crashed run lasted until its last heartbeat, not until now
  const crashed = { 'track.heartbeat': String(now - 600_000) };
  assert.equal(runDuration({ start_time: now - 3_600_000, status: 'RUNNING' }, now, crashed), 3_000_000);
  assert.equal(runDuration({ start_time: now - 3_600_000, status: 'RUNNING' }, now, { 'track.heartbeat': String(now - 1000) }), 3_600_000);
});

test('colours', () => {
  assert.equal(runColor(0), '#3b82f6');
  assert.notEqual(runColor(20), runColor(0));
  assert.match(runColor(49), /^#[0-9a-f]{6}$/);
  assert.equal(new Set(Array.from({ length: 50 }, (_, i) => runColor(i))).size, 50);
  assert.equal(shade('#000000', 0.5), '#808080');
  assert.match(ramp(0.5), /^rgb\(/);
});
