/** @module `heed config print`: the effective config with where each value came from, secrets masked. */
import { describeConfig } from '../config/index.js';
import { CONFIG_OPTIONS, type CommandSpec, configFrom, out, parse } from './args.js';

const SPEC: CommandSpec = {
  usage: 'heed config print [--config FILE] [--json]',
  summary: 'Print the effective configuration (defaults < file < HEED_* env < flags), secrets masked.',
  options: {
    ...CONFIG_OPTIONS,
    host: { type: 'string', desc: 'server.host' },
    port: { type: 'string', desc: 'server.port' },
    json: { type: 'boolean', desc: 'Print JSON for scripts.' },
  },
};

/** Runs `heed config print`. */
export async function configPrint(argv: string[]): Promise<number> {
  const p = parse(SPEC, argv);
  if (!p) return 0;
  const rows = describeConfig(configFrom(p.values));
  if (p.values.json) out(JSON.stringify(Object.fromEntries(rows.map((r) => [r.key, { value: r.value, source: r.source }]))));
  else for (const r of rows) out(`${r.key.padEnd(30)} ${String(r.value).padEnd(24)} (${r.source})`);
  return 0;
}
