// #/models/<name>?version= — one registered model: description, aliases, tags and its versions
// (stage, aliases, run, and the logged model a version came from). Everything on it can be edited:
// rename and delete the model, its description and tags, aliases; per version its stage,
// description and tags, or delete it. The version in the URL gets a card with its details.

import * as api from '../api.js';
import { cached } from '../cache.js';
import { h } from '../html.js';
import { shortId, plural } from '../lib/format.js';
import { modelsHash, modelHash, runHash, loggedModelHash } from '../lib/url-state.js';
import { aliasesByVersion, sortAliases, loggedModelIdOf, versionLabel, stageTargets } from '../lib/models.js';
import { errorBox, loading, timeEl, emptyState, codeBlock, lazyGroup } from '../ui/dom.js';
import { stagePill, aliasChip } from '../ui/model-badges.js';
import { editableTagsCard, tagsTable, iconButton } from '../ui/tags-editor.js';
import { menuButton } from '../ui/menu.js';
import {
  aliasDialog, confirmRegistryChange, descriptionDialog, renameModelDialog, stageDialog, tagDialog,
} from '../ui/registry-dialogs.js';
import { rowCursor } from '../ui/row-cursor.js';
import { navigate, setTitle } from '../nav.js';

const NAME_TTL_MS = 60_000;

export function mount(root, params) {
  const name = params.modelName;
  let version = params.version || '';
  const ctl = new AbortController();
  let lazy = lazyGroup();
  let shown = null; // { model, versions } on screen
  let loadSeq = 0; // a later load wins over an earlier one still under way
  const page = h('div', { class: 'page' });
  root.append(page);
  page.append(loading('Loading model…'));
  setTitle(name, 'model');
  const keys = rowCursor(page, { rows: '.version-table tbody tr' });

  const crumbs = () => h('div', { class: 'crumbs' }, h('a', { href: modelsHash() }, 'Models'), h('span', { class: 'sep' }, '/'), h('span', null, name));

  async function load() {
    const seq = ++loadSeq;
    let model, versions;
    try {
      [model, versions] = await Promise.all([
        api.getRegisteredModel(name, { signal: ctl.signal }),
        api.modelVersions(name, { signal: ctl.signal }),
      ]);
    } catch (e) {
      if (api.isAbort(e) || seq !== loadSeq) return;
      shown = null;
      if (e.status === 404) {
        setTitle('Model not found');
        page.replaceChildren(crumbs(), h('div', { class: 'card' }, emptyState('No such model',
          `There is no registered model named “${name}”. It may have been renamed or deleted.`,
          h('a', { class: 'btn', href: modelsHash() }, 'All models'))));
      } else {
        page.replaceChildren(crumbs(), errorBox(e, { title: 'Could not load the model' }));
      }
      return;
    }
    if (seq !== loadSeq) return;
    const first = !shown;
    shown = { model, versions };
    render({ scroll: first });
  }

  /**
   * Open an edit dialog (openDialog gets {onError}). Once it changed something, done(result) runs
   * (by default the page loads the registry again); when it found something gone (404) and was
   * then cancelled, the page reloads too, so it never shows what no longer exists.
   */
  async function edit(openDialog, done = load) {
    let gone = false;
    const result = await openDialog({ onError: (e) => { if (e.status === 404) gone = true; } });
    if (result !== undefined) done(result);
    else if (gone) load();
  }

  // ---------------------------------------------------------------- model edits

  /** The page of the new name takes the place of the old one in the history. */
  const rename = () => edit((o) => renameModelDialog({ ...o, name }), (newName) => {
    if (newName === name) load();
    else navigate(modelHash(newName, version ? { version } : undefined), { replace: true });
  });

  function deleteModel() {
    const count = shown?.versions.length ?? 0;
    return edit((o) => confirmRegistryChange({
      ...o, title: `Delete “${name}”?`, confirmLabel: 'Delete model',
      message: `The model${count ? `, its ${plural(count, 'version')}` : ''} and its aliases are deleted for good. Logged models and runs stay.`,
      run: () => api.deleteRegisteredModel(name),
    }), () => navigate(modelsHash()));
  }

  const editDescription = (model) => edit((o) => descriptionDialog({
    ...o, title: `Description of ${name}`, value: model.description, save: (text) => api.updateRegisteredModel(name, text),
  }));

  const addModelTag = () => edit((o) => tagDialog({ ...o, title: `Tag ${name}`, save: (k, v) => api.setRegisteredModelTag(name, k, v) }));
  const editModelTag = (tag) => edit((o) => tagDialog({ ...o, title: `Edit tag ${tag.key}`, tag, save: (k, v) => api.setRegisteredModelTag(name, k, v) }));
  const deleteModelTag = (tag) => edit((o) => confirmRegistryChange({
    ...o, title: `Delete tag “${tag.key}”?`, message: `The tag is removed from ${name}.`, confirmLabel: 'Delete tag',
    run: () => api.deleteRegisteredModelTag(name, tag.key),
  }));

  // ---------------------------------------------------------------- aliases

  const setAlias = (preset) => edit((o) => aliasDialog({ ...o, ...preset, name, aliases: shown.model.aliases, versions: shown.versions }));

  const deleteAlias = (a) => edit((o) => confirmRegistryChange({
    ...o, title: `Delete @${a.alias}?`, confirmLabel: 'Delete alias',
    message: `models:/${name}@${a.alias} will no longer load anything. ${versionLabel(a.version)} itself stays.`,
    run: () => api.deleteModelAlias(name, a.alias),
  }));

  // ---------------------------------------------------------------- versions

  const changeStage = (v, stage) => edit((o) => stageDialog({ ...o, name, versions: shown.versions, version: v.version, stage }));

  const editVersionDescription = (v) => edit((o) => descriptionDialog({
    ...o, title: `Description of ${versionLabel(v.version)}`, value: v.description,
    save: (text) => api.updateModelVersion(name, v.version, text),
  }));

  const addVersionTag = (v) => edit((o) => tagDialog({ ...o, title: `Tag ${versionLabel(v.version)}`, save: (k, val) => api.setModelVersionTag(name, v.version, k, val) }));
  const editVersionTag = (v, tag) => edit((o) => tagDialog({
    ...o, title: `Edit tag ${tag.key} of ${versionLabel(v.version)}`, tag, save: (k, val) => api.setModelVersionTag(name, v.version, k, val),
  }));
  const deleteVersionTag = (v, tag) => edit((o) => confirmRegistryChange({
    ...o, title: `Delete tag “${tag.key}”?`, message: `The tag is removed from ${versionLabel(v.version)}.`, confirmLabel: 'Delete tag',
    run: () => api.deleteModelVersionTag(name, v.version, tag.key),
  }));

  function deleteVersion(v) {
    const aliases = aliasesByVersion(shown.model.aliases).get(v.version) || [];
    const what = aliases.length ? `${versionLabel(v.version)} and its ${plural(aliases.length, 'alias', 'aliases')} (${aliases.map((a) => `@${a}`).join(', ')}) are` : `${versionLabel(v.version)} is`;
    return edit((o) => confirmRegistryChange({
      ...o, title: `Delete ${versionLabel(v.version)} of “${name}”?`, confirmLabel: 'Delete version',
      message: `${what} deleted for good. The logged model it came from stays.`,
      run: () => api.deleteModelVersion(name, v.version),
    }), () => {
      if (version === v.version) navigate(modelHash(name), { replace: true });
      load();
    });
  }

  /** The per-version menu: stage moves, alias, description, tags, delete. */
  function versionMenu(v) {
    return [
      ...stageTargets(v.current_stage).map((stage) => ({ id: `stage-${stage}`, label: `Move to ${stage}…`, onSelect: () => changeStage(v, stage) })),
      'separator',
      { id: 'alias', label: 'Set alias…', onSelect: () => setAlias({ version: v.version }) },
      { id: 'description', label: 'Edit description…', onSelect: () => editVersionDescription(v) },
      { id: 'tag', label: 'Add tag…', onSelect: () => addVersionTag(v) },
      ...(version === v.version ? [] : [{ id: 'details', label: 'Show details and tags', onSelect: () => navigate(modelHash(name, { version: v.version })) }]),
      'separator',
      { id: 'delete', label: 'Delete version…', danger: true, onSelect: () => deleteVersion(v) },
    ];
  }

  const versionMenuButton = (v, className) => menuButton({ label: '⋯', title: `Actions for ${versionLabel(v.version)}`, className, items: () => versionMenu(v) });

  // ---------------------------------------------------------------- rendering

  /** scroll: bring the version in the URL into view (not after an edit: the page stays where it is). */
  function render({ scroll = false } = {}) {
    const { model, versions } = shown;
    lazy.disconnect();
    lazy = lazyGroup();
    const byVersion = aliasesByVersion(model.aliases);
    const selected = versions.find((v) => v.version === version);
    const grid = h('div', { class: 'run-grid' },
      descriptionCard(model), versionsCard(versions, byVersion), selected ? versionCard(selected, byVersion) : null,
      aliasCard(model, versions), modelTagsCard(model));
    page.replaceChildren(crumbs(), header(model, versions), grid);
    focusVersion({ scroll });
  }

  function header(model, versions) {
    return h('div', { class: 'page-header' },
      h('div', { style: { minWidth: 0 } },
        h('h1', null, h('span', { class: 'title', title: name }, name)),
        h('div', { class: 'subtitle' },
          h('span', null, plural(versions.length, 'version')),
          h('span', null, 'created ', timeEl(model.creation_timestamp)),
          h('span', null, 'updated ', timeEl(model.last_updated_timestamp)))),
      h('div', { class: 'actions' },
        h('button', { class: 'btn btn-sm', type: 'button', id: 'model-rename', onclick: rename }, 'Rename'),
        h('button', { class: 'btn btn-sm danger-hover', type: 'button', id: 'model-delete', onclick: deleteModel }, 'Delete')));
  }

  function descriptionCard(model) {
    return h('div', { class: 'card span-2 model-description' },
      h('div', { class: 'card-head' }, h('h2', null, 'Description'),
        h('div', { class: 'actions' }, h('button', { class: 'btn btn-sm edit-description', type: 'button', onclick: () => editDescription(model) }, 'Edit'))),
      h('div', { class: 'card-body' }, model.description ? h('pre', { class: 'note' }, model.description) : h('span', { class: 'faint' }, 'No description.')));
  }

  function aliasCard(model, versions) {
    const aliases = sortAliases(model.aliases);
    const add = h('button', { class: 'btn btn-sm add-alias', type: 'button', disabled: !versions.length, title: versions.length ? null : 'Register a version first',
      onclick: () => setAlias({ version: version || versions[0]?.version }) }, '+ Add alias');
    return h('div', { class: 'card aliases-card' },
      h('div', { class: 'card-head' }, h('h2', null, 'Aliases'), h('span', { class: 'muted small' }, String(aliases.length)), h('div', { class: 'actions' }, add)),
      aliases.length
        ? h('table', { class: 'table' }, h('tbody', null, aliases.map((a) => h('tr', { 'data-alias': a.alias },
          h('td', null, aliasChip(a.alias)),
          h('td', null, h('a', { href: modelHash(name, { version: a.version }), class: 'version-link' }, versionLabel(a.version))),
          h('td', { class: 'actions-cell' }, h('div', { class: 'row-actions' },
            iconButton('move', `Move @${a.alias} to another version`, () => setAlias({ alias: a.alias, version: a.version })),
            iconButton('delete', `Delete @${a.alias}`, () => deleteAlias(a), { danger: true })))))))
        : h('div', { class: 'card-empty' }, 'No aliases. Point one at a version to load it as ', h('code', null, `models:/${name}@champion`), '.'));
  }

  const modelTagsCard = (model) => editableTagsCard({
    title: 'Tags', tags: model.tags, emptyText: 'No tags.', className: 'registry-tags', onAdd: addModelTag, onEdit: editModelTag, onDelete: deleteModelTag,
  });

  function versionsCard(versions, byVersion) {
    const rows = versions.map((v) => {
      const modelId = loggedModelIdOf(v.source);
      const run = v.run_id ? h('a', { href: runHash(v.run_id), class: 'id run-link', title: `Run ${v.run_id}` }, shortId(v.run_id)) : null;
      const source = modelId
        ? h('a', { href: loggedModelHash(modelId), class: 'source-link id', title: v.source }, modelId)
        : h('span', { class: 'mono ellipsis source-text', title: v.source }, v.source || '—');
      const tr = h('tr', { 'data-version': v.version },
        h('td', { class: 'nowrap' }, h('a', { href: modelHash(name, { version: v.version }), class: 'version-link' }, versionLabel(v.version))),
        h('td', null, stagePill(v.current_stage)),
        h('td', null, (byVersion.get(v.version) || []).length ? h('div', { class: 'chips' }, byVersion.get(v.version).map((a) => aliasChip(a))) : h('span', { class: 'faint' }, '—')),
        h('td', { class: 'nowrap muted small' }, timeEl(v.creation_timestamp)),
        h('td', { class: 'desc-cell' }, v.description ? h('div', { class: 'ellipsis', title: v.description }, v.description) : h('span', { class: 'faint' }, '—')),
        h('td', { class: 'source-cell' }, source),
        h('td', { class: 'nowrap' }, run || h('span', { class: 'faint' }, '—')),
        h('td', { class: 'menu-cell' }, versionMenuButton(v, 'btn btn-ghost btn-sm btn-icon')));
      // names instead of ids, once the row is on screen
      lazy.observe(tr, () => {
        if (v.run_id) {
          cached(`run-name:${v.run_id}`, NAME_TTL_MS, () => api.getRun(v.run_id))
            .then((r) => { if (r.name) { run.textContent = r.name; run.classList.remove('id'); } }).catch(() => {});
        }
        if (modelId) {
          cached(`lm-name:${modelId}`, NAME_TTL_MS, () => api.getLoggedModel(modelId))
            .then((m) => { if (m.name) { source.textContent = m.name; source.classList.remove('id'); } }).catch(() => {});
        }
      });
      return tr;
    });
    return h('div', { class: 'card span-2' },
      h('div', { class: 'card-head' }, h('h2', null, 'Versions'), h('span', { class: 'muted small' }, String(versions.length))),
      versions.length
        ? h('div', { class: 'card-scroll' }, h('table', { class: 'table version-table' },
          h('thead', null, h('tr', null, h('th', null, 'Version'), h('th', null, 'Stage'), h('th', null, 'Aliases'), h('th', null, 'Created'), h('th', null, 'Description'), h('th', null, 'Source'), h('th', null, 'Run'), h('th', { class: 'menu-cell', 'aria-label': 'Actions' }))),
          h('tbody', null, rows)))
        : h('div', { class: 'card-empty' }, 'No versions yet. Register one from a logged model:',
          h('div', { style: { marginTop: '12px', textAlign: 'left' } }, codeBlock(`mlflow.register_model("models:/<model id>", ${JSON.stringify(name)})`))));
  }

  /** The version in the URL: stage, aliases, its whole description and its tags, all editable. */
  function versionCard(v, byVersion) {
    const aliases = byVersion.get(v.version) || [];
    const tags = v.tags.length
      ? tagsTable(v.tags, { onEdit: (t) => editVersionTag(v, t), onDelete: (t) => deleteVersionTag(v, t) }).el
      : h('div', { class: 'faint' }, 'No tags.');
    return h('div', { class: 'card span-2 version-detail', 'data-version': v.version },
      h('div', { class: 'card-head' },
        h('h2', null, `Version ${v.version}`),
        v.current_stage === 'None' ? null : stagePill(v.current_stage),
        aliases.length ? h('div', { class: 'chips' }, aliases.map((a) => aliasChip(a))) : null,
        h('div', { class: 'actions' },
          versionMenuButton(v, 'btn btn-sm'),
          h('a', { class: 'btn btn-ghost btn-sm', href: modelHash(name), title: 'Close the version details' }, 'Close'))),
      h('div', { class: 'version-detail-body' },
        h('section', { class: 'version-description' },
          h('div', { class: 'section-head' }, h('h3', null, 'Description'),
            h('button', { class: 'btn btn-ghost btn-sm edit-description', type: 'button', onclick: () => editVersionDescription(v) }, 'Edit')),
          v.description ? h('pre', { class: 'note' }, v.description) : h('span', { class: 'faint' }, 'No description.')),
        h('section', { class: 'version-tags' },
          h('div', { class: 'section-head' }, h('h3', null, 'Tags'),
            h('button', { class: 'btn btn-ghost btn-sm add-tag', type: 'button', onclick: () => addVersionTag(v) }, '+ Add tag')),
          tags)));
  }

  /** The version in the URL gets the row cursor (else the cursor stays where it was). */
  function focusVersion({ scroll = true } = {}) {
    if (!version) { keys.restore(); return; }
    const trs = [...page.querySelectorAll('.version-table tbody tr')];
    const i = trs.findIndex((tr) => tr.dataset.version === version);
    if (i >= 0) keys.set(i, { scroll });
  }

  load();

  const unmount = () => { ctl.abort(); lazy.disconnect(); keys.stop(); };
  unmount.update = (p) => {
    version = p.version || '';
    if (shown) render({ scroll: true }); else focusVersion();
  };
  return unmount;
}
