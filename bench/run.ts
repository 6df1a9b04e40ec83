/**
 * @module `npm run bench [-- name ...]`: runs bench/<name>.bench.ts (all when none is named).
 * Each benchmark prints its figures and writes JSON to bench/results/<name>.json.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
// `--store clickhouse` picks the ClickHouse variant of a benchmark (`ingest` -> `ingest-clickhouse`).
const storeAt = process.argv.indexOf('--store');
const store = storeAt > 0 ? process.argv[storeAt + 1] : undefined;
const asked = process.argv
  .slice(2)
  .filter((a, i, argv) => !a.startsWith('-') && argv[i - 1] !== '--store')
  .map((a) => (store && store !== 'sqlite' && all.includes(`${a}-${store}`) ? `${a}-${store}` : a));
const unknown = asked.filter((a) => !all.includes(a));
if (unknown.length > 0) {
  console.error(`Unknown benchmark ${unknown.join(', ')}; known: ${all.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of asked.length ? asked : all) {
  console.log(`\n=== bench ${name} ===`);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(here, `${name}.bench.ts`), ...process.argv.slice(2).filter((a) => a.startsWith('-'))],
    {
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
