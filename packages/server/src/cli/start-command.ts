/** @module `heed start`: one process, embedded store, prints where to go and how to send. */
import { resolve } from 'node:path';
import { projectView } from '../http/index.js';
import { createLogger } from '../kernel/index.js';
import { startHeed } from '../main.js';
import { CONFIG_OPTIONS, type CommandSpec, configFrom, out, parse } from './args.js';
import { startDemo } from './demo.js';

const SPEC: CommandSpec = {
  usage: 'heed start [--host 127.0.0.1] [--port 7600] [--data ./heed-data] [--ephemeral] [--demo] [--json]',
  summary: 'Start Heed: HTTP ingest and API on one port, data in embedded SQLite (WAL) in the data folder.',
  options: {
    host: { type: 'string', desc: 'Address to listen on (server.host).', default: '127.0.0.1' },
    port: { type: 'string', short: 'p', desc: 'Port (server.port); 0 picks a free one.', default: '7600' },
    ...CONFIG_OPTIONS,
    ephemeral: { type: 'boolean', desc: 'Keep data in memory only (store.kind=memory); lost on exit.' },
    demo: { type: 'boolean', desc: 'Also run a demo shop that sends signups, logins, checkouts and payments.' },
    json: { type: 'boolean', desc: 'Print the start-up facts as one JSON line (for scripts).' },
  },
  examples: ['heed start', 'HEED_ADMIN_TOKEN=secret heed start --port 8080 --data /var/lib/heed', 'heed start --ephemeral --demo'],
};

/** Runs `heed start`; resolves once listening (the server keeps the process alive). */
export async function startCommand(argv: string[]): Promise<number> {
  const p = parse(SPEC, argv);
  if (!p) return 0;
  const { config } = configFrom(p.values);
  const log = createLogger(config.log.level);
  const heed = await startHeed(config, { log });
  const projects = await heed.services.store.listProjects();
  const first = projects[0] ? projectView(projects[0], heed.url) : undefined;
  const facts = {
    url: heed.url,
    dashboard: `${heed.url}/`,
    adminToken: heed.adminToken,
    store: config.store.kind,
    dataDir: config.store.kind === 'sqlite' ? resolve(config.store.dataDir) : null,
    project: first ?? null,
    createdDefaultProject: heed.created !== undefined,
  };
  if (p.values.json) out(JSON.stringify(facts));
  else {
    out('');
    out(`  Heed is running at ${heed.url}`);
    out('');
    out(`  Dashboard     ${facts.dashboard}`);
    out(`  Admin token   ${heed.adminToken}${config.auth.adminToken ? ' (from config)' : ''}`);
    if (first) {
      out(`  Project       ${first.name} (id ${first.id})${heed.created ? ', created now' : ''}`);
      out(`  DSN           ${first.dsn}`);
    }
    out(`  Data          ${facts.dataDir ? `${facts.dataDir} (SQLite, WAL)` : 'in memory (lost on exit)'}`);
    if (first) {
      out('');
      out('  Send a first event:');
      out(`    curl -X POST '${heed.url}/api/${first.id}/events' -H 'Authorization: Bearer ${first.key}' \\`);
      out(`      -H 'Content-Type: application/json' -d '[{"name":"signup","tags":{"plan":"free"}}]'`);
    }
    out('');
  }
  let stopDemo: (() => void) | undefined;
  if (p.values.demo && first)
    stopDemo = startDemo({ url: heed.url, project: first, adminToken: heed.adminToken, log, quiet: p.values.json === true });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    stopDemo?.();
    heed.close().then(
      () => {
        log.info('stopped; every acknowledged event is stored');
        process.exit(0);
      },
      (err: unknown) => {
        log.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return 0;
}
