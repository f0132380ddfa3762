import { bump, graphCollection, type GenContext } from './context.js';
import {
  DIRECTORY_ROLES,
  FIRST_PARTY,
  GRAPH_APP_ID,
  GRAPH_APP_ROLES,
  GRAPH_DATA_END,
  GRAPH_HIGH_RISK_SCOPE_START,
  GRAPH_SCOPES,
  GRAPH_TIER0_COUNT,
  MICROSOFT_TENANT,
} from './entra-catalog.js';
import { appRole, application, graphServicePrincipal, permissionScope, servicePrincipal, spRef, userRef } from './entra-objects.js';
import { displayName, Names } from './names.js';
import { HEX } from './prng.js';

interface User {
  id: string;
  upn: string;
  displayName: string;
  first: string;
  last: string;
  title: string;
  enabled: boolean;
  service: boolean;
}

interface Sp {
  id: string;
  appId: string;
  displayName: string;
  kind: 'graph' | 'first-party' | 'app' | 'managed' | 'third-party' | 'agent';
  /** An internal API other apps are assigned to: its app role ids and scope. */
  api?: { roles: string[]; scope: string };
}

const VENDORS = ['SlideGenie', 'DocuFlow', 'Ticketly', 'PeopleSync', 'CloudCost', 'MailGuard', 'SecureScan', 'NoteAI', 'Zapflow', 'Backupify', 'SignRight', 'Calendly Pro'];

/** Writes `entra/*.json` for one tenant; fills `ctx.entraApps` for the federation other providers use. */
export function generateEntra(ctx: GenContext): void {
  const rng = ctx.rng.fork('entra');
  const names = new Names(rng.fork('names'));
  const { clock, plan, domain } = ctx;
  const p = plan.entra;
  const g = (days: number) => clock.graph(days);
  const out = (file: string, content: string) => ctx.emit(`entra/${file}`, content);

  const vendorTenants = VENDORS.map(() => rng.uuid());

  // People first: everything else points at them.
  const users: User[] = [];
  for (let i = 0; i < p.users; i++) {
    const person = names.person();
    users.push({
      id: rng.uuid(),
      upn: `${person.login}@${domain}`,
      displayName: `${person.first} ${person.last}`,
      first: person.first,
      last: person.last,
      title: rng.pick(['Software Engineer', 'Cloud Engineer', 'IT Administrator', 'Data Engineer', 'Product Manager', 'SRE', 'Security Analyst']),
      // Leavers whose accounts are disabled but still own things.
      enabled: !rng.chance(0.05),
      service: false,
    });
  }
  for (let i = 0; i < p.serviceUsers; i++) {
    const login = names.service('svc-');
    users.push({ id: rng.uuid(), upn: `${login}@${domain}`, displayName: login, first: '', last: '', title: '', enabled: true, service: true });
  }
  // At least one leaver, however small the estate, so owner-disabled rules always have work.
  if (users.every((u) => u.enabled)) users[1].enabled = false;
  const humans = users.filter((u) => !u.service);
  const activeHumans = humans.filter((u) => u.enabled);
  const leavers = humans.filter((u) => !u.enabled);

  const userRows = users.map((u) => {
    const interactive = u.service ? null : g(rng.range(0, 20));
    const nonInteractive = g(rng.range(0, 3));
    return {
      id: u.id,
      displayName: u.displayName,
      userPrincipalName: u.upn,
      accountEnabled: u.enabled,
      userType: 'Member',
      employeeType: u.service ? (rng.chance(0.3) ? 'Service' : null) : 'Employee',
      passwordPolicies: u.service ? 'DisablePasswordExpiration' : null,
      onPremisesSyncEnabled: u.service && rng.chance(0.3) ? true : null,
      createdDateTime: g(rng.range(200, 2400)),
      signInActivity: {
        lastSignInDateTime: interactive,
        lastSignInRequestId: interactive ? rng.uuid() : null,
        lastNonInteractiveSignInDateTime: nonInteractive,
        lastNonInteractiveSignInRequestId: rng.uuid(),
        lastSuccessfulSignInDateTime: nonInteractive,
        lastSuccessfulSignInRequestId: rng.uuid(),
      },
    };
  });
  out('users.json', graphCollection('users(id,displayName,userPrincipalName,accountEnabled,userType,employeeType,passwordPolicies,onPremisesSyncEnabled,createdDateTime,signInActivity)', userRows));
  const managers: Record<string, unknown> = {};
  for (const u of users) managers[u.id] = u.service || rng.chance(0.1) ? null : userRef(rng.pick(humans));
  out('userManagers.json', JSON.stringify(managers));
  out(
    'userRegistrationDetails.json',
    graphCollection(
      'reports/authenticationMethods/userRegistrationDetails',
      users.map((u) => {
        const mfa = !u.service && !rng.chance(0.08);
        return {
          id: u.id,
          userPrincipalName: u.upn,
          userDisplayName: u.displayName,
          userType: 'member',
          isAdmin: false,
          isSsprRegistered: mfa,
          isSsprEnabled: true,
          isSsprCapable: mfa,
          isMfaRegistered: mfa,
          isMfaCapable: mfa,
          isPasswordlessCapable: false,
          methodsRegistered: mfa ? ['microsoftAuthenticatorPush', 'softwareOneTimePasscode'] : [],
          isSystemPreferredAuthenticationMethodEnabled: true,
          systemPreferredAuthenticationMethods: mfa ? ['PushNotification'] : [],
          userPreferredMethodForSecondaryAuthentication: mfa ? 'push' : 'none',
          lastUpdatedDateTime: g(1),
        };
      }),
    ),
  );
  bump(ctx, 'entra.users', users.length);

  // Service principals: Graph, first-party, the tenant's own apps, managed identities, vendors, agents.
  const sps: Sp[] = [];
  const spRows: Record<string, unknown>[] = [];
  const graphSp: Sp = { id: rng.uuid(), appId: GRAPH_APP_ID, displayName: 'Microsoft Graph', kind: 'graph' };
  sps.push(graphSp);
  spRows.push(graphServicePrincipal(graphSp.id));
  for (const [appId, name] of FIRST_PARTY) {
    const sp: Sp = { id: rng.uuid(), appId, displayName: name, kind: 'first-party' };
    sps.push(sp);
    spRows.push(servicePrincipal({ id: sp.id, appId, displayName: name, ownerOrg: MICROSOFT_TENANT, signInAudience: 'AzureADMultipleOrgs' }));
  }

  const appRows: Record<string, unknown>[] = [];
  const ficRel: Record<string, unknown[]> = {};
  const appOwnerRel: Record<string, unknown[]> = {};
  const spOwnerRel: Record<string, unknown[]> = {};
  const ownable: Sp[] = [];
  const ownerFor = (): Record<string, unknown>[] => {
    const r = rng.next();
    if (r < 0.08) return []; // ownerless: nobody to ask when it breaks or leaks
    const count = r < 0.7 ? 1 : r < 0.93 ? 2 : 3;
    const list: Record<string, unknown>[] = [];
    for (let i = 0; i < count; i++) {
      if (ownable.length > 10 && rng.chance(0.02)) list.push(spRef(rng.pick(ownable)));
      else list.push(userRef(rng.pick(rng.chance(0.04) ? leavers : humans)));
    }
    return list;
  };

  const secret = (lifetimeDays: number, ageDays: number, label: string) => ({
    customKeyIdentifier: null,
    displayName: label,
    endDateTime: lifetimeDays >= 36500 ? '2299-12-31T23:59:59Z' : g(ageDays - lifetimeDays),
    hint: rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~', 3),
    keyId: rng.uuid(),
    startDateTime: g(ageDays),
  });
  const cert = (name: string, ageDays: number) => ({
    customKeyIdentifier: Buffer.from(rng.chars(HEX, 20), 'hex').toString('base64'),
    displayName: `CN=${name}.${domain}`,
    endDateTime: g(ageDays - 365),
    key: null,
    keyId: rng.uuid(),
    startDateTime: g(ageDays),
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
  });
  const secretLifetime = () => rng.weighted([[180, 20], [365, 35], [730, 35], [36500, 10]] as const);

  const apis: Sp[] = [];
  const tenantApps: Sp[] = [];
  const makeApp = (withSp: boolean, agentish: boolean): void => {
    const w = names.workload();
    const name = agentish ? `${displayName(w.team)} Assistant ${rng.range(1, 999)}` : displayName(w.name);
    const objectId = rng.uuid();
    const appId = rng.uuid();
    const created = rng.range(30, 2200);
    const creds = rng.weighted([['secret', 50], ['two-secrets', 7], ['cert', 15], ['fic', 8], ['none', 20]] as const);
    const passwords: unknown[] = [];
    const keys: unknown[] = [];
    if (creds === 'secret' || creds === 'two-secrets') {
      const n = creds === 'two-secrets' ? 2 : 1;
      for (let i = 0; i < n; i++) {
        // 6% are expired but still attached: nobody cleaned up after the last rotation.
        const life = secretLifetime();
        const age = rng.chance(0.06) ? life + rng.range(5, 300) : rng.range(1, Math.min(life, created));
        passwords.push(secret(life, age, `${w.name}-${i + 1}`));
      }
    } else if (creds === 'cert') keys.push(cert(w.name, rng.range(10, 360)));
    if (creds === 'fic' || rng.chance(0.03)) {
      const repo = `${domain.split('.')[0]}/${w.team}-${rng.pick(['infra', 'service', 'app', 'tools'])}`;
      const weak = rng.chance(0.25);
      ficRel[objectId] = [
        {
          id: rng.uuid(),
          name: `${w.name}-gha`,
          issuer: 'https://token.actions.githubusercontent.com',
          subject: weak ? `repo:${repo}:pull_request` : rng.chance(0.5) ? `repo:${repo}:ref:refs/heads/main` : `repo:${repo}:environment:production`,
          description: weak ? 'plan on pull requests' : 'deploy',
          audiences: ['api://AzureADTokenExchange'],
        },
      ];
    } else ficRel[objectId] = [];

    const isApi = withSp && !agentish && rng.chance(0.06);
    const apiRoles = isApi ? [rng.uuid(), rng.uuid()] : [];
    const apiScope = isApi ? rng.uuid() : '';
    const required: unknown[] = [{ resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: GRAPH_SCOPES[0][0], type: 'Scope' }] }];
    const legacy = rng.chance(0.03);
    appRows.push(
      application({
        id: objectId,
        appId,
        displayName: name,
        createdDateTime: g(created),
        domain,
        description: agentish ? `AI assistant for the ${w.team} team (LLM on Azure OpenAI).` : `${displayName(w.team)} ${w.env} workload.`,
        notes: rng.chance(0.3) ? `Owner team: ${w.team}.` : null,
        tags: agentish ? ['ai', 'assistant'] : [],
        passwordCredentials: passwords,
        keyCredentials: keys,
        requiredResourceAccess: required,
        redirectUris: legacy || rng.chance(0.3) ? [`https://${w.name}.${domain}/signin-oidc`] : [],
        implicitAccessToken: legacy,
        implicitIdToken: legacy,
        fallbackPublicClient: rng.chance(0.01),
        appRoles: apiRoles.map((rid, i) => appRole(rid, `${displayName(w.team).replace(/ /g, '')}.${i === 0 ? 'Read' : 'ReadWrite'}.All`, `${i === 0 ? 'Read' : 'Read and write'} ${w.team} data`, ['Application', 'User'])),
        scopes: isApi ? [permissionScope(apiScope, 'access_as_user', 'User', `call the ${w.team} API`)] : [],
        identifierUris: isApi ? [`api://${appId}`] : [],
        spLock: rng.chance(0.4),
      }),
    );
    appOwnerRel[objectId] = ownerFor();
    bump(ctx, 'entra.applications');
    if (!withSp) return;
    const sp: Sp = { id: rng.uuid(), appId, displayName: name, kind: agentish ? 'agent' : 'app' };
    if (isApi) sp.api = { roles: apiRoles, scope: 'access_as_user' };
    sps.push(sp);
    tenantApps.push(sp);
    if (isApi) apis.push(sp);
    ownable.push(sp);
    ctx.entraApps.push({ appId, spId: sp.id, name });
    // Credentials on the service principal itself: invisible in the app registration blade.
    const spSecrets = rng.chance(0.02) ? [secret(730, rng.range(10, 600), 'sp-secret')] : [];
    spRows.push(
      servicePrincipal({
        id: sp.id,
        appId,
        displayName: name,
        ownerOrg: ctx.tenantId,
        createdDateTime: g(created),
        notes: null,
        tags: ['WindowsAzureActiveDirectoryIntegratedApp', ...(agentish ? ['ai', 'agent'] : [])],
        appRoles: apiRoles.map((rid, i) => appRole(rid, `${displayName(w.team).replace(/ /g, '')}.${i === 0 ? 'Read' : 'ReadWrite'}.All`, `${w.team} data`, ['Application', 'User'])),
        scopes: isApi ? [permissionScope(apiScope, 'access_as_user', 'User', `call the ${w.team} API`)] : [],
        passwordCredentials: spSecrets,
        servicePrincipalNames: isApi ? [appId, `api://${appId}`] : [appId],
        appRoleAssignmentRequired: isApi,
      }),
    );
    spOwnerRel[sp.id] = rng.chance(0.1) ? ownerFor() : [];
  };
  for (let i = 0; i < p.appWithSp; i++) makeApp(true, rng.chance(0.02));
  for (let i = 0; i < p.appOnly; i++) makeApp(false, false);

  for (let i = 0; i < p.managedIdentities; i++) {
    const w = names.workload();
    const sub = rng.uuid();
    const userAssigned = rng.chance(0.4);
    const resource = userAssigned
      ? `/subscriptions/${sub}/resourcegroups/rg-${w.team}-${w.env}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${w.name}`
      : `/subscriptions/${sub}/resourcegroups/rg-${w.team}-${w.env}/providers/${rng.pick(['Microsoft.Web/sites', 'Microsoft.Compute/virtualMachines', 'Microsoft.Logic/workflows', 'Microsoft.ContainerInstance/containerGroups'])}/${w.name}`;
    const sp: Sp = { id: rng.uuid(), appId: rng.uuid(), displayName: w.name, kind: 'managed' };
    sps.push(sp);
    spRows.push(
      servicePrincipal({
        id: sp.id,
        appId: sp.appId,
        displayName: w.name,
        ownerOrg: null,
        type: 'ManagedIdentity',
        alternativeNames: [`isExplicit=${userAssigned ? 'True' : 'False'}`, resource],
        servicePrincipalNames: [sp.appId, `https://identity.azure.net/${rng.chars(HEX, 32)}`],
        createdDateTime: g(rng.range(10, 1500)),
      }),
    );
    spOwnerRel[sp.id] = [];
  }

  for (let i = 0; i < p.thirdParty; i++) {
    const v = rng.int(VENDORS.length);
    const name = `${VENDORS[v]} ${rng.pick(['Connector', 'for Microsoft 365', 'Sync', 'Notes', 'Integration'])}${i >= VENDORS.length ? ` ${i}` : ''}`;
    const sp: Sp = { id: rng.uuid(), appId: rng.uuid(), displayName: name, kind: 'third-party' };
    sps.push(sp);
    const verified = rng.chance(0.6);
    spRows.push(
      servicePrincipal({
        id: sp.id,
        appId: sp.appId,
        displayName: name,
        ownerOrg: vendorTenants[v],
        signInAudience: 'AzureADMultipleOrgs',
        tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
        replyUrls: [`https://app.${VENDORS[v].toLowerCase().replace(/ /g, '')}.example/auth/callback`],
        verifiedPublisher: verified ? { displayName: VENDORS[v], verifiedPublisherId: String(rng.range(1000000, 9999999)), addedDateTime: g(rng.range(100, 900)) } : null,
        createdDateTime: g(rng.range(10, 1200)),
      }),
    );
    spOwnerRel[sp.id] = [];
  }

  const sponsorRel: Record<string, unknown[]> = {};
  const blueprint = tenantApps.find((s) => s.kind === 'agent') ?? tenantApps[0];
  for (let i = 0; i < p.agents; i++) {
    const w = names.workload();
    const sp: Sp = { id: rng.uuid(), appId: rng.uuid(), displayName: `${w.team}-agent-${i + 1}`, kind: 'agent' };
    sps.push(sp);
    spRows.push(
      servicePrincipal({
        id: sp.id,
        appId: sp.appId,
        displayName: sp.displayName,
        ownerOrg: ctx.tenantId,
        odataType: '#microsoft.graph.agentIdentity',
        type: 'ServiceIdentity',
        tags: ['agent'],
        agentIdentityBlueprintId: blueprint?.appId,
        createdDateTime: g(rng.range(5, 200)),
      }),
    );
    spOwnerRel[sp.id] = [];
    // Some agents were created without a sponsor: nobody answers for what they do.
    sponsorRel[sp.id] = rng.chance(0.75) ? [userRef(rng.pick(activeHumans.length ? activeHumans : humans))] : [];
  }

  out('servicePrincipals.json', graphCollection('servicePrincipals', spRows));
  out('applications.json', graphCollection('applications', appRows));
  out('federatedIdentityCredentials.json', JSON.stringify(ficRel));
  out('applicationOwners.json', JSON.stringify(appOwnerRel));
  for (const sp of sps) spOwnerRel[sp.id] ??= [];
  out('servicePrincipalOwners.json', JSON.stringify(spOwnerRel));
  out('agentSponsors.json', JSON.stringify(sponsorRel));
  bump(ctx, 'entra.servicePrincipals', sps.length);
  spRows.length = 0;
  appRows.length = 0;

  // Application permissions and app-role assignments.
  const assignments: Record<string, unknown>[] = [];
  const assign = (principal: { id: string; displayName: string }, type: 'ServicePrincipal' | 'User' | 'Group', resource: Sp, roleId: string) => {
    assignments.push({
      id: rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-', 43),
      deletedDateTime: null,
      appRoleId: roleId,
      createdDateTime: g(rng.range(1, 1500)),
      principalDisplayName: principal.displayName,
      principalId: principal.id,
      principalType: type,
      resourceDisplayName: resource.displayName,
      resourceId: resource.id,
    });
  };
  const graphRole = (): string => {
    const r = rng.next();
    if (r < 0.025) return GRAPH_APP_ROLES[rng.int(GRAPH_TIER0_COUNT)][0];
    if (r < 0.2) return GRAPH_APP_ROLES[GRAPH_TIER0_COUNT + rng.int(GRAPH_DATA_END - GRAPH_TIER0_COUNT)][0];
    return GRAPH_APP_ROLES[GRAPH_DATA_END + rng.int(GRAPH_APP_ROLES.length - GRAPH_DATA_END)][0];
  };
  for (const sp of sps) {
    if (sp.kind === 'graph' || sp.kind === 'first-party') continue;
    const k = rng.weighted([[0, 25], [1, 30], [2, 20], [3, 12], [4, 8], [6, 5]] as const);
    const roles = new Set<string>();
    for (let i = 0; i < k; i++) roles.add(graphRole());
    for (const r of roles) assign(sp, 'ServicePrincipal', graphSp, r);
    if (apis.length > 0 && sp.kind !== 'third-party') {
      const n = rng.weighted([[0, 40], [1, 35], [2, 25]] as const);
      for (const api of rng.sample(apis, n)) if (api !== sp) assign(sp, 'ServicePrincipal', api, rng.pick(api.api!.roles));
    }
  }
  for (const api of apis) {
    for (const u of rng.sample(humans, rng.range(5, 40))) assign(u, 'User', api, api.api!.roles[0]);
  }
  out('appRoleAssignments.json', graphCollection('servicePrincipals/appRoleAssignedTo', assignments));
  bump(ctx, 'entra.appRoleAssignments', assignments.length);
  assignments.length = 0;

  // Delegated grants: admin consent for everyone, and per-user consent.
  const grants: Record<string, unknown>[] = [];
  const grantId = () => rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-', 43);
  for (const sp of sps) {
    if (sp.kind !== 'app' && sp.kind !== 'third-party' && sp.kind !== 'agent') continue;
    if (rng.chance(0.45)) {
      const scopes = ['openid', 'profile', 'User.Read'];
      const extra = rng.weighted([[0, 50], [1, 30], [2, 20]] as const);
      for (let i = 0; i < extra; i++) {
        const hi = rng.chance(0.06);
        scopes.push(hi ? GRAPH_SCOPES[GRAPH_HIGH_RISK_SCOPE_START + rng.int(GRAPH_SCOPES.length - GRAPH_HIGH_RISK_SCOPE_START)][1] : GRAPH_SCOPES[4 + rng.int(GRAPH_HIGH_RISK_SCOPE_START - 4)][1]);
      }
      grants.push({ clientId: sp.id, consentType: 'AllPrincipals', id: grantId(), principalId: null, resourceId: graphSp.id, scope: [...new Set(scopes)].join(' ') });
    }
    if (rng.chance(0.2)) {
      for (const u of rng.sample(humans, rng.range(2, 15))) {
        grants.push({ clientId: sp.id, consentType: 'Principal', id: grantId(), principalId: u.id, resourceId: graphSp.id, scope: rng.pick(['User.Read', 'User.Read Files.Read', 'User.Read Mail.Read', 'openid profile User.Read Calendars.Read']) });
      }
    }
    if (apis.length > 0 && rng.chance(0.1)) {
      const api = rng.pick(apis);
      if (api !== sp) grants.push({ clientId: sp.id, consentType: 'AllPrincipals', id: grantId(), principalId: null, resourceId: api.id, scope: api.api!.scope });
    }
  }
  out('oauth2PermissionGrants.json', graphCollection('oauth2PermissionGrants', grants));
  bump(ctx, 'entra.oauth2PermissionGrants', grants.length);
  grants.length = 0;

  // Directory roles: a handful of human admins, a few service principals, role-assignable groups.
  out(
    'roleDefinitions.json',
    graphCollection(
      'roleManagement/directory/roleDefinitions',
      DIRECTORY_ROLES.map(([id, name, actions]) => ({
        id,
        description: `${name} (built-in role).`,
        displayName: name,
        isBuiltIn: true,
        isEnabled: true,
        resourceScopes: ['/'],
        templateId: id,
        version: '1',
        rolePermissions: [{ allowedResourceActions: actions, condition: null }],
      })),
    ),
  );
  const roleAssignments: Record<string, unknown>[] = [];
  const roleAssign = (principalId: string, roleId: string) =>
    roleAssignments.push({ id: `${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_', 43)}-1`, directoryScopeId: '/', principalId, roleDefinitionId: roleId });
  for (const u of rng.sample(humans, Math.max(3, Math.round(humans.length * 0.02)))) roleAssign(u.id, rng.pick(DIRECTORY_ROLES)[0]);
  for (const u of users.filter((x) => x.service)) if (rng.chance(0.3)) roleAssign(u.id, rng.pick(DIRECTORY_ROLES)[0]);
  for (const sp of tenantApps) {
    if (rng.chance(0.015)) roleAssign(sp.id, DIRECTORY_ROLES[rng.int(DIRECTORY_ROLES.length)][0]);
  }
  const groupCount = Math.max(2, Math.round(users.length / 400));
  const groupRows: Record<string, unknown>[] = [];
  const memberRel: Record<string, unknown[]> = {};
  for (let i = 0; i < groupCount; i++) {
    const id = rng.uuid();
    const team = names.team();
    groupRows.push({
      id,
      deletedDateTime: null,
      classification: null,
      createdDateTime: g(rng.range(100, 1500)),
      description: `${team} administrators (role-assignable).`,
      displayName: `${displayName(team)} Admins ${i + 1}`,
      groupTypes: [],
      isAssignableToRole: true,
      mail: null,
      mailEnabled: false,
      mailNickname: `${team}-admins-${i + 1}`,
      membershipRule: null,
      membershipRuleProcessingState: null,
      onPremisesSyncEnabled: null,
      securityEnabled: true,
      securityIdentifier: `S-1-12-1-${rng.u32()}-${rng.u32()}-${rng.u32()}-${rng.u32()}`,
      visibility: 'Private',
    });
    const members: unknown[] = rng.sample(humans, rng.range(2, 8)).map(userRef);
    for (const sp of rng.sample(tenantApps, rng.range(0, 3))) members.push(spRef(sp));
    memberRel[id] = members;
    roleAssign(id, rng.pick(DIRECTORY_ROLES)[0]);
  }
  out('roleAssignments.json', graphCollection('roleManagement/directory/roleAssignments', roleAssignments));
  out('groups.json', graphCollection('groups', groupRows));
  out('groupMembers.json', JSON.stringify(memberRel));
  out(
    'roleEligibilitySchedules.json',
    graphCollection(
      'roleManagement/directory/roleEligibilitySchedules',
      rng.sample(humans, Math.max(1, Math.round(humans.length * 0.01))).map((u) => {
        const id = rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 22);
        return {
          id,
          principalId: u.id,
          roleDefinitionId: rng.pick(DIRECTORY_ROLES)[0],
          directoryScopeId: '/',
          appScopeId: null,
          createdUsing: id,
          createdDateTime: g(100),
          modifiedDateTime: null,
          status: 'Provisioned',
          memberType: 'Direct',
          scheduleInfo: { startDateTime: g(100), recurrence: null, expiration: { type: 'afterDateTime', endDateTime: g(-265), duration: null } },
        };
      }),
    ),
  );
  bump(ctx, 'entra.roleAssignments', roleAssignments.length);

  // Sign-in activity per appId: most are in daily use, a tenth have gone quiet.
  const none = { lastSignInDateTime: null, lastSignInRequestId: null };
  const signIns: Record<string, unknown>[] = [];
  for (const sp of sps) {
    if (rng.chance(0.05)) continue; // never signed in
    const days = rng.weighted([[rng.range(0, 7), 70], [rng.range(8, 89), 18], [rng.range(120, 700), 12]] as const);
    const at = { lastSignInDateTime: g(days), lastSignInRequestId: rng.uuid() };
    signIns.push({
      id: rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 32),
      appId: sp.appId,
      lastSignInActivity: at,
      delegatedClientSignInActivity: none,
      delegatedResourceSignInActivity: none,
      applicationAuthenticationClientSignInActivity: at,
      applicationAuthenticationResourceSignInActivity: none,
    });
  }
  out('servicePrincipalSignInActivities.json', JSON.stringify({ '@odata.context': 'https://graph.microsoft.com/beta/$metadata#reports/servicePrincipalSignInActivities', value: signIns }));
  out(
    'organization.json',
    graphCollection('organization', [
      {
        id: ctx.tenantId,
        deletedDateTime: null,
        businessPhones: [],
        city: 'Seattle',
        country: null,
        countryLetterCode: 'US',
        createdDateTime: g(2500),
        displayName: 'Contoso Synthetic',
        onPremisesSyncEnabled: true,
        preferredLanguage: 'en',
        tenantType: 'AAD',
        verifiedDomains: [{ capabilities: 'Email, OfficeCommunicationsOnline', isDefault: true, isInitial: true, name: domain, type: 'Managed' }],
      },
    ]),
  );
}

