/**
 * @module Channel senders: generic webhook (HMAC-SHA256 signed), Slack incoming webhook, email over
 * SMTP (nodemailer). Each throws on failure so the outbox can retry.
 */
import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { ChannelConfig, Message } from './types.js';

/** The webhook signature header value: `sha256=<hex HMAC of "<timestamp>.<body>">`. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text().catch(() => '');
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${new URL(url).host}: ${text.slice(0, 200)}`);
}

function slackPayload(m: Message) {
  const i = m.incident;
  const icon =
    m.event === 'incident.resolved' ? ':white_check_mark:' : i.severity === 'critical' ? ':red_circle:' : ':large_orange_circle:';
  const lines = i.alerts.slice(0, 5).map((a) => `• *${a.title}* (${a.state}): ${a.explanation}`);
  return {
    text: `${icon} ${m.summary}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${icon} *${m.summary.replace(/^\[Heed\] /, '')}*` } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') || '_no alerts_' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `<${i.url}|Open incident #${i.id}> · <${i.ackUrl}|Acknowledge>` }] },
    ],
  };
}

function emailText(m: Message): string {
  const i = m.incident;
  return [
    m.summary,
    '',
    ...i.alerts.map((a) => `- ${a.title} [${a.state}]: ${a.explanation}`),
    '',
    `Started (estimated): ${i.onsetAt}`,
    `Detected: ${i.detectedAt}`,
    '',
    `Open the incident: ${i.url}`,
    `Acknowledge: ${i.ackUrl}`,
  ].join('\n');
}

/** Sends one message over one channel. */
export async function sendToChannel(config: ChannelConfig, m: Message, timeoutMs: number): Promise<void> {
  if (config.kind === 'webhook') {
    const body = JSON.stringify(m);
    const ts = String(Math.floor(Date.parse(m.sentAt) / 1000));
    const headers: Record<string, string> = {
      'x-heed-event': m.event,
      'x-heed-idempotency-key': m.idempotencyKey,
      'idempotency-key': m.idempotencyKey,
      'x-heed-timestamp': ts,
    };
    if (config.secret) headers['x-heed-signature'] = webhookSignature(config.secret, ts, body);
    return post(config.url, body, headers, timeoutMs);
  }
  if (config.kind === 'slack') return post(config.url, JSON.stringify(slackPayload(m)), {}, timeoutMs);
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure ?? false,
    auth: config.user ? { user: config.user, pass: config.pass ?? '' } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await transport.sendMail({
      from: config.from,
      to: config.to,
      subject: (m.summary.split(' — ')[0] ?? m.summary).slice(0, 200),
      text: emailText(m),
      messageId: `<${m.idempotencyKey}@heed>`,
      headers: { 'X-Heed-Event': m.event },
    });
  } finally {
    transport.close();
  }
}
