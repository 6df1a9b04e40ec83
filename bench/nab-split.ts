/**
 * @module NAB generalisation check (by hand): the three profile scores on dev, and the standard
 * score on the even- and odd-numbered files and on dev without realTweets. A change is kept only
 * if it holds or improves the standard score on every subset.
 *   node --import tsx bench/nab-split.ts
 */
import { loadNab, scoreInProcess } from './nab-lib.js';

const files = loadNab();
const all = await scoreInProcess(files, {});
const even = await scoreInProcess(
  files.filter((_, i) => i % 2 === 0),
  {},
);
const odd = await scoreInProcess(
  files.filter((_, i) => i % 2 === 1),
  {},
);
const noTweets = await scoreInProcess(
  files.filter((f) => !f.key.startsWith('realTweets/')),
  {},
);
const f1 = (v: number) => v.toFixed(2);
console.log(
  `${(process.env.TAG ?? '').padEnd(24)} std ${f1(all.scores.standard)} lowFP ${f1(all.scores.reward_low_FP_rate)} lowFN ${f1(all.scores.reward_low_FN_rate)} | even ${f1(even.scores.standard)} odd ${f1(odd.scores.standard)} noTw ${f1(noTweets.scores.standard)}`,
);
if (process.env.PERFILE) for (const [k, v] of Object.entries(all.perFile)) console.log(`  ${k.padEnd(60)} ${v.toFixed(2)}`);
