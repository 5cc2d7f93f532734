// Model registry and logged-model helpers: filters, version and alias text, tags. No DOM.

import { ARTIFACT_PREFIX } from './artifacts.js';

/** Registry stages, most important first. */
export const STAGES = ['Production', 'Staging', 'None', 'Archived'];

/**
 * Server-side filter for registered model names containing `q` (any case). The filter language has
 * no escapes, so a quote becomes `_` (one character, the quote included); `%` and `_` typed by the
 * user stay wildcards and still match themselves.
 */
export function nameFilter(q) {
  const s = String(q ?? '').trim();
  return s ? `name ILIKE '%${s.replace(/'/g, '_')}%'` : '';
}

/**
 * Filter for the versions of one registered model. Names with a quote can't be written as an exact
 * string, so they are asked with LIKE (`_` for the quote); the caller keeps the exact name only.
 */
export function versionsFilter(name) {
  const s = String(name);
  return s.includes("'") ? `name LIKE '${s.replace(/'/g, '_')}'` : `name = '${s}'`;
}

/** "3" -> "v3". */
export const versionLabel = (v) => `v${v}`;

/**
 * A registered model's latest version per stage, most important stage first:
 * [{ version, stage, text: "v3 · Production" | "v4" }].
 */
export function latestVersions(list) {
  const rank = (s) => { const i = STAGES.indexOf(s || 'None'); return i < 0 ? STAGES.length : i; };
  return [...(list || [])]
    .sort((a, b) => rank(a.current_stage) - rank(b.current_stage) || Number(b.version) - Number(a.version))
    .map((v) => {
      const stage = v.current_stage || 'None';
      return { version: String(v.version), stage, text: stage === 'None' ? versionLabel(v.version) : `${versionLabel(v.version)} · ${stage}` };
    });
}

/** "@champion → v3". */
export const aliasText = (a) => `@${a.alias} → ${versionLabel(a.version)}`;

/** Aliases sorted by name. */
export function sortAliases(aliases) {
  return [...(aliases || [])].sort((a, b) => a.alias.localeCompare(b.alias, undefined, { numeric: true }));
}

/** Map version -> [alias names], from a registered model's `aliases`. */
export function aliasesByVersion(aliases) {
  const out = new Map();
  for (const a of sortAliases(aliases)) {
    const v = String(a.version);
    if (!out.has(v)) out.set(v, []);
    out.get(v).push(a.alias);
  }
  return out;
}

/** The logged model id of a version's source "models:/<model id>", or null (runs:/…, models:/name/1, paths). */
export function loggedModelIdOf(source) {
  const m = /^models:\/([^/@]+)$/.exec(String(source ?? ''));
  return m ? m[1] : null;
}

export const MODEL_VERSIONS_TAG = 'mlflow.modelVersions';

/**
 * The registered versions a logged model became, from its `mlflow.modelVersions` tag (a JSON list
 * like `[{"name": "m", "version": 1}]`): [{ name, version: "1" }], without repeats. Bad JSON -> [].
 */
export function parseModelVersionsTag(value) {
  if (value === undefined || value === null || value === '') return [];
  let list;
  try { list = JSON.parse(value); } catch { return []; }
  if (!Array.isArray(list)) return [];
  const seen = new Set();
  const out = [];
  for (const x of list) {
    if (!x || typeof x !== 'object' || typeof x.name !== 'string' || !x.name) continue;
    const version = x.version === undefined || x.version === null ? '' : String(x.version);
    const key = `${x.name}\u0000${version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: x.name, version });
  }
  return out;
}

const MODEL_STATUS = {
  LOGGED_MODEL_READY: { label: 'ready', tone: 'finished' },
  LOGGED_MODEL_PENDING: { label: 'pending', tone: 'scheduled' },
  LOGGED_MODEL_UPLOAD_FAILED: { label: 'upload failed', tone: 'failed' },
};

/** A logged model's status for display: { label, tone } (tone names a pill colour). */
export function loggedModelStatus(status) {
  return MODEL_STATUS[status] || { label: String(status || 'unknown').replace(/^LOGGED_MODEL_/, '').toLowerCase(), tone: 'killed' };
}

/** Path of a logged model's files under the artifacts API: "mlflow-artifacts:/1/models/m-x/artifacts" -> "1/models/m-x/artifacts". */
export function modelArtifactRoot(info) {
  const uri = info?.artifact_uri;
  if (typeof uri === 'string' && uri.startsWith(ARTIFACT_PREFIX)) {
    return uri.slice(ARTIFACT_PREFIX.length).replace(/^\/+/, '').replace(/\/+$/, '');
  }
  return `${info?.experiment_id}/models/${info?.model_id}/artifacts`;
}

// ------------------------------------------------------------------ registry edits

/** The stages a version in `current` can move to, in the order MLflow's menu lists them. */
export function stageTargets(current) {
  const from = current || 'None';
  return ['Staging', 'Production', 'Archived', 'None'].filter((s) => s !== from);
}

/** Moving into Staging or Production may archive the versions already there (MLflow's checkbox). */
export const offersArchiveExisting = (stage) => stage === 'Staging' || stage === 'Production';

/** Versions other than `except` now in `stage`, newest first: ["4", "1"]. */
export function versionsInStage(versions, stage, except) {
  return (versions || [])
    .filter((v) => (v.current_stage || 'None') === stage && String(v.version) !== String(except))
    .map((v) => String(v.version))
    .sort((a, b) => Number(b) - Number(a));
}

/** "v4", "v4 and v1", "v4, v2 and v1". */
export function versionList(list) {
  const labels = list.map(versionLabel);
  return labels.length < 2 ? labels.join('') : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

/**
 * Texts of the stage dialog for moving `version` to `stage`: { title, message, archiveLabel, archiveHint }
 * (the archive texts are null when the stage offers no such checkbox).
 */
export function stageChangeText(versions, version, stage) {
  const current = (versions || []).find((v) => String(v.version) === String(version))?.current_stage || 'None';
  const title = `Move ${versionLabel(version)} to ${stage}`;
  const message = current === 'None' ? `${versionLabel(version)} has no stage now.` : `${versionLabel(version)} is in ${current} now.`;
  if (!offersArchiveExisting(stage)) return { title, message, archiveLabel: null, archiveHint: null };
  const others = versionsInStage(versions, stage, version);
  const archiveHint = others.length
    ? `${versionList(others)} ${others.length === 1 ? 'is' : 'are'} in ${stage} now.`
    : `No other version is in ${stage} now.`;
  return { title, message, archiveLabel: `Transition existing ${stage} versions to Archived`, archiveHint };
}

/** The alias as the server wants it: trimmed, without the "@" people type out of habit. */
export const aliasName = (text) => String(text ?? '').trim().replace(/^@/, '');

/**
 * What setting `alias` on `version` does to an alias that exists: '' for a new alias (or none typed),
 * "@champion already points at v3.", or "@champion points at v2 now: saving moves it to v3."
 * Alias names are case-sensitive, as on the server.
 */
export function aliasMoveText(aliases, alias, version) {
  const name = aliasName(alias);
  if (!name) return '';
  const hit = (aliases || []).find((a) => a.alias === name);
  if (!hit) return '';
  if (String(hit.version) === String(version)) return `@${name} already points at ${versionLabel(version)}.`;
  return `@${name} points at ${versionLabel(hit.version)} now: saving moves it to ${versionLabel(version)}.`;
}

/** A description to store: blank text clears it, anything else is kept as typed. */
export const descriptionToSave = (text) => (/\S/.test(String(text ?? '')) ? String(text) : '');

/** The registered model a logged model goes to: the one picked, else the new name typed. */
export function registerTargetName({ existing, newName } = {}) {
  return String(existing || '').trim() ? String(existing) : String(newName ?? '').trim();
}

/** A line under the register dialog's name field: what submitting does with the name typed. */
export function registerNote(names, { existing, newName } = {}) {
  if (String(existing || '').trim()) return `The new version goes to “${existing}”.`;
  const name = String(newName ?? '').trim();
  if (!name) return '';
  return (names || []).includes(name) ? `“${name}” exists: the new version is added to it.` : `A registered model “${name}” is created.`;
}

/**
 * A logged model's metric points, one row per key, run and dataset: the latest point (largest
 * timestamp, then step) with `points`, how many that series holds. Sorted by key (numbers
 * compared naturally), then dataset and run.
 */
export function latestModelMetrics(metrics) {
  const series = new Map();
  for (const m of metrics) {
    const id = JSON.stringify([m.key, m.run_id || '', m.dataset_name || '', m.dataset_digest || '']);
    const seen = series.get(id);
    if (!seen) { series.set(id, { ...m, points: 1 }); continue; }
    const points = seen.points + 1;
    const newer = (m.timestamp ?? 0) > (seen.timestamp ?? 0) || ((m.timestamp ?? 0) === (seen.timestamp ?? 0) && (m.step ?? 0) > (seen.step ?? 0));
    series.set(id, newer ? { ...m, points } : { ...seen, points });
  }
  return [...series.values()].sort((a, b) => a.key.localeCompare(b.key, undefined, { numeric: true })
    || (a.dataset_name || '').localeCompare(b.dataset_name || '') || (a.run_id || '').localeCompare(b.run_id || ''));
}
