// The speed targets for runs already made: prints the section every
// new report carries (lib/targets.ts), for each results JSON named.
//
//   node --import tsx bench/targets.ts bench/results/2026-12-08T03-10.json [...]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Median } from './lib/report.ts';
import type { Run } from './lib/measure.ts';
import { peakOf, targetRows, targetsApply, targetsMarkdown } from './lib/targets.ts';

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: node --import tsx bench/targets.ts <results.json> [...]');
  process.exit(2);
}
for (const file of files) {
  const { medians, runs, options } = JSON.parse(readFileSync(file, 'utf8')) as {
    medians: Median[];
    runs: Run[];
    options: { size: string };
  };
  console.log(`# ${basename(file)}\n`);
  if (!targetsApply(options.size, medians))
    console.log(`(not a run the targets speak of: ${options.size} data, or no Switchyard on Postgres)\n`);
  else console.log(targetsMarkdown(targetRows(medians, peakOf(runs))).join('\n'));
}
