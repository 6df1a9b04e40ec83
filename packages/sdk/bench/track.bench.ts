/**
 * @module Overhead of the SDK per tracked event: the `track()` call alone, and with the batching, JSON encoding and
 * gzip of its batches included (a transport that answers at once, so no network time is counted).
 * Run: node --import tsx packages/sdk/bench/track.bench.ts
 */
import { close, flush, init, track } from '../src/node/index.js';

const N = 200_000;

async function run(label: string, compressAbove: number): Promise<void> {
  let bytes = 0;
  init({
    dsn: 'http://key@127.0.0.1:9/1',
    autoCapture: false,
    exitSignals: false,
    maxQueue: N,
    maxBatch: 1000,
    compressAbove,
    transport: async (req) => {
      bytes += typeof req.body === 'string' ? req.body.length : req.body.byteLength;
      return { status: 200, header: () => null, body: '{"accepted":1000,"rejected":[]}' };
    },
  });
  for (let i = 0; i < 10_000; i++) track('warmup', { tags: { plan: 'pro' } });
  await flush(10_000);
  bytes = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) track('checkout.completed', { value: 49.9, tags: { plan: i % 2 ? 'pro' : 'free', country: 'DE' } });
  const t1 = process.hrtime.bigint();
  await flush(60_000);
  const t2 = process.hrtime.bigint();
  const callNs = Number(t1 - t0) / N;
  const totalNs = Number(t2 - t0) / N;
  process.stdout.write(
    `${label}: track() ${callNs.toFixed(0)} ns/event; with batching+encoding+send ${totalNs.toFixed(0)} ns/event; ${(bytes / N).toFixed(1)} wire bytes/event\n`,
  );
  await close(0);
}

await run('uncompressed', 1e9);
await run('gzip (batches > 16 KiB)', 16_384);
