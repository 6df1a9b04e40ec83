/**
 * @module The effective number of independent windows in a series of placebo statistics: they
 * overlap or share a slowly wandering level, so their number overstates how much they tell about
 * the spread and the mean. Used for the variance's correction and the t interval's degrees of freedom.
 */

/**
 * How many independent windows `xs` (placebos in time order, autocorrelated) are
 * worth: n / (1 + 2 sum of autocorrelations), the sum by Geyer's initial positive sequence, at most
 * the `windows` non-overlapping windows they cover and at least 2.
 */
export function effectiveWindows(xs: readonly number[], windows: number): number {
  const n = xs.length;
  if (n < 3) return Math.max(2, Math.min(n, windows));
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const d = xs.map((x) => x - mean);
  const c0 = d.reduce((a, b) => a + b * b, 0) / n;
  if (c0 <= 0) return Math.max(2, windows);
  const rho = (k: number) => {
    let s = 0;
    for (let i = k; i < n; i++) s += (d[i] as number) * (d[i - k] as number);
    return s / n / c0;
  };
  let tau = -1;
  for (let m = 0; 2 * m + 1 < n; m++) {
    const pair = (m === 0 ? 1 : rho(2 * m)) + rho(2 * m + 1);
    if (pair <= 0) break;
    tau += 2 * pair;
  }
  return Math.max(2, Math.min(windows, n / Math.max(1, tau)));
}
