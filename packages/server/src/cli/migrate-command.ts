/** @module `heed migrate`: brings the configured store's schema up to date (versioned, idempotent). */
import { migrateClickHouse, openStore } from '../store/index.js';
import { CONFIG_OPTIONS, type CommandSpec, configFrom, out, parse } from './args.js';

const SPEC: CommandSpec = {
  usage: 'heed migrate [--config FILE] [--data DIR]',
  summary:
    'Apply the schema migrations not yet applied to the configured store, then exit. Safe to run again and from several nodes; SQLite also migrates at start.',
  options: { ...CONFIG_OPTIONS },
};

/** Runs `heed migrate`. */
export async function migrateCommand(argv: string[]): Promise<number> {
  const p = parse(SPEC, argv);
  if (!p) return 0;
  const { config } = configFrom(p.values);
  if (config.store.kind === 'clickhouse') {
    const r = await migrateClickHouse(config.store);
    out(`ClickHouse database '${config.store.clickhouseDatabase}': schema version ${r.from} -> ${r.to}.`);
    return 0;
  }
  const store = await openStore(config.store);
  await store.close();
  out(`${config.store.kind} store in '${config.store.dataDir}': schema up to date.`);
  return 0;
}
