import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultColumns } from '../js/lib/columns.js';

const run = (metrics, params) => ({ data: { metrics: metrics.map((key) => ({ key })), params: Object.entries(params).map(([key, value]) => ({ key, value })) } });

test('default columns: common metrics, then only the params that differ', () => {
  const runs = [
    run(['acc', 'loss'], { lr: '0.1', dataset: 'cifar', seed: '1' }),
    run(['acc', 'loss'], { lr: '0.01', dataset: 'cifar', seed: '2' }),
    run(['acc'], { lr: '0.001', dataset: 'cifar', seed: '3' }),
  ];
  assert.deepEqual(defaultColumns(runs), [
    { kind: 'metric', key: 'acc', agg: 'last' }, { kind: 'metric', key: 'loss', agg: 'last' },
    { kind: 'param', key: 'lr' }, { kind: 'param', key: 'seed' },
  ]);
});

test('default columns: a param missing from some runs differs; constant params only when nothing differs', () => {
  const a = run([], { lr: '0.1', tag: 'x' });
  const b = run([], { lr: '0.1' });
  assert.deepEqual(defaultColumns([a, b]).map((c) => c.key), ['tag']);
  assert.deepEqual(defaultColumns([a]).map((c) => c.key), ['lr', 'tag']);
  assert.deepEqual(defaultColumns([]), []);
});

test('default columns: params whose values differ come before params that are only missing somewhere', () => {
  // two experiments: only vision runs have dataset/epochs/optimizer; lr is everywhere and differs
  const vision = Array.from({ length: 4 }, (_, i) => run([], { lr: String(i), optimizer: i % 2 ? 'adam' : 'sgd', dataset: 'cifar', epochs: '20' }));
  const other = [run([], { lr: '9' }), run([], { lr: '8' })];
  assert.deepEqual(defaultColumns([...vision, ...other], { params: 3 }).map((c) => c.key), ['dataset', 'lr', 'optimizer']);
  assert.deepEqual(defaultColumns([...vision, ...other], { params: 2 }).map((c) => c.key), ['lr', 'optimizer']);
});

test('default columns: limits keep the most common keys, listed by name', () => {
  const runs = Array.from({ length: 6 }, (_, i) => run(
    ['m1', 'm2', 'm3', 'm4', 'm5'].slice(0, 5 - (i % 2)).concat(i < 3 ? ['rare'] : []),
    Object.fromEntries(['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((k) => [k, String(i)])),
  ));
  const cols = defaultColumns(runs, { metrics: 3, params: 2 });
  assert.deepEqual(cols.filter((c) => c.kind === 'metric').map((c) => c.key), ['m1', 'm2', 'm3']);
  assert.deepEqual(cols.filter((c) => c.kind === 'param').map((c) => c.key), ['p1', 'p2']);
});
