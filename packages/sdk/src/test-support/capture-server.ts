/** @module Test support: a loopback HTTP server recording what the SDK sends, with programmable answers. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One recorded request, body decompressed. */
export interface Captured {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Bytes on the wire (before decompression). */
  wireBytes: number;
}

/** An answer to give. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A running capture server. */
export interface CaptureServer {
  url: string;
  port: number;
  requests: Captured[];
  /** Decides each answer (default: 200 `{}`). */
  respond: (req: Captured) => Answer;
  /** Resolves when `pred` holds for the recorded requests, rejects after `timeoutMs`. */
  waitFor(pred: (reqs: Captured[]) => boolean, timeoutMs?: number): Promise<void>;
  /** A DSN for project 42 with key `publickey` pointing here. */
  dsn: string;
  close(): Promise<void>;
}

/** Starts a capture server on 127.0.0.1 and a free port. */
export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString() : raw.toString();
      const captured: Captured = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, wireBytes: raw.length };
      requests.push(captured);
      const a = cs.respond(captured);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body ?? '{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const cs: CaptureServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    respond: () => ({ status: 200 }),
    dsn: `http://publickey@127.0.0.1:${port}/42`,
    async waitFor(pred, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      while (!pred(requests)) {
        if (Date.now() > end) throw new Error(`timed out; got ${requests.length} request(s): ${requests.map((r) => r.url).join(', ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  return cs;
}

/** Splits an envelope into its header, and items as [itemHeader, payload] pairs (JSON items, no `length`). */
export function parseEnvelope(body: string): {
  header: Record<string, unknown>;
  items: Array<[Record<string, unknown>, Record<string, unknown>]>;
} {
  const lines = body.split('\n');
  const header = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
  const items: Array<[Record<string, unknown>, Record<string, unknown>]> = [];
  for (let i = 1; i + 1 < lines.length; i += 2) {
    items.push([JSON.parse(lines[i] as string), JSON.parse(lines[i + 1] as string)]);
  }
  return { header, items };
}
