import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createLane, type LaneConfig } from './lane.js';
import { createOutcomes } from './outcomes.js';
import { createRateLimits } from './rate-limits.js';
import type { TransportResponse } from './transport.js';

const answer = (status: number, headers: Record<string, string> = {}): TransportResponse => ({
  status,
  header: (n) => headers[n] ?? null,
  body: '{}',
});

function lane(over: Partial<LaneConfig<number>> & { answers?: Array<TransportResponse | Error> } = {}) {
  const sent: number[][] = [];
  const outcomes = createOutcomes();
  const answers = over.answers ?? [];
  const l = createLane<number>({
    max: 100,
    batch: 10,
    maxRetries: 2,
    outcomes,
    limits: createRateLimits(),
    log: () => {},
    category: () => 'kpi',
    encode: async (items) => ({ url: 'http://x/api/1/events', body: JSON.stringify(items), headers: {} }),
    transport: async (req) => {
      sent.push(JSON.parse(String(req.body)) as number[]);
      const a = answers.shift() ?? answer(200);
      if (a instanceof Error) throw a;
      return a;
    },
    ...over,
  });
  return { l, sent, outcomes };
}

it('sends in batches and keeps order', async () => {
  const { l, sent } = lane();
  for (let i = 0; i < 25; i++) l.push(i);
  assert.equal(await l.flush(1000), true);
  assert.deepEqual(
    sent.map((b) => b.length),
    [10, 10, 5],
  );
  assert.deepEqual(sent.flat(), [...Array(25).keys()]);
});

it('is bounded: pushes beyond max are dropped and counted', () => {
  const { l, outcomes } = lane({ max: 10 });
  let kept = 0;
  for (let i = 0; i < 15; i++) if (l.push(i)) kept++;
  assert.equal(kept, 10);
  assert.equal(l.size(), 10);
  assert.deepEqual(outcomes.totals(), { 'queue_overflow:kpi': 5 });
});

it('retries network errors and 5xx with backoff, then drops and counts', async () => {
  const { l, sent, outcomes } = lane({ maxRetries: 1, answers: [new Error('ECONNREFUSED'), new Error('ECONNREFUSED')] });
  l.push(1);
  assert.equal(await l.flush(100), false, 'backing off');
  assert.equal(l.size(), 1, 'kept for the retry');
  await new Promise((r) => setTimeout(r, 1300));
  assert.equal(sent.length, 2, 'retried once after ~1 s');
  assert.equal(l.size(), 0);
  assert.deepEqual(outcomes.totals(), { 'network_error:kpi': 1 });
});

it('holds KPI batches through a 429 and resends after Retry-After', async () => {
  const { l, sent, outcomes } = lane({ hold: true, answers: [answer(429, { 'retry-after': '1' })] });
  l.push(1);
  l.push(2);
  await l.flush(100);
  assert.equal(l.size(), 2);
  const t = Date.now();
  while (l.size() && Date.now() - t < 3000) await new Promise((r) => setTimeout(r, 20));
  assert.ok(Date.now() - t >= 800);
  assert.deepEqual(sent, [
    [1, 2],
    [1, 2],
  ]);
  assert.deepEqual(outcomes.totals(), {});
});

it('drops (and counts) non-held items while rate limited, without sending', async () => {
  const { l, sent, outcomes } = lane({ answers: [answer(429, { 'retry-after': '60' })] });
  l.push(1);
  await l.flush(100);
  assert.equal(l.push(2), false);
  assert.equal(sent.length, 1);
  assert.deepEqual(outcomes.totals(), { 'ratelimit_backoff:kpi': 1 }, 'the server counts the refused item');
});

it('drops refused batches (4xx) and pauses after 401/403/404', async () => {
  const { l, sent, outcomes } = lane({ answers: [answer(401)] });
  l.push(1);
  await l.flush(100);
  l.push(2);
  assert.equal(await l.flush(100), false, 'paused');
  assert.equal(sent.length, 1);
  assert.deepEqual(outcomes.totals(), { 'send_error:kpi': 1 });
});

it('never rejects, even when the transport or encoder throws synchronously', async () => {
  const { l, outcomes } = lane({
    maxRetries: 0,
    transport: () => {
      throw new Error('sync');
    },
  });
  l.push(1);
  await l.flush(100);
  const bad = lane({
    encode: () => {
      throw new Error('encode');
    },
  });
  bad.l.push(1);
  await bad.l.flush(100);
  assert.deepEqual(outcomes.totals(), { 'network_error:kpi': 1 });
  assert.deepEqual(bad.outcomes.totals(), { 'internal_sdk_error:kpi': 1 });
});

it('drain takes the batch still being encoded (a page leaving while it gzips), which is then not sent', async () => {
  let release = () => {};
  const slow = new Promise<void>((r) => (release = r));
  const { l, sent } = lane({
    encode: async (items) => {
      await slow;
      return { url: 'http://x/api/1/events', body: JSON.stringify(items), headers: {} };
    },
  });
  for (let i = 0; i < 15; i++) l.push(i);
  const pumping = l.pump();
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(
    l.drain(),
    Array.from({ length: 15 }, (_, i) => i),
    'the batch being encoded, then the queue',
  );
  release();
  await pumping;
  assert.deepEqual(sent, [], 'nothing sent twice');
});
