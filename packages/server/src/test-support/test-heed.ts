/** @module Test support: a Heed built in-process, with requests injected (no port opened). */
import { type InjectOptions, inject, type Response } from 'light-my-request';
import { type Config, loadConfig } from '../config/index.js';
import { createLogger } from '../kernel/index.js';
import { type BuiltHeed, buildHeed } from '../main.js';
import type { Project, Storage } from '../store/index.js';

/** A Heed for one test. */
export interface TestHeed {
  built: BuiltHeed;
  config: Config;
  admin: string;
  project: Project;
  /** Injects a request; `json` bodies are serialised. */
  request(opts: InjectOptions & { json?: unknown }): Promise<Response>;
  /** Posts events to the project's ingest endpoint with its key. */
  send(events: unknown, opts?: { projectId?: number; key?: string; headers?: Record<string, string> }): Promise<Response>;
  /** GETs an admin API path with the admin token. */
  get(path: string): Promise<Response>;
  close(): Promise<void>;
}

/** Builds a Heed over a memory store (or the given one) with config overrides and a settable clock. */
export async function createTestHeed(
  flags: Record<string, unknown> = {},
  opts: { now?: () => number; store?: Storage } = {},
): Promise<TestHeed> {
  const { config } = loadConfig({
    env: {},
    flags: { 'store.kind': 'memory', 'log.level': 'silent', 'auth.adminToken': 'admin_secret', ...flags },
  });
  const built = await buildHeed(config, { clock: opts.now, store: opts.store, log: createLogger('silent') });
  const project = (await built.services.store.listProjects())[0] as Project;
  const request = (o: InjectOptions & { json?: unknown }) => {
    const { json, ...rest } = o;
    if (json !== undefined) {
      rest.payload = JSON.stringify(json);
      rest.headers = { 'content-type': 'application/json', ...rest.headers };
    }
    return inject(built.app, rest);
  };
  return {
    built,
    config,
    admin: built.adminToken,
    project,
    request,
    send(events, o = {}) {
      const body = typeof events === 'string' || Buffer.isBuffer(events) ? events : JSON.stringify(events);
      return request({
        method: 'POST',
        url: `/api/${o.projectId ?? project.id}/events`,
        payload: body,
        headers: { authorization: `Bearer ${o.key ?? project.key}`, 'content-type': 'application/json', ...o.headers },
      });
    },
    get(path) {
      return request({ method: 'GET', url: path, headers: { authorization: `Bearer ${built.adminToken}` } });
    },
    close: () => built.shutdown(),
  };
}
