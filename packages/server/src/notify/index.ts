/** @module Notify: channels (webhook, Slack, email) fed by a durable outbox with retries. */
export { sendToChannel, webhookSignature } from './channels.js';
export { createNotifications, type NotificationsDeps } from './notifications.js';
export { backoffMs, createOutbox, type Outbox, type OutboxDeps } from './outbox.js';
export { renderMessage } from './render.js';
export type { Channel, ChannelConfig, Message, OutboxItem } from './types.js';
export { channelView, validateChannel } from './validate-channel.js';
