/**
 * @module The durable outbox: every notification is stored before it is sent, retried with
 * exponential backoff until delivered or given up, and picked up again after a restart.
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
  /** Loads pending items (after a restart) and starts delivering. */
  start(): Promise<void>;
  stop(): Promise<void>;
  pending(): number;
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
  const inFlight = new Set<Promise<void>>();

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
    busy.delete(id);
  };

  const pump = () => {
    if (!running) return;
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
    async enqueue(intent) {
      const ids: number[] = [];
      const now = clock();
      for (const channelId of intent.channels) {
        const doc = await store.insertDoc<OutboxItem | null>('outbox', intent.incident.projectId, null, now);
        const key = `heed-${intent.incident.id}-${intent.event}-${doc.id}`;
        const message = renderMessage(intent.incident, intent.event, key, {
          publicUrl: deps.publicUrl(),
          linkSecret: deps.linkSecret,
          now,
        });
        const item: OutboxItem = {
          incidentId: intent.incident.id,
          channelId,
          message,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: now,
          createdAt: now,
        };
        await store.updateDoc('outbox', doc.id, item, now);
        queue.set(doc.id, item);
        ids.push(doc.id);
      }
      pump();
      return ids;
    },
    async enqueueMessage(projectId, channels, message) {
      const ids: number[] = [];
      const now = clock();
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
        queue.set(doc.id, item);
        ids.push(doc.id);
      }
      pump();
      return ids;
    },
    async start() {
      for (const d of await store.listDocs<OutboxItem | null>('outbox')) {
        if (d.body && d.body.status === 'pending') queue.set(d.id, d.body);
      }
      running = true;
      timer = setInterval(pump, 200);
      timer.unref();
      pump();
    },
    async stop() {
      running = false;
      clearInterval(timer);
      await Promise.all([...inFlight]);
    },
    pending: () => queue.size,
  };
}
