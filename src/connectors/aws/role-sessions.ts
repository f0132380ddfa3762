import { ListRolesCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { RequestStats } from './request-stats.js';
import { MAX_EMPTY_PAGES_IN_A_ROW, MAX_PAGES_PER_LISTING } from '../limits.js';
import { pagingGuard } from './paging-guard.js';

/**
 * `list-roles.json`: the roles as `aws iam list-roles` prints them, kept to what the scan reads
 * (each role's ARN, name and MaxSessionDuration). GetAccountAuthorizationDetails does not return
 * MaxSessionDuration; ListRoles does, for every role, a page at a time.
 */
export interface RoleSessions {
  Roles: Array<{ Arn: string; RoleName?: string; MaxSessionDuration?: number }>;
}

/** The largest page IAM allows for ListRoles. */
const MAX_ITEMS = 1000;

/**
 * Reads every page of ListRoles (`iam:ListRoles`) for the roles' maximum session durations.
 * Paging follows `Marker`; a page served again, a repeated Marker, endless empty pages, `maxPages` pages with more to
 * come, or IsTruncated without a Marker end the read with an error: a partial list would leave
 * some roles' durations unread without saying which, so none of it is returned.
 */
export async function readRoleSessions(iam: IAMClient, stats: RequestStats, maxPages = MAX_PAGES_PER_LISTING): Promise<RoleSessions> {
  const roles: RoleSessions['Roles'] = [];
  const guard = pagingGuard(maxPages);
  let marker: string | undefined;
  for (;;) {
    const page = await iam.send(new ListRolesCommand({ MaxItems: MAX_ITEMS, ...(marker === undefined ? {} : { Marker: marker }) }));
    stats.pages += 1;
    // IAM always sends the Roles list; a 200 without it was no IAM answer (a proxy's page), which
    // the SDK would parse into "no roles".
    if (!Array.isArray(page.Roles)) throw new Error('ListRoles answered without Roles');
    for (const r of page.Roles) {
      if (typeof r.Arn !== 'string') continue;
      roles.push({ Arn: r.Arn, RoleName: r.RoleName, ...(typeof r.MaxSessionDuration === 'number' ? { MaxSessionDuration: r.MaxSessionDuration } : {}) });
    }
    if (page.IsTruncated && !page.Marker) throw new Error('ListRoles said IsTruncated=true without a Marker; the list would be incomplete');
    const stop = guard(page.Roles.length, page.Marker, page.Roles.map((r) => r.Arn));
    if (stop === 'repeated-page') throw new Error('ListRoles returned a page it had already returned (every role already read); the list would be incomplete');
    if (stop === 'repeated-token') throw new Error('ListRoles repeated a Marker');
    if (stop === 'empty-pages') throw new Error(`ListRoles returned ${MAX_EMPTY_PAGES_IN_A_ROW} empty pages in a row, each with a new Marker`);
    if (stop === 'too-many-pages') throw new Error(`ListRoles: stopped after ${maxPages} pages with more still to come; the listing is incomplete, so none of it is used`);
    if (!page.Marker) break;
    marker = page.Marker;
  }
  return { Roles: roles };
}
