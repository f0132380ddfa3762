import { paginateGetAccountAuthorizationDetails, type IAMClient } from '@aws-sdk/client-iam';
import { toCliJson } from './cli-json.js';
import { failed, type Outcome } from './safe-error.js';
import type { RequestStats } from './request-stats.js';

/** The shape `aws iam get-account-authorization-details` prints after merging all pages. */
export interface AuthorizationDetails {
  UserDetailList: unknown[];
  GroupDetailList: unknown[];
  RoleDetailList: unknown[];
  Policies: unknown[];
}

/** The largest page IAM allows for this call, so a big account takes the fewest requests. */
const MAX_ITEMS = 1000;

function append(target: unknown[], items: readonly unknown[] | undefined): void {
  // A loop rather than push(...items): spreading very large arrays can overflow the call stack.
  for (const item of items ?? []) target.push(toCliJson(item));
}

/**
 * Reads every page of GetAccountAuthorizationDetails (permission
 * `iam:GetAccountAuthorizationDetails`) and merges them. Paging follows `Marker` only; a Marker
 * seen before would make the SDK paginator loop forever, so it ends the read as an error.
 * Partial data is not returned: a truncated inventory would make absent grants look absent.
 */
export async function readAuthorizationDetails(
  iam: IAMClient,
  stats: RequestStats,
  onPage: (page: number, items: number) => void,
): Promise<Outcome<AuthorizationDetails>> {
  const merged: AuthorizationDetails = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
  const seenMarkers = new Set<string>();
  let pages = 0;
  for await (const page of paginateGetAccountAuthorizationDetails({ client: iam, pageSize: MAX_ITEMS }, {})) {
    pages += 1;
    stats.pages += 1;
    append(merged.UserDetailList, page.UserDetailList);
    append(merged.GroupDetailList, page.GroupDetailList);
    append(merged.RoleDetailList, page.RoleDetailList);
    append(merged.Policies, page.Policies);
    onPage(pages, merged.UserDetailList.length + merged.GroupDetailList.length + merged.RoleDetailList.length + merged.Policies.length);
    if (page.Marker) {
      if (seenMarkers.has(page.Marker)) {
        return failed('error', `GetAccountAuthorizationDetails returned a Marker it had already returned (page ${pages}); stopped to avoid an endless loop`);
      }
      seenMarkers.add(page.Marker);
    } else if (page.IsTruncated) {
      return failed('error', `GetAccountAuthorizationDetails said IsTruncated=true without a Marker (page ${pages}); the result would be incomplete`);
    }
  }
  return { ok: true, value: merged };
}
