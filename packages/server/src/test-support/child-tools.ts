/**
 * @module Test support: what tests of `heed start` child processes keep asking — an admin API call
 * that must succeed, the JSON log lines a child wrote with one message, and waiting for a condition.
 */
import assert from 'node:assert/strict';
import type { ChildHeed } from './child-heed.js';

/** Calls the child's API with its admin token; the answer must be 2xx. */
export async function adminApi<T>(node: ChildHeed, path: string, init: RequestInit = {}): Promise<T> {
  const r = await fetch(`${node.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${node.adminToken}`, 'content-type': 'application/json' },
  });
  assert.ok(r.ok, `${path}: ${r.status} ${await r.clone().text()}`);
  return (await r.json()) as T;
}

/** Log lines (JSON) a child wrote with this message. */
export function loggedLines(node: ChildHeed, msg: string): Array<Record<string, unknown>> {
  return node
    .stderr()
    .split('\n')
    .filter((l) => l.includes(`"${msg}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Polls `ok` every 100 ms until it holds; throws naming `what` after `ms`. */
export async function waitUntil(what: string, ok: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
