/**
 * @module StatsD / DogStatsD syntax: a datagram to lines, a line to a metric, an event or a
 * service check. Syntax only (no meaning, no state); never throws: a bad line is a reason.
 */

/** The metric types of the line grammar. */
export type StatsdType = 'c' | 'g' | 'ms' | 'h' | 'd' | 's';

/** One metric line, parsed. */
export interface StatsdMetric {
  kind: 'metric';
  /** The name as sent (telegraf tags removed), not yet mapped to the KPI alphabet. */
  name: string;
  type: StatsdType;
  /** The number (c, g, ms, h, d); NaN for sets. */
  value: number;
  /** The raw value text (the member of a set). */
  raw: string;
  /** Gauges only: the value had a leading + or -, so it is relative to the last one. */
  relative: boolean;
  /** Sample rate from `|@rate`, 1 when absent. */
  rate: number;
  /** Unix seconds from `|T<s>` (or `d:` on a service check). */
  ts?: number;
  /** DogStatsD `#k:v` tags and telegraf `,k=v` tags; a bare tag `k` is `k: 'true'`. */
  tags: Record<string, string>;
}

/** A service check `_sc|name|status|...`. */
export interface StatsdServiceCheck {
  kind: 'service_check';
  name: string;
  /** 0 ok, 1 warning, 2 critical, 3 unknown. */
  status: number;
  ts?: number;
  tags: Record<string, string>;
}

/** A line that is understood but carries nothing to keep (an `_e{..}` event). */
export interface StatsdIgnored {
  kind: 'ignored';
  reason: 'event';
}

/** A line that could not be read, with a stable reason. */
export interface StatsdBad {
  kind: 'bad';
  reason: 'invalid_line' | 'unknown_type' | 'invalid_value' | 'invalid_rate' | 'invalid_timestamp' | 'invalid_service_check';
}

/** What one line is. */
export type StatsdLine = StatsdMetric | StatsdServiceCheck | StatsdIgnored | StatsdBad;

const TYPES = new Set<string>(['c', 'g', 'ms', 'h', 'd', 's']);
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const bad = (reason: StatsdBad['reason']): StatsdBad => ({ kind: 'bad', reason });

/** The non-empty lines of a datagram (`\n` separated, `\r\n` tolerated, no trailing newline needed). */
export function splitLines(datagram: string): string[] {
  const out: string[] = [];
  for (const raw of datagram.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() !== '') out.push(line);
  }
  return out;
}

/** Adds DogStatsD tags (`k:v,bare`) to `into`; a later key wins. */
function dogTags(text: string, into: Record<string, string>): void {
  for (const t of text.split(',')) {
    if (t === '') continue;
    const i = t.indexOf(':');
    if (i === -1) into[t] = 'true';
    else if (i > 0) into[t.slice(0, i)] = t.slice(i + 1);
  }
}

/** Adds telegraf tags (`k=v,bare`) to `into`. */
function telegrafTags(parts: string[], into: Record<string, string>): void {
  for (const t of parts) {
    if (t === '') continue;
    const i = t.indexOf('=');
    if (i === -1) into[t] = 'true';
    else if (i > 0) into[t.slice(0, i)] = t.slice(i + 1);
  }
}

/** Unix seconds from a `T`/`d:` field, or undefined when it is not a whole non-negative number. */
function seconds(text: string): number | undefined {
  return /^\d{1,12}$/.test(text) ? Number(text) : undefined;
}

function serviceCheck(line: string): StatsdServiceCheck | StatsdBad {
  const fields = line.split('|');
  const name = fields[1] ?? '';
  const status = Number(fields[2]);
  if (name === '' || !/^[0-3]$/.test(fields[2] ?? '')) return bad('invalid_service_check');
  const out: StatsdServiceCheck = { kind: 'service_check', name, status, tags: {} };
  for (let i = 3; i < fields.length; i++) {
    const f = fields[i] as string;
    if (f.startsWith('m:')) break; // the message is last and may hold '|'
    if (f.startsWith('#')) dogTags(f.slice(1), out.tags);
    else if (f.startsWith('d:')) {
      const ts = seconds(f.slice(2));
      if (ts === undefined) return bad('invalid_timestamp');
      out.ts = ts;
    }
  }
  return out;
}

/**
 * Parses one line: `<name>:<value>|<type>[|@rate][|T<s>][|#tags][|c:..][|card:..]`, telegraf
 * `name,k=v:<value>|<type>`, `_e{..}` events and `_sc|` service checks. Unknown `|x` fields are skipped.
 */
export function parseLine(line: string): StatsdLine {
  if (line.startsWith('_e{')) return { kind: 'ignored', reason: 'event' };
  if (line.startsWith('_sc|')) return serviceCheck(line);
  const fields = line.split('|');
  const head = fields[0] as string;
  // Telegraf tags may hold ':' in values (`url=http://x`), the value never does: split at the last.
  const comma = head.indexOf(',');
  const colon = comma !== -1 && comma < head.indexOf(':') ? head.lastIndexOf(':') : head.indexOf(':');
  if (colon < 1 || fields.length < 2) return bad('invalid_line');
  const type = fields[1] as string;
  if (!TYPES.has(type)) return bad('unknown_type');
  const raw = head.slice(colon + 1);
  let name = head.slice(0, colon);
  const tags: Record<string, string> = {};
  if (name.includes(',')) {
    const parts = name.split(',');
    name = parts[0] as string;
    telegrafTags(parts.slice(1), tags);
    if (name === '') return bad('invalid_line');
  }
  let value = Number.NaN;
  if (type !== 's') {
    if (!NUMBER_RE.test(raw)) return bad('invalid_value');
    value = Number(raw);
    if (!Number.isFinite(value)) return bad('invalid_value');
  } else if (raw === '') return bad('invalid_value');
  const out: StatsdMetric = {
    kind: 'metric',
    name,
    type: type as StatsdType,
    value,
    raw,
    relative: type === 'g' && (raw[0] === '+' || raw[0] === '-'),
    rate: 1,
    tags,
  };
  for (let i = 2; i < fields.length; i++) {
    const f = fields[i] as string;
    const c = f[0];
    if (c === '@') {
      const rate = Number(f.slice(1));
      if (!(f.length > 1 && rate > 0 && rate <= 1)) return bad('invalid_rate');
      out.rate = rate;
    } else if (c === '#') dogTags(f.slice(1), tags);
    else if (c === 'T' && /^T\d/.test(f)) {
      const ts = seconds(f.slice(1));
      if (ts === undefined) return bad('invalid_timestamp');
      out.ts = ts;
    }
    // c:<container>, card:<cardinality>, e:<external env> and any unknown field: skipped.
  }
  return out;
}
