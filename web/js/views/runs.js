// #/experiments/<id>[,<id>...]?filter=&order=&cols=&group= — the runs table, of one experiment or
// of several (cross-experiment work; an Experiment column appears).
// Virtual scrolling over all loaded runs (pages of 1000 fetched up front), server-side order_by where
// MLflow supports it (attributes, params, last metric values), client-side for the rest (duration,
// experiment, min/max summaries). Group by a param, multi-select + compare, keyboard navigation,
// live polling. Selected runs can be deleted; `deleted=1` lists the deleted runs, to restore them.

import * as api from '../api.js';
import { cached } from '../cache.js';
import { h } from '../html.js';
import { formatNumber, formatDuration, formatRelative, formatTimestamp, formatCount, plural } from '../lib/format.js';
import {
  runHash, compareHash, experimentHash, decodeRunsState, encodeRunsState, columnId, parseColumn,
  toOrderBy, orderId, DEFAULT_ORDER, runViewType,
} from '../lib/url-state.js';
import { addClause } from '../lib/filter-hints.js';
import { displayStatus, runDuration, isRunning } from '../lib/status.js';
import { groupBy, stats } from '../lib/aggregate.js';
import { baseName } from '../lib/artifacts.js';
import { defaultColumns } from '../lib/columns.js';
import { eachInTurn, batchReport } from '../lib/run-edit.js';
import { errorBox, statusPill, poller, isTyping, dialogOpen, toast, segmented } from '../ui/dom.js';
import { formDialog } from '../ui/dialog.js';
import { forgetRun } from '../ui/run-edits.js';
import { filterBox } from '../ui/filter-box.js';
import { openColumnPicker } from '../ui/column-picker.js';
import { openExperimentPicker } from '../ui/experiment-picker.js';
import { navigate, setTitle } from '../nav.js';
import { firstRunHelp } from './experiments.js';

const FIRST_PAGE = 500;
const PAGE = 2500;
const MAX_RUNS = 100_000;
const ROW_H = 34;
const OVERSCAN = 10;
const POLL_MS = 1000;

const SEL_COL = { id: 'sel', w: 40 };
const STATUS_COL = { id: 'status', w: 100, label: 'Status', sort: { kind: 'attr', key: 'status' } };
const NAME_COL = { id: 'name', w: 210, label: 'Run', sort: { kind: 'attr', key: 'run_name' } };
const EXPERIMENT_COL = { id: 'experiment', w: 150, label: 'Experiment', sort: { kind: 'attr', key: 'experiment' } };
const REST_COLS = [
  { id: 'start', w: 112, label: 'Started', sort: { kind: 'attr', key: 'start_time' } },
  { id: 'duration', w: 88, label: 'Duration', sort: { kind: 'attr', key: 'duration' }, num: true },
  { id: 'user', w: 96, label: 'User', sort: { kind: 'attr', key: 'user' } },
  { id: 'source', w: 120, label: 'Source', sort: { kind: 'tag', key: 'mlflow.source.name' } },
];

export function mount(root, params) {
  const expIds = params.experimentIds || [params.experimentId];
  const multi = expIds.length > 1;
  const FIXED = [SEL_COL, STATUS_COL, NAME_COL, ...(multi ? [EXPERIMENT_COL] : []), ...REST_COLS];
  let state = decodeRunsState(params);
  const exps = new Map(); // id -> experiment
  let missingExps = [];
  let runs = [];
  let byId = new Map();
  let keys = { metrics: new Map(), params: new Map(), tags: new Map() }; // key -> count of runs having it
  let loadingRuns = true;
  let truncated = false;
  let loadError = null;
  let filterError = null;
  let generation = 0;
  let ctl = new AbortController();
  const life = new AbortController();
  const summaries = new Map(); // runId -> {key: {last,min,max}}
  const pendingSummaries = new Set();
  let summaryTimer = 0;
  const selected = new Set();
  let lastToggled = -1;
  let cursor = -1;
  let items = []; // flattened rows: {type:'run', run} | {type:'group', group}
  const collapsed = new Set();
  let newRunsWaiting = 0;
  let sortingNote = '';
  let defaults = null; // default columns, recomputed when runs arrive

  const expName = (id) => exps.get(id)?.name ?? id;
  const attrValue = (run, key, now) => {
    switch (key) {
      case 'status': return run.info.status;
      case 'run_name': return run.name;
      case 'start_time': return run.info.start_time;
      case 'end_time': return run.info.end_time;
      case 'duration': return runDuration(run.info, now, run.tags);
      case 'user': return run.tags['mlflow.user'] || run.info.user_id;
      case 'experiment': return expName(run.info.experiment_id);
    }
    return undefined;
  };

  // ----------------------------------------------------------------- DOM skeleton
  const page = h('div', { class: 'runs-page' });
  const crumbs = h('div', { class: 'crumbs' }, h('a', { href: '#/' }, 'Experiments'), h('span', { class: 'sep' }, '/'), h('span', { class: 'exp-crumb' }, multi ? `${expIds.length} experiments` : '…'));
  const titleEl = h('span', { class: 'title' }, multi ? `Runs of ${expIds.length} experiments` : '…');
  const expChips = h('div', { class: 'exp-chips', hidden: !multi });
  const subtitle = h('div', { class: 'subtitle' });
  const compareBtn = h('button', { class: 'btn btn-primary', type: 'button', disabled: true, onclick: () => compare(), title: 'Compare selected runs (c)' }, 'Compare');
  const clearSelBtn = h('button', { class: 'btn btn-ghost btn-sm', type: 'button', hidden: true, onclick: () => { selected.clear(); refreshRows(); updateSelectionUi(); } }, 'Clear selection');
  const colsBtn = h('button', { class: 'btn', type: 'button', onclick: () => pickColumns() }, 'Columns');
  const expsBtn = h('button', { class: 'btn', type: 'button', title: 'Show the runs of several experiments together', onclick: () => pickExperiments() }, 'Experiments');
  const groupSel = h('select', { class: 'input', 'aria-label': 'Group by', title: 'Group runs by a parameter' });
  groupSel.addEventListener('change', () => setState({ group: groupSel.value }));
  const deleteBtn = h('button', { class: 'btn danger-hover', type: 'button', id: 'runs-delete', hidden: true, onclick: () => deleteSelected(), title: 'Delete the selected runs (they can be restored)' });
  const restoreBtn = h('button', { class: 'btn', type: 'button', id: 'runs-restore', hidden: true, onclick: () => restoreSelected(), title: 'Bring the selected runs back to the runs table' });
  const viewToggle = h('span', { class: 'view-toggle', title: 'Active runs, or the deleted ones (to restore them)' });
  const header = h('div', { class: 'page-header' },
    h('div', { style: { minWidth: 0 } }, crumbs, h('h1', null, titleEl), expChips, subtitle),
    h('div', { class: 'actions' }, clearSelBtn, viewToggle, h('label', { class: 'toolbar-group small muted' }, 'Group by', groupSel), expsBtn, colsBtn, deleteBtn, restoreBtn, compareBtn));
  const deletedNote = h('div', { class: 'deleted-note', role: 'status', hidden: true },
    h('span', { class: 'grow' }, h('strong', null, 'Deleted runs. '), 'Select runs and Restore them to bring them back; “track gc” purges deleted runs for good.'),
    h('button', { class: 'btn btn-sm', type: 'button', onclick: () => setState({ deleted: false }) }, 'Back to active runs'));

  // filter
  const filter = filterBox({
    keys: () => ({ metrics: [...keys.metrics.keys()].sort(), params: [...keys.params.keys()].sort(), tags: [...keys.tags.keys(), 'mlflow.user', 'mlflow.source.name'].sort() }),
    onApply: (text) => setState({ filter: text }),
    onLeave: () => { scroller.focus(); setCursor(Math.max(0, cursor)); },
  });

  // table
  const head = h('div', { class: 'vt-head', role: 'row' });
  const body = h('div', { class: 'vt-body', role: 'rowgroup' });
  const scroller = h('div', { class: 'vt-scroll', role: 'grid', tabindex: '0', 'aria-label': 'Runs' }, head, body);
  const emptyEl = h('div', { class: 'vt-empty', hidden: true });
  const tableCard = h('div', { class: 'card vt-card' }, scroller, emptyEl);
  page.append(header, filter.el, deletedNote, tableCard);
  root.append(page);

  // ----------------------------------------------------------------- state <-> URL
  function setState(patch, { replace = false } = {}) {
    const next = { ...state, ...patch };
    navigate(experimentHash(expIds, encodeRunsState(next)), { replace });
  }

  function applyParams(p) {
    const next = decodeRunsState(p);
    const otherView = !next.deleted !== !state.deleted;
    const reload = otherView || next.filter !== state.filter || orderId(next.order) !== orderId(state.order);
    state = next;
    filter.setValue(state.filter);
    if (otherView) { selected.clear(); lastToggled = -1; renderView(); updateSelectionUi(); }
    if (reload) loadRuns();
    else { renderHead(); rebuildItems(); renderRows(true); renderMeta(); }
  }

  // ----------------------------------------------------------------- columns
  const cols = () => state.cols ?? (defaults ??= defaultColumns(runs));
  const colWidth = (c) => (c.kind === 'metric' ? 104 : c.kind === 'param' ? 112 : 130);
  const needsSummaries = () => cols().some((c) => c.kind === 'metric' && c.agg !== 'last') || (state.order.col.kind === 'metric' && state.order.col.agg !== 'last');

  function cellValue(run, col) {
    if (col.kind === 'param') return run.params[col.key];
    if (col.kind === 'tag') return run.tags[col.key];
    if (col.kind === 'attr') return attrValue(run, col.key, Date.now());
    if (col.agg === 'last' || !col.agg) return run.metrics[col.key]?.value;
    const s = summaries.get(run.id);
    if (!s) return undefined;
    return s[col.key]?.[col.agg];
  }

  // The checkbox, status and name columns sit in one pinned cell group (see pinned()), the first
  // track of every row's grid; the others follow.
  const PINNED = ['sel', 'status', 'name'];
  const PIN_W = FIXED.filter((c) => PINNED.includes(c.id)).reduce((a, c) => a + c.w, 0);
  const REST = FIXED.filter((c) => !PINNED.includes(c.id));
  function gridTemplate() {
    return [PIN_W + 'px', ...REST.map((c) => c.w + 'px'), ...cols().map((c) => colWidth(c) + 'px'), 'minmax(24px, 1fr)'].join(' ');
  }

  // ----------------------------------------------------------------- loading
  async function loadExperiments() {
    const results = await Promise.all(expIds.map((id) => cached(`exp:${id}`, 60_000, () => api.getExperiment(id)).then((e) => e, (e) => e)));
    if (life.signal.aborted) return;
    results.forEach((r, i) => { if (!(r instanceof Error)) exps.set(expIds[i], r); });
    missingExps = expIds.filter((_, i) => results[i] instanceof Error && results[i].status === 404);
    if (!multi) {
      const r = results[0];
      if (r instanceof Error) {
        if (r.status === 404) { page.replaceChildren(errorBox(r, { title: `Experiment ${expIds[0]} not found` })); stopPoll(); return; }
        titleEl.textContent = crumbs.querySelector('.exp-crumb').textContent = `Experiment ${expIds[0]}`;
        return;
      }
      titleEl.textContent = r.name;
      crumbs.querySelector('.exp-crumb').textContent = r.name;
      setTitle(r.name);
    } else {
      setTitle(`${expIds.length} experiments`);
      renderExpChips();
      if (!loadingRuns && state.order.col.kind === 'attr' && state.order.col.key === 'experiment') { clientSort(generation); rebuildItems(); }
      refreshRows();
    }
    renderMeta();
  }

  /** The experiments of a cross-experiment table, each linking to its own table, removable. */
  function renderExpChips() {
    expChips.replaceChildren(...expIds.map((id) => h('span', { class: `run-chip${missingExps.includes(id) ? ' is-missing' : ''}`, title: missingExps.includes(id) ? `Experiment ${id} does not exist` : `Experiment ${id}` },
      h('a', { href: experimentHash(id) }, expName(id)),
      h('button', { class: 'x', type: 'button', title: 'Remove from this table', 'aria-label': `Remove ${expName(id)}`, onclick: () => navigate(experimentHash(expIds.filter((x) => x !== id), encodeRunsState(state))) }, '×'))));
  }

  async function pickExperiments() {
    let all;
    try { all = await cached('exp-list', 10_000, () => api.listAllExperiments()); }
    catch (e) { toast(`Could not list experiments: ${e.message}`); return; }
    openExperimentPicker(expsBtn, { experiments: all, selected: expIds, onApply: (ids) => navigate(experimentHash(ids, encodeRunsState(state))) });
  }

  function indexKeys(list) {
    for (const r of list) {
      for (const m of r.data.metrics) keys.metrics.set(m.key, (keys.metrics.get(m.key) || 0) + 1);
      for (const p of r.data.params) keys.params.set(p.key, (keys.params.get(p.key) || 0) + 1);
      for (const t of r.data.tags) if (!t.key.startsWith('mlflow.') && !t.key.startsWith('track.')) keys.tags.set(t.key, (keys.tags.get(t.key) || 0) + 1);
    }
  }

  async function loadRuns() {
    const gen = ++generation;
    ctl.abort();
    ctl = new AbortController();
    const signal = ctl.signal;
    runs = []; byId = new Map(); keys = { metrics: new Map(), params: new Map(), tags: new Map() }; defaults = null;
    loadingRuns = true; truncated = false; loadError = null; filterError = null; newRunsWaiting = 0;
    cursor = -1;
    scroller.scrollTop = 0; // a new filter or order starts at the top
    renderMeta(); filter.setError(null);
    const serverOrder = toOrderBy(state.order.col, state.order.desc);
    const orderBy = serverOrder ? [serverOrder, 'attributes.start_time DESC'] : ['attributes.start_time DESC'];
    let token = null;
    let first = true;
    // The next page is asked for as soon as its token is known, so the server reads it while
    // this page is put on screen. The first page is small (rows appear at once), the rest large.
    const fetchPage = (pageToken, maxResults) => {
      const p = api.searchRuns({ experimentIds: expIds, filter: state.filter, orderBy, maxResults, pageToken, runViewType: runViewType(state), signal });
      p.catch(() => {}); // awaited below; never an unhandled rejection when a newer load aborts it
      return p;
    };
    let pending = fetchPage(null, FIRST_PAGE);
    try {
      while (pending) {
        const pageRes = await pending;
        if (gen !== generation) return;
        token = pageRes.nextPageToken;
        const room = MAX_RUNS - runs.length - pageRes.runs.length;
        pending = token && room > 0 ? fetchPage(token, Math.min(PAGE, room)) : null;
        for (const r of pageRes.runs) { if (!byId.has(r.id)) { byId.set(r.id, runs.length); runs.push(r); } }
        indexKeys(pageRes.runs);
        if (first) defaults = null;
        const columnsBefore = gridCols;
        if (first) renderHead();
        rebuildItems();
        setGrid();
        // Later pages only add rows below the ones shown: redraw everything only when the
        // columns or the grouping changed.
        renderRows(first || !!state.group || gridCols !== columnsBefore);
        first = false;
        renderMeta();
      }
      truncated = !!token;
    } catch (e) {
      if (api.isAbort(e) || gen !== generation) return;
      if (e.code === 'INVALID_PARAMETER_VALUE' || e.code === 'BAD_REQUEST' || (e.status === 400)) filterError = e;
      else loadError = e;
    }
    loadingRuns = false;
    if (!serverOrder) await clientSort(gen);
    renderHead(); rebuildItems(); renderRows(true); renderMeta(); filter.setError(filterError);
    updateSelectionUi(); // Delete / Restore act on the selected runs this table shows
  }

  async function clientSort(gen) {
    const { col, desc } = state.order;
    if (col.kind === 'metric' && col.agg !== 'last') {
      const missing = runs.filter((r) => !summaries.has(r.id)).map((r) => r.id);
      if (missing.length) {
        sortingNote = `Loading ${col.agg} values of ${formatCount(missing.length)} runs to sort…`;
        renderMeta();
        try { await fetchSummaries(missing); } catch { /* sort what we have */ }
        sortingNote = '';
        if (gen !== generation) return;
      }
    }
    const val = (r) => cellValue(r, col);
    runs.sort((a, b) => {
      const x = val(a), y = val(b);
      const xm = x === undefined || x === null || Number.isNaN(x), ym = y === undefined || y === null || Number.isNaN(y);
      if (xm || ym) return xm === ym ? 0 : xm ? 1 : -1; // missing last
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
      return desc ? -c : c;
    });
    byId = new Map(runs.map((r, i) => [r.id, i]));
  }

  async function fetchSummaries(ids) {
    const m = await api.runSummaries(ids, { signal: life.signal });
    for (const [id, s] of m) summaries.set(id, s);
  }

  function queueSummaries(ids) {
    for (const id of ids) if (!summaries.has(id)) pendingSummaries.add(id);
    if (!pendingSummaries.size || summaryTimer) return;
    summaryTimer = setTimeout(async () => {
      summaryTimer = 0;
      const batch = [...pendingSummaries].slice(0, 300);
      batch.forEach((id) => pendingSummaries.delete(id));
      try { await fetchSummaries(batch); } catch (e) { if (!api.isAbort(e)) for (const id of batch) summaries.set(id, Object.create(null)); }
      if (!life.signal.aborted) { if (state.group) rebuildItems(); renderRows(true); if (pendingSummaries.size) queueSummaries([]); }
    }, 80);
  }

  // ----------------------------------------------------------------- live polling
  // Every second the RUNNING runs on screen are read again by id (latest metrics, status), and runs
  // started after the newest one shown are looked for (every tick while something runs, every third
  // otherwise). Never the whole table: a sweep with thousands of running runs costs one small query.
  const hasRunning = () => runs.some((r) => isRunning(r));
  let ticks = 0;

  /** Runs whose rows are in the DOM (on screen, or just around it). */
  function renderedRunIds() {
    const out = [];
    for (const i of rendered.keys()) { const it = items[i]; if (it?.type === 'run') out.push(it.run.id); }
    return out;
  }

  async function poll() {
    const gen = generation;
    ticks++;
    const live = renderedRunIds().filter((id) => runs[byId.get(id)]?.info.status === 'RUNNING').slice(0, 200);
    const changed = new Set();
    if (live.length) {
      const res = await api.searchRuns({ experimentIds: expIds, filter: `attributes.run_id IN (${live.map((id) => `'${id}'`).join(', ')})`, maxResults: live.length, signal: life.signal });
      if (gen !== generation) return;
      for (const r of res.runs) { const i = byId.get(r.id); if (i !== undefined) { runs[i] = r; summaries.delete(r.id); changed.add(r.id); } }
    }
    let fresh = [];
    if (!runs.length || hasRunning() || ticks % 3 === 0) {
      const newest = runs.reduce((m, r) => Math.max(m, r.info.start_time || 0), 0);
      const res = await api.searchRuns({ experimentIds: expIds, filter: addClause(state.filter, `attributes.start_time >= ${newest}`), orderBy: ['attributes.start_time DESC'], maxResults: 100, signal: life.signal });
      if (gen !== generation) return;
      fresh = res.runs.filter((r) => !byId.has(r.id));
    }
    if (!runs.length) { if (fresh.length) loadRuns(); return; } // the first runs of an empty table: load properly
    if (fresh.length) {
      if (orderId(state.order) === orderId(DEFAULT_ORDER)) {
        runs = [...fresh, ...runs];
        byId = new Map(runs.map((r, i) => [r.id, i]));
        indexKeys(fresh);
        if (cursor >= 0) cursor += fresh.length;
        rebuildItems(); renderRows(true);
      } else newRunsWaiting = fresh.length;
    }
    if (changed.size && !(fresh.length && orderId(state.order) === orderId(DEFAULT_ORDER))) {
      if (state.group) { rebuildItems(); renderRows(true); } else redrawRunRows(changed);
    }
    renderMeta();
  }
  // the deleted runs are not polled: nothing logs into them
  const stopPoll = poller(poll, POLL_MS, () => !state.deleted && !loadingRuns && !loadError && !filterError);

  /** Redraw the rendered rows of these runs in place (live values), keeping the others untouched. */
  function redrawRunRows(ids) {
    for (const [i, el] of rendered) {
      const it = items[i];
      if (it?.type !== 'run' || !ids.has(it.run.id)) continue;
      it.run = runs[byId.get(it.run.id)];
      const row = runRow(it.run, i);
      // The checkbox node carries over, so a click landing while the row is redrawn still counts.
      const box = el.querySelector('.sel input');
      if (box) row.querySelector('.sel input')?.replaceWith(box);
      row.style.transform = el.style.transform;
      el.replaceWith(row);
      rendered.set(i, row);
    }
  }

  // ----------------------------------------------------------------- rows
  function rebuildItems() {
    const g = state.group;
    if (!g) { items = runs.map((run) => ({ type: 'run', run })); }
    else {
      items = [];
      const groups = groupBy(runs, (r) => r.params[g]);
      for (const group of groups) {
        items.push({ type: 'group', group });
        if (!collapsed.has(group.value)) for (const run of group.items) items.push({ type: 'run', run });
      }
    }
    body.style.height = `${items.length * ROW_H}px`;
    if (cursor >= items.length) cursor = items.length - 1;
  }

  let rendered = new Map(); // index -> element
  let frame = 0;
  function scheduleRows() { if (!frame) frame = requestAnimationFrame(() => { frame = 0; renderRows(false); }); }

  function renderRows(force) {
    if (force) { for (const el of rendered.values()) el.remove(); rendered = new Map(); }
    setGrid();
    const headH = head.offsetHeight || 44;
    const top = Math.max(0, scroller.scrollTop - headH);
    const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const last = Math.min(items.length, Math.ceil((top + scroller.clientHeight) / ROW_H) + OVERSCAN);
    for (const [i, el] of rendered) if (i < first || i >= last) { el.remove(); rendered.delete(i); }
    const frag = document.createDocumentFragment();
    const wantSummaries = needsSummaries() || !!state.group;
    const missing = [];
    for (let i = first; i < last; i++) {
      if (rendered.has(i)) continue;
      const it = items[i];
      const el = it.type === 'group' ? groupRow(it.group, i) : runRow(it.run, i);
      el.style.transform = `translateY(${i * ROW_H}px)`;
      rendered.set(i, el);
      frag.append(el);
      if (wantSummaries && it.type === 'run' && !summaries.has(it.run.id)) missing.push(it.run.id);
      if (wantSummaries && it.type === 'group') for (const r of it.group.items) if (!summaries.has(r.id) && needsSummaries()) missing.push(r.id);
    }
    body.append(frag);
    if (missing.length && needsSummaries()) queueSummaries(missing);
  }

  function cell(cls, ...children) { return h('div', { class: `vt-cell ${cls || ''}`, role: 'gridcell' }, ...children); }

  /**
   * The checkbox, status and name cells, grouped so they stay in view when the table scrolls
   * sideways: one sticky element per row (cheaper to scroll than one per cell).
   */
  function pinned(...cells) {
    return h('div', { class: 'vt-pin', style: { gridTemplateColumns: FIXED.filter((c) => PINNED.includes(c.id)).map((c) => c.w + 'px').join(' ') } }, ...cells);
  }

  function valueCell(v, col) {
    if (v === undefined || v === null || v === '') return cell(col.kind === 'metric' ? 'num faint' : 'faint', '—');
    if (col.kind === 'metric') return cell('num', formatNumber(v, 5));
    if (col.kind === 'attr' && col.key === 'duration') return cell('num', formatDuration(v));
    const s = String(v);
    const el = cell('mono-val', s);
    el.title = s;
    return el;
  }

  function runRow(run, i) {
    const now = Date.now();
    const sel = selected.has(run.id);
    const src = run.tags['mlflow.source.name'];
    const user = run.tags['mlflow.user'] || run.info.user_id || '';
    const cb = h('input', { type: 'checkbox', 'aria-label': `Select ${run.name}`, tabindex: '-1' });
    cb.checked = sel;
    const dur = runDuration(run.info, now, run.tags);
    const row = h('div', { class: `vt-row${sel ? ' is-selected' : ''}${i === cursor ? ' is-cursor' : ''}`, role: 'row', 'data-i': i, 'aria-selected': String(sel) },
      pinned(cell('sel', cb), cell('', statusPill(displayStatus(run.info, run.tags, now))),
        cell('name', h('a', { href: runHash(run.id), title: `${run.name}\n${run.id}` }, run.name))),
      multi ? cell('ellipsis muted', h('span', { title: `Experiment ${run.info.experiment_id}` }, expName(run.info.experiment_id))) : null,
      cell('muted', h('span', { title: formatTimestamp(run.info.start_time) }, formatRelative(run.info.start_time, now))),
      cell('num', dur === null ? '' : formatDuration(dur)),
      cell('ellipsis', user),
      cell('ellipsis muted', src ? h('span', { title: src }, baseName(src)) : ''),
      ...cols().map((c) => valueCell(cellValue(run, c), c)),
      cell(''));
    return row;
  }

  function groupRow(group, i) {
    const isCollapsed = collapsed.has(group.value);
    const aggCells = cols().map((c) => {
      if (c.kind === 'param' && c.key === state.group) return cell('mono-val', group.value ?? '');
      if (c.kind !== 'metric') {
        // one value across the group: show it; several: say how many
        const values = new Set(group.items.map((r) => cellValue(r, c) ?? ''));
        if (values.size === 1) { const [v] = values; return v === '' ? cell('faint', '—') : cell('mono-val', String(v)); }
        return cell('faint small', `${values.size} values`);
      }
      const s = stats(group.items.map((r) => cellValue(r, c)));
      if (!s.count) return cell('faint', '—');
      const el = cell('num agg', h('span', { class: 'agg-mean' }, formatNumber(s.mean, 4)), h('span', { class: 'agg-range' }, `${formatNumber(s.min, 3)} – ${formatNumber(s.max, 3)}`));
      el.title = `mean ${formatNumber(s.mean)} · min ${formatNumber(s.min)} · max ${formatNumber(s.max)} · n=${s.count}`;
      return el;
    });
    const allSel = group.items.every((r) => selected.has(r.id));
    const cb = h('input', { type: 'checkbox', 'aria-label': 'Select group', tabindex: '-1' });
    cb.checked = allSel && group.items.length > 0;
    const label = group.value === null ? h('span', { class: 'faint' }, `${state.group} not set`) : h('span', null, h('span', { class: 'muted' }, `${state.group} = `), h('span', { class: 'mono-val' }, group.value));
    return h('div', { class: `vt-row is-group${i === cursor ? ' is-cursor' : ''}`, role: 'row', 'data-i': i },
      pinned(cell('sel', cb),
        h('div', { class: 'vt-cell group-label', role: 'gridcell', style: { gridColumn: 'span 2' } },
          h('span', { class: 'chev' }, isCollapsed ? '▸' : '▾'), label, h('span', { class: 'group-count' }, plural(group.items.length, 'run')))),
      h('div', { class: 'vt-cell', role: 'gridcell', style: { gridColumn: `span ${REST.length}` } }),
      ...aggCells, cell(''));
  }

  /** Column widths for the CSS grid of every row; set only when they change (restyling all rows). */
  let gridCols = '';
  function setGrid() {
    const g = gridTemplate();
    if (g !== gridCols) { gridCols = g; scroller.style.setProperty('--vt-cols', g); }
  }

  function renderHead() {
    setGrid();
    const { col: oc, desc } = state.order;
    const oid = columnId(oc);
    const allSelected = runs.length > 0 && runs.every((r) => selected.has(r.id));
    const selAll = h('input', { type: 'checkbox', 'aria-label': 'Select all runs', title: 'Select all (max 50 for compare)' });
    selAll.checked = allSelected;
    selAll.indeterminate = !allSelected && selected.size > 0;
    selAll.addEventListener('change', () => { if (selAll.checked) runs.forEach((r) => selected.add(r.id)); else selected.clear(); refreshRows(); updateSelectionUi(); });
    const sortable = (label, col, cls = '', kind = '') => {
      const active = col && columnId(col) === oid;
      const el = h('div', { class: `vt-hcell ${cls} ${col ? 'sortable' : ''} ${active ? 'is-sorted' : ''}`, role: 'columnheader', 'aria-sort': active ? (desc ? 'descending' : 'ascending') : 'none', title: col ? `${label} — click to sort` : label },
        kind ? h('span', { class: 'hkind' }, kind) : null,
        h('span', { class: 'hlabel' }, label, active ? h('span', { class: 'sort-ind' }, desc ? ' ↓' : ' ↑') : null));
      if (col) el.addEventListener('click', () => sortBy(col));
      return el;
    };
    head.replaceChildren(
      pinned(h('div', { class: 'vt-hcell sel', role: 'columnheader' }, selAll),
        ...FIXED.filter((c) => PINNED.includes(c.id) && c.id !== 'sel').map((c) => sortable(c.label, c.sort, c.num ? 'num' : ''))),
      ...REST.map((c) => sortable(c.label, c.sort, c.num ? 'num' : '')),
      ...cols().map((c) => sortable(c.key, c, c.kind === 'metric' ? 'num' : '', c.kind === 'metric' ? (c.agg === 'last' ? 'metric' : `metric · ${c.agg}`) : c.kind)),
      h('div', { class: 'vt-hcell' }));
    // group select
    const pk = [...keys.params.keys()].sort();
    if (state.group && !pk.includes(state.group)) pk.unshift(state.group);
    groupSel.replaceChildren(h('option', { value: '' }, 'None'), ...pk.map((k) => h('option', { value: k }, k)));
    groupSel.value = state.group;
    const w = FIXED.reduce((a, c) => a + c.w, 0) + cols().reduce((a, c) => a + colWidth(c), 0) + 24;
    head.style.minWidth = body.style.minWidth = `${w}px`;
  }

  function sortBy(col) {
    const same = columnId(col) === columnId(state.order.col);
    const desc = same ? !state.order.desc : !(col.kind === 'param' || col.kind === 'tag' || (col.kind === 'attr' && ['run_name', 'user', 'experiment'].includes(col.key)));
    setState({ order: { col, desc } });
  }

  function refreshRows() { renderHead(); renderRows(true); }

  function renderMeta() {
    const running = runs.filter((r) => isRunning(r)).length;
    const parts = [];
    if (loadError) parts.push(h('span', null, 'Runs not loaded'));
    else parts.push(h('span', null, loadingRuns && !runs.length ? 'Loading runs…' : `${formatCount(runs.length)}${truncated ? '+' : ''} ${state.deleted ? 'deleted ' : ''}${runs.length === 1 ? 'run' : 'runs'}${state.filter ? ' matching' : ''}`));
    if (loadingRuns && runs.length) parts.push(h('span', { class: 'row' }, h('span', { class: 'spinner' }), 'loading more…'));
    if (sortingNote) parts.push(h('span', { class: 'row' }, h('span', { class: 'spinner' }), sortingNote));
    if (running) parts.push(h('span', { class: 'live', title: 'New points appear within a second or two' }, `${formatCount(running)} running · live`));
    if (newRunsWaiting) parts.push(h('button', { class: 'btn btn-sm', type: 'button', onclick: () => loadRuns() }, `${newRunsWaiting} new — refresh`));
    if (!multi) parts.push(h('span', { class: 'id', title: 'Experiment id' }, `id ${expIds[0]}`));
    subtitle.replaceChildren(...parts);
    // empty states & errors
    scroller.setAttribute('aria-busy', String(loadingRuns || !!sortingNote));
    const showEmpty = !loadingRuns && runs.length === 0;
    emptyEl.hidden = !showEmpty && !loadError;
    scroller.hidden = (showEmpty || !!loadError);
    if (loadError) emptyEl.replaceChildren(errorBox(loadError, { title: 'Could not load runs' }));
    else if (showEmpty && filterError) emptyEl.replaceChildren(h('div', { class: 'empty' }, h('h2', null, 'Check the filter'), h('p', null, 'The server could not parse it; see the message under the filter box.')));
    else if (showEmpty && state.deleted && !state.filter) emptyEl.replaceChildren(h('div', { class: 'empty' }, h('h2', null, 'No deleted runs'), h('p', null, 'Runs deleted here or by a client show up in this list, where they can be restored.'), h('button', { class: 'btn', type: 'button', onclick: () => setState({ deleted: false }) }, 'Back to active runs')));
    else if (showEmpty && state.filter) emptyEl.replaceChildren(h('div', { class: 'empty' }, h('h2', null, 'No runs match this filter'), h('p', null, 'Try a looser condition, or clear the filter.'), h('button', { class: 'btn', type: 'button', onclick: () => setState({ filter: '' }) }, 'Clear filter')));
    else if (showEmpty && multi) emptyEl.replaceChildren(h('div', { class: 'empty' }, h('h2', null, 'No runs in these experiments yet'), h('p', null, 'Runs logged to any of them will show up here right away.')));
    else if (showEmpty) emptyEl.replaceChildren(h('div', { class: 'empty' }, h('h2', null, 'No runs yet'), h('p', null, 'Log a run to this experiment and it will show up here right away.'), firstRunHelp(exps.get(expIds[0])?.name || null, expIds[0])));
    colsBtn.disabled = !runs.length && !state.cols;
  }

  function updateSelectionUi() {
    const n = selected.size;
    compareBtn.disabled = n < 2 || n > 50;
    compareBtn.replaceChildren('Compare', n ? h('span', { class: 'count' }, String(n)) : '');
    compareBtn.title = n > 50 ? 'Select at most 50 runs to compare' : 'Compare selected runs (c)';
    clearSelBtn.hidden = n === 0;
    const shown = selectedRuns().length;
    deleteBtn.hidden = !!state.deleted || shown === 0;
    restoreBtn.hidden = !state.deleted || shown === 0;
    deleteBtn.textContent = `Delete ${plural(shown, 'run')}`;
    restoreBtn.textContent = `Restore ${plural(shown, 'run')}`;
  }

  /** Active or deleted runs: the toggle, and the note over the deleted ones. */
  function renderView() {
    viewToggle.replaceChildren(segmented([{ value: 'active', label: 'Active' }, { value: 'deleted', label: 'Deleted' }],
      state.deleted ? 'deleted' : 'active', (v) => setState({ deleted: v === 'deleted' }), 'Which runs'));
    deletedNote.hidden = !state.deleted;
  }

  // ----------------------------------------------------------------- delete / restore
  /** The selected runs this table shows (a filter may hide others), in table order. */
  const selectedRuns = () => runs.filter((r) => selected.has(r.id));

  function deleteSelected() {
    const targets = selectedRuns();
    const they = targets.length === 1 ? 'It moves' : 'They move';
    return runBatch(targets, {
      title: `Delete ${plural(targets.length, 'run')}?`,
      message: `${they} to the experiment’s deleted runs (lifecycle stage “deleted”): Restore brings them back until “track gc” purges them.`,
      submitLabel: 'Delete', danger: true, verb: 'Deleted', action: (r) => api.deleteRun(r.id),
    });
  }

  function restoreSelected() {
    const targets = selectedRuns();
    return runBatch(targets, {
      title: `Restore ${plural(targets.length, 'run')}?`,
      message: `${targets.length === 1 ? 'It goes' : 'They go'} back to the experiment’s runs table.`,
      submitLabel: 'Restore', verb: 'Restored', action: (r) => api.restoreRun(r.id),
    });
  }

  /**
   * Ask, then apply action to each run in turn. Failures are listed in the dialog, which stays
   * open (submitting again retries them); the runs done leave this table either way.
   */
  async function runBatch(targets, { verb, action, ...dialog }) {
    if (!targets.length) return;
    const done = new Set();
    const attempt = async () => {
      const left = targets.filter((r) => !done.has(r.id));
      const outcome = await eachInTurn(left, action);
      for (const r of outcome.done) { done.add(r.id); forgetRun(r.id); }
      if (outcome.failed.length) throw new Error(batchReport(verb, left.length, outcome.failed, (r) => r.name));
      return true;
    };
    let pending = Promise.resolve();
    await formDialog({ ...dialog, fields: [], onSubmit: () => (pending = attempt()) });
    await pending.catch(() => {}); // closed with Cancel mid-way: the runs done so far still count
    if (!done.size) return;
    dropRuns(done);
    toast(`${verb} ${plural(done.size, 'run')}`);
  }

  /** Take runs out of the table (deleted, or restored out of the deleted list). */
  function dropRuns(ids) {
    runs = runs.filter((r) => !ids.has(r.id));
    byId = new Map(runs.map((r, i) => [r.id, i]));
    for (const id of ids) { selected.delete(id); summaries.delete(id); }
    lastToggled = -1;
    rebuildItems(); renderHead(); renderRows(true); renderMeta(); updateSelectionUi();
  }

  function compare() {
    // every selected run, in table order; runs a later filter hides stay selected and come last
    const shown = runs.filter((r) => selected.has(r.id)).map((r) => r.id);
    const ids = [...shown, ...[...selected].filter((id) => !byId.has(id))];
    if (ids.length < 2) { toast('Select at least 2 runs (x) to compare'); return; }
    if (ids.length > 50) { toast('Select at most 50 runs to compare'); return; }
    navigate(compareHash({ runs: ids }));
  }

  // ----------------------------------------------------------------- interactions
  scroller.addEventListener('scroll', () => {
    scroller.classList.toggle('is-scrolled-x', scroller.scrollLeft > 0); // a line under the pinned columns only then
    scheduleRows();
  }, { passive: true });
  const ro = new ResizeObserver(scheduleRows);
  ro.observe(scroller);

  function toggleSelect(i, shift) {
    const it = items[i];
    if (!it) return;
    if (it.type === 'group') {
      const all = it.group.items.every((r) => selected.has(r.id));
      for (const r of it.group.items) all ? selected.delete(r.id) : selected.add(r.id);
    } else if (shift && lastToggled >= 0) {
      const on = !selected.has(it.run.id);
      for (let k = Math.min(lastToggled, i); k <= Math.max(lastToggled, i); k++) { const x = items[k]; if (x?.type === 'run') on ? selected.add(x.run.id) : selected.delete(x.run.id); }
    } else {
      selected.has(it.run.id) ? selected.delete(it.run.id) : selected.add(it.run.id);
    }
    lastToggled = i;
    renderRows(true); updateSelectionUi(); renderHead();
  }

  body.addEventListener('click', (e) => {
    const row = e.target.closest('.vt-row');
    if (!row) return;
    const i = Number(row.dataset.i);
    if (e.target.closest('.sel')) { e.preventDefault(); toggleSelect(i, e.shiftKey); return; }
    if (e.target.closest('a')) return;
    setCursor(i);
    const it = items[i];
    if (it?.type === 'group') { collapsed.has(it.group.value) ? collapsed.delete(it.group.value) : collapsed.add(it.group.value); rebuildItems(); renderRows(true); }
  });
  body.addEventListener('dblclick', (e) => {
    const row = e.target.closest('.vt-row');
    if (row && !e.target.closest('.sel')) open(Number(row.dataset.i));
  });

  function open(i) { const it = items[i]; if (it?.type === 'run') navigate(runHash(it.run.id)); }

  function setCursor(i) {
    cursor = Math.max(0, Math.min(items.length - 1, i));
    for (const [k, el] of rendered) el.classList.toggle('is-cursor', k === cursor);
    const headH = head.offsetHeight;
    const y = cursor * ROW_H;
    const viewTop = scroller.scrollTop, viewH = scroller.clientHeight - headH;
    if (y < viewTop) scroller.scrollTop = y;
    else if (y + ROW_H > viewTop + viewH) scroller.scrollTop = y + ROW_H - viewH;
  }

  function onKey(e) {
    if (e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey) return;
    if (isTyping(e) || dialogOpen()) return;
    switch (e.key) {
      case 'j': case 'ArrowDown': e.preventDefault(); setCursor(cursor + 1); break;
      case 'k': case 'ArrowUp': e.preventDefault(); setCursor(cursor - 1); break;
      case 'Enter': if (cursor >= 0) { e.preventDefault(); const it = items[cursor]; if (it?.type === 'group') body.querySelector(`[data-i="${cursor}"]`)?.click(); else open(cursor); } break;
      case 'x': if (cursor >= 0) { e.preventDefault(); toggleSelect(cursor, e.shiftKey); } break;
      case 'X': if (cursor >= 0) { e.preventDefault(); toggleSelect(cursor, true); } break;
      case 'c': e.preventDefault(); compare(); break;
      case '/': e.preventDefault(); filter.focus(); break;
      case 'Home': e.preventDefault(); setCursor(0); break;
      case 'End': e.preventDefault(); setCursor(items.length - 1); break;
      case 'PageDown': e.preventDefault(); setCursor(cursor + Math.floor(scroller.clientHeight / ROW_H) - 1); break;
      case 'PageUp': e.preventDefault(); setCursor(cursor - Math.floor(scroller.clientHeight / ROW_H) + 1); break;
    }
  }
  document.addEventListener('keydown', onKey);

  // ----------------------------------------------------------------- column picker
  function pickColumns() {
    openColumnPicker(colsBtn, {
      keys,
      current: cols().map(columnId),
      onChange: (ids) => {
        const added = ids.length > cols().length;
        setState({ cols: ids.map(parseColumn).filter(Boolean) }, { replace: true });
        // a new column goes last: bring it into view
        if (added) requestAnimationFrame(() => { scroller.scrollLeft = scroller.scrollWidth; });
      },
      onReset: () => setState({ cols: null }, { replace: true }),
    });
  }

  // ----------------------------------------------------------------- go
  filter.setValue(state.filter);
  renderView();
  updateSelectionUi();
  renderHead();
  renderMeta();
  loadExperiments();
  loadRuns();

  const unmount = () => {
    generation++;
    ctl.abort(); life.abort(); stopPoll(); ro.disconnect();
    clearTimeout(summaryTimer); if (frame) cancelAnimationFrame(frame);
    document.removeEventListener('keydown', onKey);
  };
  unmount.update = applyParams;
  return unmount;
}
