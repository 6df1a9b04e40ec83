/**
 * @module POST /v1/metrics: OpenTelemetry metrics over OTLP/HTTP (JSON or protobuf) as KPIs.
 * The project comes from its key (`Authorization: Bearer <key>` or `?key=`), or from the path on
 * `/api/:projectId/v1/metrics`. Decoding is ingest/otlp-metrics.ts, what a point becomes is
 * normalize/otlp-points.ts; limits, validation, storage and durability are the KPI ingest's own.
 */
import { decodeBody, encodeMetricsResponse, type OtlpEncoding, otlpEncoding, parseOtlpMetrics, readBody } from '../ingest/index.js';
import { ApiError } from '../kernel/index.js';
import { createCumulativeTracker, otlpToEvents, TRACKER_DEFAULTS } from '../normalize/index.js';
import { bearer, projectIdParam, sameToken } from './auth.js';
import type { Ctx, Handler, Reply } from './context.js';
import { type Appended, appendItems, checkRateOpen, settle, takeRate } from './ingest-pipeline.js';
import { authorize } from './ingest-route.js';
import type { Services } from './services.js';

/** The project of the key given on `/v1/metrics` (the admin token names no project there). */
async function projectOfKey(ctx: Ctx, s: Services): Promise<number> {
  const key = bearer(ctx.req) ?? ctx.query.get('key') ?? undefined;
  if (!key) {
    throw new ApiError(
      'auth.missing',
      'Send the project key: OTEL_EXPORTER_OTLP_HEADERS="authorization=Bearer <key>" (or `?key=<key>` in the URL).',
    );
  }
  if (sameToken(key, s.adminToken)) {
    throw new ApiError(
      'auth.forbidden',
      'The admin token names no project here: use the project key, or POST to /api/<projectId>/v1/metrics.',
    );
  }
  const project = await s.keys.byKey(key);
  if (!project)
    throw new ApiError('auth.invalid', 'The project key is not known (was it rotated?). Copy it again from `heed projects list`.');
  return project.id;
}

function answer(encoding: OtlpEncoding, rejected: number, message: string): Reply {
  const partial = rejected > 0 ? { rejectedDataPoints: rejected, errorMessage: message } : undefined;
  if (encoding === 'protobuf') {
    return { status: 200, bytes: encodeMetricsResponse(partial), headers: { 'content-type': 'application/x-protobuf' } };
  }
  return { status: 200, body: partial ? { partialSuccess: { ...partial, rejectedDataPoints: String(rejected) } } : {} };
}

/** The OTLP metrics routes; cumulative series state lives as long as the app. */
export function otlpRoutes(s: Services): Array<[string, string, Handler]> {
  const { config, metrics } = s;
  const tracker = createCumulativeTracker({ ...TRACKER_DEFAULTS, startedAt: s.clock() });

  const handle = async (ctx: Ctx, projectId: number): Promise<Reply> => {
    const started = performance.now();
    const encoding = otlpEncoding(ctx.req.headers['content-type']);
    checkRateOpen(s, projectId);
    const raw = await readBody(ctx.req, config.ingest.maxBodyBytes);
    const body = await decodeBody(raw, ctx.req.headers['content-encoding'], config.ingest);
    const batch = parseOtlpMetrics(body, encoding);
    const now = s.clock();
    const conv = otlpToEvents(batch.points, { projectId, tracker, now, maxTags: config.ingest.maxTagsPerEvent });
    const n = conv.events.length;
    if (n > config.ingest.maxEventsPerBatch) {
      metrics.drops.inc({ reason: 'too_many_events' }, n);
      throw new ApiError(
        'ingest.too_many_events',
        `A request may carry at most ${config.ingest.maxEventsPerBatch} data points; this one has ${n}. Lower the export interval.`,
        { limit: config.ingest.maxEventsPerBatch },
      );
    }
    if (n > 0) takeRate(s, projectId, n, now);
    // From here to apply() nothing awaits, so concurrent requests see each other's series state.
    const appended: Appended =
      n > 0
        ? appendItems(
            s,
            projectId,
            conv.events.map((e) => ({ ok: true, value: e.event })),
            now,
          )
        : { accepted: 0, folded: 0, rejected: [], committed: Promise.resolve() };
    tracker.apply(conv.updates);
    try {
      await settle(ctx, s, appended, started);
    } catch (err) {
      // Not stored: the exporter retries (503), and must then see the same deltas.
      tracker.revert(conv.updates);
      throw err;
    }
    const reasons = [...batch.unsupportedReasons];
    let refused = batch.unsupported;
    for (const [why, k] of conv.refused) {
      refused += k;
      reasons.push(`${k} point(s): ${why}`);
    }
    if (refused > 0) metrics.drops.inc({ reason: 'otlp.unsupported_point' }, refused);
    const invalid = new Map<string, { n: number; message: string }>();
    for (const r of appended.rejected) {
      const hit = invalid.get(r.code);
      if (hit) hit.n++;
      else invalid.set(r.code, { n: 1, message: r.message });
    }
    for (const [code, { n: k, message }] of invalid) reasons.push(`${k} point(s): ${code}: ${message}`);
    return answer(encoding, refused + appended.rejected.length, reasons.join('; ').slice(0, 2000));
  };

  return [
    ['POST', '/v1/metrics', async (ctx) => handle(ctx, await projectOfKey(ctx, s))],
    [
      'POST',
      '/api/:projectId/v1/metrics',
      async (ctx) => {
        const projectId = projectIdParam(ctx.params.projectId);
        await authorize(ctx, s, projectId);
        return handle(ctx, projectId);
      },
    ],
  ];
}
