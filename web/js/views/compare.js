export function mount(root) { root.textContent = 'compare'; return () => {}; }
