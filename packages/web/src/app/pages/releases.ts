/** @module Releases: session health per release now; markers and impact reports once releases land. */
import { get } from '../api.js';
import type { PageCtx } from '../context.js';
import { card, fill, h, table } from '../dom.js';
import { num } from '../format.js';

/** Draws the releases page. */
export async function releasesPage(root: HTMLElement, ctx: PageCtx): Promise<void> {
  const r = await get<{
    releases: Array<{
      release: string;
      environment: string;
      sessions: number;
      errored: number;
      crashed: number;
      crashFreeSessions: number | null;
    }>;
  }>(`${ctx.base}/release-health?from=-7d`);
  fill(
    root,
    h('h1', null, 'Releases'),
    card(
      'Release health (7 days)',
      r.releases.length
        ? table(
            ['Release', 'Environment', 'Sessions', 'Errored', 'Crashed', 'Crash-free'],
            r.releases.map((x) => [
              x.release,
              x.environment,
              num(x.sessions),
              num(x.errored),
              num(x.crashed),
              x.crashFreeSessions === null ? '–' : `${(x.crashFreeSessions * 100).toFixed(2)} %`,
            ]),
          )
        : h('p', { class: 'muted' }, 'No sessions reported by a release in the last 7 days.'),
    ),
    card(
      'Coming soon',
      h('p', null, 'Release markers on every KPI chart and an impact report per release (what each KPI did after it) are being built now.'),
    ),
  );
}
