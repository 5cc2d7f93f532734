// Canvas line chart. Columnar Float64Array series, DPR-aware, one draw per frame.
// Base layer: grid, axes, bands, lines. Overlay layer: crosshair, hover dots, drag selection
// (so hovering never redraws the lines).
//
//   const chart = new LineChart(el, { xMode: 'step', yLog: false, onZoom(x0, x1) {}, onReset() {} });
//   chart.setSeries([{ id, label, color, x, y, raw?, band?: { lo, hi }, width? }]);
//   chart.setXRange([x0, x1] | null); chart.setOptions({ yLog: true }); chart.highlight(id); chart.destroy();
//
// NaN breaks the line; ±Infinity is clipped to the plot edge; non-positive values break the line on log scale.

import { Surface, chartTheme } from './surface.js';
import { niceTicks, logTicks, timeTicks } from '../lib/ticks.js';
import { formatTick, formatNumber, formatDuration, formatDurationShort, formatTimestamp } from '../lib/format.js';
import { nearestIndex } from '../lib/series.js';
import { withAlpha } from '../lib/colors.js';

const PAD = { top: 10, right: 14, bottom: 24, left: 8 };

function lowerBound(xs, x) {
  let lo = 0, hi = xs.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (xs[m] < x) lo = m + 1; else hi = m; }
  return lo;
}

export function formatX(v, mode, step) {
  if (mode === 'time') {
    const s = formatTimestamp(v);
    if (step === undefined) return s;
    if (step >= 86_400_000) return s.slice(5, 10);
    if (step >= 60_000) return s.slice(11, 16);
    return s.slice(11, 19);
  }
  if (mode === 'relative') return step === undefined ? formatDuration(v) : formatDurationShort(v);
  return step === undefined ? formatNumber(v) : formatTick(v, step);
}

/** A tiny pub/sub so charts can share the hovered x position. */
export class CursorSync {
  constructor() { this.subs = new Set(); }
  sub(fn) { this.subs.add(fn); return () => this.subs.delete(fn); }
  pub(src, x) { for (const fn of this.subs) fn(src, x); }
}

export class LineChart {
  constructor(host, opts = {}) {
    this.opts = { xMode: 'step', yLog: false, onZoom: null, onReset: null, sync: null, emptyText: 'No data', legendInTip: true, ...opts };
    this.series = [];
    this.xRange = null;
    this.hl = null;
    this.mouse = null; // {x, y} css px within surface
    this.drag = null;
    this.syncX = null;
    this.layout = null;
    this.host = host;
    this.root = document.createElement('div');
    this.root.className = 'line-chart';
    host.append(this.root);
    this.tip = document.createElement('div');
    this.tip.className = 'chart-tip';
    this.tip.hidden = true;
    this.root.append(this.tip);
    this.surface = new Surface(this.root, ['base', 'over'], (layer, ctx, w, h) => (layer === 'base' ? this.drawBase(ctx, w, h) : this.drawOver(ctx, w, h)));
    this.bind();
    this.onTheme = () => this.surface.request('base', 'over');
    window.addEventListener('track:theme', this.onTheme);
    if (this.opts.sync) this.unsync = this.opts.sync.sub((src, x) => { if (src !== this) { this.syncX = x; this.surface.request('over'); } });
  }

  setSeries(series) { this.series = series; this.surface.request('base', 'over'); }
  setOptions(o) { Object.assign(this.opts, o); this.surface.request('base', 'over'); }
  setXRange(r) { this.xRange = r; this.surface.request('base', 'over'); }
  highlight(id) { if (this.hl !== id) { this.hl = id; this.surface.request('base'); } }

  destroy() {
    this.surface.destroy();
    this.unsync?.();
    window.removeEventListener('track:theme', this.onTheme);
    this.root.remove();
  }

  // ------------------------------------------------------------ scales

  computeLayout(ctx, w, h) {
    const { yLog, xMode } = this.opts;
    const vis = this.series.filter((s) => !s.hidden && s.x.length);
    let x0 = Infinity, x1 = -Infinity;
    if (this.xRange) [x0, x1] = this.xRange;
    else {
      for (const s of vis) {
        for (let i = 0; i < s.x.length; i++) { const x = s.x[i]; if (Number.isFinite(x)) { if (x < x0) x0 = x; break; } }
        for (let i = s.x.length - 1; i >= 0; i--) { const x = s.x[i]; if (Number.isFinite(x)) { if (x > x1) x1 = x; break; } }
      }
    }
    if (!(x0 <= x1)) return null;
    if (x0 === x1) { const p = xMode === 'step' ? 1 : 1000; x0 -= p; x1 += p; }
    let y0 = Infinity, y1 = -Infinity;
    const scan = (xs, ys) => {
      const a = Math.max(0, lowerBound(xs, x0) - 1), b = Math.min(xs.length, lowerBound(xs, x1) + 1);
      for (let i = a; i < b; i++) {
        const y = ys[i];
        if (!Number.isFinite(y) || (yLog && y <= 0)) continue;
        const x = xs[i];
        if (x < x0 || x > x1) continue;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    };
    for (const s of vis) {
      scan(s.x, s.y);
      if (s.raw) scan(s.x, s.raw);
      if (s.band) { scan(s.x, s.band.lo); scan(s.x, s.band.hi); }
    }
    if (!(y0 <= y1)) { if (yLog) { y0 = 1; y1 = 10; } else { y0 = 0; y1 = 1; } }
    let yt;
    if (yLog) {
      yt = logTicks(y0, y1, Math.max(2, Math.floor(h / 60)));
      // keep the data range but pad to the surrounding ticks within one decade
      const ly0 = Math.log10(y0), ly1 = Math.log10(y1), pad = Math.max(0.02, (ly1 - ly0) * 0.04);
      yt.min = Math.pow(10, ly0 - pad); yt.max = Math.pow(10, ly1 + pad);
      yt.ticks = yt.ticks.filter((t) => t >= yt.min && t <= yt.max);
    } else {
      if (y0 === y1) { const p = y0 === 0 ? 1 : Math.abs(y0) * 0.05; y0 -= p; y1 += p; }
      const pad = (y1 - y0) * 0.05;
      yt = niceTicks(y0 - pad, y1 + pad, Math.max(2, Math.floor(h / 50)), { extend: false });
    }
    const th = chartTheme();
    ctx.font = th.font;
    const labels = yt.ticks.map((t) => (yLog ? formatNumber(t, 3) : formatTick(t, yt.step)));
    let lw = 0;
    for (const l of labels) lw = Math.max(lw, ctx.measureText(l).width);
    const left = PAD.left + Math.ceil(lw) + 8;
    const plot = { left, top: PAD.top, right: w - PAD.right, bottom: h - PAD.bottom };
    plot.width = Math.max(1, plot.right - plot.left);
    plot.height = Math.max(1, plot.bottom - plot.top);
    const xt = xMode === 'step'
      ? niceTicks(x0, x1, Math.max(2, Math.floor(plot.width / 90)), { extend: false })
      : timeTicks(x0, x1, Math.max(2, Math.floor(plot.width / 110)), xMode === 'time' ? -new Date().getTimezoneOffset() : null);
    const ly0 = yLog ? Math.log10(yt.min) : yt.min, ly1 = yLog ? Math.log10(yt.max) : yt.max;
    const xScale = plot.width / (x1 - x0);
    const yScale = plot.height / (ly1 - ly0);
    const layout = {
      plot, x0, x1, y0: yt.min, y1: yt.max, yt, xt, labels,
      xpx: (x) => plot.left + (x - x0) * xScale,
      ypx: yLog ? (y) => plot.bottom - (Math.log10(y) - ly0) * yScale : (y) => plot.bottom - (y - ly0) * yScale,
      xval: (px) => x0 + (px - plot.left) / xScale,
    };
    return layout;
  }

  // ------------------------------------------------------------ drawing

  drawBase(ctx, w, h) {
    const th = chartTheme();
    const L = this.layout = this.computeLayout(ctx, w, h);
    ctx.font = th.font;
    if (!L || !this.series.some((s) => s.x.length)) {
      ctx.fillStyle = th.text;
      ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
      ctx.fillText(this.series.loading ? 'Loading…' : this.opts.emptyText, w / 2, h / 2);
      this.layout = null;
      return;
    }
    const { plot } = L;
    // grid + y labels
    ctx.lineWidth = 1;
    ctx.strokeStyle = th.grid;
    ctx.fillStyle = th.text;
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    ctx.beginPath();
    L.yt.ticks.forEach((t, i) => {
      const y = Math.round(L.ypx(t)) + 0.5;
      if (y < plot.top - 1 || y > plot.bottom + 1) return;
      ctx.moveTo(plot.left, y); ctx.lineTo(plot.right, y);
      ctx.fillText(L.labels[i], plot.left - 6, y);
    });
    // x grid + labels
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    let lastRight = -Infinity;
    for (const t of L.xt.ticks) {
      const x = Math.round(L.xpx(t)) + 0.5;
      if (x < plot.left - 1 || x > plot.right + 1) continue;
      ctx.moveTo(x, plot.top); ctx.lineTo(x, plot.bottom);
      const label = formatX(t, this.opts.xMode, L.xt.step);
      const lw = ctx.measureText(label).width;
      if (x - lw / 2 > lastRight + 6) { ctx.fillText(label, Math.min(Math.max(x, plot.left + lw / 2), w - lw / 2 - 2), plot.bottom + 6); lastRight = x + lw / 2; }
    }
    ctx.stroke();
    ctx.strokeStyle = th.axis;
    ctx.beginPath();
    ctx.moveTo(plot.left, plot.bottom + 0.5); ctx.lineTo(plot.right, plot.bottom + 0.5);
    ctx.stroke();

    // series, clipped to the plot
    ctx.save();
    ctx.beginPath();
    ctx.rect(plot.left, plot.top - 2, plot.width, plot.height + 4);
    ctx.clip();
    const dim = this.hl !== null && this.hl !== undefined;
    const ordered = dim ? [...this.series.filter((s) => s.id !== this.hl), ...this.series.filter((s) => s.id === this.hl)] : this.series;
    for (const s of ordered) {
      if (s.hidden || !s.x.length) continue;
      const faded = dim && s.id !== this.hl;
      if (s.band) this.fillBand(ctx, L, s, faded ? 0.04 : 0.16);
      if (s.raw) this.stroke(ctx, L, s.x, s.raw, withAlpha(s.color, faded ? 0.08 : 0.25), 1);
      this.stroke(ctx, L, s.x, s.y, faded ? withAlpha(s.color, 0.2) : s.color, (s.width || 1.5) + (dim && !faded ? 1 : 0), !faded);
    }
    ctx.restore();
    if (this.mouse) this.updateTip(); // the scales may have changed under a resting cursor
  }

  /** One path per series; points sharing a pixel column collapse to a min/max segment. */
  stroke(ctx, L, xs, ys, color, width, markers = true) {
    const { plot } = L;
    const yLog = this.opts.yLog;
    const n = xs.length;
    const a = Math.max(0, lowerBound(xs, L.x0) - 1), b = Math.min(n, lowerBound(xs, L.x1) + 2);
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    let started = false, colX = NaN, cMin = 0, cMax = 0, cFirst = 0, cLast = 0, drawn = 0;
    const flush = () => {
      if (Number.isNaN(colX)) return;
      if (!started) { ctx.moveTo(colX, cFirst); started = true; } else ctx.lineTo(colX, cFirst);
      if (cMin !== cMax) { ctx.lineTo(colX, cMin); ctx.lineTo(colX, cMax); }
      ctx.lineTo(colX, cLast);
      colX = NaN;
    };
    const top = plot.top - 1, bottom = plot.bottom + 1;
    const pts = b - a;
    const spanPx = pts > 1 ? Math.abs(L.xpx(xs[b - 1]) - L.xpx(xs[a])) : 0;
    const dots = markers && pts > 0 && pts <= plot.width / 10 && (pts === 1 || spanPx / (pts - 1) >= 8);
    for (let i = a; i < b; i++) {
      const y = ys[i];
      if (Number.isNaN(y) || (yLog && y <= 0 && y !== -Infinity) || Number.isNaN(xs[i])) { flush(); started = false; continue; }
      const px = Math.round(L.xpx(xs[i]) * 2) / 2;
      let py = y === Infinity ? top : y === -Infinity ? bottom : L.ypx(y);
      if (py < top - 1e4) py = top - 1e4; else if (py > bottom + 1e4) py = bottom + 1e4;
      if (px !== colX) { flush(); colX = px; cMin = cMax = cFirst = cLast = py; drawn++; } else { if (py < cMin) cMin = py; if (py > cMax) cMax = py; cLast = py; }
    }
    flush();
    ctx.stroke();
    if (dots || drawn === 1) {
      ctx.fillStyle = color;
      for (let i = a; i < b; i++) {
        const y = ys[i];
        if (!Number.isFinite(y) || (yLog && y <= 0)) continue;
        ctx.beginPath();
        ctx.arc(L.xpx(xs[i]), L.ypx(y), Math.max(2, width + 0.5), 0, Math.PI * 2);
        ctx.fill();
      }
    }
  }

  fillBand(ctx, L, s, alpha) {
    const { x } = s, { lo, hi } = s.band;
    ctx.fillStyle = withAlpha(s.color, alpha);
    const yLog = this.opts.yLog;
    const ok = (i) => Number.isFinite(lo[i]) && Number.isFinite(hi[i]) && (!yLog || lo[i] > 0);
    let i = 0;
    const n = x.length;
    while (i < n) {
      while (i < n && !ok(i)) i++;
      const start = i;
      while (i < n && ok(i)) i++;
      if (i - start < 2) continue;
      ctx.beginPath();
      ctx.moveTo(L.xpx(x[start]), L.ypx(hi[start]));
      for (let k = start + 1; k < i; k++) ctx.lineTo(L.xpx(x[k]), L.ypx(hi[k]));
      for (let k = i - 1; k >= start; k--) ctx.lineTo(L.xpx(x[k]), L.ypx(lo[k]));
      ctx.closePath();
      ctx.fill();
    }
  }

  drawOver(ctx) {
    const L = this.layout;
    if (!L) return;
    const th = chartTheme();
    const { plot } = L;
    if (this.drag && Math.abs(this.drag.x1 - this.drag.x0) > 1) {
      const a = Math.max(plot.left, Math.min(this.drag.x0, this.drag.x1)), b = Math.min(plot.right, Math.max(this.drag.x0, this.drag.x1));
      ctx.fillStyle = th.select;
      ctx.fillRect(a, plot.top, b - a, plot.height);
      ctx.strokeStyle = th.cross; ctx.lineWidth = 1;
      ctx.strokeRect(a + 0.5, plot.top + 0.5, b - a - 1, plot.height - 1);
    }
    let cx = null;
    if (this.mouse && this.inPlot(this.mouse)) cx = this.mouse.x;
    else if (this.syncX !== null && this.syncX >= L.x0 && this.syncX <= L.x1) cx = L.xpx(this.syncX);
    if (cx === null) return;
    ctx.strokeStyle = th.cross;
    ctx.lineWidth = 1;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(Math.round(cx) + 0.5, plot.top); ctx.lineTo(Math.round(cx) + 0.5, plot.bottom);
    if (this.mouse && this.inPlot(this.mouse)) { ctx.moveTo(plot.left, Math.round(this.mouse.y) + 0.5); ctx.lineTo(plot.right, Math.round(this.mouse.y) + 0.5); }
    ctx.stroke();
    ctx.setLineDash([]);
    const xv = L.xval(cx);
    for (const s of this.series) {
      if (s.hidden || !s.x.length) continue;
      const i = nearestIndex(s.x, xv);
      const y = s.y[i];
      if (i < 0 || !Number.isFinite(y) || (this.opts.yLog && y <= 0)) continue;
      const px = L.xpx(s.x[i]);
      if (px < plot.left - 1 || px > plot.right + 1 || Math.abs(px - cx) > Math.max(40, plot.width / 8)) continue;
      ctx.beginPath();
      ctx.arc(px, L.ypx(y), 3.5, 0, Math.PI * 2);
      ctx.fillStyle = s.color; ctx.fill();
      ctx.lineWidth = 1.5; ctx.strokeStyle = th.bg; ctx.stroke();
    }
  }

  inPlot(p) {
    const L = this.layout;
    return L && p.x >= L.plot.left && p.x <= L.plot.right && p.y >= L.plot.top && p.y <= L.plot.bottom;
  }

  // ------------------------------------------------------------ interaction

  bind() {
    const el = this.root;
    const pos = (e) => { const r = el.getBoundingClientRect(); return { x: e.clientX - r.left, y: e.clientY - r.top }; };
    el.addEventListener('pointermove', (e) => {
      this.mouse = pos(e);
      if (this.drag) this.drag.x1 = this.mouse.x;
      this.surface.request('over');
      this.updateTip();
      const L = this.layout;
      if (this.opts.sync && L) this.opts.sync.pub(this, this.inPlot(this.mouse) ? L.xval(this.mouse.x) : null);
    });
    el.addEventListener('pointerleave', () => {
      this.mouse = null;
      if (!this.drag) this.tip.hidden = true;
      this.surface.request('over');
      this.opts.sync?.pub(this, null);
    });
    el.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      const p = pos(e);
      if (!this.inPlot(p)) return;
      this.drag = { x0: p.x, x1: p.x };
      el.setPointerCapture(e.pointerId);
      e.preventDefault();
    });
    el.addEventListener('pointerup', (e) => {
      const d = this.drag;
      this.drag = null;
      if (el.hasPointerCapture(e.pointerId)) el.releasePointerCapture(e.pointerId);
      this.surface.request('over');
      const L = this.layout;
      if (!d || !L || Math.abs(d.x1 - d.x0) < 5) return;
      const clamp = (px) => Math.min(L.plot.right, Math.max(L.plot.left, px));
      const a = L.xval(clamp(Math.min(d.x0, d.x1))), b = L.xval(clamp(Math.max(d.x0, d.x1)));
      if (this.opts.onZoom) this.opts.onZoom(a, b); else this.setXRange([a, b]);
    });
    el.addEventListener('dblclick', () => {
      if (this.opts.onReset) this.opts.onReset(); else this.setXRange(null);
    });
  }

  updateTip() {
    const L = this.layout;
    const tip = this.tip;
    if (!L || !this.mouse || !this.inPlot(this.mouse) || this.drag) { tip.hidden = true; return; }
    const xv = L.xval(this.mouse.x);
    const rows = [];
    let xShown = null;
    for (const s of this.series) {
      if (s.hidden || !s.x.length) continue;
      const i = nearestIndex(s.x, xv);
      if (i < 0) continue;
      const px = L.xpx(s.x[i]);
      if (Math.abs(px - this.mouse.x) > Math.max(40, L.plot.width / 8)) continue;
      if (xShown === null) xShown = s.x[i];
      rows.push({ s, y: s.y[i], x: s.x[i], step: s.steps ? s.steps[i] : null, dy: Number.isFinite(s.y[i]) ? Math.abs(L.ypx(s.y[i]) - this.mouse.y) : Infinity });
    }
    if (!rows.length) { tip.hidden = true; return; }
    rows.sort((a, b) => (Number.isFinite(b.y) ? b.y : -Infinity) - (Number.isFinite(a.y) ? a.y : -Infinity));
    let nearest = rows[0];
    for (const r of rows) if (r.dy < nearest.dy) nearest = r;
    const frag = document.createDocumentFragment();
    const head = document.createElement('div');
    head.className = 'chart-tip-head';
    const mode = this.opts.xMode;
    head.textContent = mode === 'step' ? `step ${formatNumber(xShown)}` : mode === 'time' ? formatTimestamp(xShown) : formatDuration(xShown);
    frag.append(head);
    const max = 30;
    for (const r of rows.slice(0, max)) {
      const row = document.createElement('div');
      row.className = 'chart-tip-row' + (r === nearest && rows.length > 1 ? ' is-near' : '');
      const sw = document.createElement('span'); sw.className = 'swatch'; sw.style.background = r.s.color;
      const name = document.createElement('span'); name.className = 'chart-tip-name'; name.textContent = r.s.label;
      const val = document.createElement('span'); val.className = 'chart-tip-val'; val.textContent = formatNumber(r.y, 5);
      row.append(sw, name, val);
      frag.append(row);
    }
    if (rows.length > max) { const more = document.createElement('div'); more.className = 'chart-tip-more'; more.textContent = `+${rows.length - max} more`; frag.append(more); }
    tip.replaceChildren(frag);
    tip.hidden = false;
    const w = this.surface.w, tw = tip.offsetWidth, tH = tip.offsetHeight;
    let left = this.mouse.x + 14;
    if (left + tw > w) left = this.mouse.x - tw - 14;
    let top = Math.min(Math.max(0, this.mouse.y - tH / 2), Math.max(0, this.surface.h - tH));
    tip.style.transform = `translate(${Math.max(0, left)}px, ${top}px)`;
  }
}
