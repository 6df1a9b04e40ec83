/**
 * @module The notify room assembled: the durable outbox sending to real channels, its delivery
 * counter and pending gauge on the metrics registry, and each outcome reported back to the incident.
 */
import type { Clock, Logger, MetricsRegistry } from '../kernel/index.js';
import type { Storage } from '../store/index.js';
import { sendToChannel } from './channels.js';
import { createOutbox, type Outbox } from './outbox.js';

/** What notifications need from the server. */
export interface NotificationsDeps {
  store: Storage;
  clock: Clock;
  log: Logger;
  metrics: MetricsRegistry;
  /** Where users reach Heed (links in messages); known once the port is. */
  publicUrl: () => string;
  linkSecret: string;
  settings: { maxAttempts: number; timeoutMs: number };
  /** Records a delivery outcome on its incident (the alert engine's `delivered`). */
  delivered(incidentId: number, ok: boolean, text: string): Promise<void>;
}

/** Creates the outbox with its metrics; delivery starts with `outbox.start()`. */
export function createNotifications(d: NotificationsDeps): Outbox {
  const { log } = d;
  const deliveries = d.metrics.counter(
    'heed_notify_deliveries_total',
    'Notification delivery attempts by channel kind and outcome (delivered, retry, failed).',
  );
  const outbox = createOutbox({
    store: d.store,
    clock: d.clock,
    log,
    publicUrl: d.publicUrl,
    linkSecret: d.linkSecret,
    maxAttempts: d.settings.maxAttempts,
    timeoutMs: d.settings.timeoutMs,
    send: sendToChannel,
    deliveries,
    onOutcome: (item, _channel, ok, text) => {
      void d.delivered(item.incidentId, ok, text).catch((err: unknown) => log.error('recording a delivery failed', { err }));
    },
  });
  d.metrics.gauge('heed_notify_outbox_pending', 'Notifications waiting to be delivered (including retries).', () => [[outbox.pending()]]);
  return outbox;
}
