// The run page's "Logged models" card: the models a run logged (its outputs), each fetched when
// its row comes into view, with name, status and type.

import * as api from '../api.js';
import { cached } from '../cache.js';
import { h } from '../html.js';
import { formatCount, plural } from '../lib/format.js';
import { loggedModelHash } from '../lib/url-state.js';
import { modelStatusPill } from './model-badges.js';

const TTL_MS = 10_000;

/** The logged model, shared for a few seconds by the pages that show it. */
const loggedModel = (id) => cached(`lm:${id}`, TTL_MS, () => api.getLoggedModel(id));

/** outputs: [{model_id, step}]; lazy: a lazyGroup() of the page. Null when there are none. */
export function loggedModelsCard(outputs, lazy) {
  if (!outputs || !outputs.length) return null;
  const rows = outputs.map((o) => {
    const name = h('td', { class: 'model-name-cell' }, h('a', { href: loggedModelHash(o.model_id), class: 'id', title: o.model_id }, o.model_id));
    const status = h('td', null, h('span', { class: 'skeleton' }));
    const type = h('td', { class: 'muted small' });
    const tr = h('tr', { 'data-model': o.model_id }, name, status, type, h('td', { class: 'num muted' }, formatCount(o.step)));
    lazy.observe(tr, async () => {
      try {
        const m = await loggedModel(o.model_id);
        name.replaceChildren(h('a', { href: loggedModelHash(o.model_id), class: 'model-link', title: o.model_id }, m.name), h('div', { class: 'faint small mono ellipsis' }, o.model_id));
        status.replaceChildren(modelStatusPill(m.info.status));
        type.textContent = m.info.model_type || '';
      } catch (e) {
        status.replaceChildren(h('span', { class: 'faint', title: e.message }, e.status === 404 ? 'not found' : 'could not load'));
      }
    });
    return tr;
  });
  return h('div', { class: 'card logged-models' },
    h('div', { class: 'card-head' }, h('h2', null, 'Logged models'), h('span', { class: 'muted small' }, plural(outputs.length, 'model'))),
    h('div', { class: 'card-scroll' }, h('table', { class: 'table' },
      h('thead', null, h('tr', null, h('th', null, 'Name'), h('th', null, 'Status'), h('th', null, 'Type'), h('th', { class: 'num' }, 'Step'))),
      h('tbody', null, rows))));
}
