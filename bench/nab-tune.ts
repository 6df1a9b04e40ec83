/**
 * @module Tuning sweep on NAB dev (not a benchmark: run by hand). Each argument is a JSON object of
 * global Tuning overrides; prints the three profile scores for each.
 *   node --import tsx bench/nab-tune.ts '{"thresholdBase":8}' '{"thresholdBase":12}'
 */
import { loadNab, scoreInProcess } from './nab-lib.js';

const files = loadNab();
for (const arg of process.argv.slice(2).length ? process.argv.slice(2) : ['{}']) {
  const t = JSON.parse(arg) as Record<string, number>;
  const { scores } = await scoreInProcess(files, t);
  console.log(
    `${arg.padEnd(60)} standard ${scores.standard.toFixed(1)}  lowFP ${scores.reward_low_FP_rate.toFixed(1)}  lowFN ${scores.reward_low_FN_rate.toFixed(1)}`,
  );
}
