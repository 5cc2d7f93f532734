// #/logged-models/<model id> — one logged model (MLflow 3): status, type, source run, params,
// metrics, tags, the registered versions it became, and its files. "Register model" makes it a
// version of a registered model, new or existing, and opens that version.

import * as api from '../api.js';
import { cached } from '../cache.js';
import { h } from '../html.js';
import { formatNumber, formatTimestamp, formatRelative, formatCount, shortId } from '../lib/format.js';
import { experimentHash, runHash, modelHash, modelsHash } from '../lib/url-state.js';
import { parseModelVersionsTag, MODEL_VERSIONS_TAG, modelArtifactRoot, versionLabel, latestModelMetrics } from '../lib/models.js';
import { errorBox, loading, copyButton, emptyState, codeBlock } from '../ui/dom.js';
import { modelStatusPill } from '../ui/model-badges.js';
import { kvCard } from '../ui/kv-card.js';
import { fileList } from '../ui/file-list.js';
import { registerDialog, registeredModelNames } from '../ui/registry-dialogs.js';
import { navigate, setTitle } from '../nav.js';

const NAME_TTL_MS = 60_000;

export function mount(root, params) {
  const modelId = params.modelId;
  const ctl = new AbortController();
  const page = h('div', { class: 'page' });
  root.append(page);
  page.append(loading('Loading model…'));
  setTitle(modelId, 'logged model');

  async function load() {
    let model;
    try {
      model = await api.getLoggedModel(modelId, { signal: ctl.signal });
    } catch (e) {
      if (api.isAbort(e)) return;
      const crumbs = h('div', { class: 'crumbs' }, h('a', { href: '#/' }, 'Experiments'));
      if (e.status === 404) {
        setTitle('Model not found');
        page.replaceChildren(crumbs, h('div', { class: 'card' }, emptyState('No such logged model',
          `There is no logged model with the id “${modelId}”.`, h('a', { class: 'btn', href: modelsHash() }, 'Registered models'))));
      } else {
        page.replaceChildren(crumbs, errorBox(e, { title: 'Could not load the model' }));
      }
      return;
    }
    setTitle(model.name, 'logged model');
    render(model);
  }

  /** Names fill in once known: experiments and runs are shown by id first. */
  function named(el, key, get) {
    cached(key, NAME_TTL_MS, get).then((x) => { if (x?.name) { el.textContent = x.name; el.classList.remove('id'); } }).catch(() => {});
    return el;
  }
  /** Register the model: the dialog offers the registered models there are; then the new version's page. */
  async function register(m, button) {
    button.disabled = true;
    const names = await registeredModelNames().catch(() => []); // none offered: a name can still be typed
    button.disabled = false;
    const created = await registerDialog({ loggedModel: m, names });
    if (created) navigate(modelHash(created.name, { version: created.version }));
  }

  const runLink = (id, cls = '') => named(h('a', { href: runHash(id), class: `id ${cls}`.trim(), title: `Run ${id}` }, shortId(id)), `run-name:${id}`, () => api.getRun(id));

  function registerButton(m) {
    const button = h('button', { class: 'btn btn-primary', type: 'button', id: 'register-model', title: 'Make this model a version of a registered model' }, 'Register model');
    button.addEventListener('click', () => register(m, button));
    return button;
  }

  function render(m) {
    const i = m.info;
    const expLink = () => named(h('a', { href: experimentHash(i.experiment_id), title: `Experiment ${i.experiment_id}` }, i.experiment_id), `exp:${i.experiment_id}`, () => api.getExperiment(i.experiment_id));
    const sourceRun = i.source_run_id ? runLink(i.source_run_id, 'run-link') : null;
    const header = [
      h('div', { class: 'crumbs' },
        h('a', { href: '#/' }, 'Experiments'), h('span', { class: 'sep' }, '/'), expLink(), h('span', { class: 'sep' }, '/'), h('span', null, m.name)),
      h('div', { class: 'page-header' },
        h('div', { style: { minWidth: 0 } },
          h('h1', null, h('span', { class: 'title', title: m.name }, m.name), modelStatusPill(i.status)),
          h('div', { class: 'subtitle' },
            h('span', { class: 'id' }, m.id), copyButton(m.id, 'Copy model id'),
            i.creation_timestamp_ms ? h('span', null, `logged ${formatRelative(i.creation_timestamp_ms)}`) : null)),
        h('div', { class: 'actions' }, registerButton(m)))];

    const kv = (label, ...value) => [h('dt', null, label), h('dd', null, ...value)];
    const none = () => h('span', { class: 'faint' }, '—');
    const details = h('div', { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', null, 'Details')),
      h('div', { class: 'card-body' }, h('dl', { class: 'kv' },
        ...kv('Status', modelStatusPill(i.status)),
        ...kv('Model ID', h('span', { class: 'id' }, m.id), copyButton(m.id)),
        ...kv('Type', i.model_type || none()),
        ...kv('Experiment', expLink()),
        ...kv('Source run', sourceRun || none()),
        ...kv('Created', i.creation_timestamp_ms ? h('span', null, formatTimestamp(i.creation_timestamp_ms), h('span', { class: 'muted' }, ` · ${formatRelative(i.creation_timestamp_ms)}`)) : none()),
        ...kv('Updated', i.last_updated_timestamp_ms ? formatTimestamp(i.last_updated_timestamp_ms) : none()),
        ...kv('Load it with', h('code', null, `models:/${m.id}`), copyButton(`models:/${m.id}`, 'Copy model URI')),
        ...kv('Artifacts', h('span', { class: 'id' }, i.artifact_uri || '—')))));

    const registered = parseModelVersionsTag(m.tags[MODEL_VERSIONS_TAG]);
    const versionsCard = h('div', { class: 'card registered-versions' },
      h('div', { class: 'card-head' }, h('h2', null, 'Registered versions'), h('span', { class: 'muted small' }, String(registered.length))),
      registered.length
        ? h('ul', { class: 'link-list' }, registered.map((r) => h('li', null,
          h('a', { href: modelHash(r.name, r.version ? { version: r.version } : undefined), title: `Registered model ${r.name}` },
            h('span', { class: 'model-name' }, r.name), r.version ? h('span', { class: 'version-chip' }, versionLabel(r.version)) : null))))
        : h('div', { class: 'card-body' }, h('p', { class: 'muted', style: { margin: '0 0 12px' } }, 'Not registered. To give it a name and versions:'),
          codeBlock(`mlflow.register_model("models:/${m.id}", "my-model")`)));

    // The latest point of each key, run and dataset; how many points each holds beside it.
    const metrics = latestModelMetrics(m.metrics);
    const metricsCard = h('div', { class: 'card span-2' },
      h('div', { class: 'card-head' }, h('h2', null, 'Metrics'), h('span', { class: 'muted small' }, formatCount(metrics.length))),
      metrics.length
        ? h('div', { class: 'card-scroll' }, h('table', { class: 'table model-metrics' },
          h('thead', null, h('tr', null, h('th', null, 'Key'), h('th', { class: 'num' }, 'Latest'), h('th', { class: 'num' }, 'Step'), h('th', { class: 'num' }, 'Points'), h('th', null, 'Dataset'), h('th', null, 'Run'))),
          h('tbody', null, metrics.map((x) => h('tr', null,
            h('td', { class: 'key' }, x.key),
            h('td', { class: 'num', title: x.timestamp ? formatTimestamp(x.timestamp) : null }, formatNumber(x.value, 6)),
            h('td', { class: 'num muted' }, formatCount(x.step)),
            h('td', { class: 'num muted' }, formatCount(x.points)),
            h('td', null, x.dataset_name ? h('span', { title: x.dataset_digest ? `digest ${x.dataset_digest}` : null }, x.dataset_name) : none()),
            h('td', null, x.run_id ? runLink(x.run_id) : none()))))))
        : h('div', { class: 'card-empty' }, 'No metrics linked to this model.'));

    const paramsCard = kvCard('Parameters', m.params, 'No parameters.');
    const tagsCard = kvCard('Tags', i.tags.filter((t) => t.key !== MODEL_VERSIONS_TAG), 'No tags.');

    const filesBody = h('div');
    const filesCard = h('div', { class: 'card span-2 model-files' },
      h('div', { class: 'card-head' }, h('h2', null, 'Files'), h('span', { class: 'muted small mono ellipsis', title: i.artifact_uri }, i.artifact_uri || '')),
      filesBody);
    filesBody.append(fileList(modelArtifactRoot(i), {
      signal: ctl.signal,
      onEmpty: () => filesBody.replaceChildren(h('div', { class: 'card-empty' },
        i.status === 'LOGGED_MODEL_PENDING' ? 'No files yet: the model is still being uploaded.' : 'This model has no files.')),
    }));

    page.replaceChildren(...header, h('div', { class: 'run-grid' }, details, versionsCard, metricsCard, paramsCard, tagsCard, filesCard));
  }

  load();

  return () => ctl.abort();
}
