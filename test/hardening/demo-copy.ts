import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allRules } from '../../rules/index.js';
import { readSnapshotDir } from '../../src/cli/io.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { InputError } from '../../src/errors.js';
import { scanSnapshot, type ScanResult } from '../../src/scan.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { repoRoot } from '../helpers/cli.js';

export const DEMO = join(repoRoot, 'fixtures', 'demo');
export const DEMO_NOW = new Date('2026-11-20T09:00:00Z');

/** A scratch folder removed by `cleanup`. */
export function scratch(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `nhiscan-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copies the demo snapshot to `dir/name` and returns that folder. */
export function copyDemo(parent: string, name: string): string {
  const dir = join(parent, name);
  cpSync(DEMO, dir, { recursive: true });
  return dir;
}

/**
 * A copy of the demo whose manifest records every capability as collected (and is right to: the
 * one report the demo's collector was refused is written, empty).
 */
export function copyDemoFullyCollected(parent: string, name: string): string {
  const dir = copyDemo(parent, name);
  const m = readJsonFile(dir, 'manifest.json');
  for (const c of m.coverage) {
    c.status = 'collected';
    delete c.reason;
  }
  writeJsonFile(dir, 'manifest.json', m);
  writeJsonFile(dir, 'entra/appCredentialSignInActivities.json', { value: [] });
  return dir;
}

export function readJsonFile(dir: string, rel: string): any {
  return JSON.parse(readFileSync(join(dir, rel), 'utf8'));
}

export function writeJsonFile(dir: string, rel: string, value: unknown): void {
  writeFileSync(join(dir, rel), JSON.stringify(value, null, 2));
}

/** The offline pipeline as `scan --snapshot` runs it, in-process. */
export function scanSnapshotDir(dir: string): ScanResult {
  return scanSnapshot(readSnapshotDir(dir), { now: DEMO_NOW, config: DEFAULT_CONFIG, rules: allRules, version: '0.0.0-test' });
}

export function scanInMemory(snapshot: Snapshot): ScanResult {
  return scanSnapshot(snapshot, { now: DEMO_NOW, config: DEFAULT_CONFIG, rules: allRules, version: '0.0.0-test' });
}

/** What a scan of a corrupted snapshot ended in: a report, or the one line the CLI would print. */
export type Outcome = { kind: 'report'; result: ScanResult } | { kind: 'input-error'; line: string };

/** Runs the scan; an InputError becomes its one line, anything else is rethrown (a crash). */
export function outcome(run: () => ScanResult): Outcome {
  try {
    return { kind: 'report', result: run() };
  } catch (e) {
    if (e instanceof InputError) return { kind: 'input-error', line: e.oneLine() };
    throw e;
  }
}

/** What a reviewer compares between two scans: which rule fired on what, at which severity. */
export function findingLines(r: Outcome): string[] {
  if (r.kind !== 'report') throw new Error(`expected a report, got: ${r.line}`);
  return r.result.report.findings.map((f) => `${f.ruleId} ${f.fingerprint} ${f.severity} ${f.message}`).sort();
}

/** The report of a scan of a snapshot folder that must not stop with an input error. */
export function reportOf(dir: string): ScanResult['report'] {
  const r = outcome(() => scanSnapshotDir(dir));
  if (r.kind !== 'report') throw new Error(`expected a report, got: ${r.line}`);
  return r.result.report;
}

/** Sets the status and reason of the manifest's record of one AWS capability of `account`. */
export function setAwsCoverage(dir: string, account: string, capability: string, status: string, reason: string): void {
  const m = readJsonFile(dir, 'manifest.json');
  const rec = m.coverage.find((c: any) => c.provider === 'aws' && c.scope === account && c.capability === capability);
  Object.assign(rec, { status, reason });
  writeJsonFile(dir, 'manifest.json', m);
}
