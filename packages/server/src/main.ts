/** @module Composition root: config → store → writer → HTTP. The only file that sees every room. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createAlertEngine,
  createRuleEvaluator,
  errorRateDetection,
  signalFromAnomaly,
  signalFromCheck,
  signalsFromError,
} from './alert/index.js';
import { createLiveHub } from './api/index.js';
import { type CheckSignal, createChecks } from './checks/index.js';
import { joinCluster } from './cluster/index.js';
import type { Config } from './config/index.js';
import { createLiveDetection } from './detect/index.js';
import { type App, createApp, createHttpMetrics, createProjectKeys, createRateLimiter, type Services } from './http/index.js';
import { createErrorPipeline } from './issues/index.js';
import { type Clock, createLogger, type Logger, registerProcessMetrics, systemClock } from './kernel/index.js';
import { createLiveMonitors } from './monitors/index.js';
import { createNotifications } from './notify/index.js';
import { createReleaseReporter, openReleaseRegistry } from './releases/index.js';
import { createStatsdListener } from './statsd/index.js';
import {
  adminTokenFor,
  createProject,
  createPruner,
  createSeriesRegistry,
  createWriter,
  openStore,
  type Project,
  type Storage,
  secretFor,
} from './store/index.js';

/** A running Heed server. */
export interface Heed {
  url: string;
  port: number;
  adminToken: string;
  /** Set when this start created the default project. */
  created: Project | undefined;
  services: Services;
  /** Stops accepting, flushes what was acknowledged, closes the store. */
  close(): Promise<void>;
}

/** Options beyond the config, for tests and the CLI. */
export interface StartOptions {
  clock?: Clock;
  log?: Logger;
  store?: Storage;
}

const LINK_SECRET_META = 'link_secret';

/** Heed wired but not listening: the app handler and its services (tests inject requests here). */
export interface BuiltHeed {
  app: App;
  services: Services;
  adminToken: string;
  created: Project | undefined;
  /** Where users reach Heed (known once the port is). */
  setPublicUrl(url: string): void;
  /** One turn of the judge (detection, rules, heartbeats, alerts) at `now`; tests drive time with it. */
  judge(now: number): Promise<void>;
  /** Starts the once-a-second tick (live stream, detection, rules, alerts), delivery and pruning. */
  startTimers(): void;
  /** Flushes what was acknowledged and closes the store. */
  shutdown(): Promise<void>;
}

/** Wires config → store → writer → HTTP app without opening a port. */
export async function buildHeed(config: Config, opts: StartOptions = {}): Promise<BuiltHeed> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createLogger(config.log.level);
  const store = opts.store ?? (await openStore(config.store));
  const adminToken = await adminTokenFor(store, config.auth.adminToken);
  let created: Project | undefined;
  if ((await store.listProjects()).length === 0) created = await createProject(store, 'default', clock());

  const metrics = createHttpMetrics();
  const commitLatency = metrics.registry.histogram(
    'heed_store_commit_seconds',
    'Duration of one group commit to the store.',
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  );
  // On a shared store (ClickHouse) this node joins the others: see cluster/ and docs/clickhouse.md.
  const cluster = await joinCluster(config.store, { clock, log });
  const registry = createSeriesRegistry(await store.loadSeries(), config.ingest.maxSeriesPerKpi, { ids: cluster ? 'hash' : 'sequential' });
  const writer = createWriter(store, registry, { commitLatency });
  const hub = createLiveHub(registry, cluster ? 2 : 1); // a cluster's stream waits for other nodes' data
  if (!cluster) writer.onCommit((d) => hub.onCommit(d));
  // Declared KPI settings (direction, sensitivity) and live funnels: see monitors/live.ts.
  const monitors = await createLiveMonitors({ store, registry, onError: (err) => log.error('saving funnel state failed', { err }) });
  const errorRates = errorRateDetection(monitors.optionsFor); // the `errors` KPI, per busy issue too: spikes only
  // Anomalies are logged and the last 1000 kept for the API; the alert engine subscribes below.
  const { detection, anomalies, saveStates } = await createLiveDetection({
    ...errorRates.detection,
    store,
    log,
    series: (id) => registry.get(id),
    graceMs: config.detect.graceMs,
    ...(cluster && { owns: cluster.owns }),
  });
  if (!cluster) writer.onCommit((d) => detection.onCommit(d, clock()));
  if (!cluster) writer.onCommit((d) => monitors.onCommit(d, clock()));
  monitors.onChange(() => detection.reconfigure());

  const linkSecret = await secretFor(store, LINK_SECRET_META);
  let publicUrl = config.server.publicUrl || `http://${config.server.host}:${config.server.port}`;
  const releases = await openReleaseRegistry(store);
  const alertEngine = createAlertEngine({
    store,
    clock,
    log,
    settings: config.alert,
    releaseAt: (projectId, atMs) => releases.inForce(projectId, atMs)?.version,
    notify: async (intent) => {
      await outbox.enqueue(intent);
    },
    queued: (incidentId) => outbox.queuedFor(incidentId),
  });
  const alerts = cluster ? cluster.alerts(alertEngine) : alertEngine;
  // Notifications: a durable outbox (with its metrics) whose outcomes go back to the incident's timeline.
  const outbox = createNotifications({
    store,
    clock,
    log,
    metrics: metrics.registry,
    linkSecret,
    settings: config.notify,
    publicUrl: () => publicUrl,
    delivered: (incidentId, ok, text) => alerts.delivered(incidentId, ok, text),
  });
  const signal = (s: ReturnType<typeof signalFromAnomaly>) => {
    if (s) void alerts.signal(s).catch((err: unknown) => log.error('alert engine failed', { err }));
  };
  detection.onEvent((e) => signal(signalFromAnomaly(e)));
  monitors.onSignal(signal);
  const rules = createRuleEvaluator({
    store,
    series: (id) => registry.get(id),
    seriesOf: (projectId, kpi) => registry.ofKpi(projectId, kpi),
    emit: signal,
  });
  await alerts.load().then(() => alerts.resumeOwedPages());
  await rules.load(clock());
  if (!cluster) writer.onCommit((d) => rules.onCommit(d, clock()));
  const stopProcessMetrics = registerProcessMetrics(metrics.registry);
  metrics.registry.gauge('heed_series', 'Series tracked (KPI x tag combination).', () => [[registry.size()]]);
  metrics.registry.gauge('heed_sse_subscribers', 'Live-stream subscribers.', () => [[hub.subscribers()]]);

  const errorPipeline = createErrorPipeline({
    store: store.errors,
    writer,
    rates: errorRates.rates,
    clock,
    log,
    scrubFields: config.errors.scrubFields
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean),
    maxItemBytes: config.errors.maxItemBytes,
    maxFutureMs: config.ingest.maxFutureSeconds * 1000,
    items: metrics.registry.counter(
      'heed_sentry_items_total',
      'Sentry envelope items by category, outcome (accepted, dropped, client_discarded) and reason.',
    ),
  });
  const reports = createReleaseReporter({ store, registry, releases, clock, log, outbox, events: errorPipeline, url: () => publicUrl });
  // New issues and regressions page within the commit that stored them.
  errorPipeline.onSignal((e) => {
    log.info(e.kind, { projectId: e.projectId, issueId: e.issueId, title: e.title, release: e.release });
    for (const sig of signalsFromError(e)) signal(sig);
    errorRates.onSignal(e, detection, registry);
  });
  // Checks and heartbeats: dependencies and scheduled jobs, as series (checks) and signals.
  const emitCheck = (c: CheckSignal) => signal(signalFromCheck(c));
  const checkDeps = { store, writer, clock, log, emit: emitCheck, maxConcurrent: config.checks.maxConcurrent };
  const { runner: checks, heartbeats, sentryCheckIn } = await createChecks(checkDeps);
  errorPipeline.onCheckIn(sentryCheckIn);

  const state = { shuttingDown: false };
  const services: Services = {
    config,
    store,
    registry,
    writer,
    hub,
    anomalies,
    detection,
    alerts,
    rules,
    outbox,
    linkSecret,
    errors: errorPipeline,
    releases,
    monitors,
    checks,
    heartbeats,
    keys: createProjectKeys(store, clock),
    limiter: createRateLimiter(config.ingest.rateLimitPerSecond),
    metrics,
    clock,
    log,
    adminToken,
    publicUrl: '',
    state,
  };
  services.publicUrl = publicUrl;
  const app = createApp(services);
  let tick: NodeJS.Timeout | undefined;
  let judge: NodeJS.Timeout | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let saveTimer: NodeJS.Timeout | undefined;
  const prune = createPruner(store, { ...config.retention, errorEventDays: config.errors.eventRetentionDays }, clock, log);
  const judgeAt = async (now: number) => {
    detection.tick(now);
    rules.tick(now);
    await Promise.all([heartbeats.tick(now), alerts.tick()]).catch((err: unknown) => log.error('judge tick failed', { err }));
  };
  return {
    app,
    services,
    adminToken,
    created,
    judge: judgeAt,
    setPublicUrl(url: string) {
      publicUrl = url;
      services.publicUrl = url;
    },
    startTimers() {
      tick = setInterval(() => hub.tick(clock()), 1000);
      // Detection, rules and alerts run four times a second: absence is judged within 250 ms.
      judge = setInterval(() => void judgeAt(clock()), 250);
      judge.unref();
      if (!cluster) void outbox.start(); // in a cluster the leader delivers (cluster/outbox-lead.ts)
      checks.start();
      pruneTimer = setInterval(prune, 600_000);
      saveTimer = setInterval(saveStates, 60_000);
      reports.start();
      tick.unref();
      pruneTimer.unref();
      saveTimer.unref();
      void prune();
      cluster?.start({ store, registry, detection, watchers: [hub, rules, monitors], outbox });
    },
    async shutdown() {
      state.shuttingDown = true;
      clearInterval(tick);
      clearInterval(pruneTimer);
      clearInterval(judge);
      clearInterval(saveTimer);
      reports.stop();
      hub.closeAll();
      await checks.stop();
      await errorPipeline.flush();
      await writer.flush();
      await outbox.stop();
      detection.tick(clock());
      await saveStates();
      stopProcessMetrics();
      await cluster?.stop();
      await store.close();
    },
  };
}

/** Starts Heed with the given config: builds it, listens, and closes gracefully on close(). */
export async function startHeed(config: Config, opts: StartOptions = {}): Promise<Heed> {
  const built = await buildHeed(config, opts);
  const statsd = await createStatsdListener(built.services, built.shutdown); // UDP StatsD when statsd.port is set
  const { services } = built;
  const server: Server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 60_000 }, built.app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const url = config.server.publicUrl || `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  built.setPublicUrl(url);
  built.startTimers();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      services.state.shuttingDown = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      services.hub.closeAll();
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, config.server.shutdownTimeoutMs).unref());
      await Promise.race([closed, timeout]);
      server.closeAllConnections();
      await statsd.close();
      await built.shutdown();
    })();
    return closing;
  };
  return { url, port, adminToken: built.adminToken, created: built.created, services, close };
}
