// Navigation helpers: every view state change goes through the URL.

/** Go to a hash. replace: update the current history entry (continuous controls such as sliders). */
export function navigate(hash, { replace = false } = {}) {
  if (hash === location.hash) return;
  if (replace) {
    history.replaceState(history.state, '', hash);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = hash;
  }
}

export function setTitle(...parts) {
  document.title = [...parts.filter(Boolean), 'track'].join(' · ');
}
