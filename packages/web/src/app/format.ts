/** @module Formatting of times, durations and numbers for display. */

/** A local date and time from epoch ms. */
export function when(ms: number | string | null | undefined): string {
  const t = typeof ms === 'string' ? Date.parse(ms) : ms;
  if (t === null || t === undefined || !Number.isFinite(t)) return '–';
  return new Date(t).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** "3 min ago" from epoch ms. */
export function ago(ms: number | string | null | undefined, now = Date.now()): string {
  const t = typeof ms === 'string' ? Date.parse(ms) : ms;
  if (t === null || t === undefined || !Number.isFinite(t)) return '–';
  return `${duration((now - t) / 1000)} ago`;
}

/** A duration in seconds, short. */
export function duration(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return '–';
  const s = Math.max(0, sec);
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

/** A number, compact. */
export function num(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return Math.abs(n) >= 1000 ? n.toLocaleString(undefined, { maximumFractionDigits: 0 }) : String(Math.round(n * 100) / 100);
}
