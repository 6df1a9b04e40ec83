/** @module KPI anomalies from live detection, as signals: a drop pages (critical), a spike warns; segment attribution is told. */
import type { EngineEvent } from '../detect/index.js';
import { isErrorRate, signalFromErrorRate } from './from-error-rate.js';
import type { Signal } from './types.js';

/** The signal of a detection event, or undefined for verdicts that are not alerts or recoveries. */
export function signalFromAnomaly(e: EngineEvent): Signal | undefined {
  // The `errors` KPIs (total and per issue) are error tracking's: error rate spikes.
  if (isErrorRate(e.series.kpi)) return signalFromErrorRate(e);
  const v = e.verdict;
  const seg = Object.entries(e.series.tags)
    .map(([k, x]) => `${k}=${x}`)
    .join(', ');
  const base = {
    projectId: e.series.projectId,
    key: `kpi:${e.seriesId}`,
    source: 'kpi' as const,
    ts: e.ts * 1000,
    tags: e.series.tags,
    subject: e.series.kpi,
  };
  const name = `${e.series.kpi}${seg ? ` (${seg})` : ''}`;
  if (v.status === 'alert') {
    return {
      ...base,
      firing: true,
      severity: v.direction === 'drop' ? 'critical' : 'warning',
      title: `${name} ${v.direction === 'drop' ? 'dropped' : 'spiked'}`,
      // Which segments explain it, when the KPI is watched per tag value.
      explanation:
        e.attribution && e.attribution.verdict !== 'none' ? `${v.explanation}. Segments: ${e.attribution.summary}` : v.explanation,
    };
  }
  if (v.status === 'normal' || v.status === 'shift') {
    return {
      ...base,
      firing: false,
      severity: 'info',
      title: name,
      explanation: v.status === 'shift' ? v.explanation : `${name} is back to its expected level.`,
    };
  }
  return undefined;
}
