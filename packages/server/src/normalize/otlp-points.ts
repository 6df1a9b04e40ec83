/**
 * @module OTLP data points to KPI events (still raw: validateEvent decides, as for any ingest).
 *
 * - monotonic `sum` (counter) -> a count event of the increase in the interval: `count` = the
 *   increase when it is a whole number up to 1e9, else `count` 1 with `value` = the increase (a
 *   fractional counter such as revenue: query it with `agg=sum`). No increase, no event.
 * - `histogram` -> a count event: `count` = observations in the interval, `value` = their sum
 *   (so `agg=count` counts operations and `agg=mean` is the mean, e.g. latency).
 * - `gauge` and non-monotonic `sum` (up-down counter, cumulative) -> a gauge event of the reading.
 * - Cumulative points become deltas against the previous point of their series (otlp-cumulative.ts).
 *   Refused (counted in partialSuccess): delta up-down counters (a change, not a level), delta
 *   counters that go down, points without a value, unspecified temporality.
 * - Names: characters outside the KPI alphabet (letters, digits, `_ . : / -`) become `_`; names
 *   longer than 128 are refused by validation. Attribute keys likewise (`_` for other characters,
 *   64 at most). The resource attribute `service.name` becomes the tag `service.name` while the
 *   point has room under `ingest.maxTagsPerEvent`; other resource attributes (host, process, SDK)
 *   are dropped, they would split every KPI per process.
 * - `ts` is the point's timeUnixNano (the end of its interval).
 */
import { toKpiName, toTagKey } from '@heed/protocol';
import type { OtlpAttrValue, OtlpPoint } from '../ingest/index.js';
import type { CumulativeTracker, CumulativeUpdate } from './otlp-cumulative.js';

/** A KPI event to validate, with the index of its point. */
export interface OtlpEventItem {
  point: number;
  event: Record<string, unknown>;
}

/** What the points became: events, state changes to apply once appended, refused points by reason. */
export interface OtlpConversion {
  events: OtlpEventItem[];
  updates: CumulativeUpdate[];
  refused: Map<string, number>;
  /** Cumulative points that only set a baseline (first seen, not recent). */
  baselines: number;
}

const MAX_COUNT = 1e9;
const DELTA = 1;
const CUMULATIVE = 2;

function tags(p: OtlpPoint, maxTags: number): Record<string, OtlpAttrValue> {
  const out: Record<string, OtlpAttrValue> = {};
  for (const [k, v] of p.attributes) out[toTagKey(k).slice(0, 64)] = v;
  const service = p.resource.find(([k]) => k === 'service.name');
  if (service && !('service.name' in out) && Object.keys(out).length < maxTags) out['service.name'] = service[1];
  return out;
}

function seriesKey(projectId: number, p: OtlpPoint): string {
  return JSON.stringify([projectId, p.metric, p.kind, p.startMs, p.resource, p.attributes]);
}

/** Where the points go and what they are checked against. */
export interface OtlpTarget {
  projectId: number;
  tracker: CumulativeTracker;
  now: number;
  maxTags: number;
}

/** Converts points in order; pure except for reading the tracker. */
export function otlpToEvents(points: readonly OtlpPoint[], target: OtlpTarget): OtlpConversion {
  const { tracker, now, maxTags } = target;
  const events: OtlpEventItem[] = [];
  const updates: CumulativeUpdate[] = [];
  const refused = new Map<string, number>();
  // Points of one series met twice in a request see the earlier one.
  const pending = new Map<string, CumulativeUpdate>();
  let baselines = 0;
  /** Turns one point into at most one event; answers why it was refused, if it was. */
  const convert = (p: OtlpPoint, i: number): string | undefined => {
    if (p.noValue) return undefined;
    const base = { name: toKpiName(p.metric), tags: tags(p, maxTags), ...(p.timeMs > 0 ? { ts: p.timeMs } : {}) };
    const countEvent = (amount: number, sum?: number): string | undefined => {
      if (amount === 0) return undefined;
      if (p.kind === 'histogram') {
        if (amount > MAX_COUNT) return `a histogram point counts more than ${MAX_COUNT} observations in one interval`;
        events.push({ point: i, event: { ...base, count: amount, ...(sum === undefined ? {} : { value: sum }) } });
      } else if (Number.isInteger(amount) && amount <= MAX_COUNT) events.push({ point: i, event: { ...base, count: amount } });
      else events.push({ point: i, event: { ...base, count: 1, value: amount } });
      return undefined;
    };
    if (p.kind === 'gauge' || (p.kind === 'sum' && !p.monotonic)) {
      if (p.kind === 'sum' && p.temporality !== CUMULATIVE) {
        return 'up-down counters must use cumulative temporality (a delta is a change, not a level)';
      }
      if (p.value === undefined) return 'a point has neither asDouble nor asInt';
      events.push({ point: i, event: { ...base, type: 'gauge', value: p.value } });
      return undefined;
    }
    const total = p.kind === 'histogram' ? (p.count ?? 0) : p.value;
    if (total === undefined || Number.isNaN(total)) return 'a point has neither asDouble nor asInt';
    if (total < 0) return 'a counter point is negative (counters only go up; use an up-down counter)';
    const sum = p.kind === 'histogram' ? p.sum : undefined;
    if (p.temporality === DELTA) return countEvent(total, sum);
    if (p.temporality !== CUMULATIVE) return 'aggregationTemporality is unspecified; send 1 (delta) or 2 (cumulative)';
    const key = seriesKey(target.projectId, p);
    const before = pending.get(key)?.after ?? tracker.get(key);
    if (before && p.timeMs < before.timeMs) return undefined; // an older point arriving late: already counted
    const update = { key, before, after: { timeMs: p.timeMs, value: total, sum: p.sum ?? 0 } };
    pending.set(key, update);
    updates.push(update);
    if (before && total >= before.value) return countEvent(total - before.value, sum === undefined ? undefined : sum - before.sum);
    // First point of the series, or a reset.
    if (!tracker.recent(p.startMs, now)) {
      baselines++;
      return undefined;
    }
    return countEvent(total, sum);
  };

  for (let i = 0; i < points.length; i++) {
    const why = convert(points[i] as OtlpPoint, i);
    if (why) refused.set(why, (refused.get(why) ?? 0) + 1);
  }
  return { events, updates, refused, baselines };
}
