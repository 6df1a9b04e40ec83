import assert from 'node:assert/strict';
import { it } from 'node:test';
import { normalizeErrorEvent } from './error-event.js';
import { createScrubber, FILTERED } from './scrub.js';

it('scrubs sensitive keys at any depth, card numbers, credentials, private keys and query parameters', () => {
  const s = createScrubber(['iban', 'loyalty_no']);
  assert.deepEqual(
    s.value({ password: 'hunter2', nested: { api_key: 'k', 'X-Auth-Token': 't', ok: 'fine' }, list: [{ Cookie: 'a=b' }], loyaltyNo: '7' }),
    {
      password: FILTERED,
      nested: { api_key: FILTERED, 'X-Auth-Token': FILTERED, ok: 'fine' },
      list: [{ Cookie: FILTERED }],
      loyaltyNo: FILTERED,
    },
  );
  assert.equal(s.text('paid with 4111 1111 1111 1111 today'), `paid with ${FILTERED} today`);
  assert.equal(s.text('order 1234567890123 shipped'), 'order 1234567890123 shipped', 'numbers failing Luhn stay');
  assert.equal(s.text('header Bearer abcdefghijklmnop123'), `header Bearer ${FILTERED}`);
  assert.equal(s.text('GET /login?user=jane&password=s3cret&x=1'), `GET /login?user=jane&password=${FILTERED}&x=1`);
  assert.equal(s.text('postgres://app:pa55word@db:5432/shop'), `postgres://app:${FILTERED}@db:5432/shop`);
  assert.equal(s.text('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----'), FILTERED);
});

it('an event is scrubbed before it is stored: request, headers, cookies, extra, breadcrumbs, exception values', () => {
  const r = normalizeErrorEvent(
    {
      exception: { values: [{ type: 'Error', value: 'card 5555555555554444 declined', stacktrace: { frames: [] } }] },
      request: {
        url: 'https://shop.test/pay?token=abc123456&step=2',
        method: 'POST',
        headers: {
          Authorization: 'Bearer xyz',
          'User-Agent':
            'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
        },
        cookies: 'session=abc',
        data: { card_number: '5555555555554444', amount: 10 },
      },
      extra: { secret: 's' },
      breadcrumbs: [{ category: 'http', data: { password: 'p' }, message: 'Bearer abcdefghijklmnop' }],
      user: { id: 'u1', ip_address: '{{auto}}' },
    },
    { receivedAt: Date.UTC(2026, 0, 1), scrubber: createScrubber(), maxFutureMs: 0 },
  );
  assert.ok(r.ok);
  const ev = r.value;
  assert.equal(ev.exceptions[0]?.value, `card ${FILTERED} declined`);
  assert.equal(ev.request?.url, `https://shop.test/pay?token=${FILTERED}&step=2`);
  assert.equal(ev.request?.headers?.Authorization, FILTERED);
  assert.equal(ev.request?.cookies, FILTERED);
  assert.deepEqual(ev.request?.data, { card_number: FILTERED, amount: 10 });
  assert.deepEqual(ev.extra, { secret: FILTERED });
  assert.deepEqual(ev.breadcrumbs[0]?.data, { password: FILTERED });
  assert.equal(ev.breadcrumbs[0]?.message, `Bearer ${FILTERED}`);
  assert.deepEqual(ev.user, { id: 'u1' }, 'the {{auto}} IP is not kept');
  assert.deepEqual(ev.client.browser, { name: 'Safari', version: '17.1' });
  assert.deepEqual(ev.client.os, { name: 'iOS', version: '17.1' });
  assert.equal(ev.client.device?.model, 'iPhone');
});
