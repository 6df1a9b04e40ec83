/**
 * @module Alerts in a cluster: one incident engine, on the leader. Every node queues its signals in
 * the shared `signals` table; the leader reads the queue and feeds its engine, so related alerts
 * from series owned by different nodes join one incident and incident ids come from one writer.
 * A new leader reloads the incidents from the store and replays the last seconds of the queue
 * (the engine folds a repeated signal into the alert it already has). Acknowledging or resolving
 * on a follower is queued the same way and applied by the leader; a follower reads incidents
 * from the store.
 */
import { randomUUID } from 'node:crypto';
import type { AlertEngine, Incident, Signal } from '../alert/index.js';
import type { Clock, Logger } from '../kernel/index.js';
import type { Coordination } from '../store/index.js';

/** How far back (ms) a new leader replays the queue, and how far each read overlaps the last. */
const REPLAY_MS = 10_000;
const OVERLAP_MS = 5_000;

/** How long (in 100 ms steps) a follower waits for the leader to apply an acknowledgement or resolution. */
const COMMAND_WAIT_STEPS = 50;

/** A change to an incident asked on a follower, applied by the leader. */
interface Command {
  op: 'acknowledge' | 'resolve';
  id: number;
  by: string;
}

/** The relay: the engine seen by the rest of the node, and the leader's loop step. */
export interface SignalRelay {
  engine: AlertEngine;
  /** Call often (every 250–500 ms): on the leader, feeds queued signals to the engine. */
  pump(): Promise<number>;
}

/** Options of the relay. */
export interface SignalRelayOptions {
  coord: Pick<Coordination, 'publishSignal' | 'signalsSince'>;
  nodeId: string;
  isLeader(): boolean;
  clock: Clock;
  log: Logger;
}

/** Wraps the node's alert engine: signal() queues, tick() and the queue run on the leader only. */
export function createSignalRelay(inner: AlertEngine, opts: SignalRelayOptions): SignalRelay {
  const done = new Map<string, number>();
  let leading = false;
  let cursor = 0;
  const queue = (body: Signal | Command) =>
    opts.coord.publishSignal({ id: randomUUID(), at: opts.clock(), nodeId: opts.nodeId, body: JSON.stringify(body) });
  const leads = () => leading && opts.isLeader();
  /** A follower's copy of the incidents is refreshed from the store before it answers. */
  const fresh = async () => {
    if (!leads()) await inner.load();
  };
  /** On a follower, a change of an incident is done by the leader (whose copy is the live one). */
  const command = async (op: Command['op'], id: number, by: string): Promise<Incident | undefined> => {
    if (leads()) return op === 'acknowledge' ? inner.acknowledge(id, by) : inner.resolve(id, by);
    await fresh();
    const before = await inner.get(id);
    if (!before) return undefined;
    await queue({ op, id, by });
    const want = op === 'acknowledge' ? 'acknowledged' : 'resolved';
    for (let i = 0; i < COMMAND_WAIT_STEPS; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await inner.load();
      const now = await inner.get(id);
      if (now && (now.status === want || now.status === 'resolved')) return now;
    }
    return inner.get(id);
  };
  const engine: AlertEngine = {
    ...inner,
    async signal(s: Signal) {
      await queue(s);
    },
    async tick() {
      if (leads()) await inner.tick();
    },
    // The leader resumes owed pages when it takes the lead (pump below); a follower never does.
    resumeOwedPages: async () => 0,
    acknowledge: (id, by) => command('acknowledge', id, by),
    resolve: (id, by) => command('resolve', id, by),
    async get(id) {
      await fresh();
      return inner.get(id);
    },
    async list(projectId) {
      await fresh();
      return inner.list(projectId);
    },
  };
  return {
    engine,
    async pump() {
      if (!opts.isLeader()) {
        leading = false;
        return 0;
      }
      const now = opts.clock();
      if (!leading) {
        await inner.load();
        await inner.resumeOwedPages();
        cursor = now - REPLAY_MS;
        leading = true;
        opts.log.info('this node leads: it runs the incident engine', { nodeId: opts.nodeId });
      }
      let n = 0;
      for (const q of await opts.coord.signalsSince(cursor - OVERLAP_MS)) {
        if (done.has(q.id)) continue;
        done.set(q.id, q.at);
        cursor = Math.max(cursor, q.at);
        const body = JSON.parse(q.body) as Signal | Command;
        if ('op' in body) await (body.op === 'acknowledge' ? inner.acknowledge(body.id, body.by) : inner.resolve(body.id, body.by));
        else await inner.signal(body);
        n++;
      }
      for (const [id, at] of done) if (at < cursor - 2 * OVERLAP_MS) done.delete(id);
      return n;
    },
  };
}
