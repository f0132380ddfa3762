import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { requestSignals, waitUntilStopped } from '../abort.js';
import type { CollectResult, CoverageRecord, CoverageStatus, ProgressFn } from '../../snapshot/types.js';
import { assumeScanRole, isAccountId, partitionOf, readCallerAccount, readOrganizationAccounts, type AccountRef } from './accounts.js';
import { readAuthorizationDetails } from './authorization-details.js';
import { SharedQuota, sendsFirst } from './paced-retry.js';
import { mapBounded } from './bounded-map.js';
import { readCredentialReport } from './credential-report.js';
import { readOidcProviders, readSamlProviders } from './federation.js';
import { readOrganization, type OrganizationFile } from './organization.js';
import { MAX_PAGES_PER_LISTING } from '../limits.js';
import { newRequestStats } from './request-stats.js';
import { readRolesAnywhere } from './roles-anywhere.js';
import { readRoleSessions, type RoleSessions } from './role-sessions.js';
import { classifyError, failed, redact, type Outcome } from './safe-error.js';
import { checkCredentialReport } from './transform-credentials.js';
import { firstArnAccount } from '../../aws/authz-details.js';
import { InputError } from '../../errors.js';
import {
  makeIamClient,
  makeOrganizationsClient,
  makeRolesAnywhereClient,
  makeStsClient,
  rememberingSecrets,
  sharedEndpointFromEnv,
  type AwsCredentials,
  type AwsRetryStrategy,
  type ClientSettings,
} from './sdk-clients.js';

export type { AwsCredentials, AwsRetryStrategy } from './sdk-clients.js';

/** Options of the live AWS IAM collector. */
export interface AwsCollectOptions {
  /** Named profile for the SDK default credential chain (ignored when `credentials` is set). */
  profile?: string;
  /** Region for STS and IAM Roles Anywhere (IAM itself is global). Default `us-east-1`. */
  region?: string;
  /** One endpoint for IAM, STS, Organizations and Roles Anywhere; meant for local fakes. */
  endpoint?: string;
  /** Explicit credentials; otherwise `fromNodeProviderChain({ profile })`. */
  credentials?: AwsCredentials;
  /** Role to assume in each account of `accounts` (multi-account mode). */
  assumeRoleName?: string;
  /** Accounts to scan through `assumeRoleName`, or `all` ACTIVE accounts of the organization. */
  accounts?: string[] | 'all';
  /** Accounts collected at the same time. Default 4, at most 16. */
  concurrency?: number;
  /** Attempts per API call, the first one included, for errors other than throttling (see defaultRetryStrategy in sdk-clients.ts). Default 6. */
  maxAttempts?: number;
  /** Backoff a throttled API call may wait in all before it fails (see defaultRetryStrategy). Default 30 000 ms. */
  throttleBudgetMs?: number;
  /** Per-attempt HTTP timeout. Default 120 000 ms. */
  requestTimeoutMs?: number;
  /** Replaces the default retry strategy, paced exponential backoff with jitter (tests: `new ConfiguredRetryStrategy(n, () => 10)`). */
  retryStrategy?: AwsRetryStrategy;
  progress?: ProgressFn;
  /** Delay used between credential report polls. */
  sleep?: (ms: number) => Promise<void>;
  /** Clock; only used to name the assumed-role session. */
  now?: () => Date;
  /**
   * Stops the collection from outside (another provider's credential was refused): no request is
   * sent after it aborts, the ones in flight are cancelled, and `collectAws` rejects with its reason.
   */
  signal?: AbortSignal;
  /** GenerateCredentialReport calls before giving up. Default 20. */
  credentialReportPolls?: number;
  /** Delay between credential report polls. Default 3000 ms. */
  credentialReportDelayMs?: number;
  /**
   * Pages one listing may take before it is stopped as endless (an error record, none of its
   * data kept). Default MAX_PAGES_PER_LISTING (10 000); tests set a small cap.
   */
  maxPagesPerListing?: number;
  /**
   * Bytes of one answer read before it is given up as too large (an error record for the
   * capability, none of its data kept). Default 64 MiB (MAX_RESPONSE_BYTES in ../limits.ts).
   */
  maxResponseBytes?: number;
}

/** The capabilities recorded for every account read (or not entered), in manifest order. */
export const ACCOUNT_CAPABILITIES = ['aws.iam', 'aws.credentialReport', 'aws.federation', 'aws.rolesAnywhere', 'aws.roleSessions', 'aws.organization'] as const;

interface RunContext {
  settings: ClientSettings;
  secrets: Set<string>;
  progress: (message: string) => void;
  sleep: (ms: number) => Promise<void>;
  polls: number;
  pollDelayMs: number;
  maxPages: number;
  signal?: AbortSignal;
  /**
   * With `accounts: 'all'`: the organisation the caller's own DescribeOrganization answered, which
   * is that of every account ListAccounts lists; each account then files it instead of asking
   * again. Unset when that read failed (each account asks, as in a list of accounts).
   */
  organization?: Outcome<OrganizationFile>;
}

interface AccountResult {
  files: Record<string, unknown>;
  coverage: CoverageRecord[];
  collected: boolean;
}

const record = (scope: string, capability: string, status: CoverageStatus, reason?: string): CoverageRecord => ({
  provider: 'aws',
  scope,
  capability,
  status,
  ...(reason ? { reason } : {}),
});

async function attempt<T>(call: string, ctx: RunContext, read: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    ctx.signal?.throwIfAborted();
    return await read();
  } catch (error) {
    // Stopped from outside: the run ends with the signal's reason, not with a coverage record.
    ctx.signal?.throwIfAborted();
    return classifyError(call, error, ctx.secrets);
  }
}

const wrap = async <T>(read: () => Promise<T>): Promise<Outcome<T>> => ({ ok: true, value: await read() });

/** Worst status wins: an error hides more than a missing permission. */
function combine(outcomes: Array<Outcome<unknown>>): { status: CoverageStatus; reason?: string } {
  const failures = outcomes.filter((o): o is Extract<Outcome<unknown>, { ok: false }> => !o.ok);
  if (failures.length === 0) return { status: 'collected' };
  const status = failures.some((f) => f.status === 'error') ? 'error' : failures[0].status;
  return { status, reason: failures.map((f) => f.reason).join('; ') };
}

/** The outcome of each read of one account, before it is filed under the account id. */
interface AccountReads {
  details: Outcome<unknown>;
  report: Outcome<string>;
  oidc: Outcome<unknown[]>;
  saml: Outcome<unknown[]>;
  anywhere: Outcome<unknown>;
  sessions: Outcome<RoleSessions>;
  organization: Outcome<OrganizationFile>;
}

/**
 * Reads the six capabilities of one account with credentials valid in that account. `label`
 * names the account in progress messages; it is a function because in single-account mode the
 * account id arrives while these reads are already running.
 */
async function readAccount(credentials: AwsCredentials, ctx: RunContext, label: () => string): Promise<AccountReads> {
  const iam = makeIamClient(ctx.settings, credentials);
  const rolesAnywhere = makeRolesAnywhereClient(ctx.settings, credentials);
  const known = ctx.organization;
  const organizations = known ? undefined : makeOrganizationsClient(ctx.settings, credentials);
  const stats = ctx.settings.stats;
  const say = (message: string): void => ctx.progress(`aws ${label()}: ${message}`);
  try {
    const [details, report, oidc, saml, anywhere, sessions, organization] = await Promise.all([
      // Its pages follow each other and bound the account's time: while the client starts slowly
      // (a run of several accounts), they go ahead of the other reads.
      attempt('GetAccountAuthorizationDetails', ctx, () =>
        sendsFirst(() => readAuthorizationDetails(iam, stats, (page, items) => say(`authorization details page ${page} (${items} items)`), ctx.maxPages)),
      ),
      attempt('GenerateCredentialReport', ctx, () =>
        readCredentialReport(iam, { maxPolls: ctx.polls, delayMs: ctx.pollDelayMs, sleep: ctx.sleep }),
      ),
      attempt('ListOpenIDConnectProviders', ctx, () => wrap(() => readOidcProviders(iam, stats))),
      attempt('ListSAMLProviders', ctx, () => wrap(() => readSamlProviders(iam, stats))),
      attempt('ListTrustAnchors', ctx, () => wrap(() => readRolesAnywhere(rolesAnywhere, stats, ctx.maxPages))),
      // Beside the authorization-details chain: the roles' MaxSessionDuration, which it lacks.
      attempt('ListRoles', ctx, () => wrap(() => readRoleSessions(iam, stats, ctx.maxPages))),
      // Read with the account's own credentials, in each account: a list of accounts may span
      // several organisations, and the trust rules need the organisation of every scanned one.
      // The accounts of `all` share the caller's (see RunContext.organization), each its own copy.
      known ? structuredClone(known) : attempt('DescribeOrganization', ctx, () => readOrganization(organizations!)),
    ]);
    return { details, report, oidc, saml, anywhere, sessions, organization };
  } finally {
    iam.destroy();
    rolesAnywhere.destroy();
    organizations?.destroy();
  }
}

/**
 * The credential report, or an error in its place when the scan would refuse it (a required
 * column missing, a flag or date it cannot read, no <root_account> row, a row of another account:
 * an HTML page served as the report fails the same way). Checked here, once the account id is
 * known, with the scan's own checks, so that such an answer costs this capability only instead of
 * stopping the whole scan. The reason names the line and column, never a cell's value.
 */
function checkedReport(report: Outcome<string>, file: string, accountId: string): Outcome<string> {
  if (!report.ok) return report;
  try {
    checkCredentialReport(report.value, file, accountId);
    return report;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const what = error.message.replace(/, found .*$/s, '');
    return failed('error', `GetCredentialReport returned a report the scan cannot read (${error.location ? `${error.location}: ` : ''}${what}); not used`);
  }
}

/**
 * The authorization details, or an error in their place when their ARNs name another account
 * than the one read (the scan refuses such a file whole: see firstArnAccount). The reason names
 * the account the ARNs name, not an ARN.
 */
function checkedDetails(details: Outcome<unknown>, accountId: string): Outcome<unknown> {
  if (!details.ok) return details;
  const named = firstArnAccount(details.value as Record<string, unknown>);
  if (named === undefined || named === accountId) return details;
  return failed('error', `GetAccountAuthorizationDetails returned ARNs of account ${named}, not of ${accountId}; not used`);
}

/** Files and coverage records of one account's reads. */
function fileAccount(accountId: string, reads: AccountReads, ctx: RunContext): AccountResult {
  const { oidc, saml, anywhere, sessions, organization } = reads;
  const say = (message: string): void => ctx.progress(`aws ${accountId}: ${message}`);
  const dir = `aws/${accountId}`;
  const report = checkedReport(reads.report, `${dir}/credential-report.csv`, accountId);
  const details = checkedDetails(reads.details, accountId);
  const files: Record<string, unknown> = {};
  if (details.ok) files[`${dir}/authorization-details.json`] = details.value;
  if (report.ok) files[`${dir}/credential-report.csv`] = report.value;
  if (oidc.ok) files[`${dir}/oidc-providers.json`] = oidc.value;
  if (saml.ok) files[`${dir}/saml-providers.json`] = saml.value;
  if (anywhere.ok) files[`${dir}/rolesanywhere.json`] = anywhere.value;
  if (sessions.ok) files[`${dir}/list-roles.json`] = sessions.value;
  if (organization.ok) files[`${dir}/organization.json`] = organization.value;

  const byCapability: Record<(typeof ACCOUNT_CAPABILITIES)[number], { status: CoverageStatus; reason?: string }> = {
    'aws.iam': combine([details]),
    'aws.credentialReport': combine([report]),
    'aws.federation': combine([oidc, saml]),
    // Roles Anywhere is optional and regional: a failure is a coverage gap, never fatal.
    'aws.rolesAnywhere': combine([anywhere]),
    // Only aws-saml-long-session needs it: a failure is a gap that rule reports unknown, never fatal.
    'aws.roleSessions': combine([sessions]),
    // Only aws-trust-third-party-no-external-id needs it: a failure makes the trusts that admit an
    // organisation it cannot place unknown, never fatal. An account in no organisation is collected.
    'aws.organization': combine([organization]),
  };
  const coverage = ACCOUNT_CAPABILITIES.map((capability) => {
    const { status, reason } = byCapability[capability];
    if (status !== 'collected') say(`${capability} ${status}`);
    return record(accountId, capability, status, reason);
  });
  say('done');
  return { files, coverage, collected: true };
}

async function collectAccount(accountId: string, credentials: AwsCredentials, ctx: RunContext): Promise<AccountResult> {
  return fileAccount(accountId, await readAccount(credentials, ctx, () => accountId), ctx);
}

/** A credential provider that resolves once and refreshes shortly before expiry. */
function memoizeCredentials(provider: Exclude<AwsCredentials, { accessKeyId: string }>): AwsCredentials {
  let cached: ReturnType<typeof provider> | undefined;
  return async () => {
    const current = cached ? await cached.catch(() => undefined) : undefined;
    if (!current || (current.expiration && current.expiration.getTime() - Date.now() < 5 * 60_000)) {
      cached = provider();
    }
    return cached!;
  };
}

/** Each account runs up to seven calls at once; more than 16 accounts in parallel only buys throttling. */
function clampConcurrency(value: number | undefined): number {
  return Math.min(16, Math.max(1, Math.floor(value ?? 4) || 1));
}

function sessionName(now: Date): string {
  // RoleSessionName shows in CloudTrail of the scanned account; [\w+=,.@-]{2,64}.
  return `nhiscan-${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}`;
}

function validate(opts: AwsCollectOptions): void {
  if (opts.accounts !== undefined && !opts.assumeRoleName) throw new TypeError('accounts needs assumeRoleName (the role to assume in each account)');
  if (opts.assumeRoleName !== undefined && opts.accounts === undefined) throw new TypeError('assumeRoleName needs accounts (a list of account ids, or all)');
  if (opts.assumeRoleName !== undefined && !/^[\w+=,.@/-]{1,512}$/.test(opts.assumeRoleName)) throw new TypeError('assumeRoleName is not a valid IAM role name or path');
  if (Array.isArray(opts.accounts)) {
    const bad = opts.accounts.filter((a) => !isAccountId(a));
    if (bad.length > 0) throw new TypeError(`not a 12-digit AWS account id: ${bad.slice(0, 3).join(', ')}`);
  }
}

/**
 * Collects IAM users, groups, roles and policies, the credential report, OIDC/SAML providers,
 * IAM Roles Anywhere, the roles' maximum session durations and the account's organisation for one account (the caller's) or many (through `sts:AssumeRole`). Never
 * throws for provider errors: each capability of each account ends with a coverage record.
 * Throws a TypeError only for contradictory options; once `opts.signal` aborts, rejects with its
 * reason and sends no further request.
 */
export async function collectAws(opts: AwsCollectOptions): Promise<CollectResult> {
  validate(opts);
  const region = opts.region ?? 'us-east-1';
  const stats = newRequestStats();
  const secrets = new Set<string>();
  const given = opts.credentials ?? memoizeCredentials(fromNodeProviderChain(opts.profile ? { profile: opts.profile } : {}));
  const base = rememberingSecrets(given, secrets);
  // Every call and wait of this run listens to opts.signal through this one listener.
  const stop = opts.signal ? requestSignals(opts.signal) : undefined;
  const ctx: RunContext = {
    settings: { region, endpoint: opts.endpoint ?? sharedEndpointFromEnv(), maxAttempts: opts.maxAttempts ?? 6, throttleBudgetMs: opts.throttleBudgetMs, retryStrategy: opts.retryStrategy, requestTimeoutMs: opts.requestTimeoutMs, maxResponseBytes: opts.maxResponseBytes, stats, stop },
    secrets,
    progress: (message) => opts.progress?.(redact(message, secrets)),
    sleep: stop && !opts.sleep ? stop.sleep : waitUntilStopped(opts.sleep, opts.signal),
    polls: Math.max(1, opts.credentialReportPolls ?? 20),
    pollDelayMs: opts.credentialReportDelayMs ?? 3000,
    maxPages: Math.max(1, Math.floor(opts.maxPagesPerListing ?? MAX_PAGES_PER_LISTING) || 1),
    signal: opts.signal,
  };
  const coverage: CoverageRecord[] = [];
  const files: Record<string, unknown> = {};
  const collectedAccounts: AccountRef[] = [];
  const sts = makeStsClient(ctx.settings, base);

  try {
    let refs: AccountRef[];
    if (opts.accounts === 'all') {
      const org = makeOrganizationsClient(ctx.settings, base);
      let listed;
      let own;
      try {
        // Beside the list: the organisation it lists, asked once for every account instead of once
        // in each (an organisation of a thousand accounts made a thousand calls for one answer).
        [listed, own] = await Promise.all([
          attempt('ListAccounts', ctx, () => readOrganizationAccounts(org, stats, ctx.maxPages)),
          attempt('DescribeOrganization', ctx, () => readOrganization(org)),
        ]);
      } finally {
        org.destroy();
      }
      // Refused to the caller (a policy may allow it to the scan role only), or an answer of no
      // organisation beside a list of its accounts: each account asks for itself.
      if (own.ok && own.value.Organization !== null) ctx.organization = own;
      if (!listed.ok) {
        coverage.push(record('organization', 'aws.organizationAccounts', listed.status, listed.reason));
        refs = [];
      } else {
        refs = listed.value;
        ctx.progress(`aws: ${refs.length} active accounts in the organization`);
      }
    } else if (Array.isArray(opts.accounts)) {
      refs = [...new Set(opts.accounts)].map((accountId) => ({ accountId }));
    } else {
      // The caller's own account: its reads use the same credentials and do not need the account
      // id, so they start together with GetCallerIdentity instead of one round trip later.
      let accountId: string | undefined;
      const callerRead = attempt('GetCallerIdentity', ctx, () => readCallerAccount(sts)).then((caller) => {
        if (caller.ok) accountId = caller.value.accountId;
        return caller;
      });
      const [caller, reads] = await Promise.all([callerRead, readAccount(base, ctx, () => accountId ?? 'caller account')]);
      if (!caller.ok) {
        // Without a valid caller identity the reads cannot be filed under an account (and with
        // bad credentials they failed too): only the caller record is kept.
        coverage.push(record('caller', 'aws.account', caller.status, caller.reason));
      } else {
        const result = fileAccount(caller.value.accountId, reads, ctx);
        Object.assign(files, result.files);
        coverage.push(...result.coverage);
        collectedAccounts.push(caller.value);
      }
      refs = [];
    }

    const roleName = opts.assumeRoleName;
    const session = sessionName((opts.now ?? (() => new Date()))());
    // IAM's quota is the same in every account of a partition: what the first account learns of it,
    // the others start from (SharedQuota in paced-retry.ts).
    if (refs.length > 1) ctx.settings.iamQuota = new SharedQuota();
    const results = await mapBounded(refs, clampConcurrency(opts.concurrency), async (ref): Promise<AccountResult> => {
      if (!roleName) return collectAccount(ref.accountId, base, ctx);
      const roleArn = `arn:${partitionOf(region)}:iam::${ref.accountId}:role/${roleName}`;
      const assumed = await attempt('AssumeRole', ctx, () => wrap(() => assumeScanRole(sts, roleArn, session)));
      if (!assumed.ok) {
        ctx.progress(`aws ${ref.accountId}: could not assume ${roleName} (${assumed.status})`);
        const notCollected = `not read: could not assume ${roleName} in this account`;
        return {
          files: {},
          coverage: [
            record(ref.accountId, 'aws.account', assumed.status, assumed.reason),
            ...ACCOUNT_CAPABILITIES.map((capability) => record(ref.accountId, capability, 'not-collected', notCollected)),
          ],
          collected: false,
        };
      }
      for (const secret of assumed.value.secrets) secrets.add(secret);
      return collectAccount(ref.accountId, assumed.value.credentials, ctx);
    });

    results.forEach((result, index) => {
      Object.assign(files, result.files);
      coverage.push(...result.coverage);
      if (result.collected) collectedAccounts.push(refs[index]);
    });
  } finally {
    sts.destroy();
    stop?.close();
  }

  return {
    files,
    coverage: coverage.map((c) => (c.reason ? { ...c, reason: redact(c.reason, secrets) } : c)),
    manifest: { accounts: collectedAccounts.map((a) => ({ ...a })) },
    stats: { ...stats, accounts: collectedAccounts.length },
  };
}
