import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeErrorEvent } from './error-event.js';
import { templateMessage } from './fingerprint.js';
import { createScrubber } from './scrub.js';

const ctx = { receivedAt: Date.UTC(2026, 10, 20), scrubber: createScrubber(), maxFutureMs: 300_000 };

type F = { filename: string; function?: string; lineno?: number; colno?: number; in_app?: boolean; context_line?: string };
function hash(ex: { type?: string; value?: string; frames: F[] }[], extra: Record<string, unknown> = {}): string {
  const r = normalizeErrorEvent(
    {
      exception: {
        values: ex.map((e) => ({ type: e.type ?? 'TypeError', value: e.value ?? 'x is undefined', stacktrace: { frames: e.frames } })),
      },
      ...extra,
    },
    ctx,
  );
  assert.ok(r.ok);
  return r.value.grouping.hash;
}

const node = (fn: string, line: number, file = '/srv/app/releases/v1/src/cart.js'): F => ({
  filename: file,
  function: fn,
  lineno: line,
  colno: 7,
  in_app: true,
});
const lib = (fn: string): F => ({ filename: '/srv/app/node_modules/express/lib/router.js', function: fn, lineno: 10, in_app: false });

describe('grouping', () => {
  it('line shifts between releases and a new deploy folder keep the issue', () => {
    const a = hash([{ frames: [lib('handle'), node('checkout', 20), node('parsePrice', 7)] }]);
    const b = hash([
      {
        frames: [
          lib('handle'),
          node('checkout', 31, '/srv/app/releases/v2/src/cart.js'),
          node('parsePrice', 12, '/srv/app/releases/v2/src/cart.js'),
        ],
      },
    ]);
    assert.equal(a, b);
  });

  it('the same error thrown from two call sites makes two issues', () => {
    const a = hash([{ frames: [node('checkout', 20), node('parsePrice', 7)] }]);
    const b = hash([{ frames: [node('refund', 50), node('parsePrice', 7)] }]);
    assert.notEqual(a, b);
  });

  it('library frames and the message do not split an issue with in-app frames', () => {
    const a = hash([{ value: 'invalid price: abc', frames: [lib('handle'), node('parsePrice', 7)] }]);
    const b = hash([{ value: 'invalid price: 12', frames: [lib('dispatch'), lib('handle'), node('parsePrice', 7)] }]);
    assert.equal(a, b);
    assert.notEqual(a, hash([{ type: 'RangeError', frames: [lib('handle'), node('parsePrice', 7)] }]), 'the type counts');
  });

  it('the whole cause chain counts', () => {
    const thrown = { type: 'Error', value: 'checkout failed', frames: [node('checkout', 20)] };
    const a = hash([{ frames: [node('parsePrice', 7)] }, thrown]);
    const b = hash([{ frames: [node('parseQty', 9)] }, thrown]);
    assert.notEqual(a, b);
  });

  it('minified bundles: hashed file names, origins and one-letter names are noise', () => {
    const build = (hashPart: string, names: [string, string], line: number) => [
      {
        value: 'cart is empty',
        frames: [
          { filename: `https://cdn.shop.test/static/js/main.${hashPart}.js?v=3`, function: names[0], lineno: 1, colno: line, in_app: true },
          {
            filename: `https://cdn.shop.test/static/js/main.${hashPart}.js?v=3`,
            function: names[1],
            lineno: 1,
            colno: line + 40,
            in_app: true,
          },
        ],
      },
    ];
    const a = hash(build('3f2a9c1b', ['a', 'Yt'], 1200));
    const b = hash(build('9b1c44e0', ['n', 'e'], 1420));
    assert.equal(a, b, 'a rebuild with new minified names and offsets stays one issue');
    const c = hash([{ ...(build('3f2a9c1b', ['a', 'b'], 1200)[0] as { frames: F[] }), value: 'profile service unavailable' }]);
    assert.notEqual(a, c, 'without usable names the message keeps unrelated errors apart');
  });

  it('readable names in a bundle group by function, anonymous frames by their source line', () => {
    const f = (fn: string | undefined, line: number, ctxLine?: string): F => ({
      filename: 'http://127.0.0.1:36365/app.js',
      in_app: true,
      lineno: line,
      ...(fn ? { function: fn } : {}),
      ...(ctxLine ? { context_line: ctxLine } : {}),
    });
    assert.equal(
      hash([{ frames: [f('HTMLButtonElement.onCheckoutClick', 12139), f('validateCart', 12133)] }]),
      hash([{ value: 'other text', frames: [f('HTMLButtonElement.onCheckoutClick', 13001), f('validateCart', 12990)] }]),
    );
    assert.notEqual(hash([{ frames: [f('?', 1, 'await a();')] }]), hash([{ frames: [f('?', 1, 'await b();')] }]));
  });

  it('messages group by their template; an SDK fingerprint wins, with {{ default }}', () => {
    const msg = (m: string, extra: Record<string, unknown> = {}) => {
      const r = normalizeErrorEvent({ message: m, ...extra }, ctx);
      assert.ok(r.ok);
      return r.value;
    };
    assert.equal(msg('User 123 not found').grouping.hash, msg('User 98765 not found').grouping.hash);
    assert.notEqual(msg('User 123 not found').grouping.hash, msg('Order 123 not found').grouping.hash);
    assert.equal(msg('User 1 not found').title, 'User 1 not found');
    const fp = msg('a', { fingerprint: ['payments', 'timeout'] }).grouping;
    assert.equal(fp.hash, msg('b', { fingerprint: ['payments', 'timeout'] }).grouping.hash);
    assert.deepEqual(fp.parts, ['custom:payments', 'custom:timeout']);
    const withDefault = msg('c', { fingerprint: ['{{ default }}', 'eu'] }).grouping.parts;
    assert.deepEqual(withDefault, ['message', 'c', 'custom:eu']);
  });

  it('a captured message with a synthetic stack groups by its message, not its call site', () => {
    const synthetic = (fn: string) => ({
      message: 'payment provider slow',
      exception: {
        values: [
          { value: 'payment provider slow', mechanism: { type: 'generic', synthetic: true }, stacktrace: { frames: [node(fn, 3)] } },
        ],
      },
    });
    const a = normalizeErrorEvent(synthetic('checkout'), ctx);
    const b = normalizeErrorEvent(synthetic('refund'), ctx);
    assert.ok(a.ok && b.ok);
    assert.equal(a.value.grouping.hash, b.value.grouping.hash);
    assert.equal(a.value.title, 'payment provider slow');
  });

  it('templates numbers, ids, hashes, e-mails, IPs, dates and quoted strings', () => {
    assert.equal(
      templateMessage(
        'Order 42 for jane@example.com from 10.0.0.1 at 2026-11-20T10:00:00Z: "abc" 3fa85f64-5717-4562-b3fc-2c963f66afa6 deadbeef01',
      ),
      'Order <num> for <email> from <ip> at <date>: <str> <uuid> <hex>',
    );
  });
});
