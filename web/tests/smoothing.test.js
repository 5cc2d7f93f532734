import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ema } from '../js/lib/smoothing.js';

test('weight 0 returns a copy', () => {
  const v = Float64Array.from([1, 2, 3]);
  const out = ema(v, 0);
  assert.deepEqual([...out], [1, 2, 3]);
  assert.notEqual(out, v);
});

test('debiased EMA starts at the first value and converges', () => {
  const out = ema(Float64Array.from([10, 10, 10, 10]), 0.9);
  for (const x of out) assert.ok(Math.abs(x - 10) < 1e-9);
  const step = ema(Float64Array.from([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), 0.6);
  assert.equal(step[0], 0);
  assert.ok(step[3] > 0 && step[3] < 1);
  assert.ok(step[step.length - 1] > 0.999);
});

test('matches the hand-computed recurrence', () => {
  const w = 0.5;
  const out = ema(Float64Array.from([1, 3]), w);
  // last1 = .5, debias .5 -> 1; last2 = .25 + 1.5 = 1.75, debias .75 -> 2.3333
  assert.ok(Math.abs(out[0] - 1) < 1e-12);
  assert.ok(Math.abs(out[1] - 1.75 / 0.75) < 1e-12);
});

test('NaN and infinities pass through without poisoning the average', () => {
  const out = ema(Float64Array.from([1, NaN, 1, Infinity, 1]), 0.8);
  assert.ok(Number.isNaN(out[1]));
  assert.equal(out[3], Infinity);
  assert.ok(Math.abs(out[4] - 1) < 1e-9);
  assert.ok(Math.abs(out[2] - 1) < 1e-9);
});
