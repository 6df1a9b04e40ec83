/** @module Documents in memory: a map per kind, bodies copied in and out like a real store. */
import type { Doc, Storage } from '../types.js';

type DocMethods = Pick<Storage, 'insertDoc' | 'updateDoc' | 'getDoc' | 'listDocs' | 'deleteDoc'>;

const clone = <T>(d: Doc<T>): Doc<T> => ({ ...d, body: structuredClone(d.body) });

/** The document methods of the memory store. */
export function memoryDocs(): DocMethods {
  const kinds = new Map<string, Map<number, Doc<unknown>>>();
  const of = (kind: string) => {
    let m = kinds.get(kind);
    if (!m) kinds.set(kind, (m = new Map()));
    return m;
  };
  return {
    async insertDoc(kind, projectId, body, now) {
      const m = of(kind);
      const id = Math.max(0, ...m.keys()) + 1;
      const doc = { kind, id, projectId, body: structuredClone(body), updatedAt: now };
      m.set(id, doc);
      return clone(doc);
    },
    async updateDoc(kind, id, body, now) {
      const d = of(kind).get(id);
      if (!d) return undefined;
      d.body = structuredClone(body);
      d.updatedAt = now;
      return clone(d) as Doc<typeof body>;
    },
    async getDoc<T>(kind: string, id: number) {
      const d = of(kind).get(id);
      return d ? (clone(d) as Doc<T>) : undefined;
    },
    async listDocs<T>(kind: string, projectId?: number) {
      return [...of(kind).values()].filter((d) => projectId === undefined || d.projectId === projectId).map((d) => clone(d) as Doc<T>);
    },
    async deleteDoc(kind, id) {
      return of(kind).delete(id);
    },
  };
}
