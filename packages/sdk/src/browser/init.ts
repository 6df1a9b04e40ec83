/** @module `init` for browsers: global error handlers, and a last send with `sendBeacon` when the page goes away. */
import type { Client } from '../core/client.js';
import { createClient } from '../core/client.js';
import { instrumentFetch } from '../core/fetch-instrument.js';
import { setClient } from '../core/hub.js';
import type { Options } from '../core/options.js';
import { startSession } from '../core/session.js';
import { getWindow, type Target } from './globals.js';
import { browserPlatform } from './platform.js';

type ErrorEv = { error?: unknown; message?: string };
type RejectionEv = { reason?: unknown };

/** Sends what is queued with `sendBeacon` (fetch keepalive where there is none): the page may be gone next. */
export function sendBeacons(client: Client): void {
  const nav = getWindow()?.navigator;
  client.sendNow((req) => {
    if (nav?.sendBeacon) return nav.sendBeacon(req.url, req.body as string);
    client.transport(req).catch(() => {});
    return true;
  });
}

/**
 * Starts the SDK in a page. Returns the client, or undefined when disabled or without a valid DSN.
 * @example
 * import { init, track } from '@heed/sdk/browser';
 * init({ dsn: 'http://abc123@heed.example.com:7600/1', release: 'shop@1.2.3' });
 * track('checkout.completed', { value: 49.9 });
 */
export function init(options: Options = {}): Client | undefined {
  try {
    const client = createClient(options, browserPlatform());
    setClient(client);
    const w = getWindow();
    if (!client || !w) return client;
    const listen = <E>(target: Target | undefined, type: string, fn: (ev: E) => void) => {
      const safe = (ev: E) => {
        try {
          fn(ev);
        } catch {
          // A listener of ours must never surface as a page error.
        }
      };
      target?.addEventListener(type, safe);
      client.onClose(() => target?.removeEventListener(type, safe));
    };
    if (client.options.autoCapture) {
      listen<ErrorEv>(w, 'error', (ev) =>
        client.captureException(ev.error ?? ev.message, { mechanism: { type: 'auto.browser.global_handlers.onerror', handled: false } }),
      );
      listen<RejectionEv>(w, 'unhandledrejection', (ev) =>
        client.captureException(ev.reason, { mechanism: { type: 'auto.browser.global_handlers.onunhandledrejection', handled: false } }),
      );
    }
    listen(w, 'pagehide', startSession(client)); // ends it; before the beacons below, so it goes with them
    listen(w, 'pagehide', () => sendBeacons(client));
    listen(w.document, 'visibilitychange', () => {
      if (w.document?.visibilityState === 'hidden') sendBeacons(client);
    });
    if (client.options.dependencies) client.onClose(instrumentFetch(client));
    return client;
  } catch {
    return undefined;
  }
}
