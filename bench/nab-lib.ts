/** @module NAB helpers for the benchmark and the tuning sweep: where the data is, loading, in-process scoring. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTimestamp } from '../packages/server/src/cli/backtest-command.js';
import { type DetectorOptions, runBacktest, type Tuning } from '../packages/server/src/detect/index.js';

/** The repository root, and the shared folder beside it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const NAB_DIR = resolve(REPO_ROOT, '..', 'shared', 'benchmarks', 'nab');

/** One NAB file in memory. */
export interface NabFile {
  key: string;
  times: number[];
  values: number[];
}

/** Profile scores as the scorer reports them. */
export interface NabScores {
  standard: number;
  reward_low_FP_rate: number;
  reward_low_FN_rate: number;
}

interface Scorer {
  scoreCorpus(
    entries: Array<{ key: string; times: number[]; scores: ArrayLike<number>; windows: unknown }>,
    options?: { perFile?: boolean },
  ): { profiles: Record<string, { score: number; threshold: number | null; perFile?: unknown }> };
  loadWindows(file?: string): Record<string, unknown>;
}

/** Loads every data file of the dev split (the only one stored here). */
export function loadNab(): NabFile[] {
  const dataDir = join(NAB_DIR, 'data');
  const files: NabFile[] = [];
  for (const cat of readdirSync(dataDir).sort()) {
    for (const name of readdirSync(join(dataDir, cat)).sort()) {
      if (!name.endsWith('.csv')) continue;
      const lines = readFileSync(join(dataDir, cat, name), 'utf8')
        .trim()
        .split('\n')
        .slice(1);
      const times: number[] = [];
      const values: number[] = [];
      for (const l of lines) {
        const [t, v] = l.split(',');
        times.push(parseTimestamp(t ?? ''));
        values.push(Number(v));
      }
      files.push({ key: `${cat}/${name}`, times, values });
    }
  }
  return files;
}

/** Runs the detectors over the files with one global tuning and scores them in process. */
export async function scoreInProcess(
  files: NabFile[],
  tuning: Partial<Tuning>,
  extra: Partial<DetectorOptions> = {},
): Promise<{ scores: NabScores; perFile: Record<string, number> }> {
  const scorer = (await import(join(NAB_DIR, 'score.mjs'))) as Scorer;
  const windows = scorer.loadWindows(join(NAB_DIR, 'labels', 'combined_windows.json'));
  const entries = files.map((f) => {
    const r = runBacktest(
      f.times.map((ts, i) => ({ ts, value: f.values[i] as number })),
      { ...extra, kind: 'auto', tuning },
    );
    return { key: f.key, times: f.times.map((t) => t * 1000), scores: r.scores, windows: windows[f.key] };
  });
  const res = scorer.scoreCorpus(entries, { perFile: true });
  const p = res.profiles;
  const perFile: Record<string, number> = {};
  const pf = p.standard?.perFile as Array<{ key: string; score: number }> | Record<string, number> | undefined;
  if (Array.isArray(pf)) for (const x of pf) perFile[x.key] = x.score;
  return {
    scores: {
      standard: p.standard?.score ?? 0,
      reward_low_FP_rate: p.reward_low_FP_rate?.score ?? 0,
      reward_low_FN_rate: p.reward_low_FN_rate?.score ?? 0,
    },
    perFile,
  };
}
