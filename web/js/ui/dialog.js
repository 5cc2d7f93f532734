// Modal dialogs built on <dialog>. Text goes in via textContent only.

import { h } from '../html.js';

function open(build) {
  return new Promise((resolve) => {
    const dlg = h('dialog', { class: 'dialog' });
    let result;
    const close = (v) => { result = v; dlg.close(); };
    dlg.append(build(close));
    dlg.addEventListener('close', () => { dlg.remove(); resolve(result); });
    document.body.append(dlg);
    dlg.showModal();
    dlg.querySelector('[autofocus]')?.focus();
  });
}

/** confirm({title, message, confirmLabel, danger}) -> Promise<boolean> */
export function confirmDialog({ title, message, confirmLabel = 'Confirm', danger = false }) {
  return open((close) => {
    const form = h('form', { method: 'dialog' },
      h('h2', null, title),
      message ? h('p', null, message) : null,
      h('div', { class: 'buttons' },
        h('button', { class: 'btn', type: 'button', onclick: () => close(false) }, 'Cancel'),
        h('button', { class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`, type: 'submit', autofocus: true }, confirmLabel)));
    form.addEventListener('submit', (e) => { e.preventDefault(); close(true); });
    return form;
  }).then((v) => v === true);
}

/**
 * prompt({title, label, value, submitLabel, placeholder, onSubmit}) -> Promise<result|undefined>.
 * onSubmit(value) may throw (e.g. an ApiError): the message is shown inline and the dialog stays open.
 */
export function promptDialog({ title, label, value = '', submitLabel = 'Save', placeholder = '', onSubmit }) {
  return open((close) => {
    const input = h('input', { class: 'input', name: 'value', required: true, autofocus: true, placeholder, autocomplete: 'off', spellcheck: 'false' });
    input.value = value;
    const err = h('div', { class: 'inline-error', hidden: true });
    const submit = h('button', { class: 'btn btn-primary', type: 'submit' }, submitLabel);
    const form = h('form', null,
      h('h2', null, title),
      h('div', { class: 'field' }, h('label', null, label), input, err),
      h('div', { class: 'buttons' },
        h('button', { class: 'btn', type: 'button', onclick: () => close(undefined) }, 'Cancel'),
        submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const v = input.value.trim();
      if (!v) return;
      submit.disabled = true;
      err.hidden = true;
      try { close(onSubmit ? await onSubmit(v) ?? v : v); }
      catch (ex) { err.textContent = ex.message || String(ex); err.hidden = false; input.classList.add('is-invalid'); input.focus(); }
      finally { submit.disabled = false; }
    });
    setTimeout(() => input.select(), 0);
    return form;
  });
}

/** Show a list of keyboard shortcuts. */
export function shortcutsDialog(groups) {
  return open((close) => h('form', { method: 'dialog' },
    h('h2', null, 'Keyboard shortcuts'),
    ...groups.map(([name, keys]) => h('div', { class: 'shortcut-group' },
      h('h3', { class: 'muted small' }, name),
      h('dl', { class: 'kv shortcuts' }, keys.flatMap(([k, d]) => [h('dt', null, ...k.split(' ').map((x) => h('kbd', null, x))), h('dd', null, d)])))),
    h('div', { class: 'buttons' }, h('button', { class: 'btn', type: 'button', autofocus: true, onclick: () => close() }, 'Close'))));
}
