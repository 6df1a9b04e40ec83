/**
 * @module Symbolication of one event: each frame of a minified file with a source map becomes the
 * original file, line, column and function, with context lines from `sourcesContent`; the minified
 * location stays in `raw`. The event is then grouped again, so the fingerprint uses original frames.
 */
import { decodedMappings, originalPositionFor } from '@jridgewell/trace-mapping';
import { type ErrorEvent, type ErrorFrame, groupEvent } from '../normalize/index.js';
import { displayName, resolveRef } from './names.js';
import type { ParsedMap } from './parse-map.js';

/** What became of a frame: mapped, no map for its file, or its position not in the map (or no column). */
export type FrameOutcome = 'mapped' | 'no_map' | 'no_position';

/** The map of a minified file, with the file's own lines when it was uploaded too. */
export interface FrameMap {
  parsed: ParsedMap;
  minifiedLines?: string[];
}

const CONTEXT = 5;
const MAX_LINE = 500;
/** How many mapping segments to walk back looking for a function's declaration. */
const MAX_SCAN = 20_000;
const IDENT = /[\w$]/;
const MAX_MEMO = 10_000;

/** A line of at most MAX_LINE characters, around `col` when it is longer. */
function clip(line: string, col: number): string {
  if (line.length <= MAX_LINE) return line;
  const start = Math.max(0, Math.min(col - MAX_LINE / 2, line.length - MAX_LINE));
  return line.slice(start, start + MAX_LINE);
}

/** The minified function name as the minifier wrote it: `Object.e` → `e`, `async t` → `t`. */
function minifiedName(fn: string | undefined): string | undefined {
  const last = fn
    ?.replace(/^(?:async|new)\s+/, '')
    .split('.')
    .pop();
  return last && /^[A-Za-z_$][\w$]*$/.test(last) ? last : undefined;
}

/**
 * Sentry's scope lookup: walking back from the frame's position through the minified file, the
 * nearest mapped token spelling the minified function name is its declaration, whose mapping
 * names the original function.
 */
function nameFromDeclaration(m: FrameMap, line: number, col: number, name: string): string | undefined {
  const lines = m.minifiedLines;
  if (!lines) return undefined;
  const mappings = decodedMappings(m.parsed.map);
  const names = m.parsed.map.names;
  let budget = MAX_SCAN;
  // Lines spend the budget too, so a map of millions of empty lines cannot make a frame slow.
  for (let l = line; l >= 0 && budget > 0; l--, budget--) {
    const segs = mappings[l] ?? [];
    const text = lines[l] ?? '';
    for (let i = segs.length - 1; i >= 0 && budget > 0; i--, budget--) {
      const s = segs[i] as readonly number[];
      if (l === line && (s[0] as number) > col) continue;
      if (s.length !== 5 || !text.startsWith(name, s[0] as number)) continue;
      if (IDENT.test(text[(s[0] as number) + name.length] ?? '')) continue;
      return names[s[4] as number];
    }
  }
  return undefined;
}

interface Mapped {
  frame: ErrorFrame;
  /** The original name of the identifier at the frame's position: at a call, the function called. */
  tokenName?: string;
}

function mapFrame(f: ErrorFrame, m: FrameMap): Mapped | undefined {
  if (f.lineno === undefined || f.colno === undefined || f.lineno < 1 || f.colno < 1) return undefined;
  const pos = originalPositionFor(m.parsed.map, { line: f.lineno, column: f.colno - 1 });
  if (pos.source === null) return undefined;
  const url = f.absPath ?? f.filename ?? '';
  // Resolving a source against the page URL parses URLs: once per file and source, not per event.
  const pathKey = `${url}\u0000${pos.source}`;
  let paths = m.parsed.paths.get(pathKey);
  if (!paths) {
    const abs = /^[a-z][a-z0-9+.-]*:/i.test(pos.source) || !url ? pos.source : resolveRef(url, pos.source);
    paths = { filename: displayName(pos.source), absPath: abs };
    if (m.parsed.paths.size >= MAX_MEMO) m.parsed.paths.clear();
    m.parsed.paths.set(pathKey, paths);
  }
  const { filename, absPath } = paths;
  // Built field by field (no spread, no delete): the frame keeps a fast shape for JSON.stringify.
  const raw: NonNullable<ErrorFrame['raw']> = {};
  if (f.filename !== undefined) raw.filename = f.filename;
  if (f.absPath !== undefined) raw.absPath = f.absPath;
  if (f.function !== undefined) raw.function = f.function;
  raw.lineno = f.lineno;
  raw.colno = f.colno;
  const out: ErrorFrame = {
    filename,
    absPath,
    lineno: pos.line,
    colno: pos.column + 1,
    inApp: f.inApp && !filename.includes('node_modules/'),
    raw,
  };
  if (f.function !== undefined) out.function = f.function;
  if (f.module !== undefined) out.module = f.module;
  if (f.vars !== undefined) out.vars = f.vars;
  const lines = m.parsed.sourceLines(m.parsed.sourceIndex.get(pos.source) ?? -1);
  const at = pos.line - 1;
  if (lines && at < lines.length) {
    out.contextLine = clip(lines[at] ?? '', pos.column);
    out.preContext = lines.slice(Math.max(0, at - CONTEXT), at).map((l) => clip(l, 0));
    out.postContext = lines.slice(at + 1, at + 1 + CONTEXT).map((l) => clip(l, 0));
  }
  const minName = minifiedName(f.function);
  let declared: string | undefined;
  if (minName && m.minifiedLines) {
    const k = `${f.lineno}:${f.colno}:${minName}`;
    const memo = m.parsed.names;
    if (memo.has(k)) declared = memo.get(k);
    else {
      declared = nameFromDeclaration(m, f.lineno - 1, f.colno - 1, minName);
      if (memo.size >= MAX_MEMO) memo.clear();
      memo.set(k, declared);
    }
  }
  if (declared) out.function = declared;
  return { frame: out, ...(pos.name ? { tokenName: pos.name } : {}) };
}

/**
 * Symbolicates the frames `mapFor` finds a map for; returns the event itself when none is.
 * Without the minified file, a frame's function is the name its caller's frame points at.
 */
export function symbolicateEvent(
  ev: ErrorEvent,
  mapFor: (url: string) => FrameMap | undefined,
  tally?: (outcome: FrameOutcome) => void,
): ErrorEvent {
  let changed = false;
  const exceptions = ev.exceptions.map((ex) => {
    let prev: Mapped | undefined;
    const frames = ex.frames.map((f) => {
      const m = mapFor(f.absPath ?? f.filename ?? '');
      const mapped = m ? mapFrame(f, m) : undefined;
      tally?.(mapped ? 'mapped' : m ? 'no_position' : 'no_map');
      if (mapped) {
        changed = true;
        if (mapped.frame.function === f.function && prev?.tokenName) mapped.frame.function = prev.tokenName;
      }
      prev = mapped;
      return mapped?.frame ?? f;
    });
    return { ...ex, frames };
  });
  if (!changed) return ev;
  const next = { ...ev, exceptions };
  return { ...next, ...groupEvent(next) };
}
