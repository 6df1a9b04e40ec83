/** @module Tail probabilities for explanations: Poisson / negative binomial and normal, in log space. */

const LN10 = Math.log(10);

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
export function lnGamma(x: number): number {
  const c = [
    0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905,
    -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln of the upper normal tail P(Z >= z). */
export function lnNormalUpper(z: number): number {
  if (z < 5) {
    // Abramowitz-Stegun 7.1.26 on erfc; accurate to ~1e-7 absolute, enough for explanations.
    const x = Math.abs(z) / Math.SQRT2;
    const t = 1 / (1 + 0.3275911 * x);
    const y = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
    const upper = z >= 0 ? y / 2 : 1 - y / 2;
    return Math.log(Math.max(upper, 1e-300));
  }
  return -0.5 * z * z - Math.log(z * Math.sqrt(2 * Math.PI)) + Math.log1p(-1 / (z * z));
}

function lnNbPmf(k: number, mean: number, size: number): number {
  if (!Number.isFinite(size)) return k * Math.log(mean) - mean - lnGamma(k + 1);
  return lnGamma(k + size) - lnGamma(size) - lnGamma(k + 1) + size * Math.log(size / (size + mean)) + k * Math.log(mean / (size + mean));
}

function lnSumExp(xs: number[]): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const x of xs) if (x > m) m = x;
  if (m === Number.NEGATIVE_INFINITY) return m;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

/**
 * ln P(X <= k) (lower) or ln P(X >= k) (upper) for a negative binomial of this mean and size
 * (size = Infinity is Poisson). Large means use the normal approximation.
 */
export function lnCountTail(k: number, mean: number, size: number, upper: boolean): number {
  const m = Math.max(mean, 1e-12);
  const kk = Math.max(0, Math.round(k));
  if (m > 2000 || kk > 4000) {
    const sd = Math.sqrt(m + (Number.isFinite(size) ? (m * m) / size : 0));
    const z = (kk - m) / sd;
    return lnNormalUpper(upper ? z - 0.5 / sd : -z - 0.5 / sd);
  }
  const terms: number[] = [];
  if (upper) {
    if (kk === 0) return 0;
    const stop = kk + 40 + Math.ceil(10 * Math.sqrt(m + (Number.isFinite(size) ? (m * m) / size : 0)));
    for (let i = kk; i <= stop; i++) terms.push(lnNbPmf(i, m, size));
  } else {
    for (let i = 0; i <= kk; i++) terms.push(lnNbPmf(i, m, size));
  }
  return Math.min(0, lnSumExp(terms));
}

/** Formats a p-value from its natural log: "p = 0.03", "p < 1e-9". */
export function formatP(lnP: number): string {
  const log10 = lnP / LN10;
  if (log10 > -3) return `p = ${Math.exp(lnP).toPrecision(2)}`;
  return `p < 1e${Math.min(-3, Math.ceil(log10))}`;
}
