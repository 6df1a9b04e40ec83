/** @module Ingest: bytes in, raw items out (decoding and parsing only; no decisions). */
export { type BodyLimits, decodeBody, readBody } from './decode-body.js';
export { checkMediaType, parseEvents, type RawItem } from './parse-events.js';
export { type Envelope, type EnvelopeItem, parseDsn, parseEnvelope, parseSentryAuth } from './sentry-envelope.js';
