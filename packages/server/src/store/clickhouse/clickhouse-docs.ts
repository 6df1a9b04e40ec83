/**
 * @module Documents on ClickHouse: a ReplacingMergeTree keyed by (kind, id) where every change is a
 * new version row (a delete is a version with `deleted = 1`); reads take the latest version with
 * argMax, which is exact before and after merges. A document never changes project, so
 * project_id is a grouping key and can be filtered before aggregation.
 */
import type { Doc, Storage } from '../types.js';
import { claimIds } from './id-claims.js';
import { type createMutex, type Db, num, str } from './sql.js';

type DocMethods = Pick<Storage, 'insertDoc' | 'updateDoc' | 'getDoc' | 'listDocs' | 'deleteDoc'>;

interface DocRecord {
  id: number;
  project_id: number;
  body: string;
  updated_at: string;
}

const latest = (kind: string, where = '') =>
  `SELECT id, project_id, argMax(body, ver) AS body, argMax(updated_at, ver) AS updated_at,
     argMax(deleted, ver) AS del
   FROM docs WHERE kind = ${str(kind)}${where} GROUP BY id, project_id HAVING del = 0 ORDER BY id`;

const toDoc = <T>(kind: string, r: DocRecord): Doc<T> => ({
  kind,
  id: Number(r.id),
  projectId: Number(r.project_id),
  body: JSON.parse(r.body) as T,
  updatedAt: Number(r.updated_at),
});

/** The document methods of the ClickHouse store; writes run under the store's mutex. */
export function clickhouseDocs(db: () => Db, version: () => number, serial: ReturnType<typeof createMutex>): DocMethods {
  const get = async <T>(kind: string, id: number) => {
    const [r] = await db().rows<DocRecord>(latest(kind, ` AND id = ${num(id)}`));
    return r ? toDoc<T>(kind, r) : undefined;
  };
  const write = (kind: string, id: number, projectId: number, body: string, now: number, deleted: boolean) =>
    db().insert('docs', [{ kind, id, project_id: projectId, body, updated_at: now, deleted: deleted ? 1 : 0, ver: version() }]);

  return {
    insertDoc: (kind, projectId, body, now) =>
      serial(async () => {
        // Unique across nodes sharing the database (see id-claims.ts); an id is never reused.
        const [id] = await claimIds(db(), `doc:${kind}`, 1, async () => {
          const [m] = await db().rows<{ m: number }>(`SELECT max(id) AS m FROM docs WHERE kind = ${str(kind)}`);
          return Number(m?.m ?? 0);
        });
        await write(kind, id as number, projectId, JSON.stringify(body), now, false);
        return { kind, id: id as number, projectId, body: structuredClone(body), updatedAt: now };
      }),
    updateDoc: (kind, id, body, now) =>
      serial(async () => {
        const cur = await get(kind, id);
        if (!cur) return undefined;
        await write(kind, id, cur.projectId, JSON.stringify(body), now, false);
        return { kind, id, projectId: cur.projectId, body: structuredClone(body), updatedAt: now };
      }),
    getDoc: get,
    async listDocs<T>(kind: string, projectId?: number) {
      const where = projectId === undefined ? '' : ` AND project_id = ${num(projectId)}`;
      return (await db().rows<DocRecord>(latest(kind, where))).map((r) => toDoc<T>(kind, r));
    },
    deleteDoc: (kind, id) =>
      serial(async () => {
        const cur = await get(kind, id);
        if (!cur) return false;
        await write(kind, id, cur.projectId, '{}', cur.updatedAt, true);
        return true;
      }),
  };
}
