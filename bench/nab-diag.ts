/** @module NAB diagnosis (by hand): per file, the best score inside windows vs the alerts outside them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBacktest } from '../packages/server/src/detect/index.js';
import { loadNab, NAB_DIR } from './nab-lib.js';

const tuning = JSON.parse(process.argv[2] ?? '{}') as Record<string, number>;
const windows = JSON.parse(readFileSync(join(NAB_DIR, 'labels', 'combined_windows.json'), 'utf8')) as Record<string, string[][]>;
for (const f of loadNab()) {
  const r = runBacktest(
    f.times.map((ts, i) => ({ ts, value: f.values[i] as number })),
    { kind: 'auto', tuning },
  );
  const prob = Math.min(Math.floor(0.15 * f.times.length), 750);
  const ws = (windows[f.key] ?? []).map(([a, b]) => [Date.parse(`${a}Z`) / 1000, Date.parse(`${b}Z`) / 1000] as const);
  const inW = (t: number) => ws.findIndex(([a, b]) => t >= a && t <= b);
  const best = ws.map(() => 0);
  const firstAlert = ws.map(() => -1);
  let outside = 0;
  const outs: number[] = [];
  for (let i = prob; i < f.times.length; i++) {
    const w = inW(f.times[i] as number);
    const s = r.scores[i] as number;
    if (w >= 0) {
      best[w] = Math.max(best[w] as number, s);
      if (r.alerts[i] && firstAlert[w] === -1) {
        const [a, b] = ws[w] as readonly [number, number];
        firstAlert[w] = Math.round((((f.times[i] as number) - a) / (b - a)) * 100);
      }
    } else if (r.alerts[i]) {
      outside++;
      outs.push(Math.round(s * 100));
    }
  }
  console.log(
    `${f.key.padEnd(58)} ${r.kind[0]} win best ${best.map((x) => x.toFixed(2)).join(' ')} | first@% ${firstAlert.join(' ')} | FP alerts ${outside} [${outs
      .sort((a, b) => b - a)
      .slice(0, 6)
      .join(' ')}]`,
  );
}
