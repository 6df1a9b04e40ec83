/** Tests of the live funnel watch on generated minutes: one alert for a collapse, a recovery, quiet weeks. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createFunnelWatch, explainFunnel, type FunnelVerdict, judgeFunnel, lnBinomialLower, observeFunnel } from './funnel-watch.js';

function rng(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}
function poisson(r: () => number, mean: number): number {
  let k = 0;
  let p = Math.exp(-mean);
  let s = p;
  const u = r();
  while (u > s && k < 10 * mean + 50) {
    k++;
    p *= mean / k;
    s += p;
  }
  return k;
}
function binomial(r: () => number, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (r() < p) k++;
  return k;
}

/** Feeds minutes [from, to) as they would arrive (each minute judged once the next has data). */
function run(minutes: number, entriesAt: (m: number) => number, conversionAt: (m: number) => number, seed = 1) {
  const r = rng(seed);
  const s = createFunnelWatch();
  const verdicts: Array<FunnelVerdict & { minute: number }> = [];
  const t0 = 28_000_000;
  for (let m = 0; m < minutes; m++) {
    const a = poisson(r, entriesAt(m));
    observeFunnel(s, t0 + m, a, binomial(r, a, conversionAt(m)));
    for (const v of judgeFunnel(s, t0 + m - 1, 0.5)) verdicts.push({ ...v, minute: v.ts / 60 - 1 - t0 });
  }
  return verdicts;
}

it('the binomial tail matches a direct sum', () => {
  let direct = 0;
  const C = (n: number, k: number): number => (k === 0 ? 1 : (C(n, k - 1) * (n - k + 1)) / k);
  for (let j = 0; j <= 3; j++) direct += C(20, j) * 0.7 ** j * 0.3 ** (20 - j);
  assert.ok(Math.abs(lnBinomialLower(3, 20, 0.7) - Math.log(direct)) < 1e-6);
  assert.equal(lnBinomialLower(20, 20, 0.7), 0);
});

it('raises exactly one alert when the last step collapses while the first goes on, and recovers', () => {
  // Four hours at 70% conversion, then 30 minutes in which nobody completes checkout, then normal.
  const collapse = [240, 270];
  const v = run(
    360,
    () => 20,
    (m) => (m >= (collapse[0] as number) && m < (collapse[1] as number) ? 0 : 0.7),
  );
  assert.deepEqual(
    v.map((x) => x.status),
    ['alert', 'recovered'],
  );
  const [alert, recovered] = v as [FunnelVerdict & { minute: number }, FunnelVerdict & { minute: number }];
  assert.ok(alert.minute >= 240 && alert.minute <= 242, `alert at minute ${alert.minute}`);
  assert.ok(recovered.minute >= 270 && recovered.minute <= 275, `recovered at minute ${recovered.minute}`);
  const text = explainFunnel('checkout.started', 'checkout.completed', alert);
  assert.match(
    text,
    /^checkout\.started → checkout\.completed conversion fell to \d+% \(expected ~7\d%\): \d+ of \d+ in the last \d+ min \(p [<≈] \de-\d\)\.$/,
  );
  assert.match(explainFunnel('a', 'b', recovered), /is back to/);
});

it('stays quiet for a week of daily rhythm and traffic surges, and sees a partial fall on a quiet funnel', () => {
  const week = 7 * 1440;
  const rate = (m: number) => 2 + 30 * (0.5 + 0.5 * Math.sin((2 * Math.PI * m) / 1440)) * (m % 1440 > 600 && m % 1440 < 660 ? 3 : 1);
  assert.deepEqual(
    run(week, rate, () => 0.35, 7),
    [],
  );
  // One entry a minute: a fall from 60% to 10% is judged over the ten-minute window.
  const quiet = run(
    600,
    () => 3,
    (m) => (m >= 400 && m < 460 ? 0.1 : 0.6),
    9,
  );
  assert.deepEqual(
    quiet.map((x) => x.status),
    ['alert', 'recovered'],
  );
  assert.ok((quiet[0]?.minute ?? 0) >= 400 && (quiet[0]?.minute ?? 0) < 415);
});
