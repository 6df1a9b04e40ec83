/** @module Tests of the per-issue rate tracker: only the busiest issues get series, and new issues start primed. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createIssueRates, FRESH_ISSUE_RATE } from './index.js';

it('bounds the issues with series per project, a much busier newcomer displacing the quietest', () => {
  const rates = createIssueRates(3);
  const t = 1_800_000_000_000;
  for (const id of [1, 2, 3]) assert.equal(rates.observe(7, id, 5 * id, t, false), true);
  assert.equal(rates.observe(7, 4, 1, t, false), false, 'a fourth, quiet issue gets no series');
  assert.equal(rates.observe(7, 4, 3, t + 1000, false), false, 'not yet twice as busy as the quietest (5)');
  assert.equal(rates.observe(7, 4, 20, t + 2000, false), true);
  assert.deepEqual(rates.watched(7).sort(), [2, 3, 4]);
  assert.equal(rates.observe(8, 1, 1, t, false), true, 'projects are bounded separately');
  // Hundreds of one-off issues (candidates, themselves capped at 4 x the series) displace none of the busy ones.
  for (let id = 100; id < 600; id++) rates.observe(7, id, 1, t + 3000, false);
  assert.deepEqual(rates.watched(7).sort(), [2, 3, 4]);
});

it('a new or regressed issue starts from the fresh rate, once; others from nothing', () => {
  const rates = createIssueRates();
  rates.observe(1, 5, 1, 0, true);
  rates.observe(1, 6, 1, 0, false);
  assert.equal(rates.startRate(1, 5), FRESH_ISSUE_RATE);
  assert.equal(rates.startRate(1, 5), undefined);
  assert.equal(rates.startRate(1, 6), undefined);
});
