/** @module Heed's own process in /metrics: event-loop lag and memory. */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MetricsRegistry } from './metrics.js';

/** Registers the process gauges; returns a function that stops the event-loop monitor. */
export function registerProcessMetrics(registry: MetricsRegistry): () => void {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  registry.gauge('heed_event_loop_lag_seconds', 'Event-loop delay: p99 and max since the last scrape.', () => {
    const out: Array<[number, Record<string, string>]> = [
      [loop.percentile(99) / 1e9, { quantile: '0.99' }],
      [loop.max / 1e9, { quantile: '1' }],
    ];
    loop.reset();
    return out;
  });
  registry.gauge('heed_process_memory_bytes', 'Process memory by kind (rss, heap_used, external).', () => {
    const m = process.memoryUsage();
    return [
      [m.rss, { kind: 'rss' }],
      [m.heapUsed, { kind: 'heap_used' }],
      [m.external, { kind: 'external' }],
    ];
  });
  return () => loop.disable();
}
