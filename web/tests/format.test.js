import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNumber, formatTick, formatCount, formatDuration, formatRelative, formatBytes, plural, formatTimestamp } from '../js/lib/format.js';

test('formatNumber: integers, decimals, non-finite, scientific', () => {
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(42), '42');
  assert.equal(formatNumber(0.123456789), '0.123457');
  assert.equal(formatNumber(1.5), '1.5');
  assert.equal(formatNumber(NaN), 'NaN');
  assert.equal(formatNumber(Infinity), '∞');
  assert.equal(formatNumber(-Infinity), '−∞');
  assert.equal(formatNumber(1.23e-7), '1.23e-7');
  assert.equal(formatNumber(12345678.9), '1.23457e7');
  assert.equal(formatNumber('0.01'), '0.01');
  assert.equal(formatNumber('adam'), 'adam');
  assert.equal(formatNumber(null), '');
});

test('formatTick uses the step for decimals', () => {
  assert.equal(formatTick(0.30000000000000004, 0.1), '0.3');
  assert.equal(formatTick(250, 50), '250');
  assert.equal(formatTick(2.5, 0.25), '2.50');
  assert.equal(formatTick(1e-17, 0.1), '0');
});

test('formatCount and plural', () => {
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(12), '12');
  assert.equal(plural(1, 'run'), '1 run');
  assert.equal(plural(1200, 'run'), '1,200 runs');
});

test('formatDuration', () => {
  assert.equal(formatDuration(950), '950ms');
  assert.equal(formatDuration(4200), '4.2s');
  assert.equal(formatDuration(42_000), '42s');
  assert.equal(formatDuration(185_000), '3m\u00a005s');
  assert.equal(formatDuration(2 * 3600_000 + 4 * 60_000), '2h\u00a004m');
  assert.equal(formatDuration(3 * 86400_000 + 4 * 3600_000), '3d\u00a04h');
  assert.equal(formatDuration(null), '');
});

test('formatRelative', () => {
  const now = 1_700_000_000_000;
  assert.equal(formatRelative(now - 10_000, now), 'just now');
  assert.equal(formatRelative(now - 5 * 60_000, now), '5 min ago');
  assert.equal(formatRelative(now - 3 * 3600_000, now), '3 h ago');
  assert.equal(formatRelative(now - 86400_000, now), 'yesterday');
  assert.equal(formatRelative(now - 5 * 86400_000, now), '5 days ago');
  assert.match(formatRelative(now - 90 * 86400_000, now), /^\d{4}-\d{2}-\d{2}$/);
});

test('formatTimestamp shape and formatBytes', () => {
  assert.match(formatTimestamp(Date.now()), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  assert.equal(formatTimestamp(undefined), '');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(50 * 1024 * 1024), '50 MB');
});

test('formatDurationShort for axis ticks', async () => {
  const { formatDurationShort } = await import('../js/lib/format.js');
  assert.equal(formatDurationShort(0), '0');
  assert.equal(formatDurationShort(45_000), '45s');
  assert.equal(formatDurationShort(90_000), '1m 30s');
  assert.equal(formatDurationShort(30 * 60_000), '30m');
  assert.equal(formatDurationShort(3600_000), '1h');
  assert.equal(formatDurationShort(5400_000), '1h 30m');
  assert.equal(formatDurationShort(500), '500ms');
});
