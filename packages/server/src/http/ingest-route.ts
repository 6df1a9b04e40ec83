/** @module POST /api/<projectId>/events: KPI ingest with partial acceptance. */
import { checkMediaType, decodeBody, parseEvents, readBody } from '../ingest/index.js';
import { ApiError } from '../kernel/index.js';
import { bearer, projectIdParam, sameToken } from './auth.js';
import type { Ctx, Reply } from './context.js';
import { appendItems, checkRateOpen, settle, takeRate } from './ingest-pipeline.js';
import type { Services } from './services.js';

/** Checks the project key (Bearer, `?key=`, `?sentry_key=`) or the admin token against the project. */
export async function authorize(ctx: Ctx, s: Services, projectId: number): Promise<void> {
  const key = bearer(ctx.req) ?? ctx.query.get('key') ?? ctx.query.get('sentry_key') ?? undefined;
  if (!key) {
    throw new ApiError('auth.missing', "Send the project key as `Authorization: Bearer <key>` or `?key=<key>` (the DSN's user part).");
  }
  if (sameToken(key, s.adminToken)) {
    if (!(await s.keys.byId(projectId))) throw new ApiError('project.not_found', `No project has id ${projectId}.`);
    return;
  }
  const project = await s.keys.byKey(key);
  if (!project)
    throw new ApiError('auth.invalid', 'The project key is not known (was it rotated?). Copy the DSN again from `heed projects list`.');
  if (project.id !== projectId) {
    throw new ApiError('auth.forbidden', `This key belongs to another project; it cannot write to project ${projectId}.`);
  }
}

/** Handles one ingest request. */
export function createIngestHandler(s: Services) {
  const { config, metrics } = s;
  return async (ctx: Ctx): Promise<Reply> => {
    const started = performance.now();
    const projectId = projectIdParam(ctx.params.projectId);
    await authorize(ctx, s, projectId);
    checkMediaType(ctx.req.headers['content-type']);
    checkRateOpen(s, projectId);
    const raw = await readBody(ctx.req, config.ingest.maxBodyBytes);
    const body = await decodeBody(raw, ctx.req.headers['content-encoding'], config.ingest);
    const items = parseEvents(body.toString('utf8'));
    if (items.length === 0) throw new ApiError('ingest.empty_batch', 'The batch holds no events; send at least one.');
    if (items.length > config.ingest.maxEventsPerBatch) {
      metrics.drops.inc({ reason: 'too_many_events' }, items.length);
      throw new ApiError(
        'ingest.too_many_events',
        `A batch may hold at most ${config.ingest.maxEventsPerBatch} events; this one has ${items.length}. Split it.`,
        { limit: config.ingest.maxEventsPerBatch },
      );
    }
    const now = s.clock();
    takeRate(s, projectId, items.length, now);
    const result = appendItems(s, projectId, items, now);
    const rejected = result.rejected;
    if (result.accepted === 0) {
      metrics.events.inc({ outcome: 'rejected' }, rejected.length);
      throw new ApiError('ingest.all_rejected', `All ${rejected.length} events were rejected; see 'rejected' for each one's reason.`, {
        accepted: 0,
        rejected: rejected.slice(0, 1000),
      });
    }
    await settle(ctx, s, result, started);
    const out: Record<string, unknown> = { accepted: result.accepted, rejected: rejected.slice(0, 1000) };
    if (result.folded > 0) out.folded = result.folded;
    return { status: 200, body: out };
  };
}
