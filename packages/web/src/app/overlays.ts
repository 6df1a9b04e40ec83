/**
 * @module What the KPI chart draws over the data: the detector's expected value with its 95% band
 * (GET .../expected) and release markers (GET .../deploys). Both are optional: a failed fetch
 * leaves the chart without them rather than failing the page.
 */
import { get } from './api.js';
import type { Line, Marker } from './chart.js';

/** A deploy as listed by GET .../deploys. */
export interface Deploy {
  id: number;
  version: string;
  environment: string;
  commit?: string;
  at: string;
  source: string;
}

/** [ts, expected, low, high] of one bucket. */
export type ExpectedPoint = [number, number | null, number | null, number | null];

/** The band's three lines (expected, high, low), after the data line at index 0. */
export const BAND_LINES: Line[] = [
  { label: 'expected', color: '#888', dash: [4, 4], width: 1 },
  { label: '95% high', color: 'rgba(58,110,232,0.25)', width: 0 },
  { label: '95% low', color: 'rgba(58,110,232,0.25)', width: 0 },
];
/** The shaded area between the band's high and low lines. */
export const BAND_FILL = [{ lines: [2, 3] as [number, number], fill: 'rgba(58,110,232,0.14)' }];

/** The expected values of a KPI by bucket start; `range` is `&from=&to=&step=` (or `&points=`). */
export async function expectedFor(base: string, kpi: string, range: string): Promise<Map<number, ExpectedPoint>> {
  const r = await get<{ points: ExpectedPoint[] }>(`${base}/expected?kpi=${encodeURIComponent(kpi)}${range}`).catch(() => ({
    points: [] as ExpectedPoint[],
  }));
  return new Map(r.points.map((p) => [p[0], p]));
}

/** One bucket's values in the order of BAND_LINES: expected, high, low. */
export const bandAt = (e: ExpectedPoint | undefined): Array<number | null> => [e?.[1] ?? null, e?.[3] ?? null, e?.[2] ?? null];

/** The band's columns aligned on `xs`, in the order of BAND_LINES. */
export function bandColumns(xs: number[], m: Map<number, ExpectedPoint>): Array<Array<number | null>> {
  const rows = xs.map((x) => bandAt(m.get(x)));
  return [0, 1, 2].map((i) => rows.map((r) => r[i] ?? null));
}

/** Deploys in [from, to] (epoch s), oldest first. */
export async function deploysFor(base: string, from: number, to: number): Promise<Deploy[]> {
  return (await get<{ deploys: Deploy[] }>(`${base}/deploys?from=${from}&to=${to}`).catch(() => ({ deploys: [] }))).deploys;
}

/** A dashed vertical marker per deploy, labelled with its version. */
export function deployMarkers(deploys: Deploy[]): Marker[] {
  return deploys.map((d) => ({ ts: Date.parse(d.at) / 1000, color: '#8a3ffc', dash: [6, 3], label: d.version }));
}
