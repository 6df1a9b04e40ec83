/** @module Test support: the recorded Sentry SDK traffic of ../shared/fixtures/clients, replayable against a test Heed. */
import { readFileSync } from 'node:fs';

/** One recorded HTTP request of a Sentry SDK. */
export interface SentryRecord {
  name: string;
  note: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  bodyEncoding: 'utf8' | 'base64';
  body: string;
  recordedResponse: { status: number };
}

const DIR = new URL('../../../../../shared/fixtures/clients/', import.meta.url);

/** The records of `sentry-node.jsonl` or `sentry-browser.jsonl`. */
export function loadSentryRecords(file: 'sentry-node.jsonl' | 'sentry-browser.jsonl'): SentryRecord[] {
  return readFileSync(new URL(file, DIR), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as SentryRecord);
}

/** A raw fixture file (e.g. `sentry-browser-event.envelope`). */
export function readFixture(name: string): Buffer {
  return readFileSync(new URL(name, DIR));
}

/** The record as a request to another project: path and key rewritten, hop-by-hop headers dropped. */
export function retarget(rec: SentryRecord, projectId: number, key: string) {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(rec.headers)) {
    if (!['host', 'connection', 'transfer-encoding', 'content-length'].includes(k)) headers[k] = v;
  }
  return {
    method: rec.method as 'POST',
    url: rec.url.replace('/api/42/', `/api/${projectId}/`).replace('sentry_key=publickey', `sentry_key=${key}`),
    headers,
    payload: Buffer.from(rec.body, rec.bodyEncoding),
  };
}
