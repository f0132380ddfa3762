/** A fake tenant as Graph would serve it: path (no version, no query) → items. */
export interface EntraDataset {
  tenantId: string;
  v1: Record<string, Record<string, unknown>[]>;
  /** Beta-only paths; beta falls back to `v1` for everything else. */
  beta: Record<string, Record<string, unknown>[]>;
  /** Paths that answer one object, not a collection (e.g. `/users/{id}/manager`); absent = 404. */
  singletons?: Record<string, Record<string, unknown>>;
}

export interface DatasetSize {
  /** Service principals in total (≥ 5). Every 5th is first-party, every 5th+1 a managed identity. */
  servicePrincipals: number;
  users?: number;
  /** Role-assignable groups (one extra non-assignable group is always added). */
  groups?: number;
  /** App-role assignments on the first resource SP, to force paging inside a relationship. */
  bigResourceAssignments?: number;
  /**
   * Groups that are not role-assignable, each assigned an app role of the second resource SP (with
   * two members); the first role-assignable group is then assigned one too. Default 0.
   */
  assignedGroups?: number;
}

export const MICROSOFT_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
export const CANARY_SECRET_TEXT = 'CANARY-ENTRA-SECRET-secretText-0001';
export const CANARY_KEY_BLOB = 'CANARY-ENTRA-SECRET-keyblob-0002';

/** Deterministic GUIDs: the first group tells the object type, the last the index. */
export function guid(type: number, n: number): string {
  return `${type.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/**
 * Builds a tenant with predictable shapes. Tenant-owned SPs (index % 5 ∈ {2,3,4}) each have an
 * application; index % 5 === 2 SPs and first-party SPs with index % 10 === 0 define app roles;
 * the last SP is an agent identity (tenant-owned, with a sponsor, its blueprint in another tenant).
 */
export function makeEntraDataset(tenantId: string, size: DatasetSize): EntraDataset {
  const userCount = size.users ?? 20;
  const groupCount = size.groups ?? 3;
  const users = Array.from({ length: userCount }, (_, i) => ({
    id: guid(1, i),
    displayName: `User ${i}`,
    userPrincipalName: `user${i}@contoso.example`,
    accountEnabled: true,
    userType: 'Member',
    signInActivity: { lastSignInDateTime: '2026-10-01T00:00:00Z' },
    passwordProfile: { password: 'CANARY-ENTRA-SECRET-userpassword-0003' },
  }));
  const sps: Record<string, unknown>[] = [];
  const apps: Record<string, unknown>[] = [];
  const v1: EntraDataset['v1'] = {};
  const beta: EntraDataset['beta'] = {};
  const spSignIns: Record<string, unknown>[] = [];

  for (let i = 0; i < size.servicePrincipals; i++) {
    const id = guid(2, i);
    const appId = guid(3, i);
    const firstParty = i % 5 === 0;
    const managed = i % 5 === 1;
    const agent = i === size.servicePrincipals - 1 && !firstParty && !managed;
    const hasRoles = (firstParty && i % 10 === 0) || i % 5 === 2;
    sps.push({
      // An agent identity always names its blueprint (agentidentity-post requires it); this one's
      // is registered in another tenant.
      ...(agent ? { '@odata.type': '#microsoft.graph.agentIdentity', agentIdentityBlueprintId: guid(11, i) } : {}),
      id,
      appId,
      displayName: `sp-${i}`,
      servicePrincipalType: managed ? 'ManagedIdentity' : 'Application',
      appOwnerOrganizationId: firstParty || managed ? MICROSOFT_TENANT : tenantId,
      accountEnabled: true,
      appRoleAssignmentRequired: false,
      appRoles: hasRoles ? [{ id: guid(9, i), value: `Role.${i}`, allowedMemberTypes: ['Application'] }] : [],
      oauth2PermissionScopes: [],
      tags: [],
      passwordCredentials: [],
      keyCredentials: [{ keyId: guid(10, i), type: 'AsymmetricX509Cert', usage: 'Verify', key: CANARY_KEY_BLOB }],
      verifiedPublisher: {},
    });
    spSignIns.push({ id: appId, appId, lastSignInActivity: { lastSignInDateTime: '2026-09-01T00:00:00Z' } });
    if (!firstParty && !managed) {
      const appObjectId = guid(4, i);
      apps.push({
        id: appObjectId,
        appId,
        displayName: `app-${i}`,
        signInAudience: 'AzureADMyOrg',
        passwordCredentials: [{ keyId: guid(11, i), hint: 'abc', secretText: CANARY_SECRET_TEXT, endDateTime: '2027-01-01T00:00:00Z' }],
        keyCredentials: [],
        requiredResourceAccess: [],
        // Microsoft disabled one registration (application.disabledByMicrosoftStatus).
        disabledByMicrosoftStatus: i === 3 ? 'DisabledDueToViolationOfServicesAgreement' : null,
      });
      v1[`/applications/${appObjectId}/owners`] = [{ '@odata.type': '#microsoft.graph.user', ...pick(users[i % userCount]) }];
      v1[`/applications/${appObjectId}/federatedIdentityCredentials`] =
        i % 3 === 0
          ? [{ id: guid(12, i), name: `fic-${i}`, issuer: 'https://token.actions.githubusercontent.com', subject: i === 9 ? null : `repo:contoso/r${i}:ref:refs/heads/main`, audiences: ['api://AzureADTokenExchange'] }]
          : [];
      // A flexible credential (app 9): v1.0 shows no subject; only beta returns its expression.
      if (i === 9) {
        beta[`/applications/${appObjectId}/federatedIdentityCredentials`] = [
          { ...v1[`/applications/${appObjectId}/federatedIdentityCredentials`][0], claimsMatchingExpression: { value: `claims['sub'] matches 'repo:contoso/r${i}:*'`, languageVersion: 1 } },
        ];
      }
      v1[`/servicePrincipals/${id}/owners`] = [];
    }
    if (managed) v1[`/servicePrincipals/${id}/owners`] = [];
    if (agent) beta[`/servicePrincipals/${id}/microsoft.graph.agentIdentity/sponsors`] = [{ '@odata.type': '#microsoft.graph.user', ...pick(users[0]) }];
  }

  const resources = sps.filter((sp) => (sp.appRoles as unknown[]).length > 0);
  resources.forEach((res, r) => {
    const count = r === 0 && size.bigResourceAssignments ? size.bigResourceAssignments : 1;
    v1[`/servicePrincipals/${res.id as string}/appRoleAssignedTo`] = Array.from({ length: count }, (_, k) => {
      const principal = sps[(r + k + 1) % sps.length];
      return {
        id: `ara-${r}-${k}`,
        principalId: principal.id,
        principalType: 'ServicePrincipal',
        resourceId: res.id,
        appRoleId: (res.appRoles as { id: string }[])[0].id,
      };
    });
  });

  const groups = Array.from({ length: groupCount + 1 }, (_, g) => ({
    id: guid(5, g),
    displayName: `group-${g}`,
    isAssignableToRole: g < groupCount,
    securityEnabled: true,
  }));
  for (const g of groups) v1[`/groups/${g.id}/members`] = [{ '@odata.type': '#microsoft.graph.user', ...pick(users[1 % userCount]) }];

  // Groups assigned an app role without being role-assignable: the collector reads each one and
  // its members once the assignments are known; the role-assignable group is listed already.
  const assignedGroups = size.assignedGroups ?? 0;
  if (assignedGroups > 0 && resources.length > 1) {
    const res = resources[1];
    const list = v1[`/servicePrincipals/${res.id as string}/appRoleAssignedTo`];
    const assign = (principalId: string, n: number) => ({ id: `ara-group-${n}`, principalId, principalType: 'Group', resourceId: res.id, appRoleId: (res.appRoles as { id: string }[])[0].id });
    list.push(assign(groups[0].id, 0));
    for (let k = 0; k < assignedGroups; k++) {
      const g = { id: guid(6, k), displayName: `assigned-group-${k}`, isAssignableToRole: false, securityEnabled: true };
      groups.push(g);
      v1[`/groups/${g.id}/members`] = [users[k % userCount], users[(k + 1) % userCount]].map((u) => ({ '@odata.type': '#microsoft.graph.user', ...pick(u) }));
      // Twice: a group assigned twice is read once.
      list.push(assign(g.id, 2 * k + 1), assign(g.id, 2 * k + 2));
    }
  }

  v1['/organization'] = [{ id: tenantId, displayName: 'Contoso Test', verifiedDomains: [] }];
  v1['/servicePrincipals'] = sps;
  v1['/applications'] = apps;
  v1['/users'] = users;
  v1['/groups'] = groups;
  v1['/oauth2PermissionGrants'] = [
    { id: 'grant-1', clientId: sps[2]?.id, consentType: 'AllPrincipals', resourceId: sps[0].id, scope: 'User.Read' },
  ];
  v1['/roleManagement/directory/roleDefinitions'] = [
    { id: '62e90394-69f5-4237-9190-012177145e10', templateId: '62e90394-69f5-4237-9190-012177145e10', displayName: 'Global Administrator', isBuiltIn: true },
  ];
  v1['/roleManagement/directory/roleAssignments'] = [
    { id: 'ra-1', principalId: sps[2]?.id, roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10', directoryScopeId: '/' },
  ];
  v1['/roleManagement/directory/roleEligibilitySchedules'] = [];
  v1['/reports/authenticationMethods/userRegistrationDetails'] = users.map((u) => ({
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    isMfaRegistered: false,
    isAdmin: false,
  }));
  beta['/reports/servicePrincipalSignInActivities'] = spSignIns;
  beta['/reports/appCredentialSignInActivities'] = [];
  return { tenantId, v1, beta };
}

function pick(user: { id: string; displayName: string; userPrincipalName: string }) {
  return { id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName };
}

/** What a perfect collector must send for this dataset: pages + batches + one token. */
export function minimumRequests(d: EntraDataset, pageSize: number): number {
  return minimumPlan(d, pageSize).requests;
}

/** The minimum requests, and the longest chain of requests that must follow each other. */
export function minimumPlan(d: EntraDataset, pageSize: number): { requests: number; criticalPath: number } {
  const pages = (n: number) => Math.max(1, Math.ceil(n / pageSize));
  const sps = d.v1['/servicePrincipals'];
  const apps = d.v1['/applications'];
  const groups = d.v1['/groups'].filter((g) => g.isAssignableToRole);
  const lists = [
    d.v1['/organization'], sps, apps, d.v1['/users'], groups, d.v1['/oauth2PermissionGrants'],
    d.v1['/roleManagement/directory/roleDefinitions'], d.v1['/roleManagement/directory/roleAssignments'],
    d.v1['/roleManagement/directory/roleEligibilitySchedules'], d.v1['/reports/authenticationMethods/userRegistrationDetails'],
    d.beta['/reports/servicePrincipalSignInActivities'], d.beta['/reports/appCredentialSignInActivities'],
  ];
  const listPages = lists.reduce((sum, l) => sum + pages(l.length), 0);
  const spOwnerParents = sps.filter((s) => s.appOwnerOrganizationId !== MICROSOFT_TENANT || s.servicePrincipalType === 'ManagedIdentity');
  const resources = sps.filter((s) => (s.appRoles as unknown[]).length > 0);
  const v1Items = apps.length * 2 + spOwnerParents.length + resources.length + groups.length;
  const betaItems = sps.filter((s) => s['@odata.type'] === '#microsoft.graph.agentIdentity' || s['@odata.type'] === '#microsoft.graph.agentIdentityBlueprintPrincipal').length;
  // The credentials of an app with one read from v1.0 with no subject are listed again from beta, batched (client.ts).
  const flexible = apps.filter((a) => (d.v1[`/applications/${a.id as string}/federatedIdentityCredentials`] ?? []).some((f) => !f.subject)).length;
  const extraRelationshipPages = resources.reduce(
    (sum, r) => sum + pages(d.v1[`/servicePrincipals/${r.id as string}/appRoleAssignedTo`].length) - 1,
    0,
  );
  // Token, then the longest list (its pages follow each other), then a batch that needs the lists.
  const longest = Math.max(...lists.map((l) => pages(l.length)));
  const flexibleBatches = Math.ceil(flexible / 20);
  // Each group assigned an app role that the list did not give costs two batched reads (the group,
  // its members), and a page more for each further page of members, once the assignments are read.
  const listed = new Set(groups.map((g) => g.id));
  const assigned = new Set<string>();
  for (const r of resources) {
    for (const a of d.v1[`/servicePrincipals/${r.id as string}/appRoleAssignedTo`]) if (a.principalType === 'Group' && !listed.has(a.principalId)) assigned.add(a.principalId as string);
  }
  const assignedBatches = Math.ceil((assigned.size * 2) / 20);
  const assignedPages = [...assigned].reduce((sum, id) => sum + pages((d.v1[`/groups/${id}/members`] ?? []).length) - 1, 0);
  return {
    requests: 1 + listPages + Math.ceil(v1Items / 20) + Math.ceil(betaItems / 20) + extraRelationshipPages + flexibleBatches + assignedBatches + assignedPages,
    // The beta re-read of flexible credentials needs the relationship batch before it, and the
    // reads of assigned groups come after both (one round each).
    criticalPath: 1 + longest + 1 + (flexibleBatches > 0 ? 1 : 0) + (assignedBatches > 0 ? 1 : 0),
  };
}
