// Scatter plot of points [{x, y, color, label}]; x may be categorical (strings) with a little jitter.

import { Surface, chartTheme } from './surface.js';
import { niceTicks } from '../lib/ticks.js';
import { formatTick, formatNumber } from '../lib/format.js';

export class ScatterChart {
  constructor(host, { onClick } = {}) {
    this.points = [];
    this.hover = -1;
    this.onClick = onClick;
    this.root = document.createElement('div');
    this.root.className = 'scatter-chart';
    host.append(this.root);
    this.tip = document.createElement('div');
    this.tip.className = 'chart-tip';
    this.tip.hidden = true;
    this.root.append(this.tip);
    this.surface = new Surface(this.root, ['base', 'over'], (l, ctx, w, h) => (l === 'base' ? this.drawBase(ctx, w, h) : this.drawOver(ctx)));
    this.root.addEventListener('pointermove', (e) => this.move(e));
    this.root.addEventListener('pointerleave', () => { this.hover = -1; this.tip.hidden = true; this.surface.request('over'); });
    this.root.addEventListener('click', () => { if (this.hover >= 0) this.onClick?.(this.points[this.hover]); });
    this.onTheme = () => this.surface.request('base', 'over');
    window.addEventListener('track:theme', this.onTheme);
  }

  setData(points, { xLabel = '', yLabel = '' } = {}) {
    this.xLabel = xLabel; this.yLabel = yLabel;
    const present = points.filter((p) => p.x !== null && p.x !== undefined && p.x !== '' && Number.isFinite(p.y));
    this.numericX = present.every((p) => Number.isFinite(Number(p.x)));
    this.cats = this.numericX ? null : [...new Set(present.map((p) => String(p.x)))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    this.points = present;
    this.surface.request('base', 'over');
  }

  drawBase(ctx, w, h) {
    const th = chartTheme();
    ctx.font = th.font;
    this.px = [];
    if (!this.points.length) { ctx.fillStyle = th.text; ctx.textAlign = 'center'; ctx.fillText('No runs have both values', w / 2, h / 2); return; }
    const ys = this.points.map((p) => p.y);
    const yt = niceTicks(Math.min(...ys), Math.max(...ys), Math.max(2, Math.floor(h / 50)));
    const labels = yt.ticks.map((t) => formatTick(t, yt.step));
    const lw = Math.max(...labels.map((l) => ctx.measureText(l).width));
    const P = { left: lw + 16, right: w - 14, top: 12, bottom: h - 34 };
    const Y = (y) => P.bottom - ((y - yt.min) / (yt.max - yt.min)) * (P.bottom - P.top);
    let X, xticks;
    if (this.numericX) {
      const xs = this.points.map((p) => Number(p.x));
      const xt = niceTicks(Math.min(...xs), Math.max(...xs), Math.max(2, Math.floor(w / 100)));
      X = (x) => P.left + ((Number(x) - xt.min) / (xt.max - xt.min)) * (P.right - P.left);
      xticks = xt.ticks.map((t) => [X(t), formatTick(t, xt.step)]);
    } else {
      const n = this.cats.length;
      const band = (P.right - P.left) / n;
      X = (x, i) => P.left + band * (this.cats.indexOf(String(x)) + 0.5) + (((i * 2654435761) % 1000) / 1000 - 0.5) * band * 0.4;
      xticks = this.cats.map((c, k) => [P.left + band * (k + 0.5), c.length > 14 ? c.slice(0, 13) + '…' : c]);
    }
    ctx.strokeStyle = th.grid; ctx.fillStyle = th.text; ctx.lineWidth = 1;
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    ctx.beginPath();
    yt.ticks.forEach((t, i) => { const y = Math.round(Y(t)) + 0.5; ctx.moveTo(P.left, y); ctx.lineTo(P.right, y); ctx.fillText(labels[i], P.left - 6, y); });
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    let last = -Infinity;
    for (const [x, label] of xticks) {
      const xx = Math.round(x) + 0.5;
      ctx.moveTo(xx, P.top); ctx.lineTo(xx, P.bottom);
      const tw = ctx.measureText(label).width;
      if (xx - tw / 2 > last + 4) { ctx.fillText(label, xx, P.bottom + 6); last = xx + tw / 2; }
    }
    ctx.stroke();
    ctx.fillStyle = th.text;
    ctx.fillText(this.xLabel, (P.left + P.right) / 2, P.bottom + 20);
    this.points.forEach((p, i) => {
      const x = X(p.x, i), y = Y(p.y);
      this.px.push([x, y]);
      ctx.beginPath(); ctx.arc(x, y, 4.5, 0, Math.PI * 2);
      ctx.fillStyle = p.color; ctx.globalAlpha = 0.85; ctx.fill(); ctx.globalAlpha = 1;
      ctx.strokeStyle = th.bg; ctx.lineWidth = 1; ctx.stroke();
    });
  }

  drawOver(ctx) {
    if (this.hover < 0 || !this.px[this.hover]) return;
    const [x, y] = this.px[this.hover];
    ctx.beginPath(); ctx.arc(x, y, 7, 0, Math.PI * 2);
    ctx.strokeStyle = this.points[this.hover].color; ctx.lineWidth = 2; ctx.stroke();
  }

  move(e) {
    if (!this.px) return;
    const r = this.root.getBoundingClientRect();
    const mx = e.clientX - r.left, my = e.clientY - r.top;
    let best = -1, bd = 100;
    this.px.forEach(([x, y], i) => { const d = (x - mx) ** 2 + (y - my) ** 2; if (d < bd) { bd = d; best = i; } });
    if (best !== this.hover) { this.hover = best; this.surface.request('over'); }
    this.root.style.cursor = best >= 0 && this.onClick ? 'pointer' : '';
    if (best < 0) { this.tip.hidden = true; return; }
    const p = this.points[best];
    const rows = [p.label, `${this.xLabel}: ${this.numericX ? formatNumber(Number(p.x)) : p.x}`, `${this.yLabel}: ${formatNumber(p.y)}`];
    this.tip.replaceChildren(...rows.map((t, i) => { const d = document.createElement('div'); d.className = i ? 'chart-tip-row' : 'chart-tip-head'; d.textContent = t; return d; }));
    this.tip.hidden = false;
    const left = mx + 14 + this.tip.offsetWidth > r.width ? mx - 14 - this.tip.offsetWidth : mx + 14;
    this.tip.style.transform = `translate(${Math.max(0, left)}px, ${Math.max(0, my - 20)}px)`;
  }

  destroy() { this.surface.destroy(); window.removeEventListener('track:theme', this.onTheme); this.root.remove(); }
}
