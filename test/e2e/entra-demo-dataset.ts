import type { Snapshot } from '../../src/snapshot/snapshot.js';
import type { EntraDataset } from '../fakes/entra-dataset.js';
import { demoFile } from './demo.js';

type Obj = Record<string, unknown>;

/** A Graph collection file: `{ value: [...] }` (pages concatenated) or a plain array. */
function items(snapshot: Snapshot, file: string): Obj[] {
  const raw = demoFile<unknown>(snapshot, `entra/${file}`);
  const list = Array.isArray(raw) ? raw : (raw as { value?: unknown }).value;
  if (!Array.isArray(list)) throw new Error(`entra/${file} is not a collection`);
  return list as Obj[];
}

/** A relationship file: parent id → array or Graph envelope (docs/snapshot-format.md). */
function relation(snapshot: Snapshot, file: string): Map<string, Obj[]> {
  const raw = demoFile<Record<string, unknown>>(snapshot, `entra/${file}`);
  const out = new Map<string, Obj[]>();
  for (const [parent, v] of Object.entries(raw)) {
    const list = Array.isArray(v) ? v : (v as { value?: unknown } | null)?.value;
    if (!Array.isArray(list)) throw new Error(`entra/${file}[${parent}] is not a list`);
    out.set(parent, list as Obj[]);
  }
  return out;
}

/** Paths of the tenant-wide list endpoints, by demo file. */
const V1_LISTS: Record<string, string> = {
  'organization.json': '/organization',
  'servicePrincipals.json': '/servicePrincipals',
  'applications.json': '/applications',
  'oauth2PermissionGrants.json': '/oauth2PermissionGrants',
  'roleDefinitions.json': '/roleManagement/directory/roleDefinitions',
  'roleAssignments.json': '/roleManagement/directory/roleAssignments',
  'roleEligibilitySchedules.json': '/roleManagement/directory/roleEligibilitySchedules',
  'users.json': '/users',
  'userRegistrationDetails.json': '/reports/authenticationMethods/userRegistrationDetails',
  'groups.json': '/groups',
};

/**
 * Serves the demo tenant as Graph would: every collection at its list path, every relationship
 * file split back into its per-object endpoint, and `appRoleAssignments.json` (a concatenation of
 * `appRoleAssignedTo` listings) split back by `resourceId`. Every SP that defines app roles or
 * requires assignment gets a listing, empty when nobody holds one of its roles, as Graph answers.
 *
 * Not served: `appCredentialSignInActivities` (absent from the demo: the collector is refused
 * with a 403 through the fake's `forbid`, see {@link DEMO_ENTRA_FORBID}). `userManagers.json`
 * becomes `/users/{id}/manager` single objects; a `null` manager is left unserved, so Graph's
 * 404 ("no manager") comes back, as from the real service.
 */
export function entraDatasetFromDemo(snapshot: Snapshot): EntraDataset {
  const tenantId = snapshot.manifest.providers.entra?.tenantId;
  if (!tenantId) throw new Error('demo manifest has no Entra tenant');
  const v1: EntraDataset['v1'] = {};
  for (const [file, path] of Object.entries(V1_LISTS)) v1[path] = items(snapshot, file);

  const singletons: Record<string, Record<string, unknown>> = {};
  const managers = snapshot.files['entra/userManagers.json'] as Record<string, Record<string, unknown> | null> | undefined;
  for (const [userId, manager] of Object.entries(managers ?? {})) if (manager) singletons[`/users/${userId}/manager`] = manager;
  for (const [appId, owners] of relation(snapshot, 'applicationOwners.json')) v1[`/applications/${appId}/owners`] = owners;
  for (const [appId, fics] of relation(snapshot, 'federatedIdentityCredentials.json')) {
    v1[`/applications/${appId}/federatedIdentityCredentials`] = fics;
  }
  for (const [spId, owners] of relation(snapshot, 'servicePrincipalOwners.json')) v1[`/servicePrincipals/${spId}/owners`] = owners;
  for (const [groupId, members] of relation(snapshot, 'groupMembers.json')) v1[`/groups/${groupId}/members`] = members;

  for (const sp of v1['/servicePrincipals']) {
    if ((Array.isArray(sp.appRoles) && sp.appRoles.length > 0) || sp.appRoleAssignmentRequired === true) v1[`/servicePrincipals/${String(sp.id)}/appRoleAssignedTo`] = [];
  }
  for (const a of items(snapshot, 'appRoleAssignments.json')) {
    // Graph lists default-access assignments (appRoleId all zeros) even on an SP with no appRoles.
    (v1[`/servicePrincipals/${String(a.resourceId)}/appRoleAssignedTo`] ??= []).push(a);
  }

  const beta: EntraDataset['beta'] = {
    '/reports/servicePrincipalSignInActivities': items(snapshot, 'servicePrincipalSignInActivities.json'),
  };
  for (const [id, sponsors] of relation(snapshot, 'agentSponsors.json')) {
    beta[`/servicePrincipals/${id}/microsoft.graph.agentIdentity/sponsors`] = sponsors;
  }
  return { tenantId, v1, beta, singletons };
}

/**
 * What the demo's manifest says the collector was refused: 403 on the per-credential sign-in
 * report (entra.credentialSignInActivity is `missing-permission` in fixtures/demo/manifest.json).
 */
export const DEMO_ENTRA_FORBID = ['/beta/reports/appCredentialSignInActivities'];
