/** @module Documents in SQLite: one table, JSON bodies, ids counted per kind. */
import type Database from 'better-sqlite3';
import type { Doc, Storage } from '../types.js';

type DocMethods = Pick<Storage, 'insertDoc' | 'updateDoc' | 'getDoc' | 'listDocs' | 'deleteDoc'>;

interface Row {
  kind: string;
  id: number;
  project_id: number;
  body: string;
  updated_at: number;
}

function toDoc<T>(r: Row | undefined): Doc<T> | undefined {
  return r && { kind: r.kind, id: r.id, projectId: r.project_id, body: JSON.parse(r.body) as T, updatedAt: r.updated_at };
}

/** The document methods over the database `db()` gives once the store is open. */
export function sqliteDocs(db: () => Database.Database): DocMethods {
  let insert: ((kind: string, projectId: number, body: string, now: number) => number) | undefined;
  const inserter = () => {
    if (insert) return insert;
    const d = db();
    const next = d.prepare('SELECT COALESCE(MAX(id), 0) + 1 FROM docs WHERE kind = ?').pluck();
    const put = d.prepare('INSERT INTO docs (kind, id, project_id, body, updated_at) VALUES (?, ?, ?, ?, ?)');
    insert = d.transaction((kind: string, projectId: number, body: string, now: number) => {
      const id = next.get(kind) as number;
      put.run(kind, id, projectId, body, now);
      return id;
    });
    return insert;
  };
  return {
    async insertDoc(kind, projectId, body, now) {
      const id = inserter()(kind, projectId, JSON.stringify(body), now);
      return { kind, id, projectId, body, updatedAt: now };
    },
    async updateDoc(kind, id, body, now) {
      const r = db()
        .prepare('UPDATE docs SET body = ?, updated_at = ? WHERE kind = ? AND id = ? RETURNING *')
        .get(JSON.stringify(body), now, kind, id);
      return toDoc(r as Row | undefined);
    },
    async getDoc(kind, id) {
      return toDoc(db().prepare('SELECT * FROM docs WHERE kind = ? AND id = ?').get(kind, id) as Row | undefined);
    },
    async listDocs<T>(kind: string, projectId?: number) {
      const rows = (
        projectId === undefined
          ? db().prepare('SELECT * FROM docs WHERE kind = ? ORDER BY id').all(kind)
          : db().prepare('SELECT * FROM docs WHERE kind = ? AND project_id = ? ORDER BY id').all(kind, projectId)
      ) as Row[];
      return rows.map((r) => toDoc<T>(r) as Doc<T>);
    },
    async deleteDoc(kind, id) {
      return db().prepare('DELETE FROM docs WHERE kind = ? AND id = ?').run(kind, id).changes > 0;
    },
  };
}
