// Axis tick generation. Pure functions, no DOM.

/** Round a raw step up to 1, 2, 2.5 or 5 × 10^k. */
export function niceStep(raw) {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const exp = Math.floor(Math.log10(raw));
  const base = Math.pow(10, exp);
  const f = raw / base;
  let nice;
  if (f <= 1) nice = 1;
  else if (f <= 2) nice = 2;
  else if (f <= 2.5) nice = 2.5;
  else if (f <= 5) nice = 5;
  else nice = 10;
  return nice * base;
}

/**
 * Nice linear ticks covering [min, max] with at most ~`count` ticks.
 * Returns { min, max, step, ticks } where min/max are the data range extended to whole steps
 * (use them as axis bounds when `extend` is true) and ticks lie within the returned bounds.
 */
export function niceTicks(min, max, count = 5, { extend = true } = {}) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { min: 0, max: 1, step: 0.2, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] };
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad; max += pad;
  }
  count = Math.max(2, count);
  const step = niceStep((max - min) / count);
  const lo = extend ? Math.floor(min / step + 1e-9) * step : min;
  const hi = extend ? Math.ceil(max / step - 1e-9) * step : max;
  const ticks = [];
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  for (let i = first; i <= last && ticks.length < 1000; i++) {
    const t = i * step;
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : roundTo(t, step));
  }
  return { min: lo, max: hi, step, ticks };
}

function roundTo(v, step) {
  const d = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(v.toFixed(Math.min(d, 15)));
}

/** Log-scale ticks: powers of ten covering [min, max] (min > 0). Adds 2× and 5× when few decades. */
export function logTicks(min, max, count = 5) {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return { min: 1, max: 10, ticks: [1, 10] };
  if (min > max) [min, max] = [max, min];
  let e0 = Math.floor(Math.log10(min) + 1e-9);
  let e1 = Math.ceil(Math.log10(max) - 1e-9);
  if (e0 === e1) e1 = e0 + 1;
  const decades = e1 - e0;
  const every = Math.max(1, Math.ceil(decades / count));
  const ticks = [];
  for (let e = e0; e <= e1; e++) {
    if (e % every !== 0) continue;
    ticks.push(Number(`1e${e}`));
    if (decades <= 2 && e < e1) { ticks.push(Number(`2e${e}`), Number(`5e${e}`)); }
  }
  return { min: Math.pow(10, e0), max: Math.pow(10, e1), ticks };
}

const SEC = 1000, MIN = 60 * SEC, HOUR = 60 * MIN, DAY = 24 * HOUR;
const DURATION_STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  SEC, 2 * SEC, 5 * SEC, 10 * SEC, 15 * SEC, 30 * SEC,
  MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 90 * DAY, 365 * DAY,
];

/** Choose a "round" duration step (ms) so that [min,max] gets about `count` ticks. */
export function durationStep(span, count = 5) {
  const raw = span / Math.max(1, count);
  for (const s of DURATION_STEPS) if (s >= raw) return s;
  return niceStep(raw / (365 * DAY)) * 365 * DAY;
}

/**
 * Ticks for a time axis in ms (wall time when `tzOffsetMin` given, relative durations otherwise).
 * Wall-clock ticks align to local midnight/hours using tzOffsetMin (minutes east of UTC, i.e. -Date#getTimezoneOffset()).
 */
export function timeTicks(min, max, count = 5, tzOffsetMin = null) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { step: 1, ticks: [] };
  if (min > max) [min, max] = [max, min];
  if (min === max) { min -= SEC; max += SEC; }
  const step = durationStep(max - min, count);
  const shift = tzOffsetMin === null ? 0 : tzOffsetMin * MIN;
  const ticks = [];
  let t = Math.ceil((min + shift) / step) * step - shift;
  for (; t <= max && ticks.length < 1000; t += step) ticks.push(t);
  return { step, ticks };
}
