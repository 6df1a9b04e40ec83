/** @module Test support: Poisson draws for generated KPI series. */

/** A standard normal draw (Box-Muller). */
export function normalDraw(u: () => number): number {
  return Math.sqrt(-2 * Math.log(u() || 1e-12)) * Math.cos(2 * Math.PI * u());
}

/** A Poisson draw; above `normalAbove` the normal approximation. */
export function poissonDraw(rate: number, u: () => number, normalAbove = 60): number {
  if (rate <= 0) return 0;
  if (rate > normalAbove) return Math.max(0, Math.round(rate + Math.sqrt(rate) * normalDraw(u)));
  let n = 0;
  let p = Math.exp(-rate);
  let s = p;
  const x = u();
  while (x > s && n < 100_000) {
    n++;
    p *= rate / n;
    s += p;
  }
  return n;
}
