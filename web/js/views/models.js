// #/models?q=&sort= — registered models: latest version per stage, aliases, description, last
// update. The name filter runs on the server; "Load more" follows the page token. "New model"
// creates one and opens it.

import * as api from '../api.js';
import { h } from '../html.js';
import { formatCount, plural } from '../lib/format.js';
import { modelsHash, modelHash } from '../lib/url-state.js';
import { nameFilter, latestVersions, sortAliases, aliasText } from '../lib/models.js';
import { errorBox, loading, timeEl, codeBlock, poller, dialogOpen } from '../ui/dom.js';
import { rowCursor } from '../ui/row-cursor.js';
import { newModelDialog } from '../ui/registry-dialogs.js';
import { navigate, setTitle } from '../nav.js';

const PAGE_SIZE = 100;
const POLL_MS = 3000; // models, versions and aliases made elsewhere show up within this
const TYPE_DELAY_MS = 200; // one search per pause in typing
const SORTS = { name: 'name ASC', updated: 'last_updated_timestamp DESC' };

const readState = (p) => ({ q: p.q || '', sort: SORTS[p.sort] ? p.sort : 'name' });

/** How to register a first model, with commands to copy. */
export function registerHelp() {
  return h('div', { class: 'steps' },
    h('div', null, h('div', { class: 'step-label' }, '1 · Point the MLflow client at this server'), codeBlock(`export MLFLOW_TRACKING_URI=${location.origin}`)),
    h('div', null, h('div', { class: 'step-label' }, '2 · Log a model and register it in the same call'),
      codeBlock('import mlflow\nwith mlflow.start_run():\n    mlflow.sklearn.log_model(model, name="model", registered_model_name="my-model")')),
    h('div', null, h('div', { class: 'step-label' }, 'Or register a model a run already logged'),
      codeBlock('mlflow.register_model("runs:/<run id>/model", "my-model")')),
    h('p', { class: 'muted small' }, 'Registered models appear here with their versions, stages and aliases.'));
}

export function mount(root, params) {
  let state = readState(params);
  let models = null; // loaded so far, or null while the first page loads
  let next = null; // page token of the next page
  let error = null;
  let more = null; // { busy, error } of "Load more"
  let ctl = new AbortController(); // one per search: a new query drops the old one
  let typeTimer = 0;
  setTitle('Models');

  const page = h('div', { class: 'page' });
  root.append(page);
  const input = h('input', { class: 'input', type: 'search', placeholder: 'Filter by name…', 'aria-label': 'Filter models by name', value: state.q, style: { width: '240px' }, id: 'models-search' });
  input.addEventListener('input', () => setParams({ ...state, q: input.value }, true));
  const subtitle = h('div', { class: 'subtitle' });
  const body = h('div');
  page.append(
    h('div', { class: 'page-header' },
      h('div', null, h('h1', null, 'Models'), subtitle),
      h('div', { class: 'actions' }, input,
        h('button', { class: 'btn btn-primary', type: 'button', id: 'new-model', onclick: createModel }, '+ New model'))),
    body);
  const keys = rowCursor(body, { search: () => input });

  async function createModel() {
    const model = await newModelDialog();
    if (model) navigate(modelHash(model.name));
  }

  function setParams(s, replace) {
    navigate(modelsHash({ q: s.q, sort: s.sort === 'name' ? '' : s.sort }), { replace });
  }

  async function search() {
    ctl.abort();
    ctl = new AbortController();
    const { signal } = ctl;
    // the rows on screen stay until the new ones arrive
    body.setAttribute('aria-busy', 'true');
    if (!models) render();
    try {
      const r = await api.searchRegisteredModels({ filter: nameFilter(state.q), orderBy: SORTS[state.sort], maxResults: PAGE_SIZE, signal });
      models = r.models; next = r.nextPageToken; error = null;
    } catch (e) {
      if (api.isAbort(e)) return;
      error = e;
    }
    more = null;
    body.removeAttribute('aria-busy');
    keys.reset();
    render();
  }

  async function loadMore() {
    if (!next || more?.busy) return;
    const { signal } = ctl;
    more = { busy: true };
    render();
    try {
      const r = await api.searchRegisteredModels({ filter: nameFilter(state.q), orderBy: SORTS[state.sort], maxResults: PAGE_SIZE, pageToken: next, signal });
      models = models.concat(r.models); next = r.nextPageToken; more = null;
    } catch (e) {
      if (api.isAbort(e)) return;
      more = { error: e };
    }
    render();
  }

  function row(m) {
    const latest = latestVersions(m.latest_versions);
    const aliases = sortAliases(m.aliases);
    return h('tr', { 'data-name': m.name },
      h('td', { class: 'model-name-cell' }, h('a', { href: modelHash(m.name), class: 'model-name', title: m.name }, m.name)),
      h('td', null, latest.length
        ? h('div', { class: 'chips' }, latest.map((v) => h('span', { class: `version-chip${v.stage === 'None' ? '' : ` stage-${v.stage.toLowerCase()}`}`, title: `Latest version in stage ${v.stage}: ${v.version}` }, v.text)))
        : h('span', { class: 'faint' }, 'no versions')),
      h('td', null, aliases.length ? h('div', { class: 'chips' }, aliases.map((a) => h('span', { class: 'alias', title: `Alias ${a.alias} points at version ${a.version}` }, aliasText(a)))) : h('span', { class: 'faint' }, '—')),
      h('td', { class: 'desc-cell' }, m.description ? h('div', { class: 'ellipsis muted', title: m.description }, m.description) : h('span', { class: 'faint' }, '—')),
      h('td', { class: 'nowrap muted small' }, timeEl(m.last_updated_timestamp)));
  }

  function render() {
    subtitle.textContent = models ? `${plural(models.length, 'model')}${next ? ' shown' : ''}${state.q ? ` matching “${state.q.trim()}”` : ''}` : '';
    if (error) { body.replaceChildren(errorBox(error, { title: 'Could not load models' })); return; }
    if (!models) { body.replaceChildren(loading('Loading models…')); return; }
    if (!models.length && !state.q.trim()) {
      body.replaceChildren(h('div', { class: 'empty card first-run' },
        h('h2', null, 'No registered models yet'),
        h('p', null, 'Register a model to give it versions, stages and aliases that deployments can ask for by name.'),
        registerHelp()));
      return;
    }
    const th = (key, label) => h('th', { class: 'sortable', 'aria-sort': state.sort === key ? (key === 'name' ? 'ascending' : 'descending') : 'none', onclick: () => setParams({ ...state, sort: key }) },
      label, state.sort === key ? (key === 'name' ? ' ↑' : ' ↓') : '');
    const table = h('div', { class: 'card' },
      h('table', { class: 'table model-table' },
        h('thead', null, h('tr', null, th('name', 'Name'), h('th', null, 'Latest versions'), h('th', null, 'Aliases'), h('th', null, 'Description'), th('updated', 'Last updated'))),
        h('tbody', null, models.map(row))),
      models.length ? null : h('div', { class: 'card-empty' }, `No model matches “${state.q.trim()}”.`));
    const foot = next || more?.error ? h('div', { class: 'load-more' },
      more?.error ? errorBox(more.error, { title: 'Could not load more models' }) : null,
      h('button', { class: 'btn', type: 'button', disabled: more?.busy, onclick: loadMore }, more?.busy ? 'Loading…' : `Load more (${formatCount(PAGE_SIZE)})`)) : null;
    body.replaceChildren(...[table, foot].filter(Boolean));
    keys.restore();
  }

  /** What the list shows of each model: a change in any of it redraws the list. */
  const shown = (list) => JSON.stringify(list.map((m) => [m.name, m.last_updated_timestamp, m.description, m.aliases,
    m.latest_versions.map((v) => [v.version, v.current_stage])]));

  /** Ask for the first page again (while only it is on screen) and redraw when it changed. */
  async function refresh() {
    if (!models || error || more || models.length > PAGE_SIZE || body.hasAttribute('aria-busy')) return;
    const { signal } = ctl;
    const r = await api.searchRegisteredModels({ filter: nameFilter(state.q), orderBy: SORTS[state.sort], maxResults: PAGE_SIZE, signal });
    if (signal.aborted || (shown(r.models) === shown(models) && r.nextPageToken === next)) return;
    models = r.models; next = r.nextPageToken;
    render();
  }

  search();
  const stopPoll = poller(refresh, POLL_MS, () => !dialogOpen());

  const unmount = () => { ctl.abort(); clearTimeout(typeTimer); keys.stop(); stopPoll(); };
  unmount.update = (p) => {
    const prev = state;
    state = readState(p);
    if (input.value !== state.q) input.value = state.q; // back/forward
    if (prev.sort !== state.sort) { clearTimeout(typeTimer); search(); return; }
    if (prev.q !== state.q) { clearTimeout(typeTimer); typeTimer = setTimeout(search, TYPE_DELAY_MS); }
  };
  return unmount;
}
