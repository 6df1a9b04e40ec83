/**
 * @module Release-impact calibration: generated hourly KPIs (eight weeks of history, negative
 * binomial noise, a wandering level, a steep Monday-morning rise) with known injected effects.
 * Reports interval coverage, the null release's significance rate (fixed horizon and with
 * Haybittle-Peto interim looks every hour), power at +5/+10/+20%, the Monday 9 a.m. bias, and
 * interval widths. Writes bench/results/release-impact.json (release-impact-seed<N>.json with SEED=N).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baselineWindows, estimateKpi, priorWeekWindows, verdictOf } from '../packages/server/src/releases/index.js';
import { releaseSeries, weekShape } from '../packages/server/src/test-support/release-series.js';

const TRIALS = Number(process.env.TRIALS ?? 1000);
/** Seeds run from SEED + 1 to SEED + TRIALS: a second run with another SEED checks the figures hold. */
const SEED = Number(process.env.SEED ?? 0);
const POWER_EFFECTS = [1.05, 1.1, 1.2];
const WEEKS = 9;
const results: Record<string, unknown> = { trials: TRIALS, seed: SEED };
const sum = (a: readonly number[]) => a.reduce((x, y) => x + y, 0);
const sd = (a: readonly number[]) => {
  const m = sum(a) / a.length;
  return Math.sqrt(a.reduce((x, y) => x + (y - m) ** 2, 0) / (a.length - 1));
};
/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, error < 1.5e-7). */
function phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
/** Power of a two-sided 5% test of an estimate with this spread (known, normal): the best case. */
const idealPower = (spread: number) =>
  Object.fromEntries(POWER_EFFECTS.map((e) => [`+${Math.round((e - 1) * 100)}%`, phi(Math.log(e) / spread - 1.96)]));
for (const hours of [4, 24]) {
  for (const kind of ['baseline', 'priorWeek'] as const) {
    const f = kind === 'baseline' ? baselineWindows : priorWeekWindows;
    let n = 0;
    let covered = 0;
    let nullSig = 0;
    let width = 0;
    const power = POWER_EFFECTS.map(() => 0);
    // Null trials: the estimate's spread, and oracles' (the same hours against their true means;
    // against the true season at the average level, i.e. the level unknown).
    const nullEst: number[] = [];
    const knownLevel: number[] = [];
    const knownSeason: number[] = [];
    for (let seed = SEED + 1; seed <= SEED + TRIALS; seed++) {
      const deployHour = 7 * 168 + ((seed * 37) % 168);
      const effect = Math.exp((((seed * 7919) % 1000) / 1000) * 0.3 - 0.15);
      const wa = f(releaseSeries({ seed, deployHour, effect, weeks: WEEKS }), { deployIndex: deployHour, hours });
      const sb = releaseSeries({ seed: seed + 100_000, deployHour, effect: 1, weeks: WEEKS });
      const wb = f(sb, { deployIndex: deployHour, hours });
      const wc = POWER_EFFECTS.map((e, i) =>
        f(releaseSeries({ seed: seed + 200_000 + i * 1_000_000, deployHour, effect: e, weeks: WEEKS }), { deployIndex: deployHour, hours }),
      );
      if (!wa || !wb || wc.some((w) => !w)) continue;
      n++;
      const a = estimateKpi(wa);
      if (a.low <= effect - 1 && effect - 1 <= a.high) covered++;
      width += a.high - a.low;
      const b = estimateKpi(wb);
      if (b.p < 0.05) nullSig++;
      nullEst.push(Math.log1p(b.effect));
      const post = (a: readonly number[]) => sum(a.slice(deployHour, deployHour + hours));
      const season = Array.from({ length: deployHour + hours }, (_, i) => 200 * weekShape(i % 168));
      knownLevel.push(Math.log(post(sb.counts) / post(sb.means)));
      knownSeason.push(Math.log(post(sb.counts) / post(season)));
      // Power: the effect found (significant, in its direction).
      wc.forEach((w, i) => {
        const e = estimateKpi(w as NonNullable<typeof w>);
        if (e.p < 0.05 && e.effect > 0) power[i] = (power[i] ?? 0) + 1;
      });
    }
    results[`${kind}_${hours}h`] = {
      n,
      coverage: covered / n,
      nullSignificant: nullSig / n,
      meanWidth: width / n,
      power: Object.fromEntries(POWER_EFFECTS.map((e, i) => [`+${Math.round((e - 1) * 100)}%`, (power[i] ?? 0) / n])),
      // Log scale: the estimate's spread on null releases, and what the data allow at best.
      nullSpread: sd(nullEst),
      idealPowerAtThatSpread: idealPower(sd(nullEst)),
      oracleSpreadLevelKnown: sd(knownLevel),
      oracleSpreadLevelUnknown: sd(knownSeason),
      idealPowerLevelUnknown: idealPower(sd(knownSeason)),
    };
  }
}
// Sequential: the reporter looks every hour; a null release must stay <= 5% over all looks.
let seqSig = 0;
const seqTrials = Math.min(TRIALS, 400);
for (let seed = SEED + 1; seed <= SEED + seqTrials; seed++) {
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
for (let seed = SEED + 1; seed <= SEED + 200; seed++) {
  const deployHour = 8 * 168 + 9;
  const s = releaseSeries({ seed, deployHour, effect: 1, weeks: WEEKS });
  const e = estimateKpi(baselineWindows(s, { deployIndex: deployHour, hours: 4 }) as NonNullable<ReturnType<typeof baselineWindows>>);
  bias += e.effect;
  if (e.p < 0.05) mondaySig++;
  naive += sum(s.counts.slice(deployHour, deployHour + 4)) / sum(s.counts.slice(deployHour - 4, deployHour)) - 1;
}
results.monday9am = { meanEstimatedEffect: bias / 200, significant: mondaySig / 200, naiveBeforeAfter: naive / 200 };
console.log(JSON.stringify(results, null, 2));
const out = join(dirname(fileURLToPath(import.meta.url)), 'results', SEED ? `release-impact-seed${SEED}.json` : 'release-impact.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
