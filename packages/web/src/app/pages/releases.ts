/**
 * @module Releases: every deploy (explicit or guessed from error events) with its impact report on
 * KPIs, funnels and errors, and session health per release.
 */
import { get } from '../api.js';
import type { PageCtx } from '../context.js';
import { button, card, fill, h, table } from '../dom.js';
import { ago, num, when } from '../format.js';
import { type Deploy, deploysFor } from '../overlays.js';
import { impactView } from './release-impact.js';

interface Health {
  release: string;
  environment: string;
  sessions: number;
  errored: number;
  crashed: number;
  crashFreeSessions: number | null;
  users: number;
  crashFreeUsers: number | null;
}

/** Draws the releases page; `#/releases/<deployId>` opens that deploy's report (default: the latest). */
export async function releasesPage(root: HTMLElement, ctx: PageCtx): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const [deploys, health] = await Promise.all([
    deploysFor(ctx.base, now - 90 * 86400, now),
    get<{ releases: Health[] }>(`${ctx.base}/release-health?from=-7d`).catch(() => ({ releases: [] as Health[] })),
  ]);
  const newest = [...deploys].reverse();
  const chosen = Number(ctx.params[0]) || newest[0]?.id;
  const report = h('div', { 'data-testid': 'impact-report' });
  const rows = newest.map((d: Deploy) => [
    h('strong', null, d.version),
    d.environment,
    when(d.at),
    ago(d.at),
    d.source,
    d.commit ?? '–',
    button(d.id === chosen ? 'Shown below' : 'Impact report', () => {
      location.hash = `#/releases/${d.id}`;
    }),
  ]);
  fill(
    root,
    h('h1', null, 'Releases'),
    card(
      `Deploys (90 days, ${deploys.length})`,
      newest.length
        ? table(['Release', 'Environment', 'Deployed', '', 'Source', 'Commit', ''], rows, 'deploys')
        : h(
            'p',
            { class: 'muted' },
            'No deploy yet. Record one with `heed releases deploy <version>` or POST /api/v1/projects/<id>/releases; the first error event of a new release counts too.',
          ),
    ),
    chosen ? card(`Impact of ${newest.find((d) => d.id === chosen)?.version ?? `deploy ${chosen}`}`, report) : null,
    card(
      'Release health (7 days)',
      health.releases.length
        ? table(
            ['Release', 'Environment', 'Sessions', 'Errored', 'Crashed', 'Crash-free sessions', 'Users', 'Crash-free users'],
            health.releases.map((x) => [
              x.release,
              x.environment,
              num(x.sessions),
              num(x.errored),
              num(x.crashed),
              x.crashFreeSessions === null ? '–' : `${(x.crashFreeSessions * 100).toFixed(2)} %`,
              num(x.users),
              x.crashFreeUsers === null ? '–' : `${(x.crashFreeUsers * 100).toFixed(2)} %`,
            ]),
          )
        : h('p', { class: 'muted' }, 'No sessions reported by a release in the last 7 days.'),
    ),
  );
  if (!chosen) return;
  fill(report, h('p', { class: 'muted' }, 'Computing the impact report…'));
  // The report reads weeks of hourly history: it loads after the page is interactive.
  void impactView(ctx.base, chosen).then(
    (v) => !ctx.left() && fill(report, v),
    (err: unknown) => !ctx.left() && fill(report, h('p', { class: 'error' }, `Could not compute the report: ${String(err)}`)),
  );
}
