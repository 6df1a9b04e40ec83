/**
 * @module Segment attribution: which tag values explain a KPI's anomaly. Each tag value's segments
 * are summed (observed and expected over the anomaly window, from their own baselines), scored by
 * the share of the KPI's total deviation they explain and by their own surprise, and the rest of
 * the KPI is checked: "browser=Safari: -100% (expected ~30, saw 0); the rest normal (+2%)" when one
 * value explains it, "broad" when the deviation is spread across values. Pure.
 */
import { formatAmount } from './explain.js';

/** One watched series of the KPI over the window. */
export interface SegmentInput {
  tags: Record<string, string>;
  observed: number;
  expected: number;
}

/** One tag value's part in the anomaly. */
export interface SegmentShare {
  tag: string;
  value: string;
  observed: number;
  expected: number;
  /** Relative change, observed / expected - 1 (null when nothing was expected). */
  change: number | null;
  /** Share of the KPI's total deviation (observed - expected) this value accounts for. */
  share: number;
  /** Its own surprise: (observed - expected) / sqrt(expected + 1), a z-like score. */
  z: number;
  /** Relative change of the rest of the KPI (every other value of the tag). */
  restChange: number | null;
}

/** The ranking and what it says. */
export interface Attribution {
  from: number;
  to: number;
  /** `segment`: one tag value explains it and the rest is normal; `broad`: spread across values; `none`: no deviation. */
  verdict: 'segment' | 'broad' | 'none';
  total: { observed: number; expected: number; change: number | null };
  /** Best explanations first (at most 10). */
  segments: SegmentShare[];
  summary: string;
}

/** Least share of the deviation one value must explain to be named alone. */
const MIN_SHARE = 0.6;
/** Least own surprise of a value named alone. */
const MIN_Z = 3;
/** Below this |z| the KPI's total is within its noise: nothing to attribute (a +4% wobble is no "broad rise"). */
const NOISE_Z = 2;

const changeOf = (o: number, e: number) => (e > 0 ? o / e - 1 : null);
const pct = (c: number | null) => (c === null ? 'new' : `${c >= 0 ? '+' : ''}${Math.round(c * 100)}%`);
const zOf = (o: number, e: number) => (o - e) / Math.sqrt(e + 1);

/** Ranks the tag values of a KPI's segments by how much of its deviation over [from, to) they explain. */
export function attributeSegments(from: number, to: number, series: readonly SegmentInput[]): Attribution {
  let O = 0;
  let E = 0;
  for (const s of series) {
    O += s.observed;
    E += s.expected;
  }
  const D = O - E;
  const total = { observed: O, expected: E, change: changeOf(O, E) };
  const groups = new Map<string, { tag: string; value: string; observed: number; expected: number; n: number }>();
  for (const s of series) {
    for (const [tag, value] of Object.entries(s.tags)) {
      const k = `${tag}\u0000${value}`;
      const g = groups.get(k) ?? { tag, value, observed: 0, expected: 0, n: 0 };
      g.observed += s.observed;
      g.expected += s.expected;
      g.n++;
      groups.set(k, g);
    }
  }
  const segments: SegmentShare[] = [...groups.values()]
    // A value every series carries (env=prod everywhere) tells nothing apart.
    .filter((g) => g.n < series.length)
    .map((g) => ({
      tag: g.tag,
      value: g.value,
      observed: g.observed,
      expected: g.expected,
      change: changeOf(g.observed, g.expected),
      share: D !== 0 ? (g.observed - g.expected) / D : 0,
      z: zOf(g.observed, g.expected),
      restChange: changeOf(O - g.observed, E - g.expected),
    }))
    // A value explains more the smaller the part of the traffic it holds: Safari's -90 out of 100
    // beats country=FR's -95 out of 300 that merely includes Safari.
    .sort((a, b) => b.share - b.expected / E - (a.share - a.expected / E) || Math.abs(b.z) - Math.abs(a.z))
    .slice(0, 10);
  const round = (s: SegmentShare): SegmentShare => ({
    ...s,
    observed: Number(s.observed.toPrecision(4)),
    expected: Number(s.expected.toPrecision(4)),
    change: s.change === null ? null : Number(s.change.toFixed(3)),
    share: Number(s.share.toFixed(3)),
    z: Number(s.z.toFixed(2)),
    restChange: s.restChange === null ? null : Number(s.restChange.toFixed(3)),
  });
  const out = (verdict: Attribution['verdict'], summary: string): Attribution => ({
    from,
    to,
    verdict,
    total: { observed: Number(O.toPrecision(4)), expected: Number(E.toPrecision(4)), change: total.change },
    segments: segments.map(round),
    summary,
  });
  const top = segments[0];
  if (!top || D === 0 || Math.abs(zOf(O, E)) < NOISE_Z)
    return out('none', 'no segment stands out: the KPI as a whole is close to expected');
  const describe = (s: SegmentShare) =>
    `${s.tag}=${s.value}: ${pct(s.change)} (expected ~${formatAmount(s.expected)}, saw ${formatAmount(s.observed)})`;
  const topChange = Math.abs(top.change ?? 1);
  const restNormal = top.restChange !== null && Math.abs(top.restChange) <= Math.max(0.1, topChange / 3);
  if (top.share >= MIN_SHARE && Math.abs(top.z) >= MIN_Z && restNormal) {
    return out(
      'segment',
      `${describe(top)}, ${Math.round(Math.min(top.share, 1) * 100)}% of the deviation; other ${top.tag} values normal (${pct(top.restChange)})`,
    );
  }
  const moved = segments.filter((s) => s.share > 0.05).slice(0, 3);
  return out(
    'broad',
    `broad, not one segment: ${moved.map(describe).join('; ')} (no single tag value explains the ${D < 0 ? 'drop' : 'rise'} alone)`,
  );
}
