import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createRateLimits, parseRetryAfter } from './rate-limits.js';

it('parses Retry-After as seconds or an HTTP date, 60 s by default', () => {
  assert.equal(parseRetryAfter('5', 0), 5000);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 0), 10_000);
  assert.equal(parseRetryAfter(null, 0), 60_000);
  assert.equal(parseRetryAfter('soon', 0), 60_000);
});

it('X-Sentry-Rate-Limits blocks the named categories, on any status', () => {
  const l = createRateLimits();
  l.update(200, null, '60:error;transaction:organization, 10:monitor:project', 1000);
  assert.equal(l.until('error', 1000), 61_000);
  assert.equal(l.until('monitor', 1000), 11_000);
  assert.equal(l.until('kpi', 1000), 0);
  assert.equal(l.until('internal', 1000), 0, 'client reports only obey all-category limits');
  assert.equal(l.until('error', 61_000), 0, 'expires');
});

it('a 429 without categories blocks everything for Retry-After', () => {
  const l = createRateLimits();
  l.update(429, '2', null, 0);
  assert.equal(l.until('kpi', 0), 2000);
  assert.equal(l.until('internal', 0), 2000);
  l.update(200, null, null, 100);
  assert.equal(l.until('kpi', 100), 2000, 'a later 200 does not lift it');
});
