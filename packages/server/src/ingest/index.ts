/** @module Ingest: bytes in, raw items out (decoding and parsing only; no decisions). */
export { type BodyLimits, decodeBody, readBody } from './decode-body.js';
export { type OtlpAttrValue, type OtlpBatch, type OtlpEncoding, type OtlpPoint, otlpEncoding, parseOtlpMetrics } from './otlp-metrics.js';
export { encodeMetricsResponse } from './otlp-proto.js';
export { checkMediaType, parseEvents, type RawItem } from './parse-events.js';
export { type Envelope, type EnvelopeItem, parseDsn, parseEnvelope, parseSentryAuth } from './sentry-envelope.js';
