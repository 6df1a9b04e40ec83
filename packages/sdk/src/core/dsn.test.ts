import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseDsn } from './dsn.js';

it('parses a Heed DSN into the events and envelope URLs', () => {
  const d = parseDsn('http://abc123@127.0.0.1:7600/7', 'heed.javascript.node/0.1.0');
  assert.deepEqual(d, {
    key: 'abc123',
    projectId: '7',
    host: '127.0.0.1:7600',
    eventsUrl: 'http://127.0.0.1:7600/api/7/events',
    envelopeUrl: 'http://127.0.0.1:7600/api/7/envelope/?sentry_version=7&sentry_key=abc123&sentry_client=heed.javascript.node%2F0.1.0',
  });
  assert.equal(parseDsn('https://k@heed.example.com/prefix/3')?.eventsUrl, 'https://heed.example.com/prefix/api/3/events');
});

it('refuses what the Sentry SDKs refuse, without throwing', () => {
  for (const bad of ['', 'nonsense', 'http://127.0.0.1:7600/1', 'http://pub-key@h/1', 'http://k@h/abc', 'http://k@h/1/', 'ftp://k@h/1']) {
    assert.equal(parseDsn(bad), undefined, bad);
  }
});
