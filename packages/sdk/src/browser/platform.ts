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
    transport: () => {
      const send = createFetchTransport({ keepalive: true });
      // A leaving page sees its keepalive fetches fail at once, though they go on and arrive. Report a
      // failure only later (never, if the page is gone), so the pagehide beacon does not send it twice.
      return (req) => send(req).catch((e) => new Promise((_, no) => setTimeout(no, 100, e)));
    },
    decorate(ev) {
      const w = getWindow();
      if (!w) return;
      ev.request = { url: w.location?.href, headers: { 'User-Agent': w.navigator?.userAgent ?? '' } };
    },
  };
}
