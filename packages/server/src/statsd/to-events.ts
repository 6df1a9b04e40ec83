/**
 * @module StatsD meaning: a parsed line to a KPI event as `validateEvent` takes it (docs/statsd.md).
 * Counters and timers are counted events scaled by 1/rate, gauges are gauges (signed values are
 * relative to the series' last value, kept in a bounded map), sets count one event per sample,
 * service checks are gauges of their status; `_e` events and client telemetry are ignored.
 */
import { type KpiEvent, toKpiName, toTagKey } from '@heed/protocol';
import type { StatsdLine } from './parse.js';

/** The line as a KPI event, or why it is not one (dropped: bad input; ignored: nothing to keep). */
export type Mapped = { ok: true; event: KpiEvent } | { ok: false; outcome: 'dropped' | 'ignored'; reason: string };

/** Longest KPI name (the protocol's limit); longer names are dropped, not cut (cuts could merge KPIs). */
const MAX_NAME = 128;
/** hot-shots (and other DogStatsD clients) report on themselves under this prefix. */
const TELEMETRY = 'datadog.dogstatsd.client.';

/** A StatsD name in the KPI alphabet: every character outside `A-Z a-z 0-9 _ . : / -` becomes `_`. */
export function kpiName(name: string): string | undefined {
  const mapped = toKpiName(name);
  return mapped.length === 0 || mapped.length > MAX_NAME ? undefined : mapped;
}

/** Tags with keys in the tag-key alphabet (`A-Z a-z 0-9 _ . -`, others become `_`); values as sent. */
function kpiTags(tags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) out[toTagKey(k)] = v;
  return out;
}

/** The last absolute value of each gauge series, least recently set dropped first beyond `max`. */
export class GaugeMemory {
  private readonly last = new Map<string, number>();
  constructor(private readonly max = 10_000) {}

  /** The series key of a gauge: its name and sorted tags. */
  static key(name: string, tags: Record<string, string>): string {
    const pairs = Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `${name}\u0000${pairs.map(([k, v]) => `${k}=${v}`).join('\u0001')}`;
  }

  /** Applies a reading: absolute, or relative to the last (0 when none is known). Returns the new value. */
  apply(key: string, value: number, relative: boolean): number {
    const next = relative ? (this.last.get(key) ?? 0) + value : value;
    this.last.delete(key);
    this.last.set(key, next);
    if (this.last.size > this.max) this.last.delete(this.last.keys().next().value as string);
    return next;
  }

  size(): number {
    return this.last.size;
  }
}

/** How many events a sampled line stands for: 1/rate, at least 1, a whole number. */
const scale = (rate: number) => Math.max(1, Math.round(1 / rate));

/** Maps one parsed line to a KPI event. */
export function toKpiEvent(line: StatsdLine, gauges: GaugeMemory): Mapped {
  if (line.kind === 'bad') return { ok: false, outcome: 'dropped', reason: `statsd.${line.reason}` };
  if (line.kind === 'ignored') return { ok: false, outcome: 'ignored', reason: line.reason };
  if (line.name.startsWith(TELEMETRY)) return { ok: false, outcome: 'ignored', reason: 'client_telemetry' };
  const name = kpiName(line.name);
  if (name === undefined) return { ok: false, outcome: 'dropped', reason: 'statsd.invalid_name' };
  const tags = kpiTags(line.tags);
  const event: KpiEvent = { name, tags };
  if (line.ts !== undefined) event.ts = line.ts;
  if (line.kind === 'service_check') {
    event.type = 'gauge';
    event.value = line.status;
    return { ok: true, event };
  }
  switch (line.type) {
    case 'c': {
      // The sum is exact (value / rate); the count is its nearest whole number, and 0 for
      // decrements (`active_carts:-1|c`): up-down counters are read with agg=sum.
      const sum = line.value / line.rate;
      event.count = sum > 0 ? Math.round(sum) : 0;
      event.value = sum;
      break;
    }
    case 'g':
      event.type = 'gauge';
      event.value = gauges.apply(GaugeMemory.key(name, tags), line.value, line.relative);
      break;
    case 'ms':
    case 'h':
    case 'd': {
      // One timed operation (1/rate of them when sampled), the sample as each one's value: the
      // KPI's count counts operations and sum/count is the mean.
      const n = scale(line.rate);
      event.count = n;
      event.value = line.value * n;
      break;
    }
    case 's':
      // One event per sample, not per distinct member (with hot-shots' `aggregation: true` the
      // client dedups per flush window, so the count is distinct members per window).
      event.count = 1;
      break;
  }
  return { ok: true, event };
}
