// Column picker popover for the runs table: metrics (last, min, max), params and tags.
//
//   openColumnPicker(button, { keys: { metrics, params, tags }, current: ['metrics.acc', ...],
//                              onChange(ids), onReset() })

import { h } from '../html.js';
import { columnId, AGGS } from '../lib/url-state.js';
import { openPopover } from './popover.js';

export function openColumnPicker(anchor, { keys, current, onChange, onReset }) {
  let chosen = [...current];
  const search = h('input', { class: 'input', type: 'search', placeholder: 'Find a param or metric…', 'aria-label': 'Find column' });
  const list = h('div', { class: 'picker-list' });
  const toggle = (id, on) => {
    chosen = chosen.filter((x) => x !== id);
    if (on) chosen.push(id);
    onChange(chosen);
  };
  const checkbox = (id, label) => {
    const cb = h('input', { type: 'checkbox', 'data-col': id, 'aria-label': label });
    cb.checked = chosen.includes(id);
    cb.addEventListener('change', () => toggle(id, cb.checked));
    return cb;
  };
  const sorted = (m) => [...m.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const renderList = () => {
    const q = search.value.trim().toLowerCase();
    const match = (k) => !q || k.toLowerCase().includes(q);
    const section = (title, entries) => (entries.length ? [h('div', { class: 'picker-section' }, title), ...entries] : []);
    const metricRows = sorted(keys.metrics).filter(match).map((k) => h('div', { class: 'picker-row' },
      h('span', { class: 'mono ellipsis grow', title: k }, k),
      ...AGGS.map((agg) => h('label', { class: 'check small' }, checkbox(columnId({ kind: 'metric', key: k, agg }), `${k} ${agg}`), agg))));
    const simple = (kind, m) => sorted(m).filter(match).map((k) => h('label', { class: 'picker-row check' },
      checkbox(columnId({ kind, key: k }), `${kind} ${k}`), h('span', { class: 'mono ellipsis', title: k }, k)));
    list.replaceChildren(...section('Metrics', metricRows), ...section('Params', simple('param', keys.params)), ...section('Tags', simple('tag', keys.tags)));
    if (!list.children.length) list.append(h('div', { class: 'muted small', style: { padding: '12px' } }, q ? 'Nothing matches.' : 'No params, metrics or tags logged yet.'));
  };
  search.addEventListener('input', renderList);
  renderList();
  const content = h('div', { class: 'picker', role: 'dialog', 'aria-label': 'Columns' },
    h('div', { class: 'picker-head' }, search),
    list,
    h('div', { class: 'picker-foot' },
      h('button', { class: 'btn btn-ghost btn-sm', type: 'button', onclick: () => { chosen = []; onChange(chosen); renderList(); } }, 'Hide all'),
      h('button', { class: 'btn btn-ghost btn-sm', type: 'button', onclick: () => { onReset(); pop.close(); } }, 'Reset to defaults')));
  const pop = openPopover(anchor, content, { align: 'right' });
  search.focus();
  return pop;
}
