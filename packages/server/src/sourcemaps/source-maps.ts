/**
 * @module The source maps of a server: uploads per release, and for each incoming envelope the
 * maps its frames need (by the debug ids of `debug_meta` first, in any release, else by release
 * and file name), loaded once and kept parsed in a cache bounded by bytes, so ingest can
 * symbolicate synchronously. A missing or unreadable map leaves the event as it came.
 */
import type { Envelope } from '../ingest/index.js';
import { type Clock, type Counter, type Logger, type Outcome, ok } from '../kernel/index.js';
import type { ErrorEvent } from '../normalize/index.js';
import type { Doc } from '../store/index.js';
import {
  type ArtifactMeta,
  type ArtifactView,
  artifactView,
  checkUpload,
  type DocStore,
  deleteArtifact,
  FILE_KIND,
  readArtifact,
  storeUpload,
} from './artifacts.js';
import { normalizeDebugId } from './debug-ids.js';
import { createByteLru } from './lru-cache.js';
import { lookupKeys, resolveRef } from './names.js';
import { type ParsedMap, parseSourceMap, splitLines } from './parse-map.js';
import { type FrameMap, type FrameOutcome, symbolicateEvent } from './symbolicate.js';

/** What the source maps need. */
export interface SourceMapsDeps {
  store: DocStore;
  clock: Clock;
  log: Logger;
  /** Largest file accepted (`errors.maxSourceMapBytes`). */
  maxFileBytes: number;
  /** Bytes of parsed files kept in memory (`errors.sourceMapCacheBytes`), counted as their text. */
  cacheBytes: number;
  /** Event items larger than this are dropped by the pipeline, so not looked at here. */
  maxItemBytes: number;
  /** How long a project's list of files is trusted before it is read again (uploads on other nodes). */
  indexTtlMs?: number;
  /** heed_sourcemap_frames_total{outcome}: frames of events whose release or debug ids have files. */
  frames?: Counter;
}

/** Symbolicates one normalised event with the maps prepared for its envelope. */
export type Symbolicate = (ev: ErrorEvent) => ErrorEvent;

/** The source maps of a server. */
export interface SourceMaps {
  readonly maxFileBytes: number;
  /** Stores a file of a release and dist (replacing one of the same name); 200-style `replaced` when it did. */
  upload(
    projectId: number,
    release: string,
    name: string,
    body: Buffer,
    dist?: string,
  ): Promise<Outcome<{ file: ArtifactView; replaced: boolean }>>;
  list(projectId: number, release: string): Promise<ArtifactView[]>;
  remove(projectId: number, release: string, id: number): Promise<boolean>;
  /** Loads what the envelope's events need; undefined when none of them has a map. Never rejects. */
  prepare(projectId: number, envelope: Envelope): Promise<Symbolicate | undefined>;
  /** Parsed files in memory. */
  cacheSize(): { bytes: number; entries: number };
}

interface Index {
  files: number;
  releases: Set<string>;
  /** By `release \0 dist \0 key` (dist '' for files without one). */
  byKey: Map<string, Doc<ArtifactMeta>>;
  /** By debug id, in any release: the latest map and minified file carrying it. */
  byDebugId: Map<string, { map?: Doc<ArtifactMeta>; minified?: Doc<ArtifactMeta> }>;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : typeof v === 'number' ? String(v) : undefined);

/** The release, the frame URLs and the debug ids by file of an event item, as the normaliser will read them. */
function framesOf(payload: Buffer): { release?: string; dist: string; urls: string[]; debugIds: Map<string, string> } | undefined {
  let e: Obj;
  try {
    e = obj(JSON.parse(payload.toString('utf8')));
  } catch {
    return undefined;
  }
  const release = str(e.release, 200) || undefined;
  const dist = (typeof e.dist === 'boolean' ? String(e.dist) : str(e.dist, 64)) ?? '';
  const exc = obj(e.exception);
  const values = Array.isArray(exc.values) ? exc.values : Array.isArray(e.exception) ? (e.exception as unknown[]) : [];
  const urls: string[] = [];
  for (const x of values) {
    const frames = obj(obj(x).stacktrace).frames;
    if (!Array.isArray(frames)) continue;
    for (const f of frames) {
      const url = str(obj(f).abs_path, 500) ?? str(obj(f).filename, 500);
      if (url) urls.push(url);
    }
  }
  return { ...(release ? { release } : {}), dist, urls, debugIds: debugIdsByFile(e.debug_meta) };
}

/** `debug_meta.images` of type `sourcemap`: the debug id of each file (code_file), canonical. */
function debugIdsByFile(debugMeta: unknown, max = 100): Map<string, string> {
  const out = new Map<string, string>();
  const images = obj(debugMeta).images;
  if (!Array.isArray(images)) return out;
  for (const raw of images.slice(0, max)) {
    const i = obj(raw);
    const id = normalizeDebugId(i.debug_id);
    if (i.type === 'sourcemap' && typeof i.code_file === 'string' && id && !out.has(i.code_file)) out.set(i.code_file, id);
  }
  return out;
}

/** Creates the source maps over the store's documents. */
export function createSourceMaps(d: SourceMapsDeps): SourceMaps {
  const ttl = d.indexTtlMs ?? 10_000;
  const indexes = new Map<number, { at: number; index: Promise<Index> }>();
  // Parsed maps and minified files' lines share one budget.
  const cache = createByteLru<ParsedMap | string[]>(d.cacheBytes);
  let uploads: Promise<unknown> = Promise.resolve();

  const indexOf = (projectId: number): Promise<Index> => {
    const now = d.clock();
    const cur = indexes.get(projectId);
    if (cur && now - cur.at < ttl) return cur.index;
    const index = d.store.listDocs<ArtifactMeta>(FILE_KIND, projectId).then((docs) => {
      const byKey = new Map(docs.map((doc) => [`${doc.body.release}\u0000${doc.body.dist ?? ''}\u0000${doc.body.key}`, doc] as const));
      const byDebugId: Index['byDebugId'] = new Map();
      for (const doc of docs) {
        if (!doc.body.debugId) continue;
        const entry = byDebugId.get(doc.body.debugId) ?? {};
        const kind = doc.body.type === 'sourcemap' ? 'map' : 'minified';
        const cur = entry[kind];
        // The same build uploaded to several releases: the latest upload wins.
        if (!cur || cur.body.uploadedAt <= doc.body.uploadedAt) entry[kind] = doc;
        byDebugId.set(doc.body.debugId, entry);
      }
      return { files: docs.length, releases: new Set(docs.map((doc) => doc.body.release)), byKey, byDebugId };
    });
    indexes.set(projectId, { at: now, index });
    index.catch(() => indexes.delete(projectId));
    return index;
  };

  const cacheKey = (m: ArtifactMeta) => `${m.blobId}:${m.sha1}`;
  const parsedMap = (m: ArtifactMeta) =>
    cache.get(`map:${cacheKey(m)}`, async () => {
      const text = await readArtifact(d.store, m);
      const parsed = text === undefined ? undefined : parseSourceMap(text);
      return parsed?.ok ? { value: parsed.value, bytes: parsed.value.approxBytes } : undefined;
    }) as Promise<ParsedMap | undefined>;
  const minifiedLines = (m: ArtifactMeta) =>
    cache.get(`lines:${cacheKey(m)}`, async () => {
      const text = await readArtifact(d.store, m);
      return text === undefined ? undefined : { value: splitLines(text), bytes: text.length };
    }) as Promise<string[] | undefined>;

  /**
   * The map of a frame's file: through the uploaded minified file's sourceMappingURL, else
   * `<file>.map`; among the files of the event's dist first, then among those without a dist.
   */
  const frameMap = async (index: Index, release: string, dist: string, url: string): Promise<FrameMap | undefined> =>
    (dist ? await frameMapOf(index, release, dist, url) : undefined) ?? frameMapOf(index, release, '', url);
  const frameMapOf = async (index: Index, release: string, dist: string, url: string): Promise<FrameMap | undefined> => {
    const find = (key: string, type: ArtifactMeta['type']) => {
      const doc = index.byKey.get(`${release}\u0000${dist}\u0000${key}`);
      return doc?.body.type === type ? doc.body : undefined;
    };
    for (const key of lookupKeys(url)) {
      const minified = find(key, 'minified');
      const ref = minified?.sourceMappingUrl ? resolveRef(key, minified.sourceMappingUrl) : undefined;
      const map =
        (ref ? [ref, ...lookupKeys(ref)].map((k) => find(k, 'sourcemap')).find(Boolean) : undefined) ?? find(`${key}.map`, 'sourcemap');
      if (!map) continue;
      const parsed = await parsedMap(map);
      if (!parsed) return undefined;
      const own = minified ? await minifiedLines(minified) : undefined;
      return own ? { parsed, minifiedLines: own } : { parsed };
    }
    return undefined;
  };

  /** The map of a debug id: the map carrying it, else the one its minified file points at in its release. */
  const debugIdMap = async (index: Index, id: string): Promise<FrameMap | undefined> => {
    const entry = index.byDebugId.get(id);
    if (!entry?.map)
      return entry?.minified
        ? frameMap(index, entry.minified.body.release, entry.minified.body.dist ?? '', entry.minified.body.key)
        : undefined;
    const parsed = await parsedMap(entry.map.body);
    if (!parsed) return undefined;
    const own = entry.minified ? await minifiedLines(entry.minified.body) : undefined;
    return own ? { parsed, minifiedLines: own } : { parsed };
  };

  return {
    maxFileBytes: d.maxFileBytes,
    async upload(projectId, release, name, body, dist) {
      const checked = checkUpload(release, name, body, dist);
      if (!checked.ok) return checked;
      // One upload at a time, so two uploads of the same name cannot both create a file.
      const run = uploads.then(() => storeUpload(d.store, projectId, checked.value, d.clock()));
      uploads = run.catch(() => undefined);
      const { doc, replaced } = await run;
      indexes.delete(projectId);
      const parsed = checked.value.parsed;
      if (parsed) await cache.get(`map:${cacheKey(doc.body)}`, async () => ({ value: parsed, bytes: checked.value.text.length }));
      return ok({ file: artifactView(doc), replaced });
    },
    async list(projectId, release) {
      const docs = await d.store.listDocs<ArtifactMeta>(FILE_KIND, projectId);
      return docs
        .filter((x) => x.body.release === release)
        .map(artifactView)
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    async remove(projectId, release, id) {
      const done = await deleteArtifact(d.store, projectId, release, id);
      indexes.delete(projectId);
      return done;
    },
    async prepare(projectId, envelope) {
      const items = envelope.items.filter((i) => i.type === 'event' && i.payload.length <= d.maxItemBytes);
      if (items.length === 0) return undefined;
      try {
        const index = await indexOf(projectId);
        if (index.files === 0) return undefined;
        // Keys: `r \0 release \0 dist \0 url` for release + name matching, `d \0 debugId` for debug ids.
        const wanted = new Set<string>();
        for (const item of items) {
          const f = framesOf(item.payload);
          if (!f) continue;
          for (const url of f.urls) {
            const id = f.debugIds.get(url);
            if (id && index.byDebugId.has(id)) wanted.add(`d\u0000${id}`);
            if (f.release && index.releases.has(f.release)) wanted.add(`r\u0000${f.release}\u0000${f.dist}\u0000${url}`);
          }
        }
        const found = new Map<string, FrameMap>();
        for (const w of wanted) {
          const [kind, a, b, c] = w.split('\u0000') as [string, string, string, string];
          const m = kind === 'd' ? await debugIdMap(index, a) : await frameMap(index, a, b, c);
          if (m) found.set(w, m);
        }
        if (found.size === 0) return undefined;
        return (ev) => {
          const ids = new Map<string, string>();
          for (const i of ev.debugImages ?? []) {
            const id = i.type === 'sourcemap' ? normalizeDebugId(i.debugId) : undefined;
            if (id && !ids.has(i.codeFile) && found.has(`d\u0000${id}`)) ids.set(i.codeFile, id);
          }
          if (ids.size === 0 && !index.releases.has(ev.release)) return ev;
          const tally = new Map<FrameOutcome, number>();
          const mapFor = (url: string) => {
            const id = ids.get(url);
            return (id ? found.get(`d\u0000${id}`) : undefined) ?? found.get(`r\u0000${ev.release}\u0000${ev.dist ?? ''}\u0000${url}`);
          };
          const out = symbolicateEvent(ev, mapFor, (o) => tally.set(o, (tally.get(o) ?? 0) + 1));
          for (const [outcome, n] of tally) d.frames?.inc({ outcome }, n);
          return out;
        };
      } catch (err) {
        d.log.warn('source maps not loaded; events kept minified', { projectId, err });
        return undefined;
      }
    },
    cacheSize: () => cache.size(),
  };
}
