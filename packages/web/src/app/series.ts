/** @module Shapes the API answers for KPIs, and turning a query into chart columns. */

/** A KPI as listed. */
export interface Kpi {
  name: string;
  type: 'count' | 'gauge';
  series: number;
}

/** The answer of /query. */
export interface QueryResult {
  kpi: string;
  type: 'count' | 'gauge';
  from: number;
  to: number;
  step: number;
  lines: Array<{ segment: string | null; total: number | null; points: Array<[number, number | null]> }>;
}

/** An anomaly as listed. */
export interface Anomaly {
  kpi: string;
  tags: Record<string, string>;
  ts: number;
  score: number;
  verdict: { status: string; direction?: string; explanation?: string };
}

/** The columns of the first line: times and values. */
export function columns(r: QueryResult): [number[], Array<number | null>] {
  const pts = r.lines[0]?.points ?? [];
  return [pts.map((p) => p[0]), pts.map((p) => p[1])];
}

/** The relative ranges the KPI page offers, with their length in seconds. */
export const RANGES: Array<[string, number]> = [
  ['live', 300],
  ['1h', 3600],
  ['24h', 86400],
  ['7d', 7 * 86400],
  ['30d', 30 * 86400],
  ['90d', 90 * 86400],
];
