// The runs filter box: MLflow filter language input with autocomplete hints and an inline error.
//
//   const box = filterBox({ keys: () => ({ metrics, params, tags }), onApply(text) {}, onLeave() {} });
//   box.setValue(text); box.setError(err | null); box.focus();

import { h } from '../html.js';
import { filterHints, applyHint } from '../lib/filter-hints.js';

const PLACEHOLDER = "Filter runs:  metrics.acc > 0.9 and params.optimizer = 'adam'";

export function filterBox({ keys, onApply, onLeave }) {
  const input = h('input', { class: 'input mono filter-input', type: 'text', spellcheck: 'false', autocomplete: 'off', placeholder: PLACEHOLDER, 'aria-label': 'Filter runs (MLflow search syntax)', id: 'runs-filter' });
  const clear = h('button', { class: 'btn btn-ghost btn-sm filter-clear', type: 'button', title: 'Clear filter', 'aria-label': 'Clear filter', onclick: () => { input.value = ''; onApply(''); } }, '✕');
  const list = h('ul', { class: 'hints', role: 'listbox', hidden: true });
  const error = h('div', { class: 'inline-error', hidden: true, role: 'alert' });
  const el = h('div', { class: 'filter-box' },
    h('div', { class: 'filter-wrap' }, h('span', { class: 'filter-icon', 'aria-hidden': 'true' }, '⌕'), input, clear, list),
    error);
  let applied = '';
  let hint = null;
  let active = -1;

  function update() {
    hint = filterHints(input.value, input.selectionStart ?? input.value.length, keys());
    active = -1;
    render();
  }
  function render() {
    const show = hint && hint.items.length && document.activeElement === input;
    list.hidden = !show;
    if (!show) return;
    list.replaceChildren(...hint.items.map((it, k) => h('li', {
      role: 'option', class: k === active ? 'is-active' : '', 'aria-selected': String(k === active),
      onpointerdown: (e) => { e.preventDefault(); pick(k); },
    }, h('span', { class: 'mono' }, it.label), h('span', { class: 'hint-kind' }, it.detail))));
  }
  function pick(k) {
    const out = applyHint(input.value, hint, hint.items[k]);
    input.value = out.text;
    input.setSelectionRange(out.cursor, out.cursor);
    update();
  }

  input.addEventListener('input', update);
  input.addEventListener('focus', update);
  input.addEventListener('click', update);
  input.addEventListener('blur', () => { list.hidden = true; });
  input.addEventListener('keydown', (e) => {
    const open = !list.hidden && hint?.items.length;
    if (e.key === 'ArrowDown' && open) { e.preventDefault(); active = (active + 1) % hint.items.length; render(); }
    else if (e.key === 'ArrowUp' && open) { e.preventDefault(); active = (active - 1 + hint.items.length) % hint.items.length; render(); }
    else if ((e.key === 'Tab' && open) || (e.key === 'Enter' && open && active >= 0)) { e.preventDefault(); pick(Math.max(0, active)); }
    else if (e.key === 'Enter') { e.preventDefault(); list.hidden = true; onApply(input.value.trim()); }
    else if (e.key === 'ArrowDown' && !open) { e.preventDefault(); onLeave?.(); }
    else if (e.key === 'Escape') {
      e.preventDefault();
      if (open) list.hidden = true;
      else { input.value = applied; input.blur(); onLeave?.(); }
    }
  });

  return {
    el,
    input,
    setValue(v) { applied = v; input.value = v; },
    setError(err) {
      error.hidden = !err;
      error.textContent = err ? err.message : '';
      input.classList.toggle('is-invalid', !!err);
    },
    focus() { input.focus(); input.select(); },
  };
}
