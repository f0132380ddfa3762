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

/** Demo story 15: the AWS Dev Console enterprise app (object ids), which signs svc-backup in to entra-dev-admin in AWS dev by SAML. */
export const DEMO_STORY15_APP = { app: '3f6a1c2e-8b4d-4e7f-a1c3-5d9e2b7f4a06', appId: 'a7c3e9f1-2b5d-4c8e-9f1a-3d6b8e0c2f47', sp: 'b2d4f6a8-1c3e-4a5b-9d7f-0e2c4a6b8d13' };
const STORY15_ACCOUNT = '444455556666';
const STORY15_ROLE = `arn:aws:iam::${STORY15_ACCOUNT}:role/entra-dev-admin`;
const STORY15_PROVIDER = `arn:aws:iam::${STORY15_ACCOUNT}:saml-provider/EntraID`;

/**
 * The demo without story 15 (every trace of the AWS Dev Console app and of what it signs in to), for
 * tests that add an Entra AWS SAML app of their own and mean it to be the only one naming the
 * EntraID provider and the only route from svc-backup into AWS dev.
 */
export function withoutDemoAwsApp(s: Snapshot = demoSnapshot()): Snapshot {
  type Json = Record<string, unknown>;
  const app = DEMO_STORY15_APP;
  const list = (rel: string) => s.files[rel] as { value: Json[] };
  const drop = (rel: string, keep: (x: Json) => boolean) => (list(rel).value = list(rel).value.filter(keep));
  drop('entra/servicePrincipals.json', (x) => x.id !== app.sp);
  drop('entra/applications.json', (x) => x.id !== app.app);
  drop('entra/appRoleAssignments.json', (x) => x.resourceId !== app.sp);
  drop('entra/servicePrincipalSignInActivities.json', (x) => x.appId !== app.appId);
  for (const [rel, key] of [
    ['entra/applicationOwners.json', app.app],
    ['entra/servicePrincipalOwners.json', app.sp],
    ['entra/federatedIdentityCredentials.json', app.app],
  ]) delete (s.files[rel] as Json)[key];
  const details = s.files[`aws/${STORY15_ACCOUNT}/authorization-details.json`] as { RoleDetailList: Json[]; Policies: Json[] };
  details.RoleDetailList = details.RoleDetailList.filter((x) => x.Arn !== STORY15_ROLE);
  details.Policies = details.Policies.filter((x) => x.PolicyName !== 'AdministratorAccess');
  const roles = s.files[`aws/${STORY15_ACCOUNT}/list-roles.json`] as { Roles: Json[] };
  roles.Roles = roles.Roles.filter((x) => x.Arn !== STORY15_ROLE);
  s.files[`aws/${STORY15_ACCOUNT}/saml-providers.json`] = (s.files[`aws/${STORY15_ACCOUNT}/saml-providers.json`] as Json[]).filter((x) => x.Arn !== STORY15_PROVIDER);
  return s;
}
