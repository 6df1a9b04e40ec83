/**
 * Every stable error code, produced by a real request through the app: the table must list
 * exactly the codes in kernel/errors.ts, so a new code without a test fails here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Response } from 'light-my-request';
import { ERROR_CODES } from '../kernel/index.js';
import { createMemoryStore } from '../store/index.js';
import { createTestHeed, type TestHeed } from '../test-support/index.js';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
type Case = (h: TestHeed) => Promise<Response>;

const CASES: Record<string, Case> = {
  'request.not_found': (h) => h.request({ method: 'GET', url: '/nope' }),
  'request.method_not_allowed': (h) =>
    h.request({ method: 'DELETE', url: '/api/v1/projects', headers: { authorization: `Bearer ${h.admin}` } }),
  'request.body_too_large': (h) => h.send('x'.repeat(5000)),
  'request.decompressed_too_large': (h) =>
    h.send(gzipSync(JSON.stringify(Array.from({ length: 200 }, () => ({ name: 'signup', tags: { a: 'x'.repeat(100) } })))), {
      headers: { 'content-encoding': 'gzip' },
    }),
  'request.unsupported_encoding': (h) => h.send('[]', { headers: { 'content-encoding': 'compress' } }),
  'request.unsupported_media_type': (h) => h.send('[]', { headers: { 'content-type': 'application/xml' } }),
  'request.bad_encoding': (h) => h.send('not gzip at all', { headers: { 'content-encoding': 'gzip' } }),
  'request.invalid_json': (h) => h.send('[{"name": "signup"'),
  'request.invalid_body': (h) =>
    h.request({ method: 'POST', url: '/api/v1/projects', headers: { authorization: `Bearer ${h.admin}` }, json: [1] }),
  'request.invalid_param': (h) => h.get(`/api/v1/projects/${h.project.id}/query?kpi=signup&from=yesterday-ish`),
  'auth.missing': (h) => h.request({ method: 'POST', url: `/api/${h.project.id}/events`, payload: '[]' }),
  'auth.invalid': (h) => h.send([{ name: 'signup' }], { key: 'wrong' }),
  'auth.csrf': async (h) => {
    const login = await h.request({ method: 'POST', url: '/api/v1/session', json: { token: h.admin } });
    const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
    return h.request({ method: 'POST', url: '/api/v1/projects', headers: { cookie }, json: { name: 'no-csrf' } });
  },
  'auth.forbidden': async (h) => {
    const other = await h.request({
      method: 'POST',
      url: '/api/v1/projects',
      headers: { authorization: `Bearer ${h.admin}` },
      json: { name: 'other' },
    });
    return h.send([{ name: 'signup' }], { projectId: other.json().id });
  },
  'project.not_found': (h) => h.get('/api/v1/projects/999'),
  'project.invalid_name': (h) =>
    h.request({ method: 'POST', url: '/api/v1/projects', headers: { authorization: `Bearer ${h.admin}` }, json: { name: '' } }),
  'kpi.not_found': (h) => h.get(`/api/v1/projects/${h.project.id}/query?kpi=never_sent`),
  'incident.not_found': (h) => h.get(`/api/v1/projects/${h.project.id}/incidents/42`),
  'resource.not_found': (h) =>
    h.request({ method: 'DELETE', url: `/api/v1/projects/${h.project.id}/channels/7`, headers: { authorization: `Bearer ${h.admin}` } }),
  'ack.invalid_link': (h) => h.request({ method: 'GET', url: `/ack/1?exp=${NOW + 60_000}&sig=forged` }),
  'ingest.empty_batch': (h) => h.send([]),
  'ingest.too_many_events': (h) => h.send(Array.from({ length: 11 }, () => ({ name: 'a' }))),
  'ingest.all_rejected': (h) => h.send([{ name: 'bad name' }]),
  'ingest.rate_limited': async (h) => {
    await h.send(Array.from({ length: 10 }, () => ({ name: 'a' })));
    return h.send([{ name: 'a' }]);
  },
  'event.invalid_json': (h) => h.send('{"name":"a"}\n{oops', { headers: { 'content-type': 'application/x-ndjson' } }),
  'event.not_object': (h) => h.send([{ name: 'a' }, 42]),
  'event.invalid_name': (h) => h.send([{ name: 'a' }, { name: 'has space' }]),
  'event.invalid_type': (h) => h.send([{ name: 'a' }, { name: 'a', type: 'histogram' }]),
  'event.invalid_value': (h) => h.send([{ name: 'a' }, { name: 'a', value: 'ten' }]),
  'event.invalid_count': (h) => h.send([{ name: 'a' }, { name: 'a', count: -1 }]),
  'event.invalid_timestamp': (h) => h.send([{ name: 'a' }, { name: 'a', ts: 'last tuesday' }]),
  'event.timestamp_in_future': (h) => h.send([{ name: 'a' }, { name: 'a', ts: NOW + 3600_000 }]),
  'event.timestamp_too_old': (h) => h.send([{ name: 'a' }, { name: 'a', ts: '1999-12-31T00:00:00Z' }]),
  'event.invalid_tags': (h) => h.send([{ name: 'a' }, { name: 'a', tags: ['x'] }]),
  'event.too_many_tags': (h) => h.send([{ name: 'a' }, { name: 'a', tags: { a: 1, b: 2, c: 3, d: 4 } }]),
  'event.invalid_tag_key': (h) => h.send([{ name: 'a' }, { name: 'a', tags: { 'bad key': 'x' } }]),
  'event.tag_value_too_long': (h) => h.send([{ name: 'a' }, { name: 'a', tags: { k: 'x'.repeat(21) } }]),
  'event.unknown_field': (h) => h.send([{ name: 'a' }, { name: 'a', vaule: 3 }]),
  'event.type_conflict': (h) => h.send([{ name: 'a' }, { name: 'a', type: 'gauge', value: 3 }]),
  'store.unavailable': async () => {
    const store = createMemoryStore();
    store.commit = async () => {
      throw new Error('disk full');
    };
    const h = await createTestHeed({}, { store, now: () => NOW });
    return h.send([{ name: 'a' }]);
  },
  'otlp.invalid_protobuf': (h) =>
    h.request({
      method: 'POST',
      url: '/v1/metrics',
      headers: { authorization: `Bearer ${h.project.key}`, 'content-type': 'application/x-protobuf' },
      payload: 'not a protobuf message',
    }),
  'envelope.invalid': (h) =>
    h.request({ method: 'POST', url: `/api/${h.project.id}/envelope/?sentry_key=${h.project.key}`, payload: '{}\n{"length":1}\nx' }),
  'envelope.rate_limited': async () => {
    const h = await createTestHeed({ 'errors.rateLimitPerSecond': 1 }, { now: () => NOW });
    const send = (id: string) =>
      h.request({
        method: 'POST',
        url: `/api/${h.project.id}/envelope/?sentry_key=${h.project.key}`,
        payload: `{}\n{"type":"event"}\n{"event_id":"${id}","message":"m"}`,
      });
    await send('a'.repeat(32));
    return send('b'.repeat(32));
  },
  'check.invalid': (h) =>
    h.request({
      method: 'POST',
      url: `/api/v1/projects/${h.project.id}/checks`,
      headers: { authorization: `Bearer ${h.admin}` },
      json: { name: 'x' },
    }),
  'check.not_found': (h) => h.get(`/api/v1/projects/${h.project.id}/checks/99`),
  'status_page.not_found': (h) => h.request({ method: 'GET', url: `/status/${h.project.id}` }),
  'issue.not_found': (h) => h.get(`/api/v1/projects/${h.project.id}/issues/12345`),
  'release.not_found': (h) => h.get(`/api/v1/projects/${h.project.id}/releases/${encodeURIComponent('shop@9.9.9')}/impact`),
  'monitors.invalid': (h) =>
    h.request({
      method: 'POST',
      url: `/api/v1/projects/${h.project.id}/monitors`,
      headers: { authorization: `Bearer ${h.admin}` },
      json: { monitors: { kpis: { signup: { direction: 'sideways' } } } },
    }),
  'sourcemap.invalid': (h) =>
    h.request({
      method: 'POST',
      url: `/api/v1/projects/${h.project.id}/releases/shop@1.0.0/sourcemaps?name=${encodeURIComponent('~/static/app.js.map')}`,
      headers: { authorization: `Bearer ${h.admin}` },
      payload: '{"version": 2}',
    }),
  'sourcemap.not_found': (h) =>
    h.request({
      method: 'DELETE',
      url: `/api/v1/projects/${h.project.id}/releases/shop@1.0.0/sourcemaps/7`,
      headers: { authorization: `Bearer ${h.admin}` },
    }),
  'server.shutting_down': async (h) => {
    h.built.services.state.shuttingDown = true;
    return h.send([{ name: 'a' }]);
  },
  internal: async () => {
    const store = createMemoryStore();
    const h = await createTestHeed({}, { store, now: () => NOW });
    store.listProjects = async () => {
      throw new Error('boom');
    };
    return h.get('/api/v1/projects');
  },
};

describe('error codes', () => {
  it('the table covers exactly the codes in errors.ts', () => {
    assert.deepEqual(Object.keys(CASES).sort(), Object.keys(ERROR_CODES).sort());
  });

  for (const [code, make] of Object.entries(CASES)) {
    it(`${code}: answers ${ERROR_CODES[code as keyof typeof ERROR_CODES].status} with the code and a message`, async () => {
      const h = await createTestHeed(
        {
          'ingest.maxBodyBytes': 4096,
          'ingest.maxDecompressedBytes': 8192,
          'ingest.maxEventsPerBatch': 10,
          'ingest.maxTagsPerEvent': 3,
          'ingest.maxTagValueLength': 20,
          'ingest.rateLimitPerSecond': 10,
        },
        { now: () => NOW },
      );
      const res = await make(h);
      const body = res.json();
      const status = ERROR_CODES[code as keyof typeof ERROR_CODES].status;
      if (code.startsWith('event.')) {
        // Per-event codes: the batch is partly accepted and the bad event is named by index.
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(body.accepted, 1);
        assert.deepEqual(
          body.rejected.map((r: { index: number; code: string }) => [r.index, r.code]),
          [[1, code]],
        );
        assert.ok(body.rejected[0].message.length > 10);
      } else {
        assert.equal(res.statusCode, status, res.body);
        assert.equal(body.error.code, code);
        assert.ok(typeof body.error.message === 'string' && body.error.message.length > 10, body.error.message);
        assert.ok(res.headers['x-request-id']);
      }
      await h.close();
    });
  }
});
