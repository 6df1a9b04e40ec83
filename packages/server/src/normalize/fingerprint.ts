/**
 * @module Grouping: the fingerprint that decides which issue an event belongs to. Exceptions group
 * by type and their normalised in-app frames (module or file without hashes, function name without
 * minified or anonymous noise; never line numbers), messages by their text with numbers, ids and
 * hashes templated out. An SDK fingerprint wins, with `{{ default }}` standing for ours.
 */
import { createHash } from 'node:crypto';
import type { ErrorEvent, ErrorException, ErrorFrame } from './error-types.js';

const MAX_FRAMES = 30;

/** Replaces the variable parts of a message (ids, numbers, hashes...) by placeholders. */
export function templateMessage(msg: string): string {
  return msg
    .slice(0, 1000)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '<email>')
    .replace(/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?/g, '<date>')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g, '<ip>')
    .replace(/\b(?:0x)?[0-9a-f]{8,}\b/gi, (m) => (/\d/.test(m) ? '<hex>' : m))
    .replace(/'[^'\n]{1,200}'|"[^"\n]{1,200}"|`[^`\n]{1,200}`/g, '<str>')
    .replace(/-?\d+(?:[.,]\d+)*/g, '<num>')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A file name without origin, query, content hashes and deploy-specific leading folders. */
export function normalizeFilename(name: string): string {
  let f = name.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/[?#].*$/, '');
  f = f.replace(/([.-])[0-9a-f]{6,}(?=\.)/gi, '').replace(/\/[0-9a-f]{16,}(?=\/)/gi, '/<hash>');
  const nm = f.lastIndexOf('node_modules/');
  if (nm !== -1) return f.slice(nm);
  const parts = f.split(/[\\/]/).filter(Boolean);
  return parts.slice(-2).join('/');
}

const ANON = new Set(['?', '<anonymous>', 'anonymous', '<unknown>', 'Anonymous function']);

/** A function name without anonymous or minified noise, or undefined when nothing stable is left. */
export function normalizeFunction(fn: string | undefined): string | undefined {
  if (!fn || ANON.has(fn)) return undefined;
  // Every event of an issue names the same functions: remember the answers (bounded).
  const known = functionNames.get(fn);
  if (known !== undefined) return known ?? undefined;
  const name = stableFunction(fn);
  if (functionNames.size >= 10_000) functionNames.clear();
  functionNames.set(fn, name ?? null);
  return name;
}
const functionNames = new Map<string, string | null>();

function stableFunction(fn: string): string | undefined {
  const name = fn
    .replace(/^(?:async|new)\s+/, '')
    .replace(/\.<anonymous>$/, '')
    .replace(/^Object\./, '');
  const last = name.split('.').pop() ?? name;
  // One- or two-letter names are what minifiers leave; they change from build to build.
  if (/^[A-Za-z_$][\w$]?$/.test(last) || ANON.has(last)) return undefined;
  return name;
}

function frameKey(f: ErrorFrame): { key: string; strong: boolean } {
  const file = f.module && !f.module.includes('/') ? f.module : normalizeFilename(f.filename ?? f.absPath ?? '');
  const fn = normalizeFunction(f.function);
  if (fn) return { key: `${file}:${fn}`, strong: true };
  const line = f.contextLine?.trim().replace(/\s+/g, ' ');
  if (line && line.length <= 150) return { key: `${file}:${line}`, strong: true };
  return { key: file, strong: false };
}

function exceptionParts(ex: ErrorException): string[] {
  const inApp = ex.frames.filter((f) => f.inApp);
  const frames = (inApp.length > 0 ? inApp : ex.frames).slice(-MAX_FRAMES);
  const parts = [ex.type || 'Error'];
  let strong = false;
  let prev = '';
  for (const f of frames) {
    const k = frameKey(f);
    strong ||= k.strong;
    if (k.key === prev) continue; // recursion
    parts.push(k.key);
    prev = k.key;
  }
  // Without a stable frame the stack says little: the message keeps unrelated errors apart.
  if (!strong) parts.push(templateMessage(ex.value));
  return parts;
}

/** True for message events (captureMessage): no exception, or only the SDK's synthetic one. */
export function isMessageEvent(ev: Pick<ErrorEvent, 'message' | 'exceptions'>): boolean {
  return ev.exceptions.length === 0 || (ev.message !== '' && ev.exceptions.every((e) => e.mechanism?.synthetic || !e.type));
}

function defaultParts(ev: Pick<ErrorEvent, 'message' | 'exceptions'>): string[] {
  if (isMessageEvent(ev)) return ['message', templateMessage(ev.message || ev.exceptions[0]?.value || '')];
  return ev.exceptions.flatMap(exceptionParts);
}

/** The grouping hash, the parts it came from, the issue title and culprit. */
export function groupEvent(ev: Pick<ErrorEvent, 'message' | 'exceptions' | 'fingerprint' | 'transaction'>): {
  grouping: ErrorEvent['grouping'];
  title: string;
  culprit: string;
} {
  let parts = defaultParts(ev);
  if (ev.fingerprint && ev.fingerprint.length > 0) {
    parts = ev.fingerprint.flatMap((p) => (/^\{\{\s*default\s*\}\}$/.test(p) ? parts : [`custom:${p}`]));
  }
  const hash = createHash('sha1').update(parts.join('\n')).digest('hex').slice(0, 32);
  const thrown = ev.exceptions[ev.exceptions.length - 1];
  let title: string;
  if (isMessageEvent(ev)) title = ev.message || thrown?.value || '(no message)';
  else if (thrown) title = thrown.value ? `${thrown.type}: ${thrown.value}` : thrown.type;
  else title = '(no message)';
  title = title.split('\n')[0]?.slice(0, 200) ?? '';
  let culprit = ev.transaction ?? '';
  if (!culprit && thrown) {
    const top = [...thrown.frames].reverse().find((f) => f.inApp) ?? thrown.frames[thrown.frames.length - 1];
    if (top) {
      const file = top.module && !top.module.includes('/') ? top.module : normalizeFilename(top.filename ?? top.absPath ?? '');
      culprit = top.function && top.function !== '?' ? `${top.function} (${file})` : file;
    }
  }
  return { grouping: { hash, parts }, title, culprit: culprit.slice(0, 200) };
}
