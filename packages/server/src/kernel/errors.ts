/**
 * @module Stable error codes: each has an HTTP status and a message that says what to fix.
 * Codes are never reused; docs/errors.md lists exactly these (checked by a test).
 */

/** Every error code Heed answers with, its HTTP status and what it means. */
export const ERROR_CODES = {
  'request.not_found': { status: 404, doc: 'No route matches the method and path.' },
  'request.method_not_allowed': { status: 405, doc: 'The path exists but not for this method.' },
  'request.body_too_large': { status: 413, doc: 'The body (as sent) is larger than `ingest.maxBodyBytes`.' },
  'request.decompressed_too_large': {
    status: 413,
    doc: 'The body, once decompressed, is larger than `ingest.maxDecompressedBytes`.',
  },
  'request.unsupported_encoding': {
    status: 415,
    doc: 'Content-Encoding is not one of identity, gzip, deflate.',
  },
  'request.unsupported_media_type': {
    status: 415,
    doc: 'Content-Type is not JSON, NDJSON, CSV or text/plain.',
  },
  'request.bad_encoding': { status: 400, doc: 'The body could not be decompressed as its Content-Encoding says.' },
  'request.invalid_json': { status: 400, doc: 'The body is not valid JSON (or a line of NDJSON is not).' },
  'request.invalid_body': { status: 400, doc: 'The JSON is valid but not of the expected shape.' },
  'request.invalid_param': { status: 400, doc: 'A path or query parameter is missing or malformed.' },
  'auth.missing': { status: 401, doc: 'No credentials: send `Authorization: Bearer <token>` (or `?key=` on ingest).' },
  'auth.invalid': { status: 401, doc: 'The key or token is not known.' },
  'auth.forbidden': { status: 403, doc: "The key is valid but belongs to another project, or can't do this." },
  'auth.csrf': {
    status: 403,
    doc: 'A POST, PATCH or DELETE made with the dashboard session cookie lacks the `X-Heed-CSRF` header of its session.',
  },
  'project.not_found': { status: 404, doc: 'No project has this id.' },
  'project.invalid_name': { status: 400, doc: 'Project names are 1-64 characters of letters, digits, space, `_`, `-`, `.`.' },
  'kpi.not_found': { status: 404, doc: 'The project has no KPI of this name.' },
  'incident.not_found': { status: 404, doc: 'The project has no incident of this id.' },
  'resource.not_found': { status: 404, doc: 'The project has no channel, route, silence or rule of this id.' },
  'ack.invalid_link': {
    status: 403,
    doc: 'The acknowledgement link is not signed by this server or has expired; acknowledge from the API or CLI.',
  },
  'ingest.empty_batch': { status: 400, doc: 'The batch holds no events.' },
  'ingest.too_many_events': { status: 413, doc: 'More events in one batch than `ingest.maxEventsPerBatch`.' },
  'ingest.all_rejected': { status: 400, doc: 'Every event of the batch was rejected; `rejected` says why, per index.' },
  'ingest.rate_limited': {
    status: 429,
    doc: 'The project sent more than `ingest.rateLimitPerSecond` events per second; retry after `Retry-After` seconds.',
  },
  'event.invalid_json': { status: 400, doc: 'A line of an NDJSON body is not valid JSON; the other lines are still taken.' },
  'event.not_object': { status: 400, doc: 'An event must be a JSON object.' },
  'event.invalid_name': { status: 400, doc: 'An event needs `name`: 1-128 characters of letters, digits and `_ . : / -`.' },
  'event.invalid_type': { status: 400, doc: '`type` must be "count" (the default) or "gauge".' },
  'event.invalid_value': { status: 400, doc: '`value` must be a finite number (required for gauges).' },
  'event.invalid_count': { status: 400, doc: '`count` (pre-counted records) must be an integer from 0 to 1e9.' },
  'event.invalid_timestamp': { status: 400, doc: '`ts` must be an ISO-8601 string or epoch seconds/milliseconds.' },
  'event.timestamp_in_future': { status: 400, doc: '`ts` is further in the future than `ingest.maxFutureSeconds`.' },
  'event.timestamp_too_old': { status: 400, doc: '`ts` is before 2000-01-01.' },
  'event.invalid_tags': { status: 400, doc: '`tags` must be an object of string, number or boolean values.' },
  'event.too_many_tags': { status: 400, doc: 'More tags than `ingest.maxTagsPerEvent`.' },
  'event.invalid_tag_key': { status: 400, doc: 'Tag keys are 1-64 characters of letters, digits and `_ . -`.' },
  'event.tag_value_too_long': { status: 400, doc: 'A tag value is longer than `ingest.maxTagValueLength` or holds control characters.' },
  'event.unknown_field': { status: 400, doc: 'The event has a field Heed does not know (allowed: name, ts, value, count, tags, type).' },
  'event.type_conflict': { status: 400, doc: 'The KPI already exists with the other type (count vs gauge).' },
  'store.unavailable': { status: 503, doc: 'The store could not be reached or written; retry later.' },
  'server.shutting_down': { status: 503, doc: 'The server is stopping; retry against another instance or later.' },
  'envelope.invalid': {
    status: 400,
    doc: 'The body is not a Sentry envelope (or, on /store/, not one event object); the message (also in `X-Sentry-Error`) says where it broke.',
  },
  'envelope.rate_limited': {
    status: 429,
    doc: 'The project sent more than `errors.rateLimitPerSecond` error events per second; `Retry-After` and `X-Sentry-Rate-Limits` say for how long. Envelopes that also hold other items get 200 with the same headers.',
  },
  'otlp.invalid_protobuf': {
    status: 400,
    doc: 'The body of `POST /v1/metrics` sent as `application/x-protobuf` is not an OTLP ExportMetricsServiceRequest.',
  },
  'issue.not_found': { status: 404, doc: 'The project has no issue (or stored error event) with this id.' },
  'check.invalid': {
    status: 400,
    doc: 'The check or heartbeat definition is not valid (or its name/slug is taken); the message names the field.',
  },
  'check.not_found': { status: 404, doc: 'The project has no check or heartbeat of this id or slug.' },
  'status_page.not_found': { status: 404, doc: 'The project has not enabled its public status page.' },
  'release.not_found': { status: 404, doc: 'The project has no release of this version, or no deploy of this id.' },
  'monitors.invalid': {
    status: 400,
    doc: 'The monitors declaration is invalid; `problems` lists each one with its path and the fix (run `heed verify`).',
  },
  'sourcemap.invalid': {
    status: 400,
    doc: 'The uploaded `.map` file is not valid JSON or not a version 3 source map (or the file is binary); the message says what is wrong.',
  },
  'sourcemap.not_found': { status: 404, doc: 'The release has no uploaded source map or minified file of this id.' },
  internal: { status: 500, doc: 'A bug in Heed. The log line with the request id has the details.' },
} as const satisfies Record<string, { status: number; doc: string }>;

/** One of the stable error codes. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The single error type that crosses the HTTP boundary. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, headers?: Record<string, string>) {
    super(message);
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = details;
    this.headers = headers;
  }
}

/** The JSON body every error answer has. */
export function errorBody(err: ApiError): { error: { code: string; message: string } & Record<string, unknown> } {
  return { error: { code: err.code, message: err.message, ...(err.details ?? {}) } };
}
