/** @module Builds the frozen Config from defaults, a JSON file, HEED_* env and flags, validated once. */
import { readFileSync } from 'node:fs';
import { CONFIG_KEYS, type Config, type ConfigKey, envName } from './schema.js';

/** Where a value came from, for `heed config print`. */
export type ConfigSource = 'default' | 'file' | 'env' | 'flag';

/** Raised when the configuration is invalid; the message names the fix. */
export class ConfigError extends Error {}

/** Inputs to loadConfig: all optional, so tests pass only what they need. */
export interface ConfigInputs {
  file?: string;
  env?: Record<string, string | undefined>;
  flags?: Record<string, unknown>;
}

const ALIASES: Record<string, string> = { HEED_ADMIN_TOKEN: 'auth.adminToken' };

function coerce(key: ConfigKey, raw: unknown, origin: string): string | number {
  if (key.type === 'int') {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (!Number.isInteger(n)) {
      throw new ConfigError(`Cannot start as '${key.path}' (${origin}) must be an integer: current value is ${JSON.stringify(raw)}`);
    }
    if ((key.min !== undefined && n < key.min) || (key.max !== undefined && n > key.max)) {
      throw new ConfigError(`Cannot start as '${key.path}' (${origin}) must be between ${key.min} and ${key.max}: current value is ${n}`);
    }
    return n;
  }
  if (typeof raw !== 'string') {
    throw new ConfigError(`Cannot start as '${key.path}' (${origin}) must be a string: current value is ${JSON.stringify(raw)}`);
  }
  if (key.type === 'enum' && !key.values?.includes(raw)) {
    const opts = (key.values ?? []).map((v) => `'${v}'`).join(' or ');
    throw new ConfigError(`Cannot start as '${key.path}' (${origin}) must be ${opts}: current value is '${raw}'`);
  }
  return raw;
}

function readFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read config file ${file}: ${(err as Error).message}. Fix the path given by --config or HEED_CONFIG.`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`Config file ${file} is not a JSON object (${(err as Error).message}).`);
  }
}

function flatten(obj: Record<string, unknown>, file: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const known = new Set(CONFIG_KEYS.map((k) => k.path));
  for (const [section, inner] of Object.entries(obj)) {
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
      throw new ConfigError(`Config file ${file}: '${section}' must be an object of settings.`);
    }
    for (const [k, v] of Object.entries(inner)) {
      const path = `${section}.${k}`;
      if (!known.has(path)) {
        throw new ConfigError(`Config file ${file}: unknown setting '${path}'. Known settings are listed in docs/config.md.`);
      }
      out.set(path, v);
    }
  }
  return out;
}

/** The effective config and where each value came from. */
export interface LoadedConfig {
  config: Readonly<Config>;
  sources: Record<string, ConfigSource>;
}

/** Loads, validates and freezes the configuration. Throws ConfigError with a fix on bad input. */
export function loadConfig(inputs: ConfigInputs = {}): LoadedConfig {
  const env = inputs.env ?? {};
  const file = inputs.file ?? env.HEED_CONFIG;
  const fromFile = file ? flatten(readFile(file), file) : new Map<string, unknown>();
  const known = new Set([...CONFIG_KEYS.map((k) => envName(k.path)), ...Object.keys(ALIASES), 'HEED_CONFIG']);
  for (const name of Object.keys(env)) {
    if (name.startsWith('HEED_') && !known.has(name) && env[name] !== undefined) {
      throw new ConfigError(`Unknown environment variable ${name}. Known ones are listed in docs/config.md.`);
    }
  }
  const out: Record<string, Record<string, unknown>> = {};
  const sources: Record<string, ConfigSource> = {};
  for (const key of CONFIG_KEYS) {
    let raw: unknown = key.default;
    let source: ConfigSource = 'default';
    let origin = 'default';
    if (fromFile.has(key.path)) {
      raw = fromFile.get(key.path);
      source = 'file';
      origin = `in ${file}`;
    }
    const alias = Object.keys(ALIASES).find((a) => ALIASES[a] === key.path);
    for (const name of [alias, envName(key.path)]) {
      if (name && env[name] !== undefined) {
        raw = env[name];
        source = 'env';
        origin = `from ${name}`;
      }
    }
    const flag = inputs.flags?.[key.path];
    if (flag !== undefined) {
      raw = flag;
      source = 'flag';
      origin = 'from the command line';
    }
    const [section, name] = key.path.split('.') as [string, string];
    out[section] ??= {};
    (out[section] as Record<string, unknown>)[name] = coerce(key, raw, origin);
    sources[key.path] = source;
  }
  for (const v of Object.values(out)) Object.freeze(v);
  return { config: Object.freeze(out) as unknown as Config, sources };
}

/** The config as printable key/value rows, secrets masked. */
export function describeConfig(loaded: LoadedConfig): Array<{ key: string; value: string | number; source: ConfigSource }> {
  return CONFIG_KEYS.map((k) => {
    const [s, n] = k.path.split('.') as [string, string];
    const v = (loaded.config as unknown as Record<string, Record<string, string | number>>)[s]?.[n] ?? '';
    const masked = k.secret && v !== '' ? `${String(v).slice(0, 4)}…(masked)` : v;
    return { key: k.path, value: masked, source: loaded.sources[k.path] ?? 'default' };
  });
}
