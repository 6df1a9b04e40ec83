/** @module `heed checks add|list|remove` and `heed heartbeats add|list|remove`: dependencies and scheduled jobs from the terminal. */
import { CLIENT_OPTIONS, connect } from './api-client.js';
import { CONFIG_OPTIONS, type CommandSpec, type OptionSpec, out, parse, UsageError } from './args.js';

const COMMON: Record<string, OptionSpec> = {
  project: { type: 'string', desc: 'Project id.', default: '1' },
  ...CLIENT_OPTIONS,
  ...CONFIG_OPTIONS,
  json: { type: 'boolean', desc: 'Print JSON for scripts.' },
};

interface Row {
  id: number;
  spec: Record<string, unknown> & { name: string };
  status: { state: string; since: number; slow?: boolean; lastResult?: { latencyMs: number; error?: string }; nextDueAt?: number };
}

const num = (v: unknown, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${flag} must be a number.`);
  return n;
};

/** `heed checks add NAME TARGET`. */
export async function checksAdd(argv: string[]): Promise<number> {
  const spec: CommandSpec = {
    usage:
      'heed checks add NAME URL|HOST:PORT [--interval S] [--timeout MS] [--expect-status 2xx] [--expect-body TEXT] [--slow MS] [--public]',
    summary: 'Add an HTTP(S) or TCP check of a dependency.',
    options: {
      ...COMMON,
      interval: { type: 'string', desc: 'Seconds between probes (1 to 86400).', default: '60' },
      timeout: { type: 'string', desc: 'Timeout of one probe in ms.' },
      method: { type: 'string', desc: 'HTTP method.', default: 'GET' },
      header: { type: 'string', multiple: true, desc: "Request header 'Name: value' (repeatable)." },
      'expect-status': { type: 'string', desc: 'Accepted statuses, comma-separated (e.g. 200,3xx).' },
      'expect-body': { type: 'string', desc: 'Text the body must contain.' },
      'no-redirects': { type: 'boolean', desc: 'Do not follow redirects.' },
      slow: { type: 'string', desc: 'Responses slower than this many ms warn.' },
      failures: { type: 'string', desc: 'Consecutive failures before down.', default: '2' },
      severity: { type: 'string', desc: 'critical or warning.', default: 'critical' },
      public: { type: 'boolean', desc: 'Show it on the public status page.' },
    },
    examples: [
      'heed checks add payments https://pay.example.com/health --interval 10 --slow 800',
      'heed checks add db 10.0.0.5:5432 --interval 5',
    ],
  };
  const p = parse(spec, argv);
  if (!p) return 0;
  const [name, target] = p.positionals;
  if (!name || !target) throw new UsageError(`Give a NAME and a URL or HOST:PORT.\n\nUsage: ${spec.usage}`);
  const v = p.values;
  const headers: Record<string, string> = {};
  for (const h of (v.header as string[] | undefined) ?? []) {
    const i = h.indexOf(':');
    if (i < 1) throw new UsageError(`--header '${h}' must look like 'Name: value'.`);
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  const body = {
    name,
    target,
    intervalSeconds: num(v.interval, 'interval'),
    timeoutMs: num(v.timeout, 'timeout'),
    ...(/^[a-z]+:\/\//i.test(target) ? { method: v.method, headers, followRedirects: !v['no-redirects'] } : { kind: 'tcp' }),
    expectStatus: typeof v['expect-status'] === 'string' ? v['expect-status'].split(',').map((s) => s.trim()) : undefined,
    expectBody: v['expect-body'],
    slowMs: num(v.slow, 'slow'),
    failureThreshold: num(v.failures, 'failures'),
    severity: v.severity,
    public: v.public === true,
  };
  const c = await connect(v);
  const row = await c.call<Row>('POST', `/api/v1/projects/${v.project}/checks`, body);
  if (v.json) out(JSON.stringify(row));
  else out(`Added check #${row.id} ${name}: ${target} every ${row.spec.intervalSeconds} s.`);
  return 0;
}

const ago = (ms: number) => {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
};

function lister(kind: 'checks' | 'heartbeats') {
  return async (argv: string[]): Promise<number> => {
    const spec: CommandSpec = {
      usage: `heed ${kind} list [--project ID] [--json]`,
      summary: `List ${kind} with their current state.`,
      options: COMMON,
    };
    const p = parse(spec, argv);
    if (!p) return 0;
    const c = await connect(p.values);
    const rows = (await c.call<Record<string, Row[]>>('GET', `/api/v1/projects/${p.values.project}/${kind}`))[kind] ?? [];
    if (p.values.json) out(JSON.stringify(rows));
    else if (rows.length === 0) out(`No ${kind}.`);
    else
      for (const r of rows) {
        const what = kind === 'checks' ? String(r.spec.target) : `${String(r.spec.slug)} (${JSON.stringify(r.spec.schedule)})`;
        const last = r.status.lastResult
          ? ` ${r.status.lastResult.latencyMs} ms${r.status.lastResult.error ? ` ${r.status.lastResult.error}` : ''}`
          : '';
        out(
          `#${String(r.id).padEnd(4)} ${r.status.state.padEnd(8)}${r.status.slow ? ' slow' : ''} ${ago(r.status.since).padEnd(5)} ${r.spec.name}: ${what}${last}`,
        );
      }
    return 0;
  };
}

function remover(kind: 'checks' | 'heartbeats') {
  return async (argv: string[]): Promise<number> => {
    const spec: CommandSpec = {
      usage: `heed ${kind} remove ID [--project ID]`,
      summary: `Remove one of the ${kind} (its open alerts recover).`,
      options: COMMON,
    };
    const p = parse(spec, argv);
    if (!p) return 0;
    const id = Number(p.positionals[0]);
    if (!Number.isInteger(id) || id < 1) throw new UsageError(`Give the ID (see heed ${kind} list).\n\nUsage: ${spec.usage}`);
    const c = await connect(p.values);
    await c.call('DELETE', `/api/v1/projects/${p.values.project}/${kind}/${id}`);
    out(p.values.json ? JSON.stringify({ deleted: id }) : `Removed #${id}.`);
    return 0;
  };
}

/** `heed heartbeats add SLUG SCHEDULE`. */
export async function heartbeatsAdd(argv: string[]): Promise<number> {
  const spec: CommandSpec = {
    usage: 'heed heartbeats add SLUG SCHEDULE [--timezone TZ] [--grace S] [--max-runtime S] [--public]',
    summary: "Add a heartbeat: SCHEDULE is a cron expression ('0 3 * * *'), 'every 5m', or seconds. Prints the ping URL.",
    options: {
      ...COMMON,
      name: { type: 'string', desc: 'Display name (default: the slug).' },
      timezone: { type: 'string', desc: 'IANA time zone of a cron schedule.', default: 'UTC' },
      grace: { type: 'string', desc: 'Seconds a check-in may be late.' },
      'max-runtime': { type: 'string', desc: 'Seconds a run may stay in progress.' },
      severity: { type: 'string', desc: 'critical or warning.', default: 'critical' },
      public: { type: 'boolean', desc: 'Show it on the public status page.' },
    },
    examples: ["heed heartbeats add nightly-export '0 3 * * *' --timezone Europe/Berlin --grace 600"],
  };
  const p = parse(spec, argv);
  if (!p) return 0;
  const [slug, schedule] = p.positionals;
  if (!slug || !schedule) throw new UsageError(`Give a SLUG and a SCHEDULE.\n\nUsage: ${spec.usage}`);
  const v = p.values;
  const c = await connect(v);
  const row = await c.call<Row & { pingUrl: string }>('POST', `/api/v1/projects/${v.project}/heartbeats`, {
    slug,
    name: v.name,
    schedule: /^\d+$/.test(schedule) ? Number(schedule) : schedule,
    timezone: v.timezone,
    graceSeconds: num(v.grace, 'grace'),
    maxRuntimeSeconds: num(v['max-runtime'], 'max-runtime'),
    severity: v.severity,
    public: v.public === true,
  });
  if (v.json) out(JSON.stringify(row));
  else out(`Added heartbeat #${row.id} ${slug}. Check in with:\n  curl -fsS '${row.pingUrl}'`);
  return 0;
}

export const checksList = lister('checks');
export const checksRemove = remover('checks');
export const heartbeatsList = lister('heartbeats');
export const heartbeatsRemove = remover('heartbeats');
