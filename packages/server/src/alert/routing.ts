/** @module Routing and quiet: which channels an incident goes to, silences, escalation targets. */
import type { Storage } from '../store/index.js';
import type { AlertRecord, Incident, Route, Silence } from './types.js';

/** Where an incident's notifications go right now. */
export interface Routing {
  channels: number[];
  /** The silence that mutes it, if every firing alert is silenced. */
  silencedBy?: number;
  escalateAfterMinutes?: number;
  escalateTo: number[];
}

const tagsMatch = (want: Record<string, string> | undefined, have: Record<string, string>) =>
  !want || Object.entries(want).every(([k, v]) => have[k] === v);

/** True when a silence covers an alert at `now`. */
export function silenceCovers(s: Silence, a: AlertRecord, now: number): boolean {
  if (now < s.startsAt || now >= s.endsAt) return false;
  if (s.match.keyPrefix && !a.key.startsWith(s.match.keyPrefix)) return false;
  if (s.match.subject && a.subject !== s.match.subject) return false;
  return tagsMatch(s.match.tags, a.tags);
}

/** True when a route takes an incident. */
export function routeMatches(r: Route, inc: Incident): boolean {
  const m = r.match;
  if (m.severities && !m.severities.includes(inc.severity)) return false;
  if (m.sources && !inc.alerts.some((a) => m.sources?.includes(a.source))) return false;
  if (m.tags && !inc.alerts.some((a) => tagsMatch(m.tags, a.tags))) return false;
  return true;
}

/** Resolves routing from the project's routes, silences and channels, read from the store. */
export async function routeIncident(store: Storage, inc: Incident, now: number): Promise<Routing> {
  const [routes, silences, channels] = await Promise.all([
    store.listDocs<Route>('route', inc.projectId),
    store.listDocs<Silence>('silence', inc.projectId),
    store.listDocs<unknown>('channel', inc.projectId),
  ]);
  const firing = inc.alerts.filter((a) => a.state !== 'resolved');
  const silencedBy = firing.length > 0 ? silences.find((s) => firing.every((a) => silenceCovers(s.body, a, now)))?.id : undefined;
  const known = new Set(channels.map((c) => c.id));
  if (routes.length === 0) return { channels: [...known], silencedBy, escalateTo: [] };
  const hit = routes.filter((r) => routeMatches(r.body, inc)).map((r) => r.body);
  const uniq = (xs: number[]) => [...new Set(xs)].filter((id) => known.has(id));
  const after = hit.map((r) => r.escalateAfterMinutes).filter((m): m is number => m !== undefined);
  return {
    channels: uniq(hit.flatMap((r) => r.channels)),
    silencedBy,
    escalateAfterMinutes: after.length > 0 ? Math.min(...after) : undefined,
    escalateTo: uniq(hit.flatMap((r) => r.escalateTo ?? [])),
  };
}
