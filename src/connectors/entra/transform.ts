import type { NhiConfig } from '../../config/types.js';
import { InputError } from '../../errors.js';
import type { GraphBuilder } from '../../graph/graph.js';
import { collectedAtMs, coverageEntry, type Snapshot } from '../../snapshot/snapshot.js';
import { Reader } from '../../snapshot/shape.js';
import { EntraContext } from './transform-context.js';
import { addCrown, addEscalation } from './transform-escalation.js';
import { addAppRoleAssignments, addAwsSamlApps, addDelegatedGrants, addDirectoryRoles } from './transform-grants.js';
import { addIdentities, homeTenantId, addOwners, addSponsors } from './transform-identities.js';
import { addFederatedCredentials } from './transform-credentials.js';
import { addMicrosoftDisabled } from './transform-status.js';
import { addAssignedGroupPlaceholders, addGroupMembers, addGroups, addUsers } from './transform-users.js';
import { APP_ROLE_GAP, markUnreadResources, recordUnreadParents } from './unread-parents.js';

/** Every capability the Entra transform reads, with its files (docs/snapshot-format.md). */
export const ENTRA_CAPABILITIES: readonly (readonly [string, readonly string[]])[] = [
  ['entra.organization', ['organization.json']],
  ['entra.servicePrincipals', ['servicePrincipals.json']],
  ['entra.applications', ['applications.json']],
  ['entra.federatedIdentityCredentials', ['federatedIdentityCredentials.json']],
  ['entra.owners', ['applicationOwners.json', 'servicePrincipalOwners.json']],
  ['entra.appRoleAssignments', ['appRoleAssignments.json']],
  ['entra.oauth2PermissionGrants', ['oauth2PermissionGrants.json']],
  ['entra.directoryRoles', ['roleDefinitions.json', 'roleAssignments.json']],
  ['entra.pim', ['roleEligibilitySchedules.json']],
  ['entra.users', ['users.json']],
  // Manager lookups are their own capability: one that fails must not disown the user list.
  ['entra.userManagers', ['userManagers.json']],
  ['entra.mfaRegistration', ['userRegistrationDetails.json']],
  ['entra.groups', ['groups.json', 'groupMembers.json']],
  ['entra.signInActivity', ['servicePrincipalSignInActivities.json']],
  ['entra.credentialSignInActivity', ['appCredentialSignInActivities.json']],
  ['entra.agentSponsors', ['agentSponsors.json']],
];

/**
 * Files the collector leaves out of a capability it read in full: userManagers.json is written
 * only when some user looks like a service account (client.ts, readUsers). Absent under a
 * `collected` record it is not a lost file, and addUsers reads its absence as "managers not
 * read" (unknown), never as "no manager".
 */
const WRITTEN_ONLY_WHEN_NEEDED = new Set(['userManagers.json']);

/**
 * A manifest written before `entra.userManagers` existed has one `entra.users` record for both
 * users.json and userManagers.json, and none for the lookups. Its collector wrote users.json only
 * after reading the whole user list, and recorded failed manager lookups under `entra.users`.
 * Such a manifest is read as this version's collector would have written it: with users.json
 * there, a record that is not `collected` was about the lookups and moves to
 * `entra.userManagers`, and the user list counts as read; without it, the record covers both, as
 * it covered both files. A manifest that records `entra.userManagers` is taken as it is.
 */
function withManagerRecord(snapshot: Snapshot, tenant: string): Snapshot {
  const users = coverageEntry(snapshot, 'entra', tenant, 'entra.users');
  if (!users || coverageEntry(snapshot, 'entra', tenant, 'entra.userManagers')) return snapshot;
  // The old collector wrote users.json only after reading the whole list, so with the file there a
  // record that is not `collected` was about the lookups, whatever its reason says (a failed
  // \$batch of one lookup names no manager).
  const aboutLookups = users.status !== 'collected' && 'entra/users.json' in snapshot.files;
  const coverage = snapshot.manifest.coverage.flatMap((c) =>
    c !== users
      ? [c]
      : [
          aboutLookups ? { provider: c.provider, scope: c.scope, capability: 'entra.users', status: 'collected' as const } : c,
          { ...c, capability: 'entra.userManagers' },
        ],
  );
  return { ...snapshot, manifest: { ...snapshot.manifest, coverage } };
}

/**
 * The collector records the resources whose app role assignments it could not read apart from the
 * capability (`entra.appRoleAssignments@appRoleAssignments.json`, naming them all in `unreadKeys`),
 * and markUnreadResources makes only assignments to them unknown. A record of that name that does
 * not name them, or names one that is not in servicePrincipals.json (edited, or the list not read),
 * cannot say which resources it is about: it is read as a gap of the whole capability, as the
 * collector recorded every unread resource before (the file is disowned, every app-role answer
 * unknown). Such a record is given to `entra.appRoleAssignments` unless that one already says the
 * capability was not read.
 */
function withAppRoleRecord(snapshot: Snapshot, tenant: string): Snapshot {
  const gap = coverageEntry(snapshot, 'entra', tenant, APP_ROLE_GAP);
  if (!gap || gap.status === 'collected') return snapshot;
  const whole = coverageEntry(snapshot, 'entra', tenant, 'entra.appRoleAssignments');
  if (whole && whole.status !== 'collected') return snapshot;
  if (namesListedResources(snapshot, tenant, gap.unreadKeys)) return snapshot;
  const record = { provider: 'entra' as const, scope: tenant, capability: 'entra.appRoleAssignments', status: gap.status, ...(gap.reason === undefined ? {} : { reason: gap.reason }) };
  const coverage = whole ? snapshot.manifest.coverage.map((c) => (c === whole ? record : c)) : [...snapshot.manifest.coverage, record];
  return { ...snapshot, manifest: { ...snapshot.manifest, coverage } };
}

/** Whether `keys` is a non-empty list of ids each of a service principal of servicePrincipals.json. */
function namesListedResources(snapshot: Snapshot, tenant: string, keys: unknown): boolean {
  const file = 'entra/servicePrincipals.json';
  const sps = coverageEntry(snapshot, 'entra', tenant, 'entra.servicePrincipals');
  if (!Array.isArray(keys) || keys.length === 0 || !(file in snapshot.files) || (sps && sps.status !== 'collected')) return false;
  const listed = new Set<unknown>();
  for (const sp of new Reader(file).items(snapshot.files[file])) listed.add(sp.id);
  return keys.every((k) => typeof k === 'string' && listed.has(k));
}

/**
 * Turns the `entra/*` files of a snapshot into graph nodes and edges (pure, no I/O). Does nothing
 * when the snapshot holds no Entra tenant. Malformed input throws an InputError naming the file
 * and JSON path; references to objects that are not in the snapshot become warnings.
 */
export function transformEntra(snapshot: Snapshot, b: GraphBuilder, config: NhiConfig, opts: { now?: Date } = {}): void {
  const hasFiles = Object.keys(snapshot.files).some((f) => f.startsWith('entra/'));
  const declared = snapshot.manifest.providers.entra;
  if (!declared && !hasFiles) return;
  const tenant = tenantId(snapshot);
  // The scan's clock; without one (a graph built outside a scan), the collection time, which is
  // also the CLI's default for --now.
  const now = opts.now?.getTime() ?? collectedAtMs(snapshot.manifest);
  const ctx = new EntraContext(withAppRoleRecord(withManagerRecord(snapshot, tenant), tenant), b, config, tenant, now);
  for (const [cap, files] of ENTRA_CAPABILITIES) ctx.cover(cap, [...files], files.filter((f) => WRITTEN_ONLY_WHEN_NEEDED.has(f)));
  // A tenant named by a domain keeps that name as its scope (node ids, coverage records); its id,
  // when learned, rides on the scope, for token issuers and trusts name a tenant by its id.
  const home = homeTenantId(ctx);
  const name = declared?.displayName ?? orgName(snapshot);
  b.addScope({ provider: 'entra', id: tenant, name, ...(home !== undefined && home !== tenant.toLowerCase() ? { tenantId: home } : {}) });

  addUsers(ctx);
  addGroups(ctx);
  addAssignedGroupPlaceholders(ctx);
  addIdentities(ctx, home);
  addMicrosoftDisabled(ctx);
  addFederatedCredentials(ctx);
  addOwners(ctx);
  addSponsors(ctx);
  addGroupMembers(ctx);
  recordUnreadParents(ctx);
  markUnreadResources(ctx);
  addAppRoleAssignments(ctx);
  addAwsSamlApps(ctx);
  addDelegatedGrants(ctx);
  addDirectoryRoles(ctx);
  addEscalation(ctx, addCrown(ctx));
}

/** The contract's name for the entry point (`transform<Provider>`). */
export const transform = transformEntra;

function tenantId(snapshot: Snapshot): string {
  const declared = snapshot.manifest.providers.entra?.tenantId;
  const fromOrg = orgRecord(snapshot)?.id;
  if (declared && fromOrg && declared !== fromOrg) {
    throw new InputError(
      `organization id ${fromOrg} differs from manifest.providers.entra.tenantId ${declared}`,
      'entra/organization.json',
      '$.value[0].id',
    );
  }
  const id = declared ?? fromOrg;
  if (!id) {
    throw new InputError(
      'no tenant id: set manifest.providers.entra.tenantId or include entra/organization.json',
      'manifest.json',
      '$.providers.entra.tenantId',
    );
  }
  return id;
}

function orgRecord(snapshot: Snapshot): { id: string; name?: string } | undefined {
  const raw = snapshot.files['entra/organization.json'];
  if (raw === undefined) return undefined;
  const r = new Reader('entra/organization.json');
  const items = r.items(raw);
  if (items.length === 0) return undefined;
  const base = Array.isArray(raw) ? '$[0]' : '$.value[0]';
  return { id: r.str(items[0], 'id', base), name: r.optStr(items[0], 'displayName', base) };
}

function orgName(snapshot: Snapshot): string | undefined {
  return orgRecord(snapshot)?.name;
}
