import type { AnswerThread } from '../connectors/aws/answer-pool.js';
import type { CoverageRecord, ProviderName } from './types.js';

/** A snapshot in memory: the manifest and the raw provider files, keyed by relative path. */
export interface Snapshot {
  manifest: Manifest;
  /** JSON files hold parsed values; CSV files hold strings. */
  files: Record<string, unknown>;
  /** Where it came from, for messages (a folder path, `demo`, or `live`). */
  source: string;
  /**
   * Not data: the AWS policy answers being computed on a second thread since the folder was read
   * (readSnapshotDir with `awsAnswerThread`). The AWS transform takes them when it gets there.
   */
  awsAnswers?: AnswerThread;
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

/** The manifest's coverage record for one capability of one scope (or of `*`), if it has one. */
export function coverageEntry(
  snapshot: Snapshot,
  provider: ProviderName,
  scope: string,
  capability: string,
): CoverageRecord | undefined {
  return snapshot.manifest.coverage.find(
    (c) => c.provider === provider && c.capability === capability && (c.scope === scope || c.scope === '*'),
  );
}

/**
 * Coverage for one capability: the manifest's record when there is one; otherwise `collected`
 * when every one of its files is present and `not-collected` when any is absent. A capability
 * carried by two files (role definitions + role assignments, owners of apps + owners of SPs) is
 * not evidence of absence when only one of them was read. The collectors always write a
 * manifest record, so this fallback only decides for hand-built snapshots.
 */
export function capabilityCoverage(
  snapshot: Snapshot,
  provider: ProviderName,
  scope: string,
  capability: string,
  files: string[],
): CoverageRecord {
  const rec = coverageEntry(snapshot, provider, scope, capability);
  if (rec) return { ...rec, scope };
  const missing = files.filter((f) => !(f in snapshot.files));
  if (missing.length === 0) return { provider, scope, capability, status: 'collected' };
  const reason =
    missing.length === files.length
      ? `no ${files.join(' / ')} in the snapshot`
      : `no ${missing.join(' / ')} in the snapshot (only ${files.filter((f) => !missing.includes(f)).join(' / ')} was read)`;
  return { provider, scope, capability, status: 'not-collected', reason };
}
