/**
 * @module A funnel step's conversion watched live: per-minute counts of both steps, the learned
 * conversion, and a binomial test over a sliding window. Given how many entered the first step,
 * how many reached the next is binomial at the learned conversion, whatever the traffic does, so
 * "nobody gets past checkout" is told from "fewer people came" (which the KPI detectors judge).
 * Pure: time comes from the minutes given; the state is plain JSON.
 */
import { lnGamma } from '../detect/index.js';

/** Tuning of the conversion watch. */
export const FUNNEL_TUNING = Object.freeze({
  /** Minutes in the judged window. */
  windowMinutes: 10,
  /** Half-life, in minutes, of the learned conversion. */
  halfLifeMinutes: 360,
  /** Entries (first step) and minutes needed before judging. */
  readyEntries: 100,
  readyMinutes: 30,
  /** Least relative fall of the conversion to alert on (a binomial test alone over-trusts huge counts). */
  minFall: 0.3,
  /**
   * Minutes people may take from one step to the next: entries are also counted over the window
   * this much earlier and the smaller count is used, so a surge of traffic whose conversions are
   * still on their way is not a fall of the conversion.
   */
  lagMinutes: 3,
  /** Least expected conversions in the window for a verdict. */
  minExpected: 8,
  /** Share of its usual rate the conversion keeps learning while alerting (a lasting change becomes the new normal). */
  incidentWeight: 0.1,
});

/** The state of one step pair (`from -> to`). */
export interface FunnelWatchState {
  /** Counts by epoch minute not yet judged, and the window of judged ones: [minute, entries, conversions]. */
  minutes: Array<[number, number, number]>;
  /** First minute not yet judged (0 before any data). */
  next: number;
  /** Decayed entries and conversions of minutes judged normal. */
  a: number;
  b: number;
  /** Entries and minutes seen in all (for readiness). */
  entries: number;
  seen: number;
  alerting: boolean;
  /** Windows start no earlier than this minute: the minutes of a closed incident judge nothing more. */
  clearFrom?: number;
}

/** What judging a minute said. */
export interface FunnelVerdict {
  /** End of the judged minute (epoch s). */
  ts: number;
  status: 'alert' | 'recovered';
  /** Conversion in the window, and the learned one. */
  observed: number;
  expected: number;
  entries: number;
  conversions: number;
  /** ln of the binomial tail probability of the window (alerts). */
  lnP: number;
  /** Minutes in the window that decided. */
  minutes: number;
}

/** A fresh state. */
export function createFunnelWatch(): FunnelWatchState {
  return { minutes: [], next: 0, a: 0, b: 0, entries: 0, seen: 0, alerting: false };
}

/** Adds counts of the first (`entries`) and next (`conversions`) step in an epoch minute; late minutes are ignored. */
export function observeFunnel(s: FunnelWatchState, minute: number, entries: number, conversions: number): void {
  if (s.next !== 0 && minute < s.next) return;
  if (s.next === 0) s.next = minute;
  const row = s.minutes.find((m) => m[0] === minute);
  if (row) {
    row[1] += entries;
    row[2] += conversions;
  } else s.minutes.push([minute, entries, conversions]);
}

/** ln P(K <= k) for K ~ Binomial(n, p), summed down from k in log space. */
export function lnBinomialLower(k: number, n: number, p: number): number {
  if (k >= n) return 0;
  const lnC = (j: number) => lnGamma(n + 1) - lnGamma(j + 1) - lnGamma(n - j + 1);
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  const top = lnC(k) + k * lp + (n - k) * lq;
  let sum = 1;
  let term = 0;
  for (let j = k; j > 0; j--) {
    // Ratio of P(j-1) to P(j).
    term += Math.log(j) - Math.log(n - j + 1) + lq - lp;
    const t = Math.exp(term);
    sum += t;
    if (t < 1e-12 * sum) break;
  }
  return Math.min(0, top + Math.log(sum));
}

/** Entries (column 1) or conversions (column 2) over minutes [from, to]. */
function sumOf(s: FunnelWatchState, from: number, to: number, col: 1 | 2): number {
  let sum = 0;
  for (const r of s.minutes) if (r[0] >= from && r[0] <= to) sum += r[col];
  return sum;
}

/**
 * Judges every complete minute before `upTo` (epoch minute): learns from it and returns the
 * alerts and recoveries. `falseAlarmsPerWeek` sets the test's level (a test a minute).
 */
export function judgeFunnel(s: FunnelWatchState, upTo: number, falseAlarmsPerWeek: number): FunnelVerdict[] {
  const T = FUNNEL_TUNING;
  const out: FunnelVerdict[] = [];
  if (s.next === 0) return out;
  const lnAlpha = Math.log(Math.max(falseAlarmsPerWeek, 1e-6) / 10_080);
  const decay = 2 ** (-1 / T.halfLifeMinutes);
  for (; s.next < upTo; s.next++) {
    const m = s.next;
    if (!s.minutes.some((r) => r[0] === m)) s.minutes.push([m, 0, 0]);
    const ready = s.entries >= T.readyEntries && s.seen >= T.readyMinutes && s.a > 0;
    const p = ready ? Math.min(Math.max(s.b / s.a, 1e-6), 0.999) : 0;
    // Trailing windows of 2 to windowMinutes minutes: a busy funnel is judged on the last two
    // minutes, a quiet one over as many as it needs; the level is shared out among the windows.
    const was = s.alerting;
    for (let w = 2; ready && w <= T.windowMinutes; w++) {
      const first = m - w + 1;
      if (first < (s.clearFrom ?? 0)) break;
      const entries = Math.min(sumOf(s, first, m, 1), sumOf(s, first - T.lagMinutes, m - T.lagMinutes, 1));
      // Conversions can outnumber entries in a window (people who entered just before it).
      const k = Math.min(sumOf(s, first, m, 2), entries);
      if (entries * p < T.minExpected) continue;
      const v = { ts: (m + 1) * 60, observed: k / entries, expected: p, entries, conversions: k, minutes: w };
      if (!s.alerting && k < entries * p * (1 - T.minFall)) {
        const lnP = lnBinomialLower(k, entries, p);
        if (lnP < lnAlpha - Math.log(T.windowMinutes)) {
          s.alerting = true;
          out.push({ ...v, status: 'alert', lnP });
        }
      } else if (s.alerting && k >= entries * p * (1 - T.minFall / 2)) {
        s.alerting = false;
        s.clearFrom = first;
        out.push({ ...v, status: 'recovered', lnP: 0 });
      }
      // Only the shortest window with enough evidence decides a recovery.
      if (was || s.alerting) break;
    }
    // A minute is learned from lagMinutes later, once the windows after it have judged it: the
    // first minutes of an incident do not leak into the level before the alert holds learning back.
    const old = s.minutes.find((r) => r[0] === m - T.lagMinutes);
    const w = s.alerting ? T.incidentWeight : 1;
    s.a = s.a * decay + w * (old?.[1] ?? 0);
    s.b = s.b * decay + w * (old?.[2] ?? 0);
    s.entries += old?.[1] ?? 0;
    s.seen++;
    s.minutes = s.minutes.filter((r) => r[0] > m - T.windowMinutes - T.lagMinutes);
  }
  return out;
}

const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)}%`;

/** "checkout.started → checkout.completed conversion fell to 0% (expected ~70%): 0 of 212 in the last 10 min (p < 1e-9)". */
export function explainFunnel(from: string, to: string, v: FunnelVerdict): string {
  const head = `${from} → ${to} conversion`;
  if (v.status === 'recovered') return `${head} is back to ${pct(v.observed)} (expected ~${pct(v.expected)}).`;
  const log10 = v.lnP / Math.LN10;
  const p = log10 < -9 ? 'p < 1e-9' : `p ≈ ${(10 ** log10).toPrecision(1)}`;
  return `${head} fell to ${pct(v.observed)} (expected ~${pct(v.expected)}): ${v.conversions} of ${v.entries} in the last ${v.minutes} min (${p}).`;
}
