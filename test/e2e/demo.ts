import { allRules } from '../../rules/index.js';
import { demoDir, readSnapshotDir } from '../../src/cli/io.js';
import { mergeResults } from '../../src/cli/live.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import type { Finding } from '../../src/engine/types.js';
import { scanSnapshot, type ScanResult } from '../../src/scan.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import type { CollectResult, ProviderName } from '../../src/snapshot/types.js';

/** The demo's collectedAt: both scans run at the same instant, so age-based rules agree. */
export const DEMO_NOW = new Date('2026-11-20T09:00:00Z');

/** Reads the bundled demo snapshot (fresh objects on every call; converters may keep references). */
export function demoSnapshot(): Snapshot {
  return readSnapshotDir(demoDir());
}

/** A demo file as parsed JSON (or CSV text), failing loudly when the demo lost it. */
export function demoFile<T = unknown>(snapshot: Snapshot, rel: string): T {
  if (!(rel in snapshot.files)) throw new Error(`demo snapshot has no ${rel}`);
  return snapshot.files[rel] as T;
}

/**
 * The demo reduced to some providers: only their files, manifest entries and coverage records.
 * This is what a live scan of those providers alone should reproduce.
 */
export function restrictDemo(snapshot: Snapshot, providers: readonly ProviderName[]): Snapshot {
  const keep = new Set<string>(providers);
  const files: Record<string, unknown> = {};
  for (const [rel, value] of Object.entries(snapshot.files)) if (keep.has(rel.split('/')[0])) files[rel] = value;
  const p = snapshot.manifest.providers;
  return {
    source: `${snapshot.source} (${providers.join('+')})`,
    files,
    manifest: {
      ...snapshot.manifest,
      providers: {
        ...(keep.has('entra') && p.entra ? { entra: p.entra } : {}),
        ...(keep.has('okta') && p.okta ? { okta: p.okta } : {}),
        ...(keep.has('aws') && p.aws ? { aws: p.aws } : {}),
      },
      coverage: snapshot.manifest.coverage.filter((c) => keep.has(c.provider)),
    },
  };
}

export function scan(snapshot: Snapshot): ScanResult {
  return scanSnapshot(snapshot, { now: DEMO_NOW, config: DEFAULT_CONFIG, rules: allRules, version: '0.0.0-e2e' });
}

/** Merges live results exactly as `nhiscan scan --entra --okta --aws` does, then scans. */
export function scanLive(results: CollectResult[]): { snapshot: Snapshot; scan: ScanResult } {
  const snapshot = mergeResults(results, DEMO_NOW);
  return { snapshot, scan: scan(snapshot) };
}

/**
 * `ruleId subjectId fingerprint severity`, sorted: readable in a failing diff, exact in a passing
 * one. The severity rides along because it depends on what else was collected (tiers, reach).
 */
export function fingerprints(findings: readonly Finding[]): string[] {
  return [...new Set(findings.map((f) => `${f.ruleId} ${f.subject.id} ${f.fingerprint} ${f.severity}`))].sort();
}

/** Findings of one rule, by subject id. */
export function findingsOf(findings: readonly Finding[], ruleId: string): Finding[] {
  return findings.filter((f) => f.ruleId === ruleId);
}

/** The demo's Okta org URL as its manifest writes it. */
export const DEMO_OKTA_ORG = 'https://northwind.okta.example';

/** The demo with its Okta org URL written another way (in the manifest and its coverage records). */
export function withOrgUrl(url: string): Snapshot {
  const s = demoSnapshot();
  s.manifest.providers.okta!.orgUrl = url;
  for (const c of s.manifest.coverage) if (c.provider === 'okta' && c.scope === DEMO_OKTA_ORG) c.scope = url;
  return s;
}
