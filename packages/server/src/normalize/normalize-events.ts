/** @module Normalize: raw items to validated events, each rejection with its index and stable code. */
import { type EventLimits, isRejection, type NormalizedEvent, validateEvent } from '@heed/protocol';
import type { RawItem } from '../ingest/index.js';

/** A rejected item of a batch. */
export interface Rejected {
  index: number;
  code: string;
  message: string;
}

/** The valid events, the position each had in the batch, and the rejections. */
export interface Normalized {
  events: NormalizedEvent[];
  indexes: number[];
  rejected: Rejected[];
}

/** Validates every item; never throws. */
export function normalizeEvents(items: readonly RawItem[], now: number, limits: EventLimits): Normalized {
  const events: NormalizedEvent[] = [];
  const indexes: number[] = [];
  const rejected: Rejected[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as RawItem;
    if (!item.ok) {
      rejected.push({ index: i, code: item.code, message: item.message });
      continue;
    }
    const r = validateEvent(item.value, now, limits);
    if (isRejection(r)) rejected.push({ index: i, code: r.code, message: r.message });
    else {
      events.push(r);
      indexes.push(i);
    }
  }
  return { events, indexes, rejected };
}
