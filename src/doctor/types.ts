import type { ProviderName } from '../snapshot/types.js';

/**
 * Outcome of one doctor check: `missing` means a permission or scope must be granted;
 * `throttled` that the provider kept limiting the read past DOCTOR_WAIT_BUDGET_MS, so nothing
 * was learned about it.
 */
export type CheckStatus = 'ok' | 'missing' | 'error' | 'skipped' | 'throttled';

/**
 * How long one doctor request may wait in all after being throttled (backoff, Retry-After, an
 * Okta rate-limit reset) before it is reported as throttled. Per request, not per check: a check
 * that makes several requests in a row (AWS federation: three) may wait this long for each, and
 * an Okta request may also wait this long at its rate-limit bucket before it is sent. A scan is patient (AWS: 30 s per call;
 * Okta: up to a bucket's reset), since giving up costs it a capability; doctor only asks whether
 * a read is allowed, and a screen that hangs for minutes answers nothing.
 */
export const DOCTOR_WAIT_BUDGET_MS = 5_000;

/** The end of a throttled check's detail: what to do about it. */
export const THROTTLED_ADVICE = 'the provider is limiting requests; run doctor again later';

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
  /**
   * With `error`: the provider answered, but with a server error (5xx), so nothing was decided
   * either. On the credential line this is neither a refused credential nor a network problem:
   * exit 3, and the advice is to retry later, not to check the network.
   */
  serverError?: boolean;
}

/** Everything the doctor learned about one provider. */
export interface ProviderReport {
  provider: ProviderName;
  /** Tenant id, org URL or AWS account id (when known). */
  scope: string;
  credential: CheckResult;
  checks: CheckResult[];
}
