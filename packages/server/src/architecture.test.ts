/**
 * The rooms and their doors: imports across rooms go through a room's index.ts, only downstream
 * of the data flow, and files stay small. Parsed from the sources, so a violation fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = dirname(fileURLToPath(import.meta.url));
/** Each room may import the rooms listed for it (and kernel, which is a leaf). */
const ALLOWED: Record<string, string[]> = {
  kernel: [],
  config: [],
  ingest: ['kernel'],
  normalize: ['kernel', 'ingest'],
  store: ['kernel'],
  detect: ['kernel', 'store'],
  issues: ['kernel', 'ingest', 'normalize', 'store'],
  sourcemaps: ['kernel', 'ingest', 'normalize', 'store'],
  checks: ['kernel', 'store'],
  alert: ['kernel', 'store', 'detect', 'issues', 'checks'],
  notify: ['kernel', 'store', 'alert'],
  releases: ['kernel', 'store', 'detect', 'notify'],
  monitors: ['kernel', 'store', 'detect', 'alert', 'notify'],
  api: ['kernel', 'store'],
  cluster: ['kernel', 'store', 'detect', 'alert'],
  http: [
    'kernel',
    'config',
    'ingest',
    'normalize',
    'store',
    'detect',
    'issues',
    'alert',
    'notify',
    'api',
    'checks',
    'releases',
    'monitors',
    'sourcemaps',
  ],
  statsd: ['kernel', 'config', 'store'],
  cli: ['kernel', 'config', 'store', 'detect', 'alert', 'http', 'main', 'monitors'],
  'test-support': ['kernel', 'config', 'store', 'main'],
  main: [
    'kernel',
    'config',
    'store',
    'detect',
    'issues',
    'alert',
    'notify',
    'api',
    'http',
    'checks',
    'releases',
    'cluster',
    'monitors',
    'statsd',
  ],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const roomOf = (file: string) => {
  const rel = relative(SRC, file).split('/');
  return rel.length === 1 ? (rel[0] === 'main.ts' ? 'main' : 'root') : (rel[0] as string);
};

it('rooms import each other only through their doors and along the data flow', () => {
  const problems: string[] = [];
  for (const file of files(SRC)) {
    const from = roomOf(file);
    if (from === 'root') continue; // top-level tests may reach anything
    const isTest = file.endsWith('.test.ts') || file.endsWith('.test-suite.ts');
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)) {
      const target = resolve(dirname(file), m[1] as string).replace(/\.js$/, '.ts');
      const to = roomOf(target);
      if (to === from) continue;
      const rel = relative(SRC, file);
      if (!isTest && !(ALLOWED[from] ?? []).includes(to)) problems.push(`${rel}: room '${from}' may not import '${to}'`);
      if (to !== 'main' && !target.endsWith(`${to}/index.ts`)) problems.push(`${rel}: deep import ${m[1]} (use ${to}/index.ts)`);
    }
  }
  assert.deepEqual(problems, []);
});

it('every room has a door, and doors re-export named symbols only', () => {
  for (const room of Object.keys(ALLOWED).filter((r) => r !== 'main')) {
    const door = readFileSync(join(SRC, room, 'index.ts'), 'utf8');
    assert.doesNotMatch(door, /export \*/, `${room}/index.ts uses export *`);
    assert.match(door, /@module/, `${room}/index.ts has no @module summary`);
  }
});

it('files stay small and open with a @module line', () => {
  const big: string[] = [];
  const undocumented: string[] = [];
  for (const file of files(SRC)) {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n').length;
    if (lines > 350) big.push(`${relative(SRC, file)} (${lines} lines)`);
    if (!file.endsWith('.test.ts') && !/^\/\*\*[\s\S]*?@module/.test(text)) undocumented.push(relative(SRC, file));
  }
  assert.deepEqual(big, [], 'split these files by concept');
  assert.deepEqual(undocumented, []);
});
