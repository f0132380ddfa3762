import { readSnapshotDir } from '../../src/cli/io.js';
import { buildGraph, scanSnapshot } from '../../src/scan.js';
import { analyze } from '../../src/analysis/analyze.js';
import { runRules } from '../../src/engine/run.js';
import { FORMATS, renderChunks } from '../../src/reporters/index.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { allRules } from '../../rules/index.js';
import { timed } from '../../src/timings.js';
import { narrowHeapGrowth } from '../../src/cli/heap.js';
import { collectedAtMs } from '../../src/snapshot/snapshot.js';
import { constants, performance, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

/** What one measurement child reports (seconds; RSS in MB). */
export interface StageReport {
  mode: 'pipeline' | 'breakdown';
  stages: Record<string, number>;
  identities: number;
  nodes: number;
  edges: number;
  findings: number;
  peakRssMb: number;
  /** CPU seconds (user + system, every thread of the process, GC helpers included) of read + scan; pipeline only. */
  scanCpuSeconds?: number;
  /** Minor page faults (memory touched for the first time) of read + scan, the whole process; pipeline only. */
  scanPageFaults?: number;
  /**
   * Main-thread garbage-collection pauses of read + scan (seconds; pipeline only, filled in by
   * the child from {@link GcWatch}): scavenges of the young generation, and the full (mark-compact)
   * collections with their incremental marking steps. The answer thread's own are not counted.
   */
  scanGc?: GcPauses;
  /** performance.now() at the start and end of read + scan, for {@link GcWatch.pauses}; not printed. */
  scanWindowMs?: [number, number];
  /** Formats the reporters module does not offer yet, with the error they gave. */
  skipped: Record<string, string>;
}


const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

/** Main-thread GC pauses, by kind: count and seconds. */
export interface GcPauses {
  scavenges: number;
  scavengeSeconds: number;
  /** Mark-compact collections; `fullSeconds` also counts their incremental marking steps. */
  fulls: number;
  fullSeconds: number;
}

/**
 * Records this thread's garbage-collection pauses (perf_hooks `gc` entries). Node delivers the
 * entries only when the event loop turns, so a synchronous measurement asks for them afterwards,
 * by the window it ran in.
 */
export class GcWatch {
  private readonly entries: PerformanceEntry[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    this.entries.push(...list.getEntries());
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** The pauses that started in [from, to] (performance.now() milliseconds); stops watching. */
  async pauses(from: number, to: number): Promise<GcPauses> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.entries.push(...this.observer.takeRecords());
    this.observer.disconnect();
    return gcPauses(this.entries, from, to);
  }
}

/** Sums `gc` entries that started in [from, to] by kind (minor: scavenge; major and incremental: full). */
export function gcPauses(entries: readonly PerformanceEntry[], from: number, to: number): GcPauses {
  const out: GcPauses = { scavenges: 0, scavengeSeconds: 0, fulls: 0, fullSeconds: 0 };
  for (const e of entries) {
    if (e.startTime < from || e.startTime > to) continue;
    const kind = ((e as PerformanceEntry & { detail?: { kind?: number } }).detail)?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      out.scavenges++;
      out.scavengeSeconds += e.duration / 1000;
    } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      out.fulls++;
      out.fullSeconds += e.duration / 1000;
    } else if (kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) out.fullSeconds += e.duration / 1000;
  }
  return out;
}

/**
 * The real offline pipeline, as `nhiscan scan --snapshot` runs it: read, scanSnapshot (graph,
 * analysis, rules, identity summaries with their crown-jewel paths), then every report format.
 * Peak RSS of this process is the scan's peak memory.
 */
export function measurePipeline(dir: string): StageReport {
  const stages: Record<string, number> = {};
  const cpu0 = process.cpuUsage();
  const faults0 = process.resourceUsage().minorPageFault;
  const start = performance.now();
  const snapshot = timed(stages, 'read', () => readSnapshotDir(dir, { awsAnswerThread: true }));
  const now = new Date(collectedAtMs(snapshot.manifest));
  // As `nhiscan scan` does: only the report is kept for rendering, so the graph and the
  // analysis can be collected first.
  const { report } = timed(stages, 'scan', () => scanSnapshot(snapshot, { now, config: DEFAULT_CONFIG, rules: allRules, version: 'bench', releaseSnapshot: true, afterGraph: narrowHeapGrowth }));
  const result = { report };
  const end = performance.now();
  // CPU time is less sensitive than wall time to other tenants of a shared VM (steal time).
  const cpu = process.cpuUsage(cpu0);
  const scanCpuSeconds = (cpu.user + cpu.system) / 1e6;
  // On a VM each first touch of a page costs the host a fault (about 11 us on the development
  // machine: bench/HISTORY.md, thirtieth session): a count that moves with the memory the code
  // touches and far less with the machine's load than the times do.
  const scanPageFaults = process.resourceUsage().minorPageFault - faults0;
  const skipped: Record<string, string> = {};
  for (const format of FORMATS) {
    try {
      timed(stages, `render:${format}`, () => {
        // As the CLI writes it: in chunks, so reports larger than one V8 string still render.
        let bytes = 0;
        for (const c of renderChunks(format, result, { color: false })) bytes += c.length;
        return bytes;
      });
    } catch (e) {
      delete stages[`render:${format}`];
      skipped[format] = e instanceof Error ? e.message : String(e);
    }
  }
  const s = report.summary;
  return { mode: 'pipeline', stages, identities: s.identities, nodes: s.nodes, edges: s.edges, findings: s.findings, peakRssMb: peakRssMb(), scanCpuSeconds, scanPageFaults, scanWindowMs: [start, end], skipped };
}

/**
 * The same work split by module, on a fresh process: transform + graph build, analysis, the
 * crown-jewel path search from every identity (what the report does per identity), then rules.
 */
export function measureBreakdown(dir: string): StageReport {
  const stages: Record<string, number> = {};
  const snapshot = readSnapshotDir(dir, { awsAnswerThread: true });
  const now = new Date(collectedAtMs(snapshot.manifest));
  const steps: Record<string, number> = {};
  const graph = timed(stages, 'graph', () => buildGraph(snapshot, DEFAULT_CONFIG, { release: true, timings: steps }));
  Object.assign(stages, steps);
  narrowHeapGrowth();
  const analysis = timed(stages, 'analysis', () => analyze(graph, { now, config: DEFAULT_CONFIG }));
  // Paths before rules: the analysis caches each identity's paths, and rules ask for them too.
  const entries = graph.ofKind('identity').filter((n) => !n.firstParty);
  let paths = 0;
  timed(stages, 'paths', () => {
    for (const n of entries) paths += analysis.crownJewelPaths(n.id).length;
  });
  const enabled = allRules.filter((r) => !DEFAULT_CONFIG.disabledRules.includes(r.meta.id));
  const { findings } = timed(stages, 'rules', () => runRules(graph, analysis, enabled, { now, ruleOptions: DEFAULT_CONFIG.rules }));
  return { mode: 'breakdown', stages, identities: entries.length, nodes: graph.size, edges: graph.edgeCount, findings: findings.length, peakRssMb: peakRssMb(), skipped: {} };
}
