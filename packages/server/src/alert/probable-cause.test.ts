import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probableCause } from './probable-cause.js';
import type { AlertRecord } from './types.js';

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const alert = (
  key: string,
  source: AlertRecord['source'],
  title: string,
  onsetSec: number,
  firedSec: number,
  subject?: string,
): AlertRecord => ({
  key,
  source,
  severity: 'critical',
  title,
  explanation: '',
  tags: {},
  subject,
  state: 'firing',
  firstFiredAt: T0 + firedSec * 1000,
  lastFiredAt: T0 + firedSec * 1000,
  onsetAt: T0 + onsetSec * 1000,
  flaps: 0,
});

describe('probable cause', () => {
  it('names nothing for a single alert, or for alerts of one kind', () => {
    assert.equal(probableCause({ alerts: [alert('kpi:1', 'kpi', 'checkout dropped', 0, 5)] }), undefined);
    const kpis = [alert('kpi:1', 'kpi', 'checkout dropped', 0, 5), alert('rule:1', 'rule', 'No payments', 3, 4)];
    assert.equal(probableCause({ alerts: kpis }), undefined);
  });

  it('a dependency that began first is the cause of the KPI drop and the error storm', () => {
    const c = probableCause({
      alerts: [
        alert('kpi:1', 'kpi', 'checkout.completed dropped', 40, 45, 'checkout.completed'),
        alert('error:issue:3', 'error', 'New error: PaymentTimeout', 42, 42),
        alert('check:7:slow', 'check', 'payment provider is slow', 0, 2, 'check:payment provider'),
      ],
    });
    assert.equal(c?.key, 'check:7:slow');
    assert.match(
      c?.text ?? '',
      /payment provider is slow \(a dependency.*preceded checkout.completed dropped \(40 s later\), New error: PaymentTimeout \(42 s later\)/,
    );
  });

  it('a dependency known upstream wins even when its check confirmed a little after the KPI moved', () => {
    const c = probableCause({
      alerts: [
        alert('kpi:1', 'kpi', 'checkout.completed dropped', 0, 3, 'checkout.completed'),
        alert('kpi:9', 'kpi', 'http.client.requests (host=pay.example) spiked', 5, 6, 'http.client.requests'),
      ],
    });
    assert.equal(c?.key, 'kpi:9');
  });

  it('without a dependency, the alert that began first', () => {
    const c = probableCause({
      alerts: [alert('kpi:2', 'kpi', 'signup dropped', 30, 31), alert('error:issue:1', 'error', 'New error: TypeError', 10, 10)],
    });
    assert.equal(c?.key, 'error:issue:1');
  });

  it('a dependency that broke long after the KPI is not its cause', () => {
    const c = probableCause({
      alerts: [alert('kpi:2', 'kpi', 'signup dropped', 0, 1), alert('check:1', 'check', 'api is down', 600, 601)],
    });
    assert.equal(c?.key, 'kpi:2');
  });
});
