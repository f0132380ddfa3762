import { describe, expect, it } from 'vitest';
import { resultsDocument } from '../../scripts/bench/results-doc.js';
import type { BenchResult } from '../../scripts/bench/main-types.js';

const row = (identities: number, totalSeconds: number, scanSeconds: number): BenchResult => ({
  identities,
  scannedIdentities: identities,
  nodes: 0,
  edges: 0,
  findings: 0,
  runs: 1,
  totalSeconds,
  scanSeconds,
  scanRunsSeconds: [scanSeconds],
  scanCpuSeconds: scanSeconds,
  scanPageFaults: 0,
  scanGc: { scavenges: 0, scavengeSeconds: 0, fulls: 0, fullSeconds: 0 },
  peakRssMb: 1,
  stages: {},
  snapshotMb: 0,
  seed: 'bench',
  managedPolicies: 'corpus',
});

const machine = { cpus: 2, model: 'test', memoryGb: 1, os: 'test' };

describe('bench/results.json document', () => {
  it('computes the growth ratios from this run\'s 10k and 100k rows', () => {
    const doc = resultsDocument([row(10_000, 2, 1.5), row(100_000, 15, 12)], machine, 'v20', {});
    expect(doc.growth10kTo100k).toBe(7.5);
    expect(doc.scanGrowth10kTo100k).toBe(8);
  });

  it('writes no growth ratio when the run lacks a size, instead of keeping an earlier one', () => {
    const previous = { growth10kTo100k: 7.68, scanGrowth10kTo100k: 7.1, collection: { entra: 1 } };
    const doc = resultsDocument([row(1_000, 0.5, 0.4), row(10_000, 2, 1.5)], machine, 'v20', previous);
    expect(doc.growth10kTo100k).toBeNull();
    expect(doc.scanGrowth10kTo100k).toBeNull();
    // The collection block is measured apart (npm run bench:collect) and kept.
    expect(doc.collection).toEqual({ entra: 1 });
  });
});
