/**
 * @module The UDP StatsD listener (node:dgram), started when `statsd.port` is set: checks that
 * `statsd.projectId` names a project, binds, hands each datagram to the batcher, and on close
 * stops receiving and appends what waits, until it is committed.
 */
import { createSocket, type Socket } from 'node:dgram';
import { type Config, ConfigError, envName } from '../config/index.js';
import type { Clock, Counter, Logger, MetricsRegistry } from '../kernel/index.js';
import type { Storage, Writer } from '../store/index.js';
import { type BatcherDeps, createStatsdBatcher, type StatsdBatcher } from './batcher.js';

/** What the listener needs (the server's services have all of it). */
export interface StatsdDeps {
  config: Pick<Config, 'statsd' | 'ingest'>;
  store: Pick<Storage, 'getProject'>;
  writer: Pick<Writer, 'append'>;
  metrics: { registry: MetricsRegistry; drops: Counter; events: Counter };
  limiter?: BatcherDeps['limiter'];
  clock: Clock;
  log: Logger;
}

/** A running listener (or the idle one when `statsd.port` is 0). */
export interface StatsdListener {
  /** The bound UDP port; 0 when off. */
  port: number;
  /** Appends what waits now and waits for its commit. */
  flush(): Promise<void>;
  /** Stops receiving, appends what waits and waits for its commit. */
  close(): Promise<void>;
}

const OFF: StatsdListener = { port: 0, flush: async () => {}, close: async () => {} };

function bind(socket: Socket, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => reject(err);
    socket.once('error', fail);
    socket.bind(port, host, () => {
      socket.off('error', fail);
      resolve();
    });
  });
}

/**
 * Starts the StatsD listener when `statsd.port` is set; otherwise returns an idle one. On a
 * failure to start (unknown project, port taken) it runs `cleanup` (the server's shutdown), then throws.
 */
export async function createStatsdListener(deps: StatsdDeps, cleanup?: () => Promise<void>): Promise<StatsdListener> {
  if (deps.config.statsd.port === 0) return OFF;
  try {
    return await start(deps);
  } catch (err) {
    await cleanup?.();
    throw err;
  }
}

async function start(deps: StatsdDeps): Promise<StatsdListener> {
  const { config, log } = deps;
  const { port, host, projectId } = config.statsd;
  if (!(await deps.store.getProject(projectId))) {
    throw new ConfigError(
      `Cannot start as 'statsd.projectId' (${envName('statsd.projectId')}) is ${projectId} but no project has that id: pick one from 'heed projects list'.`,
    );
  }
  const lines = deps.metrics.registry.counter(
    'heed_statsd_lines_total',
    'StatsD lines by outcome (accepted, dropped, ignored) and reason.',
  );
  const datagrams = deps.metrics.registry.counter('heed_statsd_datagrams_total', 'StatsD datagrams received.');
  const batcher: StatsdBatcher = createStatsdBatcher({
    projectId,
    writer: deps.writer,
    limits: {
      maxTagsPerEvent: config.ingest.maxTagsPerEvent,
      maxTagValueLength: config.ingest.maxTagValueLength,
      maxFutureSeconds: config.ingest.maxFutureSeconds,
    },
    clock: deps.clock,
    log,
    drops: deps.metrics.drops,
    events: deps.metrics.events,
    lines,
    ...(deps.limiter && { limiter: deps.limiter }),
  });
  const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
  try {
    await bind(socket, port, host);
  } catch (err) {
    socket.close();
    throw new ConfigError(
      `Cannot listen for StatsD on udp ${host}:${port} (statsd.host, statsd.port): ${(err as Error).message}. Pick a free port or set statsd.port to 0.`,
    );
  }
  try {
    socket.setRecvBufferSize(4 * 1024 * 1024); // absorbs bursts between turns of the event loop; the OS may cap it
  } catch {
    // keep the system default
  }
  socket.unref(); // the HTTP server keeps the process alive; a failed HTTP listen must not hang on this socket
  socket.on('error', (err) => log.error('statsd socket error', { err }));
  socket.on('message', (msg) => {
    datagrams.inc();
    batcher.receive(msg);
  });
  const bound = socket.address().port;
  log.info('statsd listening', { host, port: bound, projectId });
  let closing: Promise<void> | undefined;
  return {
    port: bound,
    flush: () => batcher.flush(),
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => socket.close(() => resolve()));
        await batcher.flush();
      })();
      return closing;
    },
  };
}
