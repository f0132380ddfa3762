import { GRAPH_APP_ID, GRAPH_APP_ROLES, GRAPH_SCOPES, MICROSOFT_TENANT } from './entra-catalog.js';

/** Fields a `GET /servicePrincipals` item carries, in Graph's order; callers override what matters. */
export function servicePrincipal(f: {
  id: string;
  appId: string;
  displayName: string;
  ownerOrg: string | null;
  type?: string;
  odataType?: string;
  enabled?: boolean;
  createdDateTime?: string;
  description?: string | null;
  notes?: string | null;
  tags?: string[];
  appRoles?: unknown[];
  scopes?: unknown[];
  passwordCredentials?: unknown[];
  keyCredentials?: unknown[];
  alternativeNames?: string[];
  servicePrincipalNames?: string[];
  replyUrls?: string[];
  signInAudience?: string;
  verifiedPublisher?: { displayName: string; verifiedPublisherId: string; addedDateTime: string } | null;
  appRoleAssignmentRequired?: boolean;
  agentIdentityBlueprintId?: string;
}): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (f.odataType) o['@odata.type'] = f.odataType;
  Object.assign(o, {
    id: f.id,
    deletedDateTime: null,
    accountEnabled: f.enabled ?? true,
    alternativeNames: f.alternativeNames ?? [],
    appDisplayName: f.displayName,
    appDescription: f.description ?? null,
    appId: f.appId,
    applicationTemplateId: null,
    appOwnerOrganizationId: f.ownerOrg,
    appRoleAssignmentRequired: f.appRoleAssignmentRequired ?? false,
    createdDateTime: f.createdDateTime ?? null,
    description: null,
    disabledByMicrosoftStatus: null,
    displayName: f.displayName,
    homepage: null,
    loginUrl: null,
    logoutUrl: null,
    notes: f.notes ?? null,
    notificationEmailAddresses: [],
    preferredSingleSignOnMode: null,
    preferredTokenSigningKeyThumbprint: null,
    replyUrls: f.replyUrls ?? [],
    servicePrincipalNames: f.servicePrincipalNames ?? [f.appId],
    servicePrincipalType: f.type ?? 'Application',
    signInAudience: f.signInAudience ?? 'AzureADMyOrg',
    tags: f.tags ?? [],
    tokenEncryptionKeyId: null,
    samlSingleSignOnSettings: null,
    addIns: [],
    appRoles: f.appRoles ?? [],
    info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
    keyCredentials: f.keyCredentials ?? [],
    oauth2PermissionScopes: f.scopes ?? [],
    passwordCredentials: f.passwordCredentials ?? [],
    resourceSpecificApplicationPermissions: [],
    verifiedPublisher: f.verifiedPublisher ?? { displayName: null, verifiedPublisherId: null, addedDateTime: null },
  });
  if (f.agentIdentityBlueprintId) o.agentIdentityBlueprintId = f.agentIdentityBlueprintId;
  return o;
}

export function appRole(id: string, value: string, description: string, members: string[] = ['Application']): Record<string, unknown> {
  return { allowedMemberTypes: members, description, displayName: description, id, isEnabled: true, origin: 'Application', value };
}

export function permissionScope(id: string, value: string, type: 'User' | 'Admin', what: string): Record<string, unknown> {
  return {
    adminConsentDescription: `Allows the app to ${what} on behalf of the signed-in user.`,
    adminConsentDisplayName: value,
    id,
    isEnabled: true,
    type,
    userConsentDescription: type === 'User' ? `Allows the app to ${what} on your behalf.` : null,
    userConsentDisplayName: type === 'User' ? value : null,
    value,
  };
}

/** The Microsoft Graph resource service principal with the permissions the estate grants. */
export function graphServicePrincipal(id: string): Record<string, unknown> {
  return servicePrincipal({
    id,
    appId: GRAPH_APP_ID,
    displayName: 'Microsoft Graph',
    ownerOrg: MICROSOFT_TENANT,
    signInAudience: 'AzureADMultipleOrgs',
    servicePrincipalNames: [`${GRAPH_APP_ID}/ags.windows.net`, GRAPH_APP_ID, 'https://canary.graph.microsoft.com', 'https://graph.microsoft.com', 'https://ags.windows.net', 'https://graph.microsoft.us', 'https://graph.microsoft.com/', 'https://dod-graph.microsoft.us'],
    appRoles: GRAPH_APP_ROLES.map(([rid, value, desc]) => appRole(rid, value, desc)),
    scopes: GRAPH_SCOPES.map(([sid, value, type]) => permissionScope(sid, value, type, `use ${value}`)),
  });
}

/** A `GET /applications` item. */
export function application(f: {
  id: string;
  appId: string;
  displayName: string;
  createdDateTime: string;
  domain: string;
  description?: string | null;
  notes?: string | null;
  tags?: string[];
  signInAudience?: string;
  passwordCredentials: unknown[];
  keyCredentials: unknown[];
  requiredResourceAccess: unknown[];
  redirectUris?: string[];
  implicitAccessToken?: boolean;
  implicitIdToken?: boolean;
  fallbackPublicClient?: boolean;
  appRoles?: unknown[];
  scopes?: unknown[];
  identifierUris?: string[];
  spLock?: boolean;
}): Record<string, unknown> {
  const redirects = f.redirectUris ?? [];
  return {
    id: f.id,
    deletedDateTime: null,
    appId: f.appId,
    applicationTemplateId: null,
    disabledByMicrosoftStatus: null,
    createdDateTime: f.createdDateTime,
    displayName: f.displayName,
    description: f.description ?? null,
    groupMembershipClaims: null,
    identifierUris: f.identifierUris ?? [],
    isDeviceOnlyAuthSupported: null,
    isFallbackPublicClient: f.fallbackPublicClient ?? false,
    notes: f.notes ?? null,
    publisherDomain: f.domain,
    serviceManagementReference: null,
    signInAudience: f.signInAudience ?? 'AzureADMyOrg',
    tags: f.tags ?? [],
    tokenEncryptionKeyId: null,
    servicePrincipalLockConfiguration: f.spLock
      ? { isEnabled: true, allProperties: true, credentialsWithUsageVerify: true, credentialsWithUsageSign: true, identifierUris: false, tokenEncryptionKeyId: true }
      : null,
    api: { acceptMappedClaims: null, knownClientApplications: [], requestedAccessTokenVersion: null, oauth2PermissionScopes: f.scopes ?? [], preAuthorizedApplications: [] },
    appRoles: f.appRoles ?? [],
    info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
    keyCredentials: f.keyCredentials,
    optionalClaims: null,
    parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: 'Allow' },
    passwordCredentials: f.passwordCredentials,
    publicClient: { redirectUris: [] },
    requiredResourceAccess: f.requiredResourceAccess,
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
    web: {
      homePageUrl: null,
      logoutUrl: null,
      redirectUris: redirects,
      implicitGrantSettings: { enableAccessTokenIssuance: f.implicitAccessToken ?? false, enableIdTokenIssuance: f.implicitIdToken ?? false },
      redirectUriSettings: redirects.map((uri) => ({ uri, index: null })),
    },
    spa: { redirectUris: [] },
  };
}

/** A user as it appears inside owners / members / manager lists (a directoryObject). */
export function userRef(u: { id: string; displayName: string; upn: string; first: string; last: string; title: string }): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.user',
    id: u.id,
    businessPhones: [],
    displayName: u.displayName,
    givenName: u.first || null,
    jobTitle: u.title || null,
    mail: u.upn,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: u.last || null,
    userPrincipalName: u.upn,
  };
}

/** A service principal inside an owners list. */
export function spRef(sp: { id: string; appId: string; displayName: string }): Record<string, unknown> {
  return { '@odata.type': '#microsoft.graph.servicePrincipal', id: sp.id, appId: sp.appId, displayName: sp.displayName, servicePrincipalType: 'Application' };
}
