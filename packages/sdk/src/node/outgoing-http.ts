/** @module Opt-in dependency health over `node:http`/`https` requests, read from diagnostics channels (nothing patched). */
import dc from 'node:diagnostics_channel';
import type { Client } from '../core/client.js';
import { HTTP_CLIENT_KPI } from '../core/fetch-instrument.js';

type ReqLike = { host?: string; getHeader?(name: string): unknown };

/** Subscribes to Node's `http.client.*` channels; returns the unsubscription. */
export function instrumentHttpClient(client: Client): () => void {
  const starts = new WeakMap<object, number>();
  const record = (req: ReqLike, status: string) => {
    const start = starts.get(req);
    if (start === undefined) return;
    starts.delete(req);
    const host = String(req.getHeader?.('host') ?? req.host ?? 'unknown');
    if (host !== client.dsn.host) client.measure(HTTP_CLIENT_KPI, { host, status }, Date.now() - start);
  };
  const onStart = (m: unknown) => {
    const req = (m as { request?: object }).request;
    if (req) starts.set(req, Date.now());
  };
  const onResponse = (m: unknown) => {
    const { request, response } = m as { request: ReqLike; response?: { statusCode?: number } };
    record(request, String(response?.statusCode ?? 0));
  };
  const onError = (m: unknown) => record((m as { request: ReqLike }).request, 'error');
  const subs: Array<[string, (m: unknown) => void]> = [
    ['http.client.request.start', onStart],
    ['http.client.response.finish', onResponse],
    ['http.client.request.error', onError],
  ];
  for (const [name, fn] of subs) dc.subscribe(name, fn);
  return () => {
    for (const [name, fn] of subs) dc.unsubscribe(name, fn);
  };
}
