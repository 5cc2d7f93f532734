// Which columns the runs table shows when the URL doesn't say. No DOM.

/**
 * Default columns for runs [{ data: { metrics: [{key}], params: [{key, value}] } }]:
 * the `metrics` most common metrics (last value), then at most `params` params, the most common
 * first, all listed by name. Params whose value differs between the runs that have them come first
 * (they tell runs apart); params that are merely missing from some runs are next; params with one
 * value everywhere say nothing about a run and appear only when nothing differs. Looks at the
 * first `sample` runs.
 */
export function defaultColumns(runs, { metrics = 4, params = 4, sample = 2000 } = {}) {
  const metricCount = new Map();
  const paramCount = new Map();
  const paramValues = new Map(); // key -> Set of values (capped at 2: all we need is "differs")
  const n = Math.min(runs.length, sample);
  for (let i = 0; i < n; i++) {
    const d = runs[i].data;
    for (const m of d.metrics) metricCount.set(m.key, (metricCount.get(m.key) || 0) + 1);
    for (const p of d.params) {
      paramCount.set(p.key, (paramCount.get(p.key) || 0) + 1);
      let vs = paramValues.get(p.key);
      if (!vs) paramValues.set(p.key, vs = new Set());
      if (vs.size < 2) vs.add(p.value);
    }
  }
  const byCount = (counts) => (a, b) => counts.get(b) - counts.get(a) || a.localeCompare(b, undefined, { numeric: true });
  const byName = (a, b) => a.localeCompare(b, undefined, { numeric: true });
  const ms = [...metricCount.keys()].sort(byCount(metricCount)).slice(0, metrics).sort(byName);
  const keys = [...paramCount.keys()].sort(byCount(paramCount));
  const varying = keys.filter((k) => paramValues.get(k).size > 1);
  const partial = keys.filter((k) => paramValues.get(k).size === 1 && paramCount.get(k) < n);
  const ps = (varying.length || partial.length ? [...varying, ...partial] : keys).slice(0, params).sort(byName);
  return [...ms.map((key) => ({ kind: 'metric', key, agg: 'last' })), ...ps.map((key) => ({ kind: 'param', key }))];
}
