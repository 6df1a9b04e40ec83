/**
 * @module Uploaded files of a release in the store's documents: a small `sourcemap.file` document
 * per file (release, name, type, size, checksum) and its content in a `sourcemap.blob` document,
 * so listing a release never reads the maps themselves.
 */
import { createHash } from 'node:crypto';
import { type Outcome, ok, reject } from '../kernel/index.js';
import type { Doc, Storage } from '../store/index.js';
import { debugIdOfMinified } from './debug-ids.js';
import { artifactKey, nameProblem, sourceMappingUrlOf } from './names.js';
import { type ParsedMap, parseSourceMap } from './parse-map.js';

/** The document kinds. */
export const FILE_KIND = 'sourcemap.file';
export const BLOB_KIND = 'sourcemap.blob';

/** What the store keeps about one uploaded file. */
export interface ArtifactMeta {
  release: string;
  /** The distribution (`?dist=`): such a file matches only events of that `dist`. */
  dist?: string;
  /** The name as uploaded, e.g. `~/static/app.min.js.map`. */
  name: string;
  /** The name without query and fragment: what frames are matched against. */
  key: string;
  type: 'sourcemap' | 'minified';
  size: number;
  sha1: string;
  /** A minified file's `//# sourceMappingURL=`. */
  sourceMappingUrl?: string;
  /** The debug id the file carries (`//# debugId=` or the map's `debug_id`): matched in any release. */
  debugId?: string;
  blobId: number;
  uploadedAt: number;
}

/** An uploaded file as the API shows it. */
export interface ArtifactView {
  id: number;
  release: string;
  dist?: string;
  name: string;
  type: ArtifactMeta['type'];
  size: number;
  sha1: string;
  sourceMappingUrl?: string;
  debugId?: string;
  uploadedAt: string;
}

/** The store methods the artifacts use. */
export type DocStore = Pick<Storage, 'insertDoc' | 'updateDoc' | 'getDoc' | 'listDocs' | 'deleteDoc'>;

/** The API view of a file document. */
export function artifactView(d: Doc<ArtifactMeta>): ArtifactView {
  const b = d.body;
  return {
    id: d.id,
    release: b.release,
    ...(b.dist ? { dist: b.dist } : {}),
    name: b.name,
    type: b.type,
    size: b.size,
    sha1: b.sha1,
    ...(b.sourceMappingUrl ? { sourceMappingUrl: b.sourceMappingUrl } : {}),
    ...(b.debugId ? { debugId: b.debugId } : {}),
    uploadedAt: new Date(b.uploadedAt).toISOString(),
  };
}

/** A checked upload, ready to store; the map is parsed already when it is one. */
export interface CheckedUpload {
  meta: Omit<ArtifactMeta, 'blobId' | 'uploadedAt'>;
  text: string;
  parsed?: ParsedMap;
}

/** Checks an upload: release, dist and name, and that a `.map` is a v3 source map. */
export function checkUpload(release: string, name: string, body: Buffer, dist?: string): Outcome<CheckedUpload> {
  if (release.length === 0 || release.length > 200) return reject('request.invalid_param', 'The release must be 1-200 characters.');
  if (dist !== undefined && (dist.length === 0 || dist.length > 64 || /[\s\p{Cc}]/u.test(dist)))
    return reject('request.invalid_param', "'dist' must be 1-64 characters without spaces, as the SDK's dist option (e.g. ?dist=web-42).");
  const problem = nameProblem(name);
  if (problem) return reject('request.invalid_param', problem);
  if (body.includes(0)) return reject('sourcemap.invalid', `'${name.slice(0, 200)}' is a binary file; upload source maps and JavaScript.`);
  const key = artifactKey(name);
  const text = body.toString('utf8');
  const type = key.endsWith('.map') ? 'sourcemap' : 'minified';
  const meta: CheckedUpload['meta'] = {
    release,
    ...(dist ? { dist } : {}),
    name,
    key,
    type,
    size: body.length,
    sha1: createHash('sha1').update(body).digest('hex'),
  };
  if (type === 'minified') {
    const url = sourceMappingUrlOf(text);
    if (url && !url.startsWith('data:')) meta.sourceMappingUrl = url.slice(0, 500);
    const debugId = debugIdOfMinified(text);
    if (debugId) meta.debugId = debugId;
    return ok({ meta, text });
  }
  const parsed = parseSourceMap(text);
  if (!parsed.ok) return reject(parsed.code, `${name.slice(0, 200)}: ${parsed.message}`);
  if (parsed.value.debugId) meta.debugId = parsed.value.debugId;
  return ok({ meta, text, parsed: parsed.value });
}

/** Stores a checked upload, replacing the file of the same release, dist and name; says whether it replaced one. */
export async function storeUpload(
  store: DocStore,
  projectId: number,
  u: CheckedUpload,
  now: number,
): Promise<{ doc: Doc<ArtifactMeta>; replaced: boolean }> {
  const existing = (await store.listDocs<ArtifactMeta>(FILE_KIND, projectId)).find(
    (d) => d.body.release === u.meta.release && d.body.key === u.meta.key && (d.body.dist ?? '') === (u.meta.dist ?? ''),
  );
  const blob = await store.insertDoc(BLOB_KIND, projectId, { text: u.text }, now);
  const meta: ArtifactMeta = { ...u.meta, blobId: blob.id, uploadedAt: now };
  const doc = existing
    ? ((await store.updateDoc(FILE_KIND, existing.id, meta, now)) as Doc<ArtifactMeta>)
    : await store.insertDoc(FILE_KIND, projectId, meta, now);
  if (existing) await store.deleteDoc(BLOB_KIND, existing.body.blobId);
  return { doc, replaced: existing !== undefined };
}

/** Deletes a file of a release and its content; false when the project has no such file. */
export async function deleteArtifact(store: DocStore, projectId: number, release: string, id: number): Promise<boolean> {
  const d = await store.getDoc<ArtifactMeta>(FILE_KIND, id);
  if (!d || d.projectId !== projectId || d.body.release !== release) return false;
  await store.deleteDoc(FILE_KIND, id);
  await store.deleteDoc(BLOB_KIND, d.body.blobId);
  return true;
}

/** The content of a file. */
export async function readArtifact(store: DocStore, meta: ArtifactMeta): Promise<string | undefined> {
  return (await store.getDoc<{ text: string }>(BLOB_KIND, meta.blobId))?.body.text;
}
