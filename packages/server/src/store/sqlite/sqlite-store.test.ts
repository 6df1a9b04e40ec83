import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { runStorageContract } from '../contract.test-suite.js';
import { createSqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'heed-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runStorageContract('sqlite', async () => {
  const s = createSqliteStore({ dataDir: join(dir, String(++n)), sync: 'normal' });
  await s.init();
  return s;
});

it('sqlite: data survives closing and reopening the database', async () => {
  const d = join(dir, 'reopen');
  const a = createSqliteStore({ dataDir: d, sync: 'full' });
  await a.init();
  const p = await a.createProject('shop', 'k1', 1);
  await a.setMeta('admin_token', 't');
  await a.close();
  const b = createSqliteStore({ dataDir: d, sync: 'full' });
  await b.init();
  assert.equal((await b.getProject(p.id))?.name, 'shop');
  assert.equal(await b.getMeta('admin_token'), 't');
  await b.close();
});
