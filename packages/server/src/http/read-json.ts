/** @module Reading a small JSON request body (admin calls). */
import type { IncomingMessage } from 'node:http';
import { readBody } from '../ingest/index.js';
import { ApiError } from '../kernel/index.js';

/** Reads and parses a JSON object body of at most 64 KiB. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const buf = await readBody(req, 65536);
  let v: unknown;
  try {
    v = JSON.parse(buf.toString('utf8') || '{}');
  } catch (err) {
    throw new ApiError('request.invalid_json', `The body is not valid JSON: ${(err as Error).message}.`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new ApiError('request.invalid_body', 'The body must be a JSON object.');
  }
  return v as Record<string, unknown>;
}
