// #/models/<name>?version= — one registered model: description, aliases, tags and its versions
// (stage, aliases, run, and the logged model a version came from).

import * as api from '../api.js';
import { cached } from '../cache.js';
import { h } from '../html.js';
import { shortId, plural } from '../lib/format.js';
import { modelsHash, modelHash, runHash, loggedModelHash } from '../lib/url-state.js';
import { aliasesByVersion, sortAliases, loggedModelIdOf, versionLabel } from '../lib/models.js';
import { errorBox, loading, timeEl, emptyState, codeBlock, lazyGroup } from '../ui/dom.js';
import { stagePill, aliasChip } from '../ui/model-badges.js';
import { kvCard } from '../ui/kv-card.js';
import { rowCursor } from '../ui/row-cursor.js';
import { setTitle } from '../nav.js';

const NAME_TTL_MS = 60_000;

export function mount(root, params) {
  const name = params.modelName;
  let version = params.version || '';
  const ctl = new AbortController();
  const lazy = lazyGroup();
  const page = h('div', { class: 'page' });
  root.append(page);
  page.append(loading('Loading model…'));
  setTitle(name, 'model');
  const keys = rowCursor(page, { rows: '.version-table tbody tr' });

  const crumbs = () => h('div', { class: 'crumbs' }, h('a', { href: modelsHash() }, 'Models'), h('span', { class: 'sep' }, '/'), h('span', null, name));

  async function load() {
    let model, versions;
    try {
      [model, versions] = await Promise.all([
        api.getRegisteredModel(name, { signal: ctl.signal }),
        api.modelVersions(name, { signal: ctl.signal }),
      ]);
    } catch (e) {
      if (api.isAbort(e)) return;
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
    render(model, versions);
  }

  function render(model, versions) {
    const byVersion = aliasesByVersion(model.aliases);
    const header = h('div', { class: 'page-header' },
      h('div', { style: { minWidth: 0 } },
        h('h1', null, h('span', { class: 'title', title: name }, name)),
        h('div', { class: 'subtitle' },
          h('span', null, plural(versions.length, 'version')),
          h('span', null, 'created ', timeEl(model.creation_timestamp)),
          h('span', null, 'updated ', timeEl(model.last_updated_timestamp)))));

    const desc = h('div', { class: 'card span-2' }, h('div', { class: 'card-head' }, h('h2', null, 'Description')),
      h('div', { class: 'card-body' }, model.description ? h('pre', { class: 'note' }, model.description) : h('span', { class: 'faint' }, 'No description.')));

    const aliases = sortAliases(model.aliases);
    const aliasCard = h('div', { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', null, 'Aliases'), h('span', { class: 'muted small' }, String(aliases.length))),
      aliases.length
        ? h('table', { class: 'table' }, h('tbody', null, aliases.map((a) => h('tr', null,
          h('td', null, aliasChip(a.alias)),
          h('td', null, h('a', { href: modelHash(name, { version: a.version }), class: 'version-link' }, versionLabel(a.version)))))))
        : h('div', { class: 'card-empty' }, 'No aliases. Point one at a version to load it as ', h('code', null, `models:/${name}@champion`), '.'));

    const tagsCard = kvCard('Tags', model.tags, 'No tags.');

    const grid = h('div', { class: 'run-grid' }, desc, versionsCard(versions, byVersion), aliasCard, tagsCard);
    page.replaceChildren(crumbs(), header, grid);
    focusVersion();
  }

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
        h('td', { class: 'nowrap' }, run || h('span', { class: 'faint' }, '—')));
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
          h('thead', null, h('tr', null, h('th', null, 'Version'), h('th', null, 'Stage'), h('th', null, 'Aliases'), h('th', null, 'Created'), h('th', null, 'Description'), h('th', null, 'Source'), h('th', null, 'Run'))),
          h('tbody', null, rows)))
        : h('div', { class: 'card-empty' }, 'No versions yet. Register one from a logged model:',
          h('div', { style: { marginTop: '12px', textAlign: 'left' } }, codeBlock(`mlflow.register_model("models:/<model id>", ${JSON.stringify(name)})`))));
  }

  /** The version in the URL gets the row cursor. */
  function focusVersion() {
    if (!version) return;
    const trs = [...page.querySelectorAll('.version-table tbody tr')];
    const i = trs.findIndex((tr) => tr.dataset.version === version);
    if (i >= 0) keys.set(i);
  }

  load();

  const unmount = () => { ctl.abort(); lazy.disconnect(); keys.stop(); };
  unmount.update = (p) => { version = p.version || ''; focusVersion(); };
  return unmount;
}
