// Exponential moving average smoothing (TensorBoard style, debiased). No DOM.

/**
 * Smooth `values` with weight in [0, 1). 0 returns a copy.
 * NaN points stay NaN and are skipped by the average; ±Infinity are treated like NaN
 * for the running average but are passed through unchanged.
 * Debiasing keeps the start of the curve from being pulled towards zero.
 */
export function ema(values, weight) {
  const n = values.length;
  const out = new Float64Array(n);
  const w = Math.min(Math.max(Number(weight) || 0, 0), 0.999);
  if (w === 0) { out.set(values); return out; }
  let last = 0;
  let k = 0; // count of finite points averaged, for debiasing
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) { out[i] = v; continue; }
    last = last * w + (1 - w) * v;
    k++;
    const debias = 1 - Math.pow(w, k);
    out[i] = last / debias;
  }
  return out;
}
