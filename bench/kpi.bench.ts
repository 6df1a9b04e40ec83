/**
 * @module Business-KPI benchmark: generated per-minute count series with labelled incidents and
 * decoys; recall per incident kind, time to detect, false alarms per series-week, the delay ratio
 * against the Poisson limit ln(1/alpha)/r, and cost. Writes bench/results/kpi.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDetector, type DetectorState, type Tuning } from '../packages/server/src/detect/index.js';
import { generate, INCIDENT_KINDS, type IncidentKind, poisson, rng } from './kpi-series.js';
import { REPO_ROOT } from './nab-lib.js';
import { ringBytesPerSeries, savedRingBytes } from './ring-memory.js';

const WEEKS = 5;
const LEARN_WEEKS = 2;
const PEAK_RATES = [0.2, 0.6, 2, 6, 20, 60, 200, 600, 2000];
const SEEDS = [1, 2];
/** By hand only: `--tuning={"thresholdBase":2}` overrides global tuning for a sweep. */
const TUNING = JSON.parse(process.argv.find((a) => a.startsWith('--tuning='))?.slice(9) ?? '{}') as Partial<Tuning>;

interface Outcome {
  kind: IncidentKind;
  meanPerMinute: number;
  detected: boolean;
  minutes: number;
  falseAlarms: number;
  evalWeeks: number;
}

const outcomes: Outcome[] = [];
const perPointUs: number[] = [];
const stateBytes: number[] = [];
let learningAlerts = 0;
for (const peak of PEAK_RATES) {
  for (const kind of INCIDENT_KINDS) {
    for (const seed of SEEDS) {
      const s = generate({
        perMinute: peak,
        kind,
        seed: seed * 1000 + Math.round(peak * 10) + INCIDENT_KINDS.indexOf(kind),
        weeks: WEEKS,
        learnWeeks: LEARN_WEEKS,
      });
      const det = createDetector({ kind: 'count', holidays: [s.holiday], tuning: TUNING });
      let st: DetectorState = det.init();
      const n = s.counts.length;
      const alerts: number[] = [];
      let firstHit = -1;
      const evalStart = LEARN_WEEKS * 10_080;
      const t = performance.now();
      for (let i = 0; i < n; i++) {
        const r = det.step(st, { ts: s.t0 + (i + 1) * 60, value: s.counts[i] as number });
        st = r.state;
        const status = r.verdict.status;
        if (status === 'alert' || (kind === 'level-shift' && status === 'shift')) {
          if (status === 'alert') alerts.push(i);
          const hitEnd = kind === 'level-shift' ? s.start + 1440 : s.end + 30;
          if (firstHit < 0 && i >= s.start && i < hitEnd) firstHit = i;
        }
      }
      perPointUs.push(((performance.now() - t) * 1000) / n);
      stateBytes.push(JSON.stringify(st).length);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += s.counts[i] as number;
      const quietEnd = kind === 'level-shift' ? s.start + 1440 : s.end + 120;
      const fa = alerts.filter((i) => i >= evalStart && (i < s.start || i >= quietEnd)).length;
      learningAlerts += alerts.filter((i) => i < evalStart).length;
      outcomes.push({
        kind,
        meanPerMinute: (sum / n) * (kind === 'segment-drop' ? 1 : 1),
        detected: firstHit >= 0,
        minutes: firstHit >= 0 ? firstHit - s.start + 1 : Number.NaN,
        falseAlarms: fa,
        evalWeeks: WEEKS - LEARN_WEEKS,
      });
    }
  }
}

const median = (xs: number[]) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? (v[Math.floor((v.length - 1) / 2)] as number) : Number.NaN;
};
const byKind: Record<string, unknown> = {};
console.log('recall per incident kind (all rates | series >= 1 event/min), median minutes to detect:');
for (const kind of INCIDENT_KINDS) {
  const all = outcomes.filter((o) => o.kind === kind);
  const busy = all.filter((o) => o.meanPerMinute >= 1);
  const rec = (xs: Outcome[]) => (xs.length ? xs.filter((o) => o.detected).length / xs.length : Number.NaN);
  const ttd = median(busy.filter((o) => o.detected).map((o) => o.minutes));
  byKind[kind] = { recall: rec(all), recallAtLeast1PerMin: rec(busy), medianMinutesToDetect: ttd, series: all.length };
  console.log(
    `  ${kind.padEnd(14)} ${(rec(all) * 100).toFixed(0).padStart(4)}% | ${(rec(busy) * 100).toFixed(0).padStart(4)}%   ${ttd} min`,
  );
}
const weeks = outcomes.reduce((a, o) => a + o.evalWeeks, 0);
const fas = outcomes.reduce((a, o) => a + o.falseAlarms, 0);
const faPerSeriesWeek = fas / weeks;
const bands = PEAK_RATES.map((p) => {
  const xs = outcomes.filter((_, i) => PEAK_RATES[Math.floor(i / (INCIDENT_KINDS.length * SEEDS.length))] === p);
  const w = xs.reduce((a, o) => a + o.evalWeeks, 0);
  return {
    meanPerMinute: Number(median(xs.map((o) => o.meanPerMinute)).toPrecision(2)),
    falseAlarmsPerWeek: xs.reduce((a, o) => a + o.falseAlarms, 0) / w,
  };
});
console.log(
  `false alarms per series-week: ${faPerSeriesWeek.toFixed(2)} (${fas} in ${weeks} series-weeks; decoys: weekends, Friday promotions, a holiday)`,
);
console.log(`  by rate: ${bands.map((b) => `${b.meanPerMinute}/min: ${b.falseAlarmsPerWeek.toFixed(2)}`).join(', ')}`);

// Against the statistical limit: a Poisson KPI at r per second falls to zero at time T.
const delay: Array<{ ratePerSecond: number; medianDelaySeconds: number; boundSeconds: number; ratio: number; h: number }> = [];
for (const r of [0.1, 1, 20, 200]) {
  const ratios: number[] = [];
  const delays: number[] = [];
  let bound = 0;
  let hEff = 0;
  for (const seed of [1, 2, 3, 4, 5]) {
    const u = rng(seed * 7 + r);
    const det = createDetector({ kind: 'count', warmupHours: 2, tuning: TUNING });
    let st = det.init();
    // Warm up on two hours of per-second counts.
    const T0 = 1_704_067_200;
    const warm = 3 * 3600;
    for (let i = 1; i <= warm; i++) st = det.step(st, { ts: T0 + i, value: poisson(r, u), dt: 1 }).state;
    hEff = det.threshold(st.spacing) * st.bar;
    bound = hEff / r;
    // Then silence, reported by ticks a fiftieth of the bound apart (as the live engine's ticker would).
    const tick = bound / 50;
    let t = 0;
    let found = Number.NaN;
    for (let k = 1; k <= 5000; k++) {
      t = k * tick;
      const v = det.step(st, { ts: T0 + warm + t, value: 0, dt: tick });
      st = v.state;
      if (v.verdict.status === 'alert') {
        found = t;
        break;
      }
    }
    delays.push(found);
    ratios.push(found / bound);
  }
  const row = { ratePerSecond: r, medianDelaySeconds: median(delays), boundSeconds: bound, ratio: median(ratios), h: hEff };
  delay.push(row);
}
console.log('delay to detect a collapse vs the limit ln(1/alpha)/r (alpha = e^-h, h = the evidence threshold in use):');
for (const d of delay)
  console.log(
    `  r = ${String(d.ratePerSecond).padEnd(4)}/s  delay ${d.medianDelaySeconds.toPrecision(3)} s, bound ${d.boundSeconds.toPrecision(3)} s (h = ${d.h.toFixed(1)}), ratio ${d.ratio.toFixed(2)}`,
  );

const cost = {
  medianMicrosecondsPerPoint: median(perPointUs),
  medianStateBytes: median(stateBytes),
  maxStateBytes: Math.max(...stateBytes),
  // The live engine's attribution memory, per series of a KPI watched in segments (others hold none).
  attributionRingBytes: Math.round(await ringBytesPerSeries()),
  // What the ring adds to such a series' saved state (detect.states.v1), on top of the state above.
  attributionRingSavedBytes: savedRingBytes(),
};
console.log(
  `cost: ${cost.medianMicrosecondsPerPoint.toFixed(2)} µs per point (median over series), state ${cost.medianStateBytes} B as JSON (max ${cost.maxStateBytes}); attribution ring ${cost.attributionRingBytes} B in memory and ${cost.attributionRingSavedBytes} B more saved per segment series`,
);
mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(REPO_ROOT, 'bench', 'results', 'kpi.json'),
  `${JSON.stringify(
    {
      series: outcomes.length,
      weeks: WEEKS,
      learnWeeks: LEARN_WEEKS,
      recall: byKind,
      falseAlarmsPerSeriesWeek: faPerSeriesWeek,
      falseAlarmsByRate: bands,
      alertsWhileLearningWeeks: learningAlerts,
      delay,
      cost,
    },
    null,
    2,
  )}\n`,
);
