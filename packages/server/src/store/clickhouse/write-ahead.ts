/**
 * @module A local write-ahead buffer in front of the ClickHouse store. A batch is acknowledged once
 * it is in ClickHouse or, when ClickHouse does not answer, once it is appended and fsynced to a file
 * in the data folder; a background loop replays the file (each batch once, by its id) and empties
 * it. After a crash the file is replayed at init, before the series are loaded. When the file
 * reaches its bound, commits fail and ingest answers 503 with Retry-After.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { appendFile, open, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommitBatch, SeriesRow, Storage } from '../types.js';
import { createMutex } from './sql.js';

/** The ClickHouse store's extra door: a commit that skips a batch id already committed. */
export interface OnceStore extends Storage {
  commitOnce(batch: CommitBatch, batchId: string, fresh?: boolean): Promise<void>;
}

/** Options of the buffer. */
export interface WriteAheadOptions {
  dir: string;
  maxBytes: number;
  /** How long a direct commit may take before the batch goes to the buffer instead. */
  commitTimeoutMs?: number;
  /** How often the replay loop retries while the buffer holds batches. */
  retryMs?: number;
  onError?: (err: unknown) => void;
}

/** Thrown when ClickHouse is unavailable and the buffer is full. */
export class BufferFullError extends Error {
  constructor(bytes: number) {
    super(`ClickHouse is unavailable and the local write-ahead buffer is full (${bytes} bytes); retry later.`);
  }
}

interface Entry {
  id: string;
  batch: CommitBatch;
}

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`ClickHouse did not answer in ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });

/** Wraps `inner` so commits survive ClickHouse outages and crashes; other calls pass through. */
export function withWriteAhead(inner: OnceStore, opts: WriteAheadOptions): Storage & { buffered(): number; drain(): Promise<void> } {
  const file = join(opts.dir, 'clickhouse-wal.ndjson');
  let pending: Entry[] = [];
  let bytes = 0;
  let timer: NodeJS.Timeout | undefined;
  let draining: Promise<void> | undefined;
  // Direct attempts that timed out may still land: their replay waits for them to settle, so the
  // batch's commit marker is seen and the batch is not counted twice.
  const attempts = new Map<string, Promise<unknown>>();
  // Appends and the rewrite after a replay must not interleave, or an append could land in the old file.
  const fileLock = createMutex();

  const append = (e: Entry) =>
    fileLock(async () => {
      const line = `${JSON.stringify(e)}\n`;
      const size = Buffer.byteLength(line);
      if (bytes + size > opts.maxBytes) throw new BufferFullError(bytes);
      const fh = await open(file, 'a');
      try {
        await fh.writeFile(line);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      pending.push(e);
      bytes += size;
      schedule();
    });

  // Replays in order; stops at the first failure and keeps the rest for the next turn.
  const drainOnce = async () => {
    let done = 0;
    try {
      for (const e of pending) {
        await attempts.get(e.id)?.catch(() => undefined);
        attempts.delete(e.id);
        await withTimeout(inner.commitOnce(e.batch, e.id), opts.commitTimeoutMs ?? 10_000);
        done++;
      }
    } catch (err) {
      opts.onError?.(err);
    }
    if (done === 0) return;
    await fileLock(async () => {
      // Batches appended while this replay ran are in `pending` too; the file is rewritten whole.
      const rest = pending.slice(done);
      const text = rest.map((e) => `${JSON.stringify(e)}\n`).join('');
      await writeFile(`${file}.tmp`, text);
      await rename(`${file}.tmp`, file);
      pending = rest;
      bytes = Buffer.byteLength(text);
    });
  };
  const drain = async () => {
    while (draining) await draining;
    if (pending.length === 0) return;
    draining = drainOnce().finally(() => {
      draining = undefined;
    });
    await draining;
  };
  const schedule = () => {
    if (timer || pending.length === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void drain().finally(schedule);
    }, opts.retryMs ?? 1000);
    timer.unref();
  };

  return {
    ...inner,
    async init() {
      mkdirSync(opts.dir, { recursive: true });
      await inner.init();
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        await appendFile(file, '');
      }
      // A torn last line (crash mid-append) was never acknowledged: it is skipped.
      for (const line of text.split('\n')) {
        if (!line) continue;
        try {
          pending.push(JSON.parse(line) as Entry);
          bytes += Buffer.byteLength(line) + 1;
        } catch {
          opts.onError?.(new Error('skipped a torn line of the write-ahead buffer'));
        }
      }
      await drain();
      schedule();
    },
    async close() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      while (draining) await draining;
      await inner.close();
    },
    async loadSeries() {
      // Series still in the buffer exist for the registry, or their ids would be handed out again.
      const stored = await inner.loadSeries();
      const ids = new Set(stored.map((s) => s.id));
      const buffered: SeriesRow[] = pending.flatMap((e) => e.batch.series).filter((s) => !ids.has(s.id));
      return [...stored, ...buffered].sort((a, b) => a.id - b.id);
    },
    async commit(batch) {
      const e: Entry = { id: randomUUID(), batch };
      if (pending.length === 0) {
        const attempt = inner.commitOnce(batch, e.id, true);
        attempts.set(e.id, attempt);
        try {
          await withTimeout(attempt, opts.commitTimeoutMs ?? 10_000);
          attempts.delete(e.id);
          return;
        } catch (err) {
          // A rejected duplicate series is the caller's error, not an outage.
          if (err instanceof Error && err.message.startsWith('UNIQUE')) {
            attempts.delete(e.id);
            throw err;
          }
          opts.onError?.(err);
        }
      }
      await append(e);
    },
    buffered: () => pending.length,
    drain,
  };
}
