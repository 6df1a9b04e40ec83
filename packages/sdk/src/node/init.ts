/** @module `init` for Node: automatic capture, flush on exit and signals, opt-in dependency health. */
import type { Client } from '../core/client.js';
import { createClient } from '../core/client.js';
import { instrumentFetch } from '../core/fetch-instrument.js';
import { setClient } from '../core/hub.js';
import type { Options } from '../core/options.js';
import { installExitHandlers } from './exit-handlers.js';
import { instrumentHttpClient } from './outgoing-http.js';
import { nodePlatform } from './platform.js';
import { installProcessHandlers } from './process-handlers.js';

/** Options of the Node `init`. */
export interface NodeOptions extends Options {
  /** Flush on SIGTERM and SIGINT (then exit as Node would if the app has no handler). Default true. */
  exitSignals?: boolean;
  /** How long a flush on exit or a fatal error may take (ms). Default 2000. */
  shutdownTimeoutMs?: number;
}

/**
 * Starts the SDK in Node. The DSN may come from `HEED_DSN`; `HEED_SDK_DISABLED=1` is a kill switch.
 * Returns the client, or undefined when disabled or without a valid DSN (every call is then a no-op).
 * @example
 * import { init, track } from '@heed/sdk/node';
 * init({ dsn: process.env.HEED_DSN, release: 'shop@1.2.3', environment: 'production' });
 * track('signup', { tags: { plan: 'pro' } });
 */
export function init(options: NodeOptions = {}): Client | undefined {
  try {
    const killed = /^(1|true|yes)$/i.test(process.env.HEED_SDK_DISABLED ?? '');
    const dsn = options.dsn ?? process.env.HEED_DSN;
    const client = createClient({ ...options, dsn, enabled: options.enabled !== false && !killed }, nodePlatform());
    setClient(client);
    if (!client) return undefined;
    const timeout = options.shutdownTimeoutMs ?? 2000;
    client.onClose(installExitHandlers(client, timeout, options.exitSignals !== false));
    if (client.options.autoCapture) client.onClose(installProcessHandlers(client, timeout));
    if (client.options.dependencies) {
      client.onClose(instrumentFetch(client));
      client.onClose(instrumentHttpClient(client));
    }
    return client;
  } catch {
    return undefined;
  }
}
