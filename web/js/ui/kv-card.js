// A card of key/value rows (parameters, tags), with a filter box once the list is long.

import { h } from '../html.js';
import { formatCount } from '../lib/format.js';

/** list: [{key, value}]; extra: an element shown under the table (e.g. system tags). */
export function kvCard(title, list, emptyText, extra) {
  const sorted = [...list].sort((a, b) => a.key.localeCompare(b.key, undefined, { numeric: true }));
  const tbody = h('tbody');
  const fill = (q) => {
    tbody.replaceChildren(...sorted.filter((p) => !q || p.key.toLowerCase().includes(q) || String(p.value).toLowerCase().includes(q))
      .map((p) => h('tr', null, h('td', { class: 'key' }, p.key), h('td', { class: 'val' }, p.value))));
  };
  fill('');
  const filter = sorted.length > 12 ? h('input', { class: 'input filter-mini', type: 'search', placeholder: 'Filter…', 'aria-label': `Filter ${title.toLowerCase()}`, oninput: (e) => fill(e.target.value.trim().toLowerCase()) }) : null;
  return h('div', { class: 'card' },
    h('div', { class: 'card-head' }, h('h2', null, title), h('span', { class: 'muted small' }, formatCount(sorted.length)), filter ? h('div', { class: 'actions' }, filter) : null),
    sorted.length ? h('div', { class: 'card-scroll' }, h('table', { class: 'table' }, tbody)) : h('div', { class: 'card-empty' }, emptyText),
    extra);
}
