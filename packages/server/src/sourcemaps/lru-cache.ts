/**
 * @module A cache of parsed files bounded by bytes, least recently used out first, that loads
 * each key once however many requests ask for it at the same time.
 */

/** The cache. */
export interface ByteLru<V> {
  /** The value of `key`, loading it (once, shared by concurrent callers) on a miss. */
  get(key: string, load: () => Promise<{ value: V; bytes: number } | undefined>): Promise<V | undefined>;
  /** Bytes held and entries. */
  size(): { bytes: number; entries: number };
  clear(): void;
}

/** Creates a cache holding at most `maxBytes` (an entry larger than that is used but not kept). */
export function createByteLru<V>(maxBytes: number): ByteLru<V> {
  const entries = new Map<string, { value: V; bytes: number }>();
  const loading = new Map<string, Promise<V | undefined>>();
  let total = 0;
  const put = (key: string, value: V, bytes: number) => {
    if (bytes > maxBytes) return;
    entries.set(key, { value, bytes });
    total += bytes;
    for (const [k, e] of entries) {
      if (total <= maxBytes) break;
      entries.delete(k);
      total -= e.bytes;
    }
  };
  return {
    get(key, load) {
      const hit = entries.get(key);
      if (hit) {
        // Map order is insertion order: moving the entry to the end marks it most recently used.
        entries.delete(key);
        entries.set(key, hit);
        return Promise.resolve(hit.value);
      }
      let p = loading.get(key);
      if (!p) {
        p = load()
          .then((r) => {
            if (r) put(key, r.value, r.bytes);
            return r?.value;
          })
          .finally(() => loading.delete(key));
        loading.set(key, p);
      }
      return p;
    },
    size: () => ({ bytes: total, entries: entries.size }),
    clear() {
      entries.clear();
      total = 0;
    },
  };
}
