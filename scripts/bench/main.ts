import { spawnSync } from 'node:child_process';
import { YOUNG_GENERATION_FLAGS } from '../../src/cli/node-flags.js';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeSnapshot } from '../gen/generate.js';
import { repoRoot } from '../gen/aws-managed.js';
import type { StageReport } from './stages.js';
import type { BenchResult } from './main-types.js';
import { resultsDocument } from './results-doc.js';

export type { BenchResult };


const here = dirname(fileURLToPath(import.meta.url));
const CHILD = join(here, 'child.js');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function runChild(mode: 'pipeline' | 'breakdown', dir: string, profileDir?: string, heapMb?: number): StageReport {
  // The Node flags `nhiscan` runs with (bin/nhiscan.js re-starts Node with them); --max-old-space
  // MB raises the heap limit to measure an estate that would not fit.
  const flags: string[] = [...YOUNG_GENERATION_FLAGS, ...(heapMb ? [`--max-old-space-size=${heapMb}`] : [])];
  // Node's default profile names, one file per thread: with one fixed --cpu-prof-name, the AWS
  // answer thread (100,000 identities) and the main thread wrote the same file, and whichever
  // ended last was kept (the pipeline profile of the 100k estate held the answer thread's).
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const threadDir = profileDir ? mkdtempSync(join(profileDir, `${mode}-`)) : undefined;
  if (threadDir) flags.push('--cpu-prof', `--cpu-prof-dir=${threadDir}`);
  const r = spawnSync(process.execPath, [...flags, CHILD, mode, dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (threadDir) keepProfiles(threadDir, profileDir!, mode);
  if (r.status !== 0) throw new Error(`${mode} run on ${dir} failed (exit ${r.status ?? r.signal}): ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as StageReport;
}

/**
 * Names the profiles Node wrote (`CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile`) by mode and
 * thread: the main thread's (tid 0) as `<mode>.cpuprofile`, each worker's as
 * `<mode>.thread-<tid>.cpuprofile`.
 */
function keepProfiles(threadDir: string, profileDir: string, mode: string): void {
  for (const f of readdirSync(threadDir)) {
    const tid = /^CPU\.\d+\.\d+\.\d+\.(\d+)\.\d+\.cpuprofile$/.exec(f)?.[1];
    if (tid === undefined) continue;
    renameSync(join(threadDir, f), join(profileDir, tid === '0' ? `${mode}.cpuprofile` : `${mode}.thread-${tid}.cpuprofile`));
  }
  rmSync(threadDir, { recursive: true, force: true });
}

function benchSize(n: number, seed: string, runs: number, keep: boolean, profileDir?: string, heapMb?: number): BenchResult {
  const dir = mkdtempSync(join(tmpdir(), `nhiscan-bench-${n}-`));
  try {
    process.stderr.write(`[${n}] generating into ${dir} ...\n`);
    const gen = writeSnapshot(dir, { identities: n, seed });
    const pipeline: StageReport[] = [];
    const breakdown: StageReport[] = [];
    for (let i = 0; i < runs; i++) {
      process.stderr.write(`[${n}] run ${i + 1}/${runs}\n`);
      const prof = profileDir && i === 0 ? join(profileDir, String(n)) : undefined;
      breakdown.push(runChild('breakdown', dir, prof, heapMb));
      pipeline.push(runChild('pipeline', dir, prof, heapMb));
    }
    for (const [format, why] of Object.entries(pipeline[0].skipped)) process.stderr.write(`[${n}] render ${format} skipped: ${why}\n`);
    const stages: Record<string, number> = {};
    for (const name of Object.keys(breakdown[0].stages)) stages[name] = median(breakdown.map((b) => b.stages[name]));
    for (const name of Object.keys(pipeline[0].stages)) stages[name] = median(pipeline.map((p) => p.stages[name]));
    const totals = pipeline.map((p) => Object.values(p.stages).reduce((a, b) => a + b, 0));
    // The offline scan the targets speak of: read, transform and graph, analysis, all rules and paths.
    const scans = pipeline.map((p) => p.stages.read + p.stages.scan);
    const last = pipeline[pipeline.length - 1];
    return {
      identities: n,
      scannedIdentities: last.identities,
      nodes: last.nodes,
      edges: last.edges,
      findings: last.findings,
      runs,
      totalSeconds: round(median(totals)),
      scanSeconds: round(median(scans)),
      scanRunsSeconds: scans.map(round),
      scanCpuSeconds: round(median(pipeline.map((p) => p.scanCpuSeconds ?? 0))),
      scanPageFaults: Math.round(median(pipeline.map((p) => p.scanPageFaults ?? 0))),
      scanGc: {
        scavenges: Math.round(median(pipeline.map((p) => p.scanGc?.scavenges ?? 0))),
        scavengeSeconds: round(median(pipeline.map((p) => p.scanGc?.scavengeSeconds ?? 0))),
        fulls: Math.round(median(pipeline.map((p) => p.scanGc?.fulls ?? 0))),
        fullSeconds: round(median(pipeline.map((p) => p.scanGc?.fullSeconds ?? 0))),
      },
      peakRssMb: Math.round(Math.max(...pipeline.map((p) => p.peakRssMb))),
      stages: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round(v)])),
      snapshotMb: Math.round(gen.bytes / 1e5) / 10,
      seed,
      managedPolicies: gen.managedPolicies,
    };
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

function table(results: BenchResult[]): string {
  const stageNames = [...new Set(results.flatMap((r) => Object.keys(r.stages)))];
  const head = ['identities', 'edges', 'total s', 'read+scan s', 'runs', 'cpu s', 'faults', 'gc s', 'peak MB', ...stageNames];
  const rows = results.map((r) => [String(r.identities), String(r.edges), r.totalSeconds.toFixed(2), r.scanSeconds.toFixed(2), r.scanRunsSeconds.map((x) => x.toFixed(1)).join('/'), r.scanCpuSeconds.toFixed(2), String(r.scanPageFaults), (r.scanGc.scavengeSeconds + r.scanGc.fullSeconds).toFixed(2), String(r.peakRssMb), ...stageNames.map((s) => (r.stages[s] === undefined ? '-' : r.stages[s].toFixed(2)))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

function main(): number {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1000,10000,100000' },
      runs: { type: 'string' },
      seed: { type: 'string', default: 'bench' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      'max-old-space': { type: 'string' },
    },
    strict: true,
  });
  const sizes = values.sizes!.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 50)) {
    process.stderr.write('--sizes must be integers of at least 50, comma-separated\n');
    return 2;
  }
  const out = values.out ?? join(repoRoot(), 'bench', 'results.json');
  const results: BenchResult[] = [];
  for (const n of sizes) {
    // Medians of three at every size: on a shared VM one run of the largest estate can be 30% off.
    const runs = values.runs ? Number(values.runs) : 3;
    results.push(benchSize(n, values.seed!, runs, values.keep!, values['cpu-prof'], values['max-old-space'] ? Number(values['max-old-space']) : undefined));
  }
  process.stdout.write(table(results) + '\n');
  const previous = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
  const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), os: `${platform()} ${release()}` };
  const doc = resultsDocument(results, machine, process.version, previous);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
  process.stdout.write(`growth 10k -> 100k: ${doc.growth10kTo100k ?? 'n/a'}x total, ${doc.scanGrowth10kTo100k ?? 'n/a'}x read + scan; written to ${out}\n`);
  return 0;
}

process.exitCode = main();
