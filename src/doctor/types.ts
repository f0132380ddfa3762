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
}

/** Everything the doctor learned about one provider. */
export interface ProviderReport {
  provider: ProviderName;
  /** Tenant id, org URL or AWS account id (when known). */
  scope: string;
  credential: CheckResult;
  checks: CheckResult[];
}
