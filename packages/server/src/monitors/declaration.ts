/**
 * @module Monitors as code: the declaration (from `heed.monitors.json`, `.yaml`/`.yml` or a `.ts`/`.mjs` module,
 * read by the CLI) and its validation. Every problem is reported with its path and the fix, all at once, so CI shows
 * the whole list. Rules, channels and routes reuse the alert and notify rooms' validators.
 */
import { validateRoute, validateRule } from '../alert/index.js';
import { validateChannel } from '../notify/index.js';
import { type Holidays, validateHolidays } from './holidays.js';
import { type Sensitivity, sensitivityProblem } from './kpi-settings.js';
import { type RatioSpec, validateRatio } from './ratios.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A KPI as declared. */
export interface KpiDecl {
  kind: 'count' | 'gauge';
  direction: 'drop' | 'spike' | 'both';
  /** A word, or the false alarms per week accepted on a normal series. */
  sensitivity: Sensitivity;
  owner?: string;
  description?: string;
}

/** A declaration file, normalised: every section keyed by name (routes by position). */
export interface Declaration {
  kpis: Record<string, KpiDecl>;
  funnels: Record<string, { steps: string[] }>;
  /** Ratio KPIs (numerator / denominator), watched like a funnel step. */
  ratios?: Record<string, RatioSpec>;
  /** Days on which detection neither learns nor alerts. */
  holidays?: Holidays;
  /** Alert rules in the API's shape (durations already in seconds). */
  rules: Record<string, Obj>;
  /** Checks and heartbeats in the checks room's API shape; applied through that room. */
  checks: Record<string, Obj>;
  heartbeats: Record<string, Obj>;
  channels: Record<string, Obj>;
  /** Routes name channels by their declared name. */
  routes: Array<{ match: Obj; channels: string[]; escalateAfterMinutes?: number; escalateTo?: string[] }>;
}

/** One problem: where (`kpis.signup.direction`) and what to do. */
export interface Problem {
  path: string;
  message: string;
}

const SECTIONS = ['version', 'kpis', 'funnels', 'ratios', 'holidays', 'rules', 'checks', 'heartbeats', 'channels', 'routes'];
const NAME = /^[\w.:/-]{1,128}$/;
const DURATION = /^(\d+)(s|m|h|d|w)?$/;
const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Seconds of "90", "30s", "5m", "1h", "1d", "1w" (or a number of seconds). */
export function durationSeconds(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = DURATION.exec(v.trim());
  return m ? Number(m[1]) * (UNIT[m[2] ?? 's'] as number) : undefined;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T | undefined {
  if (v === undefined) return fallback;
  return allowed.includes(v as T) ? (v as T) : undefined;
}

/** Validates a parsed declaration; `problems` is empty when it is valid. */
export function verifyDeclaration(input: unknown): { declaration: Declaration; problems: Problem[] } {
  const problems: Problem[] = [];
  const d: Declaration = { kpis: {}, funnels: {}, rules: {}, checks: {}, heartbeats: {}, channels: {}, routes: [] };
  const say = (path: string, message: string) => problems.push({ path, message });
  if (!isObj(input)) {
    say('(file)', 'The file must hold one object with sections kpis, funnels, rules, checks, heartbeats, channels, routes.');
    return { declaration: d, problems };
  }
  for (const k of Object.keys(input)) {
    if (!SECTIONS.includes(k) && !k.startsWith('$')) say(k, `Unknown section; allowed: ${SECTIONS.join(', ')}.`);
  }
  if (input.version !== undefined && input.version !== 1) say('version', 'Only version 1 exists; write "version": 1 or leave it out.');
  const section = (name: string): Array<[string, unknown]> => {
    const v = input[name];
    if (v === undefined) return [];
    if (!isObj(v)) {
      say(name, `\`${name}\` must be an object keyed by name, e.g. {"signup": {...}}.`);
      return [];
    }
    return Object.entries(v).filter(([n]) => {
      if (NAME.test(n)) return true;
      say(`${name}.${n}`, 'Names are 1-128 letters, digits and `_ . : / -`.');
      return false;
    });
  };

  for (const [name, v] of section('kpis')) {
    const p = `kpis.${name}`;
    if (!isObj(v)) {
      say(p, 'A KPI is an object such as {"kind":"count","direction":"drop","sensitivity":"medium","owner":"growth"}.');
      continue;
    }
    const kind = oneOf(v.kind, ['count', 'gauge'] as const, 'count');
    const direction = oneOf(v.direction, ['drop', 'spike', 'both'] as const, 'both');
    const sensitivity: Sensitivity | undefined =
      v.sensitivity === undefined ? 'medium' : sensitivityProblem(v.sensitivity) ? undefined : (v.sensitivity as Sensitivity);
    if (!kind) say(`${p}.kind`, '`kind` must be "count" (events) or "gauge" (a level).');
    if (!direction) say(`${p}.direction`, '`direction` must be "drop", "spike" or "both".');
    if (!sensitivity) say(`${p}.sensitivity`, sensitivityProblem(v.sensitivity) as string);
    if (v.owner !== undefined && (typeof v.owner !== 'string' || v.owner.length > 200))
      say(`${p}.owner`, '`owner` must be a string (a team or an address).');
    const extra = Object.keys(v).find((k) => !['kind', 'direction', 'sensitivity', 'owner', 'description'].includes(k));
    if (extra) say(`${p}.${extra}`, 'Unknown field; allowed: kind, direction, sensitivity, owner, description.');
    if (kind && direction && sensitivity) {
      d.kpis[name] = {
        kind,
        direction,
        sensitivity,
        ...(typeof v.owner === 'string' ? { owner: v.owner } : {}),
        ...(typeof v.description === 'string' ? { description: v.description } : {}),
      };
    }
  }

  for (const [name, v] of section('funnels')) {
    const steps = isObj(v) ? v.steps : v;
    if (!Array.isArray(steps) || steps.length < 2 || !steps.every((s) => typeof s === 'string' && NAME.test(s))) {
      say(`funnels.${name}.steps`, 'A funnel needs `steps`: two or more KPI names in order, e.g. ["cart", "checkout", "paid"].');
      continue;
    }
    d.funnels[name] = { steps: steps as string[] };
  }

  for (const [name, v] of section('ratios')) {
    const r = validateRatio(v);
    if (!r.ok) say(`ratios.${name}`, r.message);
    else (d.ratios ??= {})[name] = r.value;
  }
  if (input.holidays !== undefined) {
    const h = validateHolidays(input.holidays);
    if (!h.ok) say('holidays', h.message);
    else if (h.value.dates.length > 0) d.holidays = h.value;
  }

  for (const [name, v] of section('rules')) {
    if (!isObj(v)) {
      say(`rules.${name}`, 'A rule is an object such as {"kpi":"payment","kind":"absence","window":"10m"}.');
      continue;
    }
    const { window, for: forD, ...rest } = v;
    const body: Obj = { ...rest, name };
    if (window !== undefined) body.windowSeconds = durationSeconds(window) ?? Number.NaN;
    if (forD !== undefined) body.forSeconds = durationSeconds(forD) ?? Number.NaN;
    const r = validateRule(body);
    if (!r.ok) say(`rules.${name}`, r.message.replace('windowSeconds', 'window (e.g. "5m")').replace('forSeconds', 'for (e.g. "1m")'));
    else d.rules[name] = { ...r.value };
  }

  for (const [sec, needs] of [
    ['checks', 'a `target` (or `url`), e.g. {"kind":"http","target":"https://shop.example/health","intervalSeconds":60}'],
    ['heartbeats', 'a `schedule` (seconds, a duration or a cron line), e.g. {"schedule":"0 3 * * *","graceSeconds":600}'],
  ] as const) {
    for (const [name, v] of section(sec)) {
      const ok = isObj(v) && (sec === 'checks' ? typeof (v.target ?? v.url) === 'string' : v.schedule !== undefined);
      if (!ok) say(`${sec}.${name}`, `Needs ${needs}.`);
      else if (sec === 'checks') d.checks[name] = { ...v, name };
      else d.heartbeats[name] = { slug: name, ...v, name };
    }
  }

  for (const [name, v] of section('channels')) {
    const c = validateChannel(isObj(v) ? { ...v, name } : v);
    if (!c.ok) say(`channels.${name}`, c.message);
    else d.channels[name] = { ...(v as Obj), name };
  }

  const routes = input.routes ?? [];
  if (!Array.isArray(routes)) say('routes', '`routes` must be a list such as [{"match":{"severities":["critical"]},"channels":["ops"]}].');
  else {
    routes.forEach((r, i) => {
      const p = `routes[${i}]`;
      if (!isObj(r) || !Array.isArray(r.channels) || !r.channels.every((c) => typeof c === 'string')) {
        say(p, 'A route names its `channels` by their declared names, e.g. {"match":{},"channels":["ops"]}.');
        return;
      }
      const names = [...(r.channels as string[]), ...((r.escalateTo as string[] | undefined) ?? [])];
      const unknown = names.find((c) => !(c in d.channels) && !(isObj(input.channels) && c in input.channels));
      if (unknown) say(`${p}.channels`, `No channel '${unknown}' is declared under channels.`);
      const probe = validateRoute({ ...r, channels: r.channels.map(() => 1), ...(r.escalateTo ? { escalateTo: [1] } : {}) });
      if (!probe.ok) say(p, probe.message);
      else d.routes.push({ ...(r as Declaration['routes'][number]), match: (r.match as Obj | undefined) ?? {} });
    });
  }
  for (const [name, f] of Object.entries(d.funnels)) {
    const missing = f.steps.find((s) => d.kpis[s] && d.kpis[s].kind !== 'count');
    if (missing) say(`funnels.${name}.steps`, `Step '${missing}' is declared as a gauge; funnel steps must be count KPIs.`);
  }
  for (const [name, r] of Object.entries(d.ratios ?? {})) {
    const gauge = [r.numerator, r.denominator].find((k) => d.kpis[k]?.kind === 'gauge');
    if (gauge) say(`ratios.${name}`, `'${gauge}' is declared as a gauge; a ratio's numerator and denominator must be count KPIs.`);
  }
  return { declaration: d, problems };
}
