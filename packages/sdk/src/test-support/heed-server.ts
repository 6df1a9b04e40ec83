/** @module Test support: a real Heed server in-process on a loopback port, with a memory store. */
import { loadConfig } from '../../../server/src/config/index.js';
import { createLogger } from '../../../server/src/kernel/index.js';
import { startHeed } from '../../../server/src/main.js';

/** A running Heed for SDK tests. */
export interface TestServer {
  url: string;
  dsn: string;
  projectId: number;
  /** GETs an admin API path (JSON). */
  get(path: string): Promise<{ status: number; body: Record<string, unknown> }>;
  /** The query API's total of a KPI over the last 5 minutes. */
  total(kpi: string, params?: string): Promise<number>;
  close(): Promise<void>;
}

/** Starts Heed with the given config flags (plus memory store, port 0, a known admin token). */
export async function startTestServer(flags: Record<string, unknown> = {}): Promise<TestServer> {
  const { config } = loadConfig({
    env: {},
    flags: { 'server.port': 0, 'store.kind': 'memory', 'auth.adminToken': 'adm', 'log.level': 'silent', ...flags },
  });
  const heed = await startHeed(config, { log: createLogger('silent') });
  const project = (await heed.services.store.listProjects())[0];
  if (!project) throw new Error('no default project');
  const get = async (path: string) => {
    const r = await fetch(`${heed.url}${path}`, { headers: { authorization: 'Bearer adm' } });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  return {
    url: heed.url,
    dsn: `http://${project.key}@${new URL(heed.url).host}/${project.id}`,
    projectId: project.id,
    get,
    async total(kpi, params = '') {
      const r = await get(`/api/v1/projects/${project.id}/query?kpi=${encodeURIComponent(kpi)}&from=-5m${params}`);
      const lines = (r.body.lines ?? []) as Array<{ total: number | null }>;
      return lines.reduce((s, l) => s + (l.total ?? 0), 0);
    },
    close: () => heed.close(),
  };
}
