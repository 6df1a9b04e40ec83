/**
 * @module Scrubbing personal data before anything is stored: values under sensitive keys
 * (passwords, tokens, cookies, authorization, card data...), card numbers that pass the Luhn
 * check, bearer credentials, private keys, and sensitive query parameters, in nested data.
 */

/** What replaces a scrubbed value. */
export const FILTERED = '[Filtered]';

const DEFAULT_KEY_RE =
  /passw|pwd|secret|token|apikey|auth|credential|cookie|session|csrf|xsrf|privatekey|accesskey|creditcard|cardnumber|ccnumber|cvv|cvc|ssn|iban|signature/;
const CARD_RE = /\b(?:\d[ -]?){12,18}\d\b/g;
const AUTH_RE = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const PEM_RE = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;
const QUERY_RE = /([?&;])([^=&#\s;]+)=([^&#\s;]*)/g;
const URL_CRED_RE = /\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s]+):[^@/\s]+@/gi;
const MAX_DEPTH = 8;

function luhn(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

/** Scrubs strings and nested data. */
export interface Scrubber {
  /** True when values under this key are sensitive. */
  sensitiveKey(key: string): boolean;
  /** Masks sensitive patterns inside a string. */
  text(s: string): string;
  /** Deep copy of `v` with sensitive keys and patterns masked (bounded depth). */
  value(v: unknown): unknown;
  /** Scrubs a flat object of strings (headers, tags). */
  record(r: Record<string, string>): Record<string, string>;
}

/** Creates a scrubber with the default rules plus `extraKeys` (matched as substrings, case-insensitive). */
export function createScrubber(extraKeys: readonly string[] = []): Scrubber {
  const extra = extraKeys.map((k) => k.toLowerCase().replace(/[-_\s]/g, '')).filter(Boolean);
  const keyCache = new Map<string, boolean>();
  const sensitiveKey = (key: string): boolean => {
    let hit = keyCache.get(key);
    if (hit !== undefined) return hit;
    const k = key.toLowerCase().replace(/[-_\s]/g, '');
    hit = DEFAULT_KEY_RE.test(k) || extra.some((e) => k.includes(e));
    if (keyCache.size > 5000) keyCache.clear();
    keyCache.set(key, hit);
    return hit;
  };
  const text = (s: string): string => {
    if (s.length < 8) return s;
    let out = s;
    if (/\d/.test(out)) {
      out = out.replace(CARD_RE, (m) => {
        const digits = m.replace(/[ -]/g, '');
        return digits.length >= 13 && luhn(digits) ? FILTERED : m;
      });
    }
    if (out.includes(' ')) out = out.replace(AUTH_RE, (_m, scheme: string) => `${scheme} ${FILTERED}`);
    if (out.includes('-----BEGIN')) out = out.replace(PEM_RE, FILTERED);
    if (out.includes('=')) {
      out = out.replace(QUERY_RE, (m, sep: string, k: string) => (sensitiveKey(safeDecode(k)) ? `${sep}${k}=${FILTERED}` : m));
    }
    if (out.includes('@')) out = out.replace(URL_CRED_RE, (_m, head: string) => `${head}:${FILTERED}@`);
    return out;
  };
  const value = (v: unknown, depth = 0): unknown => {
    if (typeof v === 'string') return text(v);
    if (typeof v !== 'object' || v === null) return v;
    if (depth >= MAX_DEPTH) return '[Truncated]';
    if (Array.isArray(v)) return v.map((x) => value(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = sensitiveKey(k) && x !== null && x !== '' ? FILTERED : value(x, depth + 1);
    return out;
  };
  const record = (r: Record<string, string>): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(r)) out[k] = sensitiveKey(k) ? FILTERED : text(x);
    return out;
  };
  return { sensitiveKey, text, value: (v) => value(v), record };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
