// Tiny sparkline on a canvas (DPR-aware). Draws once; call again to update.

/** Draw ys (Float64Array) against xs into `canvas` at its CSS size. */
export function drawSparkline(canvas, xs, ys, color) {
  const w = canvas.clientWidth || Number(canvas.getAttribute('width')) || 120;
  const h = canvas.clientHeight || Number(canvas.getAttribute('height')) || 28;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const n = xs.length;
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const y = ys[i];
    if (!Number.isFinite(y)) continue;
    if (xs[i] < x0) x0 = xs[i];
    if (xs[i] > x1) x1 = xs[i];
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  if (!(y0 <= y1)) return;
  if (x0 === x1) { x0 -= 1; x1 += 1; }
  if (y0 === y1) { y0 -= 1; y1 += 1; }
  const pad = 3;
  const X = (x) => pad + ((x - x0) / (x1 - x0)) * (w - 2 * pad);
  const Y = (y) => h - pad - ((y - y0) / (y1 - y0)) * (h - 2 * pad);
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.25;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  let pen = false, lastX = 0, lastY = 0;
  for (let i = 0; i < n; i++) {
    const y = ys[i];
    if (!Number.isFinite(y)) { pen = false; continue; }
    lastX = X(xs[i]); lastY = Y(y);
    if (pen) ctx.lineTo(lastX, lastY); else { ctx.moveTo(lastX, lastY); pen = true; }
  }
  ctx.stroke();
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.arc(lastX, lastY, 2, 0, Math.PI * 2);
  ctx.fill();
}
