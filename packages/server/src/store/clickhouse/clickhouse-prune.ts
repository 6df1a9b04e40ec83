/**
 * @module Retention on ClickHouse without TTL (which 18.16 lacks): whole day partitions older than
 * the cut-off are dropped (cheap, no rewrite), and the rows before the cut-off in the partition
 * that straddles it are deleted by a mutation, only when there are any.
 */
import { type Db, num, str } from './sql.js';

/** One table's retention: its time column as epoch seconds, and how its partitions are named. */
export interface RetentionTarget {
  table: string;
  /** The time column, and whether it holds epoch ms or epoch seconds. */
  column: string;
  unit: 'ms' | 's';
  /** SQL of the partition id of a given epoch-seconds literal, comparable as a number. */
  partitionOf: (secondsSql: string) => string;
  /** How to count the rows that would go (aggregated tables count distinct keys). */
  countSql?: (where: string) => string;
}

/** Deletes the rows of `t` older than `cutoff` (in the column's unit); returns how many went. */
export async function pruneTable(db: Db, t: RetentionTarget, cutoff: number): Promise<number> {
  const where = `${t.column} < ${num(cutoff)}`;
  const cutoffSeconds = t.unit === 'ms' ? cutoff / 1000 : cutoff;
  const count = t.countSql?.(where) ?? `SELECT count() AS n FROM ${t.table} WHERE ${where}`;
  const [c] = await db.rows<{ n: string }>(count);
  const n = Number(c?.n ?? 0);
  if (n === 0) return 0;
  const [p] = await db.rows<{ p: string }>(`SELECT toString(${t.partitionOf(num(Math.floor(cutoffSeconds)))}) AS p`);
  const cutPartition = Number(p?.p);
  const parts = await db.rows<{ partition_id: string }>(
    `SELECT DISTINCT partition_id FROM system.parts
     WHERE database = ${str(db.database)} AND table = ${str(t.table)} AND active`,
  );
  for (const { partition_id } of parts) {
    if (Number(partition_id) < cutPartition) await db.exec(`ALTER TABLE ${t.table} DROP PARTITION ID ${str(partition_id)}`);
  }
  const [left] = await db.rows<{ n: string }>(`SELECT count() AS n FROM ${t.table} WHERE ${where}`);
  if (Number(left?.n ?? 0) > 0) {
    await db.exec(`ALTER TABLE ${t.table} DELETE WHERE ${where}`);
    await db.waitMutations(t.table);
  }
  return n;
}

/** A day-partitioned table of epoch-ms rows. */
export const byDayMs = (table: string, column: string): RetentionTarget => ({
  table,
  column,
  unit: 'ms',
  partitionOf: (s) => `toYYYYMMDD(toDateTime(${s}), 'UTC')`,
});

/** An aggregated bucket table of epoch-seconds rows, partitioned by day or month. */
export const bucketTable = (res: number): RetentionTarget => ({
  table: `buckets_${res}`,
  column: 'ts',
  unit: 's',
  partitionOf: (s) => (res === 1 ? `toYYYYMMDD(toDateTime(${s}), 'UTC')` : `toYYYYMM(toDateTime(${s}), 'UTC')`),
  countSql: (where) => `SELECT count() AS n FROM (SELECT series_id, ts FROM buckets_${res} WHERE ${where} GROUP BY series_id, ts)`,
});
