import { capabilityCoverage, coverageEntry, type Snapshot } from '../../snapshot/snapshot.js';
import type { CoverageRecord } from '../../snapshot/types.js';
import { Reader, isObject } from '../../snapshot/shape.js';

/** The coverage capability of `aws/<account>/organization.json`. */
export const ORGANIZATION_CAPABILITY = 'aws.organization';

/** An AWS organisation id (Organizations API Reference, Organization Id). */
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
/** What ORGANIZATION_ID accepts, in words, after "expected". */
export const ORGANIZATION_ID_TEXT = 'an AWS organisation id (o- and 10 to 32 lower-case letters or digits)';

/**
 * What the snapshot says of the organisation one account is in: `organizationId` the
 * organisation's id, or null for none (DescribeOrganization answered that the account is in no
 * organisation); left out when it was not read. `coverage` is the record to keep, when the
 * snapshot has the file or a record for it: a snapshot with neither (made before the collector
 * read the organisation, or built from `aws iam get-account-authorization-details`) says nothing
 * of it, and gets no record, so that its report is the same as before.
 */
export function readAccountOrganization(snapshot: Snapshot, account: string, warn: (message: string) => void): { organizationId?: string | null; coverage?: CoverageRecord } {
  const file = `aws/${account}/organization.json`;
  if (!(file in snapshot.files) && coverageEntry(snapshot, 'aws', account, ORGANIZATION_CAPABILITY) === undefined) return {};
  const coverage = capabilityCoverage(snapshot, 'aws', account, ORGANIZATION_CAPABILITY, [file], warn);
  // Not collected (403, error, or recorded as collected without its file): a file that is there
  // is not believed, as for the other capabilities, and the rule that needs it answers unknown.
  if (coverage.status !== 'collected') return { coverage };
  return { organizationId: organizationOf(snapshot.files[file], file), coverage };
}

/** The organisation id of an organization.json (as `aws organizations describe-organization` prints it), or null for `"Organization": null`. */
function organizationOf(raw: unknown, file: string): string | null {
  const r: Reader = new Reader(file);
  if (!isObject(raw)) r.fail('$', 'expected an object with an "Organization" member (what aws organizations describe-organization prints)');
  if (!('Organization' in raw)) r.fail('$.Organization', 'expected an object, or null for an account in no organisation');
  const org = raw.Organization;
  if (org === null) return null;
  if (!isObject(org)) r.fail('$.Organization', 'expected an object, or null for an account in no organisation');
  const id = r.str(org, 'Id', '$.Organization');
  if (!ORGANIZATION_ID.test(id)) r.fail('$.Organization.Id', `expected ${ORGANIZATION_ID_TEXT}`);
  return id;
}
