/** @module Issues API (admin token): list and search, detail, events, status changes, release health, SDK outcomes. */
import { eventView, issueView, parseTime, readIssueDetail, releaseHealth } from '../api/index.js';
import { ApiError } from '../kernel/index.js';
import { ISSUE_STATUSES, type IssueQuery, type IssueStatus } from '../store/index.js';
import { admin, projectOf } from './admin-routes.js';
import type { Ctx, Handler } from './context.js';
import { readJson } from './read-json.js';
import type { Services } from './services.js';

const SORTS: readonly IssueQuery['sort'][] = ['lastSeen', 'firstSeen', 'events', 'users'];

function int(ctx: Ctx, name: string, def: number, min: number, max: number): number {
  const raw = ctx.query.get(name);
  if (raw === null) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ApiError('request.invalid_param', `'${name}' must be an integer from ${min} to ${max}.`);
  return n;
}

function issueId(ctx: Ctx): number {
  const raw = ctx.params.issueId ?? '';
  const id = Number(raw);
  if (!/^\d{1,15}$/.test(raw) || id < 1) throw new ApiError('issue.not_found', `'${raw.slice(0, 40)}' is not an issue id.`);
  return id;
}

function range(ctx: Ctx, now: number, defFrom: string): { fromMs: number; toMs: number } {
  const to = ctx.query.get('to');
  const toMs = to ? parseTime(to, now, 'to') : now + 1;
  return { fromMs: parseTime(ctx.query.get('from') ?? defFrom, now, 'from'), toMs };
}

/** The issue routes. */
export function issueRoutes(s: Services): Array<[string, string, Handler]> {
  const errors = s.store.errors;
  const notFound = (projectId: number, id: number) =>
    new ApiError('issue.not_found', `Project ${projectId} has no issue ${id}; list them with GET /api/v1/projects/${projectId}/issues.`);
  return [
    [
      'GET',
      '/api/v1/projects/:projectId/issues',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const status = ctx.query.get('status') ?? 'unresolved';
        if (status !== 'all' && !ISSUE_STATUSES.includes(status as IssueStatus)) {
          throw new ApiError('request.invalid_param', `'status' must be all or one of ${ISSUE_STATUSES.join(', ')}.`);
        }
        const sort = (ctx.query.get('sort') ?? 'lastSeen') as IssueQuery['sort'];
        if (!SORTS.includes(sort)) throw new ApiError('request.invalid_param', `'sort' must be one of ${SORTS.join(', ')}.`);
        const q: IssueQuery = { projectId: p.id, sort, limit: int(ctx, 'limit', 50, 1, 1000), offset: int(ctx, 'cursor', 0, 0, 1e9) };
        if (status !== 'all') q.status = status as IssueStatus;
        for (const k of ['q', 'release', 'environment', 'level'] as const) {
          const v = ctx.query.get(k);
          if (v) q[k] = v.slice(0, 200);
        }
        const { issues, total } = await errors.listIssues(q);
        const next = q.offset + issues.length < total ? String(q.offset + issues.length) : null;
        return { status: 200, body: { issues: issues.map(issueView), total, nextCursor: next } };
      }),
    ],
    [
      'GET',
      '/api/v1/projects/:projectId/issues/:issueId',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const id = issueId(ctx);
        const detail = await readIssueDetail(errors, p.id, id, int(ctx, 'sample', 20, 0, 200));
        if (!detail) throw notFound(p.id, id);
        return { status: 200, body: detail };
      }),
    ],
    [
      'PATCH',
      '/api/v1/projects/:projectId/issues/:issueId',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const id = issueId(ctx);
        const body = await readJson(ctx.req);
        const status = body.status;
        if (typeof status !== 'string' || !ISSUE_STATUSES.includes(status as IssueStatus)) {
          throw new ApiError('request.invalid_body', `Send {"status": ...} with one of ${ISSUE_STATUSES.join(', ')}.`);
        }
        const issue = await errors.setStatus(p.id, id, { status: status as IssueStatus, now: s.clock() });
        if (!issue) throw notFound(p.id, id);
        return { status: 200, body: issueView(issue) };
      }),
    ],
    [
      'GET',
      '/api/v1/projects/:projectId/issues/:issueId/events',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const id = issueId(ctx);
        if (!(await errors.getIssue(p.id, id))) throw notFound(p.id, id);
        const events = await errors.listEvents(id, int(ctx, 'limit', 20, 1, 500));
        return { status: 200, body: { events: events.map(eventView) } };
      }),
    ],
    [
      'GET',
      '/api/v1/projects/:projectId/error-events/:eventId',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const ev = await errors.getEvent(p.id, (ctx.params.eventId ?? '').replace(/-/g, ''));
        if (!ev) throw new ApiError('issue.not_found', `Project ${p.id} has no stored error event '${ctx.params.eventId?.slice(0, 40)}'.`);
        return { status: 200, body: eventView(ev) };
      }),
    ],
    [
      'GET',
      '/api/v1/projects/:projectId/release-health',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const r = range(ctx, s.clock(), '-24h');
        const hourStart = Math.floor(r.fromMs / 3600_000) * 3600_000;
        const [sessions, users] = await Promise.all([
          errors.readSessions(p.id, hourStart, r.toMs),
          errors.readSessionUsers(p.id, hourStart, r.toMs),
        ]);
        return { status: 200, body: { releases: releaseHealth(sessions, users) } };
      }),
    ],
    [
      'GET',
      '/api/v1/projects/:projectId/sdk-outcomes',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const r = range(ctx, s.clock(), '-24h');
        const rows = await errors.readOutcomes(p.id, Math.floor(r.fromMs / 3600_000) * 3600_000, r.toMs);
        const totals = new Map<string, { category: string; outcome: string; reason: string; quantity: number }>();
        for (const o of rows) {
          const k = `${o.category}\u0000${o.outcome}\u0000${o.reason}`;
          const cur = totals.get(k) ?? { category: o.category, outcome: o.outcome, reason: o.reason, quantity: 0 };
          cur.quantity += o.quantity;
          totals.set(k, cur);
        }
        return { status: 200, body: { outcomes: [...totals.values()].sort((a, b) => b.quantity - a.quantity) } };
      }),
    ],
  ];
}
