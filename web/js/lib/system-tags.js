// Readable names and values for the system tags MLflow clients and track's own SDKs set
// (mlflow.*, track.*). No DOM.

import { formatTimestamp, formatRelative, formatDuration } from './format.js';
import { parseHeartbeat } from './status.js';

/** Tags that are system tags (shown apart from the user's own tags). */
export const isSystemTag = (key) => key.startsWith('mlflow.') || key.startsWith('track.');

const LABELS = {
  'mlflow.user': 'User',
  'mlflow.runName': 'Run name',
  'mlflow.source.name': 'Source',
  'mlflow.source.type': 'Source type',
  'mlflow.source.git.commit': 'Git commit',
  'mlflow.source.git.branch': 'Git branch',
  'mlflow.source.git.repoURL': 'Git repository',
  'mlflow.gitRepoURL': 'Git repository',
  'mlflow.parentRunId': 'Parent run',
  'mlflow.note.content': 'Description',
  'mlflow.log-model.history': 'Logged models',
  'mlflow.project.entryPoint': 'Project entry point',
  'mlflow.project.backend': 'Project backend',
  'mlflow.project.env': 'Project environment',
  'mlflow.docker.image.name': 'Docker image',
  'mlflow.autologging': 'Autologging',
  'mlflow.datasets': 'Datasets',
  'track.heartbeat': 'Last heartbeat',
  'track.heartbeat_interval_ms': 'Heartbeat interval',
};

/** Order in which known tags are listed (unknown ones follow, by key). */
const ORDER = Object.keys(LABELS);

/** Source types as MLflow spells them -> words. */
const SOURCE_TYPES = { LOCAL: 'local script', NOTEBOOK: 'notebook', JOB: 'job', PROJECT: 'MLflow project', UNKNOWN: 'unknown' };

function modelsSummary(value) {
  try {
    const list = JSON.parse(value);
    if (!Array.isArray(list)) return null;
    const names = list.map((m) => m && (m.artifact_path || m.name)).filter(Boolean);
    return `${list.length} model${list.length === 1 ? '' : 's'}${names.length ? `: ${names.join(', ')}` : ''}`;
  } catch { return null; }
}

/**
 * One system tag, readable: { key, label, text, title?, kind } where kind is 'text', 'mono'
 * (ids, commits, paths), 'run' (a run id to link to) or 'url' (an http(s) link).
 * `text` is plain text for textContent; `title` holds the raw value when `text` shortens it.
 */
export function describeSystemTag(key, value, now = Date.now()) {
  const v = String(value ?? '');
  const out = { key, label: LABELS[key] || key, text: v, kind: 'text' };
  switch (key) {
    case 'mlflow.source.git.commit':
      return { ...out, kind: 'mono', text: v.slice(0, 12), title: v };
    case 'mlflow.parentRunId':
      return { ...out, kind: 'run' };
    case 'mlflow.source.git.repoURL': case 'mlflow.gitRepoURL':
      return { ...out, kind: /^https?:\/\//i.test(v) ? 'url' : 'mono' };
    case 'mlflow.source.name': case 'mlflow.project.entryPoint': case 'mlflow.docker.image.name':
      return { ...out, kind: 'mono' };
    case 'mlflow.source.type':
      return { ...out, text: SOURCE_TYPES[v.toUpperCase()] || v.toLowerCase(), title: v };
    case 'track.heartbeat': {
      const t = parseHeartbeat(v);
      return t === null ? out : { ...out, text: `${formatRelative(t, now)} (${formatTimestamp(t)})`, title: v };
    }
    case 'track.heartbeat_interval_ms': {
      const ms = Number(v);
      return Number.isFinite(ms) ? { ...out, text: `every ${formatDuration(ms)}`, title: v } : out;
    }
    case 'mlflow.log-model.history': {
      const s = modelsSummary(v);
      return s ? { ...out, text: s, title: v } : out;
    }
  }
  return out;
}

/** System tags of a run [{key, value}] described and ordered (known first), description excluded. */
export function describeSystemTags(tagList, now = Date.now()) {
  const rank = (k) => { const i = ORDER.indexOf(k); return i < 0 ? ORDER.length : i; };
  return tagList
    .filter((t) => isSystemTag(t.key) && t.key !== 'mlflow.note.content')
    .sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key))
    .map((t) => describeSystemTag(t.key, t.value, now));
}
