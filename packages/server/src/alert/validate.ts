/** @module Validation of rules, routes and silences sent to the API: outcomes that name the fix. */
import { type Outcome, ok, reject } from '../kernel/index.js';
import { type Route, type Rule, SEVERITIES, type Severity, type Silence } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = <T>(msg: string): Outcome<T> => reject('request.invalid_body', msg);
const isTags = (v: unknown): v is Record<string, string> => isObj(v) && Object.values(v).every((x) => typeof x === 'string');
const isIds = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => Number.isInteger(x) && x > 0);
const posInt = (v: unknown, max: number) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
const AGGS = ['count', 'sum', 'mean', 'min', 'max', 'last', 'rate'];
const OPS = ['>', '>=', '<', '<='];

/** Validates a rule: `{name, kpi, kind, agg?, op?, threshold?, windowSeconds, forSeconds?, severity?, where?}`. */
export function validateRule(b: unknown): Outcome<Rule> {
  if (!isObj(b)) return bad('Send a JSON object describing the rule.');
  if (typeof b.name !== 'string' || b.name.length < 1 || b.name.length > 200) return bad('`name` must be 1-200 characters.');
  if (typeof b.kpi !== 'string' || b.kpi.length < 1) return bad('`kpi` must name a KPI.');
  const kind = b.kind ?? 'threshold';
  if (kind !== 'threshold' && kind !== 'absence') return bad('`kind` must be "threshold" or "absence".');
  if (!posInt(b.windowSeconds, 86400 * 7) || (b.windowSeconds as number) < 1)
    return bad('`windowSeconds` must be an integer from 1 to 604800.');
  if (b.forSeconds !== undefined && !posInt(b.forSeconds, 86400)) return bad('`forSeconds` must be an integer from 0 to 86400.');
  if (b.where !== undefined && !isTags(b.where)) return bad('`where` must be an object of tag values, e.g. {"browser":"Safari"}.');
  const severity = (b.severity ?? 'critical') as Severity;
  if (!SEVERITIES.includes(severity)) return bad('`severity` must be critical, warning or info.');
  const agg = (b.agg ?? 'count') as Rule['agg'];
  if (!AGGS.includes(agg)) return bad(`\`agg\` must be one of ${AGGS.join(', ')}.`);
  const op = (b.op ?? '>') as Rule['op'];
  if (!OPS.includes(op)) return bad('`op` must be >, >=, < or <=.');
  if (kind === 'threshold' && (typeof b.threshold !== 'number' || !Number.isFinite(b.threshold)))
    return bad('A threshold rule needs a numeric `threshold`.');
  const known = new Set(['name', 'kpi', 'kind', 'agg', 'op', 'threshold', 'windowSeconds', 'forSeconds', 'severity', 'where']);
  const extra = Object.keys(b).find((k) => !known.has(k));
  if (extra) return bad(`Unknown field '${extra}'.`);
  return ok({
    name: b.name,
    kpi: b.kpi,
    kind,
    agg,
    op,
    threshold: typeof b.threshold === 'number' ? b.threshold : 0,
    windowSeconds: b.windowSeconds as number,
    forSeconds: (b.forSeconds as number | undefined) ?? 0,
    severity,
    ...(b.where ? { where: b.where as Record<string, string> } : {}),
  });
}

/** Validates a route: `{match: {severities?, tags?, sources?}, channels, escalateAfterMinutes?, escalateTo?}`. */
export function validateRoute(b: unknown): Outcome<Route> {
  if (!isObj(b)) return bad('Send a JSON object describing the route.');
  const match = b.match ?? {};
  if (!isObj(match)) return bad('`match` must be an object.');
  if (
    match.severities !== undefined &&
    !(Array.isArray(match.severities) && match.severities.every((s) => SEVERITIES.includes(s as Severity)))
  ) {
    return bad('`match.severities` must be a list of critical, warning, info.');
  }
  if (match.tags !== undefined && !isTags(match.tags)) return bad('`match.tags` must be an object of tag values.');
  if (
    match.sources !== undefined &&
    !(Array.isArray(match.sources) && match.sources.every((s) => ['kpi', 'rule', 'error', 'check'].includes(s as string)))
  ) {
    return bad('`match.sources` must be a list of kpi, rule, error, check.');
  }
  if (!isIds(b.channels)) return bad('`channels` must be a list of channel ids.');
  if (b.escalateTo !== undefined && !isIds(b.escalateTo)) return bad('`escalateTo` must be a list of channel ids.');
  if (b.escalateAfterMinutes !== undefined && !posInt(b.escalateAfterMinutes, 10080))
    return bad('`escalateAfterMinutes` must be an integer from 0 to 10080.');
  return ok({
    match: match as Route['match'],
    channels: b.channels,
    ...(b.escalateAfterMinutes !== undefined ? { escalateAfterMinutes: b.escalateAfterMinutes as number } : {}),
    ...(b.escalateTo ? { escalateTo: b.escalateTo as number[] } : {}),
  });
}

/** Validates a silence: `{match: {tags?, keyPrefix?, subject?}, startsAt?, endsAt, comment?}` (times ISO or epoch ms). */
export function validateSilence(b: unknown, now: number): Outcome<Silence> {
  if (!isObj(b)) return bad('Send a JSON object describing the silence.');
  const match = b.match ?? {};
  if (!isObj(match)) return bad('`match` must be an object.');
  if (match.tags !== undefined && !isTags(match.tags)) return bad('`match.tags` must be an object of tag values.');
  for (const k of ['keyPrefix', 'subject'] as const)
    if (match[k] !== undefined && typeof match[k] !== 'string') return bad(`\`match.${k}\` must be a string.`);
  const time = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : Number.NaN);
  const startsAt = b.startsAt === undefined ? now : time(b.startsAt);
  const endsAt = time(b.endsAt);
  if (!Number.isFinite(startsAt) || !Number.isFinite(endsAt) || endsAt <= startsAt) {
    return bad('`endsAt` (and `startsAt`, default now) must be ISO-8601 or epoch ms, with endsAt after startsAt.');
  }
  return ok({ match: match as Silence['match'], startsAt, endsAt, comment: typeof b.comment === 'string' ? b.comment.slice(0, 500) : '' });
}
