/**
 * @module Debug ids: the UUID a bundler plugin or `sentry-cli sourcemaps inject` writes into both a
 * minified file (`//# debugId=<uuid>`) and its map (`"debug_id"`, or `"debugId"` of the TC39
 * proposal), and that the browser SDK reports per file in `debug_meta.images`. They tie a frame to
 * its map regardless of release.
 */

const UUID = /^([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})$/;

/** The debug id in its canonical form (lowercase UUID with dashes), or undefined when it is not one. */
export function normalizeDebugId(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length > 64) return undefined;
  const m = UUID.exec(v.trim().toLowerCase());
  return m ? m.slice(1).join('-') : undefined;
}

/** The `//# debugId=` of a minified file (the last one wins, as for sourceMappingURL). */
export function debugIdOfMinified(text: string): string | undefined {
  const tail = text.length > 4096 ? text.slice(-4096) : text;
  let found: string | undefined;
  for (const m of tail.matchAll(/\/[/*][#@]\s*debugId=([0-9A-Fa-f-]{32,40})/g)) found = m[1];
  return normalizeDebugId(found);
}

/** The debug id of a parsed source map's JSON. */
export function debugIdOfMap(json: Record<string, unknown>): string | undefined {
  return normalizeDebugId(json.debug_id) ?? normalizeDebugId(json.debugId);
}
