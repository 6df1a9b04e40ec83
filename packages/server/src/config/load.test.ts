import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CONFIG_KEYS, ConfigError, describeConfig, envName, loadConfig } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'heed-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('config', () => {
  it('defaults are valid and the result is frozen', () => {
    const { config } = loadConfig({ env: {} });
    assert.equal(config.server.port, 7600);
    assert.equal(config.store.kind, 'sqlite');
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.server));
  });

  it('file < env < flags, and each source is reported', () => {
    const file = join(dir, 'heed.json');
    writeFileSync(file, JSON.stringify({ server: { port: 8000, host: '0.0.0.0' }, ingest: { maxSeriesPerKpi: 50 } }));
    const loaded = loadConfig({ file, env: { HEED_SERVER_PORT: '8001', HEED_ADMIN_TOKEN: 'tok' }, flags: { 'server.port': 8002 } });
    assert.equal(loaded.config.server.port, 8002);
    assert.equal(loaded.config.server.host, '0.0.0.0');
    assert.equal(loaded.config.ingest.maxSeriesPerKpi, 50);
    assert.equal(loaded.config.auth.adminToken, 'tok');
    assert.deepEqual(
      [loaded.sources['server.port'], loaded.sources['server.host'], loaded.sources['auth.adminToken'], loaded.sources['log.level']],
      ['flag', 'file', 'env', 'default'],
    );
    const printed = describeConfig(loaded).find((r) => r.key === 'auth.adminToken');
    assert.match(String(printed?.value), /masked/);
  });

  it('env names follow HEED_<SECTION>_<KEY>', () => {
    assert.equal(envName('store.dataDir'), 'HEED_STORE_DATA_DIR');
    assert.equal(envName('ingest.maxEventsPerBatch'), 'HEED_INGEST_MAX_EVENTS_PER_BATCH');
    assert.equal(new Set(CONFIG_KEYS.map((k) => envName(k.path))).size, CONFIG_KEYS.length);
  });

  it('refuses bad values with a message that names the fix', () => {
    const bad: Array<[Parameters<typeof loadConfig>[0], RegExp]> = [
      [
        { env: { HEED_STORE_KIND: 'pg' } },
        /'store.kind' \(from HEED_STORE_KIND\) must be 'sqlite' or 'memory' or 'clickhouse': current value is 'pg'/,
      ],
      [{ env: { HEED_SERVER_PORT: '70000' } }, /'server.port' .* must be between 0 and 65535/],
      [{ env: { HEED_SERVER_PORT: 'eighty' } }, /'server.port' .* must be an integer/],
      [{ env: { HEED_SERVR_PORT: '1' } }, /Unknown environment variable HEED_SERVR_PORT/],
      [{ file: '/nonexistent/heed.json', env: {} }, /Cannot read config file/],
    ];
    for (const [inputs, re] of bad)
      assert.throws(
        () => loadConfig(inputs),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
      );
    const typo = join(dir, 'typo.json');
    writeFileSync(typo, JSON.stringify({ server: { prot: 1 } }));
    assert.throws(() => loadConfig({ file: typo, env: {} }), /unknown setting 'server.prot'/);
  });
});
