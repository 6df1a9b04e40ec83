/** @module Read API: KPIs, series, queries, segments, raw events and the live stream (SSE). */
import { AGGS, type Agg, parseTime, querySeries, readRawEvents, resolveRange } from '../api/index.js';
import { ApiError } from '../kernel/index.js';
import { admin, projectOf } from './admin-routes.js';
import type { Ctx, Handler } from './context.js';
import type { Services } from './services.js';

function parseWhere(raw: string | null): Record<string, string> | undefined {
  if (!raw) return undefined;
  const out: Record<string, string> = {};
  for (const part of raw.split(',')) {
    const i = part.indexOf(':');
    if (i < 1)
      throw new ApiError('request.invalid_param', "'where' must be tag:value pairs separated by commas, e.g. browser:Safari,plan:pro.");
    out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

function intParam(ctx: Ctx, name: string, def: number, min: number, max: number): number {
  const raw = ctx.query.get(name);
  if (raw === null) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ApiError('request.invalid_param', `'${name}' must be an integer from ${min} to ${max}.`);
  }
  return n;
}

function requiredKpi(ctx: Ctx): string {
  const kpi = ctx.query.get('kpi') ?? ctx.params.kpi;
  if (!kpi) throw new ApiError('request.invalid_param', "Name the KPI with '?kpi=<name>'.");
  return kpi;
}

/** The read routes. */
export function queryRoutes(s: Services): Array<[string, string, Handler]> {
  const { retention } = s.config;
  const retentionSec = { 1: retention.secondsHours * 3600, 60: retention.minutesDays * 86400, 3600: retention.hoursDays * 86400 };
  const runQuery = async (ctx: Ctx, splitRequired: boolean) => {
    const p = await projectOf(s, ctx);
    const agg = (ctx.query.get('agg') ?? undefined) as Agg | undefined;
    if (agg !== undefined && !AGGS.includes(agg)) {
      throw new ApiError('request.invalid_param', `'agg' must be one of ${AGGS.join(', ')}.`);
    }
    const split = ctx.query.get('split') ?? ctx.query.get('by') ?? undefined;
    if (splitRequired && !split) throw new ApiError('request.invalid_param', "Name the tag to rank with '?by=<tag>'.");
    const range = resolveRange(
      { from: ctx.query.get('from'), to: ctx.query.get('to'), step: ctx.query.get('step') },
      s.clock(),
      retentionSec,
      intParam(ctx, 'points', 300, 1, 20000),
    );
    return querySeries(s.store, s.registry, {
      projectId: p.id,
      kpi: requiredKpi(ctx),
      range,
      agg,
      split,
      top: ctx.query.has('top') ? intParam(ctx, 'top', 10, 1, 1000) : undefined,
      where: parseWhere(ctx.query.get('where')),
    });
  };
  return [
    [
      'GET',
      '/api/v1/projects/:projectId/kpis',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        return { status: 200, body: { kpis: s.registry.kpis(p.id) } };
      }),
    ],
    [
      'GET',
      '/api/v1/projects/:projectId/kpis/:kpi/series',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const rows = s.registry.ofKpi(p.id, requiredKpi(ctx));
        if (rows.length === 0) throw new ApiError('kpi.not_found', `Project ${p.id} has no KPI '${ctx.params.kpi}'.`);
        return { status: 200, body: { series: rows.map((r) => ({ id: r.id, tags: r.tags, other: r.other })) } };
      }),
    ],
    ['GET', '/api/v1/projects/:projectId/query', admin(s, async (ctx) => ({ status: 200, body: await runQuery(ctx, false) }))],
    [
      'GET',
      '/api/v1/projects/:projectId/segments',
      admin(s, async (ctx) => {
        const r = await runQuery(ctx, true);
        const sum = r.lines.reduce((a, l) => a + (l.total ?? 0), 0);
        const segments = r.lines.map((l) => ({
          value: l.segment,
          total: l.total,
          share: sum > 0 && l.total !== null ? l.total / sum : null,
        }));
        return { status: 200, body: { kpi: r.kpi, by: r.split, from: r.from, to: r.to, agg: r.agg, segments } };
      }),
    ],
    [
      'GET',
      '/api/v1/projects/:projectId/anomalies',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const kpi = ctx.query.get('kpi');
        const anomalies = s.anomalies
          .filter((a) => a.series.projectId === p.id && (!kpi || a.series.kpi === kpi))
          .slice(-intParam(ctx, 'limit', 100, 1, 1000))
          .reverse()
          .map((a) => ({
            kpi: a.series.kpi,
            tags: a.series.tags,
            ts: a.ts,
            score: a.score,
            verdict: a.verdict,
            ...(a.attribution && { attribution: a.attribution }),
          }));
        return { status: 200, body: { anomalies } };
      }),
    ],
    [
      'GET',
      '/api/v1/projects/:projectId/events',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const now = s.clock();
        const to = ctx.query.get('to');
        const from = ctx.query.get('from');
        const toMs = to ? parseTime(to, now, 'to') : now + 1;
        const fromMs = from ? parseTime(from, now, 'from') : toMs - 3600_000;
        const events = await readRawEvents(s.store, {
          projectId: p.id,
          kpi: ctx.query.get('kpi') ?? undefined,
          fromMs,
          toMs,
          limit: intParam(ctx, 'limit', 100, 1, 10000),
          where: parseWhere(ctx.query.get('where')),
        });
        return { status: 200, body: { events } };
      }),
    ],
    [
      'GET',
      '/api/v1/projects/:projectId/stream',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const kpis = ctx.query.get('kpi')?.split(',').filter(Boolean) ?? null;
        const res = ctx.res;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
          'x-request-id': ctx.id,
          'access-control-allow-origin': '*',
        });
        res.write('retry: 2000\n\n');
        const unsubscribe = s.hub.subscribe(
          p.id,
          kpis,
          (tick) => res.write(`event: tick\ndata: ${JSON.stringify(tick)}\n\n`),
          () => res.end(),
        );
        ctx.req.on('close', unsubscribe);
        return 'streamed';
      }),
    ],
  ];
}
