import { paginateListProfiles, paginateListTrustAnchors, type RolesAnywhereClient } from '@aws-sdk/client-rolesanywhere';
import { toCliJson } from './cli-json.js';
import type { RequestStats } from './request-stats.js';
import { MAX_EMPTY_PAGES_IN_A_ROW, MAX_PAGES_PER_LISTING } from '../limits.js';
import { pagingGuard, type PagingStop } from './paging-guard.js';

/** `rolesanywhere.json`: what ListTrustAnchors and ListProfiles return, all pages. */
export interface RolesAnywhereInventory {
  trustAnchors: unknown[];
  profiles: unknown[];
}

/**
 * IAM Roles Anywhere is regional: this reads the configured region only
 * (`rolesanywhere:ListTrustAnchors`, `rolesanywhere:ListProfiles`). The SDK paginator stops
 * only when `nextToken` is absent, so a token seen twice ends the read with an error.
 */
export async function readRolesAnywhere(client: RolesAnywhereClient, stats: RequestStats, maxPages = MAX_PAGES_PER_LISTING): Promise<RolesAnywhereInventory> {
  const trustAnchors: unknown[] = [];
  const anchorsGuard = pagingGuard(maxPages);
  for await (const page of paginateListTrustAnchors({ client }, {})) {
    stats.pages += 1;
    // A page without the list reads as empty: whether Roles Anywhere leaves the key out for an
    // account with no trust anchors is not documented, and most accounts have none (refusing it
    // would make every such account an error).
    const anchors = page.trustAnchors ?? [];
    for (const item of anchors) trustAnchors.push(toCliJson(item));
    stopOn(anchorsGuard(anchors.length, page.nextToken, anchors.map((t) => t.trustAnchorArn)), 'ListTrustAnchors', maxPages);
  }
  const profiles: unknown[] = [];
  const profilesGuard = pagingGuard(maxPages);
  for await (const page of paginateListProfiles({ client }, {})) {
    stats.pages += 1;
    const list = page.profiles ?? [];
    for (const item of list) profiles.push(toCliJson(item));
    stopOn(profilesGuard(list.length, page.nextToken, list.map((p) => p.profileArn)), 'ListProfiles', maxPages);
  }
  return { trustAnchors, profiles };
}

/** Ends the read with an error naming the call when the paging guard says to stop. */
function stopOn(stop: PagingStop | undefined, call: string, maxPages: number): void {
  if (stop === 'repeated-page') throw new Error(`${call} returned a page it had already returned (every item already read); the listing would be incomplete`);
  if (stop === 'repeated-token') throw new Error(`${call} repeated a nextToken`);
  if (stop === 'empty-pages') throw new Error(`${call} returned ${MAX_EMPTY_PAGES_IN_A_ROW} empty pages in a row, each with a new nextToken`);
  if (stop === 'too-many-pages') throw new Error(`${call}: stopped after ${maxPages} pages with more still to come; the listing is incomplete, so none of it is used`);
}
