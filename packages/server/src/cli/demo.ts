/** @module The demo shop: realistic business events sent through the real ingest endpoint. */
import type { Logger } from '../kernel/index.js';
import { out } from './args.js';

const BROWSERS = ['Chrome', 'Chrome', 'Chrome', 'Safari', 'Safari', 'Firefox', 'Edge'];
const COUNTRIES = ['DE', 'US', 'US', 'FR', 'GB', 'NL'];
const PLANS = ['free', 'free', 'free', 'pro', 'team'];

function pick<T>(xs: readonly T[]): T {
  return xs[Math.floor(Math.random() * xs.length)] as T;
}

function poisson(rate: number): number {
  let n = 0;
  let p = Math.exp(-rate);
  let s = p;
  const u = Math.random();
  while (u > s && n < 1000) {
    n++;
    p *= rate / n;
    s += p;
  }
  return n;
}

/** Starts the demo; returns a function that stops it. */
export function startDemo(opts: {
  url: string;
  project: { id: number; key: string };
  adminToken: string;
  log: Logger;
  quiet: boolean;
}): () => void {
  const endpoint = `${opts.url}/api/${opts.project.id}/events`;
  let sent = 0;
  let second = 0;
  const send = async () => {
    second++;
    // A daily rhythm compressed into ten minutes, so the demo shows movement.
    const phase = 1 + 0.5 * Math.sin((second / 600) * 2 * Math.PI);
    const events: Array<Record<string, unknown>> = [];
    const now = Date.now();
    for (const [name, rate] of [
      ['signup', 0.6],
      ['login', 4],
      ['checkout.started', 1.5],
      ['checkout.completed', 1.1],
    ] as const) {
      for (let i = poisson(rate * phase); i > 0; i--) {
        events.push({ name, ts: now, tags: { browser: pick(BROWSERS), country: pick(COUNTRIES), plan: pick(PLANS) } });
      }
    }
    for (let i = poisson(1.0 * phase); i > 0; i--) {
      events.push({
        name: 'payment',
        ts: now,
        value: Math.round((10 + Math.random() * 140) * 100) / 100,
        tags: { currency: 'EUR', browser: pick(BROWSERS) },
      });
    }
    events.push({ name: 'users.logged_in', type: 'gauge', ts: now, value: Math.round(120 * phase + Math.random() * 10) });
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${opts.project.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(events),
      });
      const body = (await res.json()) as { accepted?: number };
      if (res.ok) sent += body.accepted ?? 0;
      else opts.log.warn('demo batch refused', { status: res.status, body });
    } catch (err) {
      opts.log.warn('demo could not send', { err });
    }
    if (!opts.quiet && second % 15 === 0) {
      out(
        `  demo: ${sent} events sent; try GET ${opts.url}/api/v1/projects/${opts.project.id}/query?kpi=checkout.completed&from=-5m&split=browser`,
      );
    }
  };
  const timer = setInterval(() => void send(), 1000);
  if (!opts.quiet) out(`  Demo shop sending signups, logins, checkouts, payments and logged-in users to project ${opts.project.id}.`);
  return () => clearInterval(timer);
}
