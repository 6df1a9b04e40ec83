/** @module Alert API: incidents (ack, resolve, report), channels, routes, silences, rules, signed ack links. */
import { type Incident, recoveryReport, validateRoute, validateRule, validateSilence, verifyAck } from '../alert/index.js';
import { parseTime } from '../api/index.js';
import { ApiError, type Outcome } from '../kernel/index.js';
import { type Channel, channelView, type OutboxItem, renderMessage, sendToChannel, validateChannel } from '../notify/index.js';
import { admin, projectOf } from './admin-routes.js';
import type { Ctx, Handler } from './context.js';
import { readJson } from './read-json.js';
import type { Services } from './services.js';

const idParam = (raw: string | undefined, what: 'incident.not_found' | 'resource.not_found') => {
  const n = Number(raw);
  if (!raw || !/^\d{1,12}$/.test(raw) || n < 1) throw new ApiError(what, `'${String(raw).slice(0, 20)}' is not an id.`);
  return n;
};

const must = <T>(o: Outcome<T>): T => {
  if (!o.ok) throw new ApiError('request.invalid_body', o.message);
  return o.value;
};

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}button{font-size:1rem;padding:.5rem 1rem}</style></head><body>${body}</body></html>`;
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The alert routes. */
export function alertRoutes(s: Services): Array<[string, string, Handler]> {
  const incidentOf = async (ctx: Ctx): Promise<Incident> => {
    const p = await projectOf(s, ctx);
    const inc = await s.alerts.get(idParam(ctx.params.incidentId, 'incident.not_found'));
    if (!inc || inc.projectId !== p.id)
      throw new ApiError('incident.not_found', `Project ${p.id} has no incident ${ctx.params.incidentId}.`);
    return inc;
  };
  const who = async (ctx: Ctx) => {
    const b = await readJson(ctx.req);
    return typeof b.by === 'string' && b.by ? b.by.slice(0, 100) : 'api';
  };
  /** CRUD for one document kind of a project. */
  const crud = <T>(
    kind: string,
    plural: string,
    validate: (b: unknown) => Outcome<T>,
    view: (id: number, b: T) => unknown,
    after?: (id: number, projectId: number, b: T | undefined) => Promise<void>,
  ) => {
    const base = `/api/v1/projects/:projectId/${plural}`;
    const routes: Array<[string, string, Handler]> = [
      [
        'GET',
        base,
        admin(s, async (ctx) => {
          const p = await projectOf(s, ctx);
          return { status: 200, body: { [plural]: (await s.store.listDocs<T>(kind, p.id)).map((d) => view(d.id, d.body)) } };
        }),
      ],
      [
        'POST',
        base,
        admin(s, async (ctx) => {
          const p = await projectOf(s, ctx);
          const body = must(validate(await readJson(ctx.req)));
          const doc = await s.store.insertDoc(kind, p.id, body, s.clock());
          await after?.(doc.id, p.id, body);
          return { status: 201, body: view(doc.id, body) };
        }),
      ],
      [
        'DELETE',
        `${base}/:id`,
        admin(s, async (ctx) => {
          const p = await projectOf(s, ctx);
          const id = idParam(ctx.params.id, 'resource.not_found');
          const doc = await s.store.getDoc<T>(kind, id);
          if (!doc || doc.projectId !== p.id) throw new ApiError('resource.not_found', `Project ${p.id} has no ${kind} ${id}.`);
          await s.store.deleteDoc(kind, id);
          await after?.(id, p.id, undefined);
          return { status: 200, body: { deleted: id } };
        }),
      ],
    ];
    return routes;
  };

  return [
    [
      'GET',
      '/api/v1/projects/:projectId/incidents',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const status = ctx.query.get('status');
        if (status && !['open', 'triggered', 'acknowledged', 'resolved'].includes(status)) {
          throw new ApiError('request.invalid_param', "'status' must be open, triggered, acknowledged or resolved.");
        }
        const all = (await s.alerts.list(p.id)).filter(
          (i) => !status || (status === 'open' ? i.status !== 'resolved' : i.status === status),
        );
        const incidents = all.reverse().slice(0, Number(ctx.query.get('limit') ?? 100) || 100);
        return { status: 200, body: { incidents: incidents.map(({ timeline: _t, ...rest }) => rest) } };
      }),
    ],
    ['GET', '/api/v1/projects/:projectId/incidents/:incidentId', admin(s, async (ctx) => ({ status: 200, body: await incidentOf(ctx) }))],
    [
      'POST',
      '/api/v1/projects/:projectId/incidents/:incidentId/ack',
      admin(s, async (ctx) => {
        const inc = await incidentOf(ctx);
        return { status: 200, body: await s.alerts.acknowledge(inc.id, await who(ctx)) };
      }),
    ],
    [
      'POST',
      '/api/v1/projects/:projectId/incidents/:incidentId/resolve',
      admin(s, async (ctx) => {
        const inc = await incidentOf(ctx);
        return { status: 200, body: await s.alerts.resolve(inc.id, await who(ctx)) };
      }),
    ],
    [
      'GET',
      '/api/v1/projects/:projectId/report',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const now = s.clock();
        const from = parseTime(ctx.query.get('from') ?? '-30d', now, 'from');
        const to = parseTime(ctx.query.get('to') ?? 'now', now, 'to') + 1;
        return {
          status: 200,
          body: {
            from: new Date(from).toISOString(),
            to: new Date(to).toISOString(),
            ...recoveryReport(await s.alerts.list(p.id), from, to),
          },
        };
      }),
    ],
    [
      'GET',
      '/api/v1/projects/:projectId/outbox',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const status = ctx.query.get('status');
        const items = (await s.store.listDocs<OutboxItem | null>('outbox', p.id))
          .filter((d) => d.body && (!status || d.body.status === status))
          .reverse()
          .slice(0, 200)
          .map((d) => {
            const { message, ...rest } = d.body as OutboxItem;
            return { id: d.id, ...rest, event: message.event, idempotencyKey: message.idempotencyKey };
          });
        return { status: 200, body: { outbox: items } };
      }),
    ],
    ...crud<Channel>('channel', 'channels', validateChannel, channelView),
    [
      'POST',
      '/api/v1/projects/:projectId/channels/:id/test',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const id = idParam(ctx.params.id, 'resource.not_found');
        const doc = await s.store.getDoc<Channel>('channel', id);
        if (!doc || doc.projectId !== p.id) throw new ApiError('resource.not_found', `Project ${p.id} has no channel ${id}.`);
        const now = s.clock();
        const sample: Incident = {
          id: 0,
          projectId: p.id,
          status: 'triggered',
          title: 'Test notification from Heed',
          severity: 'info',
          alerts: [],
          onsetAt: now,
          detectedAt: now,
          reopened: 0,
          escalated: false,
          timeline: [],
        };
        const m = renderMessage(sample, 'triggered', `heed-test-${id}-${now}`, { publicUrl: s.publicUrl, linkSecret: s.linkSecret, now });
        try {
          await sendToChannel(doc.body.config, { ...m, event: 'test' }, s.config.notify.timeoutMs);
          return { status: 200, body: { delivered: true } };
        } catch (err) {
          return { status: 200, body: { delivered: false, error: (err as Error).message } };
        }
      }),
    ],
    ...crud('route', 'routes', validateRoute, (id, b) => ({ id, ...b })),
    ...crud(
      'silence',
      'silences',
      (b) => validateSilence(b, s.clock()),
      (id, b) => ({ id, ...b, startsAt: new Date(b.startsAt).toISOString(), endsAt: new Date(b.endsAt).toISOString() }),
    ),
    ...crud(
      'rule',
      'rules',
      validateRule,
      (id, b) => ({ id, ...b }),
      async (id, projectId, b) => {
        if (b) await s.rules.set(id, projectId, b, s.clock());
        else s.rules.remove(id, s.clock());
      },
    ),
    [
      'GET',
      '/ack/:incidentId',
      async (ctx) => {
        const id = idParam(ctx.params.incidentId, 'incident.not_found');
        const exp = Number(ctx.query.get('exp'));
        const sig = ctx.query.get('sig') ?? '';
        if (!verifyAck(s.linkSecret, id, exp, sig, s.clock()))
          throw new ApiError('ack.invalid_link', 'This acknowledgement link is invalid or expired.');
        const inc = await s.alerts.get(id);
        const title = inc ? esc(inc.title) : `incident ${id}`;
        // A page with a button, so link scanners that fetch URLs do not acknowledge by accident.
        const html = page(
          'Acknowledge',
          `<h1>Incident #${id}</h1><p>${title}</p><p>Status: ${esc(inc?.status ?? 'unknown')}</p><form method="post"><button type="submit">Acknowledge</button></form>`,
        );
        return { status: 200, text: html, headers: { 'content-type': 'text/html; charset=utf-8' } };
      },
    ],
    [
      'POST',
      '/ack/:incidentId',
      async (ctx) => {
        const id = idParam(ctx.params.incidentId, 'incident.not_found');
        if (!verifyAck(s.linkSecret, id, Number(ctx.query.get('exp')), ctx.query.get('sig') ?? '', s.clock())) {
          throw new ApiError('ack.invalid_link', 'This acknowledgement link is invalid or expired.');
        }
        ctx.req.resume();
        const inc = await s.alerts.acknowledge(id, 'signed link');
        if (!inc) throw new ApiError('incident.not_found', `No incident ${id}.`);
        return {
          status: 200,
          text: page('Acknowledged', `<h1>Incident #${id}: ${esc(inc.status)}</h1><p>${esc(inc.title)}</p>`),
          headers: { 'content-type': 'text/html; charset=utf-8' },
        };
      },
    ],
  ];
}
