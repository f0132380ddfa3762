import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { vi } from 'vitest';
import { buildProgram, handleError } from '../../src/cli/main.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoDir, readSnapshotDir } from '../../src/cli/io.js';
import { scanSnapshot, type ScanResult } from '../../src/scan.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { allRules } from '../../rules/index.js';
import type { Finding } from '../../src/engine/types.js';
import type { ScanReport } from '../../src/report/types.js';

export const DEMO_NOW = new Date('2026-11-20T09:00:00Z');

/** Scans a snapshot folder (the bundled demo by default) with every shipped rule. */
export function scanDir(dir = demoDir(), now = DEMO_NOW): ScanResult {
  return scanSnapshot(readSnapshotDir(dir), { now, config: DEFAULT_CONFIG, rules: allRules, version: '0.0.0-test' });
}

/** A throwaway copy of the demo snapshot that a test may edit. */
export function copyDemo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nhiscan-ci-'));
  const snap = join(dir, 'snapshot');
  cpSync(demoDir(), snap, { recursive: true });
  return snap;
}

/** Edits a JSON file in place. */
export function editJson(file: string, edit: (value: any) => void): void {
  const v = JSON.parse(readFileSync(file, 'utf8'));
  edit(v);
  writeFileSync(file, JSON.stringify(v, null, 2));
}

export const LEGACY_APP_ID = '521b7fa3-4460-40d3-a6b0-1a5287a47071';
export const LEGACY_SP_ID = 'c808fcb1-fee2-48fe-8a05-cac58233ce37';
export const SHADOW_SP_ID = '5a3d0c9e-7b1f-4c2a-9e8d-1f2a3b4c5d6e';

/**
 * Adds a risky object to a demo copy: "Shadow Sync", a clone of the ownerless Legacy
 * Provisioning Sync app (long-lived client secret, no owner) under new ids.
 */
export function addShadowApp(snap: string): void {
  editJson(join(snap, 'entra/applications.json'), (doc) => {
    const src = doc.value.find((a: any) => a.id === LEGACY_APP_ID);
    doc.value.push({
      ...structuredClone(src),
      id: '0b9c8d7e-6f5a-4b3c-8d2e-1f0a9b8c7d6e',
      appId: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
      displayName: 'Shadow Sync',
      passwordCredentials: [{ ...src.passwordCredentials[0], keyId: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a', displayName: 'shadow' }],
    });
  });
  editJson(join(snap, 'entra/servicePrincipals.json'), (doc) => {
    const src = doc.value.find((s: any) => s.id === LEGACY_SP_ID);
    doc.value.push({
      ...structuredClone(src),
      id: SHADOW_SP_ID,
      appId: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
      appDisplayName: 'Shadow Sync',
      displayName: 'Shadow Sync',
      servicePrincipalNames: ['3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f'],
    });
  });
  // As the collector writes it: the new app and SP have entries (empty: no owner, no federated
  // credential) in the per-object files. Absent, they would be "not read" (docs/snapshot-format.md).
  editJson(join(snap, 'entra/federatedIdentityCredentials.json'), (doc) => {
    doc['0b9c8d7e-6f5a-4b3c-8d2e-1f0a9b8c7d6e'] = [];
  });
  editJson(join(snap, 'entra/applicationOwners.json'), (doc) => {
    doc['0b9c8d7e-6f5a-4b3c-8d2e-1f0a9b8c7d6e'] = [];
  });
  editJson(join(snap, 'entra/servicePrincipalOwners.json'), (doc) => {
    doc[SHADOW_SP_ID] = [];
  });
}

let seq = 0;
/** A minimal finding for reporter tests; override what the test is about. */
export function finding(over: Partial<Finding> & { name?: string } = {}): Finding {
  seq++;
  const { name, ...rest } = over;
  return {
    ruleId: 'entra-secret-long-lived',
    title: 'Client secret lives longer than allowed',
    severity: 'high',
    baseSeverity: 'medium',
    tier: 3,
    owasp: ['NHI7:2025'],
    provider: 'entra',
    subject: { id: `entra:t1:sp:${seq}`, name: name ?? `App ${seq}`, type: 'entra-service-principal', scope: 't1', nativeId: `${seq}` },
    messageId: 'long',
    message: `${name ?? `App ${seq}`} has a secret valid for 730 days`,
    args: {},
    evidence: {},
    remediation: 'Rotate the secret and cap its lifetime.',
    fingerprint: seq.toString(16).padStart(32, '0'),
    ...rest,
  };
}

/** A minimal report around the given findings. */
export function report(findings: Finding[], over: Partial<ScanReport> = {}): ScanReport {
  return {
    schemaVersion: '1.0.0',
    tool: { name: 'nhiscan', version: '0.0.0-test' },
    scannedAt: DEMO_NOW.toISOString(),
    snapshot: { source: 'test', collectedAt: DEMO_NOW.toISOString() },
    scopes: [{ provider: 'entra', id: 't1' }],
    coverage: [],
    summary: {
      identities: 0,
      nodes: 0,
      edges: 0,
      findings: findings.length,
      bySeverity: { critical: 0, high: findings.length, medium: 0, low: 0, info: 0 },
      byProvider: {},
      byOwasp: {},
      byStrength: { none: 0, 'shared-secret': 0, 'private-key': 0, federated: 0 },
      byTier: { T0: 0, T1: 0, T2: 0, T3: 0, T4: 0 },
    },
    rules: [],
    findings,
    identities: [],
    warnings: [],
    ...over,
  };
}

/** Runs the CLI in-process as bin/nhiscan.js would; returns the exit code and stderr. */
export async function cliInProcess(...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr += String(s);
    return true;
  });
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  process.exitCode = undefined;
  try {
    await buildProgram().parseAsync(['node', 'nhiscan', ...args]);
  } catch (e) {
    process.exitCode = handleError(e, false);
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stderr };
}
