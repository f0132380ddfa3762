import { InputError } from '../errors.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { CoverageRecord } from '../snapshot/types.js';
import { isObject } from '../snapshot/shape.js';
import { readJson, readText } from './io.js';
import { parseIsoInstant } from '../iso-date.js';

const ACCOUNT_IN_ARN = /arn:aws[a-z-]*:iam::(\d{12}):/;

/**
 * Wraps the AWS CLI's `get-account-authorization-details` output (and optionally the credential
 * report CSV) into an in-memory snapshot of one account, so that the same transform serves both.
 */
export function snapshotFromAwsFiles(authzFile: string, credFile: string | undefined, now: string | undefined): Snapshot {
  const authz = readJson(authzFile);
  if (!isObject(authz)) throw new InputError('expected the JSON object printed by `aws iam get-account-authorization-details`', authzFile, '$');
  const lists = ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'];
  if (!lists.some((k) => k in authz)) {
    throw new InputError(`none of ${lists.join(', ')} found: is this get-account-authorization-details output?`, authzFile, '$');
  }
  const account = findAccount(authz);
  if (!account) throw new InputError('cannot tell the account id: no IAM ARN in the file', authzFile);
  const authzPath = `aws/${account}/authorization-details.json`;
  const files: Record<string, unknown> = { [authzPath]: authz };
  const origins: Record<string, string> = { [authzPath]: authzFile };
  if (credFile) {
    const reportPath = `aws/${account}/credential-report.csv`;
    files[reportPath] = readText(credFile);
    origins[reportPath] = credFile;
  }
  const at = now === undefined ? NaN : parseIsoInstant(now);
  const collectedAt = new Date(Number.isNaN(at) ? Date.now() : at).toISOString();
  // What these two files cannot hold is recorded as such: without records, the reasons would name
  // snapshot paths (`aws/<account>/credential-report.csv`) the user never saw.
  const notRead = (capability: string, reason: string): CoverageRecord => ({ provider: 'aws', scope: account, capability, status: 'not-collected', reason });
  const coverage: CoverageRecord[] = [
    notRead('aws.federation', 'not read from --aws-authz-details input: the OIDC and SAML provider lists need a snapshot (nhiscan collect --aws)'),
    notRead('aws.rolesAnywhere', 'not read from --aws-authz-details input: IAM Roles Anywhere needs a snapshot (nhiscan collect --aws)'),
    notRead('aws.roleSessions', 'not read from --aws-authz-details input: the roles\' MaxSessionDuration comes from ListRoles, which needs a snapshot (nhiscan collect --aws)'),
  ];
  if (!credFile) coverage.unshift(notRead('aws.credentialReport', 'not given: --aws-credential-report'));
  return {
    manifest: {
      schemaVersion: 1,
      collectedAt,
      providers: { aws: { accounts: [{ accountId: account }] } },
      coverage,
    },
    files,
    source: authzFile,
    origins,
    collectedAtUnknown: true,
  };
}

function findAccount(authz: Record<string, unknown>): string | undefined {
  for (const key of ['UserDetailList', 'RoleDetailList', 'GroupDetailList']) {
    const list = authz[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const arn = isObject(item) ? item.Arn : undefined;
      const m = typeof arn === 'string' ? ACCOUNT_IN_ARN.exec(arn) : null;
      if (m) return m[1];
    }
  }
  return undefined;
}
