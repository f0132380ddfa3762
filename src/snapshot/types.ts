/** What happened when a collector tried to read one capability (see docs/snapshot-format.md). */
export type CoverageStatus = 'collected' | 'missing-permission' | 'error' | 'not-collected';

export type ProviderName = 'entra' | 'okta' | 'aws';

/** One capability of one scope (tenant, org or AWS account) and whether it was read. */
export interface CoverageRecord {
  provider: ProviderName;
  /** Tenant id, Okta org URL or AWS account id. */
  scope: string;
  /** Dotted capability name, e.g. `entra.owners`, `okta.apiTokens`, `aws.credentialReport`. */
  capability: string;
  status: CoverageStatus;
  /** Why it was not collected; never contains a secret. */
  reason?: string;
  /**
   * Only on `entra.userManagers`: the failure is confined to these keys (user ids) of its
   * relationship file, which is read for every other key. Without it, a record that is not
   * `collected` disowns the whole file (docs/snapshot-format.md). On
   * `entra.appRoleAssignments@appRoleAssignments.json`: the resource service principals whose
   * app role assignments were not read.
   */
  unreadKeys?: string[];
}

/**
 * The output of a live collector: the raw files of a snapshot folder, keyed by their path
 * relative to the snapshot root (e.g. `entra/servicePrincipals.json`,
 * `aws/111122223333/credential-report.csv`). JSON files hold parsed values, CSV files strings.
 */
export interface CollectResult {
  files: Record<string, unknown>;
  coverage: CoverageRecord[];
  /** The provider's entry for `manifest.providers`. */
  manifest: Record<string, unknown>;
  /** Counters for progress and efficiency tests (requests sent, pages, retries). */
  stats: { requests: number; pages: number; retries: number; [k: string]: number };
}

/** Progress goes to stderr when it is a terminal; collectors only call this. */
export type ProgressFn = (message: string) => void;
