import { describe, expect, it } from 'vitest';
import { constants, performance, type PerformanceEntry } from 'node:perf_hooks';
import { GcWatch, gcPauses } from '../../scripts/bench/stages.js';

const entry = (kind: number, startTime: number, duration: number) => ({ name: 'gc', entryType: 'gc', startTime, duration, detail: { kind, flags: 0 } }) as unknown as PerformanceEntry;

describe('bench: main-thread GC pauses', () => {
  it('sums scavenges and full collections (with incremental marking) that start inside the window', () => {
    const { NODE_PERFORMANCE_GC_MINOR: MINOR, NODE_PERFORMANCE_GC_MAJOR: MAJOR, NODE_PERFORMANCE_GC_INCREMENTAL: INCR, NODE_PERFORMANCE_GC_WEAKCB: WEAK } = constants;
    const entries = [
      entry(MINOR, 5, 100), // before the window
      entry(MINOR, 10, 80),
      entry(MINOR, 20, 40),
      entry(MAJOR, 30, 500),
      entry(INCR, 31, 25),
      entry(WEAK, 32, 7), // weak callbacks: neither kind
      entry(MAJOR, 60, 900), // after it
    ];
    const p = gcPauses(entries, 10, 50);
    expect(p.scavenges).toBe(2);
    expect(p.scavengeSeconds).toBeCloseTo(0.12, 9);
    expect(p.fulls).toBe(1);
    expect(p.fullSeconds).toBeCloseTo(0.525, 9);
  });

  it('sees the scavenges of synchronous work once asked afterwards', async () => {
    const watch = new GcWatch();
    const from = performance.now();
    // Young-generation garbage, far more than a semi-space holds.
    // A ring of recent objects, so that none can be optimised away.
    const ring: { i: number; s: string }[] = new Array(1000);
    for (let i = 0; i < 3_000_000; i++) ring[i % 1000] = { i, s: `x${i}` };
    const to = performance.now();
    const p = await watch.pauses(from, to);
    expect(ring[999].i).toBe(2_999_999);
    expect(p.scavenges).toBeGreaterThan(0);
    expect(p.scavengeSeconds).toBeGreaterThan(0);
  });
});
