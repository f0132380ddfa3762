import { GROUP_SELECT, PRINCIPAL_SELECT } from './endpoints.js';
import { MICROSOFT_TENANTS } from './permissions.js';
import type { GraphFailure } from './graph-http.js';
import type { RelationshipJob, RelationshipKind } from './relationships.js';

type GraphObject = Record<string, unknown>;

export interface PlanInput {
  /** Tenant id or domain (not used to choose reads: every non-Microsoft SP's owners are read). */
  tenantId: string;
  apps?: readonly GraphObject[];
  sps?: readonly GraphObject[];
  groups?: readonly GraphObject[];
  top: string;
}

const AGENT_IDENTITY = '#microsoft.graph.agentIdentity';
const AGENT_BLUEPRINT = '#microsoft.graph.agentIdentityBlueprint';
const AGENT_BLUEPRINT_PRINCIPAL = '#microsoft.graph.agentIdentityBlueprintPrincipal';
/** Directory object ids are GUIDs; anything else must not be spliced into a request path. */
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The coverage capability each kind of read belongs to. */
export const CAPABILITY: Record<RelationshipKind, string> = {
  applicationOwners: 'entra.owners',
  servicePrincipalOwners: 'entra.owners',
  federatedIdentityCredentials: 'entra.federatedIdentityCredentials',
  appRoleAssignedTo: 'entra.appRoleAssignments',
  groupMembers: 'entra.groups',
  assignedGroup: 'entra.groups',
  agentSponsors: 'entra.agentSponsors',
};

/**
 * Decides which per-object reads are worth a request. Owners: every app, and every service
 * principal except Microsoft's first-party ones. The SP of a multi-tenant app registered
 * elsewhere is a local object: this tenant's users and SPs can own it and, as owners, add
 * credentials to it (unless its publisher locked SP credentials, which is not visible here),
 * so its owners matter as much as those of the tenant's own apps. App-role assignments: SPs that
 * define app roles, and SPs that require assignment (appRoleAssignmentRequired) whatever they
 * define: one with no app roles is assigned "default access" (appRoleId all zeros, appRoleAssignment
 * resource type), and for it that assignment is what lets a client get a token (an AWS role
 * trusting the app's tokens is reached through it). An SP with neither gates nothing by assignment,
 * and is not asked, to save one read per SP.
 */
export function planRelationships(input: PlanInput): { jobs: RelationshipJob[]; invalid: Map<RelationshipKind, GraphFailure[]> } {
  const jobs: RelationshipJob[] = [];
  /** By kind, not capability: entra.owners reads two files, and each records its own parents. */
  const invalid = new Map<RelationshipKind, GraphFailure[]>();
  const add = (kind: RelationshipKind, parent: GraphObject, version: 'v1.0' | 'beta', path: (id: string) => string) => {
    const id = parent.id;
    if (typeof id !== 'string' || !OBJECT_ID.test(id)) {
      const list = invalid.get(kind) ?? [];
      list.push({ kind: 'error', reason: `${kind}: skipped an object whose id is not a GUID` });
      invalid.set(kind, list);
      return;
    }
    jobs.push({ kind, parentId: id, version, url: path(id) });
  };

  for (const app of input.apps ?? []) {
    add('applicationOwners', app, 'v1.0', (id) => `/applications/${id}/owners?$select=${PRINCIPAL_SELECT}`);
    add('federatedIdentityCredentials', app, 'v1.0', (id) => `/applications/${id}/federatedIdentityCredentials`);
  }
  for (const sp of input.sps ?? []) {
    const owner = sp.appOwnerOrganizationId;
    if (sp.servicePrincipalType === 'ManagedIdentity' || typeof owner !== 'string' || !MICROSOFT_TENANTS.has(owner)) {
      add('servicePrincipalOwners', sp, 'v1.0', (id) => `/servicePrincipals/${id}/owners?$select=${PRINCIPAL_SELECT}`);
    }
    if ((Array.isArray(sp.appRoles) && sp.appRoles.length > 0) || sp.appRoleAssignmentRequired === true) {
      add('appRoleAssignedTo', sp, 'v1.0', (id) => `/servicePrincipals/${id}/appRoleAssignedTo?$top=${input.top}`);
    }
  }
  for (const group of input.groups ?? []) {
    add('groupMembers', group, 'v1.0', (id) => `/groups/${id}/members?$top=${input.top}&$select=${PRINCIPAL_SELECT}`);
  }
  // Agent ID is preview: sponsors are read from beta (agentidentity-list-sponsors). A blueprint
  // principal has sponsors of its own, apart from its blueprint's: the blueprint may be registered
  // in another tenant, and Agent ID sets them per object (agentidentityblueprintprincipal-list-sponsors,
  // https://learn.microsoft.com/en-us/graph/api/agentidentityblueprintprincipal-list-sponsors?view=graph-rest-beta;
  // users, groups or service principals).
  if (input.apps && input.sps) {
    for (const sp of input.sps) {
      if (sp['@odata.type'] === AGENT_IDENTITY) {
        add('agentSponsors', sp, 'beta', (id) => `/servicePrincipals/${id}/microsoft.graph.agentIdentity/sponsors`);
      } else if (sp['@odata.type'] === AGENT_BLUEPRINT_PRINCIPAL) {
        add('agentSponsors', sp, 'beta', (id) => `/servicePrincipals/${id}/microsoft.graph.agentIdentityBlueprintPrincipal/sponsors`);
      }
    }
    for (const app of input.apps) {
      if (app['@odata.type'] === AGENT_BLUEPRINT) {
        add('agentSponsors', app, 'beta', (id) => `/applications/${id}/microsoft.graph.agentIdentityBlueprint/sponsors`);
      }
    }
  }
  return { jobs, invalid };
}

/**
 * The groups assigned an app role that groups.json does not hold yet, and the two reads each
 * costs: the group (`GET /groups/{id}`, the properties the list reads) and its direct members.
 * Any security group can be assigned an app role, not only a role-assignable one, and its members
 * then hold the role: for the AWS gallery apps, they can sign in to the AWS role it names. Only
 * direct members count: group-based assignment does not cascade to the members of nested groups
 * (Microsoft Entra docs, "Using a group to manage access to SaaS applications": nested group
 * memberships are not supported for group-based assignment to applications), so `/members`, not
 * `/transitiveMembers`. Each group is read once however many assignments name it, in the order
 * the assignments were listed (resource by resource, as the plan read them).
 */
export function planAssignedGroups(
  assignmentLists: Iterable<readonly unknown[]>,
  listed: readonly GraphObject[],
  top: string,
): { jobs: RelationshipJob[]; invalid: GraphFailure[]; groups: number } {
  const known = new Set<string>();
  for (const g of listed) if (typeof g.id === 'string') known.add(g.id.toLowerCase());
  const jobs: RelationshipJob[] = [];
  const invalid: GraphFailure[] = [];
  let groups = 0;
  for (const list of assignmentLists) {
    for (const a of list) {
      if (a === null || typeof a !== 'object') continue;
      const { principalId, principalType } = a as GraphObject;
      if (principalType !== 'Group' || typeof principalId !== 'string') continue;
      const key = principalId.toLowerCase();
      if (known.has(key)) continue;
      known.add(key);
      if (!OBJECT_ID.test(principalId)) {
        invalid.push({ kind: 'error', reason: 'assignedGroup: skipped a group assigned an app role whose id is not a GUID' });
        continue;
      }
      groups++;
      jobs.push({ kind: 'assignedGroup', parentId: principalId, version: 'v1.0', url: `/groups/${principalId}?$select=${GROUP_SELECT}`, single: true });
      jobs.push({ kind: 'groupMembers', parentId: principalId, version: 'v1.0', url: `/groups/${principalId}/members?$top=${top}&$select=${PRINCIPAL_SELECT}` });
    }
  }
  return { jobs, invalid, groups };
}
