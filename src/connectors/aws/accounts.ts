import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { paginateListAccounts, type OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AwsCredentials } from './sdk-clients.js';
import { failed, type Outcome } from './safe-error.js';
import type { RequestStats } from './request-stats.js';
import { MAX_EMPTY_PAGES_IN_A_ROW, MAX_PAGES_PER_LISTING } from '../limits.js';
import { pagingGuard } from './paging-guard.js';

/** One account to scan. */
export interface AccountRef {
  accountId: string;
  /** Organizations account name, when the list came from Organizations. */
  name?: string;
}

const ACCOUNT_ID = /^\d{12}$/;

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
}

/** The caller's own account; `sts:GetCallerIdentity` needs no IAM permission. */
export async function readCallerAccount(sts: STSClient): Promise<Outcome<AccountRef>> {
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  if (!identity.Account || !isAccountId(identity.Account)) return failed('error', 'GetCallerIdentity returned no valid account id');
  return { ok: true, value: { accountId: identity.Account } };
}

/**
 * Every ACTIVE account of the organization (`organizations:ListAccounts`, run from the
 * management account or a delegated administrator). `State` replaces the deprecated `Status`;
 * either may be present depending on when the account joined.
 */
export async function readOrganizationAccounts(org: OrganizationsClient, stats: RequestStats, maxPages = MAX_PAGES_PER_LISTING): Promise<Outcome<AccountRef[]>> {
  const accounts = new Map<string, AccountRef>();
  const guard = pagingGuard(maxPages);
  for await (const page of paginateListAccounts({ client: org }, {})) {
    stats.pages += 1;
    // A 200 without the Accounts list would otherwise read as an organization with no accounts.
    if (!Array.isArray(page.Accounts)) return failed('error', 'ListAccounts answered without an Accounts list');
    for (const account of page.Accounts) {
      const state = account.State ?? account.Status;
      // Organizations gives every account its 12-digit Id and a state: an entry without them was
      // no Organizations answer, and left out, an account of the organisation would go unscanned
      // with nothing saying so.
      if (typeof account.Id !== 'string' || !isAccountId(account.Id) || typeof state !== 'string') {
        return failed('error', 'ListAccounts returned an account without a 12-digit Id or a State; the account list would be incomplete, so none of it is used');
      }
      if (state !== 'ACTIVE') continue;
      accounts.set(account.Id, { accountId: account.Id, ...(account.Name ? { name: account.Name } : {}) });
    }
    const stop = guard(page.Accounts.length, page.NextToken, page.Accounts.map((a) => a.Id));
    if (stop === 'repeated-page') return failed('error', 'ListAccounts returned a page it had already returned (every account already read); the account list would be incomplete, so none of it is used');
    if (stop === 'repeated-token') return failed('error', 'ListAccounts repeated a NextToken; stopped to avoid an endless loop');
    if (stop === 'empty-pages') return failed('error', `ListAccounts returned ${MAX_EMPTY_PAGES_IN_A_ROW} empty pages in a row, each with a new NextToken; stopped to avoid an endless loop`);
    if (stop === 'too-many-pages') return failed('error', `ListAccounts: stopped after ${maxPages} pages with more still to come; the account list is incomplete, so none of it is used`);
  }
  return { ok: true, value: [...accounts.values()].sort((a, b) => a.accountId.localeCompare(b.accountId)) };
}

/** The ARN partition for a region: role ARNs differ in China and GovCloud. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

/**
 * `sts:AssumeRole` into the scan role of one account. The caller needs `sts:AssumeRole` on that
 * role and the role's trust policy must allow the caller. The credentials last one hour, which
 * bounds how long one account's collection may take.
 */
export async function assumeScanRole(
  sts: STSClient,
  roleArn: string,
  sessionName: string,
): Promise<{ credentials: AwsCredentials; secrets: string[] }> {
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 3600 }));
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('AssumeRole returned no credentials');
  return {
    credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration },
    secrets: [c.SecretAccessKey, c.SessionToken],
  };
}
