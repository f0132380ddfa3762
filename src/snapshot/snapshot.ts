import type { AnswerThread } from '../connectors/aws/answer-pool.js';
import type { CoverageRecord, ProviderName } from './types.js';
import { oktaOrigin } from '../graph/ids.js';
import { parseIsoInstant } from '../iso-date.js';

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
  /**
   * Not data: the file each snapshot path was read from, when that is not `source`/path (the
   * AWS CLI exports given by flag are filed under aws/<account>/), so that an error in one
   * names the file the user gave.
   */
  origins?: Record<string, string>;
  /**
   * Set (true) when the input records no collection time (an `--aws-authz-details` file): the
   * manifest's collectedAt is then the moment the scan is evaluated as of, and the report says
   * the file records none rather than give that moment as a collection time.
   */
  collectedAtUnknown?: true;
}

export interface Manifest {
  schemaVersion: 1;
  tool?: string;
  collectedAt: string;
  providers: {
    entra?: { tenantId: string; displayName?: string };
    okta?: { orgUrl: string; displayName?: string };
    /**
     * `accounts` may be left out (or null): the accounts are also the aws/<id>/ folders, and the
     * list adds their aliases. Read it as empty then.
     */
    aws?: { accounts?: { accountId: string; alias?: string }[] | null };
  };
  coverage: CoverageRecord[];
  warnings?: string[];
}

/**
 * When the snapshot was collected (its clock), in epoch milliseconds; NaN when collectedAt is not
 * a date. Read with the parser the manifest check uses: `new Date`/`Date.parse` refuse forms it
 * accepts (a comma before the fraction, a space before the zone), and would give an invalid date.
 */
export function collectedAtMs(manifest: Manifest): number {
  return typeof manifest.collectedAt === 'string' ? parseIsoInstant(manifest.collectedAt) : NaN;
}

/** Files of one provider (and, for AWS, one account folder) present in the snapshot. */
export function filesUnder(snapshot: Snapshot, prefix: string): string[] {
  return Object.keys(snapshot.files)
    .filter((p) => p.startsWith(prefix))
    .sort();
}

/**
 * The manifest's coverage record for one capability of one scope (or of `*`), if it has one. An
 * Okta scope is compared as its origin (the scope the transform uses): a record written
 * `https://acme.okta.com/` or with `:443` is still about that org, and ignoring it would turn a
 * capability the manifest says was not read into one judged from its files. An Entra scope is
 * compared without regard to letter case, for the same reason.
 */
export function coverageEntry(
  snapshot: Snapshot,
  provider: ProviderName,
  scope: string,
  capability: string,
): CoverageRecord | undefined {
  const coverage = snapshot.manifest.coverage;
  const index = coverageIndex(coverage);
  // The first record in manifest order, of the scope or of `*`.
  const own = index.byScope.get(`${provider}\n${capability}\n${scopeKey(provider, scope)}`);
  const every = index.everyScope.get(`${provider}\n${capability}`);
  const at = own === undefined ? every : every === undefined ? own : Math.min(own, every);
  return at === undefined ? undefined : coverage[at];
}

/**
 * How a scope is compared: an Okta scope as its origin; an Entra one without regard to letter case
 * (a tenant id is a GUID, or a domain name, case-insensitive either way: a record naming the tenant
 * in capitals is about it); an AWS account id (digits) as written.
 */
function scopeKey(provider: string, scope: string): string {
  return provider === 'okta' ? oktaOrigin(scope) : provider === 'entra' ? scope.toLowerCase() : scope;
}

interface CoverageIndex {
  length: number;
  /** `provider\ncapability\nscopeKey` -> the place of its first record. */
  byScope: Map<string, number>;
  /** `provider\ncapability` -> the place of its first record of scope `*`. */
  everyScope: Map<string, number>;
}

/**
 * The manifest's records by provider, capability and scope, made once per coverage list: each
 * transform asks for several capabilities of every scope, and a scan of the list per question
 * grew with the square of the scopes (an organization's thousands of accounts). Made again when
 * records were added since (the list is the manifest's own, which a caller may extend).
 */
const coverageIndexes = new WeakMap<readonly CoverageRecord[], CoverageIndex>();

function coverageIndex(coverage: readonly CoverageRecord[]): CoverageIndex {
  const kept = coverageIndexes.get(coverage);
  if (kept !== undefined && kept.length === coverage.length) return kept;
  const index: CoverageIndex = { length: coverage.length, byScope: new Map(), everyScope: new Map() };
  coverage.forEach((c, i) => {
    if (c.scope === '*') {
      const key = `${c.provider}\n${c.capability}`;
      if (!index.everyScope.has(key)) index.everyScope.set(key, i);
      return;
    }
    const key = `${c.provider}\n${c.capability}\n${scopeKey(c.provider, c.scope)}`;
    if (!index.byScope.has(key)) index.byScope.set(key, i);
  });
  coverageIndexes.set(coverage, index);
  return index;
}

/**
 * Coverage for one capability: the manifest's record when there is one; otherwise `collected`
 * when every one of its files is present and `not-collected` when any is absent. A capability
 * carried by two files (role definitions + role assignments, owners of apps + owners of SPs) is
 * not evidence of absence when only one of them was read. The collectors always write a
 * manifest record, so this fallback only decides for hand-built snapshots.
 *
 * A record of `collected` whose files are not all there (deleted, or not copied with the rest)
 * is not believed: the rules would otherwise read the absent file as "nothing there" and its
 * findings would vanish from a report that still says everything was read. The capability is
 * then an `error` naming the absent files, and `warn` says so once. `mayBeAbsent` lists files a
 * collector legitimately leaves out of a capability it read in full.
 */
export function capabilityCoverage(
  snapshot: Snapshot,
  provider: ProviderName,
  scope: string,
  capability: string,
  files: string[],
  warn: (message: string) => void,
  mayBeAbsent: readonly string[] = [],
): CoverageRecord {
  noteCapabilityFiles(snapshot, { provider, scope, capability, files });
  const rec = coverageEntry(snapshot, provider, scope, capability);
  const missing = files.filter((f) => !(f in snapshot.files));
  const lost = missing.filter((f) => !mayBeAbsent.includes(f));
  if (rec && rec.status === 'collected' && lost.length > 0) {
    const absent = `${lost.join(' / ')} ${lost.length === 1 ? 'is' : 'are'} not in the snapshot`;
    warn(`manifest.json records ${capability} (${scope}) as collected, but ${absent}; it counts as not read`);
    return { provider, scope, capability, status: 'error', reason: `recorded as collected, but ${absent}` };
  }
  if (rec) {
    // unreadKeys tells the transform which keys of a file not to read (entra.userManagers); the
    // report's coverage keeps to status and reason (docs/report.schema.json), which count them.
    const { unreadKeys: _unread, ...kept } = rec;
    return { ...kept, scope };
  }
  if (missing.length === 0) return { provider, scope, capability, status: 'collected' };
  const reason =
    missing.length === files.length
      ? `no ${files.join(' / ')} in the snapshot`
      : `no ${missing.join(' / ')} in the snapshot (only ${files.filter((f) => !missing.includes(f)).join(' / ')} was read)`;
  return { provider, scope, capability, status: 'not-collected', reason };
}

/** A capability as a transform asked for it, with every file it reads for it. */
export interface CapabilityFiles {
  provider: ProviderName;
  scope: string;
  capability: string;
  files: readonly string[];
}

/**
 * The capability each file was read under, per files object (copies of a snapshot made on the
 * way to the transforms share it): filled as the transforms ask capabilityCoverage, so that a
 * fault found in a file can be laid to the capability that read it (src/connectors/live-values.ts)
 * without a second table of which file belongs to what.
 */
const capabilityOfFile = new WeakMap<object, Map<string, CapabilityFiles>>();

function noteCapabilityFiles(snapshot: Snapshot, cap: CapabilityFiles): void {
  let byFile = capabilityOfFile.get(snapshot.files);
  if (byFile === undefined) capabilityOfFile.set(snapshot.files, (byFile = new Map()));
  for (const f of cap.files) byFile.set(f, cap);
}

/** The capability a transform read `file` under, if one did (see capabilityOfFile). */
export function capabilityOf(snapshot: Snapshot, file: string): CapabilityFiles | undefined {
  return capabilityOfFile.get(snapshot.files)?.get(file);
}
