import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../js/api.js';

const realFetch = globalThis.fetch;
afterEach(() => { globalThis.fetch = realFetch; });

function respond(status, body, calls = []) {
  globalThis.fetch = async (url, init) => {
    calls.push({ url, init });
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return { ok: status >= 200 && status < 300, status, statusText: 'x', text: async () => text };
  };
  return calls;
}

test('MLflow error JSON becomes ApiError(code, message, status)', async () => {
  respond(400, { error_code: 'INVALID_PARAMETER_VALUE', message: "Invalid filter 'metrics.acc >'" });
  await assert.rejects(api.searchRuns({ experimentIds: ['1'], filter: 'metrics.acc >' }), (e) => {
    assert.ok(e instanceof api.ApiError);
    assert.equal(e.code, 'INVALID_PARAMETER_VALUE');
    assert.equal(e.status, 400);
    assert.match(e.message, /Invalid filter/);
    return true;
  });
});

test('network failure becomes UNREACHABLE and fires an event once', async () => {
  let events = 0;
  api.apiEvents.addEventListener('unreachable', () => events++);
  globalThis.fetch = async () => { throw new TypeError('Failed to fetch'); };
  await assert.rejects(api.getRun('x'), (e) => e.code === 'UNREACHABLE');
  await assert.rejects(api.getRun('x'), (e) => e.code === 'UNREACHABLE');
  assert.equal(events, 1);
  let back = 0;
  api.apiEvents.addEventListener('reachable', () => back++);
  respond(200, {});
  await api.searchExperiments();
  assert.equal(back, 1);
});

test('POST sends JSON; empty answer {} is an empty list', async () => {
  const calls = respond(200, {});
  const r = await api.searchRuns({ experimentIds: ['1'], filter: "params.lr = '0.1'", orderBy: ['metrics.acc DESC'], maxResults: 1000 });
  assert.deepEqual(r.runs, []);
  assert.equal(r.nextPageToken, null);
  assert.equal(calls[0].url, '/api/2.0/mlflow/runs/search');
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[0].init.headers['Content-Type'], 'application/json');
  const body = JSON.parse(calls[0].init.body);
  assert.deepEqual(body.experiment_ids, ['1']);
  assert.deepEqual(body.order_by, ['metrics.acc DESC']);
  assert.equal(body.run_view_type, 'ACTIVE_ONLY');
});

test('runs are normalised with numeric metric values', async () => {
  respond(200, { runs: [{ info: { run_id: 'r1', run_name: 'n', status: 'RUNNING', start_time: '1700000000000' }, data: { metrics: [{ key: 'a', value: 'NaN', step: '3', timestamp: 5 }, { key: 'b', value: '-Infinity', timestamp: 5 }], params: [{ key: 'lr', value: '0.1' }], tags: [{ key: 'mlflow.user', value: 'al' }] } }], next_page_token: 'tok' });
  const r = await api.searchRuns({ experimentIds: ['1'] });
  const run = r.runs[0];
  assert.equal(run.id, 'r1');
  assert.equal(run.info.start_time, 1700000000000);
  assert.ok(Number.isNaN(run.metrics.a.value));
  assert.equal(run.metrics.a.step, 3);
  assert.equal(run.metrics.b.value, -Infinity);
  assert.equal(run.params.lr, '0.1');
  assert.equal(run.tags['mlflow.user'], 'al');
  assert.equal(r.nextPageToken, 'tok');
});

test('metricSeries returns Float64Array columns and passes step bounds', async () => {
  const calls = respond(200, { run_id: 'r', key: 'loss', steps: [1, 2], timestamps: [10, 20], values: [0.5, 'Infinity'] });
  const s = await api.metricSeries('r', 'loss', { maxPoints: 100, minStep: 1 });
  assert.ok(s.values instanceof Float64Array);
  assert.equal(s.values[1], Infinity);
  assert.equal(calls[0].url, '/api/2.0/track/metrics/series?run_id=r&key=loss&max_points=100&min_step=1');
});

test('runSummaries batches run ids as repeated params', async () => {
  const calls = respond(200, { summaries: [{ run_id: 'a', key: 'loss', last: 1, min: 'NaN', max: 2, count: 3, last_step: 9 }] });
  const ids = Array.from({ length: 150 }, (_, i) => (i === 0 ? 'a' : 'r' + i));
  const m = await api.runSummaries(ids);
  assert.equal(calls.length, 2);
  assert.ok(calls[0].url.startsWith('/api/2.0/track/runs/summaries?run_id=a&run_id=r1&'));
  assert.equal(m.get('a').loss.last, 1);
  assert.ok(Number.isNaN(m.get('a').loss.min));
  assert.equal(m.size, 150);
});

test('artifact URLs encode each segment', async () => {
  assert.equal(api.artifactUrl('1/r/artifacts/a b/c#.txt'), '/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a%20b/c%23.txt');
  const calls = respond(200, { files: [{ path: 'x.txt', is_dir: false, file_size: '12' }] });
  const files = await api.listArtifacts('1/r/artifacts');
  assert.deepEqual(files, [{ path: 'x.txt', is_dir: false, file_size: 12 }]);
  assert.equal(calls[0].url, '/api/2.0/mlflow-artifacts/artifacts?path=1%2Fr%2Fartifacts');
});

test('non-JSON error bodies still produce readable errors', async () => {
  respond(500, 'boom');
  await assert.rejects(api.getExperiment('1'), (e) => e.code === 'INTERNAL_ERROR' && e.message === 'boom');
  respond(502, '<html>bad gateway</html>');
  await assert.rejects(api.getExperiment('1'), (e) => e.code === 'UNREACHABLE');
});

test('experimentSummaries asks for many experiments in one request and fills the missing ones', async () => {
  const calls = respond(200, { summaries: [{ experiment_id: '1', run_count: 12, running_count: 2, last_activity: 1700000000000 }] });
  const m = await api.experimentSummaries(['1', '2']);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].url, '/api/2.0/track/experiments/summaries?experiment_id=1&experiment_id=2');
  assert.deepEqual(m.get('1'), { count: 12, running: 2, last: 1700000000000 });
  assert.deepEqual(m.get('2'), { count: 0, running: 0, last: 0 });
  const many = respond(200, { summaries: [] });
  await api.experimentSummaries(Array.from({ length: 2500 }, (_, i) => String(i)));
  assert.equal(many.length, 3);
});
