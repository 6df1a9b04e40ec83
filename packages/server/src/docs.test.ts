/** The documents in docs/ say what the code does: generated tables match, every route is listed. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { configTable, errorsTable, withTable } from '../../../scripts/docs-tables.js';
import { createTestHeed } from './test-support/index.js';

const doc = (name: string) => readFileSync(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');

it('docs/errors.md lists exactly the error codes (run npm run docs)', () => {
  const text = doc('errors.md');
  assert.equal(text, withTable(text, errorsTable()));
});

it('docs/config.md lists exactly the config keys (run npm run docs)', () => {
  const text = doc('config.md');
  assert.equal(text, withTable(text, configTable()));
});

it('docs/http-api.md has a heading for exactly the routes the server serves', async () => {
  const h = await createTestHeed();
  const served = h.built.app.routes.map(([m, p]) => `${m} ${p}`).sort();
  const documented = [...doc('http-api.md').matchAll(/^### (GET|POST|PUT|DELETE|PATCH) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
  assert.deepEqual(documented, served);
  await h.close();
});
