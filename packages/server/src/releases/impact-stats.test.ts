/**
 * Calibration, small and fast (the full run is bench/release-impact.bench.ts): generated KPIs
 * with known injected effects; the interval must cover the truth, a null release must rarely be
 * called significant, and a deploy at 9 a.m. Monday must not be credited with the morning's rise.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { releaseSeries, seeded } from '../test-support/index.js';
import { effectiveWindows } from './effective-windows.js';
import { baselineWindows, estimateKpi, estimateRelative, priorWeekWindows } from './impact-stats.js';
import { tCritical, twoSidedP } from './student-t.js';

const TRIALS = 200;
const HOURS = 24;
/** Eight weeks of history, then the deploy's week. */
const WEEKS = 9;

it('Student t quantiles and p-values match tables', () => {
  assert.ok(Math.abs(tCritical(0.05, 10) - 2.228) < 1e-3);
  assert.ok(Math.abs(tCritical(0.05, 1000) - 1.962) < 1e-3);
  assert.ok(Math.abs(twoSidedP(2.228, 10) - 0.05) < 1e-4);
});

it('the 95% interval covers the injected effect in >= 95% of trials, a null release is significant in <= 5%', () => {
  let covered = 0;
  let nullSignificant = 0;
  let n = 0;
  for (let seed = 1; seed <= TRIALS; seed++) {
    const deployHour = 7 * 168 + ((seed * 37) % 168);
    const effect = Math.exp((((seed * 7919) % 1000) / 1000) * 0.3 - 0.15);
    const wa = baselineWindows(releaseSeries({ seed, deployHour, effect, weeks: WEEKS }), { deployIndex: deployHour, hours: HOURS });
    const wb = baselineWindows(releaseSeries({ seed: seed + 5000, deployHour, effect: 1, weeks: WEEKS }), {
      deployIndex: deployHour,
      hours: HOURS,
    });
    if (!wa || !wb) continue;
    n++;
    const a = estimateKpi(wa);
    if (a.low <= effect - 1 && effect - 1 <= a.high) covered++;
    if (estimateKpi(wb).p < 0.05) nullSignificant++;
  }
  assert.equal(n, TRIALS);
  assert.ok(covered / n >= 0.95, `coverage ${covered / n}`);
  assert.ok(nullSignificant / n <= 0.05, `null significant ${nullSignificant / n}`);
});

it('the week-earlier comparison: 95% coverage and <= 5% null significant over 1,000 trials at 24 h', () => {
  // The bench's first 1,000 seeds (npm run bench -- release-impact; SEED=1000 runs the next 1,000).
  // This comparison is cheap (sums only), so the test runs as many trials as the bench.
  let covered = 0;
  let nullSignificant = 0;
  let n = 0;
  for (let seed = 1; seed <= 1000; seed++) {
    const deployHour = 7 * 168 + ((seed * 37) % 168);
    const effect = Math.exp((((seed * 7919) % 1000) / 1000) * 0.3 - 0.15);
    const o = { deployIndex: deployHour, hours: HOURS };
    const wa = priorWeekWindows(releaseSeries({ seed, deployHour, effect, weeks: WEEKS }), o);
    const wb = priorWeekWindows(releaseSeries({ seed: seed + 100_000, deployHour, effect: 1, weeks: WEEKS }), o);
    if (!wa || !wb) continue;
    n++;
    const a = estimateKpi(wa);
    if (a.low <= effect - 1 && effect - 1 <= a.high) covered++;
    if (estimateKpi(wb).p < 0.05) nullSignificant++;
  }
  assert.equal(n, 1000);
  assert.ok(covered / n >= 0.95, `coverage ${covered / n}`);
  assert.ok(nullSignificant / n <= 0.05, `null significant ${nullSignificant / n}`);
});

it('effective windows: independent placebos count fully, autocorrelated ones far less', () => {
  const r = seeded(7);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const iid = Array.from({ length: 2000 }, normal);
  assert.ok(effectiveWindows(iid, 2000) > 1600, `iid ${effectiveWindows(iid, 2000)}`);
  assert.equal(effectiveWindows(iid, 50), 50, 'at most the non-overlapping windows they cover');
  // AR(1) with phi 0.8: 1 + 2 sum of autocorrelations = (1 + phi) / (1 - phi) = 9.
  let x = 0;
  const ar = Array.from({ length: 4000 }, () => (x = 0.8 * x + normal()));
  const neff = effectiveWindows(ar, 4000);
  assert.ok(neff > 4000 / 13 && neff < 4000 / 6, `AR(1) ${neff}, expected about ${4000 / 9}`);
});

it('a deploy at 9 a.m. Monday is not credited with Monday morning’s normal rise', () => {
  const deployHour = 8 * 168 + 9;
  let significant = 0;
  let sum = 0;
  let naive = 0;
  const trials = 60;
  for (let seed = 1; seed <= trials; seed++) {
    const s = releaseSeries({ seed, deployHour, effect: 1, weeks: WEEKS });
    const e = estimateKpi(baselineWindows(s, { deployIndex: deployHour, hours: 4 }) as NonNullable<ReturnType<typeof baselineWindows>>);
    sum += e.effect;
    if (e.p < 0.05) significant++;
    const after = s.counts.slice(deployHour, deployHour + 4).reduce((a, b) => a + b, 0);
    const before = s.counts.slice(deployHour - 4, deployHour).reduce((a, b) => a + b, 0);
    naive += after / before - 1;
  }
  assert.ok(naive / trials > 1, `the naive before/after comparison sees the rise (${naive / trials})`);
  assert.ok(Math.abs(sum / trials) < 0.03, `mean estimated effect ${sum / trials}`);
  assert.ok(significant / trials <= 0.1, `significant in ${significant / trials}`);
});

it('a real effect at 9 a.m. Monday is found, and a funnel step conversion change is isolated', () => {
  const deployHour = 8 * 168 + 9;
  const cart = releaseSeries({ seed: 11, deployHour, effect: 1.3, shape: 200, wander: 0.002, weeks: WEEKS });
  const e = estimateKpi(baselineWindows(cart, { deployIndex: deployHour, hours: 24 }) as NonNullable<ReturnType<typeof baselineWindows>>);
  assert.ok(e.p < 0.05 && e.low > 0.1 && e.high > 0.3 - 0.1, JSON.stringify(e));
  // Checkout: 40% of carts, dropping to 30% from the deploy (the cart rise must not hide it).
  const checkout = { start: cart.start, counts: cart.counts.map((c, i) => Math.round(c * (i >= deployHour ? 0.3 : 0.4))) };
  const wa = baselineWindows(cart, { deployIndex: deployHour, hours: 24 });
  const wb = baselineWindows(checkout, { deployIndex: deployHour, hours: 24 });
  const conv = estimateRelative(wa as NonNullable<typeof wa>, wb as NonNullable<typeof wb>);
  assert.ok(conv && conv.high < 0 && conv.low < -0.25 + 0.05 && conv.high > -0.25 - 0.05, JSON.stringify(conv));
});
