import type { CoverageRecord } from '../snapshot/types.js';
import type { Finding, RuleStats, Severity } from '../engine/types.js';
import type { ScopeInfo, StrengthClass, Tier } from '../graph/model.js';
import type { Autonomy, CrownJewelPath } from '../analysis/types.js';
import type { HeldPrivileges } from './privileges.js';

/** Version of the JSON report envelope (docs/report.schema.json). Bump on breaking changes. */
export const REPORT_SCHEMA_VERSION = '1.9.0';

export interface ProviderSummary {
  /** The provider's machine identities, possible service accounts not included. */
  identities: number;
  evaluated: number;
  failing: number;
  unknown: number;
  findings: number;
  /** The provider's share of `summary.possibleIdentities`; absent when it has none. */
  possibleIdentities?: number;
}

/**
 * One machine identity, as the recertification sheet and `explain` see it, or a user that may be
 * one (`possibleServiceAccount`), listed so that the review sees it.
 */
export interface IdentitySummary {
  id: string;
  provider: string;
  type: string;
  name: string;
  nativeId: string;
  scope: string;
  enabled?: boolean;
  /** When the identity was created (null: the provider records none). */
  createdAt?: string | null;
  lastUsedAt?: string | null;
  /**
   * Use that `lastUsedAt` does not show but that keeps the identity in use, so that revoking it
   * would break something: calls to an Entra app as a resource, or an Okta API token that acts as
   * its user (last use estimated; undefined when not known). Absent when there is none.
   */
  indirectUse?: { via: 'resource' | 'api-token'; name: string; lastUsedAt?: string; estimated?: true }[];
  /**
   * Owners, sponsors and managers. `accountable: false` (with a `note`) marks one that is not a
   * person (a service account, service principal or group): shown, but nobody accountable.
   * `via`: a person who answers for the identity through the service account it acts as, or
   * (`blueprint <name>`) a sponsor of the Agent ID blueprint of an agent identity that has no
   * sponsor of its own.
   */
  owners: { name: string; relation: string; enabled?: boolean; via?: string; accountable?: false; note?: string }[];
  /** The owner, manager or owner-tag data was not (fully) read: `owners` may miss some, so an empty list is not "no owner". */
  ownersIncomplete?: true;
  credentials: { type: string; name: string; createdAt?: string | null; expiresAt?: string | null; lastUsedAt?: string | null; status?: string }[];
  /**
   * What of the identity's own credentials was not read (`federated credentials not read`, an
   * Okta app's secrets or keys, an IAM user's credential report row): `credentials` may miss
   * some, so an empty list is not "no credential". Absent when they were all read.
   */
  credentialsIncomplete?: string;
  tier: Tier;
  tierReasons: string[];
  /**
   * What was not read of the data feeding the tier, as a clause naming it, its scope and the
   * coverage record's status and reason (`the admin role assignments of org https://… were not
   * read (denied: …)`), or the members of an unread group the identity may belong to: `tier` is
   * then a lower bound. Absent when complete.
   */
  tierIncomplete?: string;
  /** `unknown` only on a possible service account (`possibleServiceAccount`): whether a person drives it is the open question. */
  autonomy: Autonomy | 'unknown';
  autonomyReason: string;
  strength: StrengthClass;
  strengthEvidence: string[];
  longLivedCredential: boolean;
  agent?: { confidence: string; reasons: string[] };
  machineReasons?: string[];
  crownJewels: CrownJewelPath[];
  /**
   * What the identity holds, directly and through its groups: the first few, most powerful first,
   * and how many in all (report/privileges.ts), for the recert sheet's `privileges` column. Not
   * enumerable where the scan sets it (summarizeIdentity), so the JSON report, whose bytes and
   * schema it would change, leaves it out; absent on a summary made otherwise, which the sheet
   * says it cannot tell (`unknown`).
   */
  privileges?: HeldPrivileges;
  findingIds: string[];
  /** Rules that answered unknown for this identity (evidence missing); absent when none did. */
  unknownRuleIds?: string[];
  /**
   * Present only on a user that may be a service account but is not known to be one: the data
   * that decides it was not read (`notRead`: an Entra user's manager, MFA registration or sign-in
   * activity; an Okta token owner's MFA factors). Not a confirmed machine identity: it is in no
   * count of machine identities (`summary.possibleIdentities` counts these) and stays a person for
   * ownership and paths. `signals`: what was read that points to a service account.
   */
  possibleServiceAccount?: { notRead: string[]; reason: string; signals?: string[] };
}

/** The whole result of a scan: data only, rendered by reporters. */
export interface ScanReport {
  schemaVersion: string;
  tool: { name: 'nhiscan'; version: string };
  scannedAt: string;
  /**
   * `collectedAtUnknown` (since 1.7.0) is set (true) when the input recorded no collection time
   * (an `--aws-authz-details` file): `collectedAt` is then the time the scan is evaluated as of.
   */
  snapshot: { source: string; collectedAt: string; collectedAtUnknown?: true };
  scopes: ScopeInfo[];
  coverage: CoverageRecord[];
  summary: {
    /** Machine identities: the entries of `identities` without `possibleServiceAccount`. */
    identities: number;
    /** Entries of `identities` that may be service accounts, not verified; absent when none. */
    possibleIdentities?: number;
    nodes: number;
    edges: number;
    findings: number;
    bySeverity: Record<Severity, number>;
    byProvider: Record<string, ProviderSummary>;
    byOwasp: Record<string, number>;
    byStrength: Record<StrengthClass, number>;
    byTier: Record<string, number>;
    /** Present when a baseline was given. */
    baseline?: { new: number; unchanged: number; resolved: number; unknown: number };
    waived?: number;
  };
  rules: RuleStats[];
  findings: Finding[];
  identities: IdentitySummary[];
  warnings: string[];
  /** Present when a baseline was given: its entries this scan judged gone (summary.baseline counts them). */
  baseline?: { resolved: ResolvedEntry[] };
}

/** A baseline entry no longer found and judged gone: what the baseline recorded, and the subject's name when this scan still has the subject. */
export interface ResolvedEntry {
  fingerprint: string;
  ruleId: string;
  subjectId: string;
  subjectName?: string;
  severity?: Severity;
}
