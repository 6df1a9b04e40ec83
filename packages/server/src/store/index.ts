/** @module The store: the Storage interface, its backends, the series registry and the group-commit writer. */
import type { Coordination } from './clickhouse/index.js';
import type { Storage } from './types.js';

export { mergeInto } from './aggregate.js';
export { createMemoryStore } from './memory/memory-store.js';
export { createPruner, type RetentionSettings } from './retention.js';
export {
  createSeriesRegistry,
  hashedSeriesId,
  type KpiSummary,
  OTHER_TAG_KEY,
  type RegistryOptions,
  type SeriesRegistry,
} from './series-registry.js';
export type {
  Aggregate,
  BucketDelta,
  BucketQuery,
  BucketRow,
  CommitBatch,
  Doc,
  Project,
  PruneCutoffs,
  RawBatch,
  Resolution,
  SeriesRow,
  Storage,
} from './types.js';
export { RESOLUTIONS } from './types.js';
export { type AppendResult, type CommitListener, createWriter, type Writer } from './writer.js';

/** Opens the configured backend; SQLite and ClickHouse are loaded only when asked for. */
export async function openStore(opts: {
  kind: 'sqlite' | 'memory' | 'clickhouse';
  dataDir: string;
  sync: 'normal' | 'full';
  clickhouseUrl?: string;
  clickhouseDatabase?: string;
  clickhouseUser?: string;
  clickhousePassword?: string;
  clickhouseBufferMb?: number;
}): Promise<Storage> {
  let store: Storage;
  if (opts.kind === 'clickhouse') {
    const { openClickHouseStore } = await import('./clickhouse/index.js');
    store = openClickHouseStore(opts);
  } else if (opts.kind === 'sqlite') {
    const { createSqliteStore } = await import('./sqlite/sqlite-store.js');
    store = createSqliteStore({ dataDir: opts.dataDir, sync: opts.sync });
  } else {
    const { createMemoryStore } = await import('./memory/memory-store.js');
    store = createMemoryStore();
  }
  await store.init();
  return store;
}
/** Coordination of several nodes sharing one ClickHouse store (docs/clickhouse.md); client loaded lazily. */
export async function openCoordination(opts: Parameters<typeof openStore>[0]): Promise<Coordination> {
  const m = await import('./clickhouse/index.js');
  return m.openCoordination(opts);
}
export type { Coordination, NodeRow, QueuedSignal } from './clickhouse/index.js';
/** `heed migrate` on ClickHouse: creates the database and applies pending migrations (client loaded lazily). */
export async function migrateClickHouse(opts: Parameters<typeof openStore>[0]): Promise<{ from: number; to: number }> {
  const m = await import('./clickhouse/index.js');
  return m.migrateClickHouse(opts);
}
export {
  BREAKDOWN_DIMS,
  type BreakdownDim,
  type BreakdownRow,
  type CommitSide,
  type ErrorCommitResult,
  type ErrorRecord,
  type ErrorStore,
  ISSUE_STATUSES,
  type IssueQuery,
  type IssueRow,
  type IssueStatus,
  type OutcomeRow,
  type ReleaseUsers,
  type SessionRow,
  type SessionUserRow,
  type StoredErrorEvent,
} from './error-types.js';
export { createProject, dsnFor, newProjectKey, rotateProjectKey, validProjectName } from './projects.js';
export { adminTokenFor, secretFor } from './secrets.js';
