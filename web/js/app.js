// Hash router + bootstrap. The URL holds view state; back/forward work.
// Each view module exports mount(root, params) -> unmount(); the returned function may carry
// update(params) to take a new URL of the same page without remounting (filters, sort, zoom...).

import { matchRoute, modelsHash } from './lib/url-state.js';
import { apiEvents, searchExperiments } from './api.js';
import { h } from './html.js';
import { isTyping, dialogOpen } from './ui/dom.js';
import { shortcutsDialog } from './ui/dialog.js';
import { setTitle } from './nav.js';
import * as experiments from './views/experiments.js';
import * as runs from './views/runs.js';
import * as run from './views/run.js';
import * as compare from './views/compare.js';
import * as models from './views/models.js';
import * as model from './views/model.js';
import * as loggedModel from './views/logged-model.js';

const VIEWS = { experiments, runs, run, compare, models, model, loggedModel };
// the top navigation link each page highlights
const NAV = { experiments: 'experiments', models: 'models', model: 'models', loggedModel: 'models' };
const root = document.getElementById('app');
let current = null; // { key, unmount }

function pageKey(name, params) {
  return `${name}|${params.experimentId || params.runId || params.modelName || params.modelId || ''}`;
}

function notFound(params) {
  setTitle('Not found');
  root.replaceChildren(h('div', { class: 'page' }, h('div', { class: 'empty' },
    h('h2', null, 'Page not found'),
    h('p', null, `Nothing lives at “${params.path}”.`),
    h('a', { class: 'btn', href: '#/' }, 'Go to experiments'))));
  return () => {};
}

function route({ force = false } = {}) {
  const { name, params, canonical } = matchRoute(location.hash);
  // links in MLflow's format (the client prints them) are shown as our own URL
  if (canonical && canonical !== location.hash) history.replaceState(history.state, '', canonical);
  const key = pageKey(name, params);
  for (const a of document.querySelectorAll('[data-nav]')) {
    const on = a.dataset.nav === NAV[name];
    a.classList.toggle('active', on);
    if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  if (!force && current && current.key === key && typeof current.unmount.update === 'function') {
    current.unmount.update(params);
    return;
  }
  try { current?.unmount?.(); } catch (e) { console.error(e); }
  // overlays belong to the page being left
  for (const d of document.querySelectorAll('dialog[open]')) d.close();
  for (const p of document.querySelectorAll('.popover')) p.dispatchEvent(new Event('track:close'));
  root.replaceChildren();
  window.scrollTo(0, 0);
  const view = VIEWS[name];
  const unmount = view ? view.mount(root, params) : notFound(params);
  current = { key, unmount: typeof unmount === 'function' ? unmount : () => {} };
}

// ---------------------------------------------------------------- connection banner

const banner = document.getElementById('banner');
const conn = document.getElementById('conn');
const connText = document.getElementById('conn-text');
let pingTimer = 0;

function showUnreachable() {
  banner.className = 'banner banner-error';
  banner.replaceChildren(
    h('span', null, 'Can’t reach the track server.'),
    h('span', { class: 'grow' }, `Requests to ${location.origin} are failing. Check that “track server” is running; this page retries automatically.`),
    h('button', { class: 'btn btn-sm', type: 'button', onclick: () => ping() }, 'Retry now'));
  banner.hidden = false;
  conn.classList.add('is-down');
  connText.textContent = 'offline';
  clearInterval(pingTimer);
  pingTimer = setInterval(ping, 3000);
}

function ping() { searchExperiments({ maxResults: 1 }).catch(() => {}); }

apiEvents.addEventListener('unreachable', showUnreachable);
apiEvents.addEventListener('reachable', () => {
  clearInterval(pingTimer);
  banner.hidden = true;
  conn.classList.remove('is-down');
  connText.textContent = 'connected';
  route({ force: true }); // reload the page's data
});

// ---------------------------------------------------------------- shortcuts

const SHORTCUTS = [
  ['Anywhere', [['?', 'Show this help'], ['g e', 'Go to experiments'], ['g m', 'Go to models'], ['/', 'Focus the search or filter box']]],
  ['Lists and runs table', [['j ↓', 'Next row'], ['k ↑', 'Previous row'], ['Enter', 'Open'], ['x', 'Select / deselect (runs, experiments)'], ['c', 'Compare selected runs'], ['Esc', 'Leave the filter box']]],
  ['Charts', [['drag', 'Zoom into a step range'], ['double-click', 'Reset zoom']]],
];
let lastG = 0;
document.addEventListener('keydown', (e) => {
  if (e.defaultPrevented || isTyping(e) || dialogOpen() || e.metaKey || e.ctrlKey || e.altKey) return;
  if (e.key === '?') { e.preventDefault(); shortcutsDialog(SHORTCUTS); return; }
  if (e.key === 'g') { lastG = Date.now(); return; }
  if (e.key === 'e' && Date.now() - lastG < 800) { location.hash = '#/'; lastG = 0; }
  if (e.key === 'm' && Date.now() - lastG < 800) { location.hash = modelsHash(); lastG = 0; }
});
document.getElementById('shortcuts-btn').addEventListener('click', () => shortcutsDialog(SHORTCUTS));

window.addEventListener('hashchange', () => route());
route();
