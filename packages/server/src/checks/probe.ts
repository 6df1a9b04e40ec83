/**
 * @module Probes: one HTTP(S) request (method, headers, expected status and body, redirects,
 * TLS expiry) or one TCP connect, bounded by a timeout that covers connect, response and body.
 * Fresh connections every time, so latency includes connecting as a user's first request would.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { CheckSpec, ProbeResult } from './types.js';

const MAX_BODY = 64 * 1024;
const MAX_REDIRECTS = 5;

/** True when `status` matches one of `expect` ('200', '2xx'). */
export function statusMatches(status: number, expect: readonly string[]): boolean {
  const s = String(status);
  return expect.some((e) => (e.endsWith('xx') ? s[0] === e[0] : s === e));
}

function once(url: URL, spec: CheckSpec, deadline: number): Promise<{ res: IncomingMessage; body: string; tlsDaysLeft?: number }> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: spec.method,
      headers: { 'user-agent': 'Heed-Check/1', ...spec.headers },
      agent: false,
      rejectUnauthorized: spec.ignoreTlsErrors !== true,
      timeout: Math.max(1, deadline - Date.now()),
    });
    const timer = setTimeout(() => req.destroy(new Error(`timed out after ${spec.timeoutMs} ms`)), Math.max(1, deadline - Date.now()));
    req.on('timeout', () => req.destroy(new Error(`timed out after ${spec.timeoutMs} ms`)));
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      let tlsDaysLeft: number | undefined;
      const sock = res.socket as TLSSocket;
      if (typeof sock.getPeerCertificate === 'function') {
        const validTo = Date.parse(sock.getPeerCertificate().valid_to ?? '');
        if (Number.isFinite(validTo)) tlsDaysLeft = Math.floor((validTo - Date.now()) / 86400_000);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_BODY) chunks.push(c);
        size += c.length;
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ res, body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8'), tlsDaysLeft });
      });
    });
    req.end();
  });
}

/** Runs one HTTP check. */
export async function probeHttp(spec: CheckSpec): Promise<ProbeResult> {
  const start = performance.now();
  const deadline = Date.now() + spec.timeoutMs;
  const latency = () => Math.round((performance.now() - start) * 10) / 10;
  let url = new URL(spec.target);
  let tlsDaysLeft: number | undefined;
  try {
    for (let hop = 0; ; hop++) {
      const r = await once(url, spec, deadline);
      tlsDaysLeft ??= r.tlsDaysLeft;
      const status = r.res.statusCode ?? 0;
      const location = r.res.headers.location;
      if (
        spec.followRedirects &&
        status >= 300 &&
        status < 400 &&
        location &&
        !statusMatches(
          status,
          spec.expectStatus.filter((e) => e !== '3xx'),
        )
      ) {
        if (hop >= MAX_REDIRECTS)
          return { ok: false, latencyMs: latency(), status, error: `more than ${MAX_REDIRECTS} redirects`, tlsDaysLeft };
        url = new URL(location, url);
        continue;
      }
      const base = { latencyMs: latency(), status, ...(tlsDaysLeft === undefined ? {} : { tlsDaysLeft }) };
      if (!statusMatches(status, spec.expectStatus)) {
        return { ...base, ok: false, error: `status ${status}, expected ${spec.expectStatus.join(' or ')}` };
      }
      if (spec.expectBody !== undefined && !r.body.includes(spec.expectBody)) {
        return { ...base, ok: false, error: `the body does not contain '${spec.expectBody.slice(0, 60)}'` };
      }
      return { ...base, ok: true };
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return {
      ok: false,
      latencyMs: latency(),
      error: e.code ? `${e.code}: ${e.message}`.slice(0, 200) : e.message.slice(0, 200),
      tlsDaysLeft,
    };
  }
}

/** Runs one TCP check: connected in time is up. */
export function probeTcp(spec: CheckSpec): Promise<ProbeResult> {
  const start = performance.now();
  const latency = () => Math.round((performance.now() - start) * 10) / 10;
  const i = spec.target.lastIndexOf(':');
  const host = spec.target.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(spec.target.slice(i + 1));
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (r: ProbeResult) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => done({ ok: false, latencyMs: latency(), error: `timed out after ${spec.timeoutMs} ms` }),
      spec.timeoutMs,
    );
    sock.once('connect', () => done({ ok: true, latencyMs: latency() }));
    sock.once('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, latencyMs: latency(), error: `${err.code ?? 'error'}: ${err.message}`.slice(0, 200) }),
    );
  });
}

/** Runs the probe of a check's kind. */
export function probe(spec: CheckSpec): Promise<ProbeResult> {
  return spec.kind === 'tcp' ? probeTcp(spec) : probeHttp(spec);
}
