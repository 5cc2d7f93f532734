// #/runs/<id>?tab=overview|charts|artifacts&metric=&x=&log=&smooth=&file=&fold=
// Overview (details, description, metrics with sparklines, logged models, params, tags), charts per metric
// (zoom re-queries the server) in sections by name prefix (lib/metric-sections.js; `fold` lists the
// folded ones), artifacts tree with safe previews. Live while RUNNING.
// Edits as in MLflow's UI: rename, description, the run's own tags, delete / restore (ui/run-edits.js).

import * as api from '../api.js';
import { cached } from '../cache.js';
import { h } from '../html.js';
import { formatNumber, formatDuration, formatTimestamp, formatRelative, formatBytes, formatCount, plural } from '../lib/format.js';
import { runHash, experimentHash, decodeRunState, encodeRunState } from '../lib/url-state.js';
import { metricSections, metricSectionId, toggleFold } from '../lib/metric-sections.js';
import { displayStatus, runDuration, crashAfter, isRunning } from '../lib/status.js';
import { describeSystemTag, describeSystemTags } from '../lib/system-tags.js';
import { descriptionState, isDeletedRun } from '../lib/run-edit.js';
import { ema } from '../lib/smoothing.js';
import { xValues, stepRangeForX } from '../lib/series.js';
import { parseCSV } from '../lib/csv.js';
import { artifactRoot, joinPath, previewKind, sortEntries, baseName } from '../lib/artifacts.js';
import { LineChart } from '../chart/line-chart.js';
import { drawSparkline } from '../chart/sparkline.js';
import { SeriesStore } from '../series-store.js';
import { errorBox, loading, statusPill, copyButton, lazyGroup, poller, segmented, emptyState, codeBlock, toast, chartSectionGrids } from '../ui/dom.js';
import { kvCard } from '../ui/kv-card.js';
import { renameRunDialog, editDescriptionDialog, deleteRunDialog, restoreRun, runTagsCard } from '../ui/run-edits.js';
import { loggedModelsCard } from '../ui/logged-models-card.js';
import { navigate, setTitle } from '../nav.js';

const POLL_MS = 1000;
const ACCENT = () => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() || '#2563eb';
const readState = decodeRunState;

export function mount(root, params) {
  const runId = params.runId;
  let state = readState(params);
  let run = null;
  let exp = null;
  let summary = null; // {key: {min,max,count,...}}
  const life = new AbortController();
  const sparks = new SeriesStore(100);
  const seriesStore = new SeriesStore(1000);
  let tabCleanup = () => {};
  let chartCards = new Map(); // metric -> { chart, card, zoom } (the charts of open sections only)
  let chartSections = []; // [{ id, keys, grid, fold: foldSection() | null, open }] of the Charts tab
  let chartLazy = null;
  let refocusSection = null; // the section whose toggle gets the keyboard focus back after a redraw
  let sparkCanvases = new Map(); // metric -> canvas

  const page = h('div', { class: 'page' });
  root.append(page);
  page.append(loading('Loading run…'));

  const setState = (patch, opts) => navigate(runHash(runId, encode({ ...state, ...patch })), opts);
  const encode = encodeRunState;

  // ----------------------------------------------------------------- load
  async function load() {
    try {
      run = await api.getRun(runId, { signal: life.signal });
    } catch (e) {
      if (api.isAbort(e)) return;
      setTitle('Run not found');
      page.replaceChildren(h('div', { class: 'crumbs' }, h('a', { href: '#/' }, 'Experiments')), errorBox(e, { title: e.status === 404 ? `Run ${runId} not found` : 'Could not load the run' }));
      return;
    }
    setTitle(run.name, 'run');
    cached(`exp:${run.info.experiment_id}`, 60_000, () => api.getExperiment(run.info.experiment_id))
      .then((x) => { exp = x; for (const c of page.querySelectorAll('.exp-crumb')) c.textContent = x.name; })
      .catch(() => {});
    renderFrame();
    loadSummary();
  }

  async function loadSummary() {
    try {
      const m = await api.runSummaries([runId], { signal: life.signal });
      summary = m.get(runId) || null;
      if (state.tab === 'overview') updateMetricRows();
    } catch { /* summaries are a nicety; the table falls back to last values */ }
  }

  // ----------------------------------------------------------------- frame
  let headerEl, tabsEl, bodyEl;
  function renderFrame() {
    headerEl = h('div');
    tabsEl = h('nav', { class: 'tabs', 'aria-label': 'Run sections' });
    bodyEl = h('div');
    page.replaceChildren(headerEl, tabsEl, bodyEl);
    renderHeader();
    renderTabs();
    renderTab();
  }

  /** Load the run again and redraw what shows it (after an edit). */
  async function refresh() {
    let fresh;
    try { fresh = await api.getRun(runId, { signal: life.signal }); }
    catch (e) { if (!api.isAbort(e)) toast(`Could not reload the run: ${e.message}`, 4000); return; }
    run = fresh;
    setTitle(run.name, 'run');
    renderHeader();
    renderTabs();
    if (state.tab === 'overview') renderTab();
  }

  const afterEdit = (changed) => (changed ? refresh() : undefined);
  const rename = () => renameRunDialog(run).then(afterEdit);
  const editDescription = () => editDescriptionDialog(run).then(afterEdit);
  const remove = () => deleteRunDialog(run).then(afterEdit);

  /** A deleted run says so, and offers Restore (edits wait until then: the server refuses them). */
  function deletedBanner() {
    const err = h('div', { class: 'inline-error', hidden: true });
    const restore = h('button', { class: 'btn btn-primary', type: 'button', id: 'run-restore', title: 'Bring the run back to the runs table' }, 'Restore');
    restore.addEventListener('click', async () => {
      restore.disabled = true;
      err.hidden = true;
      try { await restoreRun(run); toast('Run restored'); await refresh(); }
      catch (e) { err.textContent = e.message || String(e); err.hidden = false; restore.disabled = false; }
    });
    return h('div', { class: 'deleted-banner', role: 'status' },
      h('div', { class: 'grow' },
        h('strong', null, 'This run is deleted.'),
        ' It is hidden from the runs table and cannot be edited. Restore it to bring it back; “track gc” purges deleted runs for good.',
        err),
      restore);
  }

  function renderHeader() {
    const status = displayStatus(run.info, run.tags);
    const expName = exp?.name || run.info.experiment_id;
    const deleted = isDeletedRun(run);
    headerEl.replaceChildren(...[
      h('div', { class: 'crumbs' },
        h('a', { href: '#/' }, 'Experiments'), h('span', { class: 'sep' }, '/'),
        h('a', { href: experimentHash(run.info.experiment_id), class: 'exp-crumb' }, expName), h('span', { class: 'sep' }, '/'),
        h('span', null, run.name)),
      h('div', { class: 'page-header' },
        h('div', { style: { minWidth: 0 } },
          h('h1', null, h('span', { class: 'title' }, run.name),
            deleted ? null : h('button', { class: 'btn btn-ghost btn-icon btn-sm edit-icon', type: 'button', id: 'run-rename', title: 'Rename the run', 'aria-label': 'Rename the run', onclick: rename }, '✎'),
            statusPill(status),
            deleted ? h('span', { class: 'pill pill-deleted', title: 'Lifecycle stage: deleted' }, 'deleted') : null),
          h('div', { class: 'subtitle' },
            h('span', { class: 'id' }, run.id), copyButton(run.id, 'Copy run id'),
            run.info.start_time ? h('span', null, `started ${formatRelative(run.info.start_time)}`) : null,
            isRunning(run) ? h('span', { class: 'live', title: 'New points appear within a second or two' }, 'live') : null)),
        h('div', { class: 'actions' },
          h('a', { class: 'btn', href: experimentHash(run.info.experiment_id) }, 'All runs'),
          deleted ? null : h('button', { class: 'btn danger-hover', type: 'button', id: 'run-delete', title: 'Delete the run (it can be restored)', onclick: remove }, 'Delete'))),
      deleted ? deletedBanner() : null].filter(Boolean));
  }

  function renderTabs() {
    const nm = run.data.metrics.length;
    const tab = (id, label, count) => h('a', { href: runHash(runId, encode({ ...state, tab: id })), 'aria-current': state.tab === id ? 'page' : null }, label, count !== undefined ? h('span', { class: 'count' }, String(count)) : null);
    tabsEl.replaceChildren(tab('overview', 'Overview'), tab('charts', 'Charts', nm), tab('artifacts', 'Artifacts'));
  }

  function renderTab() {
    tabCleanup();
    tabCleanup = () => {};
    chartCards = new Map();
    chartSections = [];
    chartLazy = null;
    sparkCanvases = new Map();
    if (state.tab === 'charts') tabCleanup = renderCharts();
    else if (state.tab === 'artifacts') tabCleanup = renderArtifacts();
    else tabCleanup = renderOverview();
  }

  // ----------------------------------------------------------------- overview
  let metricRows = new Map();
  function renderOverview() {
    const lazy = lazyGroup();
    const i = run.info, t = run.tags;
    const dur = runDuration(i, Date.now(), t);
    const src = t['mlflow.source.name'];
    const commit = t['mlflow.source.git.commit'];
    const parent = t['mlflow.parentRunId'];
    const repo = t['mlflow.source.git.repoURL'] || t['mlflow.gitRepoURL'];
    const kv = (label, ...value) => [h('dt', null, label), h('dd', null, ...value)];
    const details = h('div', { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', null, 'Details')),
      h('div', { class: 'card-body' }, h('dl', { class: 'kv' },
        ...kv('Status', statusPill(displayStatus(i, t)), displayStatus(i, t) === 'CRASHED' ? h('span', { class: 'muted small', style: { marginLeft: '8px' } }, `no heartbeat for over ${Math.round(crashAfter(t) / 60_000)} min: the process ended without finishing the run`) : null),
        ...kv('Run ID', h('span', { class: 'id' }, run.id), copyButton(run.id)),
        ...kv('Experiment', h('a', { href: experimentHash(i.experiment_id), class: 'exp-crumb' }, exp?.name || i.experiment_id)),
        ...kv('Started', i.start_time ? h('span', null, formatTimestamp(i.start_time), h('span', { class: 'muted' }, ` · ${formatRelative(i.start_time)}`)) : h('span', { class: 'faint' }, '—')),
        ...kv('Ended', i.end_time ? formatTimestamp(i.end_time) : h('span', { class: 'faint' }, isRunning(run) ? 'still running' : '—')),
        ...kv('Duration', dur === null ? h('span', { class: 'faint' }, '—') : formatDuration(dur)),
        ...kv('User', t['mlflow.user'] || i.user_id || h('span', { class: 'faint' }, '—')),
        ...kv('Source', src ? h('span', { class: 'mono', title: src }, src) : h('span', { class: 'faint' }, '—'), t['mlflow.source.type'] ? h('span', { class: 'tag', style: { marginLeft: '8px' }, title: t['mlflow.source.type'] }, describeSystemTag('mlflow.source.type', t['mlflow.source.type']).text) : null),
        ...(commit ? kv('Git commit', h('span', { class: 'id', title: commit }, commit.slice(0, 12)), copyButton(commit, 'Copy commit'),
          t['mlflow.source.git.branch'] ? h('span', { class: 'tag', style: { marginLeft: '8px' } }, t['mlflow.source.git.branch']) : null) : []),
        ...(repo ? kv('Repository', /^https?:\/\//i.test(repo) ? h('a', { href: repo, target: '_blank', rel: 'noopener noreferrer' }, repo) : h('span', { class: 'mono' }, repo)) : []),
        ...(parent ? kv('Parent run', h('a', { class: 'id', href: runHash(parent) }, parent)) : []),
        ...kv('Artifacts', h('span', { class: 'id' }, i.artifact_uri || '—')))));

    const desc = descriptionCard();

    // metrics with sparklines, one table; rows under a sub-header per section when there are several
    metricRows = new Map();
    const metrics = run.data.metrics;
    const sections = metricSections(metrics.map((m) => m.key));
    const subHeads = sections.length > 1;
    const mBodies = sections.map((sec) => {
      const tbody = h('tbody', subHeads ? { class: 'metric-group', 'data-section': sec.id } : null);
      if (subHeads) {
        tbody.append(h('tr', { class: 'metric-section-row' },
          h('th', { colspan: '6', scope: 'colgroup' }, h('span', { class: 'metric-section-title' }, sec.title), h('span', { class: 'metric-section-count' }, String(sec.keys.length)))));
      }
      for (const key of sec.keys) {
        const canvas = h('canvas', { class: 'spark', width: '120', height: '26', 'aria-hidden': 'true' });
        const cells = { last: h('td', { class: 'num' }), min: h('td', { class: 'num muted' }), max: h('td', { class: 'num muted' }), count: h('td', { class: 'num muted' }) };
        // the chart opens in its section, unfolded if the URL folded it
        const tr = h('tr', { title: `Open the ${key} chart`, onclick: () => setState({ tab: 'charts', metric: key, fold: state.fold.filter((id) => id !== metricSectionId(key)) }) },
          h('td', { class: 'key' }, keyText(key, subHeads)), cells.last, cells.min, cells.max, cells.count, h('td', { class: 'spark-cell' }, canvas));
        metricRows.set(key, cells);
        sparkCanvases.set(key, canvas);
        tbody.append(tr);
        lazy.observe(tr, () => loadSpark(key));
      }
      return tbody;
    });
    const metricsCard = h('div', { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', null, 'Metrics'), h('span', { class: 'muted small' }, plural(metrics.length, 'metric')),
        metrics.length ? h('div', { class: 'actions' }, h('a', { class: 'btn btn-sm', href: runHash(runId, encode({ ...state, tab: 'charts' })) }, 'All charts')) : null),
      metrics.length
        ? h('div', { class: 'card-scroll' }, h('table', { class: 'table metric-table' },
          h('thead', null, h('tr', null, h('th', null, 'Key'), h('th', { class: 'num' }, 'Last'), h('th', { class: 'num' }, 'Min'), h('th', { class: 'num' }, 'Max'), h('th', { class: 'num' }, 'Points'), h('th', null, ''))), mBodies))
        : h('div', { class: 'card-empty' }, 'No metrics logged.'));
    updateMetricRows();

    // params
    const paramsCard = kvCard('Parameters', run.data.params, 'No parameters logged.');
    // tags: the run's own are editable, system tags are not
    const tagsCard = runTagsCard(run, { readOnly: isDeletedRun(run), onChange: refresh, extra: systemTags(describeSystemTags(run.data.tags)) });

    const modelsCard = loggedModelsCard(run.outputs.model_outputs, lazy);

    const grid = h('div', { class: 'run-grid' }, desc, details, metricsCard, modelsCard, paramsCard, tagsCard);
    bodyEl.replaceChildren(grid);
    return () => lazy.disconnect();
  }

  /** A metric name in the table; under a section sub-header its prefix is dimmed and the line may break after it. */
  function keyText(key, dimPrefix) {
    const id = metricSectionId(key);
    if (!dimPrefix || !id) return key;
    return [h('span', { class: 'key-prefix' }, `${id}/`), h('wbr'), key.slice(id.length + 1)];
  }

  /** The description (plain text, several lines) with Edit; "Add a description" when there is none. */
  function descriptionCard() {
    const d = descriptionState(run.tags);
    const editable = !isDeletedRun(run);
    if (!d.present) {
      return editable ? h('button', { class: 'desc-add span-2', type: 'button', id: 'desc-add', onclick: editDescription }, '+ Add a description') : null;
    }
    return h('div', { class: 'card span-2 desc-card' },
      h('div', { class: 'card-head' }, h('h2', null, 'Description'),
        editable ? h('div', { class: 'actions' }, h('button', { class: 'btn btn-sm', type: 'button', id: 'desc-edit', title: 'Edit the description', onclick: editDescription }, 'Edit')) : null),
      h('div', { class: 'card-body' }, h('pre', { class: 'note' }, d.text)));
  }

  /** System tags (mlflow.*, track.*) with readable names and values; the raw key under each name. */
  function systemTags(list) {
    if (!list.length) return null;
    const value = (d) => {
      if (d.kind === 'run') return h('a', { class: 'id', href: runHash(d.text) }, d.text);
      if (d.kind === 'url') return h('a', { href: d.text, target: '_blank', rel: 'noopener noreferrer' }, d.text);
      return h('span', { class: d.kind === 'mono' ? 'mono' : null, title: d.title || null }, d.text);
    };
    return h('details', { class: 'sys-tags', open: true }, h('summary', null, `System tags (${list.length})`),
      h('table', { class: 'table' }, h('tbody', null, list.map((d) => h('tr', { 'data-key': d.key },
        h('td', { class: 'sys-key', title: d.key }, d.label, d.label !== d.key ? h('div', { class: 'faint small mono' }, d.key) : null),
        h('td', { class: 'sys-val' }, value(d)))))));
  }

  function updateMetricRows() {
    for (const m of run.data.metrics) {
      const cells = metricRows.get(m.key);
      if (!cells) continue;
      const s = summary?.[m.key];
      cells.last.textContent = formatNumber(m.value, 6);
      cells.last.title = `step ${m.step} · ${formatTimestamp(m.timestamp)}`;
      cells.min.textContent = s ? formatNumber(s.min, 5) : '';
      cells.max.textContent = s ? formatNumber(s.max, 5) : '';
      cells.count.textContent = s?.count ? formatCount(s.count) : '';
    }
  }

  async function loadSpark(key) {
    try {
      const s = await sparks.load(runId, key, { signal: life.signal });
      drawSpark(key, s);
    } catch { /* leave the sparkline empty */ }
  }
  function drawSpark(key, s) {
    const c = sparkCanvases.get(key);
    if (c && s) drawSparkline(c, s.steps, s.values, ACCENT());
  }

  // ----------------------------------------------------------------- charts
  function renderCharts() {
    const lazy = lazyGroup('400px');
    chartLazy = lazy;
    const keys = run.data.metrics.map((m) => m.key);
    const smoothLabel = h('span', { class: 'smooth-val' }, state.smooth.toFixed(2));
    const slider = h('input', { type: 'range', min: '0', max: '0.99', step: '0.01', value: String(state.smooth), 'aria-label': 'Smoothing' });
    slider.addEventListener('input', () => { smoothLabel.textContent = Number(slider.value).toFixed(2); setState({ smooth: Number(slider.value) }, { replace: true }); });
    const logCb = h('input', { type: 'checkbox' }); logCb.checked = state.log;
    logCb.addEventListener('change', () => setState({ log: logCb.checked }, { replace: true }));
    const toolbar = h('div', { class: 'toolbar compare-controls' },
      h('div', { class: 'toolbar-group' }, h('span', { class: 'label' }, 'X axis'),
        segmented([{ value: 'step', label: 'Step' }, { value: 'time', label: 'Wall time' }, { value: 'relative', label: 'Relative' }], state.x, (v) => setState({ x: v }, { replace: true }), 'X axis')),
      h('label', { class: 'check' }, logCb, 'Log scale'),
      h('div', { class: 'toolbar-group' }, h('span', { class: 'label' }, 'Smoothing'), slider, smoothLabel),
      h('span', { class: 'chart-hint' }, 'Drag to zoom · double-click to reset'));
    if (!keys.length) {
      bodyEl.replaceChildren(h('div', { class: 'card' }, emptyState('No metrics yet',
        isRunning(run) ? 'Metrics this run logs appear here as they arrive, one chart each.' : 'This run logged no metrics. In your training code, for example:',
        codeBlock('mlflow.log_metric("loss", loss, step=step)'))));
      return () => lazy.disconnect();
    }
    // one titled, foldable section per name prefix; a single section is just the grid
    // the focused metric comes first in its section
    const focusFirst = (list) => (list.includes(state.metric) ? [state.metric, ...list.filter((k) => k !== state.metric)] : list);
    const built = chartSectionGrids(metricSections(keys).map((sec) => ({ ...sec, keys: focusFirst(sec.keys) })), toggleSection);
    chartSections = built.entries;
    bodyEl.replaceChildren(toolbar, h('div', { class: 'chart-sections' }, built.nodes));
    applyFold();
    if (refocusSection !== null) chartSections.find((e) => e.id === refocusSection)?.fold?.button.focus({ preventScroll: true });
    refocusSection = null;
    if (state.metric) requestAnimationFrame(() => chartCards.get(state.metric)?.card.scrollIntoView({ block: 'nearest' }));
    return () => { lazy.disconnect(); for (const e of chartCards.values()) e.chart?.destroy(); };
  }

  /** Is a chart section open? Always without headings; else unless `fold` lists it (the focused metric's is open). */
  function sectionOpen(entry) {
    if (!entry.fold) return true;
    if (state.metric && entry.keys.includes(state.metric)) return true;
    return !state.fold.includes(entry.id);
  }

  /** Fold or open a section in the URL; folding the focused metric's section drops the focus. */
  function toggleSection(entry) {
    if (!sectionOpen(entry)) { setState({ fold: toggleFold(state.fold, entry.id) }, { replace: true }); return; }
    const fold = state.fold.includes(entry.id) ? state.fold : [...state.fold, entry.id]; // listed already when the focus held it open
    if (!entry.keys.includes(state.metric)) { setState({ fold }, { replace: true }); return; }
    refocusSection = entry.id; // the tab is drawn again without the focus: keep the keyboard on this toggle
    setState({ fold, metric: '' }, { replace: true });
  }

  /** Make the sections match the URL: open ones get their chart cards (loaded lazily), folded ones have none. */
  function applyFold() {
    for (const entry of chartSections) {
      const open = sectionOpen(entry);
      entry.fold?.setOpen(open);
      if (open === entry.open) continue;
      entry.open = open;
      if (open) {
        for (const key of entry.keys) {
          const box = h('div', { class: 'chart-box' });
          const lastEl = h('span', { class: 'mono small muted' });
          const card = h('div', { class: `card chart-card${key === state.metric ? ' is-focus' : ''}`, id: `chart-${key}` },
            h('div', { class: 'card-head' }, h('h2', { class: 'mono' }, key), h('div', { class: 'actions' }, lastEl)),
            box);
          entry.grid.append(card);
          const c = { key, box, card, lastEl, chart: null, zoom: null };
          chartCards.set(key, c);
          chartLazy.observe(card, () => loadChart(c));
        }
      } else {
        for (const key of entry.keys) {
          const c = chartCards.get(key);
          if (!c) continue;
          chartLazy.unobserve(c.card);
          c.chart?.destroy();
          c.chart = null; // a series still on its way draws nothing
          chartCards.delete(key);
        }
        entry.grid.replaceChildren();
      }
    }
  }

  async function loadChart(entry) {
    entry.chart = new LineChart(entry.box, {
      xMode: state.x, yLog: state.log, emptyText: 'Loading…',
      onZoom: (x0, x1) => zoomChart(entry, x0, x1),
      onReset: () => { entry.zoom = null; entry.chart.setXRange(null); refreshChart(entry, true); },
    });
    await refreshChart(entry, true);
  }

  async function refreshChart(entry, fetch) {
    try {
      if (fetch) await seriesStore.load(runId, entry.key, { signal: life.signal, zoom: entry.zoom?.steps || null });
    } catch (e) {
      if (api.isAbort(e)) return;
      entry.chart?.setOptions({ emptyText: `Could not load: ${e.message}` });
      return;
    }
    drawChart(entry);
  }

  function drawChart(entry) {
    const s = seriesStore.get(runId, entry.key);
    if (!entry.chart || !s) return;
    const x = xValues(s, state.x, run.info.start_time);
    const y = state.smooth ? ema(s.values, state.smooth) : s.values;
    entry.chart.setOptions({ xMode: state.x, yLog: state.log, emptyText: 'No points' });
    entry.chart.setSeries([{ id: runId, label: run.name, color: ACCENT(), x, y, raw: state.smooth ? s.values : null, steps: s.steps }]);
    const n = s.values.length;
    entry.lastEl.textContent = n ? `last ${formatNumber(s.values[n - 1], 5)} @ ${formatCount(s.steps[n - 1])}` : '';
  }

  async function zoomChart(entry, x0, x1) {
    const s = seriesStore.get(runId, entry.key);
    if (!s) return;
    const r = stepRangeForX(xValues(s, state.x, run.info.start_time), s.steps, x0, x1);
    if (!r) return;
    entry.zoom = { steps: r, x: [x0, x1] };
    entry.chart.setXRange([x0, x1]);
    await refreshChart(entry, true);
  }

  // ----------------------------------------------------------------- artifacts
  function renderArtifacts() {
    const ctl = new AbortController();
    const rootPath = artifactRoot(run.info.artifact_uri, run.info.experiment_id, runId);
    const tree = h('div', { class: 'art-tree', role: 'tree' });
    const preview = h('div', { class: 'art-preview' });
    const layout = h('div', { class: 'card art-layout' }, tree, preview);
    bodyEl.replaceChildren(layout);
    const items = new Map(); // rel path -> element

    const listDir = async (rel, ul) => {
      ul.replaceChildren(h('li', { class: 'art-item muted' }, h('span', { class: 'spinner' })));
      let files;
      try { files = sortEntries(await api.listArtifacts(joinPath(rootPath, rel), { signal: ctl.signal })); }
      catch (e) { if (!api.isAbort(e)) ul.replaceChildren(h('li', null, errorBox(e, { title: 'Could not list artifacts' }))); return false; }
      if (!files.length && !rel) {
        layout.replaceWith(h('div', { class: 'card' }, emptyState('No artifacts yet', 'Files the run logs (models, plots, reports) show up here with a preview.',
          codeBlock('mlflow.log_artifact("confusion_matrix.png")\nmlflow.log_text(report, "eval/report.txt")'))));
        return true;
      }
      if (!files.length) { ul.replaceChildren(h('li', { class: 'art-item faint' }, 'empty folder')); return true; }
      ul.replaceChildren(...files.map((f) => {
        const childRel = joinPath(rel, baseName(f.path));
        const li = h('li', { role: 'treeitem' });
        const item = h('div', { class: 'art-item', tabindex: '0', title: childRel },
          h('span', { class: 'icon' }, f.is_dir ? '▸' : '·'), h('span', { class: 'name' }, baseName(f.path)),
          !f.is_dir && f.file_size !== null ? h('span', { class: 'size' }, formatBytes(f.file_size)) : null);
        li.append(item);
        items.set(childRel, item);
        if (f.is_dir) {
          const sub = h('ul', { role: 'group', hidden: true });
          li.append(sub);
          let loaded = false;
          item.dataset.dir = '1';
          item._toggle = async (open) => {
            const show = open ?? sub.hidden;
            sub.hidden = !show;
            item.querySelector('.icon').textContent = show ? '▾' : '▸';
            if (show && !loaded) { loaded = true; await listDir(childRel, sub); }
          };
          item.addEventListener('click', () => item._toggle());
        } else {
          item.addEventListener('click', () => setState({ file: childRel }, { replace: true }));
        }
        item.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); item.click(); } });
        item._file = f;
        return li;
      }));
      return true;
    };

    const showPreview = async (rel) => {
      for (const [p, el] of items) el.classList.toggle('is-active', p === rel);
      if (!rel) { preview.replaceChildren(h('div', { class: 'card-empty' }, 'Select a file to preview it.')); return; }
      const full = joinPath(rootPath, rel);
      const url = api.artifactUrl(full);
      const size = items.get(rel)?._file?.file_size;
      const kind = previewKind(rel, size);
      const bodyBox = h('div', { class: 'art-preview-body' });
      preview.replaceChildren(
        h('div', { class: 'art-preview-head' }, h('span', { class: 'path', title: rel }, rel), size !== undefined && size !== null ? h('span', { class: 'muted small' }, formatBytes(size)) : null,
          h('a', { class: 'btn btn-sm', href: url, download: baseName(rel), style: { marginLeft: 'auto' } }, 'Download')),
        bodyBox);
      if (kind === 'image') { bodyBox.append(h('img', { src: url, alt: rel, loading: 'lazy' })); return; }
      if (kind === 'none') {
        bodyBox.append(h('div', { class: 'card-empty' }, size > 0 && previewKind(rel) !== 'none' ? `Too large to preview (${formatBytes(size)}).` : 'No preview for this file type.', h('div', { style: { marginTop: '12px' } }, h('a', { class: 'btn', href: url, download: baseName(rel) }, 'Download'))));
        return;
      }
      bodyBox.append(loading('Loading preview…'));
      let text;
      try { text = await api.artifactText(full, { signal: ctl.signal }); }
      catch (e) { if (!api.isAbort(e)) bodyBox.replaceChildren(errorBox(e, { title: 'Could not load the file' })); return; }
      if (state.file !== rel) return;
      if (kind === 'json') {
        let pretty = text;
        try { pretty = JSON.stringify(JSON.parse(text), null, 2); } catch { /* show as is */ }
        bodyBox.replaceChildren(h('pre', null, pretty));
      } else if (kind === 'csv' || kind === 'tsv') {
        const { rows, truncated } = parseCSV(text, { delimiter: kind === 'tsv' ? '\t' : ',', maxRows: 501 });
        const [headRow, ...rest] = rows;
        bodyBox.replaceChildren(...[
          h('table', { class: 'csv-table' },
            h('thead', null, h('tr', null, (headRow || []).map((c) => h('th', null, c)))),
            h('tbody', null, rest.map((r) => h('tr', null, r.map((c) => h('td', null, c)))))),
          truncated ? h('p', { class: 'muted small' }, 'Showing the first 500 rows. Download the file for the rest.') : null].filter(Boolean));
      } else {
        const max = 300_000;
        bodyBox.replaceChildren(...[h('pre', null, text.length > max ? text.slice(0, max) : text), text.length > max ? h('p', { class: 'muted small' }, 'Preview truncated. Download the file for the rest.') : null].filter(Boolean));
      }
    };

    const ul = h('ul', { role: 'group' });
    tree.append(ul);
    (async () => {
      await listDir('', ul);
      // expand to the file in the URL
      if (state.file) {
        const parts = state.file.split('/');
        for (let k = 1; k < parts.length; k++) {
          const dir = parts.slice(0, k).join('/');
          const item = items.get(dir);
          if (item?._toggle) await item._toggle(true);
        }
      }
      showPreview(state.file);
    })();
    artifactsPreview = showPreview;
    return () => { ctl.abort(); artifactsPreview = null; };
  }
  let artifactsPreview = null;

  // ----------------------------------------------------------------- live updates
  async function poll() {
    const fresh = await api.getRun(runId, { signal: life.signal });
    const statusChanged = fresh.info.status !== run.info.status;
    const newKeys = fresh.data.metrics.length !== run.data.metrics.length;
    const newModels = fresh.outputs.model_outputs.length !== run.outputs.model_outputs.length;
    run = fresh;
    renderHeader();
    if (newKeys) renderTabs();
    if (state.tab === 'overview') {
      if (newKeys || statusChanged || newModels) { renderTab(); } else { updateMetricRows(); }
      loadSummary();
      await Promise.all([...sparkCanvases.keys()].map(async (k) => {
        if (await sparks.tail(runId, k, { signal: life.signal }).catch(() => false)) drawSpark(k, sparks.get(runId, k));
      }));
    } else if (state.tab === 'charts') {
      if (newKeys) renderTab();
      await Promise.all([...chartCards.values()].filter((e) => e.chart && !e.zoom).map(async (e) => {
        if (await seriesStore.tail(runId, e.key, { signal: life.signal }).catch(() => false)) drawChart(e);
      }));
    }
  }
  const stopPoll = poller(poll, POLL_MS, () => run && isRunning(run));

  load();

  const unmount = () => { life.abort(); stopPoll(); tabCleanup(); };
  unmount.update = (p) => {
    const prev = state;
    state = readState(p);
    if (!run) return;
    if (prev.tab !== state.tab) { renderTabs(); renderTab(); window.scrollTo(0, 0); return; }
    renderTabs();
    if (state.tab === 'charts') {
      if (prev.metric !== state.metric) { renderTab(); return; }
      if (prev.fold.join() !== state.fold.join()) applyFold();
      for (const e of chartCards.values()) {
        if (prev.x !== state.x && e.zoom) { e.zoom = null; e.chart?.setXRange(null); refreshChart(e, true); } else drawChart(e);
      }
    } else if (state.tab === 'artifacts' && prev.file !== state.file) artifactsPreview?.(state.file);
  };
  return unmount;
}
