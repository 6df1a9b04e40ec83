/** @module The ClickHouse backend's door: the store behind its write-ahead buffer, and migrations. */
import type { Storage } from '../types.js';
import { createClickHouseStore } from './clickhouse-store.js';
import { type Coordination, openCoordinationDb } from './coordination.js';
import { migrate } from './schema.js';
import { type ClickHouseConnection, ensureDatabase, openDb } from './sql.js';
import { withWriteAhead } from './write-ahead.js';

export type { Coordination, NodeRow, QueuedSignal } from './coordination.js';
export { CLICKHOUSE_SCHEMA_VERSION } from './schema.js';
export { BufferFullError } from './write-ahead.js';

/** Store settings as config holds them. */
export interface ClickHouseStoreConfig {
  dataDir: string;
  clickhouseUrl?: string;
  clickhouseDatabase?: string;
  clickhouseUser?: string;
  clickhousePassword?: string;
  clickhouseBufferMb?: number;
}

const connection = (c: ClickHouseStoreConfig): ClickHouseConnection => ({
  url: c.clickhouseUrl ?? 'http://127.0.0.1:8123',
  database: c.clickhouseDatabase ?? 'heed',
  user: c.clickhouseUser ?? 'default',
  password: c.clickhousePassword ?? '',
});

/** The ClickHouse store with its local write-ahead buffer in `dataDir`; call init(). */
export function openClickHouseStore(c: ClickHouseStoreConfig): Storage {
  return withWriteAhead(createClickHouseStore(connection(c)), {
    dir: c.dataDir,
    maxBytes: (c.clickhouseBufferMb ?? 256) * 1024 * 1024,
  });
}

/** `heed migrate`: creates the database if needed and applies the migrations not yet applied. */
export async function migrateClickHouse(c: ClickHouseStoreConfig): Promise<{ from: number; to: number }> {
  const conn = connection(c);
  await ensureDatabase(conn);
  const db = openDb(conn);
  try {
    return await migrate(db);
  } finally {
    await db.close();
  }
}

/** Coordination of several nodes on the store's database (heartbeats, recent buckets, signals). */
export function openCoordination(c: ClickHouseStoreConfig): Coordination {
  return openCoordinationDb(connection(c));
}
