/** @module The one place that reads the wall clock, so tests can move time. */

/** Milliseconds since the epoch. */
export type Clock = () => number;

/** The real clock. */
export const systemClock: Clock = () => Date.now();
