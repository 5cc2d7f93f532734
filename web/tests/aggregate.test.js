import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stats, groupBy, aggregateBands } from '../js/lib/aggregate.js';

test('stats skips non-finite and missing', () => {
  assert.deepEqual(stats([1, 2, 3, NaN, undefined, '4']), { mean: 2.5, min: 1, max: 4, count: 4 });
  assert.equal(stats([]).count, 0);
});

test('groupBy sorts numerically and puts missing last', () => {
  const items = [{ lr: '0.1' }, { lr: '0.01' }, {}, { lr: '0.1' }];
  const g = groupBy(items, (x) => x.lr);
  assert.deepEqual(g.map((x) => x.value), ['0.01', '0.1', null]);
  assert.equal(g[1].items.length, 2);
});

test('aggregateBands: mean and band on shared steps, interpolation, own range only', () => {
  const a = { x: Float64Array.from([0, 1, 2]), y: Float64Array.from([0, 2, 4]) };
  const b = { x: Float64Array.from([0, 2]), y: Float64Array.from([2, 2]) };
  const c = { x: Float64Array.from([3]), y: Float64Array.from([9]) };
  const r = aggregateBands([a, b, c]);
  assert.deepEqual([...r.x], [0, 1, 2, 3]);
  assert.deepEqual([...r.mean], [1, 2, 3, 9]);
  assert.deepEqual([...r.min], [0, 2, 2, 9]);
  assert.deepEqual([...r.max], [2, 2, 4, 9]);
  assert.deepEqual([...r.count], [2, 2, 2, 1]);
});

test('aggregateBands caps the grid', () => {
  const n = 5000;
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) { x[i] = i; y[i] = i; }
  const r = aggregateBands([{ x, y }], 100);
  assert.equal(r.x.length, 100);
  assert.equal(r.x[0], 0);
  assert.equal(r.x[99], n - 1);
});
