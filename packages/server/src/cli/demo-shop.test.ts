/** @module The demo shop through its real SDK: live traffic joins the backfill's catch-up with no silent second. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { startShop } from './demo-shop.js';

const NO_STORY = { safariError: 1e9, paymentSlow: 1e9, paymentRecovered: 1e9, release: 1e9 };

describe('demo shop', () => {
  it('sends every second from where the catch-up ended, each stamped within its own second', async () => {
    const perSecond = new Map<number, number>();
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c;
      });
      req.on('end', () => {
        if (req.url?.startsWith('/api/1/events')) {
          for (const e of JSON.parse(body) as Array<{ ts: number; type?: string }>) {
            if (e.type === 'gauge') continue;
            const s = Math.floor(e.ts / 1000);
            perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":0}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    // The catch-up ended three seconds ago (the backfill's last request took that long).
    const from = Math.floor(Date.now() / 1000) - 3;
    const stop = startShop({
      url: `http://127.0.0.1:${port}`,
      project: { id: 1, key: 'k', dsn: `http://k@127.0.0.1:${port}/1` },
      adminToken: 'admin',
      story: NO_STORY,
      say: () => {},
      from,
    });
    await new Promise((r) => setTimeout(r, 2200));
    await stop();
    server.close();
    const last = Math.max(...perSecond.keys());
    assert.ok(last >= from + 4, `traffic up to ${last - from} s after the catch-up`);
    assert.ok(Math.min(...perSecond.keys()) >= from, 'nothing stamped before the catch-up ended');
    // At least 7 events a second at the quietest hour: a second with none is one the shop skipped.
    const silent = [];
    for (let s = from; s <= last; s++) if (!perSecond.has(s)) silent.push(s - from);
    assert.deepEqual(silent, [], 'seconds after the catch-up with no traffic');
  });
});
