import type { EntraContext, IdentityRef } from './transform-context.js';
import { recordRelationshipGap } from '../../snapshot/relationship-gaps.js';
import { coverageEntry } from '../../snapshot/snapshot.js';
import { classifyPermission } from './permissions.js';

/**
 * One relationship file and the parents the collector reads it for (client.ts, plan.ts). A parent
 * of that set that is not a key of the file was not read (docs/snapshot-format.md, "Two shapes of
 * file"): its list is unknown, not empty. The add* steps mark each parent they meet in the file
 * (`read`), so the check costs no second pass over the file.
 */
interface RelationshipCheck {
  file: string;
  capability: string;
  /** What the parents are, plural ("applications"). */
  parents: string;
  /** What their absence costs ("their owners were not read"). */
  lost: string;
  /** Calls `visit` with each parent the file is read for, in index order. */
  expected(ctx: EntraContext, visit: Visit): void;
  /** Whether the parent `id`, whose node is `node`, is in the file (a node may be two parents). */
  read(node: IdentityRef['node'], id: string): boolean;
}

type Visit = (id: string, node: IdentityRef['node']) => void;

/**
 * The parents of an index, to a callback: generators of [id, node] pairs over the ~100,000
 * applications and service principals of the 100k estate allocated about 54 MB (a pair, a
 * result and a map entry per parent and check).
 */
function refs(index: ReadonlyMap<string, IdentityRef>, visit: Visit, keep?: (ref: IdentityRef) => boolean): void {
  index.forEach((ref, id) => {
    if (keep === undefined || keep(ref)) visit(id, ref.node);
  });
}

const CHECKS: readonly RelationshipCheck[] = [
  {
    file: 'federatedIdentityCredentials.json',
    capability: 'entra.federatedIdentityCredentials',
    parents: 'applications',
    lost: 'their federated credentials were not read',
    expected: (ctx, visit) => refs(ctx.apps, visit),
    read: (n) => n.attrs.ficsCollected === true,
  },
  {
    file: 'applicationOwners.json',
    capability: 'entra.owners',
    parents: 'applications',
    lost: 'their owners were not read',
    expected: (ctx, visit) => refs(ctx.apps, visit),
    read: (n) => n.attrs.appOwnersCollected === true,
  },
  {
    // The collector skips Microsoft's first-party service principals (plan.ts): not a gap.
    file: 'servicePrincipalOwners.json',
    capability: 'entra.owners',
    parents: 'service principals',
    lost: 'their owners were not read',
    expected: (ctx, visit) => refs(ctx.sps, visit, (ref) => !ref.firstParty),
    read: (n) => n.attrs.spOwnersCollected === true,
  },
  {
    // Placeholders of groups met only as an owner or member are not in groups.json: nobody read
    // their members, and nobody was asked to. A group assigned an app role is asked for
    // (plan.ts, planAssignedGroups): one that is only a placeholder (addAssignedGroupPlaceholders:
    // an older collector's snapshot, or a failed read) is a parent whose members were not read.
    file: 'groupMembers.json',
    capability: 'entra.groups',
    parents: 'groups',
    lost: 'their members were not read',
    expected: (ctx, visit) =>
      ctx.groups.forEach((g, id) => {
        if (g.attrs.placeholder !== true || g.attrs.appRoleAssignee === true) visit(id, g);
      }),
    read: (n) => n.attrs.membersCollected === true,
  },
  {
    // Sponsors are read for agent identities, blueprint principals and blueprints only (plan.ts).
    // A snapshot of a collector that did not read a blueprint principal's own list misses it: its
    // sponsors are unknown, not none. A blueprint registered here and its principal are one node
    // and two parents, each read apart (addSponsors).
    file: 'agentSponsors.json',
    capability: 'entra.agentSponsors',
    parents: 'agent identities, blueprints and blueprint principals',
    lost: 'their sponsors were not read',
    expected: (ctx, visit) => {
      refs(ctx.sps, visit, (ref) => ref.node.attrs.odataType === 'agentIdentity' || ref.node.attrs.odataType === 'agentIdentityBlueprintPrincipal');
      refs(ctx.apps, visit, (ref) => ref.node.attrs.appOdataType === 'agentIdentityBlueprint');
    },
    read: (n, id) => (id === n.attrs.applicationObjectId ? n.attrs.appSponsorsCollected : n.attrs.spSponsorsCollected) === true,
  },
];

/**
 * Records the parents missing from each relationship file the manifest does not disown: one
 * coverage record per file (status `error`, capability `<capability>@<file>`, so that it does not
 * stand in for the capability's own record, which would disown the whole file) and one warning.
 * The rules read the per-parent marks (`ficsCollected`, `ownersCollected`, ...) and answer
 * unknown for those parents; the record makes the gap visible and fails the CI gate (exit 3).
 * Runs after the add* steps that set the marks.
 */
export function recordUnreadParents(ctx: EntraContext): void {
  for (const check of CHECKS) {
    if (!ctx.readable(check.file)) continue;
    const missing = new Set<string>();
    let total = 0;
    check.expected(ctx, (id, node) => {
      total++;
      if (!check.read(node, id)) missing.add(id);
    });
    recordGap(ctx, check, total, missing);
  }
}

/** The record and the warning of one file whose `missing` parents (of `total` it is read for) are not in it. */
export function recordGap(ctx: EntraContext, check: Pick<RelationshipCheck, 'file' | 'capability' | 'parents' | 'lost'>, total: number, missing: ReadonlySet<string>): void {
  // The collector records the groups it failed to read under this name (client.ts, groupMembersGap).
  const entry = coverageEntry(ctx.snapshot, 'entra', ctx.tenant, `${check.capability}@${check.file}`);
  const recorded = entry && entry.status !== 'collected' ? { status: entry.status, reason: entry.reason } : undefined;
  recordRelationshipGap(ctx.b, { provider: 'entra', scope: ctx.tenant, capability: check.capability, file: check.file, path: `entra/${check.file}`, parents: check.parents, lost: check.lost, total, recorded }, missing);
}

/** The collector's record of the resources whose app role assignments it could not read (client.ts). */
export const APP_ROLE_GAP = 'entra.appRoleAssignments@appRoleAssignments.json';

/**
 * The resources whose app role assignments were not read, as the collector's record names them
 * (`unreadKeys`; appRoleAssignments.json is one list for every resource and cannot show them).
 * Any principal may hold a role of such a resource, so each is marked with what a role of it can
 * give (`unreadAppRoleTier`, the highest tier of its app roles, and `unreadAppRoleCategories`),
 * and the rules answer unknown where that could change their answer (rule-kit
 * unreadAppRoleResource); assignments to every other resource are read as they are. A role id
 * that is none of its appRoles is kept as the grant step keeps it (tier 1), so no resource gives
 * less. The record is restated for the report and a warning says it. A record that does not
 * name them all in the snapshot has been made the capability's own record before (transform.ts,
 * withAppRoleRecord), and disowns the file.
 */
export function markUnreadResources(ctx: EntraContext): void {
  if (!ctx.readable('appRoleAssignments.json')) return;
  const entry = coverageEntry(ctx.snapshot, 'entra', ctx.tenant, APP_ROLE_GAP);
  if (!entry || entry.status === 'collected' || !Array.isArray(entry.unreadKeys)) return;
  const unread = [...new Set(entry.unreadKeys)].sort();
  for (const id of unread) {
    const ref = ctx.sps.get(id);
    if (!ref) continue;
    const resource = ctx.resources.get(id);
    let tier = 1;
    const categories = new Set<string>(['other']);
    for (const value of resource?.roles.values() ?? []) {
      const cls = classifyPermission(value, resource!.appId);
      if (cls.tier > tier) tier = cls.tier;
      categories.add(cls.category);
    }
    ref.node.attrs.appRoleAssignmentsUnread = true;
    ref.node.attrs.unreadAppRoleTier = tier;
    ref.node.attrs.unreadAppRoleCategories = [...categories].sort();
  }
  ctx.b.addCoverage({ provider: 'entra', scope: ctx.tenant, capability: APP_ROLE_GAP, status: entry.status, ...(entry.reason === undefined ? {} : { reason: entry.reason }) });
  const first = unread.slice(0, 3).join(', ');
  ctx.b.warn(
    `entra/appRoleAssignments.json: the app role assignments of ${unread.length} resource service principal(s) were not read (first: ${first}): who holds their app roles is unknown${entry.reason ? `; the collector recorded: ${entry.reason}` : ''}`,
  );
}
