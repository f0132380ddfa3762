import type { CoverageRecord, ProviderName } from './types.js';

/** A snapshot in memory: the manifest and the raw provider files, keyed by relative path. */
export interface Snapshot {
  manifest: Manifest;
  /** JSON files hold parsed values; CSV files hold strings. */
  files: Record<string, unknown>;
  /** Where it came from, for messages (a folder path, `demo`, or `live`). */
  source: string;
}

export interface Manifest {
  schemaVersion: 1;
  tool?: string;
  collectedAt: string;
  providers: {
    entra?: { tenantId: string; displayName?: string };
    okta?: { orgUrl: string; displayName?: string };
    aws?: { accounts: { accountId: string; alias?: string }[] };
  };
  coverage: CoverageRecord[];
  warnings?: string[];
}

/** Files of one provider (and, for AWS, one account folder) present in the snapshot. */
export function filesUnder(snapshot: Snapshot, prefix: string): string[] {
  return Object.keys(snapshot.files)
    .filter((p) => p.startsWith(prefix))
    .sort();
}

/**
 * Coverage for one capability: the manifest's record when there is one; otherwise `collected`
 * when any of its files is present and `not-collected` when none is.
 */
export function capabilityCoverage(
  snapshot: Snapshot,
  provider: ProviderName,
  scope: string,
  capability: string,
  files: string[],
): CoverageRecord {
  const rec = snapshot.manifest.coverage.find(
    (c) => c.provider === provider && c.capability === capability && (c.scope === scope || c.scope === '*'),
  );
  if (rec) return { ...rec, scope };
  const present = files.some((f) => f in snapshot.files);
  return present
    ? { provider, scope, capability, status: 'collected' }
    : { provider, scope, capability, status: 'not-collected', reason: `no ${files.join(' / ')} in the snapshot` };
}
