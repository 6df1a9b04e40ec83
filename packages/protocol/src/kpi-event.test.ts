import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRejection, parseTimestamp, validateEvent } from './kpi-event.js';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const LIMITS = { maxTagsPerEvent: 4, maxTagValueLength: 10, maxFutureSeconds: 300 };
const v = (e: unknown) => validateEvent(e, NOW, LIMITS);

describe('validateEvent', () => {
  it('defaults: counted, value 1, received now, untagged', () => {
    assert.deepEqual(v({ name: 'signup' }), { name: 'signup', ts: NOW, type: 'count', count: 1, value: 1, tags: [], tagKey: '' });
  });

  it('a payment gives a count and a sum; a pre-counted record its count', () => {
    const p = v({ name: 'payment', value: 49.9 });
    assert.ok(!isRejection(p) && p.count === 1 && p.value === 49.9);
    const c = v({ name: 'checkout', count: 40, value: 4000 });
    assert.ok(!isRejection(c) && c.count === 40 && c.value === 4000);
    const z = v({ name: 'checkout', count: 0 });
    assert.ok(!isRejection(z) && z.count === 0 && z.value === 0);
  });

  it('reads ISO strings and epoch seconds or milliseconds', () => {
    assert.equal(parseTimestamp('2026-11-20T11:00:00Z'), NOW - 3600_000);
    assert.equal(parseTimestamp(NOW / 1000), NOW);
    assert.equal(parseTimestamp(NOW), NOW);
    assert.equal(parseTimestamp(String(NOW / 1000)), NOW);
    assert.equal(parseTimestamp('soon'), undefined);
    assert.equal(parseTimestamp(-5), undefined);
  });

  it('sorts tags into a canonical key, stringifying numbers and booleans', () => {
    const a = v({ name: 'x', tags: { plan: 'pro', browser: 'Safari', beta: true, v: 2 } });
    const b = v({ name: 'x', tags: { v: '2', beta: 'true', browser: 'Safari', plan: 'pro' } });
    assert.ok(!isRejection(a) && !isRejection(b));
    assert.equal(a.tagKey, b.tagKey);
    assert.deepEqual(
      a.tags.map(([k]) => k),
      ['beta', 'browser', 'plan', 'v'],
    );
  });

  it('gauges need a value and take no count', () => {
    assert.equal((v({ name: 'users', type: 'gauge' }) as { code: string }).code, 'event.invalid_value');
    assert.equal((v({ name: 'users', type: 'gauge', value: 3, count: 2 }) as { code: string }).code, 'event.invalid_count');
    const g = v({ name: 'users', type: 'gauge', value: 312 });
    assert.ok(!isRejection(g) && g.type === 'gauge' && g.value === 312);
  });

  it('rejects with stable codes', () => {
    const cases: Array<[unknown, string]> = [
      [null, 'event.not_object'],
      [[1], 'event.not_object'],
      [{}, 'event.invalid_name'],
      [{ name: 'a'.repeat(129) }, 'event.invalid_name'],
      [{ name: 'a', extra: 1 }, 'event.unknown_field'],
      [{ name: 'a', value: Number.NaN }, 'event.invalid_value'],
      [{ name: 'a', count: 1.5 }, 'event.invalid_count'],
      [{ name: 'a', ts: NOW + 301_000 }, 'event.timestamp_in_future'],
      [{ name: 'a', ts: '1990-01-01T00:00:00Z' }, 'event.timestamp_too_old'],
      [{ name: 'a', tags: 'x' }, 'event.invalid_tags'],
      [{ name: 'a', tags: { a: { b: 1 } } }, 'event.invalid_tags'],
      [{ name: 'a', tags: { a: 1, b: 1, c: 1, d: 1, e: 1 } }, 'event.too_many_tags'],
      [{ name: 'a', tags: { '': 'x' } }, 'event.invalid_tag_key'],
      [{ name: 'a', tags: { k: 'x'.repeat(11) } }, 'event.tag_value_too_long'],
      [{ name: 'a', tags: { k: 'a\nb' } }, 'event.tag_value_too_long'],
    ];
    for (const [input, code] of cases) {
      const r = v(input);
      assert.ok(isRejection(r), JSON.stringify(input));
      assert.equal(r.code, code, JSON.stringify(input));
    }
    // Allowed just inside the future limit (clock skew).
    assert.ok(!isRejection(v({ name: 'a', ts: NOW + 299_000 })));
  });
});
