import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { OtlpPoint } from '../ingest/index.js';
import { createCumulativeTracker } from './otlp-cumulative.js';
import { otlpToEvents } from './otlp-points.js';

const NOW = 1_800_000_000_000;

function counter(value: number, startMs: number, timeMs: number, attrs: Array<[string, string]> = []): OtlpPoint {
  return {
    metric: 'orders',
    kind: 'sum',
    monotonic: true,
    temporality: 2,
    attributes: attrs,
    resource: [],
    startMs,
    timeMs,
    value,
    noValue: false,
  };
}

it('a start before this process, or older than the window, is a baseline; a recent one counts in full', () => {
  const tracker = createCumulativeTracker({ maxSeries: 10, startedAt: NOW - 60_000, recentMs: 120_000 });
  const target = { projectId: 1, tracker, now: NOW, maxTags: 16 };
  const before = otlpToEvents([counter(50, NOW - 90_000, NOW)], target);
  assert.deepEqual([before.events.length, before.baselines], [0, 1]);
  const recent = otlpToEvents([counter(5, NOW - 30_000, NOW)], target);
  assert.deepEqual(
    recent.events.map((e) => e.event.count),
    [5],
  );
  const late = otlpToEvents([counter(5, NOW - 30_000, NOW)], { ...target, now: NOW + 10 * 60_000 });
  assert.deepEqual([late.events.length, late.baselines], [0, 1], 'still in the window only while recent');
});

it('two points of one series in a request see each other; fractional increases keep their amount', () => {
  const tracker = createCumulativeTracker({ maxSeries: 10, startedAt: 0, recentMs: 1e12 });
  const start = NOW - 10_000;
  const r = otlpToEvents([counter(1.5, start, NOW - 2000), counter(4, start, NOW - 1000)], {
    projectId: 1,
    tracker,
    now: NOW,
    maxTags: 16,
  });
  assert.deepEqual(
    r.events.map((e) => [e.event.count, e.event.value]),
    [
      [1, 1.5],
      [1, 2.5],
    ],
  );
});

it('remembers at most maxSeries series, the least recently seen dropped first', () => {
  const tracker = createCumulativeTracker({ maxSeries: 3, startedAt: 0, recentMs: 1e12 });
  const target = { projectId: 1, tracker, now: NOW, maxTags: 16 };
  for (const c of ['a', 'b', 'c', 'd']) tracker.apply(otlpToEvents([counter(1, NOW - 1000, NOW, [['c', c]])], target).updates);
  assert.equal(tracker.size, 3);
  // 'a' was dropped: its next point counts from zero again (start is recent), 'd' by its increase.
  const again = otlpToEvents([counter(2, NOW - 1000, NOW + 1, [['c', 'a']]), counter(2, NOW - 1000, NOW + 1, [['c', 'd']])], target);
  assert.deepEqual(
    again.events.map((e) => e.event.count),
    [2, 1],
  );
});
