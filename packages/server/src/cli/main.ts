/** @module The `heed` command: dispatches to subcommands; every command answers --help. */

import { UsageError } from './args.js';
import { backtestCommand } from './backtest-command.js';
import { checksAdd, checksList, checksRemove, heartbeatsAdd, heartbeatsList, heartbeatsRemove } from './checks-command.js';
import { configPrint } from './config-print.js';
import { demoCommand } from './demo-command.js';
import { importCommand } from './import-command.js';
import { incidentsAck, incidentsList, incidentsResolve, reportCommand } from './incidents-command.js';
import { migrateCommand } from './migrate-command.js';
import { applyCommand, statusCommand, verifyCommand } from './monitors-command.js';
import { projectsCreate, projectsList, projectsRotateKey } from './projects-command.js';
import { releasesDeploy, releasesImpact, releasesList } from './releases-command.js';
import { sourcemapsList, sourcemapsUpload } from './sourcemaps-command.js';
import { startCommand } from './start-command.js';

type Run = (argv: string[]) => Promise<number>;
interface Entry {
  summary: string;
  run?: Run;
  subs?: Record<string, { summary: string; run: Run }>;
}

const COMMANDS: Record<string, Entry> = {
  start: { summary: 'Start the Heed server (embedded SQLite by default).', run: startCommand },
  demo: { summary: 'Start Heed with a simulated shop, weeks of history and a story to watch.', run: demoCommand },
  migrate: { summary: 'Apply pending schema migrations to the configured store (ClickHouse: run before start).', run: migrateCommand },
  projects: {
    summary: 'Create, list and rotate the keys of projects.',
    subs: {
      create: { summary: 'Create a project and print its DSN.', run: projectsCreate },
      list: { summary: 'List projects with their DSNs.', run: projectsList },
      'rotate-key': { summary: 'Give a project a new ingest key (the old one stops working).', run: projectsRotateKey },
    },
  },
  import: { summary: 'Backfill history from an NDJSON or CSV file into a running Heed.', run: importCommand },
  backtest: { summary: 'Run the live detectors over CSV history; write scores and alerts per row.', run: backtestCommand },
  checks: {
    summary: 'Add, list and remove active checks of dependencies (HTTP, TCP).',
    subs: {
      add: { summary: 'Add an HTTP(S) or TCP check.', run: checksAdd },
      list: { summary: 'List checks with their state.', run: checksList },
      remove: { summary: 'Remove a check.', run: checksRemove },
    },
  },
  heartbeats: {
    summary: 'Add, list and remove heartbeats of scheduled jobs.',
    subs: {
      add: { summary: 'Add a heartbeat; prints its ping URL.', run: heartbeatsAdd },
      list: { summary: 'List heartbeats with their state.', run: heartbeatsList },
      remove: { summary: 'Remove a heartbeat.', run: heartbeatsRemove },
    },
  },
  incidents: {
    summary: 'List, acknowledge and resolve incidents.',
    subs: {
      list: { summary: 'List incidents, newest first.', run: incidentsList },
      ack: { summary: 'Acknowledge an incident.', run: incidentsAck },
      resolve: { summary: 'Resolve an incident.', run: incidentsResolve },
    },
  },
  releases: {
    summary: 'Record deploys and read their impact on KPIs, funnels and errors.',
    subs: {
      deploy: { summary: 'Record a deploy (from CI): VERSION [--environment] [--commit].', run: releasesDeploy },
      list: { summary: 'List releases, newest first.', run: releasesList },
      impact: { summary: "A release's effect on every KPI and funnel, with 95% intervals.", run: releasesImpact },
    },
  },
  sourcemaps: {
    summary: 'Upload and list source maps of a release (minified browser errors shown as the source).',
    subs: {
      upload: { summary: 'Upload the *.map files (and minified files) of a build folder.', run: sourcemapsUpload },
      list: { summary: 'List the files uploaded for a release.', run: sourcemapsList },
    },
  },
  verify: { summary: 'Validate the monitors file (heed.monitors.json or .yaml) for CI.', run: verifyCommand },
  apply: { summary: 'Sync the monitors file to a running Heed (diff first).', run: applyCommand },
  status: { summary: 'Show each declared monitor against production.', run: statusCommand },
  report: { summary: 'MTTD, MTTN, MTTA and MTTR of a period.', run: reportCommand },
  config: {
    summary: 'Inspect the configuration.',
    subs: { print: { summary: 'Print the effective config, secrets masked.', run: configPrint } },
  },
};

function topHelp(): string {
  const lines = ['Usage: heed <command> [options]', '', 'Heed: know in the first second when production breaks.', '', 'Commands:'];
  for (const [name, e] of Object.entries(COMMANDS)) {
    if (e.subs) for (const [sub, s] of Object.entries(e.subs)) lines.push(`  ${`${name} ${sub}`.padEnd(22)} ${s.summary}`);
    else lines.push(`  ${name.padEnd(22)} ${e.summary}`);
  }
  lines.push('', "Run 'heed <command> --help' for a command's options.");
  return `${lines.join('\n')}\n`;
}

function groupHelp(name: string, e: Entry): string {
  const lines = [`Usage: heed ${name} <subcommand> [options]`, '', e.summary, '', 'Subcommands:'];
  for (const [sub, s] of Object.entries(e.subs ?? {})) lines.push(`  ${sub.padEnd(14)} ${s.summary}`);
  lines.push('', `Run 'heed ${name} <subcommand> --help' for its options.`);
  return `${lines.join('\n')}\n`;
}

/** Runs the CLI with argv (without node and script); resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      process.stdout.write(topHelp());
      return cmd === undefined ? 2 : 0;
    }
    if (cmd === '--version' || cmd === '-v') {
      process.stdout.write('heed 0.1.0\n');
      return 0;
    }
    const entry = COMMANDS[cmd];
    if (!entry) throw new UsageError(`Unknown command '${cmd}'.\n\n${topHelp()}`);
    if (entry.run) return await entry.run(rest);
    const [sub, ...subArgs] = rest;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      process.stdout.write(groupHelp(cmd, entry));
      return sub === undefined ? 2 : 0;
    }
    const s = entry.subs?.[sub];
    if (!s) throw new UsageError(`Unknown subcommand '${cmd} ${sub}'.\n\n${groupHelp(cmd, entry)}`);
    return await s.run(subArgs);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`heed: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`heed: ${(err as Error).message}\n`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCli(process.argv.slice(2)).then((code) => {
    if (code !== 0 || process.exitCode === undefined) process.exitCode = code;
  });
}
