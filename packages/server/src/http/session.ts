/**
 * @module Dashboard sessions: the admin token traded once for an HttpOnly, SameSite=Strict cookie,
 * plus a CSRF token that every state-changing call made with the cookie must echo in `X-Heed-CSRF`.
 * Stateless: the cookie is signed with a key derived from the admin token, so changing the token
 * ends every session, and nothing is stored.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../kernel/index.js';

/** The cookie's name. */
export const SESSION_COOKIE = 'heed_session';
/** The header a cookie-authenticated POST, PATCH or DELETE must carry. */
export const CSRF_HEADER = 'x-heed-csrf';
/** How long a session lasts (seconds). */
export const SESSION_SECONDS = 12 * 3600;

/** A verified session. */
export interface Session {
  expiresAt: number;
  csrf: string;
}

const b64 = (buf: Buffer) => buf.toString('base64url');
const keyOf = (adminToken: string) => createHmac('sha256', adminToken).update('heed-session-v1').digest();
const mac = (key: Buffer, text: string) => b64(createHmac('sha256', key).update(text).digest());

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Issues a new session: the cookie value and its CSRF token. */
export function issueSession(adminToken: string, nowMs: number): { cookie: string; session: Session } {
  const key = keyOf(adminToken);
  const exp = Math.floor(nowMs / 1000) + SESSION_SECONDS;
  const nonce = b64(randomBytes(18));
  const body = `${exp}.${nonce}`;
  return { cookie: `${body}.${mac(key, body)}`, session: { expiresAt: exp * 1000, csrf: mac(key, `csrf.${nonce}`) } };
}

/** Reads one cookie from the request. */
export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  const raw = req.headers.cookie;
  if (!raw) return undefined;
  for (const part of raw.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** The session of the request's cookie, if it is signed by this token and not expired. */
export function sessionOf(req: IncomingMessage, adminToken: string, nowMs: number): Session | undefined {
  const value = cookieValue(req, SESSION_COOKIE);
  const m = value ? /^(\d{1,12})\.([\w-]{10,64})\.([\w-]{20,64})$/.exec(value) : null;
  if (!m) return undefined;
  const [, exp, nonce, sig] = m as unknown as [string, string, string, string];
  const key = keyOf(adminToken);
  if (!same(sig, mac(key, `${exp}.${nonce}`))) return undefined;
  if (Number(exp) * 1000 <= nowMs) return undefined;
  return { expiresAt: Number(exp) * 1000, csrf: mac(key, `csrf.${nonce}`) };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Accepts a request made with a session cookie: true when the cookie is valid, and for
 * state-changing methods only with the matching CSRF header (else 403 `auth.csrf`).
 */
export function acceptSession(req: IncomingMessage, adminToken: string, nowMs: number): boolean {
  const s = sessionOf(req, adminToken, nowMs);
  if (!s) return false;
  if (SAFE.has(req.method ?? 'GET')) return true;
  const given = req.headers[CSRF_HEADER];
  if (typeof given !== 'string' || !same(given, s.csrf)) {
    throw new ApiError(
      'auth.csrf',
      `A ${req.method} made with the session cookie needs the header ${CSRF_HEADER} (the csrf value of GET /api/v1/session).`,
    );
  }
  return true;
}

/** The Set-Cookie header of a session (or, with no value, one that ends it). */
export function sessionCookieHeader(value: string | undefined, secure: boolean): string {
  const attrs = ['Path=/', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])];
  return value === undefined
    ? `${SESSION_COOKIE}=; Max-Age=0; ${attrs.join('; ')}`
    : `${SESSION_COOKIE}=${value}; Max-Age=${SESSION_SECONDS}; ${attrs.join('; ')}`;
}
