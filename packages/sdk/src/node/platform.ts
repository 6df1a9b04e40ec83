/** @module The Node runtime for the core client: gzip via zlib, host and runtime context on events. */
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Platform } from '../core/platform.js';

const gz = promisify(gzip);

/** Node's platform hooks. */
export function nodePlatform(): Platform {
  let host: string | undefined;
  return {
    sdkName: 'heed.javascript.node',
    eventPlatform: 'node',
    compress: async (body) => new Uint8Array(await gz(body)),
    decorate(ev) {
      host ??= hostname();
      ev.server_name = host;
      ev.contexts = { runtime: { name: 'node', version: process.version }, os: { name: process.platform }, ...ev.contexts };
    },
  };
}
