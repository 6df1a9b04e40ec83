/** @module The request context handed to route handlers, and what they answer. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../kernel/index.js';

/** One request as a handler sees it. */
export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  id: string;
  log: Logger;
  /** Labels for metrics (the route pattern). */
  route: string;
}

/** A JSON answer (or `text`, or binary `bytes`), or 'streamed' when the handler wrote the response itself (SSE). */
export type Reply = { status: number; body?: unknown; headers?: Record<string, string>; text?: string; bytes?: Buffer } | 'streamed';

/** A route handler. */
export type Handler = (ctx: Ctx) => Promise<Reply>;
