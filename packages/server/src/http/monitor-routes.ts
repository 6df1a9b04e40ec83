/** @module Monitors-as-code API: validate, diff and apply a declaration; status against production. */

import { type CheckSpec, type HeartbeatSpec, validateCheck, validateHeartbeat } from '../checks/index.js';
import { ApiError } from '../kernel/index.js';
import {
  appliedDeclaration,
  applyDeclaration,
  monitorStatus,
  planApply,
  validateKpiSettings,
  verifyDeclaration,
} from '../monitors/index.js';
import { admin, projectOf } from './admin-routes.js';
import type { Handler } from './context.js';
import { readJson } from './read-json.js';
import type { Services } from './services.js';

/** The monitors routes. */
export function monitorRoutes(s: Services): Array<[string, string, Handler]> {
  const base = '/api/v1/projects/:projectId/monitors';
  return [
    [
      'POST',
      base,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const body = await readJson(ctx.req);
        const extra = Object.keys(body).find((k) => k !== 'monitors' && k !== 'dryRun');
        if (extra) throw new ApiError('request.invalid_body', `Unknown field '${extra}'; send {"monitors": {...}, "dryRun": true|false}.`);
        if (body.dryRun !== undefined && typeof body.dryRun !== 'boolean')
          throw new ApiError('request.invalid_body', '`dryRun` must be true or false.');
        const { declaration, problems } = verifyDeclaration(body.monitors);
        if (problems.length > 0) {
          const first = problems[0] as { path: string; message: string };
          throw new ApiError('monitors.invalid', `${problems.length} problem(s); first: ${first.path}: ${first.message}`, { problems });
        }
        if (body.dryRun === true) return { status: 200, body: { applied: false, changes: await planApply(s.store, p.id, declaration) } };
        const changes = await applyDeclaration(s.store, p.id, declaration, s.clock(), {
          ruleChanged: async (id, projectId, rule) => {
            if (rule) await s.rules.set(id, projectId, rule, s.clock());
            else s.rules.remove(id, s.clock());
          },
          liveItem: async (section, projectId, oldId, spec) => {
            const room = section === 'checks' ? s.checks : s.heartbeats;
            // Validate first, so a bad item leaves the running one in place.
            const valid = spec === undefined ? undefined : section === 'checks' ? validateCheck(spec) : validateHeartbeat(spec);
            if (valid && !valid.ok) throw new ApiError('monitors.invalid', `${section}: ${valid.message}`);
            if (oldId !== undefined) await room.remove(projectId, oldId);
            if (!valid) return undefined;
            const added =
              section === 'checks'
                ? await s.checks.add(projectId, valid.value as CheckSpec)
                : await s.heartbeats.add(projectId, valid.value as HeartbeatSpec);
            return added.id;
          },
        });
        // KPI settings and funnels take effect at once (detection keeps what it learned).
        if (changes.length > 0) await s.monitors.reload();
        return { status: 200, body: { applied: true, changes } };
      }),
    ],
    [
      'GET',
      '/api/v1/projects/:projectId/kpis/:kpi/settings',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        return { status: 200, body: s.monitors.settings(p.id, ctx.params.kpi as string) };
      }),
    ],
    [
      'PUT',
      '/api/v1/projects/:projectId/kpis/:kpi/settings',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const v = validateKpiSettings(await readJson(ctx.req));
        if (!v.ok) throw new ApiError('request.invalid_body', v.message);
        return { status: 200, body: await s.monitors.setSettings(p.id, ctx.params.kpi as string, v.value, s.clock()) };
      }),
    ],

    [
      'GET',
      `${base}/status`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const d = await appliedDeclaration(s.store, p.id);
        if (!d) return { status: 200, body: { applied: false, monitors: [] } };
        const monitors = await monitorStatus(
          { store: s.store, registry: s.registry, incidents: await s.alerts.list(p.id) },
          p.id,
          d,
          s.clock(),
        );
        return { status: 200, body: { applied: true, monitors } };
      }),
    ],
  ];
}
