// Runs before `npm start` and `npm test`: on a fresh clone, installs the locked dependencies first,
// so the README's two commands are all a new machine needs. Does nothing once installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const ready = ['node_modules/tsx', 'node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'node_modules/typescript'].every((p) =>
  existsSync(root + p),
);
if (!ready) {
  console.error('heed: first run, installing dependencies (npm ci)...');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
