import { paginateListProfiles, paginateListTrustAnchors, type RolesAnywhereClient } from '@aws-sdk/client-rolesanywhere';
import { toCliJson } from './cli-json.js';
import type { RequestStats } from './request-stats.js';
import { MAX_EMPTY_PAGES_IN_A_ROW } from './accounts.js';

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
export async function readRolesAnywhere(client: RolesAnywhereClient, stats: RequestStats): Promise<RolesAnywhereInventory> {
  const trustAnchors: unknown[] = [];
  const seenAnchors = new Set<string>();
  let emptyInARow = 0;
  for await (const page of paginateListTrustAnchors({ client }, {})) {
    stats.pages += 1;
    for (const item of page.trustAnchors ?? []) trustAnchors.push(toCliJson(item));
    emptyInARow = (page.trustAnchors ?? []).length === 0 ? emptyInARow + 1 : 0;
    if (page.nextToken) {
      if (seenAnchors.has(page.nextToken)) throw new Error('ListTrustAnchors repeated a nextToken');
      if (emptyInARow >= MAX_EMPTY_PAGES_IN_A_ROW) throw new Error(`ListTrustAnchors returned ${emptyInARow} empty pages in a row, each with a new nextToken`);
      seenAnchors.add(page.nextToken);
    }
  }
  const profiles: unknown[] = [];
  const seenProfiles = new Set<string>();
  emptyInARow = 0;
  for await (const page of paginateListProfiles({ client }, {})) {
    stats.pages += 1;
    for (const item of page.profiles ?? []) profiles.push(toCliJson(item));
    emptyInARow = (page.profiles ?? []).length === 0 ? emptyInARow + 1 : 0;
    if (page.nextToken) {
      if (seenProfiles.has(page.nextToken)) throw new Error('ListProfiles repeated a nextToken');
      if (emptyInARow >= MAX_EMPTY_PAGES_IN_A_ROW) throw new Error(`ListProfiles returned ${emptyInARow} empty pages in a row, each with a new nextToken`);
      seenProfiles.add(page.nextToken);
    }
  }
  return { trustAnchors, profiles };
}
