/**
 * @module Reading a monitors file: JSON, YAML (`.yaml`/`.yml`), or a module exporting the object
 * (`.mjs`/`.js`/`.ts`). A file that does not parse is one problem with its line and column; for
 * YAML, `locate` also gives the line and column of any path in the declaration
 * (`kpis.signup.direction`), so schema problems point into the file too.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';

/** A problem of the file, with where it is when the format tells. */
export interface FileProblem {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** The parsed file: its object, or the problem that stopped parsing; `locate` finds a path's position. */
export interface MonitorsFile {
  raw: unknown;
  problem?: FileProblem;
  locate(path: string): { line: number; column: number } | undefined;
}

const nowhere = () => undefined;
export const isYamlFile = (path: string) => /\.ya?ml$/i.test(path);

/** Splits a problem path into keys and indexes, matching keys against the object (names may hold dots). */
export function pathSegments(path: string, raw: unknown): Array<string | number> {
  const segs: Array<string | number> = [];
  let cur = raw;
  let rest = path;
  while (rest) {
    const idx = /^\[(\d+)\]\.?/.exec(rest);
    if (idx && Array.isArray(cur)) {
      const i = Number(idx[1]);
      segs.push(i);
      cur = cur[i];
      rest = rest.slice(idx[0].length);
      continue;
    }
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) break;
    const key = Object.keys(cur)
      .filter((k) => rest === k || rest.startsWith(`${k}.`) || rest.startsWith(`${k}[`))
      .sort((a, b) => b.length - a.length)[0];
    if (key === undefined) break;
    segs.push(key);
    cur = (cur as Record<string, unknown>)[key];
    rest = rest.slice(key.length).replace(/^\./, '');
  }
  return segs;
}

function readYaml(text: string): MonitorsFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number) => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const first = doc.errors[0];
  if (first) {
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more)` : '';
    const pos = at(first.pos[0]);
    return {
      raw: undefined,
      problem: { path: '(file)', message: `Not valid YAML at line ${pos.line}, column ${pos.column}: ${first.message}${more}.`, ...pos },
      locate: nowhere,
    };
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
    // An alias inside its own anchor (`a: &a [*a]`) makes a cycle no declaration can hold.
    JSON.stringify(raw);
  } catch (err) {
    if (err instanceof TypeError && /circular/i.test(err.message))
      return {
        raw: undefined,
        problem: { path: '(file)', message: 'Not valid here: an alias refers to its own anchor (a cycle).' },
        locate: nowhere,
      };
    return { raw: undefined, problem: { path: '(file)', message: `Not valid YAML: ${(err as Error).message}` }, locate: nowhere };
  }
  return {
    raw,
    locate(path) {
      const segs = pathSegments(path, raw);
      // The deepest node on the path that exists: the value itself, else its nearest parent.
      for (let n = segs.length; n > 0; n--) {
        const node = doc.getIn(segs.slice(0, n), true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return at(node.range[0]);
      }
      return undefined;
    },
  };
}

function readJson(text: string): MonitorsFile {
  try {
    return { raw: JSON.parse(text), locate: nowhere };
  } catch (err) {
    const message = (err as Error).message;
    // Node says "... in JSON at position 42" (and on newer versions "(line 3 column 5)").
    const offset = Number(/at position (\d+)/.exec(message)?.[1]);
    const pos = Number.isFinite(offset) ? lineColumn(text, offset) : undefined;
    const where = pos ? ` at line ${pos.line}, column ${pos.column}` : '';
    return { raw: undefined, problem: { path: '(file)', message: `Not valid JSON${where}: ${message}`, ...pos }, locate: nowhere };
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1] as string).length + 1 };
}

/** Reads the monitors file at `path` (absolute) by its extension. */
export async function readMonitorsFile(path: string): Promise<MonitorsFile> {
  if (path.endsWith('.json')) return readJson(readFileSync(path, 'utf8'));
  if (isYamlFile(path)) return readYaml(readFileSync(path, 'utf8'));
  try {
    const mod = (await import(pathToFileURL(path).href)) as { default?: unknown; monitors?: unknown };
    let raw = mod.default ?? mod.monitors;
    if (typeof raw === 'function') raw = await (raw as () => unknown)();
    return { raw, locate: nowhere };
  } catch (err) {
    const hint = path.endsWith('.ts') ? ' (a .ts file needs a TypeScript loader such as tsx; or use .mjs)' : '';
    return { raw: undefined, problem: { path: '(file)', message: `Cannot load it${hint}: ${(err as Error).message}` }, locate: nowhere };
  }
}
