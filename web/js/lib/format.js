// Pure formatting helpers. No DOM.

const NBSP = '\u00a0';

/** Format a metric/param number compactly, keeping up to `sig` significant digits. */
export function formatNumber(v, sig = 6) {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'string') {
    const n = Number(v);
    if (v.trim() === '' || Number.isNaN(n)) return v;
    v = n;
  }
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e15) return String(v);
  if (a >= 1e6 || a < 1e-4) {
    // scientific, trimmed: 1.2345e-7
    const [m, e] = v.toExponential(Math.max(0, sig - 1)).split('e');
    return `${trimZeros(m)}e${e.replace('+', '')}`;
  }
  return trimZeros(v.toPrecision(sig));
}

function trimZeros(s) {
  if (!s.includes('.')) return s;
  return s.replace(/\.?0+$/, '');
}

/** Number for an axis tick given the tick step (so 0.1, 0.2 don't become 0.30000000000000004). */
export function formatTick(v, step) {
  if (v === 0 || Math.abs(v) < Math.abs(step) * 1e-9) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return formatNumber(v, 3);
  return v.toFixed(stepDecimals(step));
}

/** Decimals needed to print multiples of `step` exactly (0.25 -> 2, 5 -> 0). */
export function stepDecimals(step) {
  const s = trimZeros(Math.abs(step).toPrecision(10));
  if (s.includes('e')) return Math.min(12, Math.max(0, -Number(s.split('e')[1])));
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : Math.min(12, s.length - dot - 1);
}

/** Integer with thousands separators: 12345 -> "12,345". */
export function formatCount(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '';
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Human duration from milliseconds: 950ms, 4.2s, 3m 05s, 2h 04m, 3d 4h. */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  const neg = ms < 0;
  ms = Math.abs(ms);
  let out;
  if (ms < 1000) out = `${Math.round(ms)}ms`;
  else if (ms < 10_000) out = `${(ms / 1000).toFixed(1)}s`;
  else if (ms < 60_000) out = `${Math.floor(ms / 1000)}s`;
  else if (ms < 3_600_000) {
    const m = Math.floor(ms / 60_000), s = Math.floor((ms % 60_000) / 1000);
    out = `${m}m${NBSP}${String(s).padStart(2, '0')}s`;
  } else if (ms < 86_400_000) {
    const h = Math.floor(ms / 3_600_000), m = Math.floor((ms % 3_600_000) / 60_000);
    out = `${h}h${NBSP}${String(m).padStart(2, '0')}m`;
  } else {
    const d = Math.floor(ms / 86_400_000), h = Math.floor((ms % 86_400_000) / 3_600_000);
    out = `${d}d${NBSP}${h}h`;
  }
  return neg ? `−${out}` : out;
}

/** Compact duration for axis ticks: 0, 45s, 1m 30s, 2h, 1h 30m, 3d 4h. */
export function formatDurationShort(ms) {
  if (!Number.isFinite(ms)) return '';
  if (ms === 0) return '0';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  if (rest < 1000) return `${neg ? '−' : ''}${Math.round(rest)}ms`;
  const units = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  const parts = [];
  for (const [u, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n || parts.length) parts.push(n ? `${n}${u}` : '');
    if (parts.length === 2) break;
  }
  return (neg ? '−' : '') + parts.filter(Boolean).join(' ');
}

function pad2(n) { return String(n).padStart(2, '0'); }

/** Local date-time "2024-05-01 12:34:56". */
export function formatTimestamp(ms, { seconds = true } = {}) {
  if (ms === null || ms === undefined || !Number.isFinite(Number(ms))) return '';
  const d = new Date(Number(ms));
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}${seconds ? ':' + pad2(d.getSeconds()) : ''}`;
  return `${date} ${time}`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", or a date when older than ~30 days. */
export function formatRelative(ms, now = Date.now()) {
  if (ms === null || ms === undefined || !Number.isFinite(Number(ms))) return '';
  const diff = now - Number(ms);
  if (diff < 0) return formatTimestamp(ms, { seconds: false });
  if (diff < 45_000) return 'just now';
  if (diff < 3_600_000) return `${Math.max(1, Math.round(diff / 60_000))} min ago`;
  if (diff < 86_400_000) return `${Math.round(diff / 3_600_000)} h ago`;
  if (diff < 30 * 86_400_000) {
    const d = Math.round(diff / 86_400_000);
    return d === 1 ? 'yesterday' : `${d} days ago`;
  }
  return formatTimestamp(ms, { seconds: false }).slice(0, 10);
}

/** Bytes: 512 B, 1.5 KB, 3.2 MB. */
export function formatBytes(n) {
  if (n === null || n === undefined || !Number.isFinite(Number(n))) return '';
  n = Number(n);
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let u = -1;
  do { n /= 1024; u++; } while (n >= 1024 && u < units.length - 1);
  return `${n < 10 ? n.toFixed(1) : Math.round(n)} ${units[u]}`;
}

/** Shorten a long id for display: "3fa2c1…9b". */
export function shortId(id, head = 8) {
  if (!id) return '';
  return id.length <= head + 2 ? id : id.slice(0, head);
}

/** Pluralise: plural(3, 'run') -> "3 runs". */
export function plural(n, word, many = word + 's') {
  return `${formatCount(n)} ${n === 1 ? word : many}`;
}
