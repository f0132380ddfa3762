import type { BenchResult } from './main-types.js';

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** What `bench/results.json` holds besides the rows: where they were measured and what they add up to. */
export interface MachineInfo {
  cpus: number;
  model: string;
  memoryGb: number;
  os: string;
}

/**
 * The `bench/results.json` document for this run's rows. The growth ratios come from these rows
 * only: a ratio kept from an earlier run would sit beside results it was not computed from
 * (`--sizes 1000,10000` measures no growth, and says so with null). The collection block is the
 * one thing kept from `previous`: `npm run bench:collect` measures it apart and writes it there.
 */
export function resultsDocument(results: BenchResult[], machine: MachineInfo, node: string, previous: Record<string, unknown>) {
  const r10 = results.find((r) => r.identities === 10_000);
  const r100 = results.find((r) => r.identities === 100_000);
  return {
    results,
    machine,
    node,
    growth10kTo100k: r10 && r100 ? round(r100.totalSeconds / r10.totalSeconds) : null,
    scanGrowth10kTo100k: r10 && r100 ? round(r100.scanSeconds / r10.scanSeconds) : null,
    targets: { seconds100k: 10, peakRssMb100k: 2048, growth10kTo100k: 12 },
    collection: previous.collection ?? null,
  };
}
