import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import { createTestHeed } from '../test-support/index.js';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 30);
const SEC = Math.floor(NOW / 1000);

async function total(h: Awaited<ReturnType<typeof createTestHeed>>, kpi: string, extra = '') {
  const r = await h.get(`/api/v1/projects/${h.project.id}/query?kpi=${kpi}&from=${SEC - 600}&to=${SEC + 60}&step=60${extra}`);
  assert.equal(r.statusCode, 200, r.body);
  return r.json();
}

describe('KPI ingest', () => {
  it('takes a JSON array, one object, and NDJSON; counts and sums payments', async () => {
    const h = await createTestHeed({}, { now: () => NOW });
    assert.equal(
      (await h.send([{ name: 'signup' }, { name: 'payment', value: 12.5 }, { name: 'payment', value: 7.5 }])).json().accepted,
      3,
    );
    assert.equal((await h.send({ name: 'signup' })).json().accepted, 1);
    const nd = await h.send('{"name":"signup"}\n\n{"name":"signup"}\n', { headers: { 'content-type': 'application/x-ndjson' } });
    assert.equal(nd.json().accepted, 2);
    assert.equal((await total(h, 'signup')).lines[0].total, 4);
    const pay = await total(h, 'payment', '&agg=sum');
    assert.equal(pay.lines[0].total, 20);
    assert.equal((await total(h, 'payment', '&agg=mean')).lines[0].total, 10);
    await h.close();
  });

  it('keeps the valid events of a batch and names each rejected one by index', async () => {
    const h = await createTestHeed({}, { now: () => NOW });
    const r = await h.send([
      { name: 'signup' },
      { name: '' },
      { name: 'signup', tags: { plan: 'pro' } },
      'x',
      { name: 'signup', ts: NOW + 86400_000 },
    ]);
    assert.equal(r.statusCode, 200);
    const body = r.json();
    assert.equal(body.accepted, 2);
    assert.deepEqual(
      body.rejected.map((x: { index: number; code: string }) => [x.index, x.code]),
      [
        [1, 'event.invalid_name'],
        [3, 'event.not_object'],
        [4, 'event.timestamp_in_future'],
      ],
    );
    assert.equal((await total(h, 'signup')).lines[0].total, 2);
    const metrics = (await h.request({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /heed_ingest_dropped_total\{reason="event.invalid_name"\} 1/);
    assert.match(metrics, /heed_ingest_events_total\{outcome="accepted"\} 2/);
    await h.close();
  });

  it('accepts gzip and deflate bodies, and the key as ?key= with text/plain (sendBeacon)', async () => {
    const h = await createTestHeed({}, { now: () => NOW });
    const body = JSON.stringify([{ name: 'login' }, { name: 'login' }]);
    assert.equal((await h.send(gzipSync(body), { headers: { 'content-encoding': 'gzip' } })).json().accepted, 2);
    assert.equal((await h.send(deflateSync(body), { headers: { 'content-encoding': 'deflate' } })).json().accepted, 2);
    const beacon = await h.request({
      method: 'POST',
      url: `/api/${h.project.id}/events?key=${h.project.key}`,
      payload: body,
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
    });
    assert.equal(beacon.statusCode, 200, beacon.body);
    assert.equal((await total(h, 'login')).lines[0].total, 6);
    await h.close();
  });

  it('answers CORS preflights so browsers can send directly', async () => {
    const h = await createTestHeed({}, { now: () => NOW });
    const r = await h.request({
      method: 'OPTIONS',
      url: `/api/${h.project.id}/events`,
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(r.statusCode, 204);
    assert.equal(r.headers['access-control-allow-origin'], '*');
    assert.match(String(r.headers['access-control-allow-headers']), /Authorization/);
    const post = await h.send([{ name: 'a' }], { headers: { origin: 'https://shop.example' } });
    assert.equal(post.headers['access-control-allow-origin'], '*');
    await h.close();
  });

  it('isolates projects: a key writes only its project, and reads need the admin token', async () => {
    const h = await createTestHeed({}, { now: () => NOW });
    const created = await h.request({
      method: 'POST',
      url: '/api/v1/projects',
      headers: { authorization: `Bearer ${h.admin}` },
      json: { name: 'b' },
    });
    assert.equal(created.statusCode, 201);
    const b = created.json();
    assert.match(b.dsn, new RegExp(`^http://${b.key}@[^/]+/${b.id}$`));
    assert.equal((await h.send([{ name: 'only_b' }], { projectId: b.id, key: b.key })).statusCode, 200);
    assert.equal((await h.send([{ name: 'only_b' }], { projectId: b.id })).statusCode, 403);
    assert.equal((await h.send([{ name: 'only_a' }], { projectId: h.project.id, key: b.key })).statusCode, 403);
    const kpisA = (await h.get(`/api/v1/projects/${h.project.id}/kpis`)).json().kpis;
    assert.deepEqual(kpisA, []);
    const kpisB = (await h.get(`/api/v1/projects/${b.id}/kpis`)).json().kpis;
    assert.deepEqual(
      kpisB.map((k: { name: string }) => k.name),
      ['only_b'],
    );
    // A project key cannot read, not even its own project.
    const asKey = await h.request({ method: 'GET', url: `/api/v1/projects/${b.id}/kpis`, headers: { authorization: `Bearer ${b.key}` } });
    assert.equal(asKey.statusCode, 401);
    const noAuth = await h.request({ method: 'GET', url: '/api/v1/projects' });
    assert.equal(noAuth.json().error.code, 'auth.missing');
    await h.close();
  });

  it('a rotated key stops working and the new one works', async () => {
    const h = await createTestHeed({}, { now: () => NOW });
    const old = h.project.key;
    assert.equal((await h.send([{ name: 'a' }], { key: old })).statusCode, 200);
    const r = await h.request({
      method: 'POST',
      url: `/api/v1/projects/${h.project.id}/rotate-key`,
      headers: { authorization: `Bearer ${h.admin}` },
    });
    const fresh = r.json().key;
    assert.notEqual(fresh, old);
    assert.match(fresh, /^[A-Za-z0-9_]+$/);
    assert.equal((await h.send([{ name: 'a' }], { key: old })).statusCode, 401);
    assert.equal((await h.send([{ name: 'a' }], { key: fresh })).statusCode, 200);
    await h.close();
  });

  it('takes backfilled history and pre-counted records, placed at their own times', async () => {
    const h = await createTestHeed({}, { now: () => NOW });
    const dayAgo = NOW - 86400_000;
    const r = await h.send([
      { name: 'checkout', ts: new Date(dayAgo).toISOString(), count: 40, value: 4000 },
      { name: 'checkout', ts: Math.floor(dayAgo / 1000) + 60, count: 0 },
      { name: 'checkout', ts: dayAgo + 120_000 },
    ]);
    assert.equal(r.json().accepted, 3);
    const q = (
      await h.get(
        `/api/v1/projects/${h.project.id}/query?kpi=checkout&from=${Math.floor(dayAgo / 1000)}&to=${Math.floor(dayAgo / 1000) + 180}&step=60`,
      )
    ).json();
    assert.deepEqual(
      q.lines[0].points.map((p: [number, number]) => p[1]),
      [40, 0, 1, 0],
    );
    const sum = (
      await h.get(
        `/api/v1/projects/${h.project.id}/query?kpi=checkout&from=${Math.floor(dayAgo / 1000)}&to=${Math.floor(dayAgo / 1000) + 60}&agg=sum&step=60`,
      )
    ).json();
    assert.equal(sum.lines[0].total, 4000);
    await h.close();
  });

  it('folds tag combinations beyond the cardinality limit into `other`, and says so', async () => {
    const h = await createTestHeed({ 'ingest.maxSeriesPerKpi': 3 }, { now: () => NOW });
    const events = Array.from({ length: 10 }, (_, i) => ({ name: 'view', tags: { user: `u${i}` } }));
    const r = await h.send(events);
    assert.equal(r.json().accepted, 10);
    assert.equal(r.json().folded, 7);
    const kpis = (await h.get(`/api/v1/projects/${h.project.id}/kpis`)).json().kpis;
    assert.deepEqual(kpis, [{ name: 'view', type: 'count', series: 4, folded: 7 }]);
    const seg = (await h.get(`/api/v1/projects/${h.project.id}/segments?kpi=view&by=user&from=${SEC - 60}&to=${SEC + 60}`)).json();
    const other = seg.segments.find((s: { value: string }) => s.value === 'other');
    assert.equal(other.total, 7);
    assert.equal(
      seg.segments.reduce((a: number, s: { total: number }) => a + s.total, 0),
      10,
    );
    await h.close();
  });

  it('never answers 500 to garbage', async () => {
    const h = await createTestHeed({}, { now: () => NOW });
    const samples: Array<string | Buffer> = [
      '',
      'null',
      '[]',
      '[null]',
      '{}',
      '"str"',
      '[[[[[]]]]]',
      '{"name":{"$gt":1}}',
      '[{"name":"a","tags":{"__proto__":{"x":1}}}]',
      '[{"name":"a","ts":1e400}]',
      '[{"name":"a","value":1e400}]',
      '\u0000\u0001',
      Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
      '{"name":"a"}\n[',
      `[${'{"name":"a"},'.repeat(5)}{"name":"a"}]`,
    ];
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 200; i++) {
      const len = Math.floor(rnd() * 60);
      let s = '';
      for (let j = 0; j < len; j++) s += '[]{}":,aname1\\\n '[Math.floor(rnd() * 16)];
      samples.push(s);
    }
    for (const body of samples) {
      const r = await h.send(body);
      assert.ok(r.statusCode < 500, `${r.statusCode} for ${JSON.stringify(body.toString())}: ${r.body}`);
      assert.ok(r.json(), 'answers JSON');
    }
    await h.close();
  });
});
