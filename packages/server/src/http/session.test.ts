/** Dashboard sessions: login, cookie flags, CSRF on state-changing calls, logout, and the page itself. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestHeed, type TestHeed } from '../test-support/index.js';

describe('dashboard sessions', () => {
  let h: TestHeed;
  let cookie = '';
  let csrf = '';
  before(async () => {
    h = await createTestHeed();
  });
  after(() => h.close());

  it('refuses a wrong token and says how to log in', async () => {
    const bad = await h.request({ method: 'POST', url: '/api/v1/session', json: { token: 'nope' } });
    assert.equal(bad.statusCode, 401);
    assert.equal(bad.json().error.code, 'auth.invalid');
    const empty = await h.request({ method: 'POST', url: '/api/v1/session', json: {} });
    assert.equal(empty.json().error.code, 'request.invalid_body');
    assert.match(empty.json().error.message, /token/);
  });

  it('trades the admin token for an HttpOnly, SameSite=Strict cookie and a CSRF token', async () => {
    const res = await h.request({ method: 'POST', url: '/api/v1/session', json: { token: h.admin } });
    assert.equal(res.statusCode, 200);
    const set = String(res.headers['set-cookie']);
    assert.match(set, /^heed_session=[\w.-]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/);
    cookie = set.split(';')[0] as string;
    csrf = res.json().csrf;
    const who = await h.request({ method: 'GET', url: '/api/v1/session', headers: { cookie } });
    assert.deepEqual(who.json(), { loggedIn: true, csrf, expiresAt: res.json().expiresAt });
    const anon = await h.request({ method: 'GET', url: '/api/v1/session' });
    assert.deepEqual(anon.json(), { loggedIn: false });
  });

  it('reads with the cookie; writes only with the CSRF header; the Bearer token still works', async () => {
    const list = await h.request({ method: 'GET', url: '/api/v1/projects', headers: { cookie } });
    assert.equal(list.statusCode, 200);
    const noCsrf = await h.request({ method: 'POST', url: '/api/v1/projects', headers: { cookie }, json: { name: 'x' } });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(noCsrf.json().error.code, 'auth.csrf');
    const wrong = await h.request({
      method: 'POST',
      url: '/api/v1/projects',
      headers: { cookie, 'x-heed-csrf': `${csrf}x` },
      json: { name: 'x' },
    });
    assert.equal(wrong.statusCode, 403);
    const ok = await h.request({
      method: 'POST',
      url: '/api/v1/projects',
      headers: { cookie, 'x-heed-csrf': csrf },
      json: { name: 'web' },
    });
    assert.equal(ok.statusCode, 201);
    const bearer = await h.request({
      method: 'POST',
      url: '/api/v1/projects',
      headers: { authorization: `Bearer ${h.admin}` },
      json: { name: 'cli' },
    });
    assert.equal(bearer.statusCode, 201);
  });

  it('rejects forged and tampered cookies', async () => {
    const [exp, nonce, sig] = cookie.slice('heed_session='.length).split('.') as [string, string, string];
    for (const forged of [`${Number(exp) + 1000}.${nonce}.${sig}`, `${exp}.${nonce}x.${sig}`, 'garbage']) {
      const res = await h.request({ method: 'GET', url: '/api/v1/projects', headers: { cookie: `heed_session=${forged}` } });
      assert.equal(res.statusCode, 401);
    }
  });

  it('logs out by clearing the cookie', async () => {
    const res = await h.request({ method: 'DELETE', url: '/api/v1/session', headers: { cookie } });
    assert.equal(res.statusCode, 204);
    assert.match(String(res.headers['set-cookie']), /^heed_session=; Max-Age=0;/);
  });

  it('serves the dashboard with a strict Content-Security-Policy and hashed assets', async () => {
    const page = await h.request({ method: 'GET', url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    const js = /src="(\/assets\/app-\w+\.js)"/.exec(page.body)?.[1] as string;
    const asset = await h.request({ method: 'GET', url: js });
    assert.equal(asset.statusCode, 200);
    assert.match(String(asset.headers['content-type']), /javascript/);
    assert.match(String(asset.headers['cache-control']), /immutable/);
    const missing = await h.request({ method: 'GET', url: '/assets/app-nope.js' });
    assert.equal(missing.json().error.code, 'request.not_found');
  });
});
