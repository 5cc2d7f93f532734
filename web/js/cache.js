// The one small shared cache: promise-valued, TTL, bounded size (oldest evicted first).
// Dedupes concurrent requests for the same key. Failed promises are not kept.

const MAX_ENTRIES = 500;
const store = new Map(); // key -> { value: Promise, expires }

export function cached(key, ttlMs, load) {
  const now = Date.now();
  const hit = store.get(key);
  if (hit && hit.expires > now) {
    store.delete(key); store.set(key, hit); // refresh recency
    return hit.value;
  }
  const value = Promise.resolve().then(load);
  const entry = { value, expires: now + ttlMs };
  store.set(key, entry);
  value.catch(() => { if (store.get(key) === entry) store.delete(key); });
  while (store.size > MAX_ENTRIES) store.delete(store.keys().next().value);
  return value;
}

export function peek(key) {
  const hit = store.get(key);
  return hit && hit.expires > Date.now() ? hit.value : undefined;
}

export function put(key, value, ttlMs) {
  store.set(key, { value: Promise.resolve(value), expires: Date.now() + ttlMs });
}

/** Drop entries whose key starts with prefix (or everything). */
export function invalidate(prefix = '') {
  for (const k of [...store.keys()]) if (k.startsWith(prefix)) store.delete(k);
}
