/**
 * @module OTLP/HTTP metrics bodies (JSON or protobuf) to one flat list of data points. Decoding
 * only: what a point becomes (deltas, KPI names, tags) is decided in normalize/otlp-points.ts.
 */
import { ApiError } from '../kernel/index.js';
import { canonicalMetricsJson, decodeMetricsProto } from './otlp-proto.js';

/** The two OTLP/HTTP encodings. */
export type OtlpEncoding = 'json' | 'protobuf';

/** An attribute value Heed keeps; arrays, key-value lists and bytes are dropped. */
export type OtlpAttrValue = string | number | boolean;

/** One data point of a sum, gauge or histogram, with what it needs from its metric and resource. */
export interface OtlpPoint {
  metric: string;
  kind: 'sum' | 'gauge' | 'histogram';
  /** Sums only: a counter (true) or an up-down counter (false). */
  monotonic: boolean;
  /** 0 unspecified, 1 delta, 2 cumulative (gauges: 0). */
  temporality: number;
  attributes: Array<[string, OtlpAttrValue]>;
  /** The resource's attributes (service.name...), shared by all points of a resourceMetrics entry. */
  resource: Array<[string, OtlpAttrValue]>;
  /** Epoch ms; 0 when absent. */
  startMs: number;
  timeMs: number;
  /** Sums and gauges; undefined when the point carries no value. */
  value?: number;
  /** Histograms: observations and their sum (sum is optional in OTLP). */
  count?: number;
  sum?: number;
  /** The point's flags say "no recorded value" (a series that went stale). */
  noValue: boolean;
}

/** The points of a request, and those of kinds Heed does not take (exponentialHistogram, summary). */
export interface OtlpBatch {
  points: OtlpPoint[];
  unsupported: number;
  /** Why the unsupported points were refused, one line per kind. */
  unsupportedReasons: string[];
}

/** Reads the Content-Type: JSON or protobuf, else 415. */
export function otlpEncoding(contentType: string | undefined): OtlpEncoding {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') return 'json';
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  throw new ApiError(
    'request.unsupported_media_type',
    `Content-Type '${type}' is not accepted on /v1/metrics; OTLP/HTTP sends application/json or application/x-protobuf.`,
  );
}

const snake = /_([a-z])/g;
function camelKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelKeys);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k.replace(snake, (_, c: string) => c.toUpperCase())] = camelKeys(x);
  return out;
}

/** Parses a decompressed body into points; a body that is not an ExportMetricsServiceRequest is a 400. */
export function parseOtlpMetrics(body: Buffer, encoding: OtlpEncoding): OtlpBatch {
  let req: Record<string, unknown>;
  if (encoding === 'protobuf') {
    try {
      req = decodeMetricsProto(body);
    } catch (err) {
      throw new ApiError(
        'otlp.invalid_protobuf',
        `The body is not a protobuf ExportMetricsServiceRequest (${(err as Error).message}); check the exporter's Content-Type.`,
      );
    }
  } else {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new ApiError('request.invalid_json', `The body is not valid JSON: ${(err as Error).message}.`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new ApiError('request.invalid_body', 'The body must be an OTLP ExportMetricsServiceRequest object: {"resourceMetrics":[...]}.');
    }
    // OTLP/JSON uses lowerCamelCase keys; the protobuf JSON mapping also allows the .proto names.
    const text = JSON.stringify(Object.keys(json));
    if (text.includes('_')) json = camelKeys(json);
    try {
      req = canonicalMetricsJson(json as Record<string, unknown>);
    } catch (err) {
      throw new ApiError(
        'request.invalid_body',
        `The body is not an OTLP ExportMetricsServiceRequest: ${(err as Error).message.replace(/^\.opentelemetry\.proto\./, '')}.`,
      );
    }
  }
  return flatten(req);
}

type Obj = Record<string, unknown>;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/** A number from a double, an int64 string or number; undefined when absent or not numeric. */
function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') {
    const n = Number(v);
    return Number.isNaN(n) && v !== 'NaN' ? undefined : n;
  }
  return undefined;
}

/** Nanoseconds (int64 string) to epoch ms, without going through a lossy float for the whole value. */
function nanosToMs(v: unknown): number {
  if (typeof v === 'string' && /^\d+$/.test(v)) return v.length <= 6 ? 0 : Number(v.slice(0, -6));
  const n = num(v);
  return n !== undefined && n > 0 ? Math.floor(n / 1e6) : 0;
}

/** Keeps string, int, double and bool values; drops arrays, kvlists, bytes and empty values. */
function attributes(v: unknown): Array<[string, OtlpAttrValue]> {
  const out: Array<[string, OtlpAttrValue]> = [];
  for (const kv of list(v)) {
    const key = kv.key;
    const val = kv.value as Obj | undefined;
    if (typeof key !== 'string' || !val) continue;
    if (typeof val.stringValue === 'string') out.push([key, val.stringValue]);
    else if (typeof val.boolValue === 'boolean') out.push([key, val.boolValue]);
    else if (typeof val.intValue === 'string' || typeof val.intValue === 'number') out.push([key, String(val.intValue)]);
    else if (typeof val.doubleValue === 'number') out.push([key, val.doubleValue]);
  }
  return out;
}

function flatten(req: Obj): OtlpBatch {
  const points: OtlpPoint[] = [];
  const refused = new Map<string, number>();
  for (const rm of list(req.resourceMetrics)) {
    const resource = attributes((rm.resource as Obj | undefined)?.attributes);
    for (const sm of list(rm.scopeMetrics)) {
      for (const m of list(sm.metrics)) {
        const metric = typeof m.name === 'string' ? m.name : '';
        const sum = m.sum as Obj | undefined;
        const gauge = m.gauge as Obj | undefined;
        const histogram = m.histogram as Obj | undefined;
        const data = sum ?? gauge ?? histogram;
        if (!data) {
          const kind = m.exponentialHistogram ? 'exponentialHistogram' : m.summary ? 'summary' : undefined;
          if (kind) {
            const n = list((m[kind] as Obj).dataPoints).length;
            refused.set(kind, (refused.get(kind) ?? 0) + n);
          }
          continue;
        }
        const kind = sum ? 'sum' : gauge ? 'gauge' : 'histogram';
        const temporality = num(data.aggregationTemporality) ?? 0;
        for (const p of list(data.dataPoints)) {
          const point: OtlpPoint = {
            metric,
            kind,
            monotonic: sum?.isMonotonic === true,
            temporality,
            attributes: attributes(p.attributes),
            resource,
            startMs: nanosToMs(p.startTimeUnixNano),
            timeMs: nanosToMs(p.timeUnixNano),
            noValue: ((num(p.flags) ?? 0) & 1) === 1,
          };
          if (kind === 'histogram') {
            point.count = num(p.count) ?? 0;
            if (p.sum !== undefined) point.sum = num(p.sum);
          } else point.value = num(p.asDouble) ?? num(p.asInt);
          points.push(point);
        }
      }
    }
  }
  let unsupported = 0;
  const unsupportedReasons: string[] = [];
  for (const [kind, n] of refused) {
    unsupported += n;
    unsupportedReasons.push(`${n} ${kind} point(s): ${kind} metrics are not supported; use a histogram view or a sum`);
  }
  return { points, unsupported, unsupportedReasons };
}
