/** @module Renders an incident event into the one message every channel sends. */
import { ackLink, type Incident, type NotifyIntent } from '../alert/index.js';
import type { Message } from './types.js';

const VERB: Record<NotifyIntent['event'], string> = {
  triggered: 'TRIGGERED',
  reopened: 'REOPENED',
  repeated: 'STILL FIRING',
  escalated: 'ESCALATED',
  resolved: 'RESOLVED',
  acknowledged: 'ACKNOWLEDGED',
};

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** Renders `event` of `inc` for delivery; `key` is the idempotency key kept across retries. */
export function renderMessage(
  inc: Incident,
  event: NotifyIntent['event'],
  key: string,
  opts: { publicUrl: string; linkSecret: string; now: number; ackValidMs?: number },
): Message {
  const url = `${opts.publicUrl.replace(/\/$/, '')}/incidents/${inc.id}`;
  const ackUrl = ackLink(opts.publicUrl, opts.linkSecret, inc.id, opts.now + (opts.ackValidMs ?? 7 * 86400_000));
  const firing = inc.alerts.filter((a) => a.state !== 'resolved');
  const lead = firing[0] ?? inc.alerts[0];
  const more = inc.alerts.length > 1 ? ` (+${inc.alerts.length - 1} related alert${inc.alerts.length > 2 ? 's' : ''})` : '';
  const cause = inc.probableCause ? ` — probable cause: ${inc.probableCause.title}` : '';
  return {
    version: 1,
    event: `incident.${event}`,
    idempotencyKey: key,
    sentAt: new Date(opts.now).toISOString(),
    summary: `[Heed] ${VERB[event]} #${inc.id} ${inc.severity}: ${inc.title}${more}${lead ? ` — ${lead.explanation}` : ''}${cause}`,
    incident: {
      id: inc.id,
      projectId: inc.projectId,
      status: inc.status,
      title: inc.title,
      severity: inc.severity,
      url,
      ackUrl,
      onsetAt: iso(inc.onsetAt) as string,
      detectedAt: iso(inc.detectedAt) as string,
      resolvedAt: iso(inc.resolvedAt),
      ...(inc.probableCause ? { probableCause: inc.probableCause } : {}),
      alerts: inc.alerts.map((a) => ({
        key: a.key,
        source: a.source,
        title: a.title,
        explanation: a.explanation,
        severity: a.severity,
        state: a.state,
        tags: a.tags,
      })),
    },
  };
}
