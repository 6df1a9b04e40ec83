/**
 * @module Releases and deploys: recorded from the API and CLI (explicit) and from the `release` of
 * incoming error events (implicit: the first event of a version in an environment counts as its
 * deploy). Kept as `deploy` documents, with a per-project index in memory for the release in force.
 */
import { type Outcome, ok, reject } from '../kernel/index.js';
import type { Storage } from '../store/index.js';

/** One deploy of a release into an environment. */
export interface Deploy {
  version: string;
  environment: string;
  commit?: string;
  /** Epoch ms. */
  at: number;
  /** api (incl. the CLI) or event (first error event of the version). */
  source: 'api' | 'event';
  /** Set once the conclusive impact report was sent. */
  reportedAt?: number;
}

/** A deploy with its document id. */
export type DeployRow = Deploy & { id: number; projectId: number };

/** The deploys of every project, indexed for "which release was in force at t". */
export interface ReleaseRegistry {
  load(): Promise<void>;
  /** Records a deploy; an explicit deploy of a version first seen in events replaces that guess. */
  record(projectId: number, d: Deploy): Promise<DeployRow>;
  /** Implicit: records a deploy when `version` is new in `environment`. Cheap when it is not; never rejects (a failure is retried by the next event). */
  noteEventRelease(projectId: number, version: string, environment: string, atMs: number): Promise<void>;
  /** Deploys of a project in [fromMs, toMs), oldest first. */
  list(projectId: number, fromMs?: number, toMs?: number): DeployRow[];
  /** The deploy in force at `atMs` (the latest at or before it), optionally in one environment. */
  inForce(projectId: number, atMs: number, environment?: string): DeployRow | undefined;
  markReported(id: number, atMs: number): Promise<void>;
}

const VERSION = /^[\w.@+:/-]{1,200}$/;
const ENV = /^[\w.-]{1,64}$/;

/** Validates `{version, environment?, commit?, at?}` from the API. */
export function validateDeploy(b: Record<string, unknown>, now: number): Outcome<Deploy> {
  const known = new Set(['version', 'environment', 'commit', 'at']);
  const extra = Object.keys(b).find((k) => !known.has(k));
  if (extra) return reject('request.invalid_body', `Unknown field '${extra}' (allowed: version, environment, commit, at).`);
  if (typeof b.version !== 'string' || !VERSION.test(b.version))
    return reject('request.invalid_body', '`version` must be 1-200 letters, digits and `_ . @ + : / -`, e.g. "shop@1.2.3".');
  const environment = b.environment ?? 'production';
  if (typeof environment !== 'string' || !ENV.test(environment))
    return reject('request.invalid_body', '`environment` must be 1-64 letters, digits and `_ . -`, e.g. "production".');
  if (b.commit !== undefined && (typeof b.commit !== 'string' || !/^[0-9a-zA-Z._-]{1,64}$/.test(b.commit)))
    return reject('request.invalid_body', '`commit` must be a commit id (1-64 letters and digits), e.g. "3f2c9ab".');
  let at = now;
  if (b.at !== undefined) {
    const t = typeof b.at === 'string' ? Date.parse(b.at) : typeof b.at === 'number' ? (b.at < 1e11 ? b.at * 1000 : b.at) : Number.NaN;
    if (!Number.isFinite(t) || t < Date.UTC(2000, 0, 1) || t > now + 300_000)
      return reject('request.invalid_body', '`at` must be an ISO-8601 time or epoch seconds/ms, not in the future.');
    at = t;
  }
  return ok({ version: b.version, environment, ...(typeof b.commit === 'string' ? { commit: b.commit } : {}), at, source: 'api' });
}

/** Creates the registry over the store's `deploy` documents and loads them. */
export async function openReleaseRegistry(store: Storage): Promise<ReleaseRegistry> {
  const r = createReleaseRegistry(store);
  await r.load();
  return r;
}

/** Creates the registry over the store's `deploy` documents. */
export function createReleaseRegistry(store: Storage): ReleaseRegistry {
  const byProject = new Map<number, DeployRow[]>();
  const seen = new Set<string>();
  const key = (p: number, v: string, e: string) => `${p}\u0000${v}\u0000${e}`;
  const add = (row: DeployRow) => {
    const list = byProject.get(row.projectId) ?? [];
    list.push(row);
    list.sort((a, b) => a.at - b.at || a.id - b.id);
    byProject.set(row.projectId, list);
    seen.add(key(row.projectId, row.version, row.environment));
  };
  const pending = new Map<string, Promise<void>>();
  return {
    async load() {
      byProject.clear();
      for (const d of await store.listDocs<Deploy>('deploy')) add({ ...d.body, id: d.id, projectId: d.projectId });
    },
    async record(projectId, d) {
      const list = byProject.get(projectId) ?? [];
      const guess = list.find((r) => r.source === 'event' && r.version === d.version && r.environment === d.environment);
      if (guess) {
        await store.deleteDoc('deploy', guess.id);
        list.splice(list.indexOf(guess), 1);
      }
      const doc = await store.insertDoc<Deploy>('deploy', projectId, d, d.at);
      const row = { ...d, id: doc.id, projectId };
      add(row);
      return row;
    },
    async noteEventRelease(projectId, version, environment, atMs) {
      const env = environment || 'production';
      const k = key(projectId, version, env);
      if (!version || seen.has(k) || !VERSION.test(version)) return;
      // Events of one new release arrive together: one insert, the others wait for it.
      const inFlight = pending.get(k);
      if (inFlight) return inFlight;
      const p = (async () => {
        const d: Deploy = { version, environment: env, at: atMs, source: 'event' };
        const doc = await store.insertDoc<Deploy>('deploy', projectId, d, atMs);
        add({ ...d, id: doc.id, projectId });
      })()
        .catch(() => undefined)
        .finally(() => pending.delete(k));
      pending.set(k, p);
      return p;
    },
    list(projectId, fromMs = 0, toMs = Number.POSITIVE_INFINITY) {
      return (byProject.get(projectId) ?? []).filter((d) => d.at >= fromMs && d.at < toMs);
    },
    inForce(projectId, atMs, environment) {
      const list = byProject.get(projectId) ?? [];
      for (let i = list.length - 1; i >= 0; i--) {
        const d = list[i] as DeployRow;
        if (d.at <= atMs && (!environment || d.environment === environment)) return d;
      }
      return undefined;
    },
    async markReported(id, atMs) {
      for (const list of byProject.values()) {
        const row = list.find((d) => d.id === id);
        if (!row) continue;
        row.reportedAt = atMs;
        const { id: _i, projectId: _p, ...body } = row;
        await store.updateDoc<Deploy>('deploy', id, body, atMs);
      }
    },
  };
}
