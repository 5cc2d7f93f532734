import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseHash, buildHash, matchRoute, parseColumn, columnId, toOrderBy, parseOrder, orderId,
  decodeRunsState, encodeRunsState, decodeCompareState, encodeCompareState, DEFAULT_ORDER,
  experimentHash, splitIds, modelsHash, modelHash, loggedModelHash,
  runHash, compareHash, decodeRunState, encodeRunState, decodeFold, encodeFold,
} from '../js/lib/url-state.js';

test('routes', () => {
  assert.deepEqual(matchRoute(''), { name: 'experiments', params: {} });
  assert.deepEqual(matchRoute('#/'), { name: 'experiments', params: {} });
  assert.equal(matchRoute('#/experiments/12?filter=x').params.experimentId, '12');
  assert.equal(matchRoute('#/experiments/12?filter=x').params.filter, 'x');
  assert.equal(matchRoute('#/runs/abc').name, 'run');
  assert.equal(matchRoute('#/runs/abc').params.runId, 'abc');
  assert.equal(matchRoute('#/compare?runs=a,b').params.runs, 'a,b');
  assert.equal(matchRoute('#/nope/1/2').name, 'notfound');
});

test('model routes', () => {
  assert.deepEqual(matchRoute('#/models'), { name: 'models', params: {} });
  assert.deepEqual(matchRoute('#/models?q=abc&sort=updated'), { name: 'models', params: { q: 'abc', sort: 'updated' } });
  assert.deepEqual(matchRoute('#/models/my%20model'), { name: 'model', params: { modelName: 'my model' } });
  assert.deepEqual(matchRoute('#/models/a%2Fb%20100%25?version=3'), { name: 'model', params: { modelName: 'a/b 100%', version: '3' } });
  assert.deepEqual(matchRoute('#/logged-models/m-0123abcd'), { name: 'loggedModel', params: { modelId: 'm-0123abcd' } });
  assert.equal(matchRoute('#/logged-models').name, 'notfound');
  assert.equal(matchRoute('#/models/a/b').name, 'notfound'); // a slash in a name is always encoded
  assert.equal(modelsHash(), '#/models');
  assert.equal(modelsHash({ q: 'my model' }), '#/models?q=my+model');
  assert.equal(matchRoute(modelsHash({ q: "it's 100%" })).params.q, "it's 100%");
});

test('model names and ids survive a round trip through the hash', () => {
  for (const name of ['my model', 'a/b 100%', 'x+y', "it's", 'a,b', 'é?#&=', ' lead', '%41', 'models:/x@y']) {
    const hash = modelHash(name);
    assert.ok(!hash.slice('#/models/'.length).includes('/'), hash);
    assert.deepEqual(matchRoute(hash), { name: 'model', params: { modelName: name } }, hash);
    assert.deepEqual(matchRoute(modelHash(name, { version: '2' })).params, { modelName: name, version: '2' });
  }
  assert.equal(modelHash('my model'), '#/models/my%20model');
  for (const id of ['m-0123abcd', 'm x%y']) assert.deepEqual(matchRoute(loggedModelHash(id)), { name: 'loggedModel', params: { modelId: id } });
  assert.equal(loggedModelHash('m-1'), '#/logged-models/m-1');
});

test('MLflow UI model links open our pages', () => {
  assert.deepEqual(matchRoute('#/models/my%20model/versions/3'), { name: 'model', params: { modelName: 'my model', version: '3' }, canonical: '#/models/my%20model?version=3' });
  assert.deepEqual(matchRoute('#/experiments/1/models/m-abc'), { name: 'loggedModel', params: { modelId: 'm-abc' }, canonical: '#/logged-models/m-abc' });
});

test('several experiments in one runs table', () => {
  const r = matchRoute('#/experiments/3,1,3,?filter=x');
  assert.equal(r.name, 'runs');
  assert.deepEqual(r.params.experimentIds, ['3', '1']);
  assert.equal(r.params.experimentId, '3,1');
  assert.equal(r.params.filter, 'x');
  assert.deepEqual(matchRoute('#/experiments/7').params.experimentIds, ['7']);
  assert.equal(matchRoute('#/experiments/,').name, 'notfound');
  assert.equal(experimentHash(['1', '2'], { group: 'lr' }), '#/experiments/1,2?group=lr');
  assert.equal(experimentHash('5'), '#/experiments/5');
  assert.deepEqual(splitIds(' a, b,,a '), ['a', 'b']);
});

test('links in MLflow UI format open our pages', () => {
  // what the mlflow client prints: "View run <name> at: http://host/#/experiments/0/runs/<id>"
  const r = matchRoute('#/experiments/0/runs/abc123');
  assert.deepEqual(r, { name: 'run', params: { runId: 'abc123' }, canonical: '#/runs/abc123' });
  assert.equal(matchRoute('#/experiments/0/runs/abc/model-metrics').canonical, '#/runs/abc?tab=charts');
  assert.equal(matchRoute('#/experiments/0/runs/abc/overview').canonical, '#/runs/abc');
  const art = matchRoute('#/experiments/0/runs/abc/artifacts/plots/a%20b.png');
  assert.deepEqual(art.params, { runId: 'abc', tab: 'artifacts', file: 'plots/a b.png' });
  assert.equal(art.canonical, '#/runs/abc?tab=artifacts&file=plots/a+b.png');
  const cmp = matchRoute('#/compare-runs?runs=' + encodeURIComponent('["a","b"]') + '&experiments=' + encodeURIComponent('["0"]'));
  assert.deepEqual(cmp, { name: 'compare', params: { runs: 'a,b' }, canonical: '#/compare?runs=a,b' });
  assert.equal(matchRoute('#/compare-runs?runs=a,b').params.runs, 'a,b');
});

test('filter survives a round trip through the hash, readable', () => {
  const filter = "metrics.acc > 0.5 and params.lr = '0.01' and tags.`a&b` = 'x=y+z%'";
  const h = buildHash(['experiments', '3'], encodeRunsState({ filter, order: DEFAULT_ORDER, cols: null, group: '' }));
  assert.ok(h.startsWith('#/experiments/3?filter=metrics.acc+%3E+0.5'));
  const back = decodeRunsState(parseHash(h).query);
  assert.equal(back.filter, filter);
  assert.equal(back.cols, null);
  assert.deepEqual(back.order, DEFAULT_ORDER);
});

test('columns parse and print', () => {
  assert.deepEqual(parseColumn('params.lr'), { kind: 'param', key: 'lr' });
  assert.deepEqual(parseColumn('metrics.val.loss'), { kind: 'metric', key: 'val.loss', agg: 'last' });
  assert.deepEqual(parseColumn('min(metrics.loss)'), { kind: 'metric', key: 'loss', agg: 'min' });
  assert.equal(parseColumn('bogus'), null);
  assert.equal(parseColumn('foo.bar'), null);
  for (const id of ['params.lr', 'metrics.acc', 'max(metrics.a b)', 'tags.mlflow.user', 'attributes.duration']) {
    assert.equal(columnId(parseColumn(id)), id);
  }
});

test('runs state: cols, order, group round trip', () => {
  const s = { filter: '', order: parseOrder('-max(metrics.acc)'), cols: ['params.lr', 'metrics.acc', 'max(metrics.acc)'].map(parseColumn), group: 'optimizer' };
  const enc = encodeRunsState(s);
  assert.equal(enc.order, '-max(metrics.acc)');
  const h = buildHash(['experiments', '1'], enc);
  assert.ok(h.includes('cols=params.lr,metrics.acc,max(metrics.acc)'), h);
  const d = decodeRunsState(parseHash(h).query);
  assert.deepEqual(d, s);
  // explicitly empty column list is kept distinct from "defaults"
  const empty = decodeRunsState(parseHash(buildHash(['x'], encodeRunsState({ ...s, cols: [] }))).query);
  assert.deepEqual(empty.cols, []);
});

test('order_by for server-sortable columns only', () => {
  assert.equal(toOrderBy(parseColumn('metrics.acc'), true), 'metrics.acc DESC');
  assert.equal(toOrderBy(parseColumn('metrics.val loss'), false), 'metrics.`val loss` ASC');
  assert.equal(toOrderBy(parseColumn('params.lr'), false), 'params.lr ASC');
  assert.equal(toOrderBy(parseColumn('tags.mlflow.source.name'), false), 'tags.`mlflow.source.name` ASC');
  assert.equal(toOrderBy(parseColumn('metrics.val/loss'), true), 'metrics.`val/loss` DESC');
  assert.equal(toOrderBy(parseColumn('min(metrics.acc)'), true), null);
  assert.equal(toOrderBy({ kind: 'attr', key: 'start_time' }, true), 'attributes.start_time DESC');
  assert.equal(toOrderBy({ kind: 'attr', key: 'duration' }, true), null);
  assert.equal(orderId(parseOrder('')), orderId(DEFAULT_ORDER));
});

test('compare state round trip and clamping', () => {
  const s = decodeCompareState({ runs: 'a,b,a,c', metric: 'loss,acc', x: 'relative', log: '1', smooth: '0.6', diff: '1', group: 'lr', zoom: '10,200' });
  assert.deepEqual(s.runs, ['a', 'b', 'c']);
  assert.deepEqual(s.metrics, ['loss', 'acc']);
  assert.equal(s.x, 'relative');
  assert.equal(s.log, true);
  assert.equal(s.smooth, 0.6);
  assert.deepEqual(s.zoom, [10, 200]);
  const back = decodeCompareState(parseHash(buildHash(['compare'], encodeCompareState(s))).query);
  assert.deepEqual(back, s);
  const bad = decodeCompareState({ x: 'nope', smooth: '7', zoom: '5,1' });
  assert.equal(bad.x, 'step');
  assert.equal(bad.smooth, 0.99);
  assert.equal(bad.zoom, null);
  const many = decodeCompareState({ runs: Array.from({ length: 80 }, (_, i) => 'r' + i).join(',') });
  assert.equal(many.runs.length, 50);
  assert.equal(many.requested, 80); // the page says it shows the first 50 of 80
  assert.equal(s.requested, 3);
});

test('folded metric sections in the URL: fold=system,~,val', () => {
  assert.deepEqual(decodeFold('system,val'), ['system', 'val']);
  assert.deepEqual(decodeFold('~,system,,system, val '), ['', 'system', 'val']); // "~" is the unprefixed section
  assert.deepEqual(decodeFold(''), []);
  assert.deepEqual(decodeFold(undefined), []);
  assert.equal(encodeFold(['system', '', 'val']), 'system,~,val');
  assert.equal(encodeFold([]), '');
  assert.equal(encodeFold(undefined), '');
  for (const ids of [['system'], ['', 'my run', 'a:b'], ['état', '学习']]) {
    const hash = runHash('r1', encodeRunState({ tab: 'charts', fold: ids }));
    assert.deepEqual(decodeRunState(matchRoute(hash).params).fold, ids, hash);
  }
  assert.equal(runHash('r1', encodeRunState({ tab: 'charts', fold: ['system', 'val'] })), '#/runs/r1?tab=charts&fold=system,val');
  assert.equal(runHash('r1', encodeRunState({ tab: 'charts', fold: ['', 'my run'] })), '#/runs/r1?tab=charts&fold=~,my+run');
});

test('run page state round trip, defaults left out of the URL', () => {
  const s = decodeRunState({ tab: 'charts', metric: 'system/cpu', x: 'time', log: '1', smooth: '0.5', file: 'a/b.txt', fold: 'system,val' });
  assert.deepEqual(s, { tab: 'charts', metric: 'system/cpu', x: 'time', log: true, smooth: 0.5, file: 'a/b.txt', fold: ['system', 'val'] });
  assert.equal(runHash('r1', encodeRunState(s)), '#/runs/r1?tab=charts&metric=system/cpu&x=time&log=1&smooth=0.5&file=a/b.txt&fold=system,val');
  assert.deepEqual(decodeRunState(matchRoute(runHash('r1', encodeRunState(s))).params), s);
  const d = decodeRunState({});
  assert.deepEqual(d, { tab: 'overview', metric: '', x: 'step', log: false, smooth: 0, file: '', fold: [] });
  assert.equal(runHash('r1', encodeRunState(d)), '#/runs/r1');
  const bad = decodeRunState({ tab: 'nope', x: 'nope', smooth: '7' });
  assert.equal(bad.tab, 'overview');
  assert.equal(bad.x, 'step');
  assert.equal(bad.smooth, 0.99);
});

test('compare state keeps the folded sections', () => {
  const s = decodeCompareState({ runs: 'a,b', fold: 'system,~' });
  assert.deepEqual(s.fold, ['system', '']);
  assert.equal(compareHash(encodeCompareState(s)), '#/compare?runs=a,b&fold=system,~');
  assert.deepEqual(decodeCompareState(parseHash(compareHash(encodeCompareState(s))).query), s);
  assert.deepEqual(decodeCompareState({ runs: 'a,b' }).fold, []);
});
