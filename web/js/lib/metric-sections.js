// Metric sections by name prefix, as W&B and MLflow's UI group them: "train/loss" belongs to the
// section "train", names without a "/" to the first section ("Metrics"), and "system/..." (the
// machine metrics MLflow's system metrics logging writes) to "System", always last.
// Pure: strings in, plain objects out.

/** The id of the section of names without a prefix (and of names starting with "/"). */
export const UNPREFIXED = '';
/** The id of the machine metrics' section: mlflow.enable_system_metrics_logging() writes "system/...". */
export const SYSTEM = 'system';

const TITLES = { [UNPREFIXED]: 'Metrics', [SYSTEM]: 'System' };

/** Natural order ("layer_2" before "layer_10"), then by code units so that the order is total. */
export function naturalCompare(a, b) {
  return a.localeCompare(b, undefined, { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The section id of a metric name: the part before its first "/" ('' when there is none or it is empty). */
export function metricSectionId(key) {
  const s = String(key);
  const i = s.indexOf('/');
  return i > 0 ? s.slice(0, i) : UNPREFIXED;
}

/** What a section heading says: "Metrics" for the unprefixed one, "System", else the prefix itself. */
export function sectionTitle(id) {
  return Object.hasOwn(TITLES, id) ? TITLES[id] : id;
}

const rank = (id) => (id === UNPREFIXED ? 0 : id === SYSTEM ? 2 : 1);

/**
 * Metric names -> [{ id, title, keys }]: the unprefixed section first, then the prefixes in
 * natural order, System last; the names of each section in natural order, without repeats.
 * Names that all share one section give that one section (views show no section headings then).
 */
export function metricSections(keys) {
  const groups = new Map();
  for (const k of new Set(Array.from(keys || [], String))) {
    const id = metricSectionId(k);
    let list = groups.get(id);
    if (!list) groups.set(id, (list = []));
    list.push(k);
  }
  return [...groups.keys()]
    .sort((a, b) => rank(a) - rank(b) || naturalCompare(a, b))
    .map((id) => ({ id, title: sectionTitle(id), keys: groups.get(id).sort(naturalCompare) }));
}

/** The folded section ids after a click on `id`'s toggle: folded -> open, open -> folded (appended). */
export function toggleFold(fold, id) {
  const list = [...new Set(fold || [])];
  return list.includes(id) ? list.filter((x) => x !== id) : [...list, id];
}
