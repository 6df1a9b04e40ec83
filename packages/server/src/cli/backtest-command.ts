/**
 * @module `heed backtest --input DIR --output DIR`: what live Heed would have said about history.
 * Each `timestamp,value` CSV under the input folder goes through the live detectors; a CSV with
 * `timestamp,value,anomaly_score,alert` (one row per input row) is written at the same relative path.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { type Point, runBacktest, type SeriesKind } from '../detect/index.js';
import { type CommandSpec, out, parse, UsageError } from './args.js';
import { splitCsvLine } from './csv.js';

const SPEC: CommandSpec = {
  usage: 'heed backtest --input DIR --output DIR [--kind count|gauge|auto] [--direction drop|spike|both] [--json]',
  summary: [
    'Run the live detectors over history. Every CSV under --input holds one series: a header line, then',
    '`timestamp,value` rows (a count per interval, or a gauge reading). For each, a CSV at the same relative',
    'path under --output gets `timestamp,value,anomaly_score,alert`, one row per input row; alert is 1 exactly',
    'where Heed would have alerted; anomaly_score ranks how surprising each point was, on one scale for every',
    'series (0.5 is p = 1e-5). Timestamps are ISO dates (UTC unless they say otherwise) or epoch s/ms.',
  ].join('\n'),
  options: {
    input: { type: 'string', desc: 'Folder of input CSVs (searched recursively), or one CSV file.' },
    output: { type: 'string', desc: 'Folder for the result CSVs.' },
    kind: {
      type: 'string',
      desc: 'count, gauge, or auto (counts when every value is a whole number >= 0 varying at least as much as Poisson counts).',
      default: 'auto',
    },
    direction: { type: 'string', desc: 'Alert on drops, spikes or both (default: per kind).' },
    sensitivity: { type: 'string', desc: 'False alarms per week you accept on a normal series (default: per kind).' },
    json: { type: 'boolean', desc: 'Print a JSON summary per file.' },
  },
  examples: ['heed backtest --input history/ --output verdicts/', 'heed backtest --input checkouts.csv --output out/ --kind count'],
};

/** Parses a timestamp cell to epoch seconds: ISO-like text (UTC when no zone is given) or epoch s/ms. */
export function parseTimestamp(cell: string): number {
  const v = cell.trim();
  if (/^-?\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    return n > 1e11 ? n / 1000 : n;
  }
  const iso = v.includes('T') ? v : v.replace(' ', 'T');
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(iso) ? iso : `${iso}Z`;
  return Date.parse(zoned) / 1000;
}

function listCsv(root: string): string[] {
  if (statSync(root).isFile()) return [root];
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.toLowerCase().endsWith('.csv')) found.push(p);
    }
  };
  walk(root);
  return found;
}

interface Table {
  raw: Array<[string, string]>;
  points: Point[];
}

function readSeries(file: string): Table {
  const lines = readFileSync(file, 'utf8').split('\n');
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim().toLowerCase());
  const tsCol = header.findIndex((h) => h === 'timestamp' || h === 'ts' || h === 'time');
  const valCol = header.indexOf('value');
  if (tsCol < 0 || valCol < 0) throw new UsageError(`${file}: the header must name a timestamp and a value column (got: ${lines[0]}).`);
  const raw: Table['raw'] = [];
  const points: Point[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const f = splitCsvLine(line);
    const tsCell = f[tsCol] ?? '';
    const valCell = f[valCol] ?? '';
    const ts = parseTimestamp(tsCell);
    if (!Number.isFinite(ts)) throw new UsageError(`${file}:${i + 1}: cannot read the timestamp '${tsCell}'.`);
    raw.push([tsCell, valCell]);
    points.push({ ts, value: valCell.trim() === '' ? Number.NaN : Number(valCell) });
  }
  return { raw, points };
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** Runs `heed backtest`. */
export async function backtestCommand(argv: string[]): Promise<number> {
  const p = parse(SPEC, argv);
  if (!p) return 0;
  const input = p.values.input;
  const output = p.values.output;
  if (typeof input !== 'string' || typeof output !== 'string') throw new UsageError(`Give --input and --output.\n\n${SPEC.usage}`);
  const kind = (p.values.kind as string | undefined) ?? 'auto';
  if (kind !== 'count' && kind !== 'gauge' && kind !== 'auto') throw new UsageError("--kind must be 'count', 'gauge' or 'auto'.");
  const direction = p.values.direction as string | undefined;
  if (direction !== undefined && direction !== 'drop' && direction !== 'spike' && direction !== 'both')
    throw new UsageError("--direction must be 'drop', 'spike' or 'both'.");
  const sensitivity = p.values.sensitivity === undefined ? undefined : Number(p.values.sensitivity);
  if (sensitivity !== undefined && !(sensitivity > 0))
    throw new UsageError('--sensitivity must be a positive number of false alarms per week.');
  let files: string[];
  try {
    files = listCsv(input);
  } catch {
    throw new UsageError(`Cannot read --input ${input}: no such file or folder.`);
  }
  if (files.length === 0) throw new UsageError(`No .csv files under ${input}.`);
  const base = statSync(input).isFile() ? dirname(input) : input;
  let totalAlerts = 0;
  for (const file of files) {
    const table = readSeries(file);
    const r = runBacktest(table.points, {
      kind: kind as SeriesKind | 'auto',
      ...(direction ? { direction: direction as 'drop' | 'spike' | 'both' } : {}),
      ...(sensitivity ? { falseAlarmsPerWeek: sensitivity } : {}),
    });
    const rows = ['timestamp,value,anomaly_score,alert'];
    table.raw.forEach(([ts, v], i) => {
      rows.push(`${csvCell(ts)},${csvCell(v)},${(r.scores[i] as number).toFixed(6)},${r.alerts[i]}`);
    });
    const rel = relative(base, file);
    const dest = join(output, rel);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, `${rows.join('\n')}\n`);
    totalAlerts += r.raised.length;
    if (p.values.json) out(JSON.stringify({ file: rel, kind: r.kind, rows: table.raw.length, alerts: r.raised, shifts: r.shifts }));
    else {
      out(`${rel}: ${table.raw.length} rows, ${r.kind}, ${r.raised.length} alert${r.raised.length === 1 ? '' : 's'}`);
      for (const a of r.raised.slice(0, 5)) out(`  ${new Date(a.ts * 1000).toISOString()} ${a.direction}: ${a.explanation}`);
      if (r.raised.length > 5) out(`  ... and ${r.raised.length - 5} more`);
    }
  }
  if (!p.values.json) out(`${files.length} file${files.length === 1 ? '' : 's'} written to ${output}, ${totalAlerts} alerts in all.`);
  return 0;
}
