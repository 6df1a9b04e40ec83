/**
 * @module Sentry event JSON to a normalised, scrubbed ErrorEvent: exceptions with their causes,
 * frames oldest first, message, level, breadcrumbs, tags, user, contexts, request, release,
 * environment, and browser/OS/device from contexts or the User-Agent. Never throws.
 */
import { randomUUID } from 'node:crypto';
import { type Outcome, ok, reject } from '../kernel/index.js';
import type { Breadcrumb, ClientInfo, DebugImage, ErrorEvent, ErrorException, ErrorFrame } from './error-types.js';
import { groupEvent } from './fingerprint.js';
import type { Scrubber } from './scrub.js';
import { parseUserAgent } from './user-agent.js';

/** What the normaliser needs besides the event. */
export interface ErrorEventContext {
  receivedAt: number;
  scrubber: Scrubber;
  /** The User-Agent of the HTTP request (browser SDKs); used when the event names none. */
  requestUserAgent?: string;
  /** Events further ahead than this (clock skew) are set to the receive time. */
  maxFutureMs: number;
}

type Obj = Record<string, unknown>;
const LEVELS = new Set(['fatal', 'error', 'warning', 'info', 'debug']);
const MAX_BREADCRUMBS = 100;
const MAX_FRAMES = 250;
const MAX_CHAIN = 10;
const MAX_IMAGES = 100;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
function str(v: unknown, max = 1000): string | undefined {
  if (typeof v === 'string') return v.length > max ? v.slice(0, max) : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Epoch ms from float seconds, ms, or an ISO string. */
export function sentryTimestamp(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v > 1e11 ? Math.round(v) : Math.round(v * 1000);
  if (typeof v === 'string') {
    const n = Number(v);
    if (v.trim() !== '' && Number.isFinite(n)) return sentryTimestamp(n);
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

function lines(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.slice(0, 10).map((x) => str(x, 500) ?? '');
}

function frame(raw: unknown, scrub: Scrubber): ErrorFrame {
  const f = obj(raw);
  const out: ErrorFrame = { inApp: f.in_app === true };
  // Plain statements, no helper closure: this runs for every frame of every event, and a closure
  // made per call costs more than the frame's own work (the TS loader also names each one).
  const filename = str(f.filename, 500);
  if (filename !== undefined) out.filename = filename;
  const absPath = str(f.abs_path, 500);
  if (absPath !== undefined) out.absPath = absPath;
  const fn = str(f.function, 300);
  if (fn !== undefined) out.function = fn;
  const mod = str(f.module, 300);
  if (mod !== undefined) out.module = mod;
  const lineno = num(f.lineno);
  if (lineno !== undefined) out.lineno = lineno;
  const colno = num(f.colno);
  if (colno !== undefined) out.colno = colno;
  const contextLine = str(f.context_line, 500);
  if (contextLine !== undefined) out.contextLine = contextLine;
  const preContext = lines(f.pre_context);
  if (preContext !== undefined) out.preContext = preContext;
  const postContext = lines(f.post_context);
  if (postContext !== undefined) out.postContext = postContext;
  if (isObj(f.vars)) out.vars = scrub.value(f.vars) as Obj;
  return out;
}

function exception(raw: unknown, scrub: Scrubber): ErrorException {
  const e = obj(raw);
  const st = obj(e.stacktrace);
  let frames = Array.isArray(st.frames) ? st.frames : [];
  // Keep both ends of very deep stacks: the entry point and the crash site.
  if (frames.length > MAX_FRAMES) frames = [...frames.slice(0, MAX_FRAMES / 2), ...frames.slice(-MAX_FRAMES / 2)];
  const m = obj(e.mechanism);
  const out: ErrorException = {
    type: str(e.type, 200) ?? '',
    value: scrub.text(str(e.value, 8192) ?? ''),
    frames: frames.map((f) => frame(f, scrub)),
  };
  const mod = str(e.module, 200);
  if (mod) out.module = mod;
  if (typeof m.type === 'string') {
    out.mechanism = { type: m.type };
    if (typeof m.handled === 'boolean') out.mechanism.handled = m.handled;
    if (m.synthetic === true) out.mechanism.synthetic = true;
  }
  return out;
}

function messageOf(e: Obj, scrub: Scrubber): string {
  const m = e.message;
  if (typeof m === 'string') return scrub.text(m.slice(0, 8192));
  const le = isObj(e.logentry) ? e.logentry : isObj(m) ? m : undefined;
  if (le) return scrub.text(str(le.formatted, 8192) ?? str(le.message, 8192) ?? '');
  return '';
}

function stringRecord(v: unknown, scrub: Scrubber, maxEntries = 100): Record<string, string> {
  const out: Record<string, string> = {};
  // Tags and headers come as objects or as [key, value] pairs.
  const entries = Array.isArray(v)
    ? v.filter((p): p is [unknown, unknown] => Array.isArray(p) && p.length === 2).map(([k, x]) => [String(k), x] as const)
    : Object.entries(obj(v));
  for (const [k, x] of entries.slice(0, maxEntries)) {
    const s = str(x, 1000);
    if (s !== undefined) out[k.slice(0, 200)] = s;
  }
  return scrub.record(out);
}

function breadcrumbs(v: unknown, scrub: Scrubber, fallbackTs: number): Breadcrumb[] {
  const list = Array.isArray(v) ? v : Array.isArray(obj(v).values) ? (obj(v).values as unknown[]) : [];
  return list.slice(-MAX_BREADCRUMBS).map((raw) => {
    const b = obj(raw);
    const out: Breadcrumb = { ts: sentryTimestamp(b.timestamp) ?? fallbackTs };
    const category = str(b.category, 200);
    const message = str(b.message, 2000);
    const level = str(b.level, 20);
    const type = str(b.type, 50);
    if (category) out.category = category;
    if (message) out.message = scrub.text(message);
    if (level) out.level = level;
    if (type) out.type = type;
    if (isObj(b.data)) out.data = scrub.value(b.data) as Obj;
    return out;
  });
}

/** `debug_meta.images` entries with a type, a file and a debug id, at most MAX_IMAGES. */
function debugImages(v: unknown): DebugImage[] {
  const list = obj(v).images;
  const out: DebugImage[] = [];
  if (!Array.isArray(list)) return out;
  for (const raw of list) {
    const i = obj(raw);
    const type = str(i.type, 20);
    const codeFile = typeof i.code_file === 'string' && i.code_file.length <= 500 ? i.code_file : undefined;
    const debugId = typeof i.debug_id === 'string' && i.debug_id.length <= 64 ? i.debug_id : undefined;
    if (type && codeFile && debugId) out.push({ type, codeFile, debugId });
    if (out.length >= MAX_IMAGES) break;
  }
  return out;
}

function headerValue(h: Record<string, string> | undefined, name: string): string | undefined {
  if (!h) return undefined;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === want) return v;
  return undefined;
}

function clientInfo(contexts: Record<string, Obj>, ua: string | undefined): ClientInfo {
  const parsed = ua ? parseUserAgent(ua) : {};
  const out: ClientInfo = { ...parsed };
  const b = contexts.browser;
  if (b && typeof b.name === 'string') out.browser = { name: b.name, ...(typeof b.version === 'string' ? { version: b.version } : {}) };
  const os = contexts.os ?? contexts.client_os;
  if (os && typeof os.name === 'string') {
    const version = str(os.version, 50)?.trim();
    out.os = { name: os.name, ...(version ? { version } : {}) };
  }
  const d = contexts.device;
  if (d && (d.model || d.family || d.arch)) {
    out.device = {
      ...(out.device ?? {}),
      ...(typeof d.family === 'string' ? { type: d.family } : {}),
      ...(typeof d.model === 'string' ? { model: d.model } : {}),
      ...(typeof d.arch === 'string' ? { arch: d.arch } : {}),
    };
  }
  const rt = contexts.runtime;
  if (rt && typeof rt.name === 'string')
    out.runtime = { name: rt.name, ...(typeof rt.version === 'string' ? { version: rt.version } : {}) };
  return out;
}

/** Normalises one Sentry event payload (already parsed JSON). */
export function normalizeErrorEvent(raw: unknown, ctx: ErrorEventContext, envelopeHeader: Obj = {}): Outcome<ErrorEvent> {
  if (!isObj(raw)) return reject('event.not_object', 'A Sentry event must be a JSON object.');
  const e = raw;
  const { scrubber: scrub, receivedAt } = ctx;
  let ts = sentryTimestamp(e.timestamp) ?? receivedAt;
  if (ts > receivedAt + ctx.maxFutureMs || ts < 946684800000) ts = receivedAt;
  const rawId = str(e.event_id, 64) ?? str(envelopeHeader.event_id, 64) ?? '';
  const eventId = /^[0-9a-f]{32}$/i.test(rawId.replace(/-/g, '')) ? rawId.replace(/-/g, '').toLowerCase() : randomUUID().replace(/-/g, '');
  const level = str(e.level, 20)?.toLowerCase() ?? 'error';
  const excValues = Array.isArray(obj(e.exception).values)
    ? (obj(e.exception).values as unknown[])
    : Array.isArray(e.exception)
      ? e.exception
      : [];
  const exceptions = excValues.slice(-MAX_CHAIN).map((x) => exception(x, scrub));
  const contexts: Record<string, Obj> = {};
  for (const [k, v] of Object.entries(obj(e.contexts)).slice(0, 50)) if (isObj(v)) contexts[k] = scrub.value(v) as Obj;
  const reqIn = obj(e.request);
  let request: ErrorEvent['request'];
  if (Object.keys(reqIn).length > 0) {
    request = {};
    const url = str(reqIn.url, 2000);
    if (url) request.url = scrub.text(url);
    const method = str(reqIn.method, 20);
    if (method) request.method = method;
    const query = typeof reqIn.query_string === 'string' ? reqIn.query_string : undefined;
    if (query) request.query = scrub.text(`?${query.replace(/^\?/, '')}`).slice(1);
    if (reqIn.headers !== undefined) request.headers = stringRecord(reqIn.headers, scrub);
    if (reqIn.data !== undefined) request.data = scrub.value(reqIn.data);
    if (reqIn.cookies !== undefined && reqIn.cookies !== null && reqIn.cookies !== '') request.cookies = '[Filtered]';
  }
  const ua = headerValue(request?.headers, 'user-agent') ?? (str(e.platform) === 'javascript' ? ctx.requestUserAgent : undefined);
  const u = obj(e.user);
  let user: ErrorEvent['user'];
  const uid = str(u.id, 200);
  const uname = str(u.username, 200);
  const email = str(u.email, 200);
  const ip = str(u.ip_address, 64);
  if (uid || uname || email || ip) {
    user = {};
    if (uid) user.id = uid;
    if (uname) user.username = uname;
    if (email) user.email = email;
    // "{{auto}}" asks for the client IP; Heed does not keep client IPs.
    if (ip && ip !== '{{auto}}') user.ipAddress = ip;
  }
  const sdkIn = obj(e.sdk);
  const fp = Array.isArray(e.fingerprint) ? e.fingerprint.map((x) => str(x, 200) ?? '').filter(Boolean) : undefined;
  const base = {
    eventId,
    ts,
    receivedAt,
    level: (LEVELS.has(level) ? level : level === 'log' ? 'info' : 'error') as ErrorEvent['level'],
    platform: str(e.platform, 50) ?? 'other',
    message: messageOf(e, scrub),
    exceptions,
    release: str(e.release, 200) ?? '',
    environment: str(e.environment, 64) ?? '',
    tags: stringRecord(e.tags, scrub),
    contexts,
    client: clientInfo(contexts, ua),
    breadcrumbs: breadcrumbs(e.breadcrumbs, scrub, ts),
    extra: isObj(e.extra) ? (scrub.value(e.extra) as Obj) : {},
  };
  const ev: Omit<ErrorEvent, 'grouping' | 'title' | 'culprit'> = base;
  const opt = {
    dist: str(e.dist, 64),
    serverName: str(e.server_name, 200),
    transaction: str(e.transaction, 300),
    logger: str(e.logger, 100),
  };
  for (const [k, v] of Object.entries(opt)) if (v) (ev as Obj)[k] = v;
  if (user) ev.user = user;
  if (request) ev.request = request;
  if (typeof sdkIn.name === 'string') ev.sdk = { name: sdkIn.name, version: str(sdkIn.version, 50) ?? '' };
  if (fp && fp.length > 0) ev.fingerprint = fp;
  const images = debugImages(e.debug_meta);
  if (images.length > 0) ev.debugImages = images;
  return ok({ ...ev, ...groupEvent(ev) });
}
