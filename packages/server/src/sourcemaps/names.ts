/**
 * @module Artifact names as Sentry's release files use them: a full URL (`https://cdn.example.com/app.js`),
 * or `~/path` for the same path on any origin. A frame's `abs_path` is looked up under both.
 */

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(\/.*)?$/i;
const MAX_NAME = 500;

/** Without query and fragment: `?v=3` cache busters do not change which file it is. */
export function artifactKey(name: string): string {
  return name.replace(/[?#].*$/, '');
}

/** Why a name cannot be stored, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > MAX_NAME) return `'name' must be 1-${MAX_NAME} characters.`;
  if (/[\s\p{Cc}]/u.test(name)) return `'name' must not contain spaces or control characters: '${name.slice(0, 100)}'.`;
  const key = artifactKey(name);
  if (key.startsWith('~/') || SCHEME.test(key)) return undefined;
  return `'name' must be a URL (https://cdn.example.com/static/app.js.map) or start with ~/ for any origin (~/static/app.js.map), not '${name.slice(0, 100)}'.`;
}

/** The names a frame's file may be stored under: its full URL first, then `~/path`. */
export function lookupKeys(url: string): string[] {
  const key = artifactKey(url);
  const m = SCHEME.exec(key);
  if (m) return [key, `~${m[3] ?? '/'}`];
  if (key.startsWith('~/')) return [key];
  return key.startsWith('/') ? [`~${key}`] : [];
}

/** A reference (a `sourceMappingURL`, a map's source) resolved against the name or URL of the file holding it. */
export function resolveRef(base: string, ref: string): string {
  if (SCHEME.test(ref) || /^[a-z][a-z0-9+.-]*:/i.test(ref)) return ref;
  try {
    if (base.startsWith('~/')) return `~${new URL(ref, `http://any${base.slice(1)}`).pathname}`;
    return new URL(ref, base).href;
  } catch {
    return ref;
  }
}

/** The `//# sourceMappingURL=` of a minified file (the last one wins, as in browsers). */
export function sourceMappingUrlOf(text: string): string | undefined {
  const tail = text.length > 4096 ? text.slice(-4096) : text;
  let found: string | undefined;
  for (const m of tail.matchAll(/\/[/*][#@]\s*sourceMappingURL=([^\s'"*]+)/g)) found = m[1];
  return found;
}

/** What a frame shows as its file: the map's source without scheme, host and leading `./` or `../` (from `node_modules/` on for dependencies). */
export function displayName(source: string): string {
  const nm = source.lastIndexOf('node_modules/');
  if (nm !== -1) return source.slice(nm);
  return source
    .replace(/^[a-z][a-z0-9+.-]*:(\/\/[^/]*)?/i, '')
    .replace(/^\/+(?=\.)/, '')
    .replace(/^(?:\.\.?\/)+/, '');
}
