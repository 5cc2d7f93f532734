// The tags card of runs, registered models and model versions: key/value table, "Add tag" in the
// head, and per row an edit and a delete button (icons only, so the row's text stays its key and
// value). A filter box appears once the list is long.
//
//   editableTagsCard({ title: 'Tags', tags: [{key, value}], emptyText, onAdd, onEdit(tag), onDelete(tag),
//                      readOnly, extra, className, addId })

import { h } from '../html.js';
import { formatCount } from '../lib/format.js';

const ICONS = {
  edit: '<svg viewBox="0 0 16 16" width="14" height="14" fill="none" stroke="currentColor" stroke-width="1.5" aria-hidden="true"><path d="M10.5 2.5l3 3-8 8H2.5v-3z"/><path d="M9 4l3 3"/></svg>',
  delete: '<svg viewBox="0 0 16 16" width="14" height="14" fill="none" stroke="currentColor" stroke-width="1.5" aria-hidden="true"><path d="M2.5 4.5h11M6.5 4.5V3h3v1.5M4 4.5l.7 9h6.6l.7-9"/></svg>',
  move: '<svg viewBox="0 0 16 16" width="14" height="14" fill="none" stroke="currentColor" stroke-width="1.5" aria-hidden="true"><path d="M2.5 8h10M9.5 4.5L13 8l-3.5 3.5"/></svg>',
};

/** A small button showing one of the icons above; `label` is its accessible name and tooltip. */
export function iconButton(icon, label, onclick, { danger = false, action } = {}) {
  const b = h('button', { class: `btn btn-ghost btn-sm btn-icon icon-btn${danger ? ' danger-hover' : ''}`, type: 'button', title: label, 'aria-label': label, 'data-action': action || icon, onclick });
  b.innerHTML = ICONS[icon]; // constant markup
  return b;
}

const FILTER_FROM = 12; // rows from which the card gets a filter box

/** Key/value rows with edit and delete buttons (none when readOnly). filter(q) shows the rows matching q. */
export function tagsTable(tags, { onEdit, onDelete, readOnly = false }) {
  const sorted = [...tags].sort((a, b) => a.key.localeCompare(b.key, undefined, { numeric: true }));
  const tbody = h('tbody');
  const row = (t) => h('tr', { 'data-key': t.key },
    h('td', { class: 'key' }, t.key),
    h('td', { class: 'val' }, t.value),
    readOnly ? null : h('td', { class: 'actions-cell' }, h('div', { class: 'row-actions' },
      iconButton('edit', `Edit tag ${t.key}`, () => onEdit(t)),
      iconButton('delete', `Delete tag ${t.key}`, () => onDelete(t), { danger: true }))));
  const filter = (q) => tbody.replaceChildren(...sorted
    .filter((t) => !q || t.key.toLowerCase().includes(q) || String(t.value).toLowerCase().includes(q)).map(row));
  filter('');
  return { el: h('table', { class: 'table editable-tags' }, tbody), filter };
}

/**
 * readOnly: no add, edit or delete (e.g. a deleted run); extra: a node after the table (e.g. the
 * run's system tags); className: the card's own class; addId: the id of its "Add tag" button.
 */
export function editableTagsCard({ title = 'Tags', tags, emptyText, onAdd, onEdit, onDelete, readOnly = false, extra = null, className = '', addId }) {
  const table = tagsTable(tags, { onEdit, onDelete, readOnly });
  const filter = tags.length > FILTER_FROM
    ? h('input', { class: 'input filter-mini', type: 'search', placeholder: 'Filter…', 'aria-label': `Filter ${title.toLowerCase()}`, oninput: (e) => table.filter(e.target.value.trim().toLowerCase()) })
    : null;
  const add = readOnly ? null : h('button', { class: 'btn btn-sm add-tag', type: 'button', id: addId, onclick: onAdd }, '+ Add tag');
  return h('div', { class: `card editable-tags-card ${className}`.trim() },
    h('div', { class: 'card-head' }, h('h2', null, title), h('span', { class: 'muted small' }, formatCount(tags.length)),
      filter || add ? h('div', { class: 'actions' }, filter, add) : null),
    tags.length ? h('div', { class: 'card-scroll' }, table.el) : h('div', { class: 'card-empty' }, emptyText),
    extra);
}
