/** @module Validation of check and heartbeat definitions: each problem names the field and the fix. */
import { type Outcome, ok, reject } from '../kernel/index.js';
import { parseCron, validTimezone } from './cron.js';
import type { CheckSpec, HeartbeatSpec, Schedule } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const NAME_RE = /^[\w .:/-]{1,64}$/;
const SLUG_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const bad = <T>(msg: string): Outcome<T> => reject('check.invalid', msg);

class Invalid extends Error {}
const num = (b: Obj, key: string, def: number, min: number, max: number): number => {
  const v = b[key] ?? def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new Invalid(
      `'${key}' must be a number from ${min} to ${max}${v === undefined ? '' : `: got ${JSON.stringify(v).slice(0, 40)}`}.`,
    );
  }
  return v;
};
const bool = (b: Obj, key: string, def: boolean): boolean => {
  const v = b[key] ?? def;
  if (typeof v !== 'boolean') throw new Invalid(`'${key}' must be true or false.`);
  return v;
};
const severity = (b: Obj): 'critical' | 'warning' => {
  const v = b.severity ?? 'critical';
  if (v !== 'critical' && v !== 'warning') throw new Invalid("'severity' must be 'critical' or 'warning'.");
  return v;
};
const known = (b: Obj, keys: string[]) => {
  for (const k of Object.keys(b))
    if (!keys.includes(k)) throw new Invalid(`Unknown field '${k.slice(0, 40)}'; allowed: ${keys.join(', ')}.`);
};

const CHECK_KEYS = [
  'name',
  'kind',
  'target',
  'url',
  'intervalSeconds',
  'timeoutMs',
  'method',
  'headers',
  'expectStatus',
  'expectBody',
  'followRedirects',
  'tlsWarnDays',
  'ignoreTlsErrors',
  'slowMs',
  'failureThreshold',
  'recoveryThreshold',
  'severity',
  'public',
];

/** Validates a check definition; `url` is accepted as an alias of `target` for HTTP checks. */
export function validateCheck(input: unknown): Outcome<CheckSpec> {
  if (!isObj(input)) return bad('A check is a JSON object such as {"name":"api","kind":"http","target":"https://api.example.com/health"}.');
  try {
    known(input, CHECK_KEYS);
    const name = input.name;
    if (typeof name !== 'string' || !NAME_RE.test(name)) return bad("'name' must be 1-64 letters, digits, spaces or _ . : / -.");
    const target = input.target ?? input.url;
    const kind = input.kind ?? (typeof target === 'string' && /^[a-z]+:\/\//i.test(target) ? 'http' : 'tcp');
    if (kind !== 'http' && kind !== 'tcp') return bad("'kind' must be 'http' or 'tcp'.");
    if (typeof target !== 'string' || target.length > 2048) return bad("'target' is required: a URL for http, host:port for tcp.");
    if (kind === 'http') {
      let u: URL;
      try {
        u = new URL(target);
      } catch {
        return bad(`'target' '${target.slice(0, 80)}' is not a URL; write it like https://api.example.com/health.`);
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return bad("'target' must be an http:// or https:// URL.");
    } else {
      const m = /^(\[[0-9a-f:.]+\]|[\w.-]+):(\d{1,5})$/i.exec(target);
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) return bad("'target' of a tcp check is host:port, e.g. db.internal:5432.");
    }
    const intervalSeconds = num(input, 'intervalSeconds', 60, 1, 86400);
    const timeoutMs = num(input, 'timeoutMs', Math.min(10_000, Math.max(500, intervalSeconds * 800)), 50, 120_000);
    const method = input.method ?? 'GET';
    if (typeof method !== 'string' || !/^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/.test(method)) {
      return bad("'method' must be GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS.");
    }
    const headers = input.headers ?? {};
    if (!isObj(headers) || Object.values(headers).some((v) => typeof v !== 'string')) {
      return bad("'headers' must be an object of string values.");
    }
    const expect = input.expectStatus ?? ['2xx', '3xx'];
    const list = Array.isArray(expect) ? expect : [expect];
    const expectStatus = list.map(String);
    if (expectStatus.length === 0 || expectStatus.some((s) => !/^[1-5](\d\d|xx)$/.test(s))) {
      return bad('\'expectStatus\' lists status codes or classes, e.g. ["200", "3xx"].');
    }
    const expectBody = input.expectBody;
    if (expectBody !== undefined && (typeof expectBody !== 'string' || expectBody.length > 1000)) {
      return bad("'expectBody' must be text of at most 1000 characters that the body must contain.");
    }
    const spec: CheckSpec = {
      name,
      kind,
      target,
      intervalSeconds,
      timeoutMs,
      method,
      headers: headers as Record<string, string>,
      expectStatus,
      ...(expectBody === undefined ? {} : { expectBody }),
      followRedirects: bool(input, 'followRedirects', true),
      tlsWarnDays: num(input, 'tlsWarnDays', 14, 0, 365),
      ...(bool(input, 'ignoreTlsErrors', false) ? { ignoreTlsErrors: true } : {}),
      slowMs: num(input, 'slowMs', 0, 0, 120_000),
      failureThreshold: Math.round(num(input, 'failureThreshold', 2, 1, 100)),
      recoveryThreshold: Math.round(num(input, 'recoveryThreshold', 2, 1, 100)),
      severity: severity(input),
      public: bool(input, 'public', false),
    };
    if (spec.timeoutMs > spec.intervalSeconds * 1000 && spec.intervalSeconds < 120) {
      return bad(`'timeoutMs' (${spec.timeoutMs}) must not exceed the interval (${spec.intervalSeconds} s).`);
    }
    return ok(spec);
  } catch (err) {
    if (err instanceof Invalid) return bad(err.message);
    throw err;
  }
}

function schedule(input: Obj): Schedule {
  const s = input.schedule;
  const tz = input.timezone ?? 'UTC';
  if (typeof tz !== 'string' || !validTimezone(tz)) throw new Invalid(`'timezone' must be an IANA time zone such as Europe/Berlin.`);
  if (typeof s === 'number') return { kind: 'interval', seconds: num(input, 'schedule', 60, 1, 366 * 86400) };
  if (typeof s === 'string') {
    const every = /^every\s+(\d+)\s*(s|m|h|d)$/i.exec(s.trim());
    if (every) {
      const secs = Number(every[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(every[2] as string).toLowerCase() as 's'];
      if (secs < 1 || secs > 366 * 86400) throw new Invalid("'schedule' interval must be from 1 s to 366 d.");
      return { kind: 'interval', seconds: secs };
    }
    const c = parseCron(s);
    if (!c.ok) throw new Invalid(c.message);
    return { kind: 'cron', expr: s.trim(), timezone: tz };
  }
  throw new Invalid("'schedule' is a cron expression ('0 3 * * *'), 'every 5m', or an interval in seconds.");
}

/** Validates a heartbeat definition. */
export function validateHeartbeat(input: unknown): Outcome<HeartbeatSpec> {
  if (!isObj(input)) return bad('A heartbeat is a JSON object such as {"slug":"nightly-export","schedule":"0 3 * * *"}.');
  try {
    known(input, ['name', 'slug', 'schedule', 'timezone', 'graceSeconds', 'maxRuntimeSeconds', 'severity', 'public']);
    const slug = input.slug;
    if (typeof slug !== 'string' || !SLUG_RE.test(slug)) return bad("'slug' must be 1-64 letters, digits, _ or -, e.g. nightly-export.");
    const name = input.name ?? slug;
    if (typeof name !== 'string' || !NAME_RE.test(name)) return bad("'name' must be 1-64 letters, digits, spaces or _ . : / -.");
    const sched = schedule(input);
    const defGrace = sched.kind === 'interval' ? Math.min(300, Math.max(1, Math.round(sched.seconds / 2))) : 60;
    return ok({
      name,
      slug,
      schedule: sched,
      graceSeconds: num(input, 'graceSeconds', defGrace, 0, 7 * 86400),
      maxRuntimeSeconds: num(input, 'maxRuntimeSeconds', 0, 0, 7 * 86400),
      severity: severity(input),
      public: bool(input, 'public', false),
    });
  } catch (err) {
    if (err instanceof Invalid) return bad(err.message);
    throw err;
  }
}
