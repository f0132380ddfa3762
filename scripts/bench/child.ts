import { GcWatch, measureBreakdown, measurePipeline } from './stages.js';
import { limitHeapGrowth } from '../../src/cli/heap.js';

// The same heap settings as the nhiscan command.
limitHeapGrowth();

/** `node child.js pipeline|breakdown DIR`: one measurement in a fresh process, JSON on stdout. */
const [mode, dir] = process.argv.slice(2);
if ((mode !== 'pipeline' && mode !== 'breakdown') || !dir) {
  process.stderr.write('usage: child.js pipeline|breakdown DIR\n');
  process.exitCode = 2;
} else {
  const gc = mode === 'pipeline' ? new GcWatch() : undefined;
  const report = mode === 'pipeline' ? measurePipeline(dir) : measureBreakdown(dir);
  if (gc && report.scanWindowMs) report.scanGc = await gc.pauses(...report.scanWindowMs);
  delete report.scanWindowMs;
  process.stdout.write(JSON.stringify(report) + '\n');
}
