/**
 * @module `heed demo`: Heed on a temporary SQLite store, weeks of backfilled history, and a simulated
 * shop feeding it through the real SDK with a scripted story. Prints the dashboard URL and what to watch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectView } from '../http/index.js';
import { createLogger } from '../kernel/index.js';
import { startHeed } from '../main.js';
import { type CommandSpec, configFrom, out, parse, UsageError } from './args.js';
import { backfill } from './demo-history.js';
import { FAST_STORY, STORY, startShop } from './demo-shop.js';

const SPEC: CommandSpec = {
  usage: 'heed demo [--host 127.0.0.1] [--port 7600] [--days 28] [--fast] [--json]',
  summary: 'Start Heed with a simulated web shop: weeks of history, live traffic, and a story to watch in the dashboard.',
  options: {
    host: { type: 'string', desc: 'Address to listen on.', default: '127.0.0.1' },
    port: { type: 'string', short: 'p', desc: 'Port; 0 picks a free one.', default: '7600' },
    days: { type: 'string', desc: 'Days of history to backfill (1-60).', default: '28' },
    fast: { type: 'boolean', desc: 'Play the story within two minutes (for tests).' },
    json: { type: 'boolean', desc: 'Print the start-up facts as one JSON line, and story steps as JSON lines.' },
  },
  examples: ['heed demo', 'heed demo --port 8080 --days 14'],
};

/** Runs `heed demo`; resolves once the shop runs (the server keeps the process alive). */
export async function demoCommand(argv: string[]): Promise<number> {
  const p = parse(SPEC, argv);
  if (!p) return 0;
  const days = Number(p.values.days ?? 28);
  if (!Number.isInteger(days) || days < 1 || days > 60)
    throw new UsageError(`--days must be an integer from 1 to 60, not '${p.values.days}'.`);
  const json = p.values.json === true;
  const dir = mkdtempSync(join(tmpdir(), 'heed-demo-'));
  // No reopening: the incidents of alerts learned from history are closed before the story, and a
  // story alert on the same series must open a fresh incident rather than reopen one of those.
  const { config } = configFrom({ host: p.values.host, port: p.values.port, data: dir }, { 'alert.reopenWindowMinutes': 0 });
  const log = createLogger(config.log.level);
  const heed = await startHeed(config, { log });
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const project = (await heed.services.store.listProjects())[0];
  if (!project) throw new Error('The demo store has no project.');
  const view = projectView(project, heed.url);
  const say = (line: string) => out(json ? JSON.stringify({ story: line, at: new Date().toISOString() }) : `  ${line}`);
  if (!json) out(`\n  Heed demo: backfilling ${days} days of shop history so baselines are ready…`);
  const t0 = performance.now();
  // History ends 11 minutes ago: the engine takes data older than 10 minutes as history.
  // Learning weeks of history raises alerts about the past (a detector still warming up); once the
  // engine has judged them, close those incidents so the story starts on a quiet dashboard.
  const settle = async () => {
    await fetch(`${heed.url}/`).catch(() => undefined); // builds the dashboard before anyone waits for it
    // Detection judges history on its ticks; wait until it has raised nothing new for 4 s.
    let last: unknown;
    for (let quiet = 0, i = 0; quiet < 4 && i < 120; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      const now = heed.services.anomalies[heed.services.anomalies.length - 1];
      quiet = i >= 5 && now === last ? quiet + 1 : 0;
      last = now;
    }
    await closeLearned(Number.POSITIVE_INFINITY);
  };
  /** Closes the open incidents whose problem started before `before` (ms): about backfilled data. */
  const closeLearned = async (before: number) => {
    for (const inc of await heed.services.alerts.list(project.id)) {
      if (inc.status !== 'resolved' && inc.onsetAt < before)
        await heed.services.alerts.resolve(inc.id, 'demo (alerts learned from backfilled history)');
    }
  };
  const endSec = Math.floor(Date.now() / 1000) - 700;
  const { records, liveFrom } = await backfill({ url: heed.url, project: view, days, endSec, settle });
  const backfillSeconds = Math.round((performance.now() - t0) / 100) / 10;
  const story = p.values.fast ? FAST_STORY : STORY;
  const stopShop = startShop({ url: heed.url, project: view, adminToken: heed.adminToken, story, say, from: liveFrom });
  // The catch-up (the last ten minutes, per second) is judged once it has stopped arriving, 5 s on:
  // an alert about it is about the backfilled past too (the detector's false alarms on synthetic
  // traffic), closed as those of history are, twice in case a tick ran late. The story starts later.
  void (async () => {
    for (const wait of [8000, 8000]) {
      await new Promise((r) => setTimeout(r, wait));
      await closeLearned(liveFrom * 1000);
    }
  })().catch((err: unknown) => log.warn('closing the catch-up alerts failed', { err }));
  const facts = {
    url: heed.url,
    dashboard: `${heed.url}/`,
    adminToken: heed.adminToken,
    project: view,
    dataDir: dir,
    records,
    backfillSeconds,
  };
  if (json) out(JSON.stringify(facts));
  else {
    out(`  ${records} history records in ${backfillSeconds} s.`);
    out('');
    out(`  Dashboard     ${facts.dashboard}`);
    out(`  Admin token   ${heed.adminToken}   (paste it on the login page)`);
    out(`  DSN           ${view.dsn}`);
    out(`  Data          ${dir} (temporary SQLite, deleted on exit)`);
    out('');
    out('  What to watch over the next minutes:');
    const s = p.values.fast ? FAST_STORY : STORY;
    out(`   ${String(s.safariError).padStart(4)} s  a JavaScript error that only Safari users hit (Errors, Incidents)`);
    out(
      `   ${String(s.paymentSlow).padStart(4)} s  a slow payment provider: checkouts fall with no server error (KPIs > checkout.completed)`,
    );
    out(`   ${String(s.paymentRecovered).padStart(4)} s  the provider recovers; the incident resolves by itself`);
    out(`   ${String(s.release).padStart(4)} s  release shop@1.5.0 raises signups (KPIs > signup)`);
    out('');
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('demo stopping', { signal });
    stopShop()
      .then(() => heed.close())
      .then(
        () => {
          cleanup();
          process.exit(0);
        },
        (err: unknown) => {
          log.error('shutdown failed', { err });
          cleanup();
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return 0;
}
