// Small badges of the model pages: registry stage, alias chip, logged-model status.

import { h } from '../html.js';
import { loggedModelStatus, versionLabel } from '../lib/models.js';

/** Stage of a model version; "None" is shown as a faint dash. */
export function stagePill(stage) {
  if (!stage || stage === 'None') return h('span', { class: 'faint', title: 'No stage' }, '—');
  return h('span', { class: `pill stage-${stage.toLowerCase()}` }, stage);
}

/** "@champion", or "@champion → v3" when the version is given. */
export function aliasChip(alias, version) {
  return h('span', { class: 'alias', title: version === undefined ? `Alias ${alias}` : `Alias ${alias} points at version ${version}` },
    `@${alias}`, version === undefined ? null : h('span', { class: 'alias-to' }, ` → ${versionLabel(version)}`));
}

export function modelStatusPill(status) {
  const s = loggedModelStatus(status);
  return h('span', { class: `pill pill-${s.tone}`, title: status || undefined }, s.label);
}
