// Edits of a run from the UI (as MLflow's UI allows): rename, description, tags, delete. Each
// dialog shows the server's refusal inline and stays open (a read-only account's
// PERMISSION_DENIED, a key the server rejects); each resolves to true once the run changed, after
// dropping the cache entries that hold it. Plus the run page's tags card, with edit controls.

import * as api from '../api.js';
import { invalidate } from '../cache.js';
import {
  DESCRIPTION_TAG, descriptionState, descriptionChange, newTagKeyProblem, tagValueKind, userTags, runCacheKeys,
} from '../lib/run-edit.js';
import { promptDialog, formDialog } from './dialog.js';
import { editableTagsCard } from './tags-editor.js';

/** Drop what cache.js holds about a run (after it changed). */
export function forgetRun(runId) {
  for (const key of runCacheKeys(runId)) invalidate(key);
}

/** Run `edit(values)`; resolve to whether the dialog was submitted with a change. */
async function editDialog(run, options, edit) {
  let changed = false;
  await formDialog({ ...options, onSubmit: async (values) => { changed = (await edit(values)) !== false; return true; } });
  if (changed) forgetRun(run.id);
  return changed;
}

/** Delete a tag; one already gone (another client was quicker) counts as deleted. */
async function deleteTagIfPresent(runId, key) {
  try { await api.deleteRunTag(runId, key); }
  catch (e) { if (e.code !== 'RESOURCE_DOES_NOT_EXIST') throw e; }
}

const clip = (s, n = 80) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export async function renameRunDialog(run) {
  let changed = false;
  await promptDialog({
    title: 'Rename run', label: 'Name', value: run.name, submitLabel: 'Rename',
    onSubmit: async (name) => {
      if (name !== run.name) { await api.renameRun(run.id, name); changed = true; }
      return true;
    },
  });
  if (changed) forgetRun(run.id);
  return changed;
}

/** The description (tag mlflow.note.content): plain text, several lines; empty text removes it. */
export function editDescriptionDialog(run) {
  const current = descriptionState(run.tags);
  return editDialog(run, {
    title: current.present ? 'Edit description' : 'Add a description',
    fields: [{
      name: 'text', label: 'Description', kind: 'textarea', rows: 8, value: current.text,
      placeholder: 'What this run tried, and what came out of it…',
      hint: 'Plain text. Save it empty to remove the description. Ctrl+Enter saves.',
    }],
  }, async ({ text }) => {
    const change = descriptionChange(current, text);
    if (change.kind === 'set') await api.setRunDescription(run.id, change.text);
    else if (change.kind === 'delete') await deleteTagIfPresent(run.id, DESCRIPTION_TAG);
    return change.kind !== 'none';
  });
}

export function addTagDialog(run) {
  const existing = run.data.tags.map((t) => t.key);
  return editDialog(run, {
    title: 'Add a tag', submitLabel: 'Add tag',
    fields: [
      { name: 'key', label: 'Key', required: true, placeholder: 'e.g. team' },
      { name: 'value', label: 'Value', placeholder: 'e.g. vision' },
    ],
  }, async ({ key, value }) => {
    const problem = newTagKeyProblem(key, existing);
    if (problem) throw new Error(problem);
    await api.setRunTag(run.id, key, value);
  });
}

export function editTagDialog(run, tag) {
  return editDialog(run, {
    title: `Edit tag “${tag.key}”`,
    fields: [{ name: 'value', label: 'Value', kind: tagValueKind(tag.value), value: tag.value, rows: 4 }],
  }, async ({ value }) => {
    if (value === tag.value) return false;
    await api.setRunTag(run.id, tag.key, value);
  });
}

export function deleteTagDialog(run, tag) {
  return editDialog(run, {
    title: `Delete tag “${tag.key}”?`,
    message: tag.value ? `The tag and its value “${clip(tag.value)}” will be removed from the run.` : 'The tag will be removed from the run.',
    fields: [], submitLabel: 'Delete tag', danger: true,
  }, () => deleteTagIfPresent(run.id, tag.key));
}

export function deleteRunDialog(run) {
  return editDialog(run, {
    title: `Delete run “${run.name}”?`,
    message: 'It moves to the experiment’s deleted runs (lifecycle stage “deleted”): gone from the runs table, '
      + 'restorable until “track gc” purges it.',
    fields: [], submitLabel: 'Delete run', danger: true,
  }, () => api.deleteRun(run.id));
}

/** Restore a deleted run (no dialog: nothing is lost). Throws the server's error. */
export async function restoreRun(run) {
  await api.restoreRun(run.id);
  forgetRun(run.id);
}

/**
 * The run page's Tags card: the run's own tags, editable unless readOnly (e.g. a deleted run);
 * system tags go in `extra`, read-only. onChange() runs after each edit.
 */
export function runTagsCard(run, { readOnly = false, onChange, extra = null }) {
  const edited = (p) => p.then((changed) => { if (changed) onChange(); });
  return editableTagsCard({
    title: 'Tags', tags: userTags(run.data.tags), emptyText: 'No tags.', readOnly, extra, className: 'tags-card', addId: 'tag-add',
    onAdd: () => edited(addTagDialog(run)), onEdit: (t) => edited(editTagDialog(run, t)), onDelete: (t) => edited(deleteTagDialog(run, t)),
  });
}
