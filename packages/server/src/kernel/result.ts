/** @module Outcomes that pipeline steps return instead of throwing. */

/** A step's outcome: the value, or a rejection with a stable code. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/** Wraps a successful value. */
export function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

/** A rejection: `code` is one of the stable codes in errors.ts. */
export function reject<T = never>(code: string, message: string): Outcome<T> {
  return { ok: false, code, message };
}
