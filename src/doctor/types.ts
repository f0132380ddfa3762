import type { ProviderName } from '../snapshot/types.js';

/** Outcome of one doctor check: `missing` means a permission or scope must be granted. */
export type CheckStatus = 'ok' | 'missing' | 'error' | 'skipped';

/** One line of the doctor screen. */
export interface CheckResult {
  /** `credential`, or a capability name as in coverage records (`entra.users`). */
  name: string;
  status: CheckStatus;
  /** The permission or scope to grant when `missing`. */
  grant?: string;
  /** Why it failed or was skipped; never a secret. */
  detail?: string;
  /**
   * With `error`: the provider did not answer at all (connection refused, DNS, TLS, timeout), so
   * nothing was decided. On the credential line this is not a refused credential (exit 3, not 2).
   */
  unreachable?: boolean;
}

/** Everything the doctor learned about one provider. */
export interface ProviderReport {
  provider: ProviderName;
  /** Tenant id, org URL or AWS account id (when known). */
  scope: string;
  credential: CheckResult;
  checks: CheckResult[];
}
