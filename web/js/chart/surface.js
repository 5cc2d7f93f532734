// Canvas plumbing shared by the charts: stacked layers sized to CSS px × devicePixelRatio,
// ResizeObserver, and one draw per requestAnimationFrame (redraw requests are coalesced).

export class Surface {
  /**
   * @param {HTMLElement} host   element to fill (position: relative is set)
   * @param {string[]} layers    layer names, bottom to top, e.g. ['base', 'over']
   * @param {(layer: string, ctx: CanvasRenderingContext2D, w: number, h: number) => void} draw
   */
  constructor(host, layers, draw) {
    this.host = host;
    this.draw = draw;
    this.w = 0; this.h = 0; this.dpr = 1;
    this.dirty = new Set();
    this.frame = 0;
    this.canvases = {};
    this.ctx = {};
    host.classList.add('chart-surface');
    for (const name of layers) {
      const c = document.createElement('canvas');
      c.className = `chart-layer chart-layer-${name}`;
      host.append(c);
      this.canvases[name] = c;
      this.ctx[name] = c.getContext('2d');
    }
    this.layers = layers;
    this.ro = new ResizeObserver(() => this.resize());
    this.ro.observe(host);
    this.onDpr = () => this.resize();
    this.watchDpr();
    this.resize();
  }

  watchDpr() {
    // re-check when the window moves to a screen with another pixel ratio
    this.mq?.removeEventListener('change', this.onDprChange);
    this.mq = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    this.onDprChange = () => { this.watchDpr(); this.resize(); };
    this.mq.addEventListener('change', this.onDprChange);
  }

  resize() {
    const r = this.host.getBoundingClientRect();
    const w = Math.max(1, Math.floor(r.width)), h = Math.max(1, Math.floor(r.height));
    const dpr = window.devicePixelRatio || 1;
    if (w === this.w && h === this.h && dpr === this.dpr) return;
    this.w = w; this.h = h; this.dpr = dpr;
    for (const name of this.layers) {
      const c = this.canvases[name];
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
      c.style.width = w + 'px';
      c.style.height = h + 'px';
    }
    this.request(...this.layers);
  }

  /** Ask for layers to be redrawn on the next animation frame. */
  request(...layers) {
    for (const l of layers) this.dirty.add(l);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  flush() {
    this.frame = 0;
    if (!this.w || !this.h) return;
    const layers = this.layers.filter((l) => this.dirty.has(l));
    this.dirty.clear();
    for (const l of layers) {
      const ctx = this.ctx[l];
      ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
      ctx.clearRect(0, 0, this.w, this.h);
      this.draw(l, ctx, this.w, this.h);
    }
  }

  destroy() {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.ro.disconnect();
    this.mq?.removeEventListener('change', this.onDprChange);
    for (const c of Object.values(this.canvases)) c.remove();
  }
}

/** Theme colours for canvas drawing, read from CSS custom properties (cached per colour scheme). */
let themeCache = null;
const schemeQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
schemeQuery?.addEventListener('change', () => { themeCache = null; window.dispatchEvent(new Event('track:theme')); });

export function chartTheme() {
  if (themeCache) return themeCache;
  const cs = getComputedStyle(document.documentElement);
  const v = (name, fallback) => cs.getPropertyValue(name).trim() || fallback;
  themeCache = {
    text: v('--chart-text', '#6b7280'),
    strong: v('--text', '#111827'),
    grid: v('--chart-grid', 'rgba(0,0,0,0.06)'),
    axis: v('--chart-axis', 'rgba(0,0,0,0.25)'),
    cross: v('--chart-cross', 'rgba(0,0,0,0.45)'),
    select: v('--chart-select', 'rgba(59,130,246,0.15)'),
    bg: v('--surface', '#fff'),
    font: `11px ${v('--font-sans', 'system-ui, sans-serif')}`,
    mono: `11px ${v('--font-mono', 'ui-monospace, monospace')}`,
  };
  return themeCache;
}
