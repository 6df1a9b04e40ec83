/**
 * @module Release API: record deploys, list releases and deploy markers for charts, a deploy's
 * impact report, canary comparison, and funnel conversion as a ratio series.
 */
import { parseTime } from '../api/index.js';
import { ApiError } from '../kernel/index.js';
import { compareCanary, type DeployRow, type Funnel, impactReport, storedFunnels, validateDeploy } from '../releases/index.js';
import { admin, projectOf } from './admin-routes.js';
import type { Ctx, Handler } from './context.js';
import { readJson } from './read-json.js';
import type { Services } from './services.js';

const HOUR = 3600;
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const deployView = (d: DeployRow) => ({
  id: d.id,
  version: d.version,
  environment: d.environment,
  commit: d.commit,
  at: iso(d.at),
  source: d.source,
  reportedAt: iso(d.reportedAt),
});

/** Funnels declared for a project (monitors as code). */
export function projectFunnels(s: Services, projectId: number): Promise<Funnel[]> {
  return storedFunnels(s.store, projectId);
}

function horizonOf(ctx: Ctx): number {
  const raw = ctx.query.get('horizon') ?? '24';
  const h = Number(raw);
  if (!/^\d{1,3}$/.test(raw) || h < 1 || h > 168)
    throw new ApiError('request.invalid_param', "'horizon' must be hours from 1 to 168, e.g. 24.");
  return h;
}

/** The release routes. */
export function releaseRoutes(s: Services): Array<[string, string, Handler]> {
  const base = '/api/v1/projects/:projectId';
  const impactDeps = { store: s.store, registry: s.registry, releases: s.releases, funnels: (p: number) => projectFunnels(s, p) };
  const latestOf = (projectId: number, version: string, env: string | null) => {
    const d = s.releases
      .list(projectId)
      .filter((x) => x.version === version && (!env || x.environment === env))
      .pop();
    if (!d)
      throw new ApiError(
        'release.not_found',
        `Project ${projectId} has no deploy of release '${version.slice(0, 200)}'${env ? ` in ${env}` : ''}.`,
      );
    return d;
  };
  return [
    [
      'POST',
      `${base}/releases`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const v = validateDeploy(await readJson(ctx.req), s.clock());
        if (!v.ok) throw new ApiError('request.invalid_body', v.message);
        return { status: 201, body: deployView(await s.releases.record(p.id, v.value)) };
      }),
    ],
    [
      'GET',
      `${base}/releases`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const by = new Map<
          string,
          { version: string; environments: string[]; firstDeployAt: number; lastDeployAt: number; deploys: number }
        >();
        for (const d of s.releases.list(p.id)) {
          const r = by.get(d.version) ?? { version: d.version, environments: [], firstDeployAt: d.at, lastDeployAt: d.at, deploys: 0 };
          if (!r.environments.includes(d.environment)) r.environments.push(d.environment);
          r.lastDeployAt = d.at;
          r.deploys++;
          by.set(d.version, r);
        }
        const releases = [...by.values()]
          .reverse()
          .map((r) => ({ ...r, firstDeployAt: iso(r.firstDeployAt), lastDeployAt: iso(r.lastDeployAt) }));
        return { status: 200, body: { releases } };
      }),
    ],
    [
      'GET',
      `${base}/deploys`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const now = s.clock();
        const from = parseTime(ctx.query.get('from') ?? '-7d', now, 'from');
        const to = parseTime(ctx.query.get('to') ?? 'now', now, 'to') + 1;
        const env = ctx.query.get('environment');
        const deploys = s.releases.list(p.id, from, to).filter((d) => !env || d.environment === env);
        return { status: 200, body: { deploys: deploys.map(deployView) } };
      }),
    ],
    [
      'GET',
      `${base}/deploys/:deployId/impact`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const id = Number(ctx.params.deployId);
        const d = s.releases.list(p.id).find((x) => x.id === id);
        if (!d) throw new ApiError('release.not_found', `Project ${p.id} has no deploy ${String(ctx.params.deployId).slice(0, 20)}.`);
        const r = await impactReport(impactDeps, d, s.clock(), horizonOf(ctx));
        return { status: 200, body: { ...r, deploy: deployView(r.deploy) } };
      }),
    ],
    [
      'GET',
      `${base}/releases/:version/impact`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const d = latestOf(p.id, ctx.params.version ?? '', ctx.query.get('environment'));
        const r = await impactReport(impactDeps, d, s.clock(), horizonOf(ctx));
        return { status: 200, body: { ...r, deploy: deployView(r.deploy) } };
      }),
    ],
    [
      'GET',
      `${base}/releases/:version/canary`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const version = ctx.params.version ?? '';
        const against = ctx.query.get('baseline');
        const traffic = ctx.query.get('traffic') ?? (await projectFunnels(s, p.id))[0]?.steps[0];
        if (!against)
          throw new ApiError('request.invalid_param', "Give 'baseline': the release the canary runs beside, e.g. ?baseline=shop@1.2.2.");
        if (!traffic)
          throw new ApiError(
            'request.invalid_param',
            "Give 'traffic': the KPI that counts visits per release (e.g. ?traffic=pageview), or declare a funnel.",
          );
        const now = s.clock();
        const from = Math.floor(parseTime(ctx.query.get('from') ?? '-24h', now, 'from') / 1000 / HOUR) * HOUR;
        const to = Math.floor(parseTime(ctx.query.get('to') ?? 'now', now, 'to') / 1000 / HOUR) * HOUR;
        const perHour = async (kpi: string) => {
          const rows = s.registry.ofKpi(p.id, kpi).filter((r) => r.tags.release === version || r.tags.release === against);
          const m = new Map<number, { c: number; b: number }>();
          if (rows.length === 0) return m;
          const bucket = await s.store.readBuckets({ seriesIds: rows.map((r) => r.id), resolution: 3600, from, to, step: HOUR });
          const canary = new Set(rows.filter((r) => r.tags.release === version).map((r) => r.id));
          for (const b of bucket) {
            const cur = m.get(b.ts) ?? { c: 0, b: 0 };
            if (canary.has(b.seriesId)) cur.c += b.count;
            else cur.b += b.count;
            m.set(b.ts, cur);
          }
          return m;
        };
        const t = await perHour(traffic);
        const kpis = [];
        for (const k of s.registry.kpis(p.id).filter((x) => x.type === 'count' && x.name !== traffic)) {
          const m = await perHour(k.name);
          const hours = [...t]
            .filter(([, x]) => x.c > 0 && x.b > 0)
            .map(([ts, x]) => ({ canary: m.get(ts)?.c ?? 0, canaryTraffic: x.c, baseline: m.get(ts)?.b ?? 0, baselineTraffic: x.b }));
          if (!hours.some((h) => h.canary + h.baseline > 0)) continue;
          kpis.push({ kpi: k.name, perUnitOf: traffic, estimate: compareCanary(hours) ?? null });
        }
        return { status: 200, body: { canary: version, baseline: against, traffic, from: from * 1000, to: to * 1000, kpis } };
      }),
    ],
    [
      'GET',
      `${base}/funnels/:name`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const f = (await projectFunnels(s, p.id)).find((x) => x.name === ctx.params.name);
        if (!f)
          throw new ApiError(
            'resource.not_found',
            `Project ${p.id} declares no funnel '${String(ctx.params.name).slice(0, 100)}'; declare it in heed.monitors.json and run heed apply.`,
          );
        const now = s.clock();
        const from = parseTime(ctx.query.get('from') ?? '-24h', now, 'from');
        const to = parseTime(ctx.query.get('to') ?? 'now', now, 'to');
        const step = Number(ctx.query.get('step') ?? 3600);
        if (![60, 300, 900, 3600, 86400].includes(step))
          throw new ApiError('request.invalid_param', "'step' must be 60, 300, 900, 3600 or 86400 seconds.");
        const f0 = Math.floor(from / 1000 / step) * step;
        const t0 = Math.ceil(to / 1000 / step) * step;
        const series = async (kpi: string) => {
          const ids = s.registry.ofKpi(p.id, kpi).map((r) => r.id);
          const m = new Map<number, number>();
          if (ids.length === 0) return m;
          for (const b of await s.store.readBuckets({ seriesIds: ids, resolution: step >= 3600 ? 3600 : 60, from: f0, to: t0, step }))
            m.set(b.ts, (m.get(b.ts) ?? 0) + b.count);
          return m;
        };
        const counts = await Promise.all(f.steps.map(series));
        const live = s.monitors.funnels(p.id).filter((l) => l.funnel === f.name);
        const steps = f.steps.slice(1).map((to, i) => {
          const a = counts[i] as Map<number, number>;
          const b = counts[i + 1] as Map<number, number>;
          const points: Array<[number, number | null]> = [];
          for (let ts = f0; ts < t0; ts += step) {
            const n = a.get(ts) ?? 0;
            points.push([ts, n > 0 ? (b.get(ts) ?? 0) / n : null]);
          }
          const na = [...a.values()].reduce((x, y) => x + y, 0);
          const nb = [...b.values()].reduce((x, y) => x + y, 0);
          const watch = live.find((l) => l.from === f.steps[i] && l.to === to);
          const now = watch ? { expected: watch.expected, alerting: watch.alerting } : null;
          return { from: f.steps[i], to, conversion: na > 0 ? nb / na : null, points, live: now };
        });
        return { status: 200, body: { funnel: f.name, steps: f.steps, from: f0, to: t0, step, conversions: steps } };
      }),
    ],
  ];
}
