// What the UI may change on a run, and how an edit turns into requests. Pure: no DOM, no fetch.
// The description is the tag `mlflow.note.content`, as MLflow's UI keeps it; other system tags
// (mlflow.*, track.*) are shown but never edited from the UI.

import { isSystemTag } from './system-tags.js';
import { plural } from './format.js';

export const DESCRIPTION_TAG = 'mlflow.note.content';

/** Tags the user may add, edit or delete: everything but system tags. */
export const isEditableTag = (key) => !isSystemTag(String(key ?? ''));

/** The run's own tags [{key, value}], by key (numbers in keys compared as numbers). */
export function userTags(tagList) {
  return tagList.filter((t) => isEditableTag(t.key))
    .sort((a, b) => a.key.localeCompare(b.key, undefined, { numeric: true }));
}

/**
 * { text, present, stored } of a run's tags map: present when the description has visible text,
 * stored when the tag exists at all (even blank).
 */
export function descriptionState(tags) {
  const stored = !!tags && Object.prototype.hasOwnProperty.call(tags, DESCRIPTION_TAG);
  const text = stored ? String(tags[DESCRIPTION_TAG] ?? '') : '';
  return { text, present: text.trim() !== '', stored };
}

/**
 * What saving `next` (the editor's text) does to a description that was `current` (a
 * descriptionState): 'set' (with the text, trailing blanks dropped), 'delete' (empty text, a
 * tag to remove) or 'none'.
 */
export function descriptionChange(current, next) {
  const text = String(next ?? '').replace(/\s+$/, '');
  if (!text.trim()) return current.stored ? { kind: 'delete' } : { kind: 'none' };
  if (text === current.text) return { kind: 'none' };
  return { kind: 'set', text };
}

/**
 * Why a key typed into "Add tag" is not sent, or null. The server judges the key's characters
 * and length; the UI refuses system keys and keys the run already has (editing those is a
 * separate action, so a typo never overwrites a value).
 */
export function newTagKeyProblem(key, existingKeys = []) {
  const k = String(key ?? '').trim();
  if (!k) return 'A tag needs a key.';
  if (!isEditableTag(k)) return `Keys starting with “mlflow.” or “track.” are system tags, which the UI leaves alone.`;
  if (existingKeys.includes(k)) return `The run already has a tag “${k}”: edit its value instead.`;
  return null;
}

/** The editor for a tag value: a text area for multi-line or long values, else a one-line input. */
export const tagValueKind = (value) => (/\n/.test(String(value ?? '')) || String(value ?? '').length > 120 ? 'textarea' : 'text');

/** Is the run deleted (lifecycle stage "deleted": hidden from the runs table, restorable)? */
export const isDeletedRun = (run) => run?.info?.lifecycle_stage === 'deleted';

/** Prefixes of the cache.js keys that hold a run (compare's `run:`, model pages' `run-name:`). */
export const runCacheKeys = (runId) => [`run:${runId}`, `run-name:${runId}`];

/**
 * Apply `action(item)` to each item in turn (one request at a time). Resolves to
 * { done: [items], failed: [{item, error}] }; never rejects.
 */
export async function eachInTurn(items, action) {
  const done = [];
  const failed = [];
  for (const item of items) {
    try { await action(item); done.push(item); }
    catch (error) { failed.push({ item, error }); }
  }
  return { done, failed };
}

/**
 * A sentence about a batch on runs, e.g. "Deleted 3 runs." or "Deleted 2 of 3 runs. Not deleted:
 * run-a (message)". verb: past tense ("Deleted"); name(item) names a run.
 */
export function batchReport(verb, total, failed, name = (x) => String(x)) {
  const ok = total - failed.length;
  if (!failed.length) return `${verb} ${plural(total, 'run')}.`;
  const head = ok ? `${verb} ${ok} of ${plural(total, 'run')}.` : `No run ${verb.toLowerCase()}.`;
  const shown = failed.slice(0, 5).map(({ item, error }) => `${name(item)} (${error?.message || String(error)})`);
  const more = failed.length > 5 ? ` and ${failed.length - 5} more` : '';
  return `${head} Not ${verb.toLowerCase()}: ${shown.join('; ')}${more}`;
}
