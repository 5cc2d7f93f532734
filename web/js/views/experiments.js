// #/ — experiments list: run counts, last activity, create / rename / delete, first-run help,
// select several to see their runs in one table. Counts refresh on their own while the page is open.

import * as api from '../api.js';
import { invalidate } from '../cache.js';
import { h } from '../html.js';
import { formatCount, plural } from '../lib/format.js';
import { buildHash, experimentHash } from '../lib/url-state.js';
import { errorBox, loading, timeEl, codeBlock, lazyGroup, isTyping, poller } from '../ui/dom.js';
import { confirmDialog, promptDialog } from '../ui/dialog.js';
import { navigate, setTitle } from '../nav.js';

const POLL_MS = 3000;
const POLL_MAX = 1000; // experiments refreshed per poll (one summaries request)

/**
 * How to log a first run, with commands to copy. With an experiment (name, or id when the name
 * isn't known yet) the snippet logs into it; without, a one-liner logs into the default experiment.
 */
export function firstRunHelp(experimentName, experimentId) {
  const uri = location.origin;
  const target = experimentName ? JSON.stringify(experimentName) : experimentId ? `experiment_id=${JSON.stringify(String(experimentId))}` : null;
  const py = target
    ? `import mlflow\nmlflow.set_experiment(${target})\nwith mlflow.start_run():\n    mlflow.log_param("lr", 0.01)\n    for step in range(100):\n        mlflow.log_metric("loss", 1 / (step + 1), step=step)`
    : `import mlflow; mlflow.log_metric('loss', 0.5)`;
  return h('div', { class: 'steps' },
    h('div', null, h('div', { class: 'step-label' }, '1 · Install the MLflow client (the lightweight one is enough)'), codeBlock('pip install mlflow-skinny')),
    h('div', null, h('div', { class: 'step-label' }, target ? '2 · Point it at this server and run your script' : '2 · Point it at this server and log something'),
      codeBlock(target ? `export MLFLOW_TRACKING_URI=${uri}\npython train.py` : `MLFLOW_TRACKING_URI=${uri} python -c "${py}"`)),
    target ? h('div', null, h('div', { class: 'step-label' }, 'train.py'), codeBlock(py)) : null,
    h('p', { class: 'muted small' }, 'Runs appear here as they are logged; running runs update live.'));
}

export function mount(root, params) {
  const ctl = new AbortController();
  let state = { q: params.q || '', sort: params.sort || 'activity' };
  let experiments = null;
  let error = null;
  const stats = new Map(); // id -> {count, last, running} | Error
  const fills = new Map(); // id -> refresh that row's count cells
  let lazy = null;
  let cursor = -1;
  const picked = new Set(); // experiment ids chosen for a cross-experiment runs table
  const wanted = new Set(); // ids whose rows became visible, summaries not asked yet
  let wantTimer = 0;
  let emptyEl = null;
  setTitle('Experiments');

  const page = h('div', { class: 'page' });
  root.append(page);

  async function load() {
    try {
      experiments = await api.listAllExperiments({ signal: ctl.signal });
      error = null;
    } catch (e) {
      if (api.isAbort(e)) return;
      error = e;
    }
    render();
  }

  /** Summaries of the rows that became visible, in one request. */
  function want(id) {
    wanted.add(id);
    if (wantTimer) return;
    wantTimer = setTimeout(async () => {
      wantTimer = 0;
      const ids = [...wanted];
      wanted.clear();
      try {
        const m = await api.experimentSummaries(ids, { signal: ctl.signal });
        for (const [id, s] of m) stats.set(id, s);
      } catch (e) {
        if (api.isAbort(e)) return;
        for (const id of ids) stats.set(id, e);
      }
      for (const id of ids) fills.get(id)?.();
      updateEmpty();
    }, 30);
  }

  /** New experiments and fresh counts, while the page is open (small lists only). */
  async function poll() {
    if (!experiments || experiments.length > POLL_MAX) return;
    const list = await api.listAllExperiments({ signal: ctl.signal });
    const sig = (l) => l.map((e) => `${e.experiment_id}\u0000${e.name}`).join('\u0001');
    const changed = sig(list) !== sig(experiments);
    const m = await api.experimentSummaries(list.slice(0, POLL_MAX).map((e) => e.experiment_id), { signal: ctl.signal });
    for (const [id, s] of m) stats.set(id, s);
    if (changed) { experiments = list; invalidate('exp'); render(); return; }
    for (const f of fills.values()) f();
    updateEmpty();
  }
  const stopPoll = poller(poll, POLL_MS, () => !!experiments && !error);

  function setParams(p, replace) {
    navigate(buildHash([], { q: p.q, sort: p.sort === 'activity' ? '' : p.sort }), { replace });
  }

  const statsOf = (id) => { const s = stats.get(id); return s && !(s instanceof Error) ? s : null; };

  function sorted() {
    const q = state.q.trim().toLowerCase();
    const list = experiments.filter((e) => !q || e.name.toLowerCase().includes(q) || e.experiment_id === q);
    const lastOf = (e) => Math.max(statsOf(e.experiment_id)?.last || 0, e.last_update_time || 0, e.creation_time || 0);
    const cmp = {
      name: (a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }),
      created: (a, b) => (b.creation_time || 0) - (a.creation_time || 0),
      runs: (a, b) => (statsOf(b.experiment_id)?.count ?? -1) - (statsOf(a.experiment_id)?.count ?? -1),
      activity: (a, b) => lastOf(b) - lastOf(a),
    }[state.sort] || (() => 0);
    return [...list].sort(cmp);
  }

  async function create() {
    const id = await promptDialog({
      title: 'New experiment', label: 'Name', placeholder: 'e.g. resnet-sweep', submitLabel: 'Create',
      onSubmit: (name) => api.createExperiment(name),
    });
    if (id) { invalidate('exp'); navigate(experimentHash(id)); }
  }

  async function rename(exp) {
    const done = await promptDialog({
      title: 'Rename experiment', label: 'New name', value: exp.name, submitLabel: 'Rename',
      onSubmit: async (name) => { await api.renameExperiment(exp.experiment_id, name); return true; },
    });
    if (done) { invalidate('exp'); load(); }
  }

  async function remove(exp) {
    const s = statsOf(exp.experiment_id);
    const runs = s ? ` and its ${plural(s.count, 'run')}` : '';
    const ok = await confirmDialog({
      title: `Delete “${exp.name}”?`,
      message: `The experiment${runs} will be moved to the trash (lifecycle stage “deleted”).`,
      confirmLabel: 'Delete', danger: true,
    });
    if (!ok) return;
    try { await api.deleteExperiment(exp.experiment_id); invalidate('exp'); picked.delete(exp.experiment_id); load(); }
    catch (e) { page.prepend(errorBox(e, { title: 'Could not delete the experiment' })); }
  }

  function showPicked() {
    // ids in numeric order, so the same set always gives the same URL
    const ids = [...picked].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    if (ids.length) navigate(experimentHash(ids));
  }

  function togglePick(id, on = !picked.has(id)) {
    if (on) picked.add(id); else picked.delete(id);
    for (const tr of page.querySelectorAll('tbody tr')) {
      const is = picked.has(tr.dataset.exp);
      tr.classList.toggle('is-picked', is);
      const cb = tr.querySelector('td.pick input');
      if (cb) cb.checked = is;
    }
    updatePickUi();
  }

  function updatePickUi() {
    const btn = page.querySelector('#exp-show-runs');
    if (!btn) return;
    btn.hidden = picked.size === 0;
    btn.textContent = picked.size === 1 ? 'Show its runs' : `Show runs of ${picked.size} experiments`;
  }

  function statsCells(exp) {
    const count = h('td', { class: 'num runs-count' }, h('span', { class: 'skeleton' }));
    const last = h('td', { class: 'nowrap' }, h('span', { class: 'skeleton' }));
    const fill = () => {
      const s = stats.get(exp.experiment_id);
      if (!s) return false;
      if (s instanceof Error) { count.replaceChildren(h('span', { class: 'faint', title: s.message }, '—')); last.replaceChildren(timeEl(exp.last_update_time)); return true; }
      count.replaceChildren(formatCount(s.count));
      last.replaceChildren(...[timeEl(Math.max(s.last, exp.last_update_time || 0)), s.running ? h('span', { class: 'live', style: { marginLeft: '8px' } }, `${s.running} running`) : null].filter(Boolean));
      return true;
    };
    return { count, last, fill };
  }

  /** Nothing logged anywhere yet: show how to log a first run. */
  function nothingLogged() {
    if (experiments.length === 0) return true;
    return experiments.every((e) => statsOf(e.experiment_id)?.count === 0);
  }
  function updateEmpty() { if (emptyEl && experiments) emptyEl.hidden = !nothingLogged(); }

  function render() {
    lazy?.disconnect();
    lazy = lazyGroup();
    fills.clear();
    if (error) { page.replaceChildren(errorBox(error, { title: 'Could not load experiments' })); return; }
    if (!experiments) { page.replaceChildren(loading('Loading experiments…')); return; }
    const focused = document.activeElement?.id === 'exp-search';

    const header = h('div', { class: 'page-header' },
      h('div', null, h('h1', null, 'Experiments'), h('div', { class: 'subtitle' }, plural(experiments.length, 'experiment'))),
      h('div', { class: 'actions' },
        h('button', { class: 'btn', type: 'button', id: 'exp-show-runs', hidden: true, onclick: showPicked, title: 'One runs table for the selected experiments' }),
        searchBox(),
        h('button', { class: 'btn btn-primary', type: 'button', onclick: create, title: 'New experiment (n)' }, '+ New experiment')));

    const list = sorted();
    const th = (key, label, cls = '') => h('th', { class: `sortable ${cls}`, 'aria-sort': state.sort === key ? 'descending' : 'none', onclick: () => setParams({ ...state, sort: key }) }, label, state.sort === key ? ' ↓' : '');
    const rows = list.map((exp, i) => {
      const c = statsCells(exp);
      const href = experimentHash(exp.experiment_id);
      const pick = h('input', { type: 'checkbox', 'aria-label': `Select ${exp.name}`, title: 'Select to see the runs of several experiments together' });
      pick.checked = picked.has(exp.experiment_id);
      pick.addEventListener('change', () => togglePick(exp.experiment_id, pick.checked));
      const tr = h('tr', { 'data-index': i, 'data-exp': exp.experiment_id, class: `${i === cursor ? 'is-cursor' : ''}${picked.has(exp.experiment_id) ? ' is-picked' : ''}` },
        h('td', { class: 'pick' }, pick),
        h('td', null, h('a', { href, class: 'exp-name' }, exp.name), exp.tags['mlflow.note.content'] ? h('div', { class: 'muted small ellipsis', style: { maxWidth: '520px' } }, exp.tags['mlflow.note.content']) : null),
        h('td', null, h('span', { class: 'id' }, exp.experiment_id)),
        c.count, c.last,
        h('td', { class: 'nowrap muted small' }, timeEl(exp.creation_time)),
        h('td', null, h('div', { class: 'row-actions' },
          h('button', { class: 'btn btn-ghost btn-sm', type: 'button', onclick: () => rename(exp) }, 'Rename'),
          exp.experiment_id === '0' ? null : h('button', { class: 'btn btn-ghost btn-sm danger-hover', type: 'button', onclick: () => remove(exp) }, 'Delete'))));
      fills.set(exp.experiment_id, c.fill);
      if (!c.fill()) lazy.observe(tr, () => want(exp.experiment_id));
      return tr;
    });
    const table = h('div', { class: 'card' }, h('table', { class: 'table exp-table' },
      h('thead', null, h('tr', null, h('th', { class: 'pick' }, ''), th('name', 'Name'), h('th', null, 'ID'), th('runs', 'Runs', 'num'), th('activity', 'Last activity'), th('created', 'Created'), h('th', null, ''))),
      h('tbody', null, rows)),
      list.length === 0 ? h('div', { class: 'card-empty' }, `No experiment matches “${state.q}”.`) : null);
    emptyEl = h('div', { class: 'empty card first-run', style: { marginBottom: '24px' } },
      h('h2', null, 'Log your first run'),
      h('p', null, 'track speaks the MLflow API, so any MLflow client works. Two commands and you will see your first metric here.'),
      firstRunHelp());
    updateEmpty();
    page.replaceChildren(header, emptyEl, table);
    updatePickUi();
    if (focused) { const i = page.querySelector('#exp-search'); i.focus(); i.setSelectionRange(i.value.length, i.value.length); }
  }

  function searchBox() {
    const input = h('input', { class: 'input', type: 'search', placeholder: 'Filter by name…', 'aria-label': 'Filter experiments', value: state.q, style: { width: '220px' }, id: 'exp-search' });
    input.addEventListener('input', () => setParams({ ...state, q: input.value }, true));
    return input;
  }

  function moveCursor(d) {
    const trs = page.querySelectorAll('tbody tr');
    if (!trs.length) return;
    cursor = Math.max(0, Math.min(trs.length - 1, cursor + d));
    trs.forEach((tr, i) => tr.classList.toggle('is-cursor', i === cursor));
    trs[cursor].scrollIntoView({ block: 'nearest' });
  }

  function onKey(e) {
    if (e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey) return;
    if (isTyping(e)) { if (e.key === 'Escape') e.target.blur(); return; }
    if (e.key === '/') { e.preventDefault(); page.querySelector('#exp-search')?.focus(); }
    else if (e.key === 'n') { e.preventDefault(); create(); }
    else if (e.key === 'j' || e.key === 'ArrowDown') { e.preventDefault(); moveCursor(1); }
    else if (e.key === 'k' || e.key === 'ArrowUp') { e.preventDefault(); moveCursor(-1); }
    else if (e.key === 'Enter' && cursor >= 0) { page.querySelectorAll('tbody tr')[cursor]?.querySelector('a')?.click(); }
    else if (e.key === 'x' && cursor >= 0) { e.preventDefault(); const tr = page.querySelectorAll('tbody tr')[cursor]; if (tr) togglePick(tr.dataset.exp); }
  }
  document.addEventListener('keydown', onKey);

  render();
  load();

  const unmount = () => { ctl.abort(); lazy?.disconnect(); clearTimeout(wantTimer); stopPoll(); document.removeEventListener('keydown', onKey); };
  unmount.update = (p) => {
    state = { q: p.q || '', sort: p.sort || 'activity' };
    render();
  };
  return unmount;
}
