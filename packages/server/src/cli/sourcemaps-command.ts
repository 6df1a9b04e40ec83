/** @module `heed sourcemaps upload|list`: send a build's source maps (and minified files) for a release. */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CLIENT_OPTIONS, type Client, connect } from './api-client.js';
import { CONFIG_OPTIONS, type CommandSpec, out, parse, UsageError } from './args.js';

const COMMON = {
  release: { type: 'string', desc: 'Release the files belong to (as the SDK reports it, e.g. shop@1.4.0).' },
  project: { type: 'string', desc: 'Project id.', default: '1' },
  ...CLIENT_OPTIONS,
  ...CONFIG_OPTIONS,
  json: { type: 'boolean', desc: 'Print JSON for scripts.' },
} as const;

interface FileView {
  id: number;
  name: string;
  type: string;
  size: number;
  uploadedAt: string;
  replaced?: boolean;
}

const base = (c: Client, project: unknown, release: string) =>
  `${c.url}/api/v1/projects/${project}/releases/${encodeURIComponent(release)}/sourcemaps`;

function mapsUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const p = join(d, name);
      if (lstatSync(p).isDirectory())
        walk(p); // links to folders are not followed: no loops
      else if (name.endsWith('.map')) found.push(p);
    }
  };
  walk(dir);
  return found;
}

async function send(c: Client, url: string, body: Buffer): Promise<FileView> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/octet-stream', 'content-encoding': 'gzip' },
      body: gzipSync(body),
    });
  } catch (err) {
    throw new Error(`Cannot reach Heed at ${c.url} (${(err as Error).message}). Is it running? Start it with heed start, or pass --url.`);
  }
  const json = (await res.json().catch(() => ({}))) as FileView & { error?: { code: string; message: string } };
  if (!res.ok) throw new Error(`${res.status} ${json.error?.code ?? ''}: ${json.error?.message ?? 'upload failed'}`);
  return json;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** `heed sourcemaps upload --release R DIR`. */
export async function sourcemapsUpload(argv: string[]): Promise<number> {
  const spec: CommandSpec = {
    usage: 'heed sourcemaps upload --release R DIR [--url-prefix ~/static/] [--dist D] [--project ID] [--json]',
    summary:
      "Upload every *.map under DIR for a release, each with its minified file when it is beside it (app.min.js for app.min.js.map). Names are --url-prefix + the path under DIR: the file's URL, where ~/ stands for any origin. Debug ids (sentry-cli sourcemaps inject, bundler plugins) are read from the files themselves: such files then match events by debug id whatever their release.",
    options: {
      ...COMMON,
      'url-prefix': { type: 'string', desc: 'URL (or ~/path) DIR is served at.', default: '~/' },
      dist: { type: 'string', desc: "Distribution (the SDK's dist option): the files then match only events of that dist." },
    },
    examples: ['heed sourcemaps upload --release shop@1.4.0 dist/static --url-prefix ~/static/'],
  };
  const p = parse(spec, argv);
  if (!p) return 0;
  const release = p.values.release as string | undefined;
  const dir = p.positionals[0];
  if (!release) throw new UsageError('Give --release, the release your SDK reports, e.g. --release shop@1.4.0.');
  if (!dir || !existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`Give the build folder DIR holding the .map files${dir ? `: '${dir}' is not a folder` : ''}.`);
  const prefix = String(p.values['url-prefix']).replace(/\/?$/, '/');
  const maps = mapsUnder(dir);
  if (maps.length === 0)
    throw new UsageError(`No .map files under '${dir}'; build with source maps on (esbuild --sourcemap, webpack devtool: 'source-map').`);
  const files = maps.flatMap((m) => (existsSync(m.slice(0, -4)) ? [m, m.slice(0, -4)] : [m]));
  const c = await connect(p.values);
  const dist = p.values.dist as string | undefined;
  const url = base(c, p.values.project, release);
  const done: FileView[] = [];
  for (const [i, f] of files.entries()) {
    const name = prefix + relative(dir, f).split(sep).join('/');
    const v = await send(c, `${url}?name=${encodeURIComponent(name)}${dist ? `&dist=${encodeURIComponent(dist)}` : ''}`, readFileSync(f));
    done.push(v);
    if (!p.values.json) out(`[${i + 1}/${files.length}] ${v.replaced ? 'replaced' : 'uploaded'} ${v.name} (${v.type}, ${kb(v.size)})`);
  }
  if (p.values.json) out(JSON.stringify(done));
  else out(`${done.length} file(s) for ${release}. Events of this release are now shown with original frames.`);
  return 0;
}

/** `heed sourcemaps list --release R`. */
export async function sourcemapsList(argv: string[]): Promise<number> {
  const spec: CommandSpec = {
    usage: 'heed sourcemaps list --release R [--project ID] [--json]',
    summary: 'List the source maps and minified files uploaded for a release.',
    options: COMMON,
  };
  const p = parse(spec, argv);
  if (!p) return 0;
  const release = p.values.release as string | undefined;
  if (!release) throw new UsageError('Give --release, e.g. --release shop@1.4.0.');
  const c = await connect(p.values);
  const { files } = await c.call<{ files: FileView[] }>(
    'GET',
    `/api/v1/projects/${p.values.project}/releases/${encodeURIComponent(release)}/sourcemaps`,
  );
  if (p.values.json) out(JSON.stringify(files));
  else if (files.length === 0) out(`No files for ${release}; upload them with heed sourcemaps upload --release ${release} DIR.`);
  else for (const f of files) out(`#${String(f.id).padEnd(5)} ${f.type.padEnd(10)} ${kb(f.size).padStart(10)}  ${f.name}  ${f.uploadedAt}`);
  return 0;
}
