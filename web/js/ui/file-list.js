// A list of artifact files under one folder: files are download links, folders open in place.

import * as api from '../api.js';
import { h } from '../html.js';
import { formatBytes } from '../lib/format.js';
import { joinPath, sortEntries, baseName } from '../lib/artifacts.js';
import { errorBox } from './dom.js';

/**
 * root: the folder's path under the artifacts API ("1/models/m-x/artifacts").
 * onEmpty(): called when the folder itself holds nothing (the caller shows its own empty state).
 */
export function fileList(root, { signal, onEmpty } = {}) {
  const ul = h('ul', { class: 'file-list' });
  fill(ul, '', 0);
  return ul;

  async function fill(list, rel, depth) {
    list.replaceChildren(h('li', { class: 'file-row muted' }, h('span', { class: 'spinner' })));
    let files;
    try { files = sortEntries(await api.listArtifacts(joinPath(root, rel), { signal })); }
    catch (e) { if (!api.isAbort(e)) list.replaceChildren(h('li', null, errorBox(e, { title: 'Could not list the files' }))); return; }
    if (!files.length) {
      if (!rel && onEmpty) { onEmpty(); return; }
      list.replaceChildren(h('li', { class: 'file-row faint' }, 'empty folder'));
      return;
    }
    list.replaceChildren(...files.map((f) => entry(f, joinPath(rel, baseName(f.path)), depth)));
  }

  function entry(f, rel, depth) {
    const indent = { paddingLeft: `${12 + depth * 16}px` };
    if (!f.is_dir) {
      return h('li', null, h('a', { class: 'file-row', style: indent, href: api.artifactUrl(joinPath(root, rel)), download: baseName(rel), title: `Download ${rel}` },
        h('span', { class: 'icon', 'aria-hidden': 'true' }, '↓'), h('span', { class: 'name' }, baseName(rel)),
        f.file_size !== null ? h('span', { class: 'size' }, formatBytes(f.file_size)) : null));
    }
    const sub = h('ul', { class: 'file-list', hidden: true });
    const icon = h('span', { class: 'icon', 'aria-hidden': 'true' }, '▸');
    let loaded = false;
    const btn = h('button', { class: 'file-row is-dir', type: 'button', style: indent, 'aria-expanded': 'false', title: rel },
      icon, h('span', { class: 'name' }, baseName(rel)));
    btn.addEventListener('click', () => {
      const open = sub.hidden;
      sub.hidden = !open;
      btn.setAttribute('aria-expanded', String(open));
      icon.textContent = open ? '▾' : '▸';
      if (open && !loaded) { loaded = true; fill(sub, rel, depth + 1); }
    });
    return h('li', null, btn, sub);
  }
}
