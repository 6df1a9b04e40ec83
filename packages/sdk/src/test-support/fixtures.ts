/** @module Test support: the recorded Sentry SDK traffic in shared/fixtures/clients, and a structural comparison with it. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Folder of the recorded fixtures (shared/ sits beside the repository). */
export const FIXTURES = fileURLToPath(new URL('../../../../../shared/fixtures/clients/', import.meta.url));

/** Whether the fixtures are there (tests skip otherwise). */
export const haveFixtures = (): boolean => existsSync(`${FIXTURES}sentry-node-event.envelope`);

type Json = Record<string, unknown>;

/** Parses envelope bytes, honouring `length` in item headers (attachments may contain newlines). */
export function parseEnvelopeBytes(buf: Buffer): { header: Json; items: Array<{ header: Json; payload: string }> } {
  let pos = buf.indexOf(10);
  const header = JSON.parse(buf.subarray(0, pos < 0 ? buf.length : pos).toString()) as Json;
  const items: Array<{ header: Json; payload: string }> = [];
  while (pos >= 0 && pos < buf.length - 1) {
    const start = pos + 1;
    const end = buf.indexOf(10, start);
    const ih = JSON.parse(buf.subarray(start, end).toString()) as Json;
    let pend: number;
    if (typeof ih.length === 'number') pend = end + 1 + ih.length;
    else pend = buf.indexOf(10, end + 1) < 0 ? buf.length : buf.indexOf(10, end + 1);
    items.push({ header: ih, payload: buf.subarray(end + 1, pend).toString() });
    pos = pend < buf.length ? pend : -1;
  }
  return { header, items };
}

/** The recorded requests of a `.jsonl` fixture. */
export function fixtureRequests(file: string): Array<{ name: string; url: string; body: string }> {
  return readFileSync(`${FIXTURES}${file}`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { name: string; url: string; body: string });
}

const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/**
 * Asserts that `mine` uses only keys the recorded SDK used at this place, with the same JSON kinds, recursing into
 * objects and the first element of arrays. `open` lists paths whose content is free-form (tags, extra, contexts...).
 */
export function assertShapeLike(mine: unknown, recorded: unknown, path = '$', open: readonly string[] = []): void {
  if (open.some((o) => path === o)) return;
  assert.equal(kind(mine), kind(recorded), `${path}: ${kind(mine)} where the Sentry SDK sends ${kind(recorded)}`);
  if (Array.isArray(mine) && Array.isArray(recorded)) {
    for (const m of mine) assertShapeLike(m, recorded[0], `${path}[]`, open);
    return;
  }
  if (kind(mine) !== 'object') return;
  const r = recorded as Json;
  for (const [k, v] of Object.entries(mine as Json)) {
    assert.ok(k in r, `${path}.${k}: not a key the Sentry SDK sends here (it sends ${Object.keys(r).join(', ')})`);
    assertShapeLike(v, r[k], `${path}.${k}`, open);
  }
}
