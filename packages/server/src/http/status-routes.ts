/**
 * @module The heartbeat ping URL (`curl .../api/<id>/heartbeat/<slug>?key=...&status=ok`) and the
 * opt-in public status page of a project (HTML and JSON, no credentials, public components only).
 */
import { renderStatusPage, statusSummary } from '../checks/index.js';
import { ApiError } from '../kernel/index.js';
import { admin, projectOf } from './admin-routes.js';
import { bearer, projectIdParam, sameToken } from './auth.js';
import type { Ctx, Handler, Reply } from './context.js';
import { readJson } from './read-json.js';
import type { Services } from './services.js';

const KIND = 'status_page';
interface StatusPageDoc {
  enabled: boolean;
  title: string;
}

/** The ping, status-page settings and public status routes. */
export function statusRoutes(s: Services): Array<[string, string, Handler]> {
  const ping = async (ctx: Ctx): Promise<Reply> => {
    const projectId = projectIdParam(ctx.params.projectId);
    const key = ctx.query.get('key') ?? bearer(ctx.req);
    if (!key) throw new ApiError('auth.missing', 'Send the project key as `?key=<key>` or `Authorization: Bearer <key>`.');
    if (!sameToken(key, s.adminToken)) {
      const p = await s.keys.byKey(key);
      if (!p) throw new ApiError('auth.invalid', 'The project key is not known (was it rotated?); see heed projects list.');
      if (p.id !== projectId) throw new ApiError('auth.forbidden', `This key belongs to project ${p.id}, not ${projectId}.`);
    }
    const status = ctx.query.get('status') ?? 'ok';
    if (status !== 'ok' && status !== 'error' && status !== 'in_progress') {
      throw new ApiError('request.invalid_param', "'status' must be ok, error or in_progress.");
    }
    const rawDuration = ctx.query.get('duration');
    const duration = rawDuration === null ? undefined : Number(rawDuration);
    if (duration !== undefined && !(Number.isFinite(duration) && duration >= 0)) {
      throw new ApiError('request.invalid_param', "'duration' is the run's length in seconds, e.g. 12.5.");
    }
    const run = ctx.query.get('run') ?? undefined;
    const r = await s.heartbeats.checkIn(projectId, ctx.params.slug ?? '', {
      status,
      ts: s.clock(),
      ...(run ? { checkInId: run.slice(0, 64) } : {}),
      ...(duration === undefined ? {} : { duration }),
    });
    if (!r.ok) throw new ApiError('check.not_found', r.message);
    return { status: 200, body: { ok: true, heartbeat: r.heartbeat.spec.slug, state: r.heartbeat.status.state } };
  };

  const page = async (projectId: number) => {
    const doc = (await s.store.listDocs<StatusPageDoc>(KIND, projectId))[0];
    if (!doc?.body.enabled) {
      throw new ApiError(
        'status_page.not_found',
        `Project ${projectId} has no public status page; enable it with POST /api/v1/projects/${projectId}/status-page.`,
      );
    }
    return statusSummary(doc.body.title, s.checks.list(projectId), s.heartbeats.list(projectId), s.clock());
  };

  return [
    ['POST', '/api/:projectId/heartbeat/:slug', ping],
    ['GET', '/api/:projectId/heartbeat/:slug', ping],
    [
      'GET',
      '/api/v1/projects/:projectId/status-page',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const doc = (await s.store.listDocs<StatusPageDoc>(KIND, p.id))[0];
        return {
          status: 200,
          body: { enabled: false, title: p.name, ...doc?.body, url: `${s.publicUrl.replace(/\/$/, '')}/status/${p.id}` },
        };
      }),
    ],
    [
      'POST',
      '/api/v1/projects/:projectId/status-page',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const b = await readJson(ctx.req);
        if (typeof b.enabled !== 'boolean') throw new ApiError('request.invalid_body', "'enabled' must be true or false.");
        if (b.title !== undefined && (typeof b.title !== 'string' || b.title.length < 1 || b.title.length > 100)) {
          throw new ApiError('request.invalid_body', "'title' must be 1-100 characters.");
        }
        const body: StatusPageDoc = { enabled: b.enabled, title: typeof b.title === 'string' ? b.title : p.name };
        const doc = (await s.store.listDocs<StatusPageDoc>(KIND, p.id))[0];
        if (doc) await s.store.updateDoc(KIND, doc.id, body, s.clock());
        else await s.store.insertDoc(KIND, p.id, body, s.clock());
        return { status: 200, body: { ...body, url: `${s.publicUrl.replace(/\/$/, '')}/status/${p.id}` } };
      }),
    ],
    ['GET', '/api/:projectId/status', async (ctx) => ({ status: 200, body: await page(projectIdParam(ctx.params.projectId)) })],
    [
      'GET',
      '/status/:projectId',
      async (ctx) => ({
        status: 200,
        text: renderStatusPage(await page(projectIdParam(ctx.params.projectId))),
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=10' },
      }),
    ],
  ];
}
