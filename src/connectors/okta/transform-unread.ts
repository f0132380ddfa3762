import { isMachineApp, clientIdOf } from './selection.js';
import type { OktaContext } from './transform-context.js';
import { OKTA_CAPABILITIES, oktaPath } from './transform-read.js';
import { recordRelationshipGap } from '../../snapshot/relationship-gaps.js';

/**
 * A relationship file (`{ "<parentId>": [...] }`) that lacks the key of a parent the collector
 * reads it for did not read that parent's sub-collection (docs/snapshot-format.md, "Two shapes
 * of file"); a parent mapped to [] has none. Each such file gets one coverage record of its own
 * capability name (`<capability>@<file>`, so the capability's record keeps the rest of the file)
 * with status `error`, and one warning. The nodes already carry what was not read
 * (credentialsCollected, grantsCollected, clientRolesCollected, assignmentsCollected,
 * adminRolesComplete, groupsCollected, activeFactors undefined), and the rules answer unknown.
 *
 * Only parents the collector reads each file for are expected (src/connectors/okta/client.ts):
 * a parent it never reads for that relationship is not a gap.
 */
export function recordUnreadParents(ctx: OktaContext): void {
  const machine = (ctx.files.apps ?? []).filter(isMachineApp);
  const appIds = machine.map((a) => a.id).filter((id): id is string => typeof id === 'string');
  const clientIds = machine.map(clientIdOf).filter((id): id is string => id !== undefined);
  // Identity Center apps too: the collector reads the assignments of both AWS app names.
  const awsAppIds = [...ctx.awsApps.map((a) => a.appId), ...ctx.awsSsoApps.map((a) => a.appId)];
  const users = [...ctx.readUsers];
  // Group roles are read for the groups of the users above and the groups assigned to AWS apps.
  const groups = new Set<string>();
  for (const uid of users) for (const g of ctx.files.userGroups?.get(uid) ?? []) if (typeof g.id === 'string') groups.add(g.id);
  for (const a of ctx.awsApps) for (const g of a.groups) groups.add(g.groupId);
  for (const a of ctx.awsSsoApps) for (const g of a.groups) groups.add(g);

  const APPS = 'service apps';
  const USERS = 'users read per user (API token owners, service accounts, AWS app users)';
  check(ctx, 'appSecrets', appIds, APPS, 'client secrets');
  check(ctx, 'appJwks', appIds, APPS, 'public keys (JWKS)');
  check(ctx, 'appGrants', appIds, APPS, 'Okta API scope grants');
  check(ctx, 'clientRoles', clientIds, 'service app client ids', 'admin roles');
  check(ctx, 'userRoles', users, USERS, 'direct admin roles');
  check(ctx, 'userFactors', users, USERS, 'MFA factors');
  check(ctx, 'userGroups', users, USERS, 'group memberships');
  check(ctx, 'groupRoles', [...groups], 'groups of those users and of AWS apps', 'admin roles');
  check(ctx, 'appUsers', awsAppIds, 'AWS federation apps', 'user assignments');
  check(ctx, 'appGroups', awsAppIds, 'AWS federation apps', 'group assignments');
}

type RelationName = 'appSecrets' | 'appJwks' | 'appGrants' | 'clientRoles' | 'userRoles' | 'userFactors' | 'userGroups' | 'groupRoles' | 'appUsers' | 'appGroups';

function check(ctx: OktaContext, name: RelationName, expected: readonly string[], parents: string, what: string): void {
  const map = ctx.files[name];
  // A file not read at all is already said by its capability's own record.
  if (!map) return;
  const wanted = [...new Set(expected)];
  const absent = wanted.filter((id) => !map.has(id));
  if (absent.length === 0) return;
  const capability = Object.entries(OKTA_CAPABILITIES).find(([, names]) => names.includes(name))![0];
  const gap = { provider: 'okta' as const, scope: ctx.org, capability, file: `${name}.json`, path: oktaPath(name), parents, lost: `their ${what} were not read`, total: wanted.length };
  recordRelationshipGap(ctx.b, gap, absent);
}
