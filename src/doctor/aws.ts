import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
  GetOpenIDConnectProviderCommand,
  ListOpenIDConnectProvidersCommand,
  ListRolesCommand,
  ListSAMLProvidersCommand,
} from '@aws-sdk/client-iam';
import { ListProfilesCommand, ListTrustAnchorsCommand } from '@aws-sdk/client-rolesanywhere';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { assumeScanRole, isAccountId, partitionOf, readCallerAccount } from '../connectors/aws/accounts.js';
import { newRequestStats } from '../connectors/aws/request-stats.js';
import { readOrganization } from '../connectors/aws/organization.js';
import { classifyError, errorName, isThrottled } from '../connectors/aws/safe-error.js';
import { makeIamClient, makeOrganizationsClient, makeRolesAnywhereClient, makeStsClient, rememberingSecrets, sharedEndpointFromEnv, type AwsCredentials, type AwsRetryStrategy, type ClientSettings } from '../connectors/aws/sdk-clients.js';
import { isUnreachable } from '../errors.js';
import { DOCTOR_WAIT_BUDGET_MS, THROTTLED_ADVICE, WaitAllowance, type CheckResult, type ProviderReport } from './types.js';

/** What the AWS doctor needs; the same meaning as in the collector's options. */
export interface AwsDoctorOptions {
  profile?: string;
  region?: string;
  endpoint?: string;
  credentials?: AwsCredentials;
  retryStrategy?: AwsRetryStrategy;
  requestTimeoutMs?: number;
  /** Multi-account: the scan role to assume; its permissions are checked, not the caller's. */
  assumeRoleName?: string;
  /** With `assumeRoleName`: account ids, or `all` (organizations:ListAccounts). One is checked. */
  accounts?: string[] | 'all';
  /** Tests: the backoff's clock and jitter (see PacedRetryOptions). */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** The capabilities read in each account, as in the collector's coverage records. */
const CAPABILITIES = ['aws.iam', 'aws.credentialReport', 'aws.federation', 'aws.rolesAnywhere', 'aws.roleSessions', 'aws.organization'] as const;

/** GetCredentialReport answers these while the report is being built or absent: the call itself was allowed. */
const REPORT_NOT_READY = new Set([
  'CredentialReportNotReadyException',
  'CredentialReportNotPresentException',
  'CredentialReportExpiredException',
  'ReportInProgress',
  'ReportNotPresent',
  'ReportExpired',
]);

/**
 * GetCallerIdentity, then per capability of the caller's account every action the collector
 * calls for it (docs/aws-readonly-policy.json), each with the smallest page it allows.
 */
export async function checkAws(opts: AwsDoctorOptions): Promise<ProviderReport> {
  const given = opts.credentials ?? fromNodeProviderChain(opts.profile ? { profile: opts.profile } : {});
  const secrets = new Set<string>();
  const credentials = rememberingSecrets(given, secrets);
  // A throttled read waits DOCTOR_WAIT_BUDGET_MS in all, not the collector's 30 s, then says so;
  // without pacing, that budget is all the waiting a read does.
  // Every client's retries also draw on one allowance for the whole check (DOCTOR_CHECK_BUDGET_MS):
  // the credential, account and capability steps go one after another.
  const allowance = new WaitAllowance();
  const settings: ClientSettings = {
    region: opts.region ?? 'us-east-1',
    endpoint: opts.endpoint ?? sharedEndpointFromEnv(),
    maxAttempts: 3,
    throttleBudgetMs: DOCTOR_WAIT_BUDGET_MS,
    retryTuning: { pacing: false, sharedThrottleBudget: allowance, ...(opts.sleep ? { sleep: opts.sleep } : {}), ...(opts.random ? { random: opts.random } : {}) },
    retryStrategy: opts.retryStrategy,
    requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
    stats: newRequestStats(),
  };
  const sts = makeStsClient(settings, credentials);
  const report: ProviderReport = { provider: 'aws', scope: 'caller', credential: { name: 'credential', status: 'ok' }, checks: [] };
  const probe = async (name: string, grant: string, call: () => Promise<unknown>): Promise<CheckResult> => {
    // Throttling has used up the check's allowance: this read is not sent, and is not OK.
    if (allowance.leftMs() === 0) return { name, status: 'throttled', detail: allowance.notChecked() };
    try {
      await call();
      return { name, status: 'ok' };
    } catch (e) {
      const failed = classifyError(name, e, secrets);
      if (failed.ok) return { name, status: 'ok' };
      if (isThrottled(e)) return { name, status: 'throttled', detail: `${failed.reason}: ${THROTTLED_ADVICE}` };
      return failed.status === 'missing-permission' ? { name, status: 'missing', grant, detail: failed.reason } : { name, status: 'error', detail: failed.reason };
    }
  };
  // The credentials the capability reads are made with: the caller's, or the scan role's.
  let readAs: AwsCredentials = credentials;
  try {
    try {
      const caller = await readCallerAccount(sts);
      if (!caller.ok) throw new Error(caller.reason);
      report.scope = caller.value.accountId;
      report.credential.detail = `GetCallerIdentity: account ${caller.value.accountId}`;
    } catch (e) {
      const failed = classifyError('GetCallerIdentity', e, secrets);
      if (isThrottled(e)) {
        report.credential = { name: 'credential', status: 'throttled', detail: `${failed.ok ? 'GetCallerIdentity' : failed.reason}: ${THROTTLED_ADVICE}` };
        return report;
      }
      // STS answered with a server error (after the SDK's retries): the credential was not
      // judged, so it is not refused (exit 2) and not a network problem either.
      const serverError = ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0) >= 500;
      report.credential = { name: 'credential', status: 'error', detail: failed.ok ? undefined : failed.reason, ...(isUnreachable(e) ? { unreachable: true } : serverError ? { serverError: true } : {}) };
      return report;
    }
    if (opts.assumeRoleName) {
      // As the collector does: list the organization's accounts (or take the given ones), then
      // assume the scan role in each. The doctor checks the role in the first account only.
      let target: string | undefined = Array.isArray(opts.accounts) ? opts.accounts[0] : undefined;
      if (opts.accounts === 'all') {
        const org = makeOrganizationsClient(settings, credentials);
        try {
          report.checks.push(
            await probe('aws.organizationAccounts', 'organizations:ListAccounts (run from the management account or a delegated administrator)', async () => {
              const page = await org.send(new ListAccountsCommand({ MaxResults: 20 }));
              target = page.Accounts?.find((a) => (a.State ?? a.Status) === 'ACTIVE' && a.Id && isAccountId(a.Id))?.Id;
            }),
          );
        } finally {
          org.destroy();
        }
      }
      const skip = (why: string): ProviderReport => {
        for (const name of CAPABILITIES) report.checks.push({ name, status: 'skipped', detail: why });
        return report;
      };
      if (target === undefined) return skip('no account to assume the scan role in');
      const roleArn = `arn:${partitionOf(settings.region)}:iam::${target}:role/${opts.assumeRoleName}`;
      let assumed: AwsCredentials | undefined;
      const assume = await probe('aws.account', `sts:AssumeRole on ${roleArn}, and a trust policy on that role that allows the caller`, async () => {
        const got = await assumeScanRole(sts, roleArn, `nhiscan-doctor-${Date.now()}`);
        for (const secret of got.secrets) secrets.add(secret);
        assumed = got.credentials;
      });
      report.checks.push(assume);
      if (!assumed) return skip(`needs the scan role (aws.account in ${target})`);
      readAs = assumed;
      report.scope = target;
    }
  } finally {
    sts.destroy();
  }
  const iam = makeIamClient(settings, readAs);
  const anywhere = makeRolesAnywhereClient(settings, readAs);
  const organizations = makeOrganizationsClient(settings, readAs);
  try {
    const reads = await Promise.all([
      probe('aws.iam', 'iam:GetAccountAuthorizationDetails', () => iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 1 }))),
      probe('aws.credentialReport', 'iam:GenerateCredentialReport and iam:GetCredentialReport', async () => {
        await iam.send(new GenerateCredentialReportCommand({}));
        try {
          await iam.send(new GetCredentialReportCommand({}));
        } catch (e) {
          if (!REPORT_NOT_READY.has(errorName(e))) throw e;
        }
      }),
      probe('aws.federation', 'iam:ListOpenIDConnectProviders, iam:GetOpenIDConnectProvider and iam:ListSAMLProviders', async () => {
        const oidc = await iam.send(new ListOpenIDConnectProvidersCommand({}));
        // The collector reads each provider listed; with none it never calls GetOpenIDConnectProvider.
        const first = oidc.OpenIDConnectProviderList?.find((p) => p.Arn)?.Arn;
        if (first) await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: first }));
        await iam.send(new ListSAMLProvidersCommand({}));
      }),
      probe('aws.rolesAnywhere', 'rolesanywhere:ListTrustAnchors and rolesanywhere:ListProfiles', async () => {
        await anywhere.send(new ListTrustAnchorsCommand({ pageSize: 1 }));
        await anywhere.send(new ListProfilesCommand({ pageSize: 1 }));
      }),
      probe('aws.roleSessions', 'iam:ListRoles', () => iam.send(new ListRolesCommand({ MaxItems: 1 }))),
      // An account in no organisation is answered so, and that is OK: the collector records it.
      probe('aws.organization', 'organizations:DescribeOrganization', async () => {
        const read = await readOrganization(organizations);
        if (!read.ok) throw new Error(read.reason);
      }),
    ]);
    report.checks.push(...reads);
  } finally {
    iam.destroy();
    anywhere.destroy();
    organizations.destroy();
  }
  return report;
}
