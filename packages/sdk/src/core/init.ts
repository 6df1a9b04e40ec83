/** @module `init` of the runtime-neutral core: fetch transport, no automatic capture. */
import { type Client, createClient } from './client.js';
import { setClient } from './hub.js';
import type { Options } from './options.js';

/**
 * Starts the SDK with no runtime integrations (for workers, edge runtimes, Deno, Bun).
 * Returns the client, or undefined when disabled or the DSN is missing or invalid.
 * @example
 * init({ dsn: 'http://abc123@127.0.0.1:7600/1', release: 'shop@1.2.3' });
 */
export function init(options: Options = {}): Client | undefined {
  try {
    const client = createClient(options, { sdkName: 'heed.javascript', eventPlatform: 'javascript' });
    setClient(client);
    return client;
  } catch {
    return undefined;
  }
}
