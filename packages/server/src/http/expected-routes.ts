/**
 * @module GET .../expected: what the detector expected for a KPI's total over a range, with a 95%
 * band, for the dashboard's chart. Reads hourly history (four weeks before the range, within hour
 * retention) and lets the seasonal baseline predict each bucket one step ahead (detect's expectedBand).
 */
import { querySeries, resolveRange } from '../api/index.js';
import { expectedBand } from '../detect/index.js';
import { ApiError } from '../kernel/index.js';
import { admin, projectOf } from './admin-routes.js';
import type { Handler } from './context.js';
import type { Services } from './services.js';

const HOUR = 3600;
/** History learned before the range: four weeks, so each hour of the week is seen several times. */
const HISTORY_DAYS = 28;

/** The expected-band route. */
export function expectedRoutes(s: Services): Array<[string, string, Handler]> {
  const { retention } = s.config;
  const retentionSec = { 1: retention.secondsHours * 3600, 60: retention.minutesDays * 86400, 3600: retention.hoursDays * 86400 };
  return [
    [
      'GET',
      '/api/v1/projects/:projectId/expected',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const kpi = ctx.query.get('kpi');
        if (!kpi) throw new ApiError('request.invalid_param', "Name the KPI with '?kpi=<name>'.");
        const now = s.clock();
        const rawPoints = Number(ctx.query.get('points') ?? 300);
        if (!Number.isInteger(rawPoints) || rawPoints < 1 || rawPoints > 20000)
          throw new ApiError('request.invalid_param', "'points' must be an integer from 1 to 20000.");
        // A future `to` is allowed: the live chart asks for the minutes ahead.
        const range = resolveRange(
          { from: ctx.query.get('from'), to: ctx.query.get('to'), step: ctx.query.get('step') },
          now,
          retentionSec,
          rawPoints,
        );
        const nowSec = Math.floor(now / 1000);
        const oldest = Math.ceil((nowSec - retentionSec[3600]) / HOUR) * HOUR;
        const histFrom = Math.max(oldest, Math.floor(range.from / HOUR) * HOUR - HISTORY_DAYS * 86_400);
        const histTo = Math.max(histFrom + HOUR, Math.min(Math.ceil(range.to / HOUR), Math.ceil(nowSec / HOUR)) * HOUR);
        const gauge = s.registry.ofKpi(p.id, kpi)[0]?.type === 'gauge';
        const hist = await querySeries(s.store, s.registry, {
          projectId: p.id,
          kpi,
          range: { from: histFrom, to: histTo, step: HOUR, resolution: 3600 },
          agg: gauge ? 'mean' : 'count',
        });
        const hourly = (hist.lines[0]?.points ?? []).map((pt) => pt[1]);
        const band = expectedBand({
          kind: hist.type,
          start: histFrom,
          hourly,
          complete: Math.max(0, Math.floor((nowSec - histFrom) / HOUR)),
          from: range.from,
          to: range.to,
          step: range.step,
        });
        return {
          status: 200,
          body: {
            kpi,
            type: hist.type,
            from: range.from,
            to: range.to,
            step: range.step,
            historyFrom: histFrom,
            learnedHours: band.learnedHours,
            band: '95%',
            points: band.points,
          },
        };
      }),
    ],
  ];
}
