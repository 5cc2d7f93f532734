// Run status helpers. No DOM.

export const HEARTBEAT_TAG = 'track.heartbeat';
export const HEARTBEAT_INTERVAL_TAG = 'track.heartbeat_interval_ms';
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
 * How long a RUNNING run may go without a heartbeat before it counts as crashed: 5 minutes, or
 * three missed beats when the run announced a slower interval (`track.heartbeat_interval_ms`).
 */
export function crashAfter(tags) {
  const interval = Number(tags ? tags[HEARTBEAT_INTERVAL_TAG] : NaN);
  return Number.isFinite(interval) && interval > 0 ? Math.max(CRASH_AFTER_MS, 3 * interval) : CRASH_AFTER_MS;
}

/**
 * Status to display: the run's status, except a RUNNING run whose `track.heartbeat` tag is older
 * than crashAfter(tags) is shown as CRASHED (the process died without ending the run).
 */
export function displayStatus(info, tags, now = Date.now()) {
  const s = info?.status || 'UNKNOWN';
  if (s !== 'RUNNING') return s;
  const hb = parseHeartbeat(tags ? tags[HEARTBEAT_TAG] : undefined);
  if (hb !== null && now - hb > crashAfter(tags)) return 'CRASHED';
  return s;
}

export function isLive(status) { return status === 'RUNNING' || status === 'SCHEDULED'; }

/** A run that is still logging: RUNNING and not crashed. Pages poll only for these. */
export function isRunning(run, now = Date.now()) {
  return displayStatus(run.info, run.tags, now) === 'RUNNING';
}

/**
 * Duration in ms, or null: to the end time; for a running run to `now`; for a crashed run (pass
 * its tags) to its last heartbeat, when the process was last seen alive.
 */
export function runDuration(info, now = Date.now(), tags = null) {
  const s = Number(info?.start_time);
  if (!s) return null;
  const e = Number(info.end_time);
  if (e) return e - s;
  if (info.status !== 'RUNNING') return null;
  if (tags && displayStatus(info, tags, now) === 'CRASHED') return Math.max(0, parseHeartbeat(tags[HEARTBEAT_TAG]) - s);
  return now - s;
}
