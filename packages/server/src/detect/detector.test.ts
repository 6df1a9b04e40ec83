/** @module Tests of the detector: learning, collapse, spikes, shifts, holidays, daily gauges, robustness and state carry-over. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../kernel/index.js';
import { poissonDraw } from '../test-support/index.js';
import { createDetector, type DetectorOptions, type DetectorState, type Point, type StepResult } from './index.js';

const rng = seededRandom;
// The normal approximation above 50, as these tests were calibrated with.
const poisson = (rate: number, u: () => number) => poissonDraw(rate, u, 50);

const T0 = 1_700_000_000 - (1_700_000_000 % 604_800);

/** Per-minute counts with a daily rhythm; `shape(i)` multiplies the rate of minute i. */
function minuteCounts(days: number, perMinute: number, seed: number, shape: (i: number) => number = () => 1): Point[] {
  const u = rng(seed);
  const out: Point[] = [];
  for (let i = 0; i < days * 1440; i++) {
    const daily = 1 + 0.6 * Math.sin((2 * Math.PI * (i % 1440)) / 1440);
    out.push({ ts: T0 + (i + 1) * 60, value: poisson(perMinute * daily * shape(i), u) });
  }
  return out;
}

function run(opts: DetectorOptions, points: Point[]): StepResult[] {
  const det = createDetector(opts);
  let s = det.init();
  return points.map((p) => {
    const r = det.step(s, p);
    s = r.state;
    return { ...r, state: s };
  });
}

describe('detector', () => {
  it('says it is learning, and when it will be ready', () => {
    const r = run({ kind: 'count', warmupHours: 24 }, minuteCounts(0.5, 10, 1));
    const last = r.at(-1)?.verdict;
    assert.equal(last?.status, 'learning');
    assert.ok(last?.status === 'learning' && last.readyInHours >= 11 && last.readyInHours <= 13, JSON.stringify(last));
  });

  it('alerts on a collapse of a busy KPI within minutes, with an explanation', () => {
    const start = 8 * 1440 + 600;
    const pts = minuteCounts(9, 40, 2, (i) => (i >= start ? 0 : 1));
    const r = run({ kind: 'count', label: 'checkouts' }, pts);
    const alerts = r.map((x, i) => ({ x, i })).filter(({ x }) => x.verdict.status === 'alert');
    const first = alerts.find(({ i }) => i >= start);
    assert.ok(first, 'the collapse raised an alert');
    assert.ok(first.i - start <= 2, `detected after ${first.i - start} min`);
    const v = first.x.verdict;
    assert.ok(v.status === 'alert' && v.direction === 'drop');
    assert.match(v.status === 'alert' ? v.explanation : '', /^expected ~\d+ checkouts in the last .+, saw 0 \(p < 1e-\d+\)$/);
    assert.ok(alerts.filter(({ i }) => i < start).length <= 1, 'at most one false alarm in a week of normal data');
  });

  it('raises one alert per incident, not one per point', () => {
    const start = 8 * 1440;
    const pts = minuteCounts(9, 40, 3, (i) => (i >= start && i < start + 120 ? 0 : 1));
    const r = run({ kind: 'count' }, pts);
    const during = r.slice(start, start + 120).filter((x) => x.verdict.status === 'alert');
    assert.equal(during.length, 1);
  });

  it('catches a surge when asked for spikes, and ignores it when asked for drops only', () => {
    const start = 8 * 1440;
    const pts = minuteCounts(9, 20, 4, (i) => (i >= start && i < start + 30 ? 4 : 1));
    const spikes = run({ kind: 'count', direction: 'spike' }, pts).slice(start, start + 30);
    assert.ok(spikes.some((x) => x.verdict.status === 'alert' && x.verdict.direction === 'spike'));
    const drops = run({ kind: 'count', direction: 'drop' }, pts).slice(start, start + 30);
    assert.ok(!drops.some((x) => x.verdict.status === 'alert'));
  });

  it('re-baselines after a lasting level shift instead of alerting forever', () => {
    const start = 8 * 1440;
    const pts = minuteCounts(11, 30, 5, (i) => (i >= start ? 1.8 : 1));
    const r = run({ kind: 'count' }, pts).slice(start);
    const shift = r.findIndex((x) => x.verdict.status === 'shift');
    assert.ok(shift > 0, 'a shift was reported');
    const v = r[shift]?.verdict;
    assert.match(v?.status === 'shift' ? v.explanation : '', /level shift/);
    assert.ok(r.slice(shift + 1440).filter((x) => x.verdict.status === 'alert').length <= 1, 'quiet after re-baselining');
  });

  it('does not learn an outage: the next day expects the usual rate', () => {
    const day = 1440;
    const outage = (i: number) => (i >= 7 * day + 600 && i < 7 * day + 900 ? 0 : 1);
    const a = run({ kind: 'count' }, minuteCounts(9, 40, 6, outage));
    const b = run({ kind: 'count' }, minuteCounts(9, 40, 6));
    const at = 8 * day + 700;
    const ea = a[at]?.expected ?? 0;
    const eb = b[at]?.expected ?? 1;
    assert.ok(Math.abs(ea / eb - 1) < 0.1, `expected ${ea} vs ${eb}`);
  });

  it('stays quiet on declared holidays', () => {
    const start = 8 * 1440;
    const holiday = [T0 + start * 60, T0 + (start + 1440) * 60] as const;
    const pts = minuteCounts(9, 40, 7, (i) => (i >= start ? 0.2 : 1));
    const r = run({ kind: 'count', holidays: [holiday] }, pts).slice(start, start + 1400);
    assert.ok(r.every((x) => x.verdict.status === 'holiday'));
  });

  it('alerts on a gauge that jumps', () => {
    const u = rng(8);
    const pts: Point[] = [];
    for (let i = 0; i < 4 * 1440; i++) pts.push({ ts: T0 + i * 60, value: 100 + 5 * (u() - 0.5) + (i > 3 * 1440 ? 40 : 0) });
    const r = run({ kind: 'gauge', label: 'users' }, pts);
    const a = r.findIndex((x) => x.verdict.status === 'alert');
    assert.ok(a > 3 * 1440 && a <= 3 * 1440 + 3, `alert at ${a}`);
    const v = r[a]?.verdict;
    assert.match(v?.status === 'alert' ? v.explanation : '', /expected ~\d+ users/);
  });

  it('learns a gauge with a sharp daily rhythm, and re-baselines it only after a whole day', () => {
    /** A reading every 5 minutes: 80 from 09:00 to 18:00, 20 otherwise, plus `change(day, hour)`. */
    const wave = (change: (day: number, hour: number) => number) => {
      const u = rng(21);
      return Array.from({ length: 10 * 288 }, (_, i): Point => {
        const hour = Math.floor((i % 288) / 12);
        return { ts: T0 + i * 300, value: (hour >= 9 && hour < 18 ? 80 : 20) + 2 * (u() - 0.5) + change(Math.floor(i / 288), hour) };
      });
    };
    const at = (day: number, hour: number) => day * 288 + hour * 12;
    const dip = run(
      { kind: 'gauge' },
      wave((d, h) => (d === 6 && h >= 9 && h < 18 ? -30 : 0)),
    );
    // The reading at 09:00 is the first of the day's high phase, and is expected as such.
    assert.ok(Math.abs((dip[at(4, 9)]?.expected ?? 0) - 80) < 5, `expected ${dip[at(4, 9)]?.expected} at 09:00`);
    const alerts = dip.map((r, i) => (r.verdict.status === 'alert' ? i : -1)).filter((i) => i >= at(2, 0));
    assert.ok(alerts.length >= 1 && alerts.every((i) => i >= at(6, 9) && i < at(6, 18)), `alerts at ${alerts}`);
    assert.ok(!dip.some((r) => r.verdict.status === 'shift'), 'a day with a lower high phase is not a new level');
    const lasting = run(
      { kind: 'gauge' },
      wave((d) => (d >= 6 ? 30 : 0)),
    );
    const shift = lasting.findIndex((r) => r.verdict.status === 'shift');
    assert.ok(shift >= at(7, 0) && shift <= at(8, 0), `re-baselined at ${shift} (from ${at(6, 0)})`);
  });

  it('does not learn a gauge outage: no echo of it on the following days', () => {
    const u = rng(22);
    const pts = Array.from({ length: 14 * 288 }, (_, i): Point => {
      const daily = 1 + 0.4 * Math.sin((2 * Math.PI * (i % 288)) / 288);
      return { ts: T0 + i * 300, value: i >= 7 * 288 + 120 && i < 7 * 288 + 144 ? 0 : 1000 * daily * (1 + 0.07 * (u() - 0.5)) };
    });
    const r = run({ kind: 'gauge' }, pts);
    const late = r.slice(7 * 288 + 288).filter((x) => x.verdict.status === 'alert').length;
    assert.ok(late <= 1, `${late} alerts in the week after the outage`);
  });

  it('gives the same output when a series is split and its state carried over through JSON', () => {
    for (const seed of [11, 12, 13]) {
      const u = rng(seed);
      const pts = minuteCounts(4, 3 + 30 * u(), seed, (i) => (i > 3 * 1440 && i < 3 * 1440 + 60 ? 0 : 1));
      for (const opts of [{ kind: 'count' as const }, { kind: 'gauge' as const }]) {
        const det = createDetector(opts);
        const whole = run(opts, pts);
        const cuts = [0, ...Array.from({ length: 5 }, () => Math.floor(u() * pts.length)).sort((a, b) => a - b), pts.length];
        let state: DetectorState = det.init();
        const pieces: StepResult[] = [];
        for (let c = 0; c + 1 < cuts.length; c++) {
          state = JSON.parse(JSON.stringify(state)) as DetectorState;
          for (const p of pts.slice(cuts[c], cuts[c + 1])) {
            const r = det.step(state, p);
            state = r.state;
            pieces.push(r);
          }
        }
        assert.equal(pieces.length, whole.length);
        for (let i = 0; i < whole.length; i++) {
          assert.equal(pieces[i]?.score, whole[i]?.score, `score at ${i} (seed ${seed}, ${opts.kind})`);
          assert.equal(pieces[i]?.surprise, whole[i]?.surprise, `anomaly score at ${i} (seed ${seed}, ${opts.kind})`);
          assert.deepEqual(pieces[i]?.verdict, whole[i]?.verdict);
        }
      }
    }
  });

  it('upgrades a state saved in format 1 (count factors as decimals) on its next step: nothing re-learned', () => {
    const pts = minuteCounts(10, 20, 15);
    const cut = 9 * 1440;
    const det = createDetector({ kind: 'count' });
    let now: DetectorState = det.init();
    for (const p of pts.slice(0, cut)) now = det.step(now, p).state;
    // What format 1 saved: the factors themselves, to three significant digits.
    const old = JSON.parse(JSON.stringify(now)) as Omit<DetectorState, 'v'> & { v: number };
    old.v = 1;
    for (const p of [old.base.daily, old.base.weekly])
      for (let i = 0; i < p.length; i++) p[i] = Number(Math.exp((p[i] as number) / 500).toPrecision(3));
    assert.ok(
      old.base.daily.some((v) => Math.abs(v - 1) > 0.2),
      'the saved daily profile has a rhythm',
    );
    let up = old as unknown as DetectorState;
    for (const p of pts.slice(cut)) {
      const a = det.step(now, p);
      const b = det.step(up, p);
      now = a.state;
      up = b.state;
      assert.ok(Math.abs(b.expected - a.expected) <= 0.01 * a.expected + 1e-9, `expected ${b.expected} vs ${a.expected} at ${p.ts}`);
      assert.equal(b.verdict.status, a.verdict.status);
    }
    assert.equal(up.v, 2);
    assert.ok(
      up.base.weekly.every((q) => Number.isInteger(q)),
      'profiles are stored as whole log steps again',
    );
  });

  it('keeps its state small and JSON-safe', () => {
    const r = run({ kind: 'count' }, minuteCounts(15, 10, 14));
    const json = JSON.stringify(r.at(-1)?.state);
    assert.ok(json.length < 2048, `${json.length} bytes`);
    assert.ok(!json.includes('null'), 'no NaN or Infinity in the state');
  });
});
