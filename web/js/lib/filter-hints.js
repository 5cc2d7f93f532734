// Autocomplete hints for MLflow's run filter language. Pure, no DOM.
//   metrics.acc > 0.5 and params.lr = '0.01' and tags.`mlflow.user` LIKE 'al%'

const PREFIXES = [
  { word: 'metrics', kind: 'metric' },
  { word: 'params', kind: 'param' },
  { word: 'tags', kind: 'tag' },
  { word: 'attributes', kind: 'attr' },
];
const ALIASES = { metric: 'metric', metrics: 'metric', param: 'param', params: 'param', parameter: 'param', parameters: 'param', tag: 'tag', tags: 'tag', attribute: 'attr', attributes: 'attr', attr: 'attr', run: 'attr' };
export const ATTRIBUTE_KEYS = ['run_name', 'status', 'start_time', 'end_time', 'user_id', 'run_id', 'artifact_uri'];
const NUM_OPS = ['>', '>=', '<', '<=', '=', '!='];
const STR_OPS = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];

/** Tokenize the filter text (lenient: never throws). */
export function tokenize(text) {
  const toks = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (c === "'" || c === '"') {
      i++;
      while (i < text.length && text[i] !== c) i++;
      const closed = i < text.length;
      if (closed) i++;
      toks.push({ type: 'string', text: text.slice(start, i), start, end: i, closed });
    } else if (/[<>=!]/.test(c)) {
      while (i < text.length && /[<>=!]/.test(text[i])) i++;
      toks.push({ type: 'op', text: text.slice(start, i), start, end: i });
    } else if (c === '(' || c === ')' || c === ',') {
      i++;
      toks.push({ type: 'punct', text: c, start, end: i });
    } else {
      while (i < text.length && !/[\s<>=!'"(),]/.test(text[i])) {
        if (text[i] === '`') { i++; while (i < text.length && text[i] !== '`') i++; }
        i++;
      }
      const word = text.slice(start, Math.min(i, text.length));
      const lw = word.toLowerCase();
      let type = 'ident';
      if (lw === 'and') type = 'and';
      else if (['like', 'ilike', 'in', 'not', 'is'].includes(lw)) type = 'op';
      else if (/^[-+]?(\d|\.\d)/.test(word)) type = 'number';
      toks.push({ type, text: word, start, end: Math.min(i, text.length) });
    }
  }
  return toks;
}

function needsQuote(key) { return !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key); }
function ref(prefix, key) { return `${prefix}.${needsQuote(key) ? '`' + key + '`' : key}`; }
function unquote(s) { return s.replace(/`/g, ''); }

function kindOf(identText) {
  const dot = identText.indexOf('.');
  if (dot < 0) return null;
  return ALIASES[identText.slice(0, dot).toLowerCase()] || null;
}

/**
 * Suggestions for the cursor position.
 * keys: { metrics: [], params: [], tags: [] }
 * Returns { from, to, items: [{ label, insert, detail }] }: replacing text[from, to) with `insert`.
 */
export function filterHints(text, cursor = text.length, keys = {}, limit = 12) {
  const before = text.slice(0, cursor);
  const toks = tokenize(before);
  let cur = toks.length ? toks[toks.length - 1] : null;
  // the token being typed is the last one if it touches the cursor (and isn't a closed string)
  const touching = cur && cur.end === cursor && !(cur.type === 'string' && cur.closed);
  const prev = touching ? toks[toks.length - 2] : cur;
  const partial = touching ? cur.text : '';
  const from = touching ? cur.start : cursor;
  const to = cursor;
  const out = (items) => ({ from, to, items: items.slice(0, limit) });

  // Operator position: after an identifier.
  if (prev && prev.type === 'ident' && (!touching || cur.type === 'op' || cur.type === 'ident')) {
    const kind = kindOf(prev.text);
    if (kind) {
      const isNumeric = kind === 'metric' || (kind === 'attr' && /time$/.test(unquote(prev.text)));
      const ops = isNumeric ? NUM_OPS : STR_OPS;
      const p = partial.toUpperCase();
      return out(ops.filter((o) => o.startsWith(p) && o !== p).map((o) => ({ label: o, insert: o + ' ', detail: 'operator' })));
    }
  }
  // Value position: after an operator.
  if (prev && prev.type === 'op') {
    const ident = toks[toks.indexOf(prev) - 1];
    const kind = ident ? kindOf(ident.text) : null;
    if (kind === 'attr' && /status/.test(ident.text) && (!touching || cur.type === 'string')) {
      const p = partial.replace(/^['"]/, '').toUpperCase();
      return out(['RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'SCHEDULED'].filter((s) => s.startsWith(p)).map((s) => ({ label: `'${s}'`, insert: `'${s}' `, detail: 'status' })));
    }
    return out([]);
  }
  // After a complete value: suggest "and".
  if (prev && (prev.type === 'string' || prev.type === 'number') && (!touching || cur.type === 'ident')) {
    return out('and'.startsWith(partial.toLowerCase()) ? [{ label: 'and', insert: 'and ', detail: 'combine conditions' }] : []);
  }
  if (touching && cur.type !== 'ident') return out([]);

  // Identifier position.
  const word = unquote(partial);
  const dot = word.indexOf('.');
  const items = [];
  const lists = { metric: keys.metrics || [], param: keys.params || [], tag: keys.tags || [], attr: ATTRIBUTE_KEYS };
  const prefixFor = { metric: 'metrics', param: 'params', tag: 'tags', attr: 'attributes' };
  if (dot >= 0) {
    const kind = ALIASES[word.slice(0, dot).toLowerCase()];
    if (!kind) return out([]);
    const rest = word.slice(dot + 1).toLowerCase();
    const starts = [], contains = [];
    for (const k of lists[kind]) {
      const lk = k.toLowerCase();
      if (lk === rest) continue;
      if (lk.startsWith(rest)) starts.push(k); else if (rest && lk.includes(rest)) contains.push(k);
    }
    for (const k of [...starts, ...contains]) items.push({ label: ref(prefixFor[kind], k), insert: ref(prefixFor[kind], k) + ' ', detail: kind });
    return out(items);
  }
  const lw = word.toLowerCase();
  for (const p of PREFIXES) if (p.word.startsWith(lw)) items.push({ label: p.word + '.', insert: p.word + '.', detail: p.kind === 'attr' ? 'run attribute' : p.kind + 's' });
  if (lw) {
    for (const kind of ['metric', 'param', 'tag']) {
      for (const k of lists[kind]) if (k.toLowerCase().startsWith(lw)) items.push({ label: ref(prefixFor[kind], k), insert: ref(prefixFor[kind], k) + ' ', detail: kind });
    }
  }
  return out(items);
}

/** Apply a hint to the text, returning { text, cursor }. */
export function applyHint(text, hint, item) {
  const t = text.slice(0, hint.from) + item.insert + text.slice(hint.to);
  return { text: t, cursor: hint.from + item.insert.length };
}

/** A filter clause for "column = value" (used by click-to-filter). */
export function clauseFor(kind, key, value) {
  const prefix = { metric: 'metrics', param: 'params', tag: 'tags', attr: 'attributes' }[kind];
  const lhs = `${prefix}.${needsQuote(key) ? '`' + key + '`' : key}`;
  if (kind === 'metric') return `${lhs} = ${value}`;
  return `${lhs} = '${String(value).replace(/'/g, "\\'")}'`;
}

/** Append a clause to an existing filter with "and". */
export function addClause(filter, clause) {
  const f = (filter || '').trim();
  return f ? `${f} and ${clause}` : clause;
}
