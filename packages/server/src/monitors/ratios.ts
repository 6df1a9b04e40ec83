/**
 * @module Ratio KPIs: a numerator KPI over a denominator KPI (checkouts / carts = conversion),
 * declared through the API or the monitors file and watched live by the same binomial test as a
 * funnel step (funnel-watch.ts): given how many denominator events came, how many numerator events
 * followed is binomial at the learned ratio, so "conversion fell" is told from "traffic fell". The
 * test holds for proportions, where each numerator event is one of the denominator's.
 */
import type { FunnelVerdict } from './funnel-watch.js';
import { type Sensitivity, sensitivityProblem } from './kpi-settings.js';

/** A declared ratio. */
export interface RatioSpec {
  numerator: string;
  denominator: string;
  /** How readily a fall pages; the numerator KPI's sensitivity when left out. */
  sensitivity?: Sensitivity;
  description?: string;
}

/** Document kind of declared ratios (one per name and project). */
export const RATIO_DOC = 'ratio';

const NAME = /^[\w.:/-]{1,128}$/;
const SHAPE = 'A ratio is {"numerator": "checkout", "denominator": "cart"}, optionally with "sensitivity" and "description".';

/** Validates a ratio body. */
export function validateRatio(body: unknown): { ok: true; value: RatioSpec } | { ok: false; message: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: SHAPE };
  const b = body as Record<string, unknown>;
  const extra = Object.keys(b).find((k) => !['numerator', 'denominator', 'sensitivity', 'description'].includes(k));
  if (extra) return { ok: false, message: `Unknown field '${extra}'; allowed: numerator, denominator, sensitivity, description.` };
  for (const k of ['numerator', 'denominator'] as const) {
    if (typeof b[k] !== 'string' || !NAME.test(b[k] as string))
      return { ok: false, message: `\`${k}\` must name a counted KPI (1-128 letters, digits and \`_ . : / -\`). ${SHAPE}` };
  }
  if (b.numerator === b.denominator) return { ok: false, message: '`numerator` and `denominator` must be two different KPIs.' };
  if (b.sensitivity !== undefined) {
    const problem = sensitivityProblem(b.sensitivity);
    if (problem) return { ok: false, message: problem };
  }
  if (b.description !== undefined && (typeof b.description !== 'string' || b.description.length > 500))
    return { ok: false, message: '`description` must be a string of at most 500 characters.' };
  return {
    ok: true,
    value: {
      numerator: b.numerator as string,
      denominator: b.denominator as string,
      ...(b.sensitivity !== undefined ? { sensitivity: b.sensitivity as Sensitivity } : {}),
      ...(typeof b.description === 'string' ? { description: b.description } : {}),
    },
  };
}

/** True when `name` is a valid ratio name. */
export const validRatioName = (name: string) => NAME.test(name);

const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)}%`;

/** "conversion (checkout / cart) fell to 20% (expected ~60%): 41 of 205 cart in the last 4 min (p < 1e-9)". */
export function explainRatio(name: string, r: RatioSpec, v: FunnelVerdict): string {
  const head = `${name} (${r.numerator} / ${r.denominator})`;
  if (v.status === 'recovered') return `${head} is back to ${pct(v.observed)} (expected ~${pct(v.expected)}).`;
  const log10 = v.lnP / Math.LN10;
  const p = log10 < -9 ? 'p < 1e-9' : `p ≈ ${(10 ** log10).toPrecision(1)}`;
  return (
    `${head} fell to ${pct(v.observed)} (expected ~${pct(v.expected)}): ${v.conversions} ${r.numerator} for ` +
    `${v.entries} ${r.denominator} in the last ${v.minutes} min (${p}).`
  );
}
