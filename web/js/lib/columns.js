// Which columns the runs table shows when the URL doesn't say. No DOM.

/**
 * Default columns for runs [{ data: { metrics: [{key}], params: [{key, value}] } }]:
 * the `metrics` most common metrics (last value, by name), then the params whose value differs
 * between runs (most common first, at most `params`); params that are the same everywhere say
 * nothing about a run, so they appear only when no param differs. Looks at the first `sample` runs.
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
  // A param missing from some runs differs too ("not set" is a value).
  const differs = (k) => paramValues.get(k).size > 1 || paramCount.get(k) < n;
  const varying = [...paramCount.keys()].filter(differs);
  const ps = (varying.length ? varying : [...paramCount.keys()]).sort(byCount(paramCount)).slice(0, params).sort(byName);
  return [...ms.map((key) => ({ kind: 'metric', key, agg: 'last' })), ...ps.map((key) => ({ kind: 'param', key }))];
}
