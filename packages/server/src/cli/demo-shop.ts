/**
 * @module The demo's live shop: business events through the real SDK (@heed/sdk/node) once a second,
 * and a scripted story: a Safari-only JavaScript error (a browser SDK's envelope), a slow payment
 * provider that makes checkouts fall without any server error, then a release that raises signups.
 */
import { randomUUID } from 'node:crypto';
import { close, gauge, init, track } from '@heed/sdk/node';
import { BROWSERS, PEAK_RATES, PEAK_USERS, paymentValue, poisson, rhythm } from './demo-model.js';

/** When each act of the story starts, in seconds after the live traffic begins. */
export interface StoryTimes {
  safariError: number;
  paymentSlow: number;
  paymentRecovered: number;
  release: number;
}

/** The default story: a few minutes. */
export const STORY: StoryTimes = { safariError: 30, paymentSlow: 90, paymentRecovered: 330, release: 390 };
/** The story for tests: everything within about two minutes. */
export const FAST_STORY: StoryTimes = { safariError: 2, paymentSlow: 5, paymentRecovered: 150, release: 160 };

const SAFARI_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';

/** Options of the shop. */
export interface ShopOptions {
  url: string;
  project: { id: number; key: string; dsn: string };
  /** To record the release's deploy, as a CI pipeline would with `heed releases deploy`. */
  adminToken: string;
  story: StoryTimes;
  /** Tells the person watching what just happened. */
  say: (line: string) => void;
  /** The first second (epoch s) the shop owes traffic for: where the backfill's catch-up ended. Default: now. */
  from?: number;
}

/**
 * Seconds of traffic a late timer still sends: the join with the catch-up and a skipped second. A
 * longer stall (a starved process) is a gap the shop really left, paged as such, not sent late.
 */
const MAX_OWED_SECONDS = 5;

function safariEnvelope(release: string): string {
  const eventId = randomUUID().replaceAll('-', '');
  const now = Date.now() / 1000;
  const event = {
    event_id: eventId,
    timestamp: now,
    platform: 'javascript',
    level: 'error',
    release,
    environment: 'production',
    transaction: '/checkout',
    exception: {
      values: [
        {
          type: 'TypeError',
          value: "undefined is not an object (evaluating 'window.ApplePaySession.canMakePayments')",
          mechanism: { type: 'onerror', handled: false },
          stacktrace: {
            frames: [
              {
                filename: 'https://shop.example/assets/vendor.js',
                function: 'HTMLButtonElement.dispatch',
                lineno: 2,
                colno: 4410,
                in_app: false,
              },
              { filename: 'https://shop.example/assets/checkout.js', function: 'onPayClick', lineno: 88, colno: 17, in_app: true },
              { filename: 'https://shop.example/assets/checkout.js', function: 'detectWallets', lineno: 41, colno: 33, in_app: true },
            ],
          },
        },
      ],
    },
    breadcrumbs: [
      { timestamp: now - 9, category: 'navigation', message: '/cart -> /checkout' },
      { timestamp: now - 3, category: 'ui.click', message: 'button#pay' },
    ],
    request: { url: 'https://shop.example/checkout', headers: { 'User-Agent': SAFARI_UA } },
    user: { id: `u${Math.floor(Math.random() * 5000)}` },
    tags: { page: 'checkout' },
  };
  return `${JSON.stringify({ event_id: eventId, sent_at: new Date().toISOString() })}\n${JSON.stringify({ type: 'event' })}\n${JSON.stringify(event)}\n`;
}

/** Starts the shop; returns a function that stops it (and flushes the SDK). */
export function startShop(o: ShopOptions): () => Promise<void> {
  let release = 'shop@1.4.0';
  const sdk = { dsn: o.project.dsn, environment: 'production', flushIntervalMs: 1000, autoCapture: false, exitSignals: false };
  init({ ...sdk, release });
  const started = Date.now();
  const told = new Set<string>();
  const act = (key: keyof StoryTimes, t: number, line: string) => {
    if (t >= o.story[key] && !told.has(key)) {
      told.add(key);
      o.say(line);
    }
  };
  /** One second's events, stamped at `ts` (ms), at the story's rates then. */
  const traffic = (ts: number) => {
    const t = (ts - started) / 1000;
    const slow = t >= o.story.paymentSlow && t < o.story.paymentRecovered;
    const released = t >= o.story.release;
    const r = rhythm(ts / 1000);
    for (const [browser, share] of BROWSERS) {
      for (const [name, peak] of Object.entries(PEAK_RATES)) {
        let rate = peak * share * r;
        if (slow && (name === 'checkout.completed' || name === 'payment')) rate *= 0.15;
        if (released && name === 'signup') rate *= 1.8;
        for (let i = poisson(rate); i > 0; i--) {
          track(name, { ts, tags: { browser }, ...(name === 'payment' ? { value: paymentValue() } : {}) });
        }
      }
    }
  };
  // The last second whose traffic was sent. A timer that fires late or skips a second (a busy
  // machine, or setInterval drifting across a second's boundary) skips no traffic: each run sends
  // every second since, stamped within it, as a real shop's visitors do not wait for its timers.
  let done = (o.from ?? Math.floor(started / 1000)) - 1;
  const second = () => {
    const now = Date.now();
    const t = (now - started) / 1000;
    act('safariError', t, 'Story: Safari users now hit a JavaScript error at checkout. Watch Errors and Incidents.');
    act('paymentSlow', t, 'Story: the payment provider turned slow; checkouts fall, no server error. Watch the checkout.completed KPI.');
    act('paymentRecovered', t, 'Story: the payment provider is fast again; checkouts recover.');
    if (t >= o.story.release && !told.has('release')) {
      release = 'shop@1.5.0';
      void close(500).then(() => init({ ...sdk, release }));
      void fetch(`${o.url}/api/v1/projects/${o.project.id}/releases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${o.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ version: release, environment: 'production', commit: 'a1b2c3d' }),
      }).catch(() => {});
    }
    act('release', t, 'Story: release shop@1.5.0 is out, with a shorter signup form; signups rise. Watch the signup KPI.');
    const upTo = Math.floor(now / 1000);
    for (let sec = Math.max(done + 1, upTo - MAX_OWED_SECONDS + 1); sec <= upTo; sec++) traffic(sec * 1000 + (now % 1000));
    done = upTo;
    gauge('users.logged_in', Math.round(PEAK_USERS * rhythm(now / 1000) + poisson(10)));
    if (t >= o.story.safariError && Math.random() < 0.4) {
      void fetch(`${o.url}/api/${o.project.id}/envelope/?sentry_key=${o.project.key}&sentry_version=7`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-sentry-envelope', 'user-agent': SAFARI_UA },
        body: safariEnvelope(release),
      }).catch(() => {});
    }
  };
  // At once: the seconds since the catch-up ended and this one, so live traffic joins it with no gap.
  second();
  const timer = setInterval(second, 1000);
  return async () => {
    clearInterval(timer);
    await close(2000);
  };
}
