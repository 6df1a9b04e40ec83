/**
 * @module Source map API (admin token): upload a release's source maps and minified files (the raw
 * file as the body, its name in `?name=`, its distribution in `?dist=`), list and delete them.
 */
import { decodeBody, readBody } from '../ingest/index.js';
import { ApiError, type ErrorCode } from '../kernel/index.js';
import type { SourceMaps } from '../sourcemaps/index.js';
import { admin, projectOf } from './admin-routes.js';
import type { Ctx, Handler } from './context.js';
import type { Services } from './services.js';

/** Reads an uploaded file within the limit, gzip or not, with a 413 that names the setting. */
async function readFile(ctx: Ctx, max: number): Promise<Buffer> {
  try {
    const raw = await readBody(ctx.req, max);
    return await decodeBody(raw, ctx.req.headers['content-encoding'], { maxBodyBytes: max, maxDecompressedBytes: max });
  } catch (err) {
    if (err instanceof ApiError && (err.code === 'request.body_too_large' || err.code === 'request.decompressed_too_large')) {
      throw new ApiError(err.code, `The file is larger than ${max} bytes (errors.maxSourceMapBytes); raise it or split the bundle.`, {
        limit: max,
      });
    }
    throw err;
  }
}

/** The source map routes. */
export function sourcemapRoutes(s: Services, maps: SourceMaps): Array<[string, string, Handler]> {
  const base = '/api/v1/projects/:projectId/releases/:version/sourcemaps';
  return [
    [
      'POST',
      base,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const name = ctx.query.get('name');
        if (!name) throw new ApiError('request.invalid_param', "Give the file's URL as ?name=, e.g. ?name=~/static/app.min.js.map.");
        const body = await readFile(ctx, maps.maxFileBytes);
        const dist = ctx.query.get('dist') ?? undefined;
        const r = await maps.upload(p.id, ctx.params.version ?? '', name, body, dist);
        if (!r.ok) throw new ApiError(r.code as ErrorCode, r.message);
        return { status: r.value.replaced ? 200 : 201, body: { ...r.value.file, replaced: r.value.replaced } };
      }),
    ],
    [
      'GET',
      base,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        return { status: 200, body: { files: await maps.list(p.id, ctx.params.version ?? '') } };
      }),
    ],
    [
      'DELETE',
      `${base}/:fileId`,
      admin(s, async (ctx) => {
        const p = await projectOf(s, ctx);
        const raw = ctx.params.fileId ?? '';
        const release = ctx.params.version ?? '';
        const id = /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
        if (!(id > 0 && (await maps.remove(p.id, release, id))))
          throw new ApiError(
            'sourcemap.not_found',
            `Release '${release.slice(0, 200)}' of project ${p.id} has no uploaded file ${raw.slice(0, 20)}; list them with GET ${base.replace(':projectId', String(p.id)).replace(':version', encodeURIComponent(release))}.`,
          );
        return { status: 200, body: { deleted: id } };
      }),
    ],
  ];
}
