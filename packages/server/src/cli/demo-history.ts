/**
 * @module The demo's backfill: weeks of per-minute history (pre-counted records) sent through the
 * ingest endpoint, so detection has learned each series' rhythm before the live story starts. The
 * logged-in users gauge gets no history: its detector still raises false alarms on this smooth
 * synthetic level (issue 3), which would open an incident before the story begins.
 */
import { BROWSERS, PEAK_RATES, paymentValue, poisson, rhythm } from './demo-model.js';

/** Where and what to backfill. */
export interface BackfillOptions {
  url: string;
  project: { id: number; key: string };
  /** Days of history. */
  days: number;
  /** History ends here (epoch s); the engine takes data older than 10 minutes as history. */
  endSec: number;
  /** Called after each batch with the share done. */
  progress?: (done: number) => void;
  /** Called once the bulk of history is sent, before the last minutes (e.g. to let detection catch up). */
  settle?: () => Promise<void>;
}

const BATCH = 9900;

function records(from: number, to: number, perSecond: boolean): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const step = perSecond ? 1 : 60;
  for (let t = from; t < to; t += step) {
    const r = rhythm(t + step / 2);
    for (const [browser, share] of BROWSERS) {
      for (const [name, peak] of Object.entries(PEAK_RATES)) {
        const count = poisson(peak * share * r * step);
        if (perSecond && count === 0) continue;
        const rec: Record<string, unknown> = { name, ts: t, count, tags: { browser } };
        if (name === 'payment') rec.value = Math.round(count * paymentValue() * 100) / 100;
        out.push(rec);
      }
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends the history per minute, then the last minutes per second up to now. The engine takes data
 * older than 10 minutes as history, judged per minute, and newer data per second; the switch is
 * placed on a minute boundary B sent while B is just under 10 minutes old, so no minute is split
 * (a half-counted minute would look like a collapse) and no silent gap is left before the live shop.
 * Resolves to the number of records sent and the first second left to live traffic (the shop's `from`).
 */
export async function backfill(o: BackfillOptions): Promise<{ records: number; liveFrom: number }> {
  let sent = 0;
  const post = async (batch: Array<Record<string, unknown>>) => {
    for (let i = 0; i < batch.length; i += BATCH) {
      const part = batch.slice(i, i + BATCH);
      const res = await fetch(`${o.url}/api/${o.project.id}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${o.project.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(part),
      });
      if (!res.ok) throw new Error(`backfill refused: ${res.status} ${await res.text()}`);
      sent += part.length;
    }
  };
  const start = Math.floor((o.endSec - o.days * 86400) / 60) * 60;
  let end = Math.floor(o.endSec / 60) * 60;
  for (let m = start; m < end; m += 86400) {
    await post(records(m, Math.min(end, m + 86400), false));
    o.progress?.((m - start) / (end - start));
  }
  // While waiting, history keeps "arriving" (empty records for an old minute), so detection does
  // not judge the quiet time since the last record as a collapse.
  const keepalive = BROWSERS.flatMap(([browser]) =>
    Object.keys(PEAK_RATES).map((name) => ({ name, ts: start, count: 0, tags: { browser } })),
  );
  const timer = setInterval(() => void post(keepalive).catch(() => {}), 2000);
  try {
    await o.settle?.();
    for (;;) {
      const now = Date.now() / 1000;
      const b = Math.floor((now - 545) / 60) * 60;
      if (now - b <= 590) {
        await post(records(end, b, false));
        end = b;
        break;
      }
      await sleep((now - b - 535) * 1000);
    }
  } finally {
    clearInterval(timer);
  }
  const liveFrom = Math.floor(Date.now() / 1000);
  await post(records(end, liveFrom, true));
  return { records: sent, liveFrom };
}
