/** @module User-Agent strings to browser, OS and device, with bowser (MIT), cached by string. */
import Bowser from 'bowser';
import type { ClientInfo } from './error-types.js';

const cache = new Map<string, ClientInfo>();
const CACHE_LIMIT = 2000;

/** Browser, OS and device of a User-Agent; an empty object when nothing is recognised. */
export function parseUserAgent(ua: string): ClientInfo {
  const hit = cache.get(ua);
  if (hit) return hit;
  const out: ClientInfo = {};
  try {
    const r = Bowser.parse(ua.slice(0, 512));
    if (r.browser.name) out.browser = { name: r.browser.name, ...(r.browser.version ? { version: r.browser.version } : {}) };
    if (r.os.name) {
      const version = r.os.versionName ?? r.os.version;
      out.os = { name: r.os.name, ...(version ? { version } : {}) };
    }
    if (r.platform.type) {
      out.device = {
        type: r.platform.type,
        ...(r.platform.vendor ? { vendor: r.platform.vendor } : {}),
        ...(r.platform.model ? { model: r.platform.model } : {}),
      };
    }
  } catch {
    // An unparseable UA leaves the client unknown.
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(ua, out);
  return out;
}

/** The major part of a version ("156.0.0.0" → "156", "10" → "10"). */
export function majorVersion(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const m = /^\s*v?(\d+)/.exec(v);
  return m ? m[1] : v.trim().split(/\s+/)[0];
}
