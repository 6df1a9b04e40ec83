/** @module Tests of the tail probabilities behind the explanations. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatP, lnCountTail, lnGamma, lnNormalUpper } from './tail-probability.js';

describe('tail probabilities', () => {
  it('computes ln Gamma', () => {
    assert.ok(Math.abs(lnGamma(5) - Math.log(24)) < 1e-10);
    assert.ok(Math.abs(lnGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-10);
  });
  it('gives Poisson and normal tails', () => {
    assert.ok(Math.abs(lnCountTail(0, 40, Number.POSITIVE_INFINITY, false) + 40) < 1e-9);
    assert.ok(Math.abs(Math.exp(lnCountTail(1, 1, Number.POSITIVE_INFINITY, true)) - (1 - Math.exp(-1))) < 1e-9);
    assert.ok(Math.abs(Math.exp(lnNormalUpper(1.96)) - 0.025) < 1e-3);
    assert.ok(lnCountTail(0, 40, 10, false) > -40, 'overdispersion makes zero less surprising');
  });
  it('formats p-values', () => {
    assert.equal(formatP(-40), 'p < 1e-17');
    assert.equal(formatP(Math.log(0.03)), 'p = 0.030');
  });
});
