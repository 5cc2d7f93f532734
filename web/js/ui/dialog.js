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

/**
 * formDialog({title, message, fields, submitLabel, danger, onSubmit}) -> Promise<result|undefined>.
 * fields: [{name, label, value, placeholder, required, kind: 'text' | 'textarea' | 'select' | 'checkbox',
 *           options: [[value, label], ...] (select), hint}]. A hint is text, or a function of the
 *           current values (as onSubmit gets them) redrawn as the user types. onSubmit(values) gets {name: string | boolean}
 * (text trimmed, textarea as typed) and may throw (e.g. an ApiError): the message is shown inline and
 * the dialog stays open. Ctrl/Cmd+Enter submits from a textarea. The first field gets the focus.
 */
export function formDialog({ title, message, fields, submitLabel = 'Save', danger = false, onSubmit }) {
  return open((close) => {
    const inputs = new Map();
    const liveHints = [];
    const rows = fields.map((f, i) => {
      const kind = f.kind || 'text';
      let input;
      if (kind === 'textarea') {
        input = h('textarea', { class: 'input textarea', name: f.name, rows: f.rows || 6, placeholder: f.placeholder || '', spellcheck: 'true' });
        input.value = f.value ?? '';
      } else if (kind === 'select') {
        input = h('select', { class: 'input', name: f.name },
          ...(f.options || []).map(([v, label]) => h('option', { value: v }, label ?? v)));
        input.value = f.value ?? (f.options?.[0]?.[0] ?? '');
      } else if (kind === 'checkbox') {
        input = h('input', { type: 'checkbox', name: f.name });
        input.checked = Boolean(f.value);
      } else {
        input = h('input', { class: 'input', name: f.name, placeholder: f.placeholder || '', autocomplete: 'off', spellcheck: 'false' });
        input.value = f.value ?? '';
      }
      if (f.required) input.required = true;
      if (i === 0) input.setAttribute('autofocus', '');
      inputs.set(f.name, { input, kind });
      const hint = f.hint ? h('div', { class: 'muted small field-hint' }, typeof f.hint === 'function' ? '' : f.hint) : null;
      if (typeof f.hint === 'function') liveHints.push(() => { hint.textContent = f.hint(values()) || ''; });
      return kind === 'checkbox'
        ? h('label', { class: 'field field-check' }, input, ' ', f.label)
        : h('div', { class: 'field' }, h('label', null, f.label), input, hint);
    });
    const err = h('div', { class: 'inline-error', hidden: true });
    const submit = h('button', { class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`, type: 'submit' }, submitLabel);
    const form = h('form', { class: 'form-dialog' },
      h('h2', null, title),
      message ? h('p', null, message) : null,
      ...rows, err,
      h('div', { class: 'buttons' },
        h('button', { class: 'btn', type: 'button', onclick: () => close(undefined) }, 'Cancel'),
        submit));
    const values = () => {
      const out = {};
      for (const [name, { input, kind }] of inputs) {
        out[name] = kind === 'checkbox' ? input.checked : kind === 'textarea' ? input.value : input.value.trim();
      }
      return out;
    };
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.target.tagName === 'TEXTAREA') { e.preventDefault(); form.requestSubmit(); }
    });
    const updateHints = () => { for (const update of liveHints) update(); };
    form.addEventListener('input', updateHints);
    form.addEventListener('change', updateHints);
    updateHints();
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const v = values();
      for (const f of fields) if (f.required && (f.kind || 'text') !== 'checkbox' && !String(v[f.name]).trim()) { inputs.get(f.name).input.focus(); return; }
      submit.disabled = true;
      err.hidden = true;
      try { close(onSubmit ? (await onSubmit(v)) ?? v : v); }
      catch (ex) { err.textContent = ex.message || String(ex); err.hidden = false; }
      finally { submit.disabled = false; }
    });
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
