import { test } from 'node:test';
import assert from 'node:assert/strict';
import { niceStep, niceTicks, logTicks, timeTicks, durationStep } from '../js/lib/ticks.js';

test('niceStep rounds to 1/2/2.5/5 × 10^k', () => {
  assert.equal(niceStep(0.13), 0.2);
  assert.equal(niceStep(3), 5);
  assert.equal(niceStep(7), 10);
  assert.equal(niceStep(22), 25);
  assert.equal(niceStep(100), 100);
});

test('niceTicks covers the range with round numbers', () => {
  const t = niceTicks(0.03, 0.97, 5);
  assert.equal(t.min, 0);
  assert.equal(t.max, 1);
  assert.deepEqual(t.ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  const u = niceTicks(-13, 87, 5);
  assert.equal(u.step, 20);
  assert.deepEqual(u.ticks, [-20, 0, 20, 40, 60, 80, 100]);
});

test('niceTicks without extension stays inside the data range', () => {
  const t = niceTicks(3, 97, 5, { extend: false });
  assert.equal(t.min, 3);
  assert.equal(t.max, 97);
  assert.ok(t.ticks.every((x) => x >= 3 && x <= 97));
  assert.deepEqual(t.ticks, [20, 40, 60, 80]);
});

test('niceTicks handles flat and invalid ranges', () => {
  const t = niceTicks(5, 5, 5);
  assert.ok(t.min < 5 && t.max > 5);
  const z = niceTicks(0, 0, 5);
  assert.ok(z.min < 0 && z.max > 0);
  const bad = niceTicks(NaN, 1);
  assert.ok(bad.ticks.length > 1);
  assert.deepEqual(niceTicks(10, 0, 5).ticks, niceTicks(0, 10, 5).ticks);
});

test('no floating point noise in ticks', () => {
  const t = niceTicks(0.1, 0.7, 6);
  for (const x of t.ticks) assert.equal(x, Number(x.toFixed(10)));
});

test('logTicks gives decades', () => {
  const t = logTicks(0.003, 250);
  assert.equal(t.min, 0.001);
  assert.equal(t.max, 1000);
  assert.ok(t.ticks.includes(1));
  assert.ok(t.ticks.includes(0.01));
  const few = logTicks(2, 30);
  assert.deepEqual(few.ticks, [1, 2, 5, 10, 20, 50, 100]);
});

test('time ticks use round durations', () => {
  assert.equal(durationStep(60_000, 6), 10_000);
  assert.equal(durationStep(3 * 3600_000, 6), 30 * 60_000);
  const t = timeTicks(0, 125_000, 5);
  assert.equal(t.step, 30_000);
  assert.deepEqual(t.ticks, [0, 30_000, 60_000, 90_000, 120_000]);
  const wall = timeTicks(1_700_000_123_456, 1_700_003_723_456, 4, 0);
  assert.ok(wall.ticks.every((x) => x % wall.step === 0));
});
