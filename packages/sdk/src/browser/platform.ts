/** @module The browser runtime for the core client: CompressionStream gzip, page URL and user agent on events. */
import type { Platform } from '../core/platform.js';
import { createFetchTransport } from '../core/transport.js';
import { getWindow } from './globals.js';

type Stream = { pipeThrough(t: unknown): unknown };
type Gzip = new (format: 'gzip') => unknown;

/** Gzips with `CompressionStream` when the browser has it. */
export async function gzipInBrowser(body: string): Promise<Uint8Array | undefined> {
  const CS = (globalThis as unknown as { CompressionStream?: Gzip }).CompressionStream;
  if (!CS) return undefined;
  const stream = (new Blob([body]).stream() as unknown as Stream).pipeThrough(new CS('gzip'));
  return new Uint8Array(await new Response(stream as ConstructorParameters<typeof Response>[0]).arrayBuffer());
}

/** The browser's platform hooks. */
export function browserPlatform(): Platform {
  return {
    sdkName: 'heed.javascript.browser',
    eventPlatform: 'javascript',
    keyInQuery: true,
    compress: gzipInBrowser,
    transport: () => createFetchTransport({ keepalive: true }),
    decorate(ev) {
      const w = getWindow();
      if (!w) return;
      ev.request = { url: w.location?.href, headers: { 'User-Agent': w.navigator?.userAgent ?? '' } };
    },
  };
}
