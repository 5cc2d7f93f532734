// Popover to choose which experiments a runs table shows (cross-experiment work).
//
//   openExperimentPicker(button, { experiments: [{experiment_id, name}], selected: ['1'], onApply(ids) })

import { h } from '../html.js';
import { openPopover } from './popover.js';

export function openExperimentPicker(anchor, { experiments, selected, onApply }) {
  const chosen = new Set(selected);
  const search = h('input', { class: 'input', type: 'search', placeholder: 'Find an experiment…', 'aria-label': 'Find experiment' });
  const list = h('div', { class: 'picker-list' });
  const apply = h('button', { class: 'btn btn-primary btn-sm', type: 'button' }, 'Show runs');
  const note = h('span', { class: 'muted small' });
  const sync = () => {
    apply.disabled = chosen.size === 0;
    note.textContent = `${chosen.size} selected`;
  };
  const renderList = () => {
    const q = search.value.trim().toLowerCase();
    const rows = experiments.filter((e) => !q || e.name.toLowerCase().includes(q) || e.experiment_id === q).map((e) => {
      const cb = h('input', { type: 'checkbox', 'data-exp': e.experiment_id });
      cb.checked = chosen.has(e.experiment_id);
      cb.addEventListener('change', () => { if (cb.checked) chosen.add(e.experiment_id); else chosen.delete(e.experiment_id); sync(); });
      return h('label', { class: 'picker-row check' }, cb, h('span', { class: 'ellipsis grow', title: e.name }, e.name), h('span', { class: 'id faint' }, e.experiment_id));
    });
    list.replaceChildren(...(rows.length ? rows : [h('div', { class: 'muted small', style: { padding: '12px' } }, 'Nothing matches.')]));
  };
  search.addEventListener('input', renderList);
  renderList();
  sync();
  const content = h('div', { class: 'picker', role: 'dialog', 'aria-label': 'Experiments' },
    h('div', { class: 'picker-head' }, search),
    list,
    h('div', { class: 'picker-foot' }, note, apply));
  const pop = openPopover(anchor, content, { align: 'right' });
  // ids in numeric order, so the same set always gives the same URL
  apply.addEventListener('click', () => { pop.close(); onApply([...chosen].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))); });
  search.focus();
  return pop;
}
