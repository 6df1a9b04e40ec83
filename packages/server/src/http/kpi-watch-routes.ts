/**
 * @module What detection watches beyond single series: segment attribution of a KPI's recent
 * deviation, a project's declared holidays, and ratio KPIs (numerator / denominator) declared,
 * listed, queried as a series and watched live (monitors room).
 */
import { parseTime, querySeries, resolveRange } from '../api/index.js';
import { ATTRIBUTION_MEMORY_SECONDS } from '../detect/index.js';
import { ApiError } from '../kernel/index.js';
import { RATIO_DOC, type RatioSpec, validateHolidays, validateRatio, validRatioName } from '../monitors/index.js';
import { admin, projectOf } from './admin-routes.js';
import type { Ctx, Handler } from './context.js';
import { readJson } from './read-json.js';
import type { Services } from './services.js';

/** The routes. */
export function kpiWatchRoutes(s: Services): Array<[string, string, Handler]> {
  const base = '/api/v1/projects/:projectId';
  const { retention } = s.config;
  const retentionSec = { 1: retention.secondsHours * 3600, 60: retention.minutesDays * 86400, 3600: retention.hoursDays * 86400 };
  const ratioName = (ctx: Ctx) => {
    const name = ctx.params.name as string;
    if (!validRatioName(name)) throw new ApiError('request.invalid_param', 'Ratio names are 1-128 letters, digits and `_ . : / -`.');
    return name;
  };
  const ratioDoc = async (projectId: number, name: string) =>
    (await s.store.listDocs<RatioSpec & { name: string }>(RATIO_DOC, projectId)).find((d) => d.body.name === name);
  const notFound = (projectId: number, name: string) =>
    new ApiError(
      'kpi.not_found',
      `Project ${projectId} has no ratio '${name}'; declare it with PUT /api/v1/projects/${projectId}/ratios/${name}.`,
    );

  return [
    [
      'GET',
      `${base}/kpis/:kpi/attribution`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const kpi = ctx.params.kpi as string;
        const rows = s.registry.ofKpi(p.id, kpi);
        if (rows.length === 0) throw new ApiError('kpi.not_found', `Project ${p.id} has no KPI '${kpi}'.`);
        if (rows[0]?.type !== 'count')
          throw new ApiError('request.invalid_param', `'${kpi}' is a gauge; attribution compares counted KPIs.`);
        const now = s.clock();
        const to = ctx.query.get('to') ? parseTime(ctx.query.get('to') as string, now, 'to') / 1000 : now / 1000;
        const from = ctx.query.get('from') ? parseTime(ctx.query.get('from') as string, now, 'from') / 1000 : to - 300;
        if (!(from < to)) throw new ApiError('request.invalid_param', "'from' must be before 'to'.");
        if (from < now / 1000 - ATTRIBUTION_MEMORY_SECONDS)
          throw new ApiError(
            'request.invalid_param',
            `'from' must be within the last ${ATTRIBUTION_MEMORY_SECONDS / 60} minutes (detection's memory of segments).`,
          );
        const a = s.detection?.attribution(p.id, kpi, from, to, now / 1000);
        if (!a)
          return {
            status: 200,
            body: { kpi, from, to, verdict: 'none', segments: [], summary: `'${kpi}' is watched in fewer than two segments.` },
          };
        return { status: 200, body: { kpi, ...a } };
      }),
    ],
    ['GET', `${base}/holidays`, admin(s, async (ctx) => ({ status: 200, body: s.monitors.holidays((await projectOf(s, ctx)).id) }))],
    [
      'PUT',
      `${base}/holidays`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const v = validateHolidays(await readJson(ctx.req));
        if (!v.ok) throw new ApiError('request.invalid_body', v.message);
        return { status: 200, body: await s.monitors.setHolidays(p.id, v.value, s.clock()) };
      }),
    ],
    [
      'GET',
      `${base}/ratios`,
      admin(s, async (ctx) => ({ status: 200, body: { ratios: s.monitors.ratios((await projectOf(s, ctx)).id) } })),
    ],
    [
      'PUT',
      `${base}/ratios/:name`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const name = ratioName(ctx);
        const v = validateRatio(await readJson(ctx.req));
        if (!v.ok) throw new ApiError('request.invalid_body', v.message);
        const gauge = [v.value.numerator, v.value.denominator].find((k) => s.registry.ofKpi(p.id, k)[0]?.type === 'gauge');
        if (gauge)
          throw new ApiError('request.invalid_body', `'${gauge}' is a gauge; a ratio's numerator and denominator must be counted KPIs.`);
        const old = await ratioDoc(p.id, name);
        const body = { name, ...v.value };
        if (old) await s.store.updateDoc(RATIO_DOC, old.id, body, s.clock());
        else await s.store.insertDoc(RATIO_DOC, p.id, body, s.clock());
        await s.monitors.reload();
        return { status: old ? 200 : 201, body: s.monitors.ratios(p.id).find((r) => r.name === name) };
      }),
    ],
    [
      'DELETE',
      `${base}/ratios/:name`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const name = ratioName(ctx);
        const old = await ratioDoc(p.id, name);
        if (!old) throw notFound(p.id, name);
        await s.store.deleteDoc(RATIO_DOC, old.id);
        await s.monitors.reload();
        return { status: 200, body: { deleted: name } };
      }),
    ],
    [
      'GET',
      `${base}/ratios/:name/series`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const name = ratioName(ctx);
        const doc = await ratioDoc(p.id, name);
        if (!doc) throw notFound(p.id, name);
        const points = Number(ctx.query.get('points') ?? 300);
        if (!Number.isInteger(points) || points < 1 || points > 20000)
          throw new ApiError('request.invalid_param', "'points' must be an integer from 1 to 20000.");
        const range = resolveRange(
          { from: ctx.query.get('from'), to: ctx.query.get('to'), step: ctx.query.get('step') },
          s.clock(),
          retentionSec,
          points,
        );
        const line = async (kpi: string) =>
          s.registry.ofKpi(p.id, kpi).length === 0
            ? undefined
            : (await querySeries(s.store, s.registry, { projectId: p.id, kpi, range, agg: 'count' })).lines[0];
        const num = await line(doc.body.numerator);
        const den = await line(doc.body.denominator);
        const at = (l: typeof num, i: number) => l?.points[i]?.[1] ?? 0;
        const series: Array<[number, number | null, number, number]> = [];
        for (let i = 0, t = range.from; t < range.to; i++, t += range.step) {
          const n = at(num, i);
          const d = at(den, i);
          series.push([t, d > 0 ? n / d : null, n, d]);
        }
        const nTotal = num?.total ?? 0;
        const dTotal = den?.total ?? 0;
        return {
          status: 200,
          body: {
            name,
            numerator: doc.body.numerator,
            denominator: doc.body.denominator,
            from: range.from,
            to: range.to,
            step: range.step,
            ratio: dTotal > 0 ? nTotal / dTotal : null,
            points: series,
          },
        };
      }),
    ],
  ];
}
