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
    // Roles Anywhere sends the list even when it is empty; a 200 without it (an empty body, a
    // proxy's page) would read as "no trust anchors", and every Roles Anywhere entry point would
    // be dropped under a collected record.
    if (!Array.isArray(page.trustAnchors)) throw new Error('ListTrustAnchors answered without trustAnchors');
    for (const item of page.trustAnchors) trustAnchors.push(toCliJson(item));
    stopOn(anchorsGuard(page.trustAnchors.length, page.nextToken, page.trustAnchors.map((t) => t.trustAnchorArn)), 'ListTrustAnchors', maxPages);
  }
  const profiles: unknown[] = [];
  const profilesGuard = pagingGuard(maxPages);
  for await (const page of paginateListProfiles({ client }, {})) {
    stats.pages += 1;
    if (!Array.isArray(page.profiles)) throw new Error('ListProfiles answered without profiles');
    for (const item of page.profiles) profiles.push(toCliJson(item));
    stopOn(profilesGuard(page.profiles.length, page.nextToken, page.profiles.map((p) => p.profileArn)), 'ListProfiles', maxPages);
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
