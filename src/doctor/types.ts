import type { ProviderName } from '../snapshot/types.js';

/**
 * Outcome of one doctor check: `missing` means a permission or scope must be granted;
 * `throttled` that the provider kept limiting the read past DOCTOR_WAIT_BUDGET_MS, or that it was
 * not sent because the check's DOCTOR_CHECK_BUDGET_MS was spent, so nothing was learned about it.
 */
export type CheckStatus = 'ok' | 'missing' | 'error' | 'skipped' | 'throttled';

/**
 * How long one doctor request may wait in all after being throttled (backoff, Retry-After, an
 * Okta rate-limit reset) before it is reported as throttled. Per request: a check that makes
 * several requests in a row (AWS federation: three) may wait this long for each, and an Okta
 * request may also wait this long at its rate-limit bucket before it is sent, all within
 * DOCTOR_CHECK_BUDGET_MS. A scan is patient (AWS: 30 s per call; Okta: up to a bucket's reset),
 * since giving up costs it a capability; doctor only asks whether a read is allowed, and a screen
 * that hangs for minutes answers nothing.
 */
export const DOCTOR_WAIT_BUDGET_MS = 5_000;

/** The end of a throttled check's detail: what to do about it. */
export const THROTTLED_ADVICE = 'the provider is limiting requests; run doctor again later';

/**
 * How long the Okta and AWS checks may wait in all after throttling, across their requests
 * (WaitAllowance): three requests' worth. Their requests go largely one after another (Okta's all
 * of them, AWS's credential, account and per-capability steps), so per-request budgets alone
 * would add up to minutes. Once it is spent, a request is not retried and the reads not yet sent
 * are not sent: THROTTLED, "not checked". Entra's reads are sent all at once, one GET each, so
 * their waits overlap and its check waits no longer than one request may.
 */
export const DOCTOR_CHECK_BUDGET_MS = 15_000;

/**
 * The waiting one provider's check has left. Waits are added up as they are asked for, so waits
 * that overlap (AWS capabilities read side by side) are counted each: the bound errs on the
 * short side. Nothing here reads a clock: the same throttled answers give the same outcome.
 */
export class WaitAllowance {
  private spentMs = 0;
  constructor(readonly limitMs: number = DOCTOR_CHECK_BUDGET_MS) {}
  leftMs(): number {
    return Math.max(0, this.limitMs - this.spentMs);
  }
  spend(ms: number): void {
    this.spentMs += Math.max(0, ms);
  }
  /** The detail of a check that was never sent because the allowance ran out. */
  notChecked(): string {
    return `not checked: doctor waited its ${Math.round(this.limitMs / 1000)} s for this provider's throttled requests; ${THROTTLED_ADVICE}`;
  }
}

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
