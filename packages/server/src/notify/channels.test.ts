/** Every channel against a real receiver on loopback: an HTTP server for webhooks and Slack, an SMTP server for email. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import type { Incident } from '../alert/index.js';
import { sendToChannel } from './channels.js';
import { renderMessage } from './render.js';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const incident: Incident = {
  id: 7,
  projectId: 1,
  status: 'triggered',
  title: 'checkout.completed dropped',
  severity: 'critical',
  alerts: [
    {
      key: 'kpi:3',
      source: 'kpi',
      severity: 'critical',
      title: 'checkout.completed dropped',
      explanation: 'expected ~40 checkout.completed in the last 2 min, saw 0 (p < 1e-9)',
      tags: { browser: 'Safari' },
      state: 'firing',
      firstFiredAt: NOW,
      lastFiredAt: NOW,
      flaps: 0,
    },
  ],
  onsetAt: NOW - 60_000,
  detectedAt: NOW,
  reopened: 0,
  escalated: false,
  timeline: [],
};
const message = renderMessage(incident, 'triggered', 'heed-7-triggered-1', {
  publicUrl: 'http://heed.local:7600',
  linkSecret: 's3cret',
  now: NOW,
});

async function receiver(status = 200) {
  const got: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(status).end(status === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

describe('channels', () => {
  it('webhook: documented JSON, idempotency key, and an HMAC-SHA256 signature the receiver can verify', async () => {
    const r = await receiver();
    await sendToChannel({ kind: 'webhook', url: r.url, secret: 'whsec_123456' }, message, 5000);
    const { headers, body } = r.got[0] ?? assert.fail('nothing received');
    const expected = `sha256=${createHmac('sha256', 'whsec_123456').update(`${headers['x-heed-timestamp']}.${body}`).digest('hex')}`;
    assert.equal(headers['x-heed-signature'], expected);
    assert.equal(headers['x-heed-idempotency-key'], 'heed-7-triggered-1');
    assert.equal(headers['x-heed-event'], 'incident.triggered');
    const m = JSON.parse(body);
    assert.equal(m.version, 1);
    assert.equal(m.incident.id, 7);
    assert.match(m.incident.alerts[0].explanation, /expected ~40/);
    assert.match(m.incident.ackUrl, /^http:\/\/heed\.local:7600\/ack\/7\?exp=\d+&sig=[\w-]+$/);
  });

  it('webhook: a non-2xx answer is a failure (so the outbox retries)', async () => {
    const r = await receiver(503);
    await assert.rejects(sendToChannel({ kind: 'webhook', url: r.url }, message, 5000), /HTTP 503/);
  });

  it('slack: incoming-webhook payload with summary, explanation and links', async () => {
    const r = await receiver();
    await sendToChannel({ kind: 'slack', url: r.url }, message, 5000);
    const p = JSON.parse(r.got[0]?.body ?? '{}');
    assert.match(p.text, /TRIGGERED #7 critical: checkout.completed dropped/);
    const all = JSON.stringify(p.blocks);
    assert.match(all, /expected ~40 checkout.completed/);
    assert.match(all, /<http:\/\/heed\.local:7600\/incidents\/7\|Open incident #7>/);
    assert.match(all, /Acknowledge>/);
  });

  it('email: delivered over SMTP to a real server, with the explanation and the ack link', async () => {
    const mails: Array<{ from: string; to: string[]; data: string }> = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, cb) {
        let data = '';
        stream.on('data', (d: Buffer) => (data += d.toString()));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    after(() => smtp.close());
    const port = (smtp.server.address() as AddressInfo).port;
    await sendToChannel({ kind: 'email', host: '127.0.0.1', port, from: 'heed@shop.example', to: ['oncall@shop.example'] }, message, 5000);
    assert.equal(mails.length, 1);
    assert.equal(mails[0]?.from, 'heed@shop.example');
    assert.deepEqual(mails[0]?.to, ['oncall@shop.example']);
    const data = (mails[0]?.data ?? '').replace(/=\r?\n/g, '');
    assert.match(data, /Subject: \[Heed\] TRIGGERED #7/);
    assert.match(data, /expected ~40 checkout.completed/);
    assert.match(data, /ack\/7\?exp=/);
  });
});
