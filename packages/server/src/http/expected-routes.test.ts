import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createTestHeed } from '../test-support/index.js';

const NOW = Date.UTC(2026, 10, 20, 12, 30, 0);
const HOUR = 3600_000;

it('answers what the baseline expected over a range, with a 95% band', async () => {
  const h = await createTestHeed({}, { now: () => NOW });
  // Ten days of pre-counted hourly records with a daily rhythm: 60 an hour by day, 20 by night.
  const ev = [];
  for (let i = 240; i >= 1; i--) {
    const ts = Math.floor(NOW / HOUR) * HOUR - i * HOUR;
    const hour = new Date(ts).getUTCHours();
    ev.push({ name: 'signup', ts, count: hour >= 8 && hour < 20 ? 60 : 20 });
  }
  assert.equal((await h.send(ev)).json().accepted, ev.length);
  const r = await h.get(`/api/v1/projects/${h.project.id}/expected?kpi=signup&from=-2d&to=now&step=1h`);
  assert.equal(r.statusCode, 200, r.body);
  const body = r.json() as { step: number; learnedHours: number; points: Array<[number, number | null, number | null, number | null]> };
  assert.equal(body.step, 3600);
  assert.ok(body.learnedHours >= 240, `learned ${body.learnedHours} h`);
  const at = (hourUtc: number) => body.points.find(([ts]) => new Date(ts * 1000).getUTCHours() === hourUtc);
  const day = at(14);
  const night = at(2);
  assert.ok(day && day[1] !== null && day[2] !== null && day[3] !== null && Math.abs(day[1] - 60) < 10, `day ${day}`);
  assert.ok(day[2] < day[1] && day[1] < day[3]);
  assert.ok(night && night[1] !== null && Math.abs(night[1] - 20) < 6, `night ${night}`);

  const missing = await h.get(`/api/v1/projects/${h.project.id}/expected?kpi=nope`);
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error.code, 'kpi.not_found');
  assert.equal((await h.get(`/api/v1/projects/${h.project.id}/expected`)).statusCode, 400);
  await h.close();
});
