/** @module `heed import FILE`: backfill history through the running server's ingest endpoint. */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { CLIENT_OPTIONS, connect } from './api-client.js';
import { CONFIG_OPTIONS, type CommandSpec, out, parse, UsageError } from './args.js';
import { csvRowToEvent, splitCsvLine } from './csv.js';

const SPEC: CommandSpec = {
  usage: 'heed import FILE [--project ID] [--url URL] [--token TOKEN] [--format ndjson|csv] [--name KPI] [--kind count|gauge] [--json]',
  summary: [
    'Backfill history, so baselines are learned from the past on day one. FILE is NDJSON (one event',
    'object a line, as the ingest API takes them) or CSV with a header: either events (columns name,',
    'ts, value, count, type and any other column as a tag) or one series of `timestamp,value` rows with',
    '--name (counts per interval for --kind count, readings for --kind gauge). Sends to a running Heed.',
  ].join('\n'),
  options: {
    project: { type: 'string', desc: 'Project id to import into.', default: '1' },
    ...CLIENT_OPTIONS,
    format: { type: 'string', desc: 'ndjson or csv (default: from the file extension).' },
    name: { type: 'string', desc: 'KPI name for a timestamp,value CSV.' },
    kind: { type: 'string', desc: 'count or gauge, for a timestamp,value CSV.', default: 'count' },
    batch: { type: 'string', desc: 'Events per request.', default: '5000' },
    ...CONFIG_OPTIONS,
    json: { type: 'boolean', desc: 'Print the summary as JSON.' },
  },
  examples: ['heed import history.ndjson', 'heed import checkouts.csv --name checkout.completed --kind count --project 2'],
};

interface Summary {
  file: string;
  lines: number;
  sent: number;
  accepted: number;
  rejected: number;
  rejectedByCode: Record<string, number>;
  firstRejections: Array<{ line: number; code: string; message: string }>;
}

/** Runs the import; exit code 1 when any event was rejected. */
export async function importCommand(argv: string[]): Promise<number> {
  const p = parse(SPEC, argv);
  if (!p) return 0;
  const file = p.positionals[0];
  if (!file) throw new UsageError(`Give the FILE to import.\n\n${SPEC.usage}`);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new UsageError(`Cannot read ${file}: no such file.`);
  }
  const format = (p.values.format as string | undefined) ?? (/\.csv$/i.test(file) ? 'csv' : 'ndjson');
  if (format !== 'csv' && format !== 'ndjson') throw new UsageError("--format must be 'ndjson' or 'csv'.");
  const kind = p.values.kind as string;
  if (kind !== 'count' && kind !== 'gauge') throw new UsageError("--kind must be 'count' or 'gauge'.");
  const batchSize = Number(p.values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError('--batch must be a positive integer.');
  const { url, token } = await connect(p.values);
  const endpoint = `${url.replace(/\/$/, '')}/api/${p.values.project}/events`;

  const sum: Summary = { file, lines: 0, sent: 0, accepted: 0, rejected: 0, rejectedByCode: {}, firstRejections: [] };
  let batch: string[] = [];
  let batchLines: number[] = [];
  let header: string[] | undefined;
  let bytes = 0;
  let lastProgress = 0;
  const progress = (final = false) => {
    const now = Date.now();
    if (!final && now - lastProgress < 1000) return;
    lastProgress = now;
    const pct = size > 0 ? Math.min(100, Math.round((bytes / size) * 100)) : 100;
    process.stderr.write(`import: ${pct}% of ${file}, ${sum.accepted} accepted, ${sum.rejected} rejected\n`);
  };
  const flush = async () => {
    if (batch.length === 0) return;
    // NDJSON, so a malformed line is rejected alone with its index, not the whole batch.
    const body = batch.join('\n');
    const lines = batchLines;
    batch = [];
    batchLines = [];
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
        body,
      });
    } catch (err) {
      throw new Error(`Cannot reach Heed at ${url} (${(err as Error).message}). Is it running? Start it with heed start, or pass --url.`);
    }
    const answer = (await res.json().catch(() => ({}))) as {
      accepted?: number;
      rejected?: Array<{ index: number; code: string; message: string }>;
      error?: { code: string; message: string; rejected?: Array<{ index: number; code: string; message: string }> };
    };
    const rejected = answer.rejected ?? answer.error?.rejected;
    if (!res.ok && !rejected) throw new Error(`Heed refused the batch: ${res.status} ${answer.error?.code}: ${answer.error?.message}`);
    sum.sent += lines.length;
    sum.accepted += answer.accepted ?? 0;
    for (const r of rejected ?? []) {
      sum.rejected++;
      sum.rejectedByCode[r.code] = (sum.rejectedByCode[r.code] ?? 0) + 1;
      if (sum.firstRejections.length < 20) sum.firstRejections.push({ line: lines[r.index] ?? -1, code: r.code, message: r.message });
    }
    progress();
  };

  const rl = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    sum.lines++;
    bytes += Buffer.byteLength(line) + 1;
    if (line.trim() === '') continue;
    let item: string;
    if (format === 'csv') {
      if (!header) {
        header = splitCsvLine(line).map((h) => h.trim().toLowerCase());
        if (!header.includes('name') && !p.values.name) {
          throw new UsageError('This CSV has no name column: pass --name KPI for a timestamp,value series.');
        }
        continue;
      }
      item = JSON.stringify(csvRowToEvent(header, splitCsvLine(line), { name: p.values.name as string | undefined, kind }));
    } else item = line;
    batch.push(item);
    batchLines.push(sum.lines);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  progress(true);
  if (p.values.json) out(JSON.stringify(sum));
  else {
    out(`Imported ${sum.accepted} of ${sum.sent} events from ${file} into project ${p.values.project}.`);
    for (const [code, n] of Object.entries(sum.rejectedByCode)) out(`  rejected ${n} x ${code}`);
    for (const r of sum.firstRejections.slice(0, 5)) out(`  line ${r.line}: ${r.code}: ${r.message}`);
  }
  return sum.rejected > 0 ? 1 : 0;
}
