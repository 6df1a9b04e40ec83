/**
 * @module The release reporter: every few minutes it recomputes the reports of recent deploys and,
 * the first time one is conclusive, sends it once to the project's channels (marked on the deploy,
 * so a restart does not send it again).
 */
import type { Clock, Logger } from '../kernel/index.js';
import type { Message, Outbox } from '../notify/index.js';
import type { DeployRow } from './deploys.js';
import { type ImpactDeps, type ImpactReport, impactReport, storedFunnels } from './impact.js';

/** What the reporter needs beyond the report's own dependencies. */
export interface ReporterDeps extends Omit<ImpactDeps, 'funnels'> {
  clock: Clock;
  log: Logger;
  /** Where users reach Heed (for the report's link). */
  url(): string;
  /** Funnels of a project (default: its `funnel` documents). */
  funnels?: ImpactDeps['funnels'];
  /** Channel ids of a project (default: all of them; a release report is for the whole team). */
  channels?(projectId: number): Promise<number[]>;
  outbox: Pick<Outbox, 'enqueueMessage'>;
  /** Error events' releases (the issues room's pipeline): each new version counts as deployed. */
  events?: { onRelease(l: (projectId: number, release: string, environment: string, ts: number) => void): unknown };
  horizonHours?: number;
}

/** Renders a report as the message every channel sends (each KPI as one line). */
export function reportMessage(r: ImpactReport, publicUrl: string, now: number): Message {
  const url = `${publicUrl.replace(/\/$/, '')}/api/v1/projects/${r.deploy.projectId}/deploys/${r.deploy.id}/impact`;
  const lines = [
    ...r.kpis.map((k) => ({ title: k.kpi, explanation: k.text, significant: k.vsBaseline?.significant ?? false })),
    ...r.funnels.flatMap((f) =>
      f.steps.map((s) => ({ title: `${f.name}: ${s.from} -> ${s.to}`, explanation: s.text, significant: s.effect?.significant ?? false })),
    ),
  ];
  return {
    version: 1,
    event: 'release.impact',
    idempotencyKey: `heed-deploy-${r.deploy.id}-impact`,
    sentAt: new Date(now).toISOString(),
    summary: `[Heed] RELEASE ${r.summary}`,
    incident: {
      id: 0,
      projectId: r.deploy.projectId,
      status: r.status,
      title: `Release ${r.deploy.version} (${r.deploy.environment})`,
      severity: 'info',
      url,
      ackUrl: url,
      onsetAt: new Date(r.deploy.at).toISOString(),
      detectedAt: new Date(now).toISOString(),
      resolvedAt: null,
      alerts: lines.map((l) => ({
        key: `release:${r.deploy.id}:${l.title}`,
        source: 'release',
        title: l.title,
        explanation: l.explanation,
        severity: 'info',
        state: l.significant ? 'firing' : 'resolved',
        tags: {},
      })),
    },
  };
}

/** The reporter: `tick()` is safe to call often; work happens at most once per run in flight. */
export function createReleaseReporter(deps: ReporterDeps) {
  const horizon = deps.horizonHours ?? 24;
  deps.events?.onRelease((...e) => void deps.releases.noteEventRelease(...e));
  const impact: ImpactDeps = { ...deps, funnels: deps.funnels ?? ((p) => storedFunnels(deps.store, p)) };
  const channelsOf = deps.channels ?? (async (p: number) => (await deps.store.listDocs('channel', p)).map((d) => d.id));
  let running: Promise<void> | undefined;
  const run = async () => {
    const now = deps.clock();
    const projects = await deps.store.listProjects();
    for (const p of projects) {
      // Deploys whose horizon ended within the last day, or is still ahead, and not yet reported.
      const recent = deps.releases.list(p.id, now - (horizon + 24) * 3600_000).filter((d: DeployRow) => !d.reportedAt);
      for (const d of recent) {
        const report = await impactReport(impact, d, now, horizon);
        if (report.status !== 'conclusive') continue;
        const channels = await channelsOf(p.id);
        if (channels.length > 0) await deps.outbox.enqueueMessage(p.id, channels, reportMessage(report, deps.url(), now));
        await deps.releases.markReported(d.id, now);
        deps.log.info('release report sent', { projectId: p.id, version: d.version, channels: channels.length, summary: report.summary });
      }
    }
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    /** Looks every `everyMs` (5 min by default) until stopped. */
    start(everyMs = 300_000) {
      timer = setInterval(() => void this.tick(), everyMs).unref();
    },
    stop() {
      clearInterval(timer);
    },
    tick(): Promise<void> {
      running ??= run()
        .catch((err: unknown) => deps.log.error('release reporter failed', { err }))
        .finally(() => {
          running = undefined;
        });
      return running;
    },
  };
}
