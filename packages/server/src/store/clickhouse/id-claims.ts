/**
 * @module Ids that several nodes hand out from one ClickHouse database (issues, documents,
 * projects) without a lock service. A node claims the next free ids by inserting claim rows, then
 * reads the claims of those ids back: an id is its own when its claim is the only one. Two nodes
 * cannot both win an id: whichever read comes second sees the other's claim (an acknowledged insert
 * is visible to every later read on one server). When both lose, both claim further on after a
 * random pause. Ids stay small sequential numbers (with gaps where claims collided). Names that
 * must be unique (project keys) are claimed the same way in `name_claims`, for good.
 */
import { randomUUID } from 'node:crypto';
import { type Db, num, str } from './sql.js';

/** Gives up after this many rounds (each round wins at least one id unless another node races it). */
const MAX_ROUNDS = 50;

/**
 * Claims `n` ids of `kind`, above every claimed id and above `floor()` (the largest id already
 * stored, which covers rows written before claims existed). Returns them in increasing order.
 */
export async function claimIds(db: Db, kind: string, n: number, floor: () => Promise<number>): Promise<number[]> {
  const got: number[] = [];
  for (let round = 0; got.length < n; round++) {
    if (round === MAX_ROUNDS) throw new Error(`could not claim ${n} ${kind} ids in ${MAX_ROUNDS} rounds`);
    const [m] = await db.rows<{ m: number | string }>(`SELECT max(id) AS m FROM id_claims WHERE kind = ${str(kind)}`);
    const start = Math.max(Number(m?.m ?? 0), await floor()) + 1;
    const want = n - got.length;
    const nonce = randomUUID();
    const at = Date.now();
    const ids = Array.from({ length: want }, (_, i) => start + i);
    await db.insert(
      'id_claims',
      ids.map((id) => ({ kind, id, nonce, at })),
    );
    const rows = await db.rows<{ id: number | string; c: number | string }>(
      `SELECT id, uniqExact(nonce) AS c FROM id_claims
       WHERE kind = ${str(kind)} AND id >= ${num(start)} AND id <= ${num(start + want - 1)} GROUP BY id`,
    );
    const alone = new Set(rows.filter((r) => Number(r.c) === 1).map((r) => Number(r.id)));
    for (const id of ids) if (alone.has(id)) got.push(id);
    if (got.length < n) await new Promise((r) => setTimeout(r, 5 + Math.random() * 45));
  }
  return got.sort((a, b) => a - b);
}

/**
 * Claims `name` of `kind` for good: true when this claim is the only one (no node claimed it before,
 * none at once). Of two nodes claiming one name at once, at most one wins (both may lose: the name
 * is then taken by neither, and never given out).
 */
export async function claimName(db: Db, kind: string, name: string): Promise<boolean> {
  const nonce = randomUUID();
  await db.insert('name_claims', [{ kind, name, nonce, at: Date.now() }]);
  const [r] = await db.rows<{ c: number | string; mine: number | string }>(
    `SELECT uniqExact(nonce) AS c, countIf(nonce = ${str(nonce)}) AS mine FROM name_claims WHERE kind = ${str(kind)} AND name = ${str(name)}`,
  );
  return Number(r?.c) === 1 && Number(r?.mine) === 1;
}
