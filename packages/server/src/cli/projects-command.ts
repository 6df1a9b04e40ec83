/** @module `heed projects create|list|rotate-key`: project admin directly on the data folder. */
import { createProject, dsnFor, openStore, type Project, rotateProjectKey, type Storage, validProjectName } from '../store/index.js';
import { CONFIG_OPTIONS, configFrom, out, parse, UsageError } from './args.js';

const COMMON = {
  ...CONFIG_OPTIONS,
  json: { type: 'boolean', desc: 'Print JSON for scripts.' },
} as const;

async function withStore<T>(
  values: Record<string, string | boolean | undefined>,
  fn: (store: Storage, publicUrl: string) => Promise<T>,
): Promise<T> {
  const { config } = configFrom(values);
  if (config.store.kind !== 'sqlite') throw new UsageError('Projects live in the SQLite store; store.kind is memory.');
  const store = await openStore(config.store);
  const publicUrl =
    config.server.publicUrl || `http://${config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host}:${config.server.port}`;
  try {
    return await fn(store, publicUrl);
  } finally {
    await store.close();
  }
}

function view(p: Project, publicUrl: string) {
  return { id: p.id, name: p.name, key: p.key, dsn: dsnFor(p, publicUrl), createdAt: new Date(p.createdAt).toISOString() };
}

/** `heed projects create NAME`. */
export async function projectsCreate(argv: string[]): Promise<number> {
  const p = parse(
    {
      usage: 'heed projects create NAME [--data DIR] [--json]',
      summary: 'Create a project and print its id, key and DSN.',
      options: COMMON,
    },
    argv,
  );
  if (!p) return 0;
  const name = p.positionals.join(' ');
  if (!validProjectName(name)) throw new UsageError('Give a NAME of 1-64 letters, digits, spaces, _ . - (e.g. heed projects create shop).');
  return withStore(p.values, async (store, url) => {
    const v = view(await createProject(store, name, Date.now()), url);
    if (p.values.json) out(JSON.stringify(v));
    else out(`Created project ${v.name} (id ${v.id})\n  DSN ${v.dsn}`);
    return 0;
  });
}

/** `heed projects list`. */
export async function projectsList(argv: string[]): Promise<number> {
  const p = parse({ usage: 'heed projects list [--data DIR] [--json]', summary: 'List projects with their DSNs.', options: COMMON }, argv);
  if (!p) return 0;
  return withStore(p.values, async (store, url) => {
    const all = (await store.listProjects()).map((x) => view(x, url));
    if (p.values.json) out(JSON.stringify(all));
    else if (all.length === 0) out('No projects yet: heed start creates a default one, or run heed projects create NAME.');
    else for (const v of all) out(`${String(v.id).padStart(4)}  ${v.name.padEnd(24)} ${v.dsn}`);
    return 0;
  });
}

/** `heed projects rotate-key ID`. */
export async function projectsRotateKey(argv: string[]): Promise<number> {
  const p = parse(
    {
      usage: 'heed projects rotate-key ID [--data DIR] [--json]',
      summary: 'Give a project a new ingest key; the old key stops working within 2 s.',
      options: COMMON,
    },
    argv,
  );
  if (!p) return 0;
  const id = Number(p.positionals[0]);
  if (!Number.isInteger(id) || id < 1) throw new UsageError('Give the numeric project ID (see heed projects list).');
  return withStore(p.values, async (store, url) => {
    const rotated = await rotateProjectKey(store, id);
    if (!rotated) throw new UsageError(`No project has id ${id}; see heed projects list.`);
    const v = view(rotated, url);
    if (p.values.json) out(JSON.stringify(v));
    else out(`New key for project ${v.name} (id ${v.id})\n  DSN ${v.dsn}`);
    return 0;
  });
}
