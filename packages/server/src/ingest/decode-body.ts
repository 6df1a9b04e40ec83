/** @module Reading a request body within limits, and undoing its Content-Encoding. */
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { ApiError } from '../kernel/index.js';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

/** Size limits for one body. */
export interface BodyLimits {
  maxBodyBytes: number;
  maxDecompressedBytes: number;
}

/** Reads the whole body, answering 413 as soon as it is over the limit. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        req.resume();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
  });
}

function tooLarge(max: number): ApiError {
  return new ApiError('request.body_too_large', `The body is larger than ${max} bytes; send smaller batches.`, {
    limit: max,
  });
}

/** Decompresses per Content-Encoding (identity, gzip, deflate, br), bounded by maxDecompressedBytes. */
export async function decodeBody(body: Buffer, encoding: string | undefined, limits: BodyLimits): Promise<Buffer> {
  const enc = (encoding ?? 'identity').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return body;
  const opts = { maxOutputLength: limits.maxDecompressedBytes };
  try {
    if (enc === 'gzip' || enc === 'x-gzip') return await gunzip(body, opts);
    if (enc === 'deflate') {
      // Some clients send raw deflate under this name; zlib-wrapped is the standard.
      return await inflate(body, opts).catch((err: unknown) => {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw err;
        return inflateRaw(body, opts);
      });
    }
    if (enc === 'br') return await brotli(body, opts);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new ApiError(
        'request.decompressed_too_large',
        `The body is larger than ${limits.maxDecompressedBytes} bytes once decompressed; send smaller batches.`,
        { limit: limits.maxDecompressedBytes },
      );
    }
    throw new ApiError('request.bad_encoding', `The body is not valid ${enc} data: ${(err as Error).message}.`);
  }
  throw new ApiError('request.unsupported_encoding', `Content-Encoding '${enc}' is not supported; use gzip, deflate, br or none.`);
}
