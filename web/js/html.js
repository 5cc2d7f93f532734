// Escaping tagged template. User text reaches the DOM only through this or textContent.
//
//   render(el, html`<a href="${url}">${name}</a>`)
//
// Interpolated values are escaped unless they are Safe (the result of html`` or raw() for
// trusted constant markup). Arrays are joined (each item escaped or Safe).

export class Safe {
  constructor(s) { this.s = s; }
  toString() { return this.s; }
}

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(v) {
  return String(v).replace(/[&<>"'`]/g, (c) => ESC[c]);
}

function piece(v) {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Safe) return v.s;
  if (Array.isArray(v)) return v.map(piece).join('');
  return escapeHtml(v);
}

export function html(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += piece(values[i]) + strings[i + 1];
  return new Safe(out);
}

/** Mark a constant (never user-provided) string as markup. */
export function raw(s) { return new Safe(String(s)); }

/** Only allow our own relative or hash URLs and http(s) in hrefs built from data. */
export function safeUrl(u) {
  const s = String(u ?? '');
  const t = s.replace(/[\x00-\x20]/g, '');
  if (/^https?:\/\//i.test(t)) return s;
  if (/^\/\//.test(t) || /^[a-z][a-z0-9+.-]*:/i.test(t)) return '#';
  return s;
}

/** Replace el's content with a Safe template. */
export function render(el, safe) {
  if (!(safe instanceof Safe)) throw new TypeError('render() needs html`` output');
  el.innerHTML = safe.s;
  return el;
}

/** Build a single element from a Safe template. */
export function fragment(safe) {
  const t = document.createElement('template');
  t.innerHTML = safe.s;
  return t.content;
}

/** Tiny DOM builder for hot paths: h('div', {class:'x', title}, child, 'text'). Strings become text nodes. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'href') el.setAttribute('href', safeUrl(v));
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
