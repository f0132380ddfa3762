import type { GraphBuilder } from '../../graph/graph.js';
import { InputError } from '../../errors.js';
import { oktaOrigin } from '../../graph/ids.js';
import type { NhiConfig } from '../../config/types.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import type { OktaContext } from './transform-context.js';
import { readOktaFiles } from './transform-read.js';
import { readAuthServers } from './transform-auth-servers.js';
import { addGroups, addUsers, readGroups } from './transform-users.js';
import { addApps } from './transform-apps.js';
import { addTokens, countTokenOwners } from './transform-tokens.js';
import { linkAws } from './transform-aws.js';
import { addEscalations } from './transform-escalation.js';
import { ensureCrown } from './transform-privileges.js';
import { recordUnreadParents } from './transform-unread.js';

/**
 * Turns the `okta/` files of a snapshot into graph nodes and edges. Pure: reads only `snapshot`,
 * writes only to `b`. Malformed files throw an InputError naming the file and JSON path; dangling
 * references become warnings. Does nothing when the snapshot has neither an Okta org in its
 * manifest nor okta/ files.
 */
export function transformOkta(snapshot: Snapshot, b: GraphBuilder, config: NhiConfig): void {
  const orgUrl = snapshot.manifest.providers.okta?.orgUrl;
  if (!orgUrl) {
    if (!Object.keys(snapshot.files).some((f) => f.startsWith('okta/'))) return;
    // The org URL is the Okta scope id, and no Okta file is defined to name the org: without it
    // the files cannot be read, and skipping them would make every Okta finding vanish from a
    // report that says nothing about it. Entra without a tenant id stops the same way.
    throw new InputError(
      'no Okta org URL: okta/ files are present, set manifest.providers.okta.orgUrl to the org they came from',
      'manifest.json',
      '$.providers.okta.orgUrl',
    );
  }
  // The org URL is the scope id everywhere, as the origin the node ids use: written with a
  // trailing slash, a default port or upper case it is still one org, whose scope in reports,
  // coverage and baselines must match the prefix of its subjects' ids.
  const org = oktaOrigin(orgUrl);
  const { files, coverage } = readOktaFiles(snapshot, org, b);
  // The custom authorization servers are for the link stage (link.ts), kept on the org's scope.
  const servers = readAuthServers(files, b);
  b.addScope({ provider: 'okta', id: org, name: snapshot.manifest.providers.okta?.displayName ?? org, ...(servers !== undefined ? { authorizationServers: servers } : {}) });
  const ctx: OktaContext = {
    org,
    b,
    config,
    files,
    coverage,
    users: new Map(),
    groupNames: new Map(),
    groupTypes: new Map(),
    groupSources: new Map(),
    appNames: new Map(),
    groupNodes: new Map(),
    serviceApps: new Map(),
    clientIds: new Map(),
    scopeHolders: new Map(),
    appTier: new Map(),
    awsApps: [],
    awsSsoApps: [],
    tokenOwners: new Map(),
    awsUsers: new Set(),
    awsGroups: new Set(),
    groupRoleTypes: new Map(),
    readUsers: new Set(),
    awsAppUsers: new Set(),
  };
  ensureCrown(ctx);
  const groupRoles = readGroups(ctx);
  addApps(ctx);
  addGroups(ctx, groupRoles);
  countTokenOwners(ctx);
  addUsers(ctx);
  addTokens(ctx);
  linkAws(ctx);
  addEscalations(ctx);
  recordUnreadParents(ctx);
}

/** The contract's name for a provider transform. */
export const transform = transformOkta;
