/** @module The transport seam: one HTTP request in, status and headers out; the default one uses fetch. */

/** One request the SDK wants sent. */
export interface TransportRequest {
  url: string;
  body: string | Uint8Array;
  headers: Record<string, string>;
}

/** What the SDK reads from an answer. */
export interface TransportResponse {
  status: number;
  /** A response header, lower-case name; null when absent. */
  header(name: string): string | null;
  /** The body text (the KPI endpoint lists rejected events there). */
  body: string;
}

/** Sends one request; rejects on network failure (the caller counts it, never the host app). */
export type Transport = (req: TransportRequest) => Promise<TransportResponse>;

type FetchLike = (
  url: string,
  init: { method: string; body: string | Uint8Array; headers: Record<string, string>; keepalive?: boolean; signal?: AbortSignal },
) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

// Browsers refuse keepalive bodies over 64 KiB in flight; stay under it.
const KEEPALIVE_MAX = 60_000;

/**
 * A transport over `fetch`, captured when created so later instrumentation of `fetch` never sees the SDK's own requests.
 * @example
 * const transport = createFetchTransport();
 */
export function createFetchTransport(opts: { keepalive?: boolean; timeoutMs?: number } = {}): Transport {
  const f = (globalThis as unknown as { fetch?: FetchLike }).fetch;
  return async (req) => {
    if (!f) throw new Error('no fetch');
    const res = await f(req.url, {
      method: 'POST',
      body: req.body,
      headers: req.headers,
      keepalive: opts.keepalive === true && req.body.length < KEEPALIVE_MAX,
      signal: typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(opts.timeoutMs ?? 10_000) : undefined,
    });
    const body = await res.text().catch(() => '');
    return { status: res.status, header: (n) => res.headers.get(n), body };
  };
}
