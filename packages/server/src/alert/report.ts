/** @module MTTD, MTTA and MTTR: how fast incidents were detected, acknowledged and resolved. */
import type { Incident } from './types.js';

/** Mean and median of durations in seconds, or null when there are none. */
export interface Stat {
  n: number;
  mean: number | null;
  p50: number | null;
}

/** The recovery report of a set of incidents. */
export interface RecoveryReport {
  incidents: number;
  open: number;
  /** Onset (as the detector estimates it) to detection. */
  mttd: Stat;
  /** Detection to the first delivered notification. */
  mttn: Stat;
  /** Detection to acknowledgement. */
  mtta: Stat;
  /** Onset to resolution. */
  mttr: Stat;
}

function stat(xs: number[]): Stat {
  if (xs.length === 0) return { n: 0, mean: null, p50: null };
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const p50 = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { n: s.length, mean: s.reduce((a, b) => a + b, 0) / s.length, p50 };
}

const sec = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? undefined : Math.max(0, (b - a) / 1000);
const defined = (xs: Array<number | undefined>) => xs.filter((x): x is number => x !== undefined);

/** Computes the report over incidents detected in [from, to) (epoch ms). */
export function recoveryReport(all: readonly Incident[], from: number, to: number): RecoveryReport {
  const inc = all.filter((i) => i.detectedAt >= from && i.detectedAt < to);
  return {
    incidents: inc.length,
    open: inc.filter((i) => i.status !== 'resolved').length,
    mttd: stat(defined(inc.map((i) => sec(i.onsetAt, i.detectedAt)))),
    mttn: stat(defined(inc.map((i) => sec(i.detectedAt, i.notifiedAt)))),
    mtta: stat(defined(inc.map((i) => sec(i.detectedAt, i.acknowledgedAt)))),
    mttr: stat(defined(inc.map((i) => sec(i.onsetAt, i.resolvedAt)))),
  };
}
