/** @module Small helpers: ids, clocks, unref'd timers, safe JSON. */

/** 32 lower-case hex digits (Sentry's event and check-in id form). */
export function uuid(): string {
  const c = (globalThis as unknown as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID().replace(/-/g, '');
  let s = '';
  for (let i = 0; i < 32; i++) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

/** Now as float Unix seconds. */
export const seconds = (): number => Date.now() / 1000;

/** A timer that never keeps a Node process alive. */
export function later(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
  const t = setTimeout(fn, ms);
  (t as unknown as { unref?: () => void }).unref?.();
  return t;
}

/** JSON that survives cycles, BigInt and throwing `toJSON`; undefined if it still fails. */
export function safeJson(value: unknown): string | undefined {
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
      }
      return v;
    });
  } catch {
    return undefined;
  }
}
