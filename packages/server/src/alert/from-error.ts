/** @module New issues and regressions from error tracking, as signals: momentary, so they fire then recover. */
import type { ErrorSignal } from '../issues/index.js';
import type { Severity, Signal } from './types.js';

const SEVERITY: Record<string, Severity> = { fatal: 'critical', error: 'critical', warning: 'warning' };

/** The firing signal of an error signal, and its immediate recovery (an incident resolves unless it recurs). */
export function signalsFromError(e: ErrorSignal): [Signal, Signal] {
  const what = e.kind === 'issue.new' ? 'New error' : 'Regression';
  const fire: Signal = {
    projectId: e.projectId,
    key: `error:issue:${e.issueId}`,
    source: 'error',
    firing: true,
    ts: e.ts,
    onsetTs: e.ts,
    severity: SEVERITY[e.level] ?? 'info',
    title: `${what}: ${e.title}`.slice(0, 200),
    explanation:
      `${what} in ${e.culprit || 'the app'}${e.release ? ` (release ${e.release})` : ''}${e.environment ? ` on ${e.environment}` : ''}: ${e.title}`.slice(
        0,
        500,
      ),
    tags: { ...(e.release ? { release: e.release } : {}), ...(e.environment ? { environment: e.environment } : {}) },
    subject: `issue:${e.issueId}`,
  };
  return [fire, { ...fire, firing: false }];
}
