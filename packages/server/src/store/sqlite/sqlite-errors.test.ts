import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { record, runErrorStoreContract } from '../error-contract.test-suite.js';
import { createSqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'heed-sqlite-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runErrorStoreContract('sqlite', async () => {
  const s = createSqliteStore({ dataDir: join(dir, String(++n)), sync: 'normal' });
  await s.init();
  return s;
});

it('sqlite: issues and their counts survive closing and reopening', async () => {
  const d = join(dir, 'reopen');
  const a = createSqliteStore({ dataDir: d, sync: 'full' });
  await a.init();
  const [r] = await a.errors.commit([record(), record()]);
  await a.close();
  const b = createSqliteStore({ dataDir: d, sync: 'full' });
  await b.init();
  assert.equal((await b.errors.getIssue(1, r?.issueId as number))?.events, 2);
  await b.close();
});
