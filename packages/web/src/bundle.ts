/**
 * @module Bundles the dashboard (TypeScript + uPlot + CSS) into one HTML page, one script and one
 * stylesheet, in memory. No CDN: everything the page loads comes from the Heed server.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The built dashboard: the page and its assets by file name. */
export interface Dashboard {
  html: string;
  assets: Map<string, { body: string; type: string }>;
  /** Milliseconds the build took. */
  buildMs: number;
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 10);

/** Builds the dashboard. Needs esbuild (a dev dependency of the workspace). */
export async function buildDashboard(): Promise<Dashboard> {
  const started = performance.now();
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [here('./app/main.ts')],
    bundle: true,
    write: false,
    minify: true,
    format: 'iife',
    target: 'es2020',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const js = out.outputFiles[0]?.text ?? '';
  const require = createRequire(import.meta.url);
  const uplotCss = await readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const css = `${uplotCss}\n${await readFile(here('./app/style.css'), 'utf8')}`;
  const jsName = `app-${hash(js)}.js`;
  const cssName = `app-${hash(css)}.css`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Heed</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/${cssName}"></head><body><div id="app"></div><script src="/assets/${jsName}"></script></body></html>`;
  const assets = new Map([
    [jsName, { body: js, type: 'text/javascript; charset=utf-8' }],
    [cssName, { body: css, type: 'text/css; charset=utf-8' }],
  ]);
  return { html, assets, buildMs: Math.round(performance.now() - started) };
}
