import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Cron, nextSlot, parseCron, validTimezone } from './cron.js';

const cron = (e: string): Cron => {
  const c = parseCron(e);
  if (!c.ok) throw new Error(c.message);
  return c.value;
};
const at = (iso: string) => Date.parse(iso);
const next = (e: string, from: string, tz = 'UTC') => {
  const t = nextSlot(cron(e), at(from), tz);
  return t === undefined ? undefined : new Date(t).toISOString();
};

describe('cron', () => {
  it('finds the next slot strictly after an instant', () => {
    assert.equal(next('0 3 * * *', '2026-11-20T02:59:00Z'), '2026-11-20T03:00:00.000Z');
    assert.equal(next('0 3 * * *', '2026-11-20T03:00:00Z'), '2026-11-21T03:00:00.000Z');
    assert.equal(next('*/15 * * * *', '2026-11-20T10:07:30Z'), '2026-11-20T10:15:00.000Z');
    assert.equal(next('@hourly', '2026-11-20T10:07:30Z'), '2026-11-20T11:00:00.000Z');
    assert.equal(next('30 9 * * mon-fri', '2026-11-20T10:00:00Z'), '2026-11-23T09:30:00.000Z'); // Fri → Mon
    assert.equal(next('0 0 29 2 *', '2026-03-01T00:00:00Z'), '2028-02-29T00:00:00.000Z');
    assert.equal(next('0 0 1 * 7', '2026-11-20T00:00:00Z'), '2026-11-22T00:00:00.000Z', 'dom OR dow when both are set');
  });

  it('honours time zones and daylight saving', () => {
    // 03:00 in Berlin is 02:00 UTC in winter and 01:00 UTC in summer.
    assert.equal(next('0 3 * * *', '2026-11-20T00:00:00Z', 'Europe/Berlin'), '2026-11-20T02:00:00.000Z');
    assert.equal(next('0 3 * * *', '2026-07-01T00:00:00Z', 'Europe/Berlin'), '2026-07-01T01:00:00.000Z');
    // 02:30 does not exist on 2026-03-29 in Berlin: the slot falls just past the gap, once.
    const t = next('30 2 * * *', '2026-03-29T00:00:00Z', 'Europe/Berlin');
    assert.ok(t && t >= '2026-03-29T00:30:00.000Z' && t <= '2026-03-29T01:30:00.000Z', t);
    assert.equal(next('0 9 * * *', '2026-11-20T12:00:00Z', 'America/New_York'), '2026-11-20T14:00:00.000Z');
  });

  it('rejects malformed expressions with a message that says how', () => {
    for (const bad of ['* * * *', '60 * * * *', '* 24 * * *', '* * 0 * *', 'a b c d e', '5-1 * * * *']) {
      const r = parseCron(bad);
      assert.equal(r.ok, false, bad);
      if (!r.ok) assert.match(r.message, /field|fields/);
    }
    assert.equal(validTimezone('Europe/Berlin'), true);
    assert.equal(validTimezone('Mars/Olympus'), false);
  });
});
