/** @module Declared holidays: validated, local to their time zone, and a drop on one opens no incident. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAlertEngine, signalFromAnomaly } from '../alert/index.js';
import { createDetectionEngine } from '../detect/index.js';
import { createLogger } from '../kernel/index.js';
import { type BucketDelta, createMemoryStore, createSeriesRegistry, type SeriesRow } from '../store/index.js';
import { holidayRanges, validateHolidays } from './holidays.js';
import { createLiveMonitors } from './live.js';

const ROW: SeriesRow = { id: 1, projectId: 1, kpi: 'checkout', type: 'count', tagKey: '', tags: {}, other: false, createdAt: 0 };
/** 2024-01-01 22:00 UTC: two hours of learning, then the drop in the first minutes of 2 January. */
const T0 = Date.UTC(2024, 0, 1, 22) / 1000;
const LEARNED = 7200;
const delta = (ts: number, count: number): BucketDelta => ({
  seriesId: 1,
  ts,
  count,
  sum: count,
  min: 1,
  max: 1,
  last: 1,
  lastTs: ts * 1000,
});

/** Plays the traffic, declaring `holiday` (if any) once the baseline is learned; returns the incidents opened. */
async function incidentsFor(holiday: string | undefined) {
  const store = createMemoryStore();
  await store.createProject('p', 'k', 0);
  const registry = createSeriesRegistry([ROW], 100);
  const live = await createLiveMonitors({ store, registry });
  const engine = createDetectionEngine({
    series: (id) => registry.get(id),
    getMeta: (k) => store.getMeta(k),
    setMeta: (k, v) => store.setMeta(k, v),
    optionsFor: (r) => ({ warmupHours: 1, ...live.optionsFor(r) }),
  });
  live.onChange(() => engine.reconfigure());
  let now = T0 * 1000;
  const alerts = createAlertEngine({
    store,
    clock: () => now,
    log: createLogger('silent'),
    settings: { resolveAfterSeconds: 60, reopenWindowMinutes: 30, repeatMinutes: 60 },
    notify: async () => {},
  });
  await alerts.load();
  const verdicts: string[] = [];
  for (let s = 0; s < LEARNED + 120; s++) {
    if (s === LEARNED && holiday) await live.setHolidays(1, { dates: [holiday], timeZone: 'UTC' }, now);
    now = (T0 + s + 1) * 1000;
    if (s < LEARNED) engine.onCommit([delta(T0 + s, 4 + (s % 3))], now);
    for (const e of engine.tick(now)) {
      verdicts.push(e.verdict.status);
      const sig = signalFromAnomaly(e);
      if (sig) await alerts.signal(sig);
    }
  }
  return { incidents: await alerts.list(1), verdicts };
}

describe('declared holidays', () => {
  it('a drop on a declared holiday raises no incident; the same drop on an ordinary day does', async () => {
    const ordinary = await incidentsFor(undefined);
    assert.equal(ordinary.incidents.length, 1);
    assert.match(ordinary.incidents[0]?.alerts[0]?.explanation ?? '', /expected ~\d+ checkout in the last/);
    const holiday = await incidentsFor('2024-01-02');
    assert.deepEqual(holiday.verdicts, []);
    assert.equal(holiday.incidents.length, 0);
    // A holiday on another day changes nothing.
    assert.equal((await incidentsFor('2024-01-05')).incidents.length, 1);
  });

  it('takes local dates in a time zone, across daylight saving', () => {
    const v = validateHolidays({ dates: ['2026-12-25', '2026-03-29', '2026-12-25'], timeZone: 'Europe/Paris' });
    assert.ok(v.ok);
    assert.deepEqual(v.value.dates, ['2026-03-29', '2026-12-25']);
    const [spring, christmas] = holidayRanges(v.value);
    // 29 March 2026 is the day Paris moves to summer time: 23 hours long.
    assert.deepEqual(spring, [Date.UTC(2026, 2, 28, 23) / 1000, Date.UTC(2026, 2, 29, 22) / 1000]);
    assert.deepEqual(christmas, [Date.UTC(2026, 11, 24, 23) / 1000, Date.UTC(2026, 11, 25, 23) / 1000]);
    assert.deepEqual(holidayRanges({ dates: ['2026-01-01'], timeZone: 'UTC' }), [
      [Date.UTC(2026, 0, 1) / 1000, Date.UTC(2026, 0, 2) / 1000],
    ]);
  });

  it('says what to fix in a bad list', () => {
    const message = (b: unknown) => {
      const v = validateHolidays(b);
      return v.ok ? 'ok' : v.message;
    };
    assert.match(message({ dates: ['2026-02-30'] }), /not a date; write dates as YYYY-MM-DD/);
    assert.match(message({ dates: ['25/12/2026'] }), /YYYY-MM-DD/);
    assert.match(message({ dates: ['2026-12-25'], timeZone: 'Mars/Olympus' }), /not a time zone/);
    assert.match(message({ dates: '2026-12-25' }), /`dates` must be a list/);
    assert.match(message({ dates: [], tz: 'UTC' }), /Unknown field 'tz'/);
    assert.equal(message({ dates: [] }), 'ok');
  });
});
