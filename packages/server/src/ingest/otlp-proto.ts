/**
 * @module The OTLP metrics protobuf messages, loaded on first use: the protobufjs code generated
 * from the official .proto files that `@opentelemetry/otlp-transformer@0.217.0` ships (the last
 * version that can decode). Loading takes ~40 ms, so servers that never see OTLP never pay it.
 */
import { createRequire } from 'node:module';

interface Message {
  decode(buf: Uint8Array): unknown;
  fromObject(obj: Record<string, unknown>): unknown;
  toObject(msg: unknown, opts: { longs: StringConstructor; enums: NumberConstructor }): Record<string, unknown>;
  encode(obj: unknown): { finish(): Uint8Array };
}

interface OtlpMessages {
  request: Message;
  response: Message;
}

let loaded: OtlpMessages | undefined;

function messages(): OtlpMessages {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js') as {
      opentelemetry: { proto: { collector: { metrics: { v1: Record<string, Message> } } } };
    };
    const v1 = root.opentelemetry.proto.collector.metrics.v1;
    loaded = { request: v1.ExportMetricsServiceRequest as Message, response: v1.ExportMetricsServiceResponse as Message };
  }
  return loaded;
}

const OPTS = { longs: String, enums: Number };

/** Decodes an ExportMetricsServiceRequest (throws on bytes that are not one) to its JSON shape, int64 as strings. */
export function decodeMetricsProto(buf: Uint8Array): Record<string, unknown> {
  const { request } = messages();
  return request.toObject(request.decode(buf), OPTS);
}

/**
 * Brings an OTLP/JSON request to the same shape as a decoded protobuf: int64 as strings whether
 * sent as strings or numbers, enums as numbers, defaults absent. Throws TypeError on a wrong shape.
 */
export function canonicalMetricsJson(obj: Record<string, unknown>): Record<string, unknown> {
  const { request } = messages();
  return request.toObject(request.fromObject(obj), OPTS);
}

/** Encodes an ExportMetricsServiceResponse: empty, or with partialSuccess. */
export function encodeMetricsResponse(partial?: { rejectedDataPoints: number; errorMessage: string }): Buffer {
  const { response } = messages();
  const bytes = response.encode(partial ? { partialSuccess: partial } : {}).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
