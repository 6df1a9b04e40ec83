/** @module StatsD / DogStatsD ingest over UDP: datagrams to KPI events (docs/statsd.md). */
export { type BatcherDeps, createStatsdBatcher, type StatsdBatcher } from './batcher.js';
export { createStatsdListener, type StatsdDeps, type StatsdListener } from './listener.js';
export { parseLine, type StatsdLine, type StatsdMetric, type StatsdServiceCheck, splitLines } from './parse.js';
export { GaugeMemory, kpiName, type Mapped, toKpiEvent } from './to-events.js';
