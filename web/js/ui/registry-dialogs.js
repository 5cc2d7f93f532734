// Dialogs that edit the model registry. Each sends its request on submit: a refusal from the server
// (a bad name, a reserved alias, a read-only account, something deleted meanwhile) is shown in the
// dialog, which stays open. Each resolves to what was done, or undefined when cancelled.

import * as api from '../api.js';
import { cached, invalidate } from '../cache.js';
import { formDialog, promptDialog } from './dialog.js';
import {
  versionLabel, stageChangeText, aliasMoveText, aliasName, descriptionToSave, registerTargetName, registerNote,
} from '../lib/models.js';

/** cache.js keys of registry data start with this; every change made here drops them. */
const REGISTRY_CACHE = 'registry:';
const NAMES_TTL_MS = 10_000;
const MAX_NAMES = 1000; // one page; a name not offered can still be typed

/** Names of the registered models (the first thousand, by name), shared for a few seconds. */
export function registeredModelNames() {
  return cached(`${REGISTRY_CACHE}names`, NAMES_TTL_MS, async () =>
    (await api.searchRegisteredModels({ orderBy: 'name ASC', maxResults: MAX_NAMES })).models.map((m) => m.name));
}

/**
 * onSubmit for a dialog: run the change, then drop the cached registry data; a refusal goes to
 * onError(e) (the view may reload: a 404 means its data is stale) and on to the dialog.
 */
function submitting(change, onError) {
  return async (values) => {
    try {
      const result = await change(values);
      invalidate(REGISTRY_CACHE);
      return result;
    } catch (e) {
      onError?.(e);
      throw e;
    }
  };
}

// Every dialog takes `onError(e)`: told of each refusal the dialog shows.

/** Yes/no for something that can't be undone; the server's refusal shows in the dialog. -> true */
export function confirmRegistryChange({ title, message, confirmLabel = 'Delete', danger = true, run, onError }) {
  return formDialog({
    title, message, fields: [], submitLabel: confirmLabel, danger,
    onSubmit: submitting(async () => { await run(); return true; }, onError),
  });
}

/** New registered model -> the created model. */
export function newModelDialog({ onError } = {}) {
  return formDialog({
    title: 'New model', submitLabel: 'Create',
    fields: [
      { name: 'name', label: 'Name', placeholder: 'e.g. churn-classifier', required: true },
      { name: 'description', label: 'Description (optional)', kind: 'textarea', rows: 4 },
    ],
    onSubmit: submitting(({ name, description }) => api.createRegisteredModel(name, descriptionToSave(description)), onError),
  });
}

/** Rename a registered model -> the new name. */
export function renameModelDialog({ name, onError }) {
  return promptDialog({
    title: 'Rename model', label: 'New name', value: name, submitLabel: 'Rename',
    onSubmit: submitting(async (newName) => { if (newName !== name) await api.renameRegisteredModel(name, newName); return newName; }, onError),
  });
}

/** Edit a description (model or version): save(text) stores it; empty text clears it. -> true */
export function descriptionDialog({ title, value, save, onError }) {
  return formDialog({
    title, submitLabel: 'Save',
    fields: [{ name: 'description', label: 'Description', kind: 'textarea', value, hint: 'Leave it empty to remove the description. Ctrl+Enter (⌘+Enter) saves.' }],
    onSubmit: submitting(async ({ description }) => { await save(descriptionToSave(description)); return true; }, onError),
  });
}

/**
 * Add a tag (no `tag`) or change the value of `tag`: save(key, value) stores it. -> {key, value}
 * A value with line breaks is edited in a text area, so they survive.
 */
export function tagDialog({ title, tag, save, onError }) {
  const multiline = /\n/.test(tag?.value ?? '');
  const fields = tag
    ? [{ name: 'value', label: `Value of ${tag.key}`, value: tag.value, kind: multiline ? 'textarea' : 'text' }]
    : [{ name: 'key', label: 'Key', placeholder: 'e.g. team', required: true, hint: 'A key that exists gets the new value.' },
      { name: 'value', label: 'Value', placeholder: 'e.g. vision' }];
  return formDialog({
    title, submitLabel: tag ? 'Save' : 'Add tag', fields,
    onSubmit: submitting(async (v) => {
      const key = tag ? tag.key : v.key;
      await save(key, v.value);
      return { key, value: v.value };
    }, onError),
  });
}

/**
 * Point an alias at a version: a new alias, or one that exists (it moves; the dialog says from where
 * as the name is typed). alias/version preset the fields. -> {alias, version}
 */
export function aliasDialog({ name, aliases, versions, alias = '', version, onError }) {
  const options = versions.map((v) => [v.version, v.current_stage && v.current_stage !== 'None' ? `${versionLabel(v.version)} · ${v.current_stage}` : versionLabel(v.version)]);
  return formDialog({
    title: alias ? `Move @${alias}` : 'Set an alias', submitLabel: alias ? 'Move alias' : 'Set alias',
    message: `Deployments load the version an alias points at as models:/${name}@<alias>.`,
    fields: [
      { name: 'alias', label: 'Alias', value: alias, placeholder: 'e.g. champion', required: true, hint: (v) => aliasMoveText(aliases, v.alias, v.version) },
      { name: 'version', label: 'Version', kind: 'select', options, value: String(version ?? versions[0]?.version ?? '') },
    ],
    onSubmit: submitting(async (v) => {
      const picked = { alias: aliasName(v.alias), version: v.version };
      await api.setModelAlias(name, picked.alias, picked.version);
      return picked;
    }, onError),
  });
}

/**
 * Move a version to `stage`; into Staging or Production with MLflow's choice to archive the versions
 * already there. -> {stage, archived}
 */
export function stageDialog({ name, versions, version, stage, onError }) {
  const text = stageChangeText(versions, version, stage);
  const fields = text.archiveLabel ? [{ name: 'archive', kind: 'checkbox', label: text.archiveLabel, value: false }] : [];
  return formDialog({
    title: text.title, message: [text.message, text.archiveHint].filter(Boolean).join(' '),
    submitLabel: 'Move', fields,
    onSubmit: submitting(async (v) => {
      const archived = Boolean(v.archive);
      await api.transitionModelVersionStage(name, version, stage, archived);
      return { stage, archived };
    }, onError),
  });
}

/**
 * Register a logged model: pick a registered model or type a new name (created unless it exists).
 * names: the registered models to offer. -> the new model version. The cached logged model (its
 * mlflow.modelVersions tag changed) is dropped too.
 */
export function registerDialog({ loggedModel, names, onError }) {
  const pick = names.length
    ? [{ name: 'existing', label: 'Registered model', kind: 'select', value: '', options: [['', '+ New registered model'], ...names.map((n) => [n, n])] }]
    : [];
  return formDialog({
    title: 'Register model', submitLabel: 'Register',
    message: `Adds a version made from ${loggedModel.name} (models:/${loggedModel.id}) to a registered model.`,
    fields: [...pick, { name: 'newName', label: names.length ? 'New model name' : 'Model name', value: loggedModel.name, placeholder: 'e.g. churn-classifier', hint: (v) => registerNote(names, v) }],
    onSubmit: submitting(async (v) => {
      const name = registerTargetName(v);
      if (!name) throw new Error('Pick a registered model or type a name for a new one.');
      const created = await api.registerLoggedModel(name, { modelId: loggedModel.id, runId: loggedModel.info.source_run_id });
      invalidate(`lm:${loggedModel.id}`);
      return created;
    }, onError),
  });
}
