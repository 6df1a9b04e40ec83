/** @module The notify room's vocabulary: channels, the message every channel renders, the outbox item. */

/** A channel's settings, stored as a `channel` document. */
export type ChannelConfig =
  | { kind: 'webhook'; url: string; secret?: string }
  | { kind: 'slack'; url: string }
  | { kind: 'email'; host: string; port: number; secure?: boolean; user?: string; pass?: string; from: string; to: string[] };

/** A named channel. */
export interface Channel {
  name: string;
  config: ChannelConfig;
}

/** What every channel sends, rendered once per outbox item. */
export interface Message {
  version: 1;
  event: string;
  idempotencyKey: string;
  sentAt: string;
  summary: string;
  incident: {
    id: number;
    projectId: number;
    status: string;
    title: string;
    severity: string;
    url: string;
    ackUrl: string;
    onsetAt: string;
    detectedAt: string;
    resolvedAt: string | null;
    /** With alerts of several kinds: the one that probably started it. */
    probableCause?: { key: string; title: string; onsetAt: number; text: string };
    alerts: Array<{
      key: string;
      source: string;
      title: string;
      explanation: string;
      severity: string;
      state: string;
      tags: Record<string, string>;
    }>;
  };
}

/** One notification to deliver: kept in the store until delivered or given up. */
export interface OutboxItem {
  incidentId: number;
  channelId: number;
  message: Message;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
  createdAt: number;
  deliveredAt?: number;
}
