/** @module The SDK's debug log: silent unless `debug: true`, and absent from bundles built without DEBUG_BUILD. */

import { DEBUG_BUILD } from './debug-build.js';

/** Writes one debug line. */
export type Log = (message: string, detail?: unknown) => void;

/** A log that writes warnings when `debug` is on, else nothing. */
export function createLog(debug: boolean): Log {
  return DEBUG_BUILD && debug
    ? (message, detail) => {
        // biome-ignore lint/suspicious/noConsole: debug output the user asked for with `debug: true`
        console.warn(`[heed] ${message}`, detail ?? '');
      }
    : () => {};
}
