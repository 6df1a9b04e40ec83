/**
 * @module NAB benchmark: `heed backtest` (the live code path) over the NAB dev data, scored with
 * the shared scorer. Prints the three profile scores and writes bench/results/nab.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TUNING, SURPRISE_TUNING } from '../packages/server/src/detect/index.js';
import { NAB_DIR, REPO_ROOT } from './nab-lib.js';

/** Published best on dev (ARTime), per profile: the target. */
const TARGET = { standard: 77.4, reward_low_FP_rate: 69.2, reward_low_FN_rate: 82.4 };
/**
 * The global parameters tuned on NAB dev (see the note in the report). The alert path's
 * (DEFAULT_TUNING): thresholdBase and memoryWeeks; levelHalfLifeHours (12 -> 72) was tuned on the
 * business-KPI benchmark, not on NAB; gaugeShift was swept on dev and left at its value. They no
 * longer move the NAB score, which is the anomaly score's (SURPRISE_TUNING): its constants were all
 * swept on dev (one at a time, a handful of values each, around Numenta's defaults), so count them
 * as tuned. The first sweep moved clip (10 -> 20) and varianceFloor (0.01 -> 0.1); the second (issue
 * 3) moved clip (20 -> 6) and suppressPoints (200 -> 100), and added calibPrior and calibLevels (the
 * record of the series' own crossings; a few values each). The third (issue 3, again) replaced
 * suppressPoints by a rule without a parameter (repeats are suppressed until the short mean is back
 * at or below the long one), added onsetWeight (an onset is raised by its own residual; 0.5-1.5
 * score alike, 1 kept) and moved suppressAbove (2 -> 2.4; 2.25-2.5 score within 1). The fourth (issue 3)
 * added the steps |x - previous x| as a second feature scored like the residual, with stepWeight
 * (1.3; 1.2-1.5 with shortPoints 7-10 all beat the old score on the even, odd and no-tweets halves)
 * and moved shortPoints (10 -> 8; it serves both features, so no separate step window). Two constants of the detector were also
 * checked on dev, so they count too: gaugeSeasonalShift (a seasonal gauge re-baselines after a day,
 * chosen as "one cycle" and checked against 12 h and 2 days) and minCountNoise (0.9: whole numbers
 * that vary less than Poisson counts are read as a gauge in `--kind auto`; set from the Poisson
 * model, not swept). Every value is global: none is per file, per category or per file name.
 * Tried since and not kept (issue 3, fifth pass; all scored worse on dev or its halves): a separate
 * record of crossings for the step feature; no step feature for counts; the onset raised by the
 * larger of residual and step, or not at all; the calibration's tail slope taken from the record;
 * capping an onset by the series' own rate of onsets; a range of extremes that relaxes over the
 * long window; the CUSUM alert raising the score. calibCluster 4 scored higher (+0.5) but 3.75 and
 * 4.5 scored lower: a narrow peak, not taken. The scorer picks one threshold per profile, as NAB
 * does (score.mjs; this bench passes no threshold). Count profiles stored as log steps moved dev
 * from 75.3/67.5/80.1 to 74.9/66.6/79.8: rounding noise (three digits scored 75.3, four 74.7, five 74.8).
 * The sixth pass (issue 3) added a third feature, a change of distribution (NAB's "relative entropy"
 * idea): the mean surprisal -ln p of the readings' bins in the series' own histogram, scored like
 * the others and combined by max, with histBins 10, histShortPoints 40, histLongPoints 1000 and
 * histWeight 1.7. Dev 74.9/66.6/79.8 -> 76.8/68.1/82.1; even/odd/no-tweets 84.1/63.1/74.6 ->
 * 84.1/68.2/77.6. Most of the gain is one file (machine_temperature, -1.2 -> +2.5) and the surface
 * is rough: over a 3x4x3 grid (histLongPoints 700-1400, histWeight 1.6-2, histShortPoints 40-64)
 * every point beat 74.9 (75.0 to 77.4), and the values kept are in the middle, not the best one
 * (histWeight 1.8 scored 77.4 but 1.6 scored 75.8). Not kept: with the histogram remembering as long
 * as the residual (8000 points) or a short window of 8 (the residual's) it scored lower, and so
 * did holding the suppression until the histogram's short mean is calm too (70.8-72.5).
 * The seventh pass (issue 3) found that surface too rough to pick points on (stepWeight 1.3 -> 1.35
 * moved standard 76.8 -> 73.3: a few windows flip at a time) and chose by neighbourhood instead
 * (bench/nab-smooth.ts: the mean of the three profiles over a setting and 8 random neighbours, every
 * continuous constant x e^N(0, 0.04)). A coordinate search over the existing constants moved four:
 * suppressAbove 2.4 -> 2.76, varianceFloor 0.1 -> 0.0791, calibPrior 1000 -> 1266, histLongPoints
 * 1000 -> 875. Neighbourhood mean 75.2/66.0/80.6 -> 76.8/68.4/81.8 (halves even/odd/no-tweets
 * 84.1/64.8/76.1 -> 85.1/67.1/77.4); the point itself 76.8/68.1/82.1 -> 77.1/68.7/82.2, the gain spread
 * over many files (machine_temperature gave back 0.7). No constant was added. Tried in that pass and
 * not kept (lower on the neighbourhood mean or the halves): features combined by a sum, an Lp norm or
 * a gate instead of max; the onset bonus on every point; a refractory time after an onset; steps
 * standardised by the count model's noise; a spike counted once by the steps (min of the last two);
 * a fourth feature (a longer short window of the residual, absolute or signed); extremes scored by
 * how many points came before.
 * The eighth pass (issue 3) looked at what the false positives were: most of those the step feature
 * led fired on the point after a spike (the way back down is a large step, so the steps' short mean
 * crosses the bar at a point that is itself ordinary: KO 79 -> 4 with a residual of 0.04). Step-led
 * onsets with a residual under 1 were 26 false positives against 5 detections. Now a point that
 * reaches the bar is an onset only if it is a new extreme or its own residual is at least the short
 * mean before it and at least onsetResidual (1, one noise unit; a constant added, 22 tuned); else it
 * scores 0 and starts no suppression, so the next point that is really off can be the onset. Dev
 * 77.1/68.7/82.2 -> 78.3/72.1/83.1 (ARTime 77.4/69.2/82.4), neighbourhood mean 76.8/68.4/81.8 ->
 * 78.3/72.1/82.7, halves even/odd/no-tweets 85.1/67.1/77.4 -> 87.0/67.9/78.3; two other neighbour
 * seeds and a jittered onsetResidual agree (J +2.1 to +2.3). Without the new constant (residual at
 * least the short mean only) 78.2/71.8/83.0. onsetResidual 0.75-1.5 all score alike; above ~1.6 two
 * windows are lost (a cliff), so 1 is kept well below it. False positives at the standard threshold:
 * KO 20 -> 16, UPS 17 -> 15, AMZN 8 -> 5, machine_temperature 11 -> 8, ec2_cpu_c6585a 7 -> 3; no
 * window lost. Tried with it and not kept: a decaying range for the histogram's bins; calibLevels 5
 * or 6; the gate on every point, not just onsets (no clear gain); the onset bonus from r - m0 (the
 * even half fell); histogram-led onsets exempt; log-spaced histogram bins (rough, no trend).
 */
const TUNED = [
  'thresholdBase',
  'memoryWeeks',
  ...Object.keys(SURPRISE_TUNING).map((k) => `surprise.${k}`),
  'detector.gaugeSeasonalShift',
  'backtest.minCountNoise',
];

const out = mkdtempSync(join(tmpdir(), 'heed-nab-'));
try {
  const started = performance.now();
  const bt = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(REPO_ROOT, 'packages/server/src/cli/main.ts'),
      'backtest',
      '--input',
      join(NAB_DIR, 'data'),
      '--output',
      out,
      '--json',
    ],
    { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (bt.status !== 0) throw new Error(`heed backtest failed: ${bt.stderr}`);
  const backtestSeconds = (performance.now() - started) / 1000;
  const sc = spawnSync(process.execPath, [join(NAB_DIR, 'score.mjs'), '--results', out, '--split', 'dev', '--json'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (sc.status !== 0) throw new Error(`scorer failed: ${sc.stderr}`);
  const scored = JSON.parse(sc.stdout) as {
    numFiles: number;
    numWindows: number;
    profiles: Record<string, { score: number; threshold: number | null; counts: unknown }>;
  };
  const scores: Record<string, number> = {};
  console.log(`NAB dev: ${scored.numFiles} files, ${scored.numWindows} windows, backtest ${backtestSeconds.toFixed(1)} s`);
  for (const [name, target] of Object.entries(TARGET)) {
    const p = scored.profiles[name];
    scores[name] = p?.score ?? Number.NaN;
    console.log(
      `  ${name.padEnd(20)} ${(p?.score ?? Number.NaN).toFixed(1).padStart(6)}  (target > ${target}; threshold ${p?.threshold ?? '-'})`,
    );
  }
  const alerts = bt.stdout
    .trim()
    .split('\n')
    .reduce((n, l) => n + ((JSON.parse(l) as { alerts: unknown[] }).alerts?.length ?? 0), 0);
  mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(REPO_ROOT, 'bench', 'results', 'nab.json'),
    `${JSON.stringify(
      {
        split: 'dev',
        files: scored.numFiles,
        windows: scored.numWindows,
        scores,
        target: TARGET,
        beatsTarget: Object.entries(TARGET).every(([k, t]) => (scores[k] ?? 0) > t),
        thresholds: Object.fromEntries(Object.entries(scored.profiles).map(([k, v]) => [k, v.threshold])),
        liveAlerts: alerts,
        tuning: DEFAULT_TUNING,
        surpriseTuning: SURPRISE_TUNING,
        scoreIs:
          "StepResult.surprise: the largest of three anomaly likelihoods (seasonal residual, steps, histogram of readings), checked against the series' own record of crossings; an onset must be a new extreme or itself off the expected; repeats suppressed",
        tuned: { count: TUNED.length, parameters: TUNED, on: 'NAB dev split (29 files), global values only, none per file' },
        backtestSeconds,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
