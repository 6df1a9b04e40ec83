/** @module `heed incidents list|ack|resolve` and `heed report`: incidents and MTTx from the terminal. */
import { CLIENT_OPTIONS, connect } from './api-client.js';
import { CONFIG_OPTIONS, type CommandSpec, out, parse, UsageError } from './args.js';

const COMMON = {
  project: { type: 'string', desc: 'Project id.', default: '1' },
  ...CLIENT_OPTIONS,
  ...CONFIG_OPTIONS,
  json: { type: 'boolean', desc: 'Print JSON for scripts.' },
} as const;

interface IncidentRow {
  id: number;
  status: string;
  severity: string;
  title: string;
  detectedAt: number;
  alerts: unknown[];
}

const ago = (ms: number) => {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
};

/** `heed incidents list`. */
export async function incidentsList(argv: string[]): Promise<number> {
  const spec: CommandSpec = {
    usage: 'heed incidents list [--project ID] [--status open|triggered|acknowledged|resolved] [--json]',
    summary: 'List incidents of a project, newest first.',
    options: { ...COMMON, status: { type: 'string', desc: 'Only incidents in this state (open = not resolved).' } },
  };
  const p = parse(spec, argv);
  if (!p) return 0;
  const c = await connect(p.values);
  const qs = p.values.status ? `?status=${encodeURIComponent(p.values.status as string)}` : '';
  const { incidents } = await c.call<{ incidents: IncidentRow[] }>('GET', `/api/v1/projects/${p.values.project}/incidents${qs}`);
  if (p.values.json) out(JSON.stringify(incidents));
  else if (incidents.length === 0) out('No incidents.');
  else
    for (const i of incidents)
      out(
        `#${String(i.id).padEnd(5)} ${i.status.padEnd(13)} ${i.severity.padEnd(9)} ${ago(i.detectedAt).padEnd(9)} ${i.title} (${i.alerts.length} alert${i.alerts.length === 1 ? '' : 's'})`,
      );
  return 0;
}

function change(verb: 'ack' | 'resolve') {
  return async (argv: string[]): Promise<number> => {
    const spec: CommandSpec = {
      usage: `heed incidents ${verb} ID [--by NAME] [--project ID] [--json]`,
      summary:
        verb === 'ack'
          ? 'Acknowledge an incident: stops repeats and escalation.'
          : 'Resolve an incident and notify the channels that were paged.',
      options: { ...COMMON, by: { type: 'string', desc: 'Who does it (shown on the timeline).', default: 'cli' } },
    };
    const p = parse(spec, argv);
    if (!p) return 0;
    const id = Number(p.positionals[0]);
    if (!Number.isInteger(id) || id < 1) throw new UsageError(`Give the incident ID (see heed incidents list).\n\nUsage: ${spec.usage}`);
    const c = await connect(p.values);
    const inc = await c.call<IncidentRow>('POST', `/api/v1/projects/${p.values.project}/incidents/${id}/${verb}`, { by: p.values.by });
    if (p.values.json) out(JSON.stringify(inc));
    else out(`#${inc.id} is ${inc.status}: ${inc.title}`);
    return 0;
  };
}

export const incidentsAck = change('ack');
export const incidentsResolve = change('resolve');

interface Stat {
  n: number;
  mean: number | null;
  p50: number | null;
}

/** `heed report`. */
export async function reportCommand(argv: string[]): Promise<number> {
  const spec: CommandSpec = {
    usage: 'heed report [--project ID] [--from -30d] [--to now] [--json]',
    summary: 'How fast incidents were detected (MTTD), notified (MTTN), acknowledged (MTTA) and resolved (MTTR).',
    options: {
      ...COMMON,
      from: { type: 'string', desc: 'Start of the period.', default: '-30d' },
      to: { type: 'string', desc: 'End of the period.', default: 'now' },
    },
  };
  const p = parse(spec, argv);
  if (!p) return 0;
  const c = await connect(p.values);
  const q = `?from=${encodeURIComponent(p.values.from as string)}&to=${encodeURIComponent(p.values.to as string)}`;
  const r = await c.call<{ incidents: number; open: number; mttd: Stat; mttn: Stat; mtta: Stat; mttr: Stat }>(
    'GET',
    `/api/v1/projects/${p.values.project}/report${q}`,
  );
  if (p.values.json) {
    out(JSON.stringify(r));
    return 0;
  }
  const fmt = (s: Stat) => (s.n === 0 ? 'n/a' : `median ${dur(s.p50)}, mean ${dur(s.mean)} (${s.n})`);
  out(`${r.incidents} incidents (${r.open} open) from ${p.values.from} to ${p.values.to}`);
  out(`  MTTD  onset to detection        ${fmt(r.mttd)}`);
  out(`  MTTN  detection to notification  ${fmt(r.mttn)}`);
  out(`  MTTA  detection to acknowledged  ${fmt(r.mtta)}`);
  out(`  MTTR  onset to resolution        ${fmt(r.mttr)}`);
  return 0;
}

function dur(s: number | null): string {
  if (s === null) return 'n/a';
  if (s < 120) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
