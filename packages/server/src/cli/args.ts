/** @module Shared CLI plumbing: parsing flags with help, config flags, and printing. */
import { parseArgs } from 'node:util';
import { ConfigError, type LoadedConfig, loadConfig } from '../config/index.js';

/** Thrown for a usage error; main prints it with a hint and exits 2. */
export class UsageError extends Error {}

/** An option of a command: node:util parseArgs' shape plus a description. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  desc: string;
  default?: string | boolean;
  multiple?: boolean;
}

/** A command's spec: usage line, summary, options. */
export interface CommandSpec {
  usage: string;
  summary: string;
  options: Record<string, OptionSpec>;
  examples?: string[];
}

/** Formats the help text of a command. */
export function helpText(spec: CommandSpec): string {
  const lines = [`Usage: ${spec.usage}`, '', spec.summary, '', 'Options:'];
  const opts = { ...spec.options, help: { type: 'boolean', short: 'h', desc: 'Show this help.' } as OptionSpec };
  for (const [name, o] of Object.entries(opts)) {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ' <value>' : ''}`;
    lines.push(`  ${flag.padEnd(28)} ${o.desc}${o.default !== undefined && o.default !== false ? ` (default: ${o.default})` : ''}`);
  }
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

const CONFIG_BACKED = new Set(['host', 'port', 'data']);

/** Parses argv for a command; returns undefined after printing help. */
export function parse(spec: CommandSpec, argv: string[]) {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [k, o] of Object.entries(spec.options)) {
    options[k] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
      // Config-backed flags keep no default here, so config files and env can still set them.
      ...(o.default !== undefined && !CONFIG_BACKED.has(k) ? { default: o.default } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${helpText(spec)}`);
  }
  if (parsed.values.help) {
    process.stdout.write(helpText(spec));
    return undefined;
  }
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}

/** Options every command that reads the config accepts. */
export const CONFIG_OPTIONS: Record<string, OptionSpec> = {
  config: { type: 'string', desc: 'JSON config file (also HEED_CONFIG).' },
  data: { type: 'string', desc: 'Data folder (store.dataDir).', default: './heed-data' },
};

/** Loads the config from env, the --config file and the flags that map to keys. */
export function configFrom(values: Record<string, string | boolean | undefined>, extra: Record<string, unknown> = {}): LoadedConfig {
  const flags: Record<string, unknown> = { ...extra };
  if (typeof values.host === 'string') flags['server.host'] = values.host;
  if (typeof values.port === 'string') flags['server.port'] = values.port;
  if (typeof values.data === 'string') flags['store.dataDir'] = values.data;
  if (values.ephemeral === true) flags['store.kind'] = 'memory';
  try {
    return loadConfig({ file: typeof values.config === 'string' ? values.config : undefined, env: process.env, flags });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

/** Writes one line to stdout. */
export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}
