/**
 * @module What a series saw and what its baseline expected, remembered for the last hour: per second
 * for two minutes, per minute for the hour, so a segment's share of an anomaly can be told over the
 * anomaly's own window. Fixed size, under 1 KB a series: past slots are 16-bit floats (about 0.05%
 * relative precision, integers exact to 2048) in one array, the slot being filled is summed at full
 * precision; which time a slot holds follows from the newest slot (no id per slot). Saved as that
 * newest second and the slots' bytes in base64 (about 1 KB), and restored at the same times.
 */

const FINE_SECONDS = 120;
const COARSE_SLOTS = 60;
const COARSE_SECONDS = 60;

/** Most seconds back that a window may start. */
export const CONTRIBUTION_MEMORY_SECONDS = COARSE_SLOTS * COARSE_SECONDS;

/** Observed and expected sums over a window. */
export interface Contribution {
  observed: number;
  expected: number;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** The 16-bit float: a float32's exponent less this offset (6 bits kept) and its 10 leading mantissa bits. */
const EXP_OFFSET = 100 << 23;

/** Packs x >= 0 into 16 bits, rounded to nearest; below 2^-26 is 0, above ~1.4e11 saturates. */
export function pack16(x: number): number {
  if (!(x > 0)) return 0;
  f32[0] = x;
  const b = (u32[0] as number) - EXP_OFFSET + 0x1000;
  return b < 1 << 23 ? 0 : Math.min(0xffff, b >>> 13);
}

/** The value packed by pack16. */
export function unpack16(c: number): number {
  if (c < 1 << 10) return 0;
  u32[0] = c * 8192 + EXP_OFFSET;
  return f32[0] as number;
}

/** One series' recent observed and expected counts. */
export interface ContributionRing {
  /** Records a judged point covering (ts - dt, ts]. */
  add(ts: number, dt: number, observed: number, expected: number): void;
  /** Sums over [from, to): per second when the window is within the last two minutes, else per minute. */
  sum(from: number, to: number, now: number): Contribution;
  /**
   * Where, within [from, to), the move in direction `sign` (-1 fewer, 1 more) most probably began:
   * the start (a whole second) whose window to `to` deviates most, in z. Runs longer than two minutes are kept.
   * A run of evidence often starts a few seconds early on a chance low; the segments are compared from here.
   */
  onset(from: number, to: number, sign: number): number;
  /** The ring as saved (a restart restores it with restoreContributionRing); undefined while it has seen nothing. */
  save(): SavedRing | undefined;
}

/** A ring as saved: which second its newest slot holds (the other slots' times follow) and its slots. */
export interface SavedRing {
  /** The newest per-second slot's epoch second; the newest per-minute slot is its minute. */
  newest: number;
  /**
   * Base64 of the 16-bit slots (little-endian, in memory order), then the newest slots' sums still
   * being filled, as 64-bit floats: per second and per minute observed, then per second and per minute expected.
   */
  slots: string;
}

// Each ring's cells: fine observed, fine expected, coarse observed, coarse expected (16-bit floats).
const FINE = 0;
const COARSE = 1;
const SLOTS = [FINE_SECONDS, COARSE_SLOTS];
const SIZE = [1, COARSE_SECONDS];
const OBSERVED_AT = [0, 2 * FINE_SECONDS];
const CELLS = 2 * (FINE_SECONDS + COARSE_SLOTS);
/** Per ring and tier (fine, coarse): the newest slot's id (time / slot size), its observed, its expected, not yet packed. */
const HEADS = 6;
/** A saved ring's bytes: its cells, then its heads' sums (the ids follow from `newest`). */
const SAVED_BYTES = 2 * CELLS + 8 * (HEADS - 2);

/**
 * Rings live in shared slabs of 256 (a typed array of their own would cost ~250 bytes more each);
 * a ring's place is reused once the ring is collected.
 */
const PER_SLAB = 256;
const cellSlabs: Uint16Array[] = [];
const headSlabs: Float64Array[] = [];
const vacant: number[] = [];
const reclaim = new FinalizationRegistry<number>((place) => vacant.push(place));

function allocate(owner: object): number {
  let place = vacant.pop();
  if (place === undefined) {
    place = cellSlabs.length * PER_SLAB;
    cellSlabs.push(new Uint16Array(PER_SLAB * CELLS));
    headSlabs.push(new Float64Array(PER_SLAB * HEADS));
    for (let k = PER_SLAB - 1; k > 0; k--) vacant.push(place + k);
  }
  const slab = Math.floor(place / PER_SLAB);
  const k = place % PER_SLAB;
  (cellSlabs[slab] as Uint16Array).fill(0, k * CELLS, (k + 1) * CELLS);
  (headSlabs[slab] as Float64Array).set([-1, -1, 0, 0, 0, 0], k * HEADS);
  reclaim.register(owner, place);
  return place;
}

class Ring implements ContributionRing {
  private readonly cells: Uint16Array;
  private readonly head: Float64Array;
  /** Where this ring's cells and heads start in its slabs. */
  private readonly c0: number;
  private readonly h0: number;

  constructor() {
    const place = allocate(this);
    this.cells = cellSlabs[Math.floor(place / PER_SLAB)] as Uint16Array;
    this.head = headSlabs[Math.floor(place / PER_SLAB)] as Float64Array;
    this.c0 = (place % PER_SLAB) * CELLS;
    this.h0 = (place % PER_SLAB) * HEADS;
  }

  add(ts: number, dt: number, observed: number, expected: number): void {
    // A point is filed under the middle of the time it covers.
    const t = ts - dt / 2;
    this.put(FINE, t, observed, expected);
    this.put(COARSE, t, observed, expected);
  }

  sum(from: number, to: number, now: number): Contribution {
    const tier = from >= now - FINE_SECONDS + 1 ? FINE : COARSE;
    const out = { observed: 0, expected: 0 };
    const size = SIZE[tier] as number;
    const last = Math.min(Math.ceil(to / size) - 1, this.head[this.h0 + tier] as number);
    const first = Math.max(Math.floor(from / size), last - (SLOTS[tier] as number) + 1);
    for (let id = first; id <= last; id++) {
      out.observed += this.read(tier, id, 0);
      out.expected += this.read(tier, id, 1);
    }
    return out;
  }

  onset(from: number, to: number, sign: number): number {
    // A run longer than the per-second memory is taken whole, per minute.
    const end = Math.ceil(to);
    if (from < end - FINE_SECONDS) return from;
    let best = from;
    let bestZ = Number.NEGATIVE_INFINITY;
    let o = 0;
    let e = 0;
    // Suffixes, longest last: walk back from the end one second at a time.
    for (let id = end - 1; id >= Math.max(Math.floor(from), end - FINE_SECONDS); id--) {
      o += this.read(FINE, id, 0);
      e += this.read(FINE, id, 1);
      const z = (sign * (o - e)) / Math.sqrt(e + 1);
      if (z > bestZ) {
        bestZ = z;
        best = Math.max(from, id);
      }
    }
    return best;
  }

  save(): SavedRing | undefined {
    const newest = this.head[this.h0 + FINE] as number;
    if (newest < 0) return undefined;
    const bytes = Buffer.alloc(SAVED_BYTES);
    for (let i = 0; i < CELLS; i++) bytes.writeUInt16LE(this.cells[this.c0 + i] as number, 2 * i);
    for (let i = 2; i < HEADS; i++) bytes.writeDoubleLE(this.head[this.h0 + i] as number, 2 * CELLS + 8 * (i - 2));
    return { newest, slots: bytes.toString('base64') };
  }

  /** Takes the slots of a saved ring (`bytes` checked by the caller): every slot keeps its time. */
  restore(newest: number, bytes: Buffer): void {
    for (let i = 0; i < CELLS; i++) this.cells[this.c0 + i] = bytes.readUInt16LE(2 * i);
    // Both tiers' heads move with each point (put is called for both with the same time): the minute's follows from the second's.
    this.head[this.h0 + FINE] = newest;
    this.head[this.h0 + COARSE] = Math.floor(newest / (SIZE[COARSE] as number));
    for (let i = 2; i < HEADS; i++) this.head[this.h0 + i] = bytes.readDoubleLE(2 * CELLS + 8 * (i - 2));
  }

  /** Observed (which 0) or expected (1) of slot `id` of a tier; 0 when outside its memory. */
  private read(tier: number, id: number, which: number): number {
    const head = this.head[this.h0 + tier] as number;
    const slots = SLOTS[tier] as number;
    if (id > head || id <= head - slots) return 0;
    if (id === head) return this.head[this.h0 + 2 + 2 * which + tier] as number;
    return unpack16(this.cells[this.c0 + (OBSERVED_AT[tier] as number) + which * slots + (id % slots)] as number);
  }

  private put(tier: number, t: number, observed: number, expected: number): void {
    const id = Math.floor(t / (SIZE[tier] as number));
    const h = this.head;
    const f = this.h0 + tier;
    const head = h[f] as number;
    const slots = SLOTS[tier] as number;
    const at = this.c0 + (OBSERVED_AT[tier] as number);
    if (id === head) {
      h[f + 2] = (h[f + 2] as number) + observed;
      h[f + 4] = (h[f + 4] as number) + expected;
    } else if (id > head) {
      if (head >= 0) {
        this.cells[at + (head % slots)] = pack16(h[f + 2] as number);
        this.cells[at + slots + (head % slots)] = pack16(h[f + 4] as number);
      }
      // Slots skipped over (no point fell in them) hold nothing.
      for (let k = Math.max(head + 1, id - slots + 1); k < id; k++) {
        this.cells[at + (k % slots)] = 0;
        this.cells[at + slots + (k % slots)] = 0;
      }
      h[f] = id;
      h[f + 2] = observed;
      h[f + 4] = expected;
    } else if (id > head - slots) {
      // Out of order (not from the engine, whose points follow each other): packed in place.
      const o = at + (id % slots);
      this.cells[o] = pack16(unpack16(this.cells[o] as number) + observed);
      this.cells[o + slots] = pack16(unpack16(this.cells[o + slots] as number) + expected);
    }
  }
}

/** Creates an empty ring. */
export function createContributionRing(): ContributionRing {
  return new Ring();
}

/**
 * The ring `saved` was made from, each slot at its own time: points added after a gap file as they
 * would have without the restart (the seconds skipped over hold nothing). Undefined when `saved` is not a saved ring.
 */
export function restoreContributionRing(saved: SavedRing): ContributionRing | undefined {
  if (!Number.isSafeInteger(saved?.newest) || saved.newest < 0 || typeof saved.slots !== 'string') return undefined;
  const bytes = Buffer.from(saved.slots, 'base64');
  if (bytes.length !== SAVED_BYTES) return undefined;
  for (let i = 2 * CELLS; i < SAVED_BYTES; i += 8) if (!Number.isFinite(bytes.readDoubleLE(i))) return undefined;
  const r = new Ring();
  r.restore(saved.newest, bytes);
  return r;
}
