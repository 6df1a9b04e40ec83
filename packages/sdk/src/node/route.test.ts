import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createRouteCap, normalizePath } from './route.js';

it('folds ids out of paths', () => {
  assert.equal(normalizePath('/users/42/orders?x=1'), '/users/:id/orders');
  assert.equal(normalizePath('/o/3f2504e0-4f89-11d3-9a0c-0305e82c3301'), '/o/:id');
  assert.equal(normalizePath('/blob/deadbeefcafe1234'), '/blob/:id');
  assert.equal(normalizePath('/t/abcDEF1234567890ghijKL'), '/t/:id');
  assert.equal(normalizePath('/checkout/summary'), '/checkout/summary');
  assert.equal(normalizePath(undefined), '/');
  assert.equal(normalizePath('?q'), '/');
});

it('caps distinct routes', () => {
  const cap = createRouteCap(2);
  assert.deepEqual(['/a', '/b', '/c', '/a'].map(cap), ['/a', '/b', '(other)', '/a']);
});
