/**
 * @module Rounding of stored statistics: the saved state holds numbers to the precision they carry
 * (a few significant digits), which keeps it small, without the cost of formatting them as text.
 */

/** Exact powers of ten (up to 1e22 every one is exactly representable). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * v rounded to `digits` significant digits. The result is the double nearest the decimal, so it
 * prints (and round-trips through JSON) as that short decimal. Non-finite values pass through.
 */
export function sig(v: number, digits: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const e = Math.floor(Math.log10(Math.abs(v)));
  const k = digits - 1 - e;
  if (k >= 0) {
    const f = POW10[k];
    return f === undefined ? v : Math.round(v * f) / f;
  }
  const f = POW10[-k];
  return f === undefined ? v : Math.round(v / f) * f;
}

/** v rounded to `places` decimal places (places <= 22). */
export function fixed(v: number, places: number): number {
  const f = POW10[places] as number;
  return Math.round(v * f) / f;
}
