/** @module Check and heartbeat API: add, list, inspect (state and history) and remove, per project. */
import { validateCheck, validateHeartbeat } from '../checks/index.js';
import { ApiError, type Outcome } from '../kernel/index.js';
import { admin, projectOf } from './admin-routes.js';
import type { Handler } from './context.js';
import { readJson } from './read-json.js';
import type { Services } from './services.js';

const must = <T>(o: Outcome<T>): T => {
  if (!o.ok) throw new ApiError('check.invalid', o.message);
  return o.value;
};

/** Parses a numeric id from the path, or answers 404. */
export function checkIdParam(raw: string | undefined): number {
  const n = Number(raw);
  if (!raw || !/^\d{1,12}$/.test(raw) || n < 1) throw new ApiError('check.not_found', `'${String(raw).slice(0, 20)}' is not an id.`);
  return n;
}

/** The check and heartbeat routes (admin token). */
export function checkRoutes(s: Services): Array<[string, string, Handler]> {
  const checks = '/api/v1/projects/:projectId/checks';
  const beats = '/api/v1/projects/:projectId/heartbeats';
  return [
    ['GET', checks, admin(s, async (ctx) => ({ status: 200, body: { checks: s.checks.list((await projectOf(s, ctx)).id) } }))],
    [
      'POST',
      checks,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const spec = must(validateCheck(await readJson(ctx.req)));
        if (s.checks.list(p.id).some((c) => c.spec.name === spec.name)) {
          throw new ApiError(
            'check.invalid',
            `Project ${p.id} already has a check named '${spec.name}'; remove it first or pick another name.`,
          );
        }
        return { status: 201, body: await s.checks.add(p.id, spec) };
      }),
    ],
    [
      'GET',
      `${checks}/:checkId`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const c = s.checks.get(p.id, checkIdParam(ctx.params.checkId));
        if (!c) throw new ApiError('check.not_found', `Project ${p.id} has no check ${ctx.params.checkId}; list them with GET ${checks}.`);
        return { status: 200, body: c };
      }),
    ],
    [
      'DELETE',
      `${checks}/:checkId`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const id = checkIdParam(ctx.params.checkId);
        if (!(await s.checks.remove(p.id, id))) throw new ApiError('check.not_found', `Project ${p.id} has no check ${id}.`);
        return { status: 200, body: { deleted: id } };
      }),
    ],
    ['GET', beats, admin(s, async (ctx) => ({ status: 200, body: { heartbeats: s.heartbeats.list((await projectOf(s, ctx)).id) } }))],
    [
      'POST',
      beats,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const spec = must(validateHeartbeat(await readJson(ctx.req)));
        if (s.heartbeats.bySlug(p.id, spec.slug)) {
          throw new ApiError(
            'check.invalid',
            `Project ${p.id} already has a heartbeat '${spec.slug}'; remove it first or pick another slug.`,
          );
        }
        const hb = await s.heartbeats.add(p.id, spec);
        return {
          status: 201,
          body: { ...hb, pingUrl: `${s.publicUrl.replace(/\/$/, '')}/api/${p.id}/heartbeat/${spec.slug}?key=${p.key}` },
        };
      }),
    ],
    [
      'GET',
      `${beats}/:heartbeatId`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const h = s.heartbeats.get(p.id, checkIdParam(ctx.params.heartbeatId));
        if (!h)
          throw new ApiError('check.not_found', `Project ${p.id} has no heartbeat ${ctx.params.heartbeatId}; list them with GET ${beats}.`);
        return { status: 200, body: h };
      }),
    ],
    [
      'DELETE',
      `${beats}/:heartbeatId`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const id = checkIdParam(ctx.params.heartbeatId);
        if (!(await s.heartbeats.remove(p.id, id))) throw new ApiError('check.not_found', `Project ${p.id} has no heartbeat ${id}.`);
        return { status: 200, body: { deleted: id } };
      }),
    ],
  ];
}
