/** The batcher over a real writer and memory store: one append per interval or per 1000 events, drops counted. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { NormalizedEvent } from '@heed/protocol';
import { createRateLimiter } from '../http/index.js';
import { createLogger, createMetricsRegistry } from '../kernel/index.js';
import { createMemoryStore, createProject, createSeriesRegistry, createWriter } from '../store/index.js';
import { type BatcherDeps, createStatsdBatcher } from './index.js';

async function setup(opts: Partial<Pick<BatcherDeps, 'flushMs' | 'maxBatch' | 'limiter' | 'clock'>> = {}) {
  const store = createMemoryStore();
  const project = await createProject(store, 'p', Date.now());
  const registry = createSeriesRegistry(await store.loadSeries(), 1000);
  const writer = createWriter(store, registry);
  const appends: number[] = [];
  const counting = {
    append(projectId: number, events: readonly NormalizedEvent[], at: number) {
      appends.push(events.length);
      return writer.append(projectId, events, at);
    },
  };
  const metrics = createMetricsRegistry();
  const drops = metrics.counter('drops', '');
  const lines = metrics.counter('lines', '');
  const batcher = createStatsdBatcher({
    projectId: project.id,
    writer: counting,
    limits: { maxTagsPerEvent: 4, maxTagValueLength: 200, maxFutureSeconds: 300 },
    clock: Date.now,
    log: createLogger('silent'),
    drops,
    events: metrics.counter('events', ''),
    lines,
    ...opts,
  });
  return { batcher, appends, drops, lines, registry, project };
}

it('appends the datagrams of one interval together', async () => {
  const { batcher, appends, lines, registry, project } = await setup({ flushMs: 50 });
  for (let i = 0; i < 200; i++) batcher.receive(`a:1|c\nb:${i}|ms`);
  assert.equal(batcher.pending(), 400);
  assert.deepEqual(appends, [], 'nothing is appended before the interval ends');
  await new Promise((r) => setTimeout(r, 120));
  assert.deepEqual(appends, [400]);
  assert.equal(lines.get({ outcome: 'accepted' }), 400);
  assert.deepEqual(registry.ofKpi(project.id, 'b').length, 1);
  assert.deepEqual(registry.ofKpi(project.id, 'a').length, 1);
});

it('appends as soon as 1000 events wait, and flush() appends the rest', async () => {
  const { batcher, appends } = await setup({ flushMs: 60_000 });
  for (let i = 0; i < 2500; i++) batcher.receive('c:1|c');
  assert.deepEqual(appends, [1000, 1000]);
  await batcher.flush();
  assert.deepEqual(appends, [1000, 1000, 500]);
  assert.equal(batcher.pending(), 0);
});

it('counts what validateEvent and the writer refuse as dropped lines, by reason', async () => {
  const { batcher, drops, lines } = await setup();
  batcher.receive('x:1|c|#a:1,b:2,c:3,d:4,e:5\nx:1|c|#bad key!:v\ny:1|g\ny:1|c\nz:1|c|T1');
  await batcher.flush();
  assert.equal(drops.get({ reason: 'event.too_many_tags' }), 1);
  assert.equal(drops.get({ reason: 'event.timestamp_too_old' }), 1);
  // `bad key!` becomes `bad_key_`: accepted. `y` is first a gauge, then a count: the writer refuses the count.
  assert.equal(drops.get({ reason: 'event.type_conflict' }), 1);
  assert.equal(lines.get({ outcome: 'dropped', reason: 'event.type_conflict' }), 1);
  assert.equal(lines.get({ outcome: 'accepted' }), 2);
});

it('counts statsd lines against ingest.rateLimitPerSecond, dropping a batch over it as rate_limited', async () => {
  const now = Date.now(); // a still clock: the bucket does not refill between the batches
  const { batcher, appends, drops } = await setup({ flushMs: 60_000, limiter: createRateLimiter(100), clock: () => now });
  for (let i = 0; i < 100; i++) batcher.receive('r:1|c');
  await batcher.flush();
  for (let i = 0; i < 30; i++) batcher.receive('r:1|c');
  await batcher.flush();
  assert.deepEqual(appends, [100], 'the second batch finds the bucket empty');
  assert.equal(drops.get({ reason: 'rate_limited' }), 30);
});
