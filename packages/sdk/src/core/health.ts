/** @module Health checks for the app's own `/healthz`: registered checks run in parallel, each with a timeout. */

/** A check passes unless it throws, rejects, returns false, or times out. */
export type HealthCheck = () => unknown;

/** The outcome of one run. */
export interface HealthReport {
  status: 'ok' | 'fail';
  checks: Record<string, { status: 'ok' | 'fail'; durationMs: number; error?: string }>;
}

let checks: Map<string, HealthCheck> | undefined;

/**
 * Registers a named check; returns a function that removes it.
 * @example
 * addHealthCheck('db', () => pool.query('select 1'));
 */
export function addHealthCheck(name: string, check: HealthCheck): () => void {
  checks ??= new Map();
  checks.set(name, check);
  return () => void checks?.delete(name);
}

/**
 * Runs every registered check (or the given ones) and reports each.
 * @example
 * const report = await runHealthChecks();
 * res.statusCode = report.status === 'ok' ? 200 : 503;
 */
export async function runHealthChecks(timeoutMs = 2000, only?: Record<string, HealthCheck>): Promise<HealthReport> {
  const entries = only ? Object.entries(only) : [...(checks ?? new Map<string, HealthCheck>())];
  const report: HealthReport = { status: 'ok', checks: {} };
  await Promise.all(
    entries.map(async ([name, check]) => {
      const start = Date.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const timeout = new Promise<never>(
          (_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)),
        );
        const ok = await Promise.race([Promise.resolve().then(check), timeout]);
        if (ok === false) throw new Error('check returned false');
        report.checks[name] = { status: 'ok', durationMs: Date.now() - start };
      } catch (e) {
        report.status = 'fail';
        report.checks[name] = { status: 'fail', durationMs: Date.now() - start, error: e instanceof Error ? e.message : String(e) };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return report;
}
