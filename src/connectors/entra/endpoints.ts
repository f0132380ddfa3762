/** A tenant-wide list endpoint and the snapshot file it fills (docs/snapshot-format.md). */
export interface ListEndpoint {
  file: string;
  capability: string;
  version: 'v1.0' | 'beta';
  /** Path and query after the version; `{top}` is replaced by the page size. */
  path: string;
  /** Members the scan reads every item by: an item without one as a non-empty string makes the page malformed. */
  keys?: readonly string[];
  /**
   * Read instead when Graph refuses the first request of `path` as a bad request (400) that says
   * it does not know `property`: `path` selects a property a tenant may not know, and the list
   * matters more than the property. `lost` says what is then not read, for the warning; `gap` is
   * the coverage record that says it to the rules (not the list's own record: the list is read).
   * `carrier` is the `@odata.type` of the items that always have `property`: one of them that
   * comes without it, though it was selected, did not give it, and is recorded as the same gap.
   */
  fallback?: { path: string; property: string; lost: string; gap: string; carrier: string };
}

// $select keeps payloads lean and never names a secret-bearing property. keyCredentials in
// $select is throttled at 150 requests/min per tenant (serviceprincipal-list), fine at $top=999.
const SP_SELECT_BASE = [
  'id', 'appId', 'displayName', 'appDisplayName', 'servicePrincipalType', 'appOwnerOrganizationId',
  'accountEnabled', 'appRoleAssignmentRequired', 'appRoles', 'oauth2PermissionScopes', 'passwordCredentials',
  'keyCredentials', 'tags', 'notes', 'verifiedPublisher', 'alternativeNames', 'servicePrincipalNames',
  'signInAudience', 'preferredSingleSignOnMode', 'disabledByMicrosoftStatus',
].join(',');
/**
 * agentIdentityBlueprintId: the appId of the blueprint whose credentials obtain an agent
 * identity's tokens, a property of the agentIdentity subtype
 * (https://learn.microsoft.com/en-us/graph/api/resources/agentidentity); other service principals
 * have none. Graph lists agent identities among the service principals, but whether it accepts a
 * subtype's property in the base list's $select is not documented: a 400 there makes the
 * collector read the list again with SP_SELECT_BASE (ListEndpoint.fallback). Every agent identity
 * has one: it is required to create one ("Create agentIdentity": the request body must contain
 * displayName, agentIdentityBlueprintId and a sponsor,
 * https://learn.microsoft.com/en-us/graph/api/agentidentity-post?view=graph-rest-beta), so an agent
 * identity listed without it is one whose blueprint was not read (ListEndpoint.fallback.carrier).
 */
const SP_SELECT = `${SP_SELECT_BASE},agentIdentityBlueprintId`;

/**
 * The record of a service principal list read without agentIdentityBlueprintId: which blueprint
 * obtains each agent identity's tokens is not known, so a blueprint's reach (and tier) is a lower
 * bound. Named `<capability>@<what>` so that it does not disown servicePrincipals.json; recorded
 * only when the property was not read (rule-kit, agentBlueprintsUnread).
 */
export const AGENT_BLUEPRINT_GAP = 'entra.servicePrincipals@agentIdentityBlueprintId';

const APP_SELECT = [
  'id', 'appId', 'displayName', 'createdDateTime', 'signInAudience', 'passwordCredentials', 'keyCredentials',
  'requiredResourceAccess', 'web', 'isFallbackPublicClient', 'tags', 'notes', 'publisherDomain',
  'verifiedPublisher', 'servicePrincipalLockConfiguration', 'disabledByMicrosoftStatus',
  // api.requestedAccessTokenVersion: the version (and so the issuer) of the tokens issued for the app.
  'api',
].join(',');

export const USER_SELECT_BASE = [
  'id', 'displayName', 'userPrincipalName', 'accountEnabled', 'userType', 'employeeType', 'passwordPolicies',
  'onPremisesSyncEnabled', 'createdDateTime',
].join(',');
/** signInActivity needs AuditLog.Read.All and a P1 licence; without them the whole list is a 403. */
export const USER_SELECT_WITH_SIGN_IN = `${USER_SELECT_BASE},signInActivity`;

/** Owners, members and sponsors are directoryObjects of mixed types; these cover users and SPs. */
export const PRINCIPAL_SELECT = 'id,displayName,userPrincipalName,userType,accountEnabled,appId,servicePrincipalType';

/** Read for the listed role-assignable groups and for each other group assigned an app role (client.ts). */
export const GROUP_SELECT = 'id,displayName,isAssignableToRole,securityEnabled,mailEnabled,groupTypes,membershipRule,onPremisesSyncEnabled';

/** Read in parallel after `organization`; users are handled apart (signInActivity fallback). */
export const LIST_ENDPOINTS: readonly ListEndpoint[] = [
  {
    file: 'servicePrincipals.json',
    capability: 'entra.servicePrincipals',
    version: 'v1.0',
    path: `/servicePrincipals?$top={top}&$select=${SP_SELECT}`,
    keys: ['id'],
    fallback: {
      path: `/servicePrincipals?$top={top}&$select=${SP_SELECT_BASE}`,
      property: 'agentIdentityBlueprintId',
      lost: 'the blueprint of each agent identity (agentIdentityBlueprintId) was not read',
      gap: AGENT_BLUEPRINT_GAP,
      carrier: '#microsoft.graph.agentIdentity',
    },
  },
  { file: 'applications.json', capability: 'entra.applications', version: 'v1.0', path: `/applications?$top={top}&$select=${APP_SELECT}`, keys: ['id', 'appId'] },
  { file: 'oauth2PermissionGrants.json', capability: 'entra.oauth2PermissionGrants', version: 'v1.0', path: '/oauth2PermissionGrants', keys: ['clientId', 'resourceId', 'consentType'] },
  { file: 'roleDefinitions.json', capability: 'entra.directoryRoles', version: 'v1.0', path: '/roleManagement/directory/roleDefinitions', keys: ['id'] },
  { file: 'roleAssignments.json', capability: 'entra.directoryRoles', version: 'v1.0', path: '/roleManagement/directory/roleAssignments', keys: ['principalId', 'roleDefinitionId'] },
  { file: 'roleEligibilitySchedules.json', capability: 'entra.pim', version: 'v1.0', path: '/roleManagement/directory/roleEligibilitySchedules', keys: ['principalId', 'roleDefinitionId'] },
  { file: 'userRegistrationDetails.json', capability: 'entra.mfaRegistration', version: 'v1.0', path: '/reports/authenticationMethods/userRegistrationDetails' },
  { file: 'groups.json', capability: 'entra.groups', version: 'v1.0', path: `/groups?$filter=isAssignableToRole eq true&$top={top}&$select=${GROUP_SELECT}`, keys: ['id'] },
  { file: 'servicePrincipalSignInActivities.json', capability: 'entra.signInActivity', version: 'beta', path: '/reports/servicePrincipalSignInActivities' },
  { file: 'appCredentialSignInActivities.json', capability: 'entra.credentialSignInActivity', version: 'beta', path: '/reports/appCredentialSignInActivities' },
];

export const ORGANIZATION_PATH = '/organization?$select=id,displayName,verifiedDomains,tenantType,createdDateTime';

/** Every capability this collector reports, in manifest order. */
export const ENTRA_CAPABILITIES = [
  'entra.organization', 'entra.servicePrincipals', 'entra.applications', 'entra.federatedIdentityCredentials',
  'entra.owners', 'entra.appRoleAssignments', 'entra.oauth2PermissionGrants', 'entra.directoryRoles', 'entra.pim',
  'entra.users', 'entra.userManagers', 'entra.userSignInActivity', 'entra.mfaRegistration', 'entra.groups', 'entra.signInActivity',
  'entra.credentialSignInActivity', 'entra.agentSponsors', 'entra.flexibleFederatedCredentials',
] as const;
