// Grouping and aggregation helpers for runs and series. No DOM.

/** mean/min/max/count of the finite numbers in `values`. */
export function stats(values) {
  let sum = 0, n = 0, min = Infinity, max = -Infinity;
  for (const v of values) {
    const x = typeof v === 'number' ? v : Number(v);
    if (v === null || v === undefined || v === '' || !Number.isFinite(x)) continue;
    sum += x; n++;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return n ? { mean: sum / n, min, max, count: n } : { mean: NaN, min: NaN, max: NaN, count: 0 };
}

/**
 * Group items by key(item). Returns [{ value, items }] ordered by first appearance, with the
 * missing-value group (undefined/null) last. Numeric-looking values are sorted numerically when `sort`.
 */
export function groupBy(items, key, { sort = true } = {}) {
  const map = new Map();
  for (const it of items) {
    const k = key(it);
    const kk = k === undefined || k === null ? null : String(k);
    let g = map.get(kk);
    if (!g) { g = { value: kk, items: [] }; map.set(kk, g); }
    g.items.push(it);
  }
  const groups = [...map.values()];
  if (sort) {
    groups.sort((a, b) => {
      if (a.value === null) return 1;
      if (b.value === null) return -1;
      const na = Number(a.value), nb = Number(b.value);
      if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
      return a.value.localeCompare(b.value, undefined, { numeric: true });
    });
  }
  return groups;
}

function interpAt(xs, ys, x) {
  const n = xs.length;
  if (n === 0 || x < xs[0] || x > xs[n - 1]) return NaN;
  let lo = 0, hi = n - 1;
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (xs[mid] <= x) lo = mid; else hi = mid; }
  if (xs[lo] === x) return ys[lo];
  if (xs[hi] === x) return ys[hi];
  const t = (x - xs[lo]) / (xs[hi] - xs[lo]);
  const a = ys[lo], b = ys[hi];
  if (!Number.isFinite(a) || !Number.isFinite(b)) return NaN;
  return a + (b - a) * t;
}

/**
 * Mean with a min–max band across several series [{x, y}] (sorted x). The x grid is the union of all
 * x values (or `maxSlots` evenly spaced points when the union is larger). Each series contributes its
 * linearly interpolated value inside its own x range only. Slots with no contributor are NaN.
 */
export function aggregateBands(list, maxSlots = 1000) {
  const all = new Set();
  let lo = Infinity, hi = -Infinity;
  for (const s of list) {
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i];
      if (!Number.isFinite(x)) continue;
      all.add(x);
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  let grid;
  if (all.size <= maxSlots) grid = Float64Array.from([...all].sort((a, b) => a - b));
  else {
    grid = new Float64Array(maxSlots);
    for (let i = 0; i < maxSlots; i++) grid[i] = lo + ((hi - lo) * i) / (maxSlots - 1);
  }
  const n = grid.length;
  const mean = new Float64Array(n), min = new Float64Array(n), max = new Float64Array(n), count = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0, c = 0, mn = Infinity, mx = -Infinity;
    for (const s of list) {
      const v = interpAt(s.x, s.y, grid[i]);
      if (!Number.isFinite(v)) continue;
      sum += v; c++;
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    }
    mean[i] = c ? sum / c : NaN;
    min[i] = c ? mn : NaN;
    max[i] = c ? mx : NaN;
    count[i] = c;
  }
  return { x: grid, mean, min, max, count };
}
