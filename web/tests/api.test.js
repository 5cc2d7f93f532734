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

test('a run keeps the models it logged (outputs)', async () => {
  respond(200, { run: { info: { run_id: 'r1', experiment_id: '1' }, data: {}, outputs: { model_outputs: [{ model_id: 'm-1', step: '3' }] } } });
  const run = await api.getRun('r1');
  assert.deepEqual(run.outputs, { model_outputs: [{ model_id: 'm-1', step: 3 }] });
  respond(200, { run: { info: { run_id: 'r2', experiment_id: '1' }, data: {} } });
  assert.deepEqual((await api.getRun('r2')).outputs, { model_outputs: [] });
});

test('registered models: search query, normalised versions and aliases', async () => {
  const calls = respond(200, {
    registered_models: [{ name: 'my model', creation_timestamp: '5', last_updated_timestamp: 6,
      latest_versions: [{ name: 'my model', version: 2, creation_timestamp: 7, current_stage: 'Production' }],
      aliases: [{ alias: 'champion', version: 2 }] }],
    next_page_token: 'tok',
  });
  const r = await api.searchRegisteredModels({ filter: "name ILIKE '%my%'", orderBy: 'name ASC', maxResults: 50 });
  const url = new URL(calls[0].url, 'http://x');
  assert.equal(url.pathname, '/api/2.0/mlflow/registered-models/search');
  assert.equal(url.searchParams.get('filter'), "name ILIKE '%my%'");
  assert.equal(url.searchParams.get('order_by'), 'name ASC');
  assert.equal(url.searchParams.get('max_results'), '50');
  assert.equal(calls[0].init.method, 'GET');
  assert.equal(r.nextPageToken, 'tok');
  const m = r.models[0];
  assert.equal(m.creation_timestamp, 5);
  assert.equal(m.description, '');
  assert.deepEqual(m.tags, []);
  assert.deepEqual(m.aliases, [{ alias: 'champion', version: '2' }]);
  assert.equal(m.latest_versions[0].version, '2');
  assert.equal(m.latest_versions[0].current_stage, 'Production');
});

test('unknown registered model is a 404 ApiError', async () => {
  respond(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=x not found' });
  await assert.rejects(api.getRegisteredModel('x'), (e) => e.status === 404 && e.code === 'RESOURCE_DOES_NOT_EXIST');
});

test('model versions: exact name only, newest first, pages followed', async () => {
  const calls = [];
  const pages = [
    { model_versions: [{ name: "it's", version: '1' }, { name: 'itxs', version: '9' }], next_page_token: 'p2' },
    { model_versions: [{ name: "it's", version: '10', current_stage: '' }] },
  ];
  globalThis.fetch = async (url, init) => {
    calls.push({ url, init });
    return { ok: true, status: 200, statusText: 'OK', text: async () => JSON.stringify(pages[calls.length - 1]) };
  };
  const list = await api.modelVersions("it's");
  assert.deepEqual(list.map((v) => v.version), ['10', '1']);
  assert.equal(list[0].current_stage, 'None');
  assert.equal(new URL(calls[0].url, 'http://x').searchParams.get('filter'), "name LIKE 'it_s'");
  assert.equal(new URL(calls[1].url, 'http://x').searchParams.get('page_token'), 'p2');
});

test('logged model: id in the path, metric values as numbers, tags map', async () => {
  const calls = respond(200, { model: {
    info: { model_id: 'm-1', name: 'clf', experiment_id: '1', creation_timestamp_ms: '10', status: 'LOGGED_MODEL_READY', tags: [{ key: 'mlflow.modelVersions', value: '[]' }] },
    data: { params: [{ key: 'lr', value: '0.1' }], metrics: [{ key: 'acc', value: 'NaN', step: '2', timestamp: 1 }, { key: 'loss', value: '-Infinity', timestamp: 1 }] },
  } });
  const m = await api.getLoggedModel('m 1');
  assert.equal(calls[0].url, '/api/2.0/mlflow/logged-models/m%201');
  assert.equal(m.id, 'm-1');
  assert.equal(m.name, 'clf');
  assert.equal(m.info.creation_timestamp_ms, 10);
  assert.equal(m.tags['mlflow.modelVersions'], '[]');
  assert.deepEqual(m.params, [{ key: 'lr', value: '0.1' }]);
  assert.ok(Number.isNaN(m.metrics[0].value));
  assert.equal(m.metrics[0].step, 2);
  assert.equal(m.metrics[1].value, -Infinity);
  assert.equal(m.metrics[1].step, 0);
});
