/**
 * The Graph calls docs/entra-permissions.md lists, and the application permissions that allow
 * each one. The fake tenant refuses a call no granted permission covers, and records any call
 * that is not in this table at all, so a collector that starts needing more privilege than the
 * docs say fails a test.
 */
export interface DocumentedCall {
  /** Version and path without query; `{id}` stands for one path segment. */
  pattern: string;
  /** Any one of these grants the call. */
  anyOf: string[];
  /** Also needed when `$select` names this property (signInActivity needs AuditLog.Read.All). */
  selectNeeds?: { property: string; anyOf: string[] };
}

const APP = ['Application.Read.All', 'Directory.Read.All'];

export const DOCUMENTED_GRAPH_CALLS: readonly DocumentedCall[] = [
  { pattern: '/v1.0/organization', anyOf: ['Organization.Read.All', 'Directory.Read.All'] },
  { pattern: '/v1.0/servicePrincipals', anyOf: APP },
  { pattern: '/v1.0/applications', anyOf: APP },
  { pattern: '/v1.0/applications/{id}/federatedIdentityCredentials', anyOf: APP },
  { pattern: '/beta/applications/{id}/federatedIdentityCredentials', anyOf: APP },
  { pattern: '/v1.0/applications/{id}/owners', anyOf: APP },
  { pattern: '/v1.0/servicePrincipals/{id}/owners', anyOf: APP },
  { pattern: '/v1.0/servicePrincipals/{id}/appRoleAssignedTo', anyOf: APP },
  { pattern: '/v1.0/oauth2PermissionGrants', anyOf: ['DelegatedPermissionGrant.Read.All', 'Directory.Read.All'] },
  { pattern: '/v1.0/roleManagement/directory/roleDefinitions', anyOf: ['RoleManagement.Read.Directory', 'Directory.Read.All'] },
  { pattern: '/v1.0/roleManagement/directory/roleAssignments', anyOf: ['RoleManagement.Read.Directory', 'Directory.Read.All'] },
  { pattern: '/v1.0/roleManagement/directory/roleEligibilitySchedules', anyOf: ['RoleEligibilitySchedule.Read.Directory', 'RoleManagement.Read.Directory'] },
  {
    pattern: '/v1.0/users',
    anyOf: ['User.Read.All', 'Directory.Read.All'],
    selectNeeds: { property: 'signInActivity', anyOf: ['AuditLog.Read.All'] },
  },
  { pattern: '/v1.0/users/{id}/manager', anyOf: ['User.Read.All', 'Directory.Read.All'] },
  { pattern: '/v1.0/reports/authenticationMethods/userRegistrationDetails', anyOf: ['AuditLog.Read.All'] },
  { pattern: '/v1.0/groups', anyOf: ['GroupMember.Read.All', 'Directory.Read.All'] },
  { pattern: '/v1.0/groups/{id}', anyOf: ['GroupMember.Read.All', 'Directory.Read.All'] },
  { pattern: '/v1.0/groups/{id}/members', anyOf: ['GroupMember.Read.All', 'Directory.Read.All'] },
  { pattern: '/beta/reports/servicePrincipalSignInActivities', anyOf: ['AuditLog.Read.All'] },
  { pattern: '/beta/reports/appCredentialSignInActivities', anyOf: ['AuditLog.Read.All'] },
  { pattern: '/beta/applications/{id}/microsoft.graph.agentIdentityBlueprint/sponsors', anyOf: APP },
  // agentidentityblueprintprincipal-list-sponsors: Application.Read.All (application).
  { pattern: '/beta/servicePrincipals/{id}/microsoft.graph.agentIdentityBlueprintPrincipal/sponsors', anyOf: APP },
  // The docs list only a write permission for this one and say it is not recommended.
  { pattern: '/beta/servicePrincipals/{id}/microsoft.graph.agentIdentity/sponsors', anyOf: ['AgentIdentity.ReadWrite.All'] },
];

/** "The short version" of docs/entra-permissions.md. */
export const ENTRA_SHORT_VERSION = [
  'Application.Read.All',
  'Directory.Read.All',
  'RoleManagement.Read.Directory',
  'RoleEligibilitySchedule.Read.Directory',
  'AuditLog.Read.All',
];

/** The documented entry for a versioned path, e.g. `/v1.0/groups/abc/members`. */
export function documentedCall(versionedPath: string): DocumentedCall | undefined {
  const parts = versionedPath.split('/');
  return DOCUMENTED_GRAPH_CALLS.find((c) => {
    const p = c.pattern.split('/');
    return p.length === parts.length && p.every((seg, i) => seg === '{id}' ? parts[i].length > 0 : seg === parts[i]);
  });
}

/** Whether `granted` allows this GET (path without query, `$select` list). */
export function allowedBy(granted: readonly string[], versionedPath: string, select: string[] | undefined): boolean {
  const call = documentedCall(versionedPath);
  if (!call) return false;
  if (!call.anyOf.some((p) => granted.includes(p))) return false;
  if (call.selectNeeds && select?.includes(call.selectNeeds.property)) return call.selectNeeds.anyOf.some((p) => granted.includes(p));
  return true;
}
