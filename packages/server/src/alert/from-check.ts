/** @module Check and heartbeat state changes, as signals: a dependency down, slow or a job missing pages. */
import type { CheckSignal } from '../checks/index.js';
import type { Signal } from './types.js';

/** The signal of a check or heartbeat change. */
export function signalFromCheck(c: CheckSignal): Signal {
  return {
    projectId: c.projectId,
    key: c.key,
    source: 'check',
    firing: c.firing,
    ts: c.ts,
    onsetTs: c.onsetTs,
    severity: c.severity,
    title: c.title.slice(0, 200),
    explanation: c.explanation.slice(0, 500),
    tags: { [c.kind]: c.name },
    subject: `${c.kind}:${c.name}`,
  };
}
