// A small action menu in a popover: a list of buttons, arrow keys move, Enter or click picks.
//
//   menuButton({ label: '⋯', title: 'Actions', items: () => [{ label, onSelect, danger }, 'separator'] })

import { h } from '../html.js';
import { openPopover } from './popover.js';

/** Open a menu under `anchor`. items: [{label, onSelect, danger, id}] and 'separator'. */
export function openMenu(anchor, items, { align = 'right', onClose } = {}) {
  const buttons = [];
  const list = h('div', { class: 'menu', role: 'menu' }, items.map((item) => {
    if (item === 'separator') return h('div', { class: 'menu-sep', role: 'separator' });
    const b = h('button', {
      class: `menu-item${item.danger ? ' is-danger' : ''}`, type: 'button', role: 'menuitem', 'data-action': item.id,
      onclick: () => { pop.close(); item.onSelect(); },
    }, item.label);
    buttons.push(b);
    return b;
  }));
  list.addEventListener('keydown', (e) => {
    const i = buttons.indexOf(document.activeElement);
    const step = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    buttons[(i + step + buttons.length) % buttons.length].focus();
  });
  const pop = openPopover(anchor, list, { align, onClose });
  keepInView(pop.el, anchor);
  buttons[0]?.focus();
  return pop;
}

/** A menu near the bottom of the window opens above its button instead. */
function keepInView(el, anchor) {
  const box = el.getBoundingClientRect();
  if (box.bottom <= window.innerHeight - 8) return;
  const top = anchor.getBoundingClientRect().top - box.height - 6;
  if (top >= 8) el.style.top = `${top}px`;
}

/** A button that opens (or closes) the menu of items() it builds when clicked. */
export function menuButton({ label, title, items, className = 'btn btn-ghost btn-sm', align }) {
  let open = null;
  const button = h('button', { class: `${className} menu-button`, type: 'button', title, 'aria-label': title, 'aria-haspopup': 'menu', 'aria-expanded': 'false' }, label);
  button.addEventListener('click', () => {
    if (open) { open.close(); return; }
    button.setAttribute('aria-expanded', 'true');
    open = openMenu(button, items(), { align, onClose: () => { open = null; button.setAttribute('aria-expanded', 'false'); } });
  });
  return button;
}
