/** Probes against real HTTPS and HTTP servers: certificate expiry, verification, redirects. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttp } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { probeHttp } from './probe.js';
import type { CheckSpec } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'heed-tls-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const spec = (target: string, extra: Partial<CheckSpec> = {}): CheckSpec => ({
  name: 't',
  kind: 'http',
  target,
  intervalSeconds: 10,
  timeoutMs: 3000,
  method: 'GET',
  headers: {},
  expectStatus: ['2xx'],
  followRedirects: true,
  tlsWarnDays: 14,
  slowMs: 0,
  failureThreshold: 1,
  recoveryThreshold: 1,
  severity: 'critical',
  public: false,
  ...extra,
});

async function listen(server: ReturnType<typeof createHttp>): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  return (server.address() as AddressInfo).port;
}

describe('probes', () => {
  it('reads the days a real certificate has left, and refuses one that does not verify unless told to', async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '5',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
      ],
      {
        stdio: 'ignore',
      },
    );
    const port = await listen(
      createHttps({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (_req, res) =>
        res.end('ok'),
      ) as unknown as ReturnType<typeof createHttp>,
    );
    const strict = await probeHttp(spec(`https://127.0.0.1:${port}/`));
    assert.equal(strict.ok, false);
    assert.match(strict.error ?? '', /SELF_SIGNED|self.signed/i);
    const lax = await probeHttp(spec(`https://127.0.0.1:${port}/`, { ignoreTlsErrors: true }));
    assert.equal(lax.ok, true, lax.error);
    assert.ok(lax.tlsDaysLeft === 4 || lax.tlsDaysLeft === 5, String(lax.tlsDaysLeft));
  });

  it('follows redirects unless a 3xx is expected, and gives up after five', async () => {
    const port = await listen(
      createHttp((req, res) => {
        const n = Number(req.url?.slice(1) || 0);
        if (req.url === '/loop') res.writeHead(302, { location: '/loop' }).end();
        else if (n < 3) res.writeHead(302, { location: `/${n + 1}` }).end();
        else res.end(`arrived at ${n}`);
      }),
    );
    const followed = await probeHttp(spec(`http://127.0.0.1:${port}/0`, { expectBody: 'arrived at 3' }));
    assert.equal(followed.ok, true, followed.error);
    const stay = await probeHttp(spec(`http://127.0.0.1:${port}/0`, { expectStatus: ['302'] }));
    assert.deepEqual([stay.ok, stay.status], [true, 302]);
    const loop = await probeHttp(spec(`http://127.0.0.1:${port}/loop`));
    assert.equal(loop.ok, false);
    assert.match(loop.error ?? '', /more than 5 redirects/);
  });
});
