/**
 * @module The durable outbox: every notification is stored before it is sent, retried with
 * exponential backoff until delivered or given up, and picked up again after a restart. In a
 * cluster only the leader delivers: it loads every pending item when it takes the lead (a dead
 * leader's items included, due at once, same idempotency keys) and rescans for items other nodes
 * stored; a node that loses the lead stops delivering and forgets its queue.
 */
import type { NotifyIntent } from '../alert/index.js';
import type { Clock, Counter, Logger } from '../kernel/index.js';
import type { Storage } from '../store/index.js';
import { renderMessage } from './render.js';
import type { Channel, ChannelConfig, Message, OutboxItem } from './types.js';

/** What the outbox needs. */
export interface OutboxDeps {
  store: Storage;
  clock: Clock;
  log: Logger;
  publicUrl: () => string;
  linkSecret: string;
  maxAttempts: number;
  timeoutMs: number;
  send(config: ChannelConfig, m: Message, timeoutMs: number): Promise<void>;
  /** Told about each final outcome (and each failed attempt), for the incident's timeline. */
  onOutcome(item: OutboxItem, channel: Channel | undefined, ok: boolean, text: string): void;
  deliveries?: Counter;
}

/** The outbox. */
export interface Outbox {
  /** Stores one item per channel, then delivers in the background. */
  enqueue(intent: NotifyIntent): Promise<number[]>;
  /** Stores an already rendered message (e.g. a release report, incidentId 0) for each channel. */
  enqueueMessage(projectId: number, channels: readonly number[], message: Message): Promise<number[]>;
  /**
   * Loads the pending items (after a restart or on taking the lead: due at once) and starts
   * delivering, while `active()` holds (default: always). A no-op once stopped.
   */
  start(active?: () => boolean): Promise<void>;
  /** Adds pending items stored by other nodes (or by a crashed enqueue); returns how many. */
  rescan(): Promise<number>;
  /** Stops delivering (another node takes over), waits for attempts in flight, forgets the queue. */
  pause(): Promise<void>;
  stop(): Promise<void>;
  pending(): number;
  /** Whether any notification of the incident is stored (pending, delivered or failed). */
  queuedFor(incidentId: number): Promise<boolean>;
}

/** Backoff before attempt n+1: 1 s, 2 s, 4 s ... capped at 5 min, with ±20% jitter. */
export function backoffMs(attempts: number, rand = Math.random): number {
  const base = Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * rand()));
}

/** Creates the outbox. */
export function createOutbox(deps: OutboxDeps): Outbox {
  const { store, clock } = deps;
  const queue = new Map<number, OutboxItem>();
  const busy = new Set<number>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let closed = false;
  let active = () => true;
  const inFlight = new Set<Promise<void>>();
  /** Items settled here, with the scan epoch: a scan that began before the settle may still read them as pending. */
  const settled = new Map<number, number>();
  let epoch = 0;
  /** Enqueues begun and in progress: a scan racing one could read its item before the queue has it. */
  let enqueues = 0;
  let enqueuing = 0;
  let owed = false;

  const attempt = async (id: number, item: OutboxItem) => {
    busy.add(id);
    const channel = (await store.getDoc<Channel>('channel', item.channelId))?.body;
    let ok = false;
    let error = '';
    if (!channel) error = `channel #${item.channelId} no longer exists`;
    else {
      try {
        await deps.send(channel.config, item.message, deps.timeoutMs);
        ok = true;
      } catch (err) {
        error = (err as Error).message || String(err);
      }
    }
    const now = clock();
    item.attempts++;
    const kind = channel?.config.kind ?? 'unknown';
    if (ok) {
      item.status = 'delivered';
      item.deliveredAt = now;
      queue.delete(id);
      deps.deliveries?.inc({ channel: kind, outcome: 'delivered' });
      deps.onOutcome(
        item,
        channel,
        true,
        `Notified ${channel?.name} (${kind}) of ${item.message.event} after ${item.attempts} attempt(s).`,
      );
    } else if (!channel || item.attempts >= deps.maxAttempts) {
      item.status = 'failed';
      item.lastError = error;
      queue.delete(id);
      deps.deliveries?.inc({ channel: kind, outcome: 'failed' });
      deps.onOutcome(
        item,
        channel,
        false,
        `Gave up notifying ${channel?.name ?? `channel #${item.channelId}`} after ${item.attempts} attempt(s): ${error}`,
      );
    } else {
      item.lastError = error;
      item.nextAttemptAt = now + backoffMs(item.attempts);
      deps.deliveries?.inc({ channel: kind, outcome: 'retry' });
      if (item.attempts === 1) deps.onOutcome(item, channel, false, `Notifying ${channel.name} failed (${error}); retrying with backoff.`);
    }
    await store.updateDoc('outbox', id, item, now);
    if (item.status !== 'pending') settled.set(id, epoch);
    busy.delete(id);
  };

  /** Reads the pending items into the queue (on a takeover: due at once); undefined when it gave way to an enqueue. */
  const load = async (takeover: boolean): Promise<number | undefined> => {
    const e = ++epoch;
    const gen = enqueues;
    const due = takeover || owed;
    owed = due; // a takeover scan that gives way to an enqueue is owed to the next scan
    if (enqueuing > 0) return undefined;
    const docs = await store.listDocs<OutboxItem | null>('outbox');
    if (enqueues !== gen || enqueuing > 0 || !running) return undefined;
    owed = false;
    const now = clock();
    let n = 0;
    for (const d of docs) {
      if (d.body?.status !== 'pending' || queue.has(d.id) || busy.has(d.id) || settled.has(d.id)) continue;
      queue.set(d.id, due ? { ...d.body, nextAttemptAt: Math.min(d.body.nextAttemptAt, now) } : d.body);
      n++;
    }
    for (const [id, at] of settled) if (at < e) settled.delete(id);
    return n;
  };

  const delivering = () => running && active();
  const pump = () => {
    if (!delivering()) return;
    const now = clock();
    for (const [id, item] of queue) {
      if (busy.has(id) || item.nextAttemptAt > now || busy.size >= 8) continue;
      const p = attempt(id, item).catch((err: unknown) => {
        busy.delete(id);
        deps.log.error('outbox attempt failed', { err, id });
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
  };

  return {
    async queuedFor(incidentId) {
      if ([...queue.values()].some((i) => i.incidentId === incidentId)) return true;
      return (await store.listDocs<OutboxItem | null>('outbox')).some((d) => d.body?.incidentId === incidentId);
    },
    async enqueue(intent) {
      const ids: number[] = [];
      const now = clock();
      enqueues++;
      enqueuing++;
      try {
        for (const channelId of intent.channels) {
          const render = (key: string) =>
            renderMessage(intent.incident, intent.event, key, { publicUrl: deps.publicUrl(), linkSecret: deps.linkSecret, now });
          const item: OutboxItem = {
            incidentId: intent.incident.id,
            channelId,
            // Stored whole at once, so a crash before the keyed update below still leaves it deliverable.
            message: render(`heed-${intent.incident.id}-${intent.event}-c${channelId}-${now}`),
            status: 'pending',
            attempts: 0,
            nextAttemptAt: now,
            createdAt: now,
          };
          const doc = await store.insertDoc<OutboxItem>('outbox', intent.incident.projectId, item, now);
          item.message = render(`heed-${intent.incident.id}-${intent.event}-${doc.id}`);
          await store.updateDoc('outbox', doc.id, item, now);
          if (delivering()) queue.set(doc.id, item); // else stored for the node that delivers
          ids.push(doc.id);
        }
      } finally {
        enqueuing--;
      }
      pump();
      return ids;
    },
    async enqueueMessage(projectId, channels, message) {
      const ids: number[] = [];
      const now = clock();
      enqueues++;
      enqueuing++;
      try {
        for (const channelId of channels) {
          const keyed = { ...message, idempotencyKey: `${message.idempotencyKey}-${channelId}` };
          const item: OutboxItem = {
            incidentId: 0,
            channelId,
            message: keyed,
            status: 'pending',
            attempts: 0,
            nextAttemptAt: now,
            createdAt: now,
          };
          const doc = await store.insertDoc<OutboxItem>('outbox', projectId, item, now);
          if (delivering()) queue.set(doc.id, item); // else stored for the node that delivers
          ids.push(doc.id);
        }
      } finally {
        enqueuing--;
      }
      pump();
      return ids;
    },
    async start(isActive) {
      if (closed || running) return;
      active = isActive ?? (() => true);
      running = true;
      timer = setInterval(pump, 200);
      timer.unref();
      while (running && (await load(true)) === undefined) await new Promise((r) => setTimeout(r, 50));
      pump();
    },
    async rescan() {
      if (!delivering()) return 0;
      const n = (await load(false)) ?? 0;
      if (n > 0) pump();
      return n;
    },
    async pause() {
      running = false;
      owed = false;
      clearInterval(timer);
      await Promise.all([...inFlight]);
      queue.clear();
    },
    async stop() {
      closed = true;
      running = false;
      clearInterval(timer);
      await Promise.all([...inFlight]);
    },
    pending: () => queue.size,
  };
}
