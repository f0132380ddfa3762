import { describe, expect, it } from 'vitest';
import { limitHeapGrowth, narrowHeapGrowth } from '../../src/cli/heap.js';
import { readSnapshotDir, demoDir } from '../../src/cli/io.js';
import { scanSnapshot } from '../../src/scan.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { allRules } from '../../rules/index.js';

describe('limitHeapGrowth', () => {
  it('sets the heap growth factor unless the user gave Node one (flag or NODE_OPTIONS, either spelling)', () => {
    expect(limitHeapGrowth([], '')).toBe(true);
    expect(limitHeapGrowth(['--max-old-space-size=4096'], '--enable-source-maps')).toBe(true);
    expect(limitHeapGrowth(['--heap-growing-percent=30'], '')).toBe(false);
    expect(limitHeapGrowth([], '--heap_growing_percent=200')).toBe(false);
  });
});

describe('narrowHeapGrowth', () => {
  it('narrows the factor only when the scan chose it, never over a factor the user gave', () => {
    limitHeapGrowth(['--heap-growing-percent=30'], '');
    expect(narrowHeapGrowth()).toBe(false);
    limitHeapGrowth([], '');
    expect(narrowHeapGrowth()).toBe(true);
  });

  it('is called by the scan once, when the graph is built', () => {
    const snapshot = readSnapshotDir(demoDir());
    const calls: number[] = [];
    const { report } = scanSnapshot(snapshot, { now: new Date(snapshot.manifest.collectedAt), config: DEFAULT_CONFIG, rules: allRules, version: 'test', afterGraph: () => void calls.push(calls.length) });
    expect(calls).toEqual([0]);
    expect(report.summary.findings).toBeGreaterThan(0);
  });
});
