/**
 * @module Checking and parsing a source map (v3, plain or with sections) once, into what lookups
 * need: the decoded mappings, the sources and their lines split on first use.
 */
import { decodedMappings, FlattenMap, type TraceMap } from '@jridgewell/trace-mapping';
import { type Outcome, ok, reject } from '../kernel/index.js';
import { debugIdOfMap } from './debug-ids.js';

/** A parsed source map, ready for lookups. */
export interface ParsedMap {
  map: TraceMap;
  /** Index of each source as the map's lookups name it. */
  sourceIndex: Map<string, number>;
  /** The lines of source `i` from `sourcesContent`, or undefined when the map holds no content for it. */
  sourceLines(i: number): string[] | undefined;
  /** Function names already found by position, so a hot error does not scan the minified file again. */
  names: Map<string, string | undefined>;
  /** Display name and absolute URL of a source as seen from a frame's URL. */
  paths: Map<string, { filename: string; absPath: string }>;
  /** The map's `debug_id` (or `debugId`), canonical, when it carries one. */
  debugId?: string;
  /** About how much memory the decoded map holds (for the cache's byte budget). */
  approxBytes: number;
}

/**
 * Most generated lines a map may cover (offsets of sections included): bundles have a few thousand
 * at most, while a few bytes of `;` or a section offset could otherwise make the decoder allocate
 * an array per line, gigabytes from a tiny upload.
 */
export const MAX_MAP_LINES = 1_000_000;

/** Lines as JavaScript (and so source maps) count them: U+2028 and U+2029 end lines too. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|[\n\r\u2028\u2029]/);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const lineCount = (mappings: string) => {
  let n = 1;
  for (let i = mappings.indexOf(';'); i !== -1; i = mappings.indexOf(';', i + 1)) n++;
  return n;
};

/** What is wrong with the map's shape, if anything; `firstLine` is where a section starts. */
function shapeProblem(v: unknown, firstLine = 0, inSection = false): string | undefined {
  if (!isObj(v)) return 'a source map is a JSON object';
  if (v.version !== 3)
    return `only version 3 source maps are supported; this one has "version": ${JSON.stringify(v.version)?.slice(0, 20)}`;
  if (v.sections !== undefined) {
    if (inSection) return "a section's map may not have sections of its own";
    if (!Array.isArray(v.sections)) return '"sections" must be an array';
    for (const s of v.sections) {
      const offset = isObj(s) && isObj(s.offset) ? s.offset : undefined;
      const line = offset?.line;
      if (!offset || !Number.isInteger(line) || (line as number) < 0 || !Number.isInteger(offset.column) || (offset.column as number) < 0)
        return 'each section needs "offset": {"line", "column"} (whole numbers) and "map"';
      const p = shapeProblem((s as Record<string, unknown>).map, line as number, true);
      if (p) return `a section: ${p}`;
    }
    return undefined;
  }
  if (typeof v.mappings !== 'string') return 'it has no "mappings" string';
  if (!/^[A-Za-z0-9+/,;]*$/.test(v.mappings)) return '"mappings" holds characters that are not base64 VLQ';
  if (firstLine + lineCount(v.mappings) > MAX_MAP_LINES)
    return `it covers more than ${MAX_MAP_LINES.toLocaleString('en-US')} generated lines; a bundle's map covers a few thousand`;
  if (!Array.isArray(v.sources) || v.sources.some((s) => s !== null && typeof s !== 'string'))
    return '"sources" must be an array of strings';
  if (v.sourcesContent !== undefined && v.sourcesContent !== null && !Array.isArray(v.sourcesContent))
    return '"sourcesContent" must be an array';
  if (v.names !== undefined && !Array.isArray(v.names)) return '"names" must be an array';
  return undefined;
}

/** Parses and checks a source map's text; `sourcemap.invalid` with the reason when it is not one. */
export function parseSourceMap(text: string): Outcome<ParsedMap> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return reject('sourcemap.invalid', `The file is not valid JSON (${(err as Error).message}); upload the .map file your bundler wrote.`);
  }
  const problem = shapeProblem(json);
  if (problem) return reject('sourcemap.invalid', `The file is not a source map: ${problem}.`);
  let map: TraceMap;
  let approxBytes = text.length;
  try {
    map = new FlattenMap(json as never);
    // Each line is an array and each segment an array of 1-5 numbers: about 40 and 64 bytes.
    for (const line of decodedMappings(map)) approxBytes += 40 + 64 * line.length;
  } catch (err) {
    return reject('sourcemap.invalid', `The source map's mappings cannot be decoded: ${(err as Error).message}.`);
  }
  const sourceIndex = new Map<string, number>();
  map.resolvedSources.forEach((s, i) => {
    if (!sourceIndex.has(s)) sourceIndex.set(s, i);
  });
  const split = new Map<number, string[] | undefined>();
  const debugId = debugIdOfMap(json as Record<string, unknown>);
  return ok({
    map,
    ...(debugId ? { debugId } : {}),
    sourceIndex,
    names: new Map(),
    paths: new Map(),
    approxBytes,
    sourceLines(i) {
      if (!split.has(i)) {
        const c = map.sourcesContent?.[i];
        split.set(i, typeof c === 'string' ? splitLines(c) : undefined);
      }
      return split.get(i);
    },
  });
}
