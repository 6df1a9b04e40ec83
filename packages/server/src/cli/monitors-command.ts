/**
 * @module `heed verify`, `heed apply` and `heed status`: monitors as code. The file is
 * `heed.monitors.json`, `heed.monitors.yaml` / `.yml`, or `heed.monitors.mjs` / `.js` / `.ts`
 * exporting the object (default export); strings `${env:NAME}` are replaced from the environment,
 * so secrets stay out of the repository. Problems in a YAML file carry their line and column.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { type Change, type Problem, verifyDeclaration } from '../monitors/index.js';
import { CLIENT_OPTIONS, connect } from './api-client.js';
import { CONFIG_OPTIONS, type CommandSpec, out, parse, UsageError } from './args.js';
import { type FileProblem, readMonitorsFile } from './monitors-file.js';

const CANDIDATES = [
  'heed.monitors.json',
  'heed.monitors.yaml',
  'heed.monitors.yml',
  'heed.monitors.mjs',
  'heed.monitors.js',
  'heed.monitors.ts',
];
const FILE_HELP = `the monitors file (default: the first of ${CANDIDATES.join(', ')} in this folder)`;

function substitute(v: unknown, env: NodeJS.ProcessEnv, missing: Problem[], path: string): unknown {
  if (typeof v === 'string') {
    return v.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const val = env[name];
      if (val === undefined) missing.push({ path, message: `Environment variable ${name} is not set.` });
      return val ?? '';
    });
  }
  if (Array.isArray(v)) return v.map((x, i) => substitute(x, env, missing, `${path}[${i}]`));
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, env, missing, path ? `${path}.${k}` : k)]));
  return v;
}

/** Loads and validates the file: the declaration as sent to the server, and every problem. */
export async function loadMonitors(file: string | undefined, env: NodeJS.ProcessEnv) {
  const path = resolve(file ?? CANDIDATES.find((c) => existsSync(c)) ?? (CANDIDATES[0] as string));
  if (!existsSync(path))
    throw new UsageError(
      `No monitors file at ${path}. Create heed.monitors.json or heed.monitors.yaml (see docs/releases.md) or pass the path.`,
    );
  const read = await readMonitorsFile(path);
  if (read.problem) return { path, raw: undefined, problems: [read.problem] };
  const problems: Problem[] = [];
  const monitors = substitute(read.raw, env, problems, '');
  problems.push(...verifyDeclaration(monitors).problems);
  // Where each problem is in the file, when the format tells (YAML).
  const located: FileProblem[] = problems.map((p) => ({ ...p, ...read.locate(p.path) }));
  return { path, raw: monitors, problems: located };
}

const COMMON = {
  project: { type: 'string', desc: 'Project id.', default: '1' },
  ...CLIENT_OPTIONS,
  ...CONFIG_OPTIONS,
  json: { type: 'boolean', desc: 'Print JSON for scripts.' },
} as const;

function printProblems(path: string, problems: FileProblem[]) {
  process.stderr.write(`${path}: ${problems.length} problem(s)\n`);
  for (const p of problems) {
    const at = p.line !== undefined && p.path !== '(file)' ? ` (line ${p.line}, column ${p.column})` : '';
    process.stderr.write(`  ${p.path}${at}: ${p.message}\n`);
  }
}

/** `heed verify [FILE]`: validates without a server (for the app's CI). */
export async function verifyCommand(argv: string[]): Promise<number> {
  const spec: CommandSpec = {
    usage: 'heed verify [FILE] [--json]',
    summary: `Validate ${FILE_HELP}; exits 1 when it has problems.`,
    options: { json: { type: 'boolean', desc: 'Print JSON for scripts.' } },
  };
  const p = parse(spec, argv);
  if (!p) return 0;
  const r = await loadMonitors(p.positionals[0], process.env);
  if (p.values.json) out(JSON.stringify({ file: r.path, valid: r.problems.length === 0, problems: r.problems }));
  else if (r.problems.length) printProblems(r.path, r.problems);
  else out(`${r.path}: valid.`);
  return r.problems.length ? 1 : 0;
}

const describe = (c: Change) => `${c.op === 'create' ? '+' : c.op === 'delete' ? '-' : '~'} ${c.section}.${c.name}`;

/** `heed apply [FILE]`: shows the diff, asks, then syncs the server. */
export async function applyCommand(argv: string[]): Promise<number> {
  const spec: CommandSpec = {
    usage: 'heed apply [FILE] [--yes] [--project ID] [--json]',
    summary: `Sync ${FILE_HELP} to a running Heed: shows the changes first, then applies them (idempotent).`,
    options: { ...COMMON, yes: { type: 'boolean', short: 'y', desc: 'Apply without asking.' } },
  };
  const p = parse(spec, argv);
  if (!p) return 0;
  const r = await loadMonitors(p.positionals[0], process.env);
  if (r.problems.length) {
    if (p.values.json) out(JSON.stringify({ file: r.path, valid: false, problems: r.problems }));
    else printProblems(r.path, r.problems);
    return 1;
  }
  const c = await connect(p.values);
  const path = `/api/v1/projects/${p.values.project}/monitors`;
  const plan = await c.call<{ changes: Change[] }>('POST', path, { monitors: r.raw, dryRun: true });
  if (!p.values.json) {
    if (plan.changes.length === 0) out('Up to date: nothing to change.');
    for (const ch of plan.changes) out(describe(ch));
  }
  if (plan.changes.length === 0) {
    if (p.values.json) out(JSON.stringify({ applied: false, changes: [] }));
    return 0;
  }
  if (!p.values.yes) {
    if (!process.stdin.isTTY) throw new UsageError('Not a terminal: pass --yes to apply these changes.');
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Apply ${plan.changes.length} change(s)? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      out('Nothing applied.');
      return 1;
    }
  }
  const done = await c.call<{ applied: boolean; changes: Change[] }>('POST', path, { monitors: r.raw, dryRun: false });
  if (p.values.json) out(JSON.stringify(done));
  else out(`Applied ${done.changes.length} change(s).`);
  return 0;
}

/** `heed status`: how production measures up against each declaration. */
export async function statusCommand(argv: string[]): Promise<number> {
  const spec: CommandSpec = {
    usage: 'heed status [--project ID] [--json]',
    summary: 'Show each declared monitor against production.',
    options: COMMON,
  };
  const p = parse(spec, argv);
  if (!p) return 0;
  const c = await connect(p.values);
  const r = await c.call<{
    applied: boolean;
    monitors: Array<{ section: string; name: string; state: string; detail: string; owner?: string }>;
  }>('GET', `/api/v1/projects/${p.values.project}/monitors/status`);
  if (p.values.json) out(JSON.stringify(r));
  else if (!r.applied) out('No monitors applied yet: run heed apply.');
  else
    for (const m of r.monitors)
      out(`${m.state.toUpperCase().padEnd(8)} ${`${m.section}.${m.name}`.padEnd(32)} ${m.detail}${m.owner ? ` (owner: ${m.owner})` : ''}`);
  return r.monitors.some((m) => m.state === 'firing') ? 3 : 0;
}
