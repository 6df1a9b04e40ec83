import assert from 'node:assert/strict';
import { it } from 'node:test';
import { exceptionValues } from './event.js';

it('orders the cause chain cause-first with chained mechanisms', () => {
  const root = new Error('root');
  const mid = new TypeError('mid', { cause: root });
  const top = new Error('top', { cause: mid });
  const v = exceptionValues(top, { type: 'generic', handled: true });
  assert.deepEqual(
    v.map((x) => [x.type, x.value, x.mechanism?.type, x.mechanism?.exception_id, x.mechanism?.parent_id]),
    [
      ['Error', 'root', 'chained', 2, 1],
      ['TypeError', 'mid', 'chained', 1, 0],
      ['Error', 'top', 'generic', 0, undefined],
    ],
  );
});

it('survives odd thrown values and cyclic causes', () => {
  assert.equal(exceptionValues('boom', { type: 'generic', handled: true })[0]?.value, 'boom');
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  assert.match(
    exceptionValues(cyclic, { type: 'generic', handled: true })[0]?.value ?? '',
    /^Non-Error thrown: \{"a":1,"self":"\[Circular\]"\}/,
  );
  assert.match(exceptionValues(10n, { type: 'generic', handled: true })[0]?.value ?? '', /10/);
  const a = new Error('a');
  const b = new Error('b', { cause: a });
  (a as { cause?: unknown }).cause = b;
  assert.equal(exceptionValues(b, { type: 'generic', handled: true }).length, 2);
  assert.equal(exceptionValues(null, { type: 'generic', handled: true })[0]?.value, 'Non-Error thrown: null');
});
