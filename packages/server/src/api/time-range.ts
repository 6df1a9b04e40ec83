/** @module Parsing time ranges and steps from query strings, and choosing a resolution. */
import { parseTimestamp } from '@heed/protocol';
import { ApiError } from '../kernel/index.js';
import type { Resolution } from '../store/index.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Parses a duration such as `90`, `30s`, `5m`, `2h`, `7d` into seconds. */
export function parseDuration(s: string): number | undefined {
  const m = /^(\d+)([smhdw]?)$/.exec(s.trim());
  if (!m) return undefined;
  return Number(m[1]) * (UNITS[m[2] || 's'] ?? 1);
}

/** Parses `now`, `-1h` (relative to now), ISO-8601, or epoch seconds/ms into epoch ms. */
export function parseTime(s: string, now: number, param: string): number {
  const t = s.trim();
  if (t === 'now') return now;
  if (t.startsWith('-')) {
    const d = parseDuration(t.slice(1));
    if (d !== undefined) return now - d * 1000;
  }
  const ms = parseTimestamp(/^\d+$/.test(t) ? Number(t) : t);
  if (ms === undefined) {
    throw new ApiError(
      'request.invalid_param',
      `'${param}' must be now, -<duration> (e.g. -1h), ISO-8601 or epoch: got '${t.slice(0, 40)}'.`,
    );
  }
  return ms;
}

/** Retention in seconds of each resolution, for choosing the finest one that still has the data. */
export type RetentionSeconds = Record<Resolution, number>;

const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 604800];

/** A resolved range: epoch seconds [from, to), a step and the table resolution to read. */
export interface Range {
  from: number;
  to: number;
  step: number;
  resolution: Resolution;
}

/**
 * Resolves from/to/step. Without a step, picks a nice one giving at most ~`points` points; then
 * reads the coarsest table whose bucket divides the step, falling back to coarser tables when the
 * finer one no longer holds `from`.
 */
export function resolveRange(
  q: { from?: string | null; to?: string | null; step?: string | null },
  now: number,
  retention: RetentionSeconds,
  points = 300,
): Range {
  const toMs = q.to ? parseTime(q.to, now, 'to') : now;
  const fromMs = q.from ? parseTime(q.from, now, 'from') : toMs - 3600_000;
  if (fromMs >= toMs) throw new ApiError('request.invalid_param', "'from' must be before 'to'.");
  const span = (toMs - fromMs) / 1000;
  let step: number;
  if (q.step) {
    const d = parseDuration(q.step);
    if (!d || d < 1) throw new ApiError('request.invalid_param', "'step' must be a duration such as 1, 10s, 1m, 1h.");
    step = d;
  } else {
    step = NICE_STEPS.find((s) => span / s <= points) ?? 604800;
  }
  if (span / step > 20000) {
    throw new ApiError(
      'request.invalid_param',
      `That range at step ${step}s has ${Math.ceil(span / step)} points; use a larger step (at most 20000 points).`,
    );
  }
  const nowSec = now / 1000;
  const fromSec = Math.floor(fromMs / 1000 / step) * step;
  const toSec = Math.ceil(toMs / 1000 / step) * step;
  // The coarsest table whose bucket divides the step gives the same answer from the fewest rows;
  // a table that no longer holds `from` is skipped for a coarser one (and the step rounded up).
  const holds = (r: Resolution) => fromSec >= nowSec - retention[r];
  const dividing = ([3600, 60, 1] as const).filter((r) => step % r === 0);
  const resolution: Resolution = dividing.find(holds) ?? ([1, 60, 3600] as const).find(holds) ?? 3600;
  if (step % resolution !== 0) step = Math.ceil(step / resolution) * resolution;
  return { from: Math.floor(fromSec / step) * step, to: toSec, step, resolution };
}
