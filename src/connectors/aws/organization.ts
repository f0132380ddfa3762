import { DescribeOrganizationCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import { errorName, failed, type Outcome } from './safe-error.js';
import { ORGANIZATION_ID } from './transform-organization.js';

/**
 * `organization.json`: the organisation an account is in, as `aws organizations
 * describe-organization` prints it, kept to its id, ARN and management account (the management
 * account's e-mail address is left out: the scan does not need it). `Organization` is null when
 * the account is in no organisation.
 */
export interface OrganizationFile {
  Organization: { Id: string; Arn?: string; MasterAccountId?: string } | null;
}

/**
 * The organisation of the account whose credentials `org` holds (`organizations:DescribeOrganization`,
 * which any member account may call, not only the management account). An account in no
 * organisation is answered AWSOrganizationsNotInUseException: that is a fact (`Organization:
 * null`), not a failure. Any other error is thrown, for the caller to record.
 */
export async function readOrganization(org: OrganizationsClient): Promise<Outcome<OrganizationFile>> {
  let answer;
  try {
    answer = await org.send(new DescribeOrganizationCommand({}));
  } catch (error) {
    if (errorName(error) === 'AWSOrganizationsNotInUseException') return { ok: true, value: { Organization: null } };
    throw error;
  }
  const o = answer.Organization;
  // A 200 without an id would otherwise read as "in no organisation".
  if (typeof o?.Id !== 'string' || !ORGANIZATION_ID.test(o.Id)) return failed('error', 'DescribeOrganization answered without a valid organisation id');
  return {
    ok: true,
    value: { Organization: { Id: o.Id, ...(o.Arn ? { Arn: o.Arn } : {}), ...(o.MasterAccountId ? { MasterAccountId: o.MasterAccountId } : {}) } },
  };
}
