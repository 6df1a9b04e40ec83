/** @module Config: one schema, validated at boot, frozen, passed in explicitly. */

export { ConfigError, type ConfigInputs, type ConfigSource, describeConfig, type LoadedConfig, loadConfig } from './load.js';
export { CONFIG_KEYS, type Config, type ConfigKey, envName } from './schema.js';
