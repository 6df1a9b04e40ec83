/**
 * @module The dashboard: GET / and its hashed assets, bundled from @heed/web on first request and
 * served from memory with a strict Content-Security-Policy (scripts only from this server).
 */
import type { Dashboard } from '@heed/web';
import { ApiError } from '../kernel/index.js';
import type { Handler } from './context.js';
import type { Services } from './services.js';

/** No inline scripts, no other origins: an injected `onerror=` attribute could not run even if it reached the DOM. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};

/** The dashboard routes. */
export function webRoutes(s: Services): Array<[string, string, Handler]> {
  let built: Promise<Dashboard> | undefined;
  const dashboard = () => {
    built ??= import('@heed/web').then((m) => m.buildDashboard());
    built.then(
      (d) => s.log.debug('dashboard built', { ms: d.buildMs }),
      () => {
        built = undefined; // retry on the next request
      },
    );
    return built;
  };
  return [
    ['GET', '/', async () => ({ status: 200, text: (await dashboard()).html, headers: PAGE_HEADERS })],
    [
      'GET',
      '/assets/:file',
      async (ctx) => {
        const asset = (await dashboard()).assets.get(ctx.params.file ?? '');
        if (!asset)
          throw new ApiError('request.not_found', `No dashboard asset '${String(ctx.params.file).slice(0, 80)}'; reload the page.`);
        return {
          status: 200,
          text: asset.body,
          headers: {
            'content-type': asset.type,
            'cache-control': 'public, max-age=31536000, immutable',
            'x-content-type-options': 'nosniff',
          },
        };
      },
    ],
  ];
}
