/**
 * @module Memory of the live engine's per-series attribution ring (detect/contribution-ring.ts):
 * heap and array-buffer bytes per ring, measured over many full rings after a forced collection,
 * and what a saved ring adds to its series' saved state.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createContributionRing } from '../packages/server/src/detect/contribution-ring.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const used = async () => {
  gc();
  // Array buffers are swept concurrently: give the sweeper time before reading.
  await new Promise((r) => setTimeout(r, 100));
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** What is measured, held at module level so no collection frees it early and none of it outlives its run. */
let held: unknown[] = [];

/** Bytes per ring once each has seen an hour of points (median of three runs of `n` rings). */
export async function ringBytesPerSeries(n = 5000): Promise<number> {
  const runs: number[] = [];
  for (let k = 0; k < 3; k++) {
    held = [];
    const before = await used();
    for (let i = 0; i < n; i++) {
      const r = createContributionRing();
      for (let s = 0; s < 3600; s += 7) r.add(1_800_000_000 + s, 7, 35, 35.5);
      held.push(r);
    }
    const after = await used();
    runs.push((after - before) / held.length);
  }
  held = [];
  return runs.sort((a, b) => a - b)[1] as number;
}

/** Bytes a ring adds to its series' saved state (the `"ring":{...}` member of its JSON, with its comma). */
export function savedRingBytes(): number {
  const r = createContributionRing();
  for (let s = 0; s < 3600; s += 7) r.add(1_800_000_000 + s, 7, 35, 35.5);
  return JSON.stringify({ ring: r.save() }).length - 2 + 1;
}
