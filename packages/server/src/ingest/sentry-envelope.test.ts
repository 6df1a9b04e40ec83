import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { parseDsn, parseEnvelope, parseSentryAuth } from './sentry-envelope.js';

const FIXTURES = new URL('../../../../../shared/fixtures/clients/', import.meta.url);

it('parses the recorded Node envelope: an event and an attachment with length and newlines', () => {
  const r = parseEnvelope(readFileSync(new URL('sentry-node-event.envelope', FIXTURES)));
  assert.ok(r.ok);
  assert.equal(r.value.header.event_id, 'fb280ba2e21c4f97ac5f77b0844c740c');
  assert.deepEqual(
    r.value.items.map((i) => i.type),
    ['event', 'attachment'],
  );
  assert.equal(r.value.items[1]?.payload.length, 120);
  assert.match(r.value.items[1]?.payload.toString() ?? '', /"price": "abc"/);
});

it('takes items without length, with length, binary payloads, no trailing newline, {} headers', () => {
  const bin = Buffer.from([0, 10, 255, 10, 13]);
  const body = Buffer.concat([
    Buffer.from('{}\n{"type":"session"}\n{"sid":"a"}\n'),
    Buffer.from(`{"type":"attachment","length":${bin.length}}\n`),
    bin,
    Buffer.from('\n{"type":"client_report"}\n{"discarded_events":[]}'),
  ]);
  const r = parseEnvelope(body);
  assert.ok(r.ok);
  assert.deepEqual(
    r.value.items.map((i) => [i.type, i.payload.length]),
    [
      ['session', 11],
      ['attachment', 5],
      ['client_report', 23],
    ],
  );
  assert.deepEqual([...(r.value.items[1]?.payload ?? [])], [...bin]);
  const last = parseEnvelope(Buffer.from('{}\n{"type":"attachment","length":3}\nabc'));
  assert.ok(last.ok && last.value.items[0]?.payload.toString() === 'abc');
  const empty = parseEnvelope(Buffer.from('{"dsn":"x"}'));
  assert.ok(empty.ok && empty.value.items.length === 0);
});

it('rejects malformed envelopes with a message, never throws', () => {
  for (const bad of [
    '',
    'not json',
    '{}\n{"length":2}\nab',
    '{}\n{"type":"event","length":99}\n{}',
    '{}\n[1]\n{}',
    '{}\n{"type":"x","length":-1}\n',
  ]) {
    const r = parseEnvelope(Buffer.from(bad));
    assert.equal(r.ok, false, bad);
    assert.ok(!r.ok && r.code === 'envelope.invalid' && r.message.length > 10);
  }
});

it('reads X-Sentry-Auth and DSNs', () => {
  assert.deepEqual(parseSentryAuth('Sentry sentry_version=7, sentry_client=raven-python/1.0, sentry_key=abc123'), {
    sentry_version: '7',
    sentry_client: 'raven-python/1.0',
    sentry_key: 'abc123',
  });
  assert.deepEqual(parseDsn('http://abc@127.0.0.1:7600/42'), { key: 'abc', projectId: 42 });
  assert.deepEqual(parseDsn('https://k@host/prefix/7'), { key: 'k', projectId: 7 });
  assert.equal(parseDsn('http://host/42'), undefined);
  assert.equal(parseDsn(42), undefined);
});
