/** @module The business event (KPI) wire format and its validator, shared by SDK and server. */

/** An event as a client sends it to `POST /api/<projectId>/events`. */
export interface KpiEvent {
  /** KPI name, e.g. `checkout.completed`. */
  name: string;
  /** When it happened: ISO-8601 string, or epoch seconds or milliseconds. Default: when received. */
  ts?: string | number;
  /** The amount (a payment's total) or, for gauges, the reading. Counted events default to 1 each. */
  value?: number;
  /** For pre-counted records: how many events this record stands for (then `value` is their sum). */
  count?: number;
  /** Segments, e.g. `{ browser: 'Safari', plan: 'pro' }`. */
  tags?: Record<string, string | number | boolean>;
  /** `count` (default) or `gauge` (a level such as logged-in users). */
  type?: 'count' | 'gauge';
}

/** An event after validation: timestamps in ms, tags as sorted pairs with a canonical key. */
export interface NormalizedEvent {
  name: string;
  ts: number;
  type: 'count' | 'gauge';
  count: number;
  value: number;
  tags: ReadonlyArray<readonly [string, string]>;
  /** Canonical form of the tags (sorted `k=v` joined by \u0001); '' when untagged. */
  tagKey: string;
}

/** Limits applied while validating. */
export interface EventLimits {
  maxTagsPerEvent: number;
  maxTagValueLength: number;
  maxFutureSeconds: number;
}

/** A per-event rejection with a stable code. */
export interface EventRejection {
  code: string;
  message: string;
}

const NAME_RE = /^[A-Za-z0-9_.:/-]{1,128}$/;
const TAG_KEY_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const NAME_OUTSIDE = /[^A-Za-z0-9_.:/-]/g;
const TAG_KEY_OUTSIDE = /[^A-Za-z0-9_.-]/g;

/**
 * A name from another metrics protocol (StatsD, OpenTelemetry) in the KPI name alphabet: every
 * character outside `A-Z a-z 0-9 _ . : / -` becomes `_`. Its length is left to validation.
 */
export function toKpiName(name: string): string {
  return name.replace(NAME_OUTSIDE, '_');
}

/** A tag key from another metrics protocol in the tag-key alphabet (`A-Z a-z 0-9 _ . -`, others `_`); its length is left to validation. */
export function toTagKey(key: string): string {
  return key.replace(TAG_KEY_OUTSIDE, '_');
}
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we refuse
const CONTROL_RE = /[\u0000-\u001f\u007f]/;
const MIN_TS = 946684800000; // 2000-01-01
const ALLOWED = new Set(['name', 'ts', 'value', 'count', 'tags', 'type']);

// Names and tag keys repeat from event to event: the ones already found valid skip the regex.
const KNOWN_LIMIT = 4096;
const knownNames = new Set<string>();
const knownTagKeys = new Set<string>();

function known(seen: Set<string>, re: RegExp, s: string): boolean {
  if (seen.has(s)) return true;
  if (!re.test(s)) return false;
  if (seen.size >= KNOWN_LIMIT) seen.clear();
  seen.add(s);
  return true;
}

function fail(code: string, message: string): EventRejection {
  return { code, message };
}

/** Parses a timestamp into epoch ms, or undefined when it is not one. */
export function parseTimestamp(ts: unknown): number | undefined {
  if (typeof ts === 'number') {
    if (!Number.isFinite(ts) || ts < 0) return undefined;
    return ts < 1e11 ? Math.round(ts * 1000) : Math.round(ts);
  }
  if (typeof ts === 'string' && ts.length >= 10 && ts.length <= 40) {
    if (/^\d+(\.\d+)?$/.test(ts)) return parseTimestamp(Number(ts));
    const ms = Date.parse(ts);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function normalizeTags(tags: unknown, limits: EventLimits): { tags: Array<[string, string]>; tagKey: string } | EventRejection {
  if (tags === undefined || tags === null) return { tags: [], tagKey: '' };
  if (typeof tags !== 'object' || Array.isArray(tags)) {
    return fail('event.invalid_tags', '`tags` must be an object such as {"browser":"Safari"}.');
  }
  const keys = Object.keys(tags);
  if (keys.length === 0) return { tags: [], tagKey: '' };
  if (keys.length > limits.maxTagsPerEvent) {
    return fail('event.too_many_tags', `An event may carry at most ${limits.maxTagsPerEvent} tags; this one has ${keys.length}.`);
  }
  // Senders usually keep one key order; sort only when it is not already sorted.
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] as string) > (keys[i] as string)) {
      keys.sort();
      break;
    }
  }
  const out: Array<[string, string]> = [];
  let tagKey = '';
  for (const k of keys) {
    if (!known(knownTagKeys, TAG_KEY_RE, k)) {
      return fail('event.invalid_tag_key', `Tag key ${JSON.stringify(k.slice(0, 80))} must be 1-64 letters, digits or _ . -`);
    }
    const raw = (tags as Record<string, unknown>)[k];
    let v: string;
    if (typeof raw === 'string') v = raw;
    else if (typeof raw === 'number' || typeof raw === 'boolean') v = String(raw);
    else return fail('event.invalid_tags', `Tag '${k}' must be a string, number or boolean.`);
    if (v.length > limits.maxTagValueLength || CONTROL_RE.test(v)) {
      return fail(
        'event.tag_value_too_long',
        `Tag '${k}' must be at most ${limits.maxTagValueLength} characters without control characters.`,
      );
    }
    out.push([k, v]);
    tagKey += tagKey ? `\u0001${k}=${v}` : `${k}=${v}`;
  }
  return { tags: out, tagKey };
}

/**
 * Validates one event. `now` is the receive time in ms (used when `ts` is absent and for the
 * future limit). Returns the normalized event or a rejection with a stable code.
 */
export function validateEvent(input: unknown, now: number, limits: EventLimits): NormalizedEvent | EventRejection {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail('event.not_object', 'Each event must be a JSON object such as {"name":"signup"}.');
  }
  const e = input as Record<string, unknown>;
  for (const k in e) {
    if (!ALLOWED.has(k)) {
      return fail('event.unknown_field', `Unknown field '${k.slice(0, 64)}'; allowed: name, ts, value, count, tags, type.`);
    }
  }
  const name = e.name;
  if (typeof name !== 'string' || !known(knownNames, NAME_RE, name)) {
    return fail('event.invalid_name', '`name` must be 1-128 letters, digits or _ . : / - (e.g. "checkout.completed").');
  }
  const type = e.type === undefined ? 'count' : e.type;
  if (type !== 'count' && type !== 'gauge') {
    return fail('event.invalid_type', '`type` must be "count" or "gauge".');
  }
  let count = 1;
  if (e.count !== undefined) {
    const c = e.count;
    if (type === 'gauge' || typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c > 1e9) {
      return fail('event.invalid_count', '`count` must be an integer from 0 to 1e9, and only on counted events.');
    }
    count = c;
  }
  let value = count;
  if (e.value !== undefined) {
    if (typeof e.value !== 'number' || !Number.isFinite(e.value)) {
      return fail('event.invalid_value', '`value` must be a finite number.');
    }
    value = e.value;
  } else if (type === 'gauge') {
    return fail('event.invalid_value', 'A gauge needs a numeric `value` (the reading).');
  }
  let ts = now;
  if (e.ts !== undefined) {
    const parsed = parseTimestamp(e.ts);
    if (parsed === undefined) {
      return fail('event.invalid_timestamp', '`ts` must be an ISO-8601 string or epoch seconds or milliseconds.');
    }
    if (parsed < MIN_TS) return fail('event.timestamp_too_old', '`ts` is before 2000-01-01.');
    if (parsed > now + limits.maxFutureSeconds * 1000) {
      return fail('event.timestamp_in_future', `\`ts\` is more than ${limits.maxFutureSeconds} s in the future; check the sender's clock.`);
    }
    ts = parsed;
  }
  const t = normalizeTags(e.tags, limits);
  if ('code' in t) return t;
  return { name, ts, type, count, value, tags: t.tags, tagKey: t.tagKey };
}

/** True when validateEvent's result is a rejection. */
export function isRejection(r: NormalizedEvent | EventRejection): r is EventRejection {
  return 'code' in r;
}
