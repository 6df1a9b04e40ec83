/** @module Credentials: the admin token for reads and admin calls, project keys for ingest. */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../kernel/index.js';
import type { Project, Storage } from '../store/index.js';
import { acceptSession } from './session.js';

/** Reads `Authorization: Bearer <token>`. */
export function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

/** Compares in constant time. */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Requires the admin token (header, or `?token=` for EventSource which cannot set headers), or a
 * dashboard session cookie (with its CSRF header on state-changing calls; see session.ts).
 */
export function requireAdmin(req: IncomingMessage, query: URLSearchParams, adminToken: string, nowMs = Date.now()): void {
  const given = bearer(req) ?? query.get('token') ?? undefined;
  if (!given && acceptSession(req, adminToken, nowMs)) return;
  if (!given) throw new ApiError('auth.missing', 'This call needs the admin token: send `Authorization: Bearer <token>`.');
  if (!sameToken(given, adminToken)) throw new ApiError('auth.invalid', 'The admin token is not valid.');
}

/** A cache of project lookups by key, so ingest does not read the store on every request. */
export interface ProjectKeys {
  byKey(key: string): Promise<Project | undefined>;
  byId(id: number): Promise<Project | undefined>;
  invalidate(): void;
}

/** Creates the cache; entries live `ttlMs`, so a key rotated by the CLI takes effect within it. */
export function createProjectKeys(store: Storage, now: () => number, ttlMs = 2000): ProjectKeys {
  const keys = new Map<string, { p: Project | undefined; until: number }>();
  const ids = new Map<number, { p: Project | undefined; until: number }>();
  return {
    async byKey(key) {
      const hit = keys.get(key);
      if (hit && hit.until > now()) return hit.p;
      const p = await store.findProjectByKey(key);
      if (keys.size > 10000) keys.clear();
      keys.set(key, { p, until: now() + ttlMs });
      return p;
    },
    async byId(id) {
      const hit = ids.get(id);
      if (hit && hit.until > now()) return hit.p;
      const p = await store.getProject(id);
      if (ids.size > 10000) ids.clear();
      ids.set(id, { p, until: now() + ttlMs });
      return p;
    },
    invalidate() {
      keys.clear();
      ids.clear();
    },
  };
}

/** Parses a numeric project id from the path, or answers 404. */
export function projectIdParam(raw: string | undefined): number {
  const id = Number(raw);
  if (!raw || !/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(id) || id < 1) {
    throw new ApiError('project.not_found', `'${String(raw).slice(0, 40)}' is not a project id; ids are positive integers.`);
  }
  return id;
}
