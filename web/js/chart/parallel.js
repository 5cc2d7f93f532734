// Parallel coordinates: one vertical axis per dimension, one polyline per run.
// dims: [{ label, values: (number|string|null)[] }]; numeric axes when every present value parses as a number,
// categorical otherwise. Lines are coloured by the last dimension (the chosen metric).

import { Surface, chartTheme } from './surface.js';
import { niceTicks } from '../lib/ticks.js';
import { formatTick, formatNumber } from '../lib/format.js';
import { ramp } from '../lib/colors.js';

export class ParallelChart {
  constructor(host, { onHover } = {}) {
    this.host = host;
    this.dims = [];
    this.labels = [];
    this.hover = -1;
    this.onHover = onHover;
    this.root = document.createElement('div');
    this.root.className = 'parallel-chart';
    host.append(this.root);
    this.tip = document.createElement('div');
    this.tip.className = 'chart-tip';
    this.tip.hidden = true;
    this.root.append(this.tip);
    this.surface = new Surface(this.root, ['base', 'over'], (l, ctx, w, h) => (l === 'base' ? this.drawBase(ctx, w, h) : this.drawOver(ctx)));
    this.root.addEventListener('pointermove', (e) => this.move(e));
    this.root.addEventListener('pointerleave', () => { this.hover = -1; this.tip.hidden = true; this.surface.request('over'); });
    this.onTheme = () => this.surface.request('base', 'over');
    window.addEventListener('track:theme', this.onTheme);
  }

  /** dims: [{label, values}], labels: run names (same order as values). */
  setData(dims, labels) {
    this.labels = labels;
    this.dims = dims.map((d) => {
      const present = d.values.filter((v) => v !== null && v !== undefined && v !== '');
      const numeric = present.length > 0 && present.every((v) => Number.isFinite(Number(v)));
      if (numeric) {
        const nums = present.map(Number);
        let lo = Math.min(...nums), hi = Math.max(...nums);
        if (lo === hi) { const pad = lo === 0 ? 1 : Math.abs(lo) * 0.5; lo -= pad; hi += pad; }
        const t = niceTicks(lo, hi, 4, { extend: false });
        return { ...d, numeric, lo, hi, ticks: t };
      }
      const cats = [...new Set(present.map(String))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
      return { ...d, numeric, cats };
    });
    this.surface.request('base', 'over');
  }

  pos(d, v) { // 0 (bottom) .. 1 (top), null when missing
    if (v === null || v === undefined || v === '') return null;
    if (d.numeric) { const n = Number(v); return Number.isFinite(n) ? (n - d.lo) / (d.hi - d.lo) : null; }
    const i = d.cats.indexOf(String(v));
    return d.cats.length === 1 ? 0.5 : i / (d.cats.length - 1);
  }

  geometry(w, h) {
    const top = 28, bottom = h - 16, left = 50, right = w - 60;
    const n = this.dims.length;
    const xs = this.dims.map((_, i) => (n === 1 ? (left + right) / 2 : left + (i * (right - left)) / (n - 1)));
    return { top, bottom, xs };
  }

  lines(w, h) {
    const g = this.geometry(w, h);
    return this.labels.map((_, r) => this.dims.map((d, k) => {
      const p = this.pos(d, d.values[r]);
      return p === null ? null : [g.xs[k], g.bottom - p * (g.bottom - g.top)];
    }));
  }

  colorOf(r) {
    const d = this.dims[this.dims.length - 1];
    const p = d ? this.pos(d, d.values[r]) : null;
    return p === null ? 'rgba(150,150,150,0.6)' : ramp(p);
  }

  drawBase(ctx, w, h) {
    const th = chartTheme();
    ctx.font = th.font;
    if (!this.dims.length || !this.labels.length) {
      ctx.fillStyle = th.text; ctx.textAlign = 'center'; ctx.fillText('Nothing to show', w / 2, h / 2); return;
    }
    const g = this.geometry(w, h);
    this.cache = this.lines(w, h);
    ctx.lineWidth = 1.5;
    this.cache.forEach((pts, r) => this.path(ctx, pts, this.colorOf(r)));
    // axes on top
    this.dims.forEach((d, k) => {
      const x = Math.round(g.xs[k]) + 0.5;
      ctx.strokeStyle = th.axis; ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(x, g.top); ctx.lineTo(x, g.bottom); ctx.stroke();
      ctx.fillStyle = th.strong; ctx.textAlign = 'center'; ctx.textBaseline = 'bottom';
      ctx.font = `600 ${th.font}`;
      const label = d.label.length > 22 ? d.label.slice(0, 21) + '…' : d.label;
      ctx.fillText(label, Math.min(Math.max(x, 40), w - 40), g.top - 10);
      ctx.font = th.font;
      ctx.fillStyle = th.text; ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
      const ticks = d.numeric ? d.ticks.ticks.map((t) => [t, (t - d.lo) / (d.hi - d.lo), formatTick(t, d.ticks.step)]) : d.cats.map((c, i) => [c, d.cats.length === 1 ? 0.5 : i / (d.cats.length - 1), c.length > 12 ? c.slice(0, 11) + '…' : c]);
      const every = Math.max(1, Math.ceil(ticks.length / Math.max(2, (g.bottom - g.top) / 16)));
      ticks.forEach(([, p, text], i) => {
        if (i % every) return;
        const y = g.bottom - p * (g.bottom - g.top);
        ctx.fillText(text, x - 5, y);
        ctx.beginPath(); ctx.moveTo(x - 3, y); ctx.lineTo(x, y); ctx.stroke();
      });
    });
  }

  path(ctx, pts, color) {
    ctx.strokeStyle = color;
    ctx.beginPath();
    let pen = false;
    for (const p of pts) {
      if (!p) continue; // a missing value: connect its neighbours
      if (pen) ctx.lineTo(p[0], p[1]); else { ctx.moveTo(p[0], p[1]); pen = true; }
    }
    ctx.stroke();
  }

  drawOver(ctx) {
    if (this.hover < 0 || !this.cache) return;
    const th = chartTheme();
    ctx.lineWidth = 4; this.path(ctx, this.cache[this.hover], th.bg);
    ctx.lineWidth = 2.5; this.path(ctx, this.cache[this.hover], this.colorOf(this.hover));
  }

  move(e) {
    if (!this.cache) return;
    const r = this.root.getBoundingClientRect();
    const mx = e.clientX - r.left, my = e.clientY - r.top;
    let best = -1, bestD = 8;
    this.cache.forEach((pts, i) => {
      for (let k = 1; k < pts.length; k++) {
        const a = pts[k - 1], b = pts[k];
        if (!a || !b || mx < Math.min(a[0], b[0]) || mx > Math.max(a[0], b[0])) continue;
        const t = (mx - a[0]) / (b[0] - a[0] || 1);
        const d = Math.abs(a[1] + (b[1] - a[1]) * t - my);
        if (d < bestD) { bestD = d; best = i; }
      }
    });
    if (best !== this.hover) { this.hover = best; this.surface.request('over'); this.onHover?.(best); }
    if (best < 0) { this.tip.hidden = true; return; }
    const rows = [this.labels[best], ...this.dims.map((d) => `${d.label}: ${d.numeric ? formatNumber(Number(d.values[best])) : d.values[best] ?? '—'}`)];
    this.tip.replaceChildren(...rows.map((t, i) => { const div = document.createElement('div'); div.className = i ? 'chart-tip-row' : 'chart-tip-head'; div.textContent = t; return div; }));
    this.tip.hidden = false;
    const left = mx + 14 + this.tip.offsetWidth > r.width ? mx - 14 - this.tip.offsetWidth : mx + 14;
    this.tip.style.transform = `translate(${Math.max(0, left)}px, ${Math.max(0, my - 20)}px)`;
  }

  destroy() { this.surface.destroy(); window.removeEventListener('track:theme', this.onTheme); this.root.remove(); }
}
