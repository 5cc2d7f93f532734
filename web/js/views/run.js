export function mount(root) { root.textContent = 'run'; return () => {}; }
