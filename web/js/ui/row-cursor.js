// Keyboard navigation of a table's rows: j/k (or arrows) move a cursor, Enter opens the row's
// first link, "/" focuses the page's search box, Esc leaves it.
//
//   const keys = rowCursor(container, { rows: 'tbody tr', search: () => input });
//   keys.reset(); keys.set(i); keys.stop();

import { isTyping } from './dom.js';

export function rowCursor(container, { rows = 'tbody tr', search = () => null } = {}) {
  let cursor = -1;
  const list = () => container.querySelectorAll(rows);

  function set(i, { scroll = true } = {}) {
    const trs = list();
    if (!trs.length) { cursor = -1; return; }
    cursor = Math.max(0, Math.min(trs.length - 1, i));
    trs.forEach((tr, k) => tr.classList.toggle('is-cursor', k === cursor));
    if (scroll) trs[cursor].scrollIntoView({ block: 'nearest' });
  }

  function onKey(e) {
    if (e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey) return;
    if (isTyping(e)) { if (e.key === 'Escape') e.target.blur(); return; }
    if (e.key === '/') { const s = search(); if (s) { e.preventDefault(); s.focus(); } }
    else if (e.key === 'j' || e.key === 'ArrowDown') { e.preventDefault(); set(cursor + 1); }
    else if (e.key === 'k' || e.key === 'ArrowUp') { e.preventDefault(); set(cursor - 1); }
    else if (e.key === 'Enter' && cursor >= 0) { list()[cursor]?.querySelector('a')?.click(); }
  }
  document.addEventListener('keydown', onKey);

  return {
    set,
    /** Forget the cursor (the rows were replaced). */
    reset() { cursor = -1; },
    /** Put the cursor class back on re-rendered rows. */
    restore() { if (cursor >= 0) set(cursor, { scroll: false }); },
    stop() { document.removeEventListener('keydown', onKey); },
  };
}
