/** @module `npm run docs`: rewrites the generated tables in docs/. */
import { readFileSync, writeFileSync } from 'node:fs';
import { configTable, errorsTable, withTable } from './docs-tables.js';

for (const [file, table] of [
  ['docs/errors.md', errorsTable()],
  ['docs/config.md', configTable()],
] as const) {
  writeFileSync(file, withTable(readFileSync(file, 'utf8'), table));
  console.log(`wrote ${file}`);
}
