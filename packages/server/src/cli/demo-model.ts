/** @module The demo shop's traffic model: rates per KPI and browser, with a daily and weekly rhythm. */

/** Browsers and their share of visitors. */
export const BROWSERS: ReadonlyArray<readonly [string, number]> = [
  ['Chrome', 0.55],
  ['Safari', 0.25],
  ['Firefox', 0.12],
  ['Edge', 0.08],
];

/** Events per second at the daily peak, per KPI, across browsers. */
export const PEAK_RATES: Readonly<Record<string, number>> = {
  signup: 1.5,
  login: 8,
  'checkout.started': 5,
  'checkout.completed': 4,
  payment: 4,
};

/** Logged-in users at the daily peak. */
export const PEAK_USERS = 400;

/** How busy the shop is at `tsSec` (0..1]: quiet nights, a mid-afternoon peak, calmer weekends. */
export function rhythm(tsSec: number): number {
  const hour = (tsSec / 3600) % 24;
  const day = Math.floor(tsSec / 86400 + 4) % 7; // 0 = Sunday
  const daily = 0.45 + 0.55 * Math.exp(-(((hour - 15) / 5) ** 2));
  return daily * (day === 0 || day === 6 ? 0.75 : 1);
}

/** A Poisson draw (Knuth for small means, a normal approximation above 50). */
export function poisson(mean: number, rnd: () => number = Math.random): number {
  if (mean > 50) {
    const z = Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
  }
  let n = 0;
  let p = Math.exp(-mean);
  let s = p;
  const u = rnd();
  while (u > s && n < 1000) {
    n++;
    p *= mean / n;
    s += p;
  }
  return n;
}

/** An average payment in EUR. */
export const paymentValue = (rnd: () => number = Math.random) => Math.round((15 + rnd() * 110) * 100) / 100;
