import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateSnapshot } from '../../scripts/gen/generate.js';

/*
 * The worker thread runs the compiled JavaScript (dist/), as the CLI does; `npm test` builds it
 * first. Under the test runner the sources have no worker file, so these tests load the
 * compiled modules.
 */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (rel: string) => pathToFileURL(join(repoRoot, 'dist', rel)).href;

type ScanModule = typeof import('../../src/scan.js');
type IoModule = typeof import('../../src/cli/io.js');
type ConfigModule = typeof import('../../src/config/types.js');
type RulesModule = typeof import('../../rules/index.js');

let dir: string;
let scan: ScanModule;
let io: IoModule;
let config: ConfigModule;
let rules: RulesModule;

beforeAll(async () => {
  expect(existsSync(join(repoRoot, 'dist', 'src', 'connectors', 'aws', 'answers-worker.js')), 'run npm run build first').toBe(true);
  scan = (await import(dist('src/scan.js'))) as ScanModule;
  io = (await import(dist('src/cli/io.js'))) as IoModule;
  config = (await import(dist('src/config/types.js'))) as ConfigModule;
  rules = (await import(dist('rules/index.js'))) as RulesModule;
  dir = mkdtempSync(join(tmpdir(), 'nhiscan-answers-'));
  generateSnapshot({ identities: 6000, seed: 'worker-test' }, (rel, content) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function report(parallel: 'always' | 'never', timings?: Record<string, number>): string {
  const snapshot = io.readSnapshotDir(dir);
  const now = new Date(snapshot.manifest.collectedAt);
  if (timings) scan.buildGraph(io.readSnapshotDir(dir), config.DEFAULT_CONFIG, { release: true, timings, parallel });
  const r = scan.scanSnapshot(snapshot, { now, config: config.DEFAULT_CONFIG, rules: rules.allRules, version: 'test', releaseSnapshot: true, parallel });
  return JSON.stringify(r.report);
}

describe('AWS policy answers computed on a worker thread', () => {
  it('give the same report, byte for byte, as computed on the main thread, and are really used', () => {
    const accounts = readdirSync(join(dir, 'aws'));
    expect(accounts.length).toBeGreaterThanOrEqual(2);
    const inline: Record<string, number> = {};
    const worker: Record<string, number> = {};
    const a = report('never', inline);
    const b = report('always', worker);
    expect(b).toBe(a);
    expect(JSON.parse(a).summary.findings).toBeGreaterThan(100);
    // The main thread asks the evaluator itself ('aws:answers') only without the worker.
    expect(inline['aws:answers']).toBeGreaterThan(0);
    expect(worker['aws:answers']).toBeUndefined();
  });

  it('are not used for a file that changed after the snapshot was read: the main thread answers for it', () => {
    const snapshot = io.readSnapshotDir(dir);
    const account = readdirSync(join(dir, 'aws')).sort()[0];
    const file = join(dir, 'aws', account, 'authorization-details.json');
    // Same content, new modification time: the worker cannot tell it is the same text.
    const later = new Date(Date.parse('2030-01-01T00:00:00Z'));
    utimesSync(file, later, later);
    const timings: Record<string, number> = {};
    scan.buildGraph(snapshot, config.DEFAULT_CONFIG, { release: true, timings, parallel: 'always' });
    expect(timings['aws:answers']).toBeGreaterThan(0);
  });
});
