/** @module What a runtime (Node, browser) plugs into the core client. */
import type { Transport } from './transport.js';
import type { ErrorEvent } from './types.js';

/** Runtime hooks of a client. */
export interface Platform {
  /** SDK name reported to the server, e.g. `heed.javascript.node`. */
  sdkName: string;
  /** Sentry's `platform` of events. */
  eventPlatform: 'node' | 'javascript';
  /** Adds runtime context to an event (server name, runtime, page URL...). */
  decorate?(event: ErrorEvent): void;
  /** Gzips a body; undefined when the runtime cannot. */
  compress?(body: string): Promise<Uint8Array | undefined>;
  /** Put the project key in the URL (`?key=`) rather than a header, so browsers send simple CORS requests. */
  keyInQuery?: boolean;
  /** The default transport of the runtime. */
  transport?: () => Transport;
}
