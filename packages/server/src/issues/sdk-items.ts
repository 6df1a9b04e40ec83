/**
 * @module The items of an envelope other than events: sessions (release health), client reports
 * (what SDKs dropped and why), and the data category of every item type, as the SDKs name them.
 */
import { createHash } from 'node:crypto';
import { sentryTimestamp } from '../normalize/index.js';
import type { OutcomeRow, SessionRow, SessionUserRow } from '../store/index.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
const HOUR = 3600_000;

/** The rate-limit category of an item type (as in the SDKs' envelopeItemTypeToDataCategory). */
export function itemCategory(type: string): string {
  switch (type) {
    case 'event':
      return 'error';
    case 'session':
    case 'sessions':
      return 'session';
    case 'client_report':
      return 'internal';
    case 'log':
      return 'log_item';
    case 'trace_metric':
      return 'metric';
    case 'check_in':
      return 'monitor';
    case 'replay_event':
    case 'replay_recording':
      return 'replay';
    case 'profile_chunk':
      return 'profile_chunk';
    default:
      return type;
  }
}

/** How many things an item holds: containers (spans, logs, metrics) say so in `item_count`. */
export function itemQuantity(header: Obj): number {
  return count(header.item_count) || 1;
}

function parse(payload: Buffer): Obj | undefined {
  try {
    const v: unknown = JSON.parse(payload.toString('utf8'));
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function attrs(o: Obj): { release: string; environment: string } {
  const a = isObj(o.attrs) ? o.attrs : {};
  return {
    release: typeof a.release === 'string' ? a.release.slice(0, 200) : '',
    environment: typeof a.environment === 'string' ? a.environment.slice(0, 64) : '',
  };
}

const FINAL = new Set(['exited', 'crashed', 'abnormal', 'unhandled']);

/** The user of a session (its `did`, kept as a hash) for crash-free users, into `users` when given. */
function addUser(users: SessionUserRow[] | undefined, row: Omit<SessionUserRow, 'user'>, did: unknown): void {
  if (!users || typeof did !== 'string' || did === '') return;
  users.push({ ...row, user: createHash('sha1').update(`did:${did}`).digest('hex').slice(0, 20) });
}

/**
 * Release-health counts of a `session` item (and its user, hashed, into `users`): a session counts as started on its first send
 * (`init`), as crashed when it ends crashed (or `unhandled`, the browser SDK's word), as errored
 * when it ends with errors. Undefined when the payload is not a session.
 */
export function sessionRow(projectId: number, payload: Buffer, now: number, users?: SessionUserRow[]): SessionRow | undefined {
  const s = parse(payload);
  if (!s) return undefined;
  const { release, environment } = attrs(s);
  if (!release) return undefined;
  const started = sentryTimestamp(s.started) ?? now;
  const status = typeof s.status === 'string' ? s.status : 'ok';
  const final = FINAL.has(status);
  const hour = Math.floor(started / HOUR) * HOUR;
  const crashed = status === 'crashed' || status === 'unhandled' ? 1 : 0;
  addUser(users, { projectId, release, environment, hour, crashed }, s.did);
  return {
    projectId,
    release,
    environment,
    hour,
    started: s.init === true ? 1 : 0,
    errored: final && count(s.errors) > 0 ? 1 : 0,
    crashed,
    abnormal: status === 'abnormal' ? 1 : 0,
  };
}

/** Release-health counts of a `sessions` item (pre-aggregated per minute by server SDKs). */
export function sessionAggregateRows(projectId: number, payload: Buffer, now: number, users?: SessionUserRow[]): SessionRow[] {
  const s = parse(payload);
  if (!s || !Array.isArray(s.aggregates)) return [];
  const { release, environment } = attrs(s);
  if (!release) return [];
  return s.aggregates.filter(isObj).map((a) => {
    const started = sentryTimestamp(a.started) ?? now;
    const exited = count(a.exited);
    const errored = count(a.errored);
    const crashed = count(a.crashed);
    const abnormal = count(a.abnormal);
    const hour = Math.floor(started / HOUR) * HOUR;
    // User-mode aggregates name their user; request-mode ones (per request) do not.
    addUser(users, { projectId, release, environment, hour, crashed: crashed > 0 ? 1 : 0 }, a.did);
    return {
      projectId,
      release,
      environment,
      hour,
      started: exited + errored + crashed + abnormal,
      errored: errored + crashed + abnormal,
      crashed,
      abnormal,
    };
  });
}

/** What a client report says the SDK dropped, as outcome rows. */
export function clientReportRows(projectId: number, payload: Buffer, now: number): OutcomeRow[] {
  const r = parse(payload);
  if (!r) return [];
  const hour = Math.floor((sentryTimestamp(r.timestamp) ?? now) / HOUR) * HOUR;
  const out: OutcomeRow[] = [];
  for (const key of ['discarded_events', 'rate_limited_events', 'filtered_events', 'filtered_sampling_events']) {
    const list = r[key];
    if (!Array.isArray(list)) continue;
    for (const d of list.filter(isObj)) {
      const quantity = count(d.quantity);
      if (quantity === 0) continue;
      const reason = typeof d.reason === 'string' ? d.reason.slice(0, 64) : key;
      const category = typeof d.category === 'string' ? d.category.slice(0, 64) : 'unknown';
      out.push({ projectId, hour, category, outcome: 'client_discarded', reason, quantity });
    }
  }
  return out;
}
