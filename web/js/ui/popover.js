// Anchored popover that closes on outside click or Escape.

export function openPopover(anchor, content, { align = 'left', onClose } = {}) {
  const pop = document.createElement('div');
  pop.className = 'popover';
  pop.append(content);
  document.body.append(pop);
  const place = () => {
    const r = anchor.getBoundingClientRect();
    const w = pop.offsetWidth;
    let left = align === 'right' ? r.right - w : r.left;
    left = Math.max(8, Math.min(left, window.innerWidth - w - 8));
    pop.style.left = `${left}px`;
    pop.style.top = `${r.bottom + 6}px`;
  };
  place();
  const close = () => {
    pop.remove();
    document.removeEventListener('pointerdown', outside, true);
    document.removeEventListener('keydown', esc, true);
    window.removeEventListener('resize', place);
    onClose?.();
  };
  const outside = (e) => { if (!pop.contains(e.target) && !anchor.contains(e.target)) close(); };
  const esc = (e) => { if (e.key === 'Escape') { e.stopPropagation(); close(); anchor.focus(); } };
  pop.addEventListener('track:close', close);
  document.addEventListener('pointerdown', outside, true);
  document.addEventListener('keydown', esc, true);
  window.addEventListener('resize', place);
  return { el: pop, close, place };
}
