/**
 * @module The probable first cause of an incident that holds alerts of several kinds: pure.
 * Known dependency edges point from a dependency (an active check, a heartbeat, or the per-host
 * series of outgoing calls) to the KPI and error alerts of the same project; among alerts that
 * began close together, an upstream one is the cause, else the one that began first.
 */
import type { AlertRecord, Incident, ProbableCause } from './types.js';

/** How far after the first downstream onset a dependency's onset may lie and still be its cause. */
const UPSTREAM_SLACK_MS = 120_000;

/** True when the alert is about a dependency: a check, a heartbeat or outgoing calls per host. */
export function isDependency(a: Pick<AlertRecord, 'source' | 'subject'>): boolean {
  return a.source === 'check' || (a.subject ?? '').startsWith('check.') || (a.subject ?? '').startsWith('http.client.');
}

const onset = (a: AlertRecord) => a.onsetAt ?? a.firstFiredAt;

function lag(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

/** The kind an alert counts as: KPI anomalies and rules are both metrics. */
const kindOf = (a: AlertRecord) => (isDependency(a) ? 'dependency' : a.source === 'error' ? 'error' : 'metric');

/** The probable first cause, or undefined unless the incident holds alerts of several kinds (dependency, metric, error). */
export function probableCause(inc: Pick<Incident, 'alerts'>): ProbableCause | undefined {
  if (new Set(inc.alerts.map(kindOf)).size < 2) return undefined;
  const byOnset = [...inc.alerts].sort((a, b) => onset(a) - onset(b) || a.firstFiredAt - b.firstFiredAt);
  const downstream = byOnset.filter((a) => !isDependency(a));
  const firstDown = downstream[0];
  const upstream = byOnset.filter((a) => isDependency(a) && (!firstDown || onset(a) <= onset(firstDown) + UPSTREAM_SLACK_MS));
  // A check of the dependency itself outranks a KPI about it (its latency series).
  const cause = upstream.find((a) => a.source === 'check') ?? upstream[0] ?? (byOnset[0] as AlertRecord);
  const others = byOnset.filter((a) => a !== cause);
  const parts = others.slice(0, 3).map((a) => {
    const d = onset(a) - onset(cause);
    return `${a.title} (${d >= 0 ? `${lag(d)} later` : `${lag(d)} earlier`})`;
  });
  const more = others.length > 3 ? ` and ${others.length - 3} more` : '';
  const why = isDependency(cause) && !isDependency(others[0] ?? cause) ? 'a dependency' : 'the first alert';
  return {
    key: cause.key,
    title: cause.title,
    onsetAt: onset(cause),
    text: `${cause.title} (${why}, began ${new Date(onset(cause)).toISOString()}) preceded ${parts.join(', ')}${more}.`,
  };
}
