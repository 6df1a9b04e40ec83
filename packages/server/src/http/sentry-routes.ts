/**
 * @module The Sentry-compatible ingest: POST /api/<projectId>/envelope/ and the legacy /store/,
 * as the official SDKs call them (auth by `sentry_key` in the query, `X-Sentry-Auth`, or the
 * envelope's `dsn`; any content type; gzip/deflate/br), with Sentry's rate-limit answers.
 */
import { decodeBody, type Envelope, parseDsn, parseEnvelope, parseSentryAuth, readBody } from '../ingest/index.js';
import { ApiError } from '../kernel/index.js';
import type { SourceMaps } from '../sourcemaps/index.js';
import { bearer, projectIdParam, sameToken } from './auth.js';
import type { Ctx, Handler, Reply } from './context.js';
import { createRateLimiter } from './rate-limit.js';
import type { Services } from './services.js';

function requestKey(ctx: Ctx): string | undefined {
  const header = ctx.req.headers['x-sentry-auth'];
  const authz = ctx.req.headers.authorization;
  const fromHeader = parseSentryAuth(typeof header === 'string' ? header : undefined).sentry_key;
  const fromAuthz = authz && /^\s*Sentry\s/i.test(authz) ? parseSentryAuth(authz).sentry_key : undefined;
  return ctx.query.get('sentry_key') ?? fromHeader ?? fromAuthz ?? bearer(ctx.req) ?? ctx.query.get('key') ?? undefined;
}

async function checkKey(s: Services, key: string, projectId: number): Promise<void> {
  if (sameToken(key, s.adminToken)) {
    if (!(await s.keys.byId(projectId))) throw new ApiError('project.not_found', `No project has id ${projectId}.`);
    return;
  }
  const project = await s.keys.byKey(key);
  if (!project) {
    throw new ApiError('auth.invalid', 'The DSN key is not known (was it rotated?). Copy the DSN again from `heed projects list`.');
  }
  if (project.id !== projectId) {
    throw new ApiError('auth.forbidden', `This DSN key belongs to project ${project.id}; it cannot write to project ${projectId}.`);
  }
}

function invalid(message: string): ApiError {
  return new ApiError('envelope.invalid', message, undefined, { 'x-sentry-error': message.slice(0, 200) });
}

/** The two Sentry ingest routes. */
export function sentryRoutes(s: Services, sourcemaps?: SourceMaps): Array<[string, string, Handler]> {
  const { config } = s;
  const limiter = createRateLimiter(config.errors.rateLimitPerSecond);
  const limits = { maxBodyBytes: config.errors.maxEnvelopeBytes, maxDecompressedBytes: config.ingest.maxDecompressedBytes };

  const handle = async (ctx: Ctx, legacyStore: boolean): Promise<Reply> => {
    const projectId = projectIdParam(ctx.params.projectId);
    const key = requestKey(ctx);
    if (key) await checkKey(s, key, projectId);
    const raw = await readBody(ctx.req, config.errors.maxEnvelopeBytes);
    const body = await decodeBody(raw, ctx.req.headers['content-encoding'], limits);
    let envelope: Envelope;
    if (legacyStore) {
      const first = body.subarray(0, 64).toString('utf8').trimStart();
      if (!first.startsWith('{')) throw invalid('The store endpoint takes one event as a JSON object.');
      envelope = { header: {}, items: [{ type: 'event', header: { type: 'event' }, payload: body }] };
    } else {
      const parsed = parseEnvelope(body);
      if (!parsed.ok) throw invalid(parsed.message);
      envelope = parsed.value;
    }
    if (!key) {
      // A tunnelled envelope carries its DSN, which is the credential.
      const dsn = parseDsn(envelope.header.dsn);
      if (!dsn) {
        throw new ApiError('auth.missing', 'Send the DSN key as `?sentry_key=`, in `X-Sentry-Auth`, or as `dsn` in the envelope header.');
      }
      if (dsn.projectId !== projectId) {
        throw new ApiError('auth.forbidden', `The envelope's DSN is for project ${dsn.projectId}, not ${projectId}.`);
      }
      await checkKey(s, dsn.key, projectId);
    }
    const now = s.clock();
    const events = envelope.items.filter((i) => i.type === 'event').length;
    const wait = events > 0 ? limiter.take(projectId, events, now) : 0;
    const headers: Record<string, string> = {};
    if (wait > 0) {
      headers['retry-after'] = String(wait);
      headers['x-sentry-rate-limits'] = `${wait}:error;default:project:rate_limited`;
      if (events === envelope.items.length) {
        s.errors.ingest(projectId, envelope, { receivedAt: now, dropEvents: true }).committed.catch(() => undefined);
        throw new ApiError(
          'envelope.rate_limited',
          `This project may send ${config.errors.rateLimitPerSecond} error events/s; retry after ${wait} s.`,
          { retryAfter: wait },
          headers,
        );
      }
    }
    const ua = ctx.req.headers['user-agent'];
    const symbolicate = wait > 0 ? undefined : await sourcemaps?.prepare(projectId, envelope);
    const result = s.errors.ingest(projectId, envelope, { receivedAt: now, userAgent: ua, dropEvents: wait > 0, symbolicate });
    try {
      await result.committed;
    } catch (err) {
      ctx.log.error('error store commit failed', { err });
      throw new ApiError('store.unavailable', 'The envelope could not be stored; nothing of it was kept. Retry.');
    }
    const id = result.eventIds[0];
    return { status: 200, body: id ? { id } : {}, headers };
  };

  return [
    ['POST', '/api/:projectId/envelope', (ctx) => handle(ctx, false)],
    ['POST', '/api/:projectId/store', (ctx) => handle(ctx, true)],
  ];
}
