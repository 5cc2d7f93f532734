import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toMetricNumber, toColumns, mergeTail, downsampleMinMax, xValues, nearestIndex, stepRangeForX, extent, lastStep, fromMetricList } from '../js/lib/series.js';

test('toMetricNumber handles the quoted non-finite values', () => {
  assert.ok(Number.isNaN(toMetricNumber('NaN')));
  assert.equal(toMetricNumber('Infinity'), Infinity);
  assert.equal(toMetricNumber('-Infinity'), -Infinity);
  assert.equal(toMetricNumber(0.5), 0.5);
  assert.equal(toMetricNumber('0.25'), 0.25);
});

test('toColumns builds Float64Arrays', () => {
  const c = toColumns([0, 1, 2], [10, 20, 30], [1, 'NaN', '-Infinity']);
  assert.ok(c.values instanceof Float64Array);
  assert.equal(c.steps[2], 2);
  assert.ok(Number.isNaN(c.values[1]));
  assert.equal(c.values[2], -Infinity);
});

test('fromMetricList sorts by step', () => {
  const c = fromMetricList([{ step: 2, timestamp: 5, value: 2 }, { step: 1, timestamp: 4, value: 1 }]);
  assert.deepEqual([...c.steps], [1, 2]);
});

test('mergeTail replaces points from minStep on and is idempotent', () => {
  const a = toColumns([0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3]);
  const inc = toColumns([3, 4, 5], [3, 4, 5], [30, 40, 50]);
  const m = mergeTail(a, inc, 3);
  assert.deepEqual([...m.steps], [0, 1, 2, 3, 4, 5]);
  assert.deepEqual([...m.values], [0, 1, 2, 30, 40, 50]);
  const again = mergeTail(m, inc, 3);
  assert.deepEqual([...again.steps], [0, 1, 2, 3, 4, 5]);
  assert.equal(lastStep(again), 5);
  assert.equal(lastStep(toColumns()), null);
  assert.equal(mergeTail(null, inc, 3), inc);
});

test('downsampleMinMax keeps extremes, ends and NaN, within budget', () => {
  const n = 10_000;
  const steps = [], vals = [];
  for (let i = 0; i < n; i++) { steps.push(i); vals.push(Math.sin(i / 100)); }
  vals[5000] = 99; vals[7000] = -99; vals[8000] = 'NaN';
  const s = toColumns(steps, steps, vals);
  const d = downsampleMinMax(s, 400);
  assert.ok(d.steps.length <= 400 + 10, `got ${d.steps.length}`);
  assert.equal(d.steps[0], 0);
  assert.equal(d.steps[d.steps.length - 1], n - 1);
  const vs = [...d.values];
  assert.ok(vs.includes(99));
  assert.ok(vs.includes(-99));
  assert.ok(vs.some(Number.isNaN));
  for (let i = 1; i < d.steps.length; i++) assert.ok(d.steps[i] > d.steps[i - 1]);
  assert.equal(downsampleMinMax(s.steps.length > 5 ? toColumns([1], [1], [1]) : s, 10).steps.length, 1);
});

test('xValues by mode', () => {
  const s = toColumns([0, 1], [1000, 3000], [5, 6]);
  assert.deepEqual([...xValues(s, 'step')], [0, 1]);
  assert.deepEqual([...xValues(s, 'time')], [1000, 3000]);
  assert.deepEqual([...xValues(s, 'relative', 500)], [500, 2500]);
  assert.deepEqual([...xValues(s, 'relative')], [0, 2000]);
});

test('nearestIndex', () => {
  const xs = Float64Array.from([0, 10, 20, 30]);
  assert.equal(nearestIndex(xs, -5), 0);
  assert.equal(nearestIndex(xs, 14), 1);
  assert.equal(nearestIndex(xs, 16), 2);
  assert.equal(nearestIndex(xs, 99), 3);
  assert.equal(nearestIndex(new Float64Array(0), 1), -1);
});

test('stepRangeForX widens by one point each side', () => {
  const xs = Float64Array.from([0, 100, 200, 300, 400]);
  const steps = Float64Array.from([0, 1, 2, 3, 4]);
  assert.deepEqual(stepRangeForX(xs, steps, 150, 250), { minStep: 1, maxStep: 3 });
  assert.deepEqual(stepRangeForX(xs, steps, -10, 1000), { minStep: 0, maxStep: 4 });
  assert.deepEqual(stepRangeForX(xs, steps, 120, 180), { minStep: 1, maxStep: 2 }); // between two points
  assert.equal(stepRangeForX(xs, steps, 500, 600), null); // entirely outside
  assert.equal(stepRangeForX(xs, steps, -50, -10), null);
});

test('extent ignores non-finite and respects window / log', () => {
  const xs = Float64Array.from([0, 1, 2, 3]);
  const ys = Float64Array.from([-1, NaN, Infinity, 5]);
  assert.deepEqual(extent(xs, ys), [-1, 5]);
  assert.deepEqual(extent(xs, ys, 0, 1), [-1, -1]);
  assert.deepEqual(extent(xs, ys, -Infinity, Infinity, true), [5, 5]);
  assert.equal(extent(xs, Float64Array.from([NaN, NaN, NaN, NaN])), null);
});
