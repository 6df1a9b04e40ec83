/**
 * @module Syncing a declaration to a project, idempotently: each declared item is one document
 * (rules, channels and routes are the alert and notify rooms' own documents and checks and
 * heartbeats are added through the checks room, so they run; KPIs and funnels are declarations). A state document remembers
 * which documents the file manages, so items made by hand are never touched, and applying the
 * same file twice changes nothing.
 */
import type { Route, Rule } from '../alert/index.js';
import { validateChannel } from '../notify/index.js';
import type { Storage } from '../store/index.js';
import type { Declaration } from './declaration.js';

/** One planned change. */
export interface Change {
  op: 'create' | 'update' | 'delete';
  section: string;
  name: string;
}

interface State {
  ids: Record<string, number>;
  specs: Record<string, string>;
  /** The declaration last applied, for `heed status`. */
  declaration?: Declaration;
}

/** Document kind of each section. */
export const DOC_KINDS: Record<string, string> = {
  channels: 'channel',
  kpis: 'monitor.kpi',
  funnels: 'funnel',
  ratios: 'ratio',
  holidays: 'monitor.holidays',
  rules: 'rule',
  checks: 'check',
  heartbeats: 'heartbeat',
  routes: 'route',
};
const ORDER = ['channels', 'kpis', 'funnels', 'ratios', 'holidays', 'rules', 'checks', 'heartbeats', 'routes'];
const STATE = 'monitors.state';

function items(d: Declaration): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const section of ORDER) {
    if (section === 'routes') {
      for (const [i, r] of d.routes.entries()) out.set(`routes:${i}`, r);
    } else if (section === 'holidays') {
      // One list per project, not keyed by name.
      if (d.holidays) out.set('holidays:dates', d.holidays);
    } else
      for (const [name, v] of Object.entries(d[section as keyof Omit<Declaration, 'routes' | 'holidays'>] ?? {}))
        out.set(`${section}:${name}`, v);
  }
  return out;
}

async function loadState(store: Storage, projectId: number): Promise<{ id?: number; state: State }> {
  const doc = (await store.listDocs<State>(STATE, projectId))[0];
  return doc ? { id: doc.id, state: doc.body } : { state: { ids: {}, specs: {} } };
}

const split = (key: string) => {
  const i = key.indexOf(':');
  return { section: key.slice(0, i), name: key.slice(i + 1) };
};

/** What applying `d` would change, in order (channels before the routes that name them). */
export async function planApply(store: Storage, projectId: number, d: Declaration): Promise<Change[]> {
  const { state } = await loadState(store, projectId);
  const want = items(d);
  const changes: Change[] = [];
  for (const [key, spec] of want) {
    const id = state.ids[key];
    const { section, name } = split(key);
    const exists = id !== undefined && (await store.getDoc(DOC_KINDS[section] as string, id))?.projectId === projectId;
    if (!exists) changes.push({ op: 'create', section, name });
    else if (state.specs[key] !== JSON.stringify(spec)) changes.push({ op: 'update', section, name });
  }
  for (const key of Object.keys(state.ids)) if (!want.has(key)) changes.push({ op: 'delete', ...split(key) });
  return changes;
}

/** Hooks for documents other rooms keep live state of (rules are evaluated in memory). */
export interface ApplyHooks {
  ruleChanged(id: number, projectId: number, rule: Rule | undefined): Promise<void> | void;
  /**
   * Checks and heartbeats run in the checks room, which owns their documents: it validates and
   * adds `spec` (returning the new id), or removes `oldId`. An update is a removal and an add.
   */
  liveItem(section: 'checks' | 'heartbeats', projectId: number, oldId: number | undefined, spec: unknown): Promise<number | undefined>;
}

const LIVE = new Set(['checks', 'heartbeats']);

/** Applies `d`; returns what changed (empty when the project already matches). */
export async function applyDeclaration(
  store: Storage,
  projectId: number,
  d: Declaration,
  now: number,
  hooks: ApplyHooks,
): Promise<Change[]> {
  const changes = await planApply(store, projectId, d);
  const { id: stateId, state } = await loadState(store, projectId);
  if (changes.length === 0 && stateId !== undefined) return changes;
  const want = items(d);
  const body = (section: string, name: string, spec: unknown): unknown => {
    if (section === 'channels') {
      const c = validateChannel(spec);
      if (!c.ok) throw new Error(c.message);
      return c.value;
    }
    if (section === 'routes') {
      const r = spec as Declaration['routes'][number];
      const ids = (names: string[] | undefined) => (names ?? []).map((n) => state.ids[`channels:${n}`] as number);
      const route: Route = {
        match: r.match as Route['match'],
        channels: ids(r.channels),
        ...(r.escalateAfterMinutes !== undefined ? { escalateAfterMinutes: r.escalateAfterMinutes } : {}),
        ...(r.escalateTo ? { escalateTo: ids(r.escalateTo) } : {}),
      };
      return route;
    }
    return { ...(spec as object), name };
  };
  for (const c of changes) {
    const key = `${c.section}:${c.name}`;
    const kind = DOC_KINDS[c.section] as string;
    if (LIVE.has(c.section)) {
      const section = c.section as 'checks' | 'heartbeats';
      const oldId = state.ids[key];
      const spec = c.op === 'delete' ? undefined : want.get(key);
      const id = await hooks.liveItem(section, projectId, oldId, spec);
      if (id === undefined) {
        delete state.ids[key];
        delete state.specs[key];
      } else {
        state.ids[key] = id;
        state.specs[key] = JSON.stringify(spec);
      }
      continue;
    }
    if (c.op === 'delete') {
      const id = state.ids[key] as number;
      await store.deleteDoc(kind, id);
      if (c.section === 'rules') await hooks.ruleChanged(id, projectId, undefined);
      delete state.ids[key];
      delete state.specs[key];
      continue;
    }
    const spec = want.get(key);
    const doc = body(c.section, c.name, spec);
    let id = state.ids[key];
    if (c.op === 'update' && id !== undefined) await store.updateDoc(kind, id, doc, now);
    else id = (await store.insertDoc(kind, projectId, doc, now)).id;
    state.ids[key] = id;
    state.specs[key] = JSON.stringify(spec);
    if (c.section === 'rules') await hooks.ruleChanged(id, projectId, doc as Rule);
  }
  state.declaration = d;
  if (stateId === undefined) await store.insertDoc(STATE, projectId, state, now);
  else await store.updateDoc(STATE, stateId, state, now);
  return changes;
}

/** The managed document ids by `section:name`, and the declaration last applied (if any). */
export async function managedIds(store: Storage, projectId: number): Promise<Record<string, number>> {
  return (await loadState(store, projectId)).state.ids;
}

/** The declaration last applied to a project, if any. */
export async function appliedDeclaration(store: Storage, projectId: number): Promise<Declaration | undefined> {
  return (await loadState(store, projectId)).state.declaration;
}
