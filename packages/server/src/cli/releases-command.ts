/** @module `heed releases deploy|list|impact`: record deploys from CI and read their impact. */
import { CLIENT_OPTIONS, connect } from './api-client.js';
import { CONFIG_OPTIONS, type CommandSpec, out, parse, UsageError } from './args.js';

const COMMON = {
  project: { type: 'string', desc: 'Project id.', default: '1' },
  ...CLIENT_OPTIONS,
  ...CONFIG_OPTIONS,
  json: { type: 'boolean', desc: 'Print JSON for scripts.' },
} as const;

/** `heed releases deploy VERSION`. */
export async function releasesDeploy(argv: string[]): Promise<number> {
  const spec: CommandSpec = {
    usage: 'heed releases deploy VERSION [--environment E] [--commit SHA] [--at TIME] [--project ID] [--json]',
    summary: 'Record a deploy of a release (run it from your CI pipeline after deploying).',
    options: {
      ...COMMON,
      environment: { type: 'string', desc: 'Environment deployed to.', default: 'production' },
      commit: { type: 'string', desc: 'Commit id deployed.' },
      at: { type: 'string', desc: 'When it was deployed (ISO-8601; default now).' },
    },
    examples: ['heed releases deploy shop@1.4.0 --commit $GITHUB_SHA'],
  };
  const p = parse(spec, argv);
  if (!p) return 0;
  const version = p.positionals[0];
  if (!version) throw new UsageError('Give the VERSION deployed, e.g. heed releases deploy shop@1.4.0.');
  const c = await connect(p.values);
  const body = {
    version,
    environment: p.values.environment,
    ...(p.values.commit ? { commit: p.values.commit } : {}),
    ...(p.values.at ? { at: p.values.at } : {}),
  };
  const d = await c.call<{ id: number; version: string; environment: string; at: string }>(
    'POST',
    `/api/v1/projects/${p.values.project}/releases`,
    body,
  );
  if (p.values.json) out(JSON.stringify(d));
  else out(`Deploy #${d.id}: ${d.version} to ${d.environment} at ${d.at}. Impact: heed releases impact ${d.version}`);
  return 0;
}

/** `heed releases list`. */
export async function releasesList(argv: string[]): Promise<number> {
  const spec: CommandSpec = {
    usage: 'heed releases list [--project ID] [--json]',
    summary: 'List releases, newest first.',
    options: COMMON,
  };
  const p = parse(spec, argv);
  if (!p) return 0;
  const c = await connect(p.values);
  const { releases } = await c.call<{
    releases: Array<{ version: string; environments: string[]; lastDeployAt: string; deploys: number }>;
  }>('GET', `/api/v1/projects/${p.values.project}/releases`);
  if (p.values.json) out(JSON.stringify(releases));
  else if (releases.length === 0) out('No releases yet.');
  else
    for (const r of releases)
      out(`${r.version.padEnd(30)} ${r.environments.join(',').padEnd(14)} ${r.lastDeployAt} (${r.deploys} deploy(s))`);
  return 0;
}

interface Report {
  status: string;
  summary: string;
  kpis: Array<{ text: string; segments: Array<{ tag: string; value: string; effect: number }> }>;
  funnels: Array<{ steps: Array<{ text: string }> }>;
  errors: { newIssues: unknown[]; regressions: unknown[]; errorEventsPerHour: { release: number | null; previous: number | null } };
}

/** `heed releases impact VERSION`. */
export async function releasesImpact(argv: string[]): Promise<number> {
  const spec: CommandSpec = {
    usage: 'heed releases impact VERSION [--environment E] [--horizon HOURS] [--project ID] [--json]',
    summary: "A release's latest deploy: its effect on every KPI and funnel (95% CI), and its errors.",
    options: {
      ...COMMON,
      environment: { type: 'string', desc: 'Environment.' },
      horizon: { type: 'string', desc: 'Hours judged.', default: '24' },
    },
  };
  const p = parse(spec, argv);
  if (!p) return 0;
  const version = p.positionals[0];
  if (!version) throw new UsageError('Give the VERSION, e.g. heed releases impact shop@1.4.0.');
  const c = await connect(p.values);
  const qs = new URLSearchParams({ horizon: String(p.values.horizon) });
  if (p.values.environment) qs.set('environment', String(p.values.environment));
  const r = await c.call<Report>('GET', `/api/v1/projects/${p.values.project}/releases/${encodeURIComponent(version)}/impact?${qs}`);
  if (p.values.json) {
    out(JSON.stringify(r));
    return 0;
  }
  out(`${r.summary} [${r.status}]`);
  for (const k of r.kpis) {
    out(`  ${k.text}`);
    for (const s of k.segments) out(`    ${s.tag}=${s.value} differs: ${(s.effect * 100).toFixed(1)}%`);
  }
  for (const f of r.funnels) for (const s of f.steps) out(`  ${s.text}`);
  const e = r.errors;
  out(
    `  errors: ${e.newIssues.length} new issue(s), ${e.regressions.length} regression(s), ${e.errorEventsPerHour.release?.toFixed(1) ?? '-'} events/h (before: ${e.errorEventsPerHour.previous?.toFixed(1) ?? '-'})`,
  );
  return 0;
}
