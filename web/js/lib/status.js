// Run status helpers. No DOM.

export const HEARTBEAT_TAG = 'track.heartbeat';
export const CRASH_AFTER_MS = 5 * 60 * 1000;

/** Parse a heartbeat tag value: epoch ms, epoch seconds, or an ISO date. */
export function parseHeartbeat(v) {
  if (v === undefined || v === null || v === '') return null;
  const n = Number(v);
  if (Number.isFinite(n)) return n < 1e11 ? n * 1000 : n;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : null;
}

/**
 * Status to display: the run's status, except a RUNNING run whose `track.heartbeat` tag
 * is older than 5 minutes is shown as CRASHED.
 */
export function displayStatus(info, tags, now = Date.now()) {
  const s = info?.status || 'UNKNOWN';
  if (s !== 'RUNNING') return s;
  const hb = parseHeartbeat(tags ? tags[HEARTBEAT_TAG] : undefined);
  if (hb !== null && now - hb > CRASH_AFTER_MS) return 'CRASHED';
  return s;
}

export function isLive(status) { return status === 'RUNNING' || status === 'SCHEDULED'; }

/** Duration in ms (to `now` for a running run), or null. */
export function runDuration(info, now = Date.now()) {
  const s = Number(info?.start_time);
  if (!s) return null;
  const e = Number(info.end_time);
  if (e) return e - s;
  return info.status === 'RUNNING' ? now - s : null;
}
