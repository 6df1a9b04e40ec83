/** @module Admin API: projects (create, list, show, rotate key). */
import { ApiError } from '../kernel/index.js';
import { createProject, dsnFor, type Project, rotateProjectKey, validProjectName } from '../store/index.js';
import { projectIdParam, requireAdmin } from './auth.js';
import type { Ctx, Handler } from './context.js';
import { readJson } from './read-json.js';
import type { Services } from './services.js';

/** A project as the API shows it. */
export function projectView(p: Project, publicUrl: string) {
  return { id: p.id, name: p.name, key: p.key, dsn: dsnFor(p, publicUrl), createdAt: new Date(p.createdAt).toISOString() };
}

/** Fetches the project of the path or answers 404. */
export async function projectOf(s: Services, ctx: Ctx): Promise<Project> {
  const id = projectIdParam(ctx.params.projectId);
  const p = await s.store.getProject(id);
  if (!p) throw new ApiError('project.not_found', `No project has id ${id}; list them with GET /api/v1/projects.`);
  return p;
}

/** Wraps a handler so it first checks the admin token. */
export function admin(s: Services, h: Handler): Handler {
  return (ctx) => {
    requireAdmin(ctx.req, ctx.query, s.adminToken, s.clock());
    return h(ctx);
  };
}

/** The project routes. */
export function projectRoutes(s: Services): Array<[string, string, Handler]> {
  return [
    [
      'GET',
      '/api/v1/projects',
      admin(s, async () => ({
        status: 200,
        body: { projects: (await s.store.listProjects()).map((p) => projectView(p, s.publicUrl)) },
      })),
    ],
    [
      'POST',
      '/api/v1/projects',
      admin(s, async (ctx) => {
        const body = await readJson(ctx.req);
        const name = (body as { name?: unknown }).name;
        if (!validProjectName(name)) {
          throw new ApiError(
            'project.invalid_name',
            'Send {"name": "..."}: 1-64 letters, digits, spaces, _ . - (no leading or trailing space).',
          );
        }
        const p = await createProject(s.store, name, s.clock());
        return { status: 201, body: projectView(p, s.publicUrl) };
      }),
    ],
    [
      'GET',
      '/api/v1/projects/:projectId',
      admin(s, async (ctx) => ({ status: 200, body: projectView(await projectOf(s, ctx), s.publicUrl) })),
    ],
    [
      'POST',
      '/api/v1/projects/:projectId/rotate-key',
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const rotated = (await rotateProjectKey(s.store, p.id)) as Project;
        s.keys.invalidate();
        return { status: 200, body: projectView(rotated, s.publicUrl) };
      }),
    ],
  ];
}
