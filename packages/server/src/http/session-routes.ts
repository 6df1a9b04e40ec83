/** @module Log in and out of the dashboard: POST, GET and DELETE /api/v1/session. */
import { ApiError } from '../kernel/index.js';
import { sameToken } from './auth.js';
import type { Handler } from './context.js';
import { readJson } from './read-json.js';
import type { Services } from './services.js';
import { issueSession, sessionCookieHeader, sessionOf } from './session.js';

/** The session routes. */
export function sessionRoutes(s: Services): Array<[string, string, Handler]> {
  const secure = () => s.publicUrl.startsWith('https:');
  return [
    [
      'POST',
      '/api/v1/session',
      async (ctx) => {
        const body = await readJson(ctx.req);
        const token = body.token;
        if (typeof token !== 'string' || token.length === 0 || token.length > 512) {
          throw new ApiError('request.invalid_body', 'Send {"token": "<admin token>"}; `heed start` prints the admin token.');
        }
        if (!sameToken(token, s.adminToken)) throw new ApiError('auth.invalid', 'The admin token is not valid.');
        const { cookie, session } = issueSession(s.adminToken, s.clock());
        return {
          status: 200,
          body: { csrf: session.csrf, expiresAt: session.expiresAt },
          headers: { 'set-cookie': sessionCookieHeader(cookie, secure()), 'cache-control': 'no-store' },
        };
      },
    ],
    [
      'GET',
      '/api/v1/session',
      async (ctx) => {
        // Logged out is an answer, not an error: the dashboard asks this on every load.
        const session = sessionOf(ctx.req, s.adminToken, s.clock());
        const body = session ? { loggedIn: true, csrf: session.csrf, expiresAt: session.expiresAt } : { loggedIn: false };
        return { status: 200, body, headers: { 'cache-control': 'no-store' } };
      },
    ],
    [
      'DELETE',
      '/api/v1/session',
      async () => ({ status: 204, headers: { 'set-cookie': sessionCookieHeader(undefined, secure()), 'cache-control': 'no-store' } }),
    ],
  ];
}
