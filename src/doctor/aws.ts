import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
  GetOpenIDConnectProviderCommand,
  ListOpenIDConnectProvidersCommand,
  ListSAMLProvidersCommand,
} from '@aws-sdk/client-iam';
import { ListProfilesCommand, ListTrustAnchorsCommand } from '@aws-sdk/client-rolesanywhere';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { readCallerAccount } from '../connectors/aws/accounts.js';
import { newRequestStats } from '../connectors/aws/request-stats.js';
import { classifyError, errorName } from '../connectors/aws/safe-error.js';
import { makeIamClient, makeRolesAnywhereClient, makeStsClient, type AwsCredentials, type AwsRetryStrategy, type ClientSettings } from '../connectors/aws/sdk-clients.js';
import type { CheckResult, ProviderReport } from './types.js';

/** What the AWS doctor needs; the same meaning as in the collector's options. */
export interface AwsDoctorOptions {
  profile?: string;
  region?: string;
  endpoint?: string;
  credentials?: AwsCredentials;
  retryStrategy?: AwsRetryStrategy;
  requestTimeoutMs?: number;
}

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
  const remember = (c: { secretAccessKey?: string; sessionToken?: string }): void => {
    if (c.secretAccessKey) secrets.add(c.secretAccessKey);
    if (c.sessionToken) secrets.add(c.sessionToken);
  };
  // Credentials from the default chain are only known once resolved; remember each resolution so
  // that messages echoing them (SignatureDoesNotMatch quotes x-amz-security-token) are redacted.
  const credentials: AwsCredentials =
    typeof given === 'function'
      ? async () => {
          const c = await given();
          remember(c);
          return c;
        }
      : given;
  if (typeof given === 'object') remember(given);
  const settings: ClientSettings = { region: opts.region ?? 'us-east-1', endpoint: opts.endpoint ?? sharedEndpointFromEnv(), maxAttempts: 3, retryStrategy: opts.retryStrategy, requestTimeoutMs: opts.requestTimeoutMs ?? 30_000, stats: newRequestStats() };
  const sts = makeStsClient(settings, credentials);
  const report: ProviderReport = { provider: 'aws', scope: 'caller', credential: { name: 'credential', status: 'ok' }, checks: [] };
  try {
    const caller = await readCallerAccount(sts);
    if (!caller.ok) throw new Error(caller.reason);
    report.scope = caller.value.accountId;
    report.credential.detail = `GetCallerIdentity: account ${caller.value.accountId}`;
  } catch (e) {
    const failed = classifyError('GetCallerIdentity', e, secrets);
    report.credential = { name: 'credential', status: 'error', detail: failed.ok ? undefined : failed.reason };
    return report;
  } finally {
    sts.destroy();
  }
  const iam = makeIamClient(settings, credentials);
  const anywhere = makeRolesAnywhereClient(settings, credentials);
  const probe = async (name: string, grant: string, call: () => Promise<unknown>): Promise<CheckResult> => {
    try {
      await call();
      return { name, status: 'ok' };
    } catch (e) {
      const failed = classifyError(name, e, secrets);
      if (failed.ok) return { name, status: 'ok' };
      return failed.status === 'missing-permission' ? { name, status: 'missing', grant, detail: failed.reason } : { name, status: 'error', detail: failed.reason };
    }
  };
  try {
    report.checks = await Promise.all([
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
    ]);
  } finally {
    iam.destroy();
    anywhere.destroy();
  }
  return report;
}

/**
 * `AWS_ENDPOINT_URL`, passed explicitly as the collector does: the Roles Anywhere client this
 * project installs ignores it and would call the public endpoint.
 */
function sharedEndpointFromEnv(): string | undefined {
  const v = process.env.AWS_ENDPOINT_URL;
  return v && v.trim() !== '' ? v.trim() : undefined;
}
