/** @module Project administration shared by the CLI and the admin API: names, keys, DSNs. */
import { randomBytes } from 'node:crypto';
import type { Project, Storage } from './types.js';

const NAME_RE = /^[A-Za-z0-9 _.-]{1,64}$/;

/** True when `name` is an acceptable project name. */
export function validProjectName(name: unknown): name is string {
  return typeof name === 'string' && NAME_RE.test(name) && name.trim() === name;
}

/** A new ingest key: 32 hex characters, as Sentry's public keys (letters and digits only). */
export function newProjectKey(): string {
  return randomBytes(16).toString('hex');
}

/** The DSN in Sentry's shape: `http://<key>@<host>:<port>/<projectId>`. */
export function dsnFor(project: Project, publicUrl: string): string {
  const u = new URL(publicUrl);
  u.username = project.key;
  u.pathname = `${u.pathname.replace(/\/$/, '')}/${project.id}`;
  return u.toString();
}

/** Creates a project with a fresh key. */
export function createProject(store: Storage, name: string, now: number): Promise<Project> {
  return store.createProject(name, newProjectKey(), now);
}

/** Gives a project a new key; the old one stops working. */
export function rotateProjectKey(store: Storage, id: number): Promise<Project | undefined> {
  return store.setProjectKey(id, newProjectKey());
}
