// Small shared DOM widgets: status pills, errors, copy buttons, toasts, code blocks, lazy visibility.

import { h } from '../html.js';
import { formatTimestamp, formatRelative } from '../lib/format.js';

export function statusPill(status) {
  const s = (status || 'UNKNOWN').toUpperCase();
  const title = s === 'CRASHED' ? 'Still marked RUNNING, but its heartbeat stopped: the process ended without finishing the run' : undefined;
  return h('span', { class: `pill pill-${s.toLowerCase()}`, title }, s.toLowerCase());
}

/** A readable error block for an ApiError (or any Error). */
export function errorBox(err, { title } = {}) {
  const code = err?.code && err.code !== 'UNREACHABLE' ? err.code : null;
  return h('div', { class: 'error-box', role: 'alert' },
    h('strong', null, title || (err?.code === 'UNREACHABLE' ? 'Server unreachable' : err?.status === 404 ? 'Not found' : 'Something went wrong')),
    code ? h('code', null, code) : null,
    h('div', null, err?.message || String(err)));
}

export function loading(text = 'Loading…') {
  return h('div', { class: 'loading-page' }, h('span', { class: 'spinner' }), text);
}

export function toast(text, ms = 1800) {
  const el = h('div', { class: 'toast', role: 'status' }, text);
  document.body.append(el);
  setTimeout(() => el.remove(), ms);
}

export async function copyText(text) {
  try { await navigator.clipboard.writeText(text); toast('Copied'); }
  catch {
    const ta = h('textarea', { style: { position: 'fixed', opacity: '0' } });
    ta.value = text; document.body.append(ta); ta.select();
    try { document.execCommand('copy'); toast('Copied'); } catch { toast('Copy failed'); }
    ta.remove();
  }
}

const COPY_ICON = '<svg viewBox="0 0 16 16" width="13" height="13" fill="none" stroke="currentColor" stroke-width="1.5" aria-hidden="true"><rect x="5.5" y="5.5" width="8" height="8" rx="1.5"/><path d="M10.5 3.5v-.5a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h.5"/></svg>';

export function copyButton(text, label = 'Copy') {
  const b = h('button', { class: 'copy-btn', type: 'button', title: label, 'aria-label': label, onclick: (e) => { e.preventDefault(); e.stopPropagation(); copyText(text); } });
  b.innerHTML = COPY_ICON; // constant markup
  return b;
}

/** A friendly empty state: a title, a sentence, and anything else (e.g. a code block to copy). */
export function emptyState(title, text, ...extra) {
  return h('div', { class: 'empty' }, h('h2', null, title), text ? h('p', null, text) : null, ...extra);
}

export function codeBlock(text) {
  return h('pre', { class: 'code' }, text, h('button', { class: 'btn btn-sm copy', type: 'button', onclick: () => copyText(text) }, 'Copy'));
}

/** <time> with relative text and full timestamp on hover. */
export function timeEl(ms, { relative = true } = {}) {
  if (!ms) return h('span', { class: 'faint' }, '—');
  return h('time', { datetime: new Date(ms).toISOString(), title: formatTimestamp(ms) }, relative ? formatRelative(ms) : formatTimestamp(ms));
}

/** Run fn(el) once when el first becomes visible (or near). Returns a disconnect function. */
export function whenVisible(el, fn, rootMargin = '200px') {
  const io = new IntersectionObserver((entries) => {
    for (const e of entries) if (e.isIntersecting) { io.disconnect(); fn(el); }
  }, { rootMargin });
  io.observe(el);
  return () => io.disconnect();
}

/** Shared lazy observer for many elements: observe(el, fn). */
export function lazyGroup(rootMargin = '300px') {
  const fns = new Map();
  const io = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      const fn = fns.get(e.target);
      fns.delete(e.target); io.unobserve(e.target);
      fn?.(e.target);
    }
  }, { rootMargin });
  return {
    observe(el, fn) { fns.set(el, fn); io.observe(el); },
    unobserve(el) { fns.delete(el); io.unobserve(el); },
    disconnect() { io.disconnect(); fns.clear(); },
  };
}

/**
 * Poll fn every `ms` while `active()` is true and the tab is visible. fn may be async; ticks never overlap.
 * Returns stop().
 */
export function poller(fn, ms, active = () => true) {
  let timer = 0, stopped = false, running = false;
  const tick = async () => {
    timer = 0;
    if (stopped) return;
    if (!document.hidden && active() && !running) {
      running = true;
      try { await fn(); } catch { /* errors surface through the view / banner */ }
      running = false;
    }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  const onVis = () => { if (!document.hidden && !timer && !running && !stopped) tick(); };
  document.addEventListener('visibilitychange', onVis);
  timer = setTimeout(tick, ms);
  return () => { stopped = true; clearTimeout(timer); document.removeEventListener('visibilitychange', onVis); };
}

/** Is the event target a text field (so single-key shortcuts must be ignored)? */
export function isTyping(e) {
  const t = e.target;
  return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) && t.type !== 'checkbox';
}

/** Is a dialog open (its buttons have the keyboard: the page's single-key shortcuts must wait)? */
export const dialogOpen = () => !!document.querySelector('dialog[open]');

/** Segmented control: options [{value, label}], onChange(value). */
export function segmented(options, value, onChange, label) {
  return h('div', { class: 'seg', role: 'group', 'aria-label': label },
    options.map((o) => h('button', { type: 'button', 'aria-pressed': String(o.value === value), onclick: () => onChange(o.value), title: o.title }, o.label)));
}

let foldIds = 0;

/**
 * A titled, collapsible section: a heading whose button (aria-expanded, aria-controls) shows the
 * title, a count and a chevron, and `body` below it, hidden while folded. The button only reports
 * clicks (onToggle()); the owner decides (the URL holds what is folded) and calls setOpen(open).
 * Returns { el, body, button, setOpen }.
 */
export function foldSection({ title, count, open = true, onToggle, body = h('div'), cls = '' }) {
  const id = `fold-${++foldIds}`;
  body.id = id;
  const chev = h('span', { class: 'fold-chev', 'aria-hidden': 'true' });
  const button = h('button', { class: 'fold-toggle', type: 'button', 'aria-controls': id, onclick: () => onToggle?.() },
    chev, h('span', { class: 'fold-title' }, title), count === undefined ? null : h('span', { class: 'fold-count' }, String(count)));
  const el = h('section', { class: `fold-section ${cls}`.trim() }, h('h2', { class: 'fold-head' }, button), body);
  const setOpen = (on) => {
    button.setAttribute('aria-expanded', String(on));
    button.title = on ? `Fold ${title}` : `Show ${title}`;
    chev.textContent = on ? '▾' : '▸';
    body.hidden = !on;
    el.classList.toggle('is-folded', !on);
  };
  setOpen(open);
  return { el, body, button, setOpen };
}

/**
 * A chart grid per metric section (lib/metric-sections.js), each under a foldSection heading
 * unless there is only one. onToggle(entry) runs when a heading is clicked. Returns
 * { entries: [{ id, keys, grid, fold, open: false }], nodes } (nodes: what to put on the page).
 */
export function chartSectionGrids(sections, onToggle) {
  const heads = sections.length > 1;
  const entries = sections.map((sec) => {
    const entry = { id: sec.id, keys: sec.keys, grid: h('div', { class: 'chart-grid' }), fold: null, open: false };
    if (heads) {
      entry.fold = foldSection({ title: sec.title, count: sec.keys.length, body: entry.grid, cls: 'chart-section', onToggle: () => onToggle(entry) });
      entry.fold.el.dataset.section = sec.id;
    }
    return entry;
  });
  return { entries, nodes: entries.map((e) => e.fold?.el || e.grid) };
}
