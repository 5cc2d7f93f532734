// #/compare?runs=a,b,c&metric=&x=step|time|relative&log=1&smooth=0.6&diff=1&group=&zoom=&pc=&sx=&sy=&fold=
// Overlaid line charts per metric (shared crosshair, zoom re-queries the server per run) in sections
// by name prefix (lib/metric-sections.js; `fold` lists the folded ones), params table with
// differences, parallel coordinates and a scatter of a param against a metric.

import * as api from '../api.js';
import { cached } from '../cache.js';
import { h } from '../html.js';
import { formatNumber, formatCount, plural } from '../lib/format.js';
import { compareHash, decodeCompareState, encodeCompareState, runHash, experimentHash, MAX_COMPARE } from '../lib/url-state.js';
import { ema } from '../lib/smoothing.js';
import { xValues, stepRangeForX } from '../lib/series.js';
import { groupBy, aggregateBands } from '../lib/aggregate.js';
import { runColor, ramp } from '../lib/colors.js';
import { displayStatus, isRunning } from '../lib/status.js';
import { metricSections, naturalCompare, toggleFold } from '../lib/metric-sections.js';
import { LineChart, CursorSync } from '../chart/line-chart.js';
import { ParallelChart } from '../chart/parallel.js';
import { ScatterChart } from '../chart/scatter.js';
import { SeriesStore } from '../series-store.js';
import { errorBox, loading, lazyGroup, poller, segmented, chartSectionGrids } from '../ui/dom.js';
import { navigate, setTitle } from '../nav.js';

const POLL_MS = 1000;
const LOWER_BETTER = /loss|error|err\b|mse|mae|rmse|perplexity|wer|cer/i;
const HIGHER_BETTER = /acc|auc|f1|precision|recall|score|map\b|iou|bleu|rouge/i;

export function mount(root, params) {
  let state = decodeCompareState(params);
  let runs = []; // normalized, in URL order
  let missing = [];
  const life = new AbortController();
  const store = new SeriesStore(1000);
  const sync = new CursorSync();
  let charts = new Map(); // metric -> {chart, box, card, loaded} (the charts of open sections only)
  let chartSections = []; // [{ id, keys, grid, fold: foldSection() | null, open }]
  let lazy = null;
  let highlighted = null;
  let parallel = null, scatter = null;

  const page = h('div', { class: 'page page-wide compare-page' });
  root.append(page);
  page.append(loading('Loading runs…'));
  setTitle('Compare');

  const setState = (patch, opts) => navigate(compareHash(encodeCompareState({ ...state, ...patch })), opts);
  const colorOf = (run) => runColor(state.runs.indexOf(run.id));

  // ----------------------------------------------------------------- load
  async function load() {
    if (state.runs.length < 1) { renderNoRuns(); return; }
    const results = await Promise.all(state.runs.map((id) => cached(`run:${id}`, 5_000, () => api.getRun(id, { signal: life.signal })).then((r) => r, (e) => e)));
    if (life.signal.aborted) return;
    const unreachable = results.find((r) => r instanceof Error && r.code === 'UNREACHABLE');
    if (unreachable) { page.replaceChildren(errorBox(unreachable)); return; }
    runs = results.filter((r) => !(r instanceof Error));
    missing = state.runs.filter((_, i) => results[i] instanceof Error);
    render();
  }

  function renderNoRuns() {
    page.replaceChildren(h('div', { class: 'empty' }, h('h2', null, 'Nothing to compare'), h('p', null, 'Select 2 to 50 runs in an experiment’s runs table (x or the checkboxes) and press Compare.'), h('a', { class: 'btn', href: '#/' }, 'Go to experiments')));
  }

  // ----------------------------------------------------------------- derived
  const metricKeys = () => [...new Set(runs.flatMap((r) => r.data.metrics.map((m) => m.key)))].sort(naturalCompare);
  const paramKeys = () => [...new Set(runs.flatMap((r) => r.data.params.map((p) => p.key)))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const differs = (key) => new Set(runs.map((r) => r.params[key] ?? '\u0000')).size > 1;
  const shownMetrics = () => { const all = metricKeys(); return state.metrics.length ? state.metrics.filter((m) => all.includes(m)) : all; };
  const defaultMetric = () => { const all = metricKeys(); return all.find((k) => /^(val_?)?loss$/i.test(k)) || all.find((k) => LOWER_BETTER.test(k) || HIGHER_BETTER.test(k)) || all[0] || ''; };

  // ----------------------------------------------------------------- render
  let legendEl, controlsEl, gridEl, paramsEl, plotsEl;
  let smoothCtl = null; // { slider, label } of the current controls
  function render() {
    lazy?.disconnect();
    for (const c of charts.values()) c.chart?.destroy();
    charts = new Map();
    chartSections = [];
    parallel?.destroy(); scatter?.destroy(); parallel = scatter = null;
    lazy = lazyGroup('300px');
    const expIds = [...new Set(runs.map((r) => r.info.experiment_id))];
    const crumbs = h('div', { class: 'crumbs' }, h('a', { href: '#/' }, 'Experiments'), h('span', { class: 'sep' }, '/'),
      expIds.length === 1 ? h('a', { href: experimentHash(expIds[0]), class: 'exp-crumb' }, expIds[0]) : h('span', null, `${expIds.length} experiments`),
      h('span', { class: 'sep' }, '/'), h('span', null, 'Compare'));
    if (expIds.length === 1) cached(`exp:${expIds[0]}`, 60_000, () => api.getExperiment(expIds[0])).then((e) => { const c = page.querySelector('.exp-crumb'); if (c) c.textContent = e.name; }).catch(() => {});
    const running = runs.filter((r) => isRunning(r)).length;
    const header = h('div', { class: 'page-header' }, h('div', null, crumbs,
      h('h1', null, `Comparing ${plural(runs.length, 'run')}`),
      h('div', { class: 'subtitle' }, running ? h('span', { class: 'live' }, `${running} running · live`) : null, h('span', null, `${metricKeys().length} metrics · ${paramKeys().length} params`))));
    legendEl = h('div', { class: 'compare-legend' });
    controlsEl = h('div', { class: 'compare-controls' });
    gridEl = h('div', { class: 'chart-sections' });
    paramsEl = h('div');
    plotsEl = h('div');
    const warn = missing.length ? h('div', { class: 'error-box', style: { marginBottom: '16px' } }, h('strong', null, `${plural(missing.length, 'run')} could not be loaded: `), h('span', { class: 'mono' }, missing.join(', '))) : null;
    const capped = state.requested > MAX_COMPARE ? h('div', { class: 'note-box', role: 'status' }, `Comparing the first ${MAX_COMPARE} of the ${formatCount(state.requested)} runs in the link: a comparison holds at most ${MAX_COMPARE}.`) : null;
    page.replaceChildren(...[header, capped, warn, legendEl, controlsEl, gridEl, paramsEl, plotsEl].filter(Boolean));
    setTitle(`Compare ${runs.length} runs`);
    if (runs.length === 0) { gridEl.replaceChildren(h('div', { class: 'card card-empty' }, 'None of these runs exist.')); return; }
    renderLegend(); renderControls(); renderCharts(); renderParams(); renderPlots();
  }

  function renderLegend() {
    if (state.group) {
      const colors = groupColors();
      const groups = groupBy(runs, (r) => r.params[state.group]);
      legendEl.replaceChildren(h('span', { class: 'muted small', style: { alignSelf: 'center' } }, `Grouped by ${state.group} — mean with min–max band:`),
        ...groups.map((g) => h('span', { class: 'run-chip', title: g.items.map((r) => r.name).join('\n') },
          h('span', { class: 'swatch', style: { background: colors.get(g.value) } }),
          h('span', { class: 'mono' }, `${g.value ?? 'not set'}`), h('span', { class: 'muted', style: { paddingRight: '6px' } }, `×${g.items.length}`))));
      return;
    }
    legendEl.replaceChildren(...runs.map((r) => {
      const chip = h('span', { class: `run-chip${highlighted === r.id ? ' is-hl' : ''}`, title: `${r.name}\n${r.id}\n${displayStatus(r.info, r.tags)}` },
        h('span', { class: 'swatch', style: { background: colorOf(r) } }),
        h('a', { href: runHash(r.id) }, r.name),
        isRunning(r) ? h('span', { class: 'live', 'aria-label': 'running' }) : null,
        h('button', { class: 'x', type: 'button', title: 'Remove from comparison', 'aria-label': `Remove ${r.name}`, onclick: () => setState({ runs: state.runs.filter((id) => id !== r.id) }) }, '×'));
      chip.addEventListener('pointerenter', () => setHighlight(r.id));
      chip.addEventListener('pointerleave', () => setHighlight(null));
      return chip;
    }));
  }

  /** Colour per group value, stable across charts (all runs, sorted like groupBy). */
  function groupColors() {
    return new Map(groupBy(runs, (r) => r.params[state.group]).map((g, i) => [g.value, runColor(i)]));
  }

  function setHighlight(id) {
    highlighted = id;
    for (const c of charts.values()) c.chart?.highlight(state.group ? null : id);
    for (const chip of legendEl.children) chip.classList.toggle('is-hl', false);
  }

  function renderControls() {
    const all = metricKeys();
    const shown = new Set(shownMetrics());
    const toggleMetric = (k) => {
      const next = new Set(shown);
      next.has(k) ? next.delete(k) : next.add(k);
      const list = all.filter((x) => next.has(x));
      setState({ metrics: list.length === all.length ? [] : list.length ? list : [k] });
    };
    const smoothVal = h('span', { class: 'smooth-val' }, state.smooth.toFixed(2));
    const slider = h('input', { type: 'range', min: '0', max: '0.99', step: '0.01', value: String(state.smooth), 'aria-label': 'Smoothing (EMA weight)' });
    smoothCtl = { slider, label: smoothVal };
    slider.addEventListener('input', () => { smoothVal.textContent = Number(slider.value).toFixed(2); setState({ smooth: Number(slider.value) }, { replace: true }); });
    const logCb = h('input', { type: 'checkbox' }); logCb.checked = state.log;
    logCb.addEventListener('change', () => setState({ log: logCb.checked }, { replace: true }));
    const groupSel = h('select', { class: 'input', 'aria-label': 'Group runs by param' }, h('option', { value: '' }, 'None'), ...paramKeys().map((k) => h('option', { value: k }, k)));
    groupSel.value = state.group;
    groupSel.addEventListener('change', () => setState({ group: groupSel.value }));
    controlsEl.replaceChildren(
      h('div', { class: 'toolbar' },
        h('div', { class: 'toolbar-group' }, h('span', { class: 'label' }, 'X axis'),
          segmented([{ value: 'step', label: 'Step' }, { value: 'time', label: 'Wall time' }, { value: 'relative', label: 'Relative' }], state.x, (v) => setState({ x: v, zoom: null }, { replace: true }), 'X axis')),
        h('label', { class: 'check' }, logCb, 'Log scale'),
        h('div', { class: 'toolbar-group' }, h('span', { class: 'label' }, 'Smoothing'), slider, smoothVal),
        h('label', { class: 'toolbar-group' }, h('span', { class: 'label' }, 'Group by'), groupSel),
        state.zoom ? h('span', { class: 'toolbar-group' }, h('span', { class: 'zoom-note' }, 'Zoomed'), h('button', { class: 'btn btn-sm', type: 'button', onclick: () => setState({ zoom: null }) }, 'Reset zoom')) : h('span', { class: 'chart-hint' }, 'Drag on a chart to zoom · double-click resets')),
      all.length > 1 ? metricChips(all, shown, toggleMetric) : null);
  }

  /** The metric toggles; with several sections, a group per section after its title (the titles are the labels). */
  function metricChips(all, shown, toggleMetric) {
    const chip = (k) => h('button', { class: 'metric-chip', type: 'button', 'aria-pressed': String(shown.has(k)), onclick: () => toggleMetric(k) }, k);
    const sections = metricSections(all);
    if (sections.length < 2) {
      return h('div', { class: 'metric-chips', style: { marginTop: '8px' } }, h('span', { class: 'label muted small', style: { alignSelf: 'center' } }, 'Metrics'), all.map(chip));
    }
    return h('div', { class: 'metric-chips is-grouped', style: { marginTop: '8px' } },
      sections.map((sec) => h('div', { class: 'chip-group', role: 'group', 'aria-label': `${sec.title} metrics`, 'data-section': sec.id },
        h('span', { class: 'chip-group-title' }, sec.title), sec.keys.map(chip))));
  }

  // ----------------------------------------------------------------- charts
  function renderCharts() {
    const keys = shownMetrics();
    chartSections = [];
    if (!keys.length) { gridEl.replaceChildren(h('div', { class: 'card card-empty' }, 'These runs have no metrics.')); return; }
    // one titled, foldable section per name prefix; a single section is just the grid
    const built = chartSectionGrids(metricSections(keys), (sec) => setState({ fold: toggleFold(state.fold, sec.id) }, { replace: true }));
    chartSections = built.entries;
    if (keys.length === 1) chartSections[0].grid.style.gridTemplateColumns = '1fr';
    gridEl.replaceChildren(...built.nodes);
    applyFold(keys.length);
  }

  /** Make the sections match the URL: open ones get their chart cards (loaded lazily), folded ones have none. */
  function applyFold(shown = shownMetrics().length) {
    for (const sec of chartSections) {
      const open = !sec.fold || !state.fold.includes(sec.id);
      sec.fold?.setOpen(open);
      if (open === sec.open) continue;
      sec.open = open;
      if (!open) {
        for (const key of sec.keys) {
          const entry = charts.get(key);
          if (!entry) continue;
          lazy.unobserve(entry.card);
          entry.chart?.destroy();
          entry.chart = null; // series still on their way draw nothing
          charts.delete(key);
        }
        sec.grid.replaceChildren();
        continue;
      }
      sec.grid.append(...sec.keys.map((key) => {
        const box = h('div', { class: 'chart-box', style: { height: shown === 1 ? '420px' : '280px' } });
        const status = h('span', { class: 'muted small' });
        const card = h('div', { class: 'card chart-card' }, h('div', { class: 'card-head' }, h('h2', { class: 'mono' }, key), h('div', { class: 'actions' }, status,
          shown > 1 ? h('button', { class: 'btn btn-ghost btn-sm', type: 'button', title: 'Show only this metric', onclick: () => setState({ metrics: [key] }) }, 'Focus') : null)), box);
        const entry = { key, box, card, status, chart: null };
        charts.set(key, entry);
        lazy.observe(card, () => initChart(entry));
        return card;
      }));
    }
  }

  function initChart(entry) {
    entry.chart = new LineChart(entry.box, {
      xMode: state.x, yLog: state.log, sync, emptyText: 'Loading…',
      onZoom: (x0, x1) => setState({ zoom: [x0, x1] }),
      onReset: () => { if (state.zoom) setState({ zoom: null }); },
    });
    loadChart(entry);
  }

  function zoomFor(run, key) {
    if (!state.zoom) return null;
    const [x0, x1] = state.zoom;
    const s = store.get(run.id, key);
    // widen to the neighbouring points so lines reach the chart edges
    if (s && s.steps.length) return stepRangeForX(xValues(s, state.x, run.info.start_time), s.steps, x0, x1);
    return state.x === 'step' ? { minStep: Math.floor(x0), maxStep: Math.ceil(x1) } : null;
  }

  async function loadChart(entry) {
    const withMetric = runs.filter((r) => r.metrics[entry.key]);
    entry.status.textContent = '';
    // in time modes a zoom needs each run's full series first to map time -> steps
    if (state.zoom && state.x !== 'step') await Promise.allSettled(withMetric.filter((r) => !store.get(r.id, entry.key)).map((r) => store.load(r.id, entry.key, { signal: life.signal })));
    const results = await Promise.allSettled(withMetric.map((r) => store.load(r.id, entry.key, { signal: life.signal, zoom: zoomFor(r, entry.key) })));
    if (life.signal.aborted) return;
    const failed = results.filter((r) => r.status === 'rejected' && !api.isAbort(r.reason));
    if (failed.length) entry.status.textContent = `${failed.length} failed: ${failed[0].reason.message}`;
    drawChart(entry);
  }

  function drawChart(entry) {
    if (!entry.chart) return;
    const per = runs.map((r) => {
      const s = store.get(r.id, entry.key);
      if (!s) return null;
      const x = xValues(s, state.x, r.info.start_time);
      const y = state.smooth ? ema(s.values, state.smooth) : s.values;
      return { run: r, s, x, y };
    }).filter(Boolean);
    let series;
    if (state.group) {
      const colors = groupColors();
      const groups = groupBy(per, (p) => p.run.params[state.group]);
      series = groups.map((g) => {
        const band = aggregateBands(g.items.map((p) => ({ x: p.x, y: p.y })), 1000);
        return { id: `g:${g.value}`, label: `${state.group}=${g.value ?? '∅'} (${g.items.length})`, color: colors.get(g.value), x: band.x, y: band.mean, band: { lo: band.min, hi: band.max }, width: 2 };
      });
    } else {
      series = per.map((p) => ({ id: p.run.id, label: p.run.name, color: colorOf(p.run), x: p.x, y: p.y, raw: state.smooth && per.length <= 10 ? p.s.values : null, steps: p.s.steps }));
    }
    entry.chart.setOptions({ xMode: state.x, yLog: state.log, emptyText: 'No data for these runs' });
    entry.chart.setXRange(state.zoom);
    entry.chart.setSeries(series);
    entry.chart.highlight(state.group ? null : highlighted);
  }

  // ----------------------------------------------------------------- params / metrics table
  function renderParams() {
    const pk = paramKeys();
    const rowsP = pk.filter((k) => !state.diff || differs(k));
    const mk = metricKeys();
    const diffCb = h('input', { type: 'checkbox' }); diffCb.checked = state.diff;
    diffCb.addEventListener('change', () => setState({ diff: diffCb.checked }, { replace: true }));
    const nd = pk.filter(differs).length;
    const headRow = h('tr', null, h('th', null, 'Name'), ...runs.map((r) => h('th', { class: 'run-col', title: r.name }, h('span', { class: 'swatch', style: { background: colorOf(r) } }), h('a', { href: runHash(r.id) }, r.name.length > 24 ? r.name.slice(0, 23) + '…' : r.name))));
    const paramRow = (k) => h('tr', { class: differs(k) ? 'differs' : '' }, h('td', { class: 'key' }, k), ...runs.map((r) => {
      const v = r.params[k];
      return h('td', { title: v ?? 'not set' }, v === undefined ? h('span', { class: 'faint' }, '—') : v);
    }));
    const metricRow = (k) => {
      const vals = runs.map((r) => r.metrics[k]?.value);
      const finite = vals.filter((v) => Number.isFinite(v));
      let best = null;
      if (finite.length > 1 && LOWER_BETTER.test(k)) best = Math.min(...finite);
      else if (finite.length > 1 && HIGHER_BETTER.test(k)) best = Math.max(...finite);
      return h('tr', null, h('td', { class: 'key' }, k), ...vals.map((v) => h('td', { class: `num${v === best ? ' best' : ''}`, title: v === best ? 'best (direction guessed from the name)' : '' }, v === undefined ? h('span', { class: 'faint' }, '—') : formatNumber(v, 5))));
    };
    paramsEl.replaceChildren(
      h('div', { class: 'section-title' }, h('h2', null, 'Parameters & metrics'), h('span', { class: 'muted small' }, `${nd} of ${pk.length} params differ`),
        h('label', { class: 'check', style: { marginLeft: 'auto' } }, diffCb, 'Differences only')),
      h('div', { class: 'card diff-wrap' }, h('table', { class: 'table diff-table' },
        h('thead', null, headRow),
        h('tbody', null,
          rowsP.length ? rowsP.map(paramRow) : h('tr', null, h('td', { colspan: String(runs.length + 1), class: 'muted' }, state.diff ? 'All parameters are identical.' : 'No parameters.')),
          mk.length ? h('tr', null, h('th', { colspan: String(runs.length + 1) }, 'Metrics (last value)')) : null,
          mk.map(metricRow)))));
  }

  // ----------------------------------------------------------------- parallel coordinates + scatter
  function renderPlots() {
    const mk = metricKeys(), pk = paramKeys();
    if (!mk.length || !pk.length) { plotsEl.replaceChildren(); return; }
    const pcMetric = mk.includes(state.pc) ? state.pc : defaultMetric();
    const diffParams = pk.filter(differs);
    const dimsKeys = (diffParams.length ? diffParams : pk).slice(0, 8);
    const sx = pk.includes(state.sx) ? state.sx : diffParams[0] || pk[0];
    const sy = mk.includes(state.sy) ? state.sy : pcMetric;
    const sel = (value, options, onChange, label) => { const s = h('select', { class: 'input', 'aria-label': label }, options.map((o) => h('option', { value: o }, o))); s.value = value; s.addEventListener('change', () => onChange(s.value)); return s; };
    const pBox = h('div', { class: 'plot-box' });
    const sBox = h('div', { class: 'plot-box' });
    plotsEl.replaceChildren(
      h('div', { class: 'section-title' }, h('h2', null, 'Parallel coordinates'), h('span', { class: 'muted small' }, diffParams.length ? 'params that differ, coloured by' : 'params, coloured by'), sel(pcMetric, mk, (v) => setState({ pc: v }, { replace: true }), 'Metric for parallel coordinates'), rampLegend(runs.map((r) => r.metrics[pcMetric]?.value))),
      h('div', { class: 'card', style: { padding: '8px' } }, pBox),
      h('div', { class: 'section-title' }, h('h2', null, 'Scatter'), sel(sx, pk, (v) => setState({ sx: v }, { replace: true }), 'Param on x'), h('span', { class: 'muted' }, 'vs'), sel(sy, mk, (v) => setState({ sy: v }, { replace: true }), 'Metric on y')),
      h('div', { class: 'card', style: { padding: '8px' } }, sBox));
    parallel = new ParallelChart(pBox);
    parallel.setData([...dimsKeys.map((k) => ({ label: k, values: runs.map((r) => r.params[k] ?? null) })), { label: pcMetric, values: runs.map((r) => { const v = r.metrics[pcMetric]?.value; return Number.isFinite(v) ? v : null; }) }], runs.map((r) => r.name));
    scatter = new ScatterChart(sBox, { onClick: (p) => navigate(runHash(p.id)) });
    scatter.setData(runs.map((r) => ({ id: r.id, x: r.params[sx] ?? null, y: r.metrics[sy]?.value, color: colorOf(r), label: r.name })), { xLabel: sx, yLabel: sy });
  }

  /** The colour scale of the parallel coordinates: lowest value, gradient, highest value. */
  function rampLegend(values) {
    const finite = values.filter((v) => Number.isFinite(v));
    if (!finite.length) return null;
    const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => `${ramp(t)} ${t * 100}%`).join(', ');
    return h('span', { class: 'ramp-legend', title: 'Line colour: the metric, from its lowest to its highest value' },
      h('span', { class: 'mono small' }, formatNumber(Math.min(...finite), 4)),
      h('span', { class: 'ramp-bar', style: { background: `linear-gradient(90deg, ${stops})` } }),
      h('span', { class: 'mono small' }, formatNumber(Math.max(...finite), 4)));
  }

  // ----------------------------------------------------------------- live
  async function poll() {
    const live = runs.filter((r) => isRunning(r));
    const fresh = await Promise.all(live.map((r) => api.getRun(r.id, { signal: life.signal }).catch(() => null)));
    let statusChanged = false;
    for (const f of fresh) {
      if (!f) continue;
      const i = runs.findIndex((r) => r.id === f.id);
      if (i >= 0) { if (runs[i].info.status !== f.info.status) statusChanged = true; runs[i] = f; }
    }
    if (!state.zoom) {
      await Promise.all([...charts.values()].filter((e) => e.chart).map(async (e) => {
        const changed = await Promise.all(live.map((r) => store.tail(r.id, e.key, { signal: life.signal }).catch(() => false)));
        if (changed.some(Boolean)) drawChart(e);
      }));
    }
    if (statusChanged) { renderLegend(); renderParams(); }
  }
  const stopPoll = poller(poll, POLL_MS, () => runs.some((r) => isRunning(r)));

  load();

  const unmount = () => { life.abort(); stopPoll(); lazy?.disconnect(); for (const c of charts.values()) c.chart?.destroy(); parallel?.destroy(); scatter?.destroy(); };
  unmount.update = (p) => {
    const prev = state;
    state = decodeCompareState(p);
    if (prev.runs.join() !== state.runs.join()) { page.replaceChildren(loading('Loading runs…')); store.clear(); load(); return; }
    if (!runs.length) return;
    if (prev.metrics.join() !== state.metrics.join()) { render(); return; }
    if (prev.fold.join() !== state.fold.join()) {
      applyFold();
      // only a section folded or opened: the rest of the page stays as it is
      const rest = (s) => JSON.stringify(encodeCompareState({ ...s, fold: [] }));
      if (rest(prev) === rest(state)) return;
    }
    // Only the smoothing changed (the slider is being dragged): keep the slider element, or the drag ends.
    const onlySmooth = prev.smooth !== state.smooth && prev.x === state.x && prev.log === state.log && prev.group === state.group && String(prev.zoom) === String(state.zoom);
    if (onlySmooth && smoothCtl) {
      if (Number(smoothCtl.slider.value) !== state.smooth) smoothCtl.slider.value = String(state.smooth);
      smoothCtl.label.textContent = state.smooth.toFixed(2);
    } else renderControls();
    if (prev.group !== state.group) renderLegend();
    if (prev.diff !== state.diff) renderParams();
    if (prev.pc !== state.pc || prev.sx !== state.sx || prev.sy !== state.sy) { parallel?.destroy(); scatter?.destroy(); renderPlots(); }
    const zoomChanged = String(prev.zoom) !== String(state.zoom) || prev.x !== state.x;
    for (const e of charts.values()) { if (!e.chart) continue; if (zoomChanged) loadChart(e); else drawChart(e); }
  };
  return unmount;
}
