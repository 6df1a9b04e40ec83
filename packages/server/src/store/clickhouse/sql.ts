/**
 * @module A thin layer over @clickhouse/client for the ClickHouse store: literals escaped here
 * (ClickHouse 18.16 has no query parameters over HTTP), rows read as JSONEachRow, and waits for
 * mutations (18.16 has no `mutations_sync`).
 */
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';

/** How to reach the server. */
export interface ClickHouseConnection {
  url: string;
  database: string;
  user: string;
  password: string;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
}

/** A string literal. */
export function str(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A numeric literal; anything but a finite number is a bug, not data. */
export function num(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
  return String(v);
}

/** A database or table name: letters, digits and `_` only. */
export function ident(v: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) throw new Error(`Invalid ClickHouse name '${v}': use letters, digits and '_'.`);
  return v;
}

/** The database operations the store uses. */
export interface Db {
  readonly database: string;
  rows<T>(sql: string): Promise<T[]>;
  exec(sql: string): Promise<void>;
  insert(table: string, values: readonly object[]): Promise<void>;
  /** Waits until every mutation of `table` is done. */
  waitMutations(table: string, timeoutMs?: number): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// ClickHouse answers 64-bit integers as JSON strings; callers turn them back with Number().
/** Opens a client on one database (which must exist; see ensureDatabase). */
export function openDb(c: ClickHouseConnection): Db {
  const client: ClickHouseClient = createClient({
    url: c.url,
    database: ident(c.database),
    username: c.user,
    password: c.password,
    request_timeout: c.timeoutMs ?? 30_000,
    log: { level: ClickHouseLogLevel.OFF },
  });
  const db: Db = {
    database: c.database,
    async rows<T>(sql: string) {
      const r = await client.query({ query: sql, format: 'JSONEachRow' });
      return r.json<T>();
    },
    async exec(sql) {
      await client.command({ query: sql });
    },
    async insert(table, values) {
      if (values.length === 0) return;
      await client.insert({ table, values: values as object[], format: 'JSONEachRow' });
    },
    async waitMutations(table, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [r] = await db.rows<{ n: string }>(
          `SELECT count() AS n FROM system.mutations WHERE database = ${str(c.database)} AND table = ${str(table)} AND is_done = 0`,
        );
        if (Number(r?.n ?? 0) === 0) return;
        if (Date.now() > deadline) throw new Error(`ClickHouse mutation on ${table} still running after ${timeoutMs} ms`);
        await new Promise((res) => setTimeout(res, 20));
      }
    },
    async ping() {
      try {
        return (await client.ping()).success;
      } catch {
        return false;
      }
    },
    close: () => client.close(),
  };
  return db;
}

/** Creates the database if it is missing (through the always-present `default` database). */
export async function ensureDatabase(c: ClickHouseConnection): Promise<void> {
  const admin = openDb({ ...c, database: 'default' });
  try {
    await admin.exec(`CREATE DATABASE IF NOT EXISTS ${ident(c.database)}`);
  } finally {
    await admin.close();
  }
}

/** A version counter for ReplacingMergeTree rows: wall-clock microseconds, strictly increasing here. */
export function createVersionClock(): () => number {
  let last = 0;
  return () => {
    last = Math.max(last + 1, Date.now() * 1000);
    return last;
  };
}

/** A mutex: runs `fn` after every earlier call has settled (per-process serialisation). */
export function createMutex(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}
