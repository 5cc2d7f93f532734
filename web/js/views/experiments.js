// #/ — experiments list: run counts, last activity, create / rename / delete, first-run help.

import * as api from '../api.js';
import { cached, invalidate } from '../cache.js';
import { h } from '../html.js';
import { formatCount, plural } from '../lib/format.js';
import { buildHash, experimentHash } from '../lib/url-state.js';
import { errorBox, loading, timeEl, codeBlock, lazyGroup, isTyping } from '../ui/dom.js';
import { confirmDialog, promptDialog } from '../ui/dialog.js';
import { navigate, setTitle } from '../nav.js';

const COUNT_LIMIT = 1000;

/** Run count and newest activity for one experiment, kept by the server; cached for 30 s. */
function experimentStats(id, signal) {
  return cached(`exp-stats:${id}`, 30_000, async () => {
    const s = await api.experimentSummary(id, { signal });
    return { count: s.count, more: false, last: s.last, running: s.running };
  });
}

export function firstRunHelp(experimentName) {
  const uri = location.origin;
  const py = experimentName
    ? `import mlflow\nmlflow.set_experiment(${JSON.stringify(experimentName)})\nwith mlflow.start_run():\n    mlflow.log_param("lr", 0.01)\n    for step in range(100):\n        mlflow.log_metric("loss", 1 / (step + 1), step=step)`
    : `import mlflow; mlflow.log_metric('loss', 0.5)`;
  return h('div', { class: 'steps' },
    h('div', null, h('div', { class: 'step-label' }, '1 · Install the MLflow client (the lightweight one is enough)'), codeBlock('pip install mlflow-skinny')),
    h('div', null, h('div', { class: 'step-label' }, '2 · Point it at this server and log something'),
      codeBlock(experimentName ? `export MLFLOW_TRACKING_URI=${uri}\npython train.py` : `MLFLOW_TRACKING_URI=${uri} python -c "${py}"`)),
    experimentName ? h('div', null, h('div', { class: 'step-label' }, 'train.py'), codeBlock(py)) : null,
    h('p', { class: 'muted small' }, 'Runs appear here as they are logged; running runs update live.'));
}

export function mount(root, params) {
  const ctl = new AbortController();
  let state = { q: params.q || '', sort: params.sort || 'activity' };
  let experiments = null;
  let error = null;
  const stats = new Map(); // id -> {count, more, last, running} | Error
  let lazy = null;
  let cursor = -1;
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

  function setParams(p, replace) {
    navigate(buildHash([], { q: p.q, sort: p.sort === 'activity' ? '' : p.sort }), { replace });
  }

  function sorted() {
    const q = state.q.trim().toLowerCase();
    let list = experiments.filter((e) => !q || e.name.toLowerCase().includes(q) || e.experiment_id === q);
    const lastOf = (e) => Math.max(stats.get(e.experiment_id)?.last || 0, e.last_update_time || 0, e.creation_time || 0);
    const cmp = {
      name: (a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }),
      created: (a, b) => (b.creation_time || 0) - (a.creation_time || 0),
      runs: (a, b) => (stats.get(b.experiment_id)?.count ?? -1) - (stats.get(a.experiment_id)?.count ?? -1),
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
    const s = stats.get(exp.experiment_id);
    const runs = s && !(s instanceof Error) ? ` and its ${s.more ? `${formatCount(s.count)}+` : formatCount(s.count)} run${s.count === 1 ? '' : 's'}` : '';
    const ok = await confirmDialog({
      title: `Delete “${exp.name}”?`,
      message: `The experiment${runs} will be moved to the trash (lifecycle stage “deleted”).`,
      confirmLabel: 'Delete', danger: true,
    });
    if (!ok) return;
    try { await api.deleteExperiment(exp.experiment_id); invalidate('exp'); load(); }
    catch (e) { page.prepend(errorBox(e, { title: 'Could not delete the experiment' })); }
  }

  function statsCells(exp) {
    const count = h('td', { class: 'num' }, h('span', { class: 'skeleton' }));
    const last = h('td', { class: 'nowrap' }, h('span', { class: 'skeleton' }));
    const fill = () => {
      const s = stats.get(exp.experiment_id);
      if (!s) return false;
      if (s instanceof Error) { count.replaceChildren(h('span', { class: 'faint', title: s.message }, '—')); last.replaceChildren(timeEl(exp.last_update_time)); return true; }
      count.replaceChildren(s.more ? `${formatCount(COUNT_LIMIT)}+` : formatCount(s.count));
      last.replaceChildren(...[timeEl(Math.max(s.last, exp.last_update_time || 0)), s.running ? h('span', { class: 'live', style: { marginLeft: '8px' } }, `${s.running} running`) : null].filter(Boolean));
      return true;
    };
    return { count, last, fill };
  }

  function render() {
    lazy?.disconnect();
    lazy = lazyGroup();
    if (error) { page.replaceChildren(errorBox(error, { title: 'Could not load experiments' })); return; }
    if (!experiments) { page.replaceChildren(loading('Loading experiments…')); return; }

    const header = h('div', { class: 'page-header' },
      h('div', null, h('h1', null, 'Experiments'), h('div', { class: 'subtitle' }, plural(experiments.length, 'experiment'))),
      h('div', { class: 'actions' },
        searchBox(),
        h('button', { class: 'btn btn-primary', type: 'button', onclick: create, title: 'New experiment (n)' }, '+ New experiment')));

    const totalKnown = [...stats.values()].filter((s) => !(s instanceof Error));
    const nothingLogged = experiments.length === 0 || (totalKnown.length === experiments.length && totalKnown.every((s) => s.count === 0));
    const list = sorted();
    const th = (key, label, cls = '') => h('th', { class: `sortable ${cls}`, 'aria-sort': state.sort === key ? 'descending' : 'none', onclick: () => setParams({ ...state, sort: key }) }, label, state.sort === key ? ' ↓' : '');
    const rows = list.map((exp, i) => {
      const c = statsCells(exp);
      const href = experimentHash(exp.experiment_id);
      const tr = h('tr', { 'data-index': i, class: i === cursor ? 'is-cursor' : '' },
        h('td', null, h('a', { href, class: 'exp-name' }, exp.name), exp.tags['mlflow.note.content'] ? h('div', { class: 'muted small ellipsis', style: { maxWidth: '520px' } }, exp.tags['mlflow.note.content']) : null),
        h('td', null, h('span', { class: 'id' }, exp.experiment_id)),
        c.count, c.last,
        h('td', { class: 'nowrap muted small' }, timeEl(exp.creation_time)),
        h('td', null, h('div', { class: 'row-actions' },
          h('button', { class: 'btn btn-ghost btn-sm', type: 'button', onclick: () => rename(exp) }, 'Rename'),
          exp.experiment_id === '0' ? null : h('button', { class: 'btn btn-ghost btn-sm danger-hover', type: 'button', onclick: () => remove(exp) }, 'Delete'))));
      if (!c.fill()) {
        lazy.observe(tr, () => experimentStats(exp.experiment_id, ctl.signal)
          .then((s) => stats.set(exp.experiment_id, s))
          .catch((e) => { if (!api.isAbort(e)) stats.set(exp.experiment_id, e); })
          .then(() => { if (!ctl.signal.aborted) { c.fill(); maybeEmpty(); } }));
      }
      return tr;
    });
    const table = h('div', { class: 'card' }, h('table', { class: 'table exp-table' },
      h('thead', null, h('tr', null, th('name', 'Name'), h('th', null, 'ID'), th('runs', 'Runs', 'num'), th('activity', 'Last activity'), th('created', 'Created'), h('th', null, ''))),
      h('tbody', null, rows)),
      list.length === 0 ? h('div', { class: 'card-empty' }, `No experiment matches “${state.q}”.`) : null);
    const empty = h('div', { class: 'empty card', style: { marginBottom: '24px' }, hidden: !nothingLogged },
      h('h2', null, 'Log your first run'),
      h('p', null, 'track speaks the MLflow API, so any MLflow client works. Two commands and you will see your first metric here.'),
      firstRunHelp());
    page.replaceChildren(header, empty, table);
    function maybeEmpty() {
      const known = [...stats.values()].filter((s) => !(s instanceof Error));
      empty.hidden = !(experiments.length === 0 || (known.length === experiments.length && known.every((s) => s.count === 0)));
    }
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
  }
  document.addEventListener('keydown', onKey);

  render();
  load();

  const unmount = () => { ctl.abort(); lazy?.disconnect(); document.removeEventListener('keydown', onKey); };
  unmount.update = (p) => {
    const focused = document.activeElement?.id === 'exp-search';
    state = { q: p.q || '', sort: p.sort || 'activity' };
    render();
    if (focused) { const i = page.querySelector('#exp-search'); i.focus(); i.setSelectionRange(i.value.length, i.value.length); }
  };
  return unmount;
}
