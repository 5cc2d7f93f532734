// Columnar metric series helpers: { steps, timestamps, values } as Float64Array. No DOM.

/** Parse a metric value as sent by the server: numbers, or "NaN" / "Infinity" / "-Infinity" strings. */
export function toMetricNumber(v) {
  if (typeof v === 'number') return v;
  if (v === 'NaN' || v === 'nan') return NaN;
  if (v === 'Infinity' || v === 'inf' || v === '+Infinity') return Infinity;
  if (v === '-Infinity' || v === '-inf') return -Infinity;
  if (v === null || v === undefined || v === '') return NaN;
  const n = Number(v);
  return n;
}

export function emptySeries() {
  return { steps: new Float64Array(0), timestamps: new Float64Array(0), values: new Float64Array(0) };
}

/** Build columnar Float64Arrays from plain arrays (any of which may contain the quoted non-finite strings). */
export function toColumns(steps = [], timestamps = [], values = []) {
  const n = Math.min(steps.length, values.length);
  const s = new Float64Array(n), t = new Float64Array(n), v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s[i] = Number(steps[i]);
    t[i] = timestamps.length > i ? Number(timestamps[i]) : NaN;
    v[i] = toMetricNumber(values[i]);
  }
  return { steps: s, timestamps: t, values: v };
}

/** Columns from MLflow metric objects [{step,timestamp,value}], sorted by step then timestamp. */
export function fromMetricList(metrics) {
  const sorted = [...metrics].sort((a, b) => (Number(a.step) - Number(b.step)) || (Number(a.timestamp) - Number(b.timestamp)));
  return toColumns(sorted.map((m) => m.step ?? 0), sorted.map((m) => m.timestamp), sorted.map((m) => m.value));
}

function concat(a, b) {
  const out = new Float64Array(a.length + b.length);
  out.set(a, 0); out.set(b, a.length);
  return out;
}

/**
 * Live-update merge: keep the points of `existing` whose step is < minStep and append `incoming`
 * (which the server returned for step >= minStep). Idempotent when polled twice.
 */
export function mergeTail(existing, incoming, minStep) {
  if (!existing || existing.steps.length === 0) return incoming;
  const { steps } = existing;
  // first index with step >= minStep (steps sorted ascending)
  let lo = 0, hi = steps.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (steps[mid] < minStep) lo = mid + 1; else hi = mid; }
  return {
    steps: concat(steps.subarray(0, lo), incoming.steps),
    timestamps: concat(existing.timestamps.subarray(0, lo), incoming.timestamps),
    values: concat(existing.values.subarray(0, lo), incoming.values),
  };
}

/** Last step of a series, or null when empty. */
export function lastStep(series) {
  const n = series?.steps?.length ?? 0;
  return n ? series.steps[n - 1] : null;
}

/**
 * Min/max bucket downsampling by index, keeping shape and extremes: each of ⌈maxPoints/4⌉-ish buckets
 * contributes its first, min, max and last point in step order. First and last points are always kept.
 * NaN and ±Infinity points are always kept (they're rare and significant). Returns input when small enough.
 */
export function downsampleMinMax(series, maxPoints) {
  const n = series.steps.length;
  if (n <= maxPoints || maxPoints < 4) return series;
  const buckets = Math.max(1, Math.floor(maxPoints / 4));
  const size = n / buckets;
  const keep = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size), end = Math.min(n, Math.floor((b + 1) * size));
    if (start >= end) continue;
    let iMin = -1, iMax = -1;
    const special = [];
    for (let i = start; i < end; i++) {
      const v = series.values[i];
      if (!Number.isFinite(v)) { special.push(i); continue; }
      if (iMin < 0 || v < series.values[iMin]) iMin = i;
      if (iMax < 0 || v > series.values[iMax]) iMax = i;
    }
    const idx = new Set([start, end - 1, ...special]);
    if (iMin >= 0) idx.add(iMin);
    if (iMax >= 0) idx.add(iMax);
    keep.push(...[...idx].sort((a, b) => a - b));
  }
  const m = keep.length;
  const out = { steps: new Float64Array(m), timestamps: new Float64Array(m), values: new Float64Array(m) };
  for (let j = 0; j < m; j++) {
    const i = keep[j];
    out.steps[j] = series.steps[i]; out.timestamps[j] = series.timestamps[i]; out.values[j] = series.values[i];
  }
  return out;
}

/**
 * X values for a series by axis mode: 'step', 'time' (wall ms) or 'relative' (ms since `startTime`,
 * falling back to the first timestamp).
 */
export function xValues(series, mode, startTime) {
  if (mode === 'time') return series.timestamps;
  if (mode === 'relative') {
    const n = series.timestamps.length;
    const out = new Float64Array(n);
    const t0 = Number.isFinite(startTime) && startTime > 0 ? startTime : (n ? series.timestamps[0] : 0);
    for (let i = 0; i < n; i++) out[i] = series.timestamps[i] - t0;
    return out;
  }
  return series.steps;
}

/** Index of the element of sorted `xs` nearest to x (-1 when empty). */
export function nearestIndex(xs, x) {
  const n = xs.length;
  if (n === 0) return -1;
  let lo = 0, hi = n - 1;
  if (x <= xs[0]) return 0;
  if (x >= xs[hi]) return hi;
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (xs[mid] <= x) lo = mid; else hi = mid; }
  return (x - xs[lo]) <= (xs[hi] - x) ? lo : hi;
}

/**
 * For a zoom on x ∈ [x0, x1] in any axis mode, the step range to re-query for this series:
 * the steps of the points just outside the window, so lines reach the chart's edges.
 * null when the series lies entirely outside the window (nothing to re-query).
 */
export function stepRangeForX(xs, steps, x0, x1) {
  const n = xs.length;
  if (n === 0) return null;
  let first = -1, last = -1;
  for (let i = 0; i < n; i++) {
    if (xs[i] >= x0 && first < 0) first = i;
    if (xs[i] <= x1) last = i;
  }
  if (first < 0 || last < 0 || first > last) {
    // no point inside the window: re-query only when the line crosses it
    if (!(xs[0] < x0 && xs[n - 1] > x1)) return null;
    return { minStep: steps[last], maxStep: steps[first] };
  }
  const a = Math.max(0, Math.min(first, last) - 1), b = Math.min(n - 1, Math.max(first, last) + 1);
  return { minStep: steps[a], maxStep: steps[b] };
}

/** Finite min/max of `ys` restricted to points with x in [x0, x1]; positiveOnly for log scales. */
export function extent(xs, ys, x0 = -Infinity, x1 = Infinity, positiveOnly = false) {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < ys.length; i++) {
    const x = xs[i];
    if (x < x0 || x > x1) continue;
    const y = ys[i];
    if (!Number.isFinite(y) || (positiveOnly && y <= 0)) continue;
    if (y < lo) lo = y;
    if (y > hi) hi = y;
  }
  return lo <= hi ? [lo, hi] : null;
}
