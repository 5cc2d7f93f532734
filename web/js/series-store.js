// Per-view store of downsampled metric series with live tail appends and zoom re-queries.
// Not global: each view creates its own and drops it on unmount.

import * as api from './api.js';
import { mergeTail, lastStep, downsampleMinMax } from './lib/series.js';

export class SeriesStore {
  constructor(maxPoints = 1000) {
    this.maxPoints = maxPoints;
    this.map = new Map(); // key -> { series, zoom, promise }
  }

  static key(runId, metric) { return `${runId}\u0000${metric}`; }

  get(runId, metric) { return this.map.get(SeriesStore.key(runId, metric))?.series || null; }
  zoomOf(runId, metric) { return this.map.get(SeriesStore.key(runId, metric))?.zoom || null; }

  /** Load (or reload) a series; zoom = { minStep, maxStep } or null for the full range. */
  async load(runId, metric, { signal, zoom = null, force = false } = {}) {
    const k = SeriesStore.key(runId, metric);
    const cur = this.map.get(k);
    const sameZoom = (a, b) => (!a && !b) || (a && b && a.minStep === b.minStep && a.maxStep === b.maxStep);
    if (!force && cur && sameZoom(cur.zoom, zoom)) return cur.promise;
    const entry = { series: cur?.series || null, zoom, promise: null };
    entry.promise = api.metricSeries(runId, metric, { maxPoints: this.maxPoints, minStep: zoom?.minStep, maxStep: zoom?.maxStep, signal })
      .then((s) => { if (this.map.get(k) === entry) entry.series = s; return s; })
      .catch((e) => { if (this.map.get(k) === entry) this.map.delete(k); throw e; });
    this.map.set(k, entry);
    return entry.promise;
  }

  /**
   * Append new points of a live run (min_step = last known step). Skips zoomed or unloaded series.
   * Returns true when the series changed.
   */
  async tail(runId, metric, { signal } = {}) {
    const k = SeriesStore.key(runId, metric);
    const entry = this.map.get(k);
    if (!entry || entry.zoom || !entry.series) return false;
    const from = lastStep(entry.series);
    const inc = await api.metricSeries(runId, metric, { maxPoints: this.maxPoints, minStep: from ?? undefined, signal });
    if (this.map.get(k) !== entry || entry.zoom) return false;
    const before = entry.series;
    let merged = from === null ? inc : mergeTail(before, inc, from);
    if (merged.steps.length > this.maxPoints * 2) merged = downsampleMinMax(merged, this.maxPoints);
    const n0 = before.steps.length, n1 = merged.steps.length;
    const changed = n0 !== n1 || (n1 > 0 && (merged.values[n1 - 1] !== before.values[n0 - 1] || merged.steps[n1 - 1] !== before.steps[n0 - 1]));
    entry.series = merged;
    return changed;
  }

  clear() { this.map.clear(); }
}
