// Tiny fetch wrapper for the track server (MLflow REST + track endpoints). Views use only this.
//   - JSON in/out; MLflow error JSON {error_code, message} -> ApiError(code, message, status)
//   - network failure -> ApiError('UNREACHABLE', ...), announced on apiEvents ('unreachable' / 'reachable')
//   - metric values "NaN" / "Infinity" / "-Infinity" are converted to numbers here.

import { toMetricNumber, toColumns } from './lib/series.js';
import { encodePath } from './lib/artifacts.js';
import { versionsFilter } from './lib/models.js';

export class ApiError extends Error {
  constructor(code, message, status = 0) {
    super(message || code);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

/** Events: 'unreachable' and 'reachable' (fired on changes only). */
export const apiEvents = new EventTarget();
let reachable = true;
function setReachable(ok, detail) {
  if (ok === reachable) return;
  reachable = ok;
  apiEvents.dispatchEvent(Object.assign(new Event(ok ? 'reachable' : 'unreachable'), { detail }));
}

export const isAbort = (e) => e && (e.name === 'AbortError' || e.code === 'ABORTED');

const HTTP_CODES = { 400: 'BAD_REQUEST', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'RESOURCE_DOES_NOT_EXIST', 409: 'RESOURCE_ALREADY_EXISTS', 500: 'INTERNAL_ERROR', 501: 'NOT_IMPLEMENTED', 503: 'TEMPORARILY_UNAVAILABLE' };

function queryString(query) {
  const parts = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    for (const item of Array.isArray(v) ? v : [v]) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(item)}`);
  }
  return parts.join('&');
}

export async function request(method, path, { query, body, signal, as = 'json' } = {}) {
  let url = path;
  if (query) { const qs = queryString(query); if (qs) url += (url.includes('?') ? '&' : '?') + qs; }
  const init = { method, signal, headers: { Accept: 'application/json' } };
  if (body !== undefined) { init.body = JSON.stringify(body); init.headers['Content-Type'] = 'application/json'; }
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    if (isAbort(e)) throw e;
    const err = new ApiError('UNREACHABLE', 'Can’t reach the track server. Is it running?', 0);
    setReachable(false, err);
    throw err;
  }
  const text = await res.text().catch(() => '');
  // A gateway error from a proxy in front of the server means the server itself is down.
  if ([502, 503, 504].includes(res.status) && !text.trim().startsWith('{')) {
    const err = new ApiError('UNREACHABLE', `The track server is not responding (HTTP ${res.status}).`, res.status);
    setReachable(false, err);
    throw err;
  }
  setReachable(true);
  if (!res.ok) {
    let j = null;
    try { j = JSON.parse(text); } catch { /* not JSON */ }
    const code = (j && j.error_code) || HTTP_CODES[res.status] || `HTTP_${res.status}`;
    const message = (j && j.message) || text.slice(0, 500) || res.statusText || code;
    throw new ApiError(code, message, res.status);
  }
  if (as === 'text') return text;
  if (!text.trim()) return {};
  try { return JSON.parse(text); } catch { throw new ApiError('BAD_RESPONSE', 'The server sent a response that is not JSON.', res.status); }
}

const ML = '/api/2.0/mlflow';
const TRACK = '/api/2.0/track';
const post = (p, body, opts) => request('POST', ML + p, { ...opts, body });
const get = (p, query, opts) => request('GET', ML + p, { ...opts, query });

// ------------------------------------------------------------------ normalisation

const num = (v) => (v === undefined || v === null || v === '' ? null : Number(v));

function byKey(list) {
  const o = Object.create(null);
  for (const { key, value } of list) o[key] = value;
  return o;
}

/** Experiment with numeric times and a tags map. */
export function normalizeExperiment(e) {
  const tags = e.tags || [];
  return { ...e, creation_time: num(e.creation_time), last_update_time: num(e.last_update_time), tags: byKey(tags), tagList: tags };
}

/**
 * Run -> { id, name, info, data, metrics: {key: {value, step, timestamp}}, params: {k: v}, tags: {k: v},
 * outputs: { model_outputs: [{model_id, step}] } }. Metric values are numbers (NaN / ±Infinity included).
 */
export function normalizeRun(run) {
  const info = run.info || {};
  const data = run.data || {};
  const metrics = (data.metrics || []).map((m) => ({ key: m.key, value: toMetricNumber(m.value), timestamp: num(m.timestamp), step: num(m.step) ?? 0 }));
  const params = data.params || [];
  const tagList = data.tags || [];
  const tags = byKey(tagList);
  const m = Object.create(null);
  for (const x of metrics) m[x.key] = x;
  const normInfo = { ...info, start_time: num(info.start_time), end_time: num(info.end_time) };
  return {
    id: info.run_id || info.run_uuid,
    name: info.run_name || tags['mlflow.runName'] || info.run_id || '',
    info: normInfo,
    data: { metrics, params, tags: tagList },
    metrics: m,
    params: byKey(params),
    tags,
    outputs: { model_outputs: (run.outputs?.model_outputs || []).map((o) => ({ model_id: o.model_id, step: num(o.step) ?? 0 })) },
  };
}

// ------------------------------------------------------------------ experiments

export async function searchExperiments({ maxResults = 1000, pageToken, filter, orderBy, signal } = {}) {
  const r = await post('/experiments/search', { max_results: maxResults, page_token: pageToken || undefined, filter: filter || undefined, order_by: orderBy, view_type: 'ACTIVE_ONLY' }, { signal });
  return { experiments: (r.experiments || []).map(normalizeExperiment), nextPageToken: r.next_page_token || null };
}

/** All active experiments (follows page tokens, up to `limit`). */
export async function listAllExperiments({ signal, limit = 20000 } = {}) {
  const out = [];
  let token = null;
  do {
    const page = await searchExperiments({ maxResults: 1000, pageToken: token, signal });
    out.push(...page.experiments);
    token = page.nextPageToken;
  } while (token && out.length < limit);
  return out;
}

export async function getExperiment(id, { signal } = {}) {
  const r = await get('/experiments/get', { experiment_id: id }, { signal });
  return normalizeExperiment(r.experiment || {});
}
export const createExperiment = (name) => post('/experiments/create', { name }).then((r) => r.experiment_id);
export const renameExperiment = (id, newName) => post('/experiments/update', { experiment_id: id, new_name: newName });
export const deleteExperiment = (id) => post('/experiments/delete', { experiment_id: id });

// ------------------------------------------------------------------ runs

export async function searchRuns({ experimentIds, filter, orderBy, maxResults = 1000, pageToken, runViewType = 'ACTIVE_ONLY', signal } = {}) {
  const r = await post('/runs/search', {
    experiment_ids: experimentIds,
    filter: filter || undefined,
    order_by: orderBy && orderBy.length ? orderBy : undefined,
    max_results: maxResults,
    page_token: pageToken || undefined,
    run_view_type: runViewType,
  }, { signal });
  return { runs: (r.runs || []).map(normalizeRun), nextPageToken: r.next_page_token || null };
}

export async function getRun(runId, { signal } = {}) {
  const r = await get('/runs/get', { run_id: runId }, { signal });
  if (!r.run) throw new ApiError('RESOURCE_DOES_NOT_EXIST', `Run ${runId} not found`, 404);
  return normalizeRun(r.run);
}

// Run edits. The description is the tag `mlflow.note.content`, as MLflow's UI keeps it.
export const renameRun = (runId, name) => post('/runs/update', { run_id: runId, run_name: name });
export const setRunTag = (runId, key, value) => post('/runs/set-tag', { run_id: runId, key, value });
export const deleteRunTag = (runId, key) => post('/runs/delete-tag', { run_id: runId, key });
export const setRunDescription = (runId, text) => setRunTag(runId, 'mlflow.note.content', text);
export const deleteRun = (runId) => post('/runs/delete', { run_id: runId });
export const restoreRun = (runId) => post('/runs/restore', { run_id: runId });

/** Full history of one metric (MLflow endpoint; prefer metricSeries for charts). */
export async function getMetricHistory(runId, key, { maxResults = 25000, signal } = {}) {
  const out = [];
  let token = null;
  do {
    const r = await get('/metrics/get-history', { run_id: runId, metric_key: key, max_results: maxResults, page_token: token || undefined }, { signal });
    for (const m of r.metrics || []) out.push({ key: m.key, value: toMetricNumber(m.value), timestamp: num(m.timestamp), step: num(m.step) ?? 0 });
    token = r.next_page_token || null;
  } while (token);
  return out;
}

// ------------------------------------------------------------------ model registry

/** Model version with numeric times, its stage ("None" when unset) and a tags list. */
export function normalizeModelVersion(v) {
  return {
    ...v,
    version: String(v.version ?? ''),
    creation_timestamp: num(v.creation_timestamp),
    last_updated_timestamp: num(v.last_updated_timestamp),
    current_stage: v.current_stage || 'None',
    description: v.description || '',
    tags: v.tags || [],
  };
}

/** Registered model with numeric times, versions normalized, aliases [{alias, version: "1"}], tags list. */
export function normalizeRegisteredModel(m) {
  return {
    ...m,
    creation_timestamp: num(m.creation_timestamp),
    last_updated_timestamp: num(m.last_updated_timestamp),
    description: m.description || '',
    latest_versions: (m.latest_versions || []).map(normalizeModelVersion),
    aliases: (m.aliases || []).map((a) => ({ alias: a.alias, version: String(a.version) })),
    tags: m.tags || [],
  };
}

export async function searchRegisteredModels({ filter, orderBy, maxResults = 100, pageToken, signal } = {}) {
  const r = await get('/registered-models/search', { max_results: maxResults, page_token: pageToken || undefined, filter: filter || undefined, order_by: orderBy }, { signal });
  return { models: (r.registered_models || []).map(normalizeRegisteredModel), nextPageToken: r.next_page_token || null };
}

export async function getRegisteredModel(name, { signal } = {}) {
  const r = await get('/registered-models/get', { name }, { signal });
  if (!r.registered_model) throw new ApiError('RESOURCE_DOES_NOT_EXIST', `Registered model ${name} not found`, 404);
  return normalizeRegisteredModel(r.registered_model);
}

/** Every version of one registered model, newest first. */
export async function modelVersions(name, { signal } = {}) {
  const out = [];
  let token = null;
  do {
    const r = await get('/model-versions/search', { filter: versionsFilter(name), max_results: 10000, page_token: token || undefined }, { signal });
    for (const v of r.model_versions || []) if (v.name === name) out.push(normalizeModelVersion(v));
    token = r.next_page_token || null;
  } while (token);
  return out.sort((a, b) => Number(b.version) - Number(a.version));
}

// Registry edits (MLflow's model-registry endpoints).
const del = (p, body, opts) => request('DELETE', ML + p, { ...opts, body });
export const createRegisteredModel = (name, description) =>
  post('/registered-models/create', { name, description: description || undefined }).then((r) => normalizeRegisteredModel(r.registered_model || {}));
export const updateRegisteredModel = (name, description) => request('PATCH', ML + '/registered-models/update', { body: { name, description } });
export const renameRegisteredModel = (name, newName) => post('/registered-models/rename', { name, new_name: newName });
export const deleteRegisteredModel = (name) => del('/registered-models/delete', { name });
export const setRegisteredModelTag = (name, key, value) => post('/registered-models/set-tag', { name, key, value });
export const deleteRegisteredModelTag = (name, key) => del('/registered-models/delete-tag', { name, key });
export const setModelAlias = (name, alias, version) => post('/registered-models/alias', { name, alias, version: String(version) });
export const deleteModelAlias = (name, alias) => del('/registered-models/alias', { name, alias });
/** New version from a source URI (`models:/<model_id>`, `runs:/<run_id>/<path>`, `mlflow-artifacts:/...`). */
export const createModelVersion = (name, { source, runId, modelId, description } = {}) =>
  post('/model-versions/create', { name, source, run_id: runId || undefined, model_id: modelId || undefined, description: description || undefined })
    .then((r) => normalizeModelVersion(r.model_version || {}));
export const updateModelVersion = (name, version, description) => request('PATCH', ML + '/model-versions/update', { body: { name, version: String(version), description } });
export const setModelVersionTag = (name, version, key, value) => post('/model-versions/set-tag', { name, version: String(version), key, value });
export const deleteModelVersionTag = (name, version, key) => del('/model-versions/delete-tag', { name, version: String(version), key });
export const transitionModelVersionStage = (name, version, stage, archiveExistingVersions = false) =>
  post('/model-versions/transition-stage', { name, version: String(version), stage, archive_existing_versions: archiveExistingVersions });
export const deleteModelVersion = (name, version) => del('/model-versions/delete', { name, version: String(version) });

/**
 * Register a logged model as a new version of `name`, as `mlflow.register_model("models:/<id>", name)`
 * does: the registered model is created unless it exists, then the version. A model created here
 * is removed again when its version can't be made, so a refusal leaves the registry as it was.
 */
export async function registerLoggedModel(name, { modelId, runId }) {
  let created = false;
  try { await createRegisteredModel(name); created = true; }
  catch (e) { if (e.code !== 'RESOURCE_ALREADY_EXISTS') throw e; }
  try {
    return await createModelVersion(name, { source: `models:/${modelId}`, runId, modelId });
  } catch (e) {
    if (created) await deleteRegisteredModel(name).catch(() => {});
    throw e;
  }
}

// ------------------------------------------------------------------ logged models

/** Logged model -> { id, name, info (numeric times, tags list), tags: {k: v}, params: [{key, value}], metrics: [...] }. */
export function normalizeLoggedModel(model) {
  const info = model.info || {};
  const data = model.data || {};
  const tagList = info.tags || [];
  return {
    id: info.model_id,
    name: info.name || info.model_id || '',
    info: { ...info, creation_timestamp_ms: num(info.creation_timestamp_ms), last_updated_timestamp_ms: num(info.last_updated_timestamp_ms), tags: tagList },
    tags: byKey(tagList),
    params: data.params || [],
    metrics: (data.metrics || []).map((m) => ({ ...m, value: toMetricNumber(m.value), timestamp: num(m.timestamp), step: num(m.step) ?? 0 })),
  };
}

export async function getLoggedModel(modelId, { signal } = {}) {
  const r = await get(`/logged-models/${encodeURIComponent(modelId)}`, undefined, { signal });
  if (!r.model) throw new ApiError('RESOURCE_DOES_NOT_EXIST', `Logged model ${modelId} not found`, 404);
  return normalizeLoggedModel(r.model);
}

// ------------------------------------------------------------------ track endpoints

/** Downsampled columnar series: { runId, key, steps, timestamps, values } (Float64Array columns). */
export async function metricSeries(runId, key, { maxPoints = 1000, minStep, maxStep, signal } = {}) {
  const r = await request('GET', TRACK + '/metrics/series', {
    query: { run_id: runId, key, max_points: maxPoints, min_step: minStep ?? undefined, max_step: maxStep ?? undefined },
    signal,
  });
  return { runId, key, ...toColumns(r.steps || [], r.timestamps || [], r.values || []) };
}

/** Run counts and last activity of experiments: Map id -> {count, running, last}. Batches ids. */
export async function experimentSummaries(ids, { signal, batch = 1000 } = {}) {
  const out = new Map();
  const chunks = [];
  for (let i = 0; i < ids.length; i += batch) chunks.push(ids.slice(i, i + batch));
  await Promise.all(chunks.map(async (chunk) => {
    const r = await request('GET', TRACK + '/experiments/summaries', { query: { experiment_id: chunk }, signal });
    for (const s of r.summaries || []) out.set(s.experiment_id, { count: num(s.run_count) || 0, running: num(s.running_count) || 0, last: num(s.last_activity) || 0 });
  }));
  for (const id of ids) if (!out.has(id)) out.set(id, { count: 0, running: 0, last: 0 });
  return out;
}

/** Summaries for runs: Map runId -> { [key]: {last, last_step, last_timestamp, min, max, count} }. Batches ids. */
export async function runSummaries(runIds, { signal, batch = 100 } = {}) {
  const out = new Map();
  for (const id of runIds) out.set(id, Object.create(null));
  const chunks = [];
  for (let i = 0; i < runIds.length; i += batch) chunks.push(runIds.slice(i, i + batch));
  await Promise.all(chunks.map(async (ids) => {
    const r = await request('GET', TRACK + '/runs/summaries', { query: { run_id: ids }, signal });
    for (const s of r.summaries || []) {
      const m = out.get(s.run_id) || Object.create(null);
      m[s.key] = {
        last: toMetricNumber(s.last), min: toMetricNumber(s.min), max: toMetricNumber(s.max),
        last_step: num(s.last_step), last_timestamp: num(s.last_timestamp), count: num(s.count),
      };
      out.set(s.run_id, m);
    }
  }));
  return out;
}

// ------------------------------------------------------------------ artifacts

const ART = '/api/2.0/mlflow-artifacts/artifacts';

/** List a directory (path like "1/<run>/artifacts/sub"). Returns [{path, is_dir, file_size}] with path relative to the dir. */
export async function listArtifacts(path, { signal } = {}) {
  const r = await request('GET', ART, { query: { path }, signal });
  return (r.files || []).map((f) => ({ path: f.path, is_dir: !!f.is_dir, file_size: num(f.file_size) }));
}

/** Download URL for an artifact file (full path under the artifact root). */
export function artifactUrl(path) {
  return `${ART}/${encodePath(path)}`;
}

/** File contents as text (for previews rendered with textContent only). */
export function artifactText(path, { signal } = {}) {
  return request('GET', `${ART}/${encodePath(path)}`, { signal, as: 'text' });
}
