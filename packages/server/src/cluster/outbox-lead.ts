/**
 * @module Notifications in a cluster: only the leader delivers the outbox. On taking the lead a node
 * loads every pending item from the store (a dead leader's undelivered and mid-retry ones included:
 * due at once, with the idempotency keys they were stored with) and then rescans every few seconds
 * for items other nodes stored; a node that loses the lead stops delivering. So each item is
 * delivered at least once, and by one live node at a time (a receiver dedupes on the key the rare
 * message a killed leader sent without recording it).
 */
import type { Logger } from '../kernel/index.js';

/** How often the delivering leader looks for items stored by other nodes. */
export const OUTBOX_RESCAN_MS = 5_000;

/** The part of the notify room's outbox the leader drives (structural: cluster does not import notify). */
export interface LeaderOutbox {
  start(active?: () => boolean): Promise<void>;
  rescan(): Promise<number>;
  pause(): Promise<void>;
}

/** One step of the leader's outbox duty: call every few hundred ms. */
export function createOutboxLead(box: LeaderOutbox, deps: { isLeader(): boolean; nodeId: string; log: Logger; now(): number }) {
  let delivering = false;
  let scannedAt = 0;
  return async function step(): Promise<void> {
    const lead = deps.isLeader();
    if (lead && !delivering) {
      delivering = true;
      scannedAt = deps.now();
      await box.start(() => deps.isLeader());
      deps.log.info('this node delivers the outbox', { nodeId: deps.nodeId });
    } else if (!lead && delivering) {
      delivering = false;
      await box.pause();
      deps.log.info('this node no longer delivers the outbox', { nodeId: deps.nodeId });
    } else if (lead && deps.now() - scannedAt >= OUTBOX_RESCAN_MS) {
      scannedAt = deps.now();
      const n = await box.rescan();
      if (n > 0) deps.log.info('outbox items stored by other nodes picked up', { items: n });
    }
  };
}
