/**
 * @module Release-impact calibration: generated hourly KPIs (eight weeks of history, negative
 * binomial noise, a wandering level, a steep Monday-morning rise) with known injected effects.
 * Reports interval coverage, the null release's significance rate (fixed horizon and with
 * Haybittle-Peto interim looks every hour), the Monday 9 a.m. bias, and interval widths.
 * Writes bench/results/release-impact.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baselineWindows, estimateKpi, priorWeekWindows, verdictOf } from '../packages/server/src/releases/index.js';
import { releaseSeries } from '../packages/server/src/test-support/release-series.js';

const TRIALS = Number(process.env.TRIALS ?? 1000);
const WEEKS = 9;
const results: Record<string, unknown> = { trials: TRIALS };
for (const hours of [4, 24]) {
  for (const kind of ['baseline', 'priorWeek'] as const) {
    const f = kind === 'baseline' ? baselineWindows : priorWeekWindows;
    let n = 0;
    let covered = 0;
    let nullSig = 0;
    let width = 0;
    let power10 = 0;
    for (let seed = 1; seed <= TRIALS; seed++) {
      const deployHour = 7 * 168 + ((seed * 37) % 168);
      const effect = Math.exp((((seed * 7919) % 1000) / 1000) * 0.3 - 0.15);
      const wa = f(releaseSeries({ seed, deployHour, effect, weeks: WEEKS }), { deployIndex: deployHour, hours });
      const wb = f(releaseSeries({ seed: seed + 100_000, deployHour, effect: 1, weeks: WEEKS }), { deployIndex: deployHour, hours });
      const wc = f(releaseSeries({ seed: seed + 200_000, deployHour, effect: 1.1, weeks: WEEKS }), { deployIndex: deployHour, hours });
      if (!wa || !wb || !wc) continue;
      n++;
      const a = estimateKpi(wa);
      if (a.low <= effect - 1 && effect - 1 <= a.high) covered++;
      width += a.high - a.low;
      if (estimateKpi(wb).p < 0.05) nullSig++;
      if (estimateKpi(wc).p < 0.05) power10++;
    }
    results[`${kind}_${hours}h`] = {
      n,
      coverage: covered / n,
      nullSignificant: nullSig / n,
      meanWidth: width / n,
      powerAt10pct: power10 / n,
    };
  }
}
// Sequential: the reporter looks every hour; a null release must stay <= 5% over all looks.
let seqSig = 0;
const seqTrials = Math.min(TRIALS, 400);
for (let seed = 1; seed <= seqTrials; seed++) {
  const deployHour = 7 * 168 + ((seed * 37) % 168);
  const s = releaseSeries({ seed: seed + 300_000, deployHour, effect: 1, weeks: WEEKS });
  for (let h = 1; h <= 24; h++) {
    const w = baselineWindows(s, { deployIndex: deployHour, hours: h });
    if (!w) continue;
    const v = verdictOf(estimateKpi(w), h === 24);
    if (v.conclusive) {
      if (v.significant) seqSig++;
      break;
    }
  }
}
results.sequentialNullSignificant = seqSig / seqTrials;
let bias = 0;
let mondaySig = 0;
let naive = 0;
for (let seed = 1; seed <= 200; seed++) {
  const deployHour = 8 * 168 + 9;
  const s = releaseSeries({ seed, deployHour, effect: 1, weeks: WEEKS });
  const e = estimateKpi(baselineWindows(s, { deployIndex: deployHour, hours: 4 }) as NonNullable<ReturnType<typeof baselineWindows>>);
  bias += e.effect;
  if (e.p < 0.05) mondaySig++;
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  naive += sum(s.counts.slice(deployHour, deployHour + 4)) / sum(s.counts.slice(deployHour - 4, deployHour)) - 1;
}
results.monday9am = { meanEstimatedEffect: bias / 200, significant: mondaySig / 200, naiveBeforeAfter: naive / 200 };
console.log(JSON.stringify(results, null, 2));
const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'release-impact.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
