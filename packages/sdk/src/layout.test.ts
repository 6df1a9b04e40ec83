/** The SDK's own rules: zero dependencies, doors per entry, small documented files, no Node APIs outside node/. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('.', import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
const sources = files(SRC).filter((f) => !f.endsWith('.test.ts') && !f.includes('test-support'));

it('has no runtime dependencies and exports the four entries', () => {
  const pkg = JSON.parse(readFileSync(join(SRC, '../package.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(pkg.dependencies, undefined);
  assert.equal(pkg.sideEffects, false);
  assert.deepEqual(Object.keys(pkg.exports as object), ['.', './node', './browser', './experimental']);
});

it('files open with @module and stay under 300 lines; doors re-export named symbols only', () => {
  const problems: string[] = [];
  for (const f of files(SRC)) {
    const text = readFileSync(f, 'utf8');
    const rel = relative(SRC, f);
    if (!f.endsWith('.test.ts') && !/^\/\*\*[\s\S]*?@module/.test(text)) problems.push(`${rel}: no @module line`);
    if (text.split('\n').length > 300) problems.push(`${rel}: over 300 lines`);
    if (!f.endsWith('.test.ts') && /^export \*/m.test(text)) problems.push(`${rel}: export *`);
  }
  assert.deepEqual(problems, []);
});

it('core, browser and experimental never import Node built-ins or the node entry', () => {
  const bad = sources
    .filter((f) => !relative(SRC, f).startsWith('node/'))
    .filter((f) => /from '(node:|\.\.\/node\/)/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(SRC, f));
  assert.deepEqual(bad, []);
});

it('public calls of the doors carry JSDoc with an @example', () => {
  const missing: string[] = [];
  for (const f of sources) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/((?:\/\*\*[\s\S]*?\*\/\s*)?)export (?:async )?function (\w+)/g)) {
      const [, doc = '', name = ''] = m;
      const isPublicCall =
        /^(init|track|gauge|capture|add|set|flush|close|checkIn|monitor|run|wrap|express|instrument|health|getClient|parseDsn|create|normalize)/.test(
          name,
        );
      if (
        isPublicCall &&
        /(hub|check-in|health|init|http-server|express|fastify|health-handler|route|fetch-instrument|dsn|transport)\.ts$/.test(f) &&
        !doc.includes('@example')
      ) {
        if (!['createRouteCap', 'createLog'].includes(name)) missing.push(`${relative(SRC, f)}: ${name}`);
      }
    }
  }
  assert.deepEqual(missing, []);
});
