// Hash-route parsing and view-state encode/decode. The URL is the source of truth for view state.
// Pure: works on strings, no DOM.

// Characters left readable in hash query values (all legal in a fragment).
const READABLE = { '%2C': ',', '%3A': ':', '%2F': '/', '%40': '@', '%28': '(', '%29': ')', '%20': '+' };

export function encodeValue(v) {
  return encodeURIComponent(String(v)).replace(/%(2C|3A|2F|40|28|29|20)/g, (m) => READABLE[m]);
}

export function decodeValue(v) {
  try { return decodeURIComponent(v.replace(/\+/g, ' ')); } catch { return v; }
}

/** Parse "#/a/b?x=1&y=2" into { segments: ['a','b'], query: {x:'1', y:'2'} }. */
export function parseHash(hash) {
  let h = (hash || '').replace(/^#/, '');
  const qi = h.indexOf('?');
  const path = qi >= 0 ? h.slice(0, qi) : h;
  const qs = qi >= 0 ? h.slice(qi + 1) : '';
  const segments = path.split('/').filter(Boolean).map(decodeValue);
  const query = Object.create(null);
  for (const part of qs.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = decodeValue(eq >= 0 ? part.slice(0, eq) : part);
    query[k] = eq >= 0 ? decodeValue(part.slice(eq + 1)) : '';
  }
  return { segments, query };
}

/** One path segment; commas stay readable (they separate ids: "#/experiments/1,2"). */
function encodeSegment(s) {
  return encodeURIComponent(String(s)).replace(/%2C/g, ',');
}

/** Build "#/a/b?x=1" from path segments and a params object; empty/null/false/default values are omitted. */
export function buildHash(segments, params = {}) {
  const path = '#/' + segments.map(encodeSegment).join('/');
  const parts = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    const val = Array.isArray(v) ? v.join(',') : v === true ? '1' : v;
    parts.push(`${encodeValue(k)}=${encodeValue(val)}`);
  }
  return parts.length ? `${path}?${parts.join('&')}` : path;
}

/** Ids from a comma-separated list, trimmed, without empties or repeats. */
export function splitIds(v) {
  return [...new Set(String(v ?? '').split(',').map((x) => x.trim()).filter(Boolean))];
}

/** MLflow UI run tabs -> our run page tabs. */
const MLFLOW_RUN_TABS = { overview: 'overview', 'model-metrics': 'charts', 'system-metrics': 'charts', metrics: 'charts', artifacts: 'artifacts', artifactPath: 'artifacts' };

/** The run ids of MLflow's compare link: runs=["a","b"] (JSON) or runs=a,b. */
function mlflowRunList(v) {
  if (!v) return [];
  try { const a = JSON.parse(v); if (Array.isArray(a)) return a.map(String); } catch { /* not JSON */ }
  return splitIds(v);
}

/**
 * Map a hash to { name, params }, plus `canonical` (the hash to show instead) for the links the
 * MLflow client prints ("View run at .../#/experiments/0/runs/<id>") and MLflow's compare links.
 */
export function matchRoute(hash) {
  const { segments, query } = parseHash(hash);
  const [a, b, c, d] = segments;
  if (segments.length === 0) return { name: 'experiments', params: { ...query } };
  if (a === 'experiments' && b !== undefined && segments.length === 2) {
    const ids = splitIds(b);
    if (ids.length) return { name: 'runs', params: { ...query, experimentId: ids.join(','), experimentIds: ids } };
  }
  if (a === 'experiments' && segments.length === 1) return { name: 'experiments', params: { ...query } };
  if (a === 'runs' && b !== undefined && segments.length === 2) return { name: 'run', params: { ...query, runId: b } };
  if (a === 'compare' && segments.length === 1) return { name: 'compare', params: { ...query } };
  if (a === 'models' && segments.length === 1) return { name: 'models', params: { ...query } };
  if (a === 'models' && b !== undefined && segments.length === 2) return { name: 'model', params: { ...query, modelName: b } };
  if (a === 'logged-models' && b !== undefined && segments.length === 2) return { name: 'loggedModel', params: { ...query, modelId: b } };
  // MLflow's own UI links: #/models/<name>/versions/<v> and #/experiments/<e>/models/<model id>
  if (a === 'models' && b !== undefined && c === 'versions' && d !== undefined && segments.length === 4) {
    return { name: 'model', params: { modelName: b, version: d }, canonical: modelHash(b, { version: d }) };
  }
  if (a === 'experiments' && b !== undefined && c === 'models' && d !== undefined && segments.length === 4) {
    return { name: 'loggedModel', params: { modelId: d }, canonical: loggedModelHash(d) };
  }
  // MLflow's own UI links: #/experiments/<e>/runs/<r>[/<tab>[/<artifact path>]]
  if (a === 'experiments' && b !== undefined && c === 'runs' && d !== undefined) {
    const tab = MLFLOW_RUN_TABS[segments[4]];
    const file = tab === 'artifacts' && segments.length > 5 ? segments.slice(5).join('/') : '';
    const params = { runId: d };
    if (tab && tab !== 'overview') params.tab = tab;
    if (file) params.file = file;
    return { name: 'run', params, canonical: runHash(d, { tab: params.tab, file }) };
  }
  if (a === 'compare-runs' && segments.length === 1) {
    const runs = mlflowRunList(query.runs).slice(0, 50);
    return { name: 'compare', params: { runs: runs.join(',') }, canonical: compareHash({ runs }) };
  }
  return { name: 'notfound', params: { path: segments.join('/') } };
}

/** Runs table of one experiment, or of several (ids as an array): "#/experiments/1,2". */
export const experimentHash = (id, params) => buildHash(['experiments', Array.isArray(id) ? id.join(',') : id], params);
export const runHash = (id, params) => buildHash(['runs', id], params);
export const compareHash = (params) => buildHash(['compare'], params);
/** Registered models list; one registered model (any name: the segment is encoded); one logged model. */
export const modelsHash = (params) => buildHash(['models'], params);
export const modelHash = (name, params) => buildHash(['models', name], params);
export const loggedModelHash = (id, params) => buildHash(['logged-models', id], params);

// ---------------------------------------------------------------- columns

const KIND_PREFIX = { param: 'params', metric: 'metrics', tag: 'tags', attr: 'attributes' };
const PREFIX_KIND = { params: 'param', metrics: 'metric', tags: 'tag', attributes: 'attr' };
export const AGGS = ['last', 'min', 'max'];

/** "params.lr" | "metrics.acc" | "min(metrics.loss)" | "tags.x" | "attributes.duration" -> column spec. */
export function parseColumn(id) {
  let s = String(id).trim();
  let agg = 'last';
  const m = /^(min|max|last)\((.*)\)$/.exec(s);
  if (m) { agg = m[1]; s = m[2]; }
  const dot = s.indexOf('.');
  if (dot < 0) return null;
  const kind = PREFIX_KIND[s.slice(0, dot)];
  const key = s.slice(dot + 1);
  if (!kind || !key) return null;
  return kind === 'metric' ? { kind, key, agg } : { kind, key };
}

export function columnId(col) {
  const base = `${KIND_PREFIX[col.kind]}.${col.key}`;
  return col.kind === 'metric' && col.agg && col.agg !== 'last' ? `${col.agg}(${base})` : base;
}

/** Quote an MLflow filter/order identifier when it isn't a plain word. */
export function quoteKey(key) {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : '`' + key.replace(/`/g, '') + '`';
}

const SERVER_ATTRS = { run_name: 'attributes.run_name', start_time: 'attributes.start_time', end_time: 'attributes.end_time', status: 'attributes.status', user: 'tags.`mlflow.user`' };

/** MLflow order_by clause for a column, or null when it can only be sorted client-side. */
export function toOrderBy(col, desc) {
  let expr = null;
  if (col.kind === 'attr') expr = SERVER_ATTRS[col.key] || null;
  else if (col.kind === 'metric' && (col.agg || 'last') === 'last') expr = `metrics.${quoteKey(col.key)}`;
  else if (col.kind === 'param') expr = `params.${quoteKey(col.key)}`;
  else if (col.kind === 'tag') expr = `tags.${quoteKey(col.key)}`;
  return expr ? `${expr} ${desc ? 'DESC' : 'ASC'}` : null;
}

export const DEFAULT_ORDER = { col: { kind: 'attr', key: 'start_time' }, desc: true };

/** "-metrics.acc" -> { col, desc: true } */
export function parseOrder(s) {
  if (!s) return DEFAULT_ORDER;
  const desc = s.startsWith('-');
  const col = parseColumn(desc ? s.slice(1) : s);
  return col ? { col, desc } : DEFAULT_ORDER;
}

export function orderId(order) {
  return (order.desc ? '-' : '') + columnId(order.col);
}

/**
 * Runs view state from query params. cols === null means "choose sensible defaults".
 * `deleted=1` lists the deleted runs instead (state.deleted is true; absent otherwise).
 */
export function decodeRunsState(q = {}) {
  const cols = q.cols === undefined ? null : q.cols.split(',').map(parseColumn).filter(Boolean);
  return {
    filter: q.filter || '',
    order: parseOrder(q.order),
    cols,
    group: q.group || '',
    ...(q.deleted === '1' ? { deleted: true } : {}),
  };
}

/** The MLflow run_view_type a runs view state lists. */
export const runViewType = (s) => (s.deleted ? 'DELETED_ONLY' : 'ACTIVE_ONLY');

export function encodeRunsState(s) {
  const out = {};
  if (s.filter) out.filter = s.filter;
  if (s.order && orderId(s.order) !== orderId(DEFAULT_ORDER)) out.order = orderId(s.order);
  if (s.cols) out.cols = s.cols.length ? s.cols.map(columnId).join(',') : '-';
  if (s.group) out.group = s.group;
  if (s.deleted) out.deleted = true;
  return out;
}

const X_MODES = ['step', 'time', 'relative'];
export const MAX_COMPARE = 50;

// Folded metric sections (lib/metric-sections.js): `fold=system,val`. The section of names without
// a prefix has the id '' and is written "~" (metric names can hold neither "~" nor ",").
const UNPREFIXED_TOKEN = '~';

/** "system,~,val" -> ['system', '', 'val'] (trimmed, without repeats). */
export function decodeFold(v) {
  if (!v) return [];
  const ids = String(v).split(',').map((x) => x.trim()).filter(Boolean).map((x) => (x === UNPREFIXED_TOKEN ? '' : x));
  return [...new Set(ids)];
}

/** ['system', '', 'val'] -> "system,~,val"; '' when nothing is folded. */
export function encodeFold(ids) {
  return [...new Set(ids || [])].map((x) => (x === '' ? UNPREFIXED_TOKEN : x)).join(',');
}

const RUN_TABS = ['overview', 'charts', 'artifacts'];

/** Run page state: #/runs/<id>?tab=&metric=&x=&log=&smooth=&file=&fold= */
export function decodeRunState(q = {}) {
  return {
    tab: RUN_TABS.includes(q.tab) ? q.tab : 'overview',
    metric: q.metric || '',
    x: X_MODES.includes(q.x) ? q.x : 'step',
    log: q.log === '1',
    smooth: Math.min(0.99, Math.max(0, Number(q.smooth) || 0)),
    file: q.file || '',
    fold: decodeFold(q.fold),
  };
}

export function encodeRunState(s) {
  const out = {};
  if (s.tab && s.tab !== 'overview') out.tab = s.tab;
  if (s.metric) out.metric = s.metric;
  if (s.x && s.x !== 'step') out.x = s.x;
  if (s.log) out.log = true;
  if (s.smooth) out.smooth = String(s.smooth);
  if (s.file) out.file = s.file;
  const fold = encodeFold(s.fold);
  if (fold) out.fold = fold;
  return out;
}

export function decodeCompareState(q = {}) {
  const list = (v) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : []);
  const smooth = Math.min(0.99, Math.max(0, Number(q.smooth) || 0));
  let zoom = null;
  if (q.zoom) {
    const [a, b] = q.zoom.split(',').map(Number);
    if (Number.isFinite(a) && Number.isFinite(b) && a < b) zoom = [a, b];
  }
  const runs = [...new Set(list(q.runs))];
  return {
    runs: runs.slice(0, MAX_COMPARE),
    requested: runs.length, // more than MAX_COMPARE: the page says only the first are shown
    metrics: list(q.metric),
    x: X_MODES.includes(q.x) ? q.x : 'step',
    log: q.log === '1',
    smooth,
    diff: q.diff === '1',
    group: q.group || '',
    zoom,
    pc: q.pc || '',
    sx: q.sx || '',
    sy: q.sy || '',
    fold: decodeFold(q.fold),
  };
}

export function encodeCompareState(s) {
  const out = { runs: s.runs };
  if (s.metrics && s.metrics.length) out.metric = s.metrics;
  if (s.x && s.x !== 'step') out.x = s.x;
  if (s.log) out.log = true;
  if (s.smooth) out.smooth = String(Math.round(s.smooth * 100) / 100);
  if (s.diff) out.diff = true;
  if (s.group) out.group = s.group;
  if (s.zoom) out.zoom = s.zoom.map((v) => +v.toPrecision(10)).join(',');
  if (s.pc) out.pc = s.pc;
  if (s.sx) out.sx = s.sx;
  if (s.sy) out.sy = s.sy;
  const fold = encodeFold(s.fold);
  if (fold) out.fold = fold;
  return out;
}
