import { bump, type GenContext } from './context.js';
import { displayName, Names } from './names.js';
import { BASE62 } from './prng.js';

type Obj = Record<string, unknown>;

const ADMIN_ROLES: readonly (readonly [string, string])[] = [
  ['SUPER_ADMIN', 'Super Administrator'],
  ['ORG_ADMIN', 'Organization Administrator'],
  ['APP_ADMIN', 'Application Administrator'],
  ['USER_ADMIN', 'Group Administrator'],
  ['HELP_DESK_ADMIN', 'Help Desk Administrator'],
  ['GROUP_MEMBERSHIP_ADMIN', 'Group Membership Administrator'],
  ['READ_ONLY_ADMIN', 'Read-only Administrator'],
  ['REPORT_ADMIN', 'Report Administrator'],
];
/** Okta management scopes, read-only ones first; the `manage` ones let a client change the org. */
const READ_SCOPES = ['okta.users.read', 'okta.groups.read', 'okta.apps.read', 'okta.logs.read', 'okta.roles.read', 'okta.policies.read'];
const MANAGE_SCOPES = ['okta.users.manage', 'okta.groups.manage', 'okta.apps.manage', 'okta.roles.manage', 'okta.policies.manage', 'okta.apiTokens.manage'];

/** Writes `okta/*.json` for one org, including one `amazon_aws` app per planned AWS account. */
export function generateOkta(ctx: GenContext): void {
  const rng = ctx.rng.fork('okta');
  const names = new Names(rng.fork('names'));
  const { clock, plan, orgUrl, domain } = ctx;
  const o = (days: number) => clock.okta(days);
  const out = (file: string, value: unknown) => ctx.emit(`okta/${file}`, JSON.stringify(value));
  const id = (prefix: string) => prefix + rng.chars(BASE62, 20 - prefix.length);
  const roleId = () => rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16);
  const link = (path: string) => ({ href: `${orgUrl}${path}` });

  // Users: people, and the service accounts API tokens hang off.
  interface U { id: string; login: string; first: string; last: string; status: string; service: boolean; row: Obj }
  const users: U[] = [];
  const svcCount = Math.max(3, Math.round(plan.okta.apiTokens * 0.35));
  for (let i = 0; i < plan.okta.users + svcCount; i++) {
    const service = i >= plan.okta.users;
    const person = service ? undefined : names.person();
    const login = service ? `${names.service('svc.')}@${domain}` : `${person!.login}@${domain}`;
    const status = rng.weighted([['ACTIVE', 91], ['SUSPENDED', 2], ['DEPROVISIONED', 5], ['PASSWORD_EXPIRED', 1], ['STAGED', 1]] as const);
    const uid = id('00u');
    const created = rng.range(100, 2400);
    const first = person?.first ?? 'Service';
    const last = person?.last ?? login.split('@')[0];
    const row: Obj = {
      id: uid,
      status,
      created: o(created),
      activated: status === 'STAGED' ? null : o(created - 0.001),
      statusChanged: o(rng.range(1, created)),
      lastLogin: status === 'STAGED' ? null : service ? (rng.chance(0.5) ? null : o(rng.range(30, 900))) : o(rng.range(0, 40)),
      lastUpdated: o(rng.range(1, 200)),
      passwordChanged: service ? o(rng.range(300, created)) : o(rng.range(1, 180)),
      type: { id: 'otyn6lhNdEVA7f6w1NyR' },
      profile: { firstName: first, lastName: last, mobilePhone: null, secondEmail: null, login, email: login, title: service ? null : 'Employee', department: null },
      credentials: { password: {}, emails: [{ value: login, status: 'VERIFIED', type: 'PRIMARY' }], provider: { type: 'OKTA', name: 'OKTA' } },
      _links: { self: link(`/api/v1/users/${uid}`) },
    };
    users.push({ id: uid, login, first, last, status, service, row });
  }
  out('users.json', users.map((u) => u.row));
  // Every generated user has the org's default type; the Users API gives only its id.
  out('userTypes.json', [{ id: 'otyn6lhNdEVA7f6w1NyR', name: 'user', displayName: 'User', description: 'Okta user profile template with default permission settings', default: true }]);
  // The default custom authorization server, whose issuer ({org}/oauth2/default) the AWS accounts'
  // OIDC providers trust (aws.ts): its audience set to the one their trusts pin, and its default
  // policy and rule as Okta creates them (every client, client_credentials among the grants).
  // Fixed ids: no random draw, so the rest of the estate is generated as before.
  const as = 'ausb1f5x0nJ3aT2Q9d7y';
  const policy = '00pb1f5x0oVd3Kq2R8d7';
  const asCreated = o(1200);
  out('authorizationServers.json', [
    { id: as, name: 'default', description: 'Default Authorization Server for your Applications', audiences: ['api://aws'], issuer: `${orgUrl}/oauth2/default`, issuerMode: 'ORG_URL', status: 'ACTIVE', created: asCreated, lastUpdated: o(300), _links: { self: link(`/api/v1/authorizationServers/${as}`) } },
  ]);
  out('authServerPolicies.json', {
    [as]: [{ type: 'OAUTH_AUTHORIZATION_POLICY', id: policy, status: 'ACTIVE', name: 'Default Policy', description: 'Default policy description', priority: 1, system: false, conditions: { clients: { include: ['ALL_CLIENTS'] } }, created: asCreated, lastUpdated: asCreated }],
  });
  out('authServerPolicyRules.json', {
    [policy]: [
      {
        type: 'RESOURCE_ACCESS',
        id: '0prb1f5x0pXk2Wd9R8d7',
        status: 'ACTIVE',
        name: 'Default Policy Rule',
        priority: 1,
        system: false,
        created: asCreated,
        lastUpdated: asCreated,
        conditions: { people: { users: { include: [], exclude: [] }, groups: { include: ['EVERYONE'], exclude: [] } }, grantTypes: { include: ['client_credentials', 'authorization_code', 'implicit'] }, scopes: { include: ['*'] } },
      },
    ],
  });
  for (const u of users) u.row = {};
  bump(ctx, 'okta.users', users.length);
  const humans = users.filter((u) => !u.service);
  const activeHumans = humans.filter((u) => u.status === 'ACTIVE');
  const services = users.filter((u) => u.service);

  // Admin roles: a few people, and many of the token-owning service accounts (the usual shortcut).
  const roleRow = (type: string, label: string, assignee: string, kind: 'USER' | 'GROUP' | 'CLIENT') => ({
    id: roleId(),
    label,
    type,
    status: 'ACTIVE',
    created: o(rng.range(10, 1500)),
    lastUpdated: o(rng.range(1, 10)),
    assignmentType: kind,
    _links: { assignee: link(kind === 'CLIENT' ? `/oauth2/v1/clients/${assignee}` : kind === 'GROUP' ? `/api/v1/groups/${assignee}` : `/api/v1/users/${assignee}`) },
  });
  const userRoles: Record<string, unknown[]> = {};
  for (const u of users) {
    const r = rng.next();
    const pickRole = u.service ? (r < 0.1 ? 0 : r < 0.2 ? 1 : r < 0.35 ? 6 : r < 0.45 ? 7 : -1) : r < 0.01 ? 0 : r < 0.03 ? rng.range(1, 5) : -1;
    userRoles[u.id] = pickRole >= 0 ? [roleRow(ADMIN_ROLES[pickRole][0], ADMIN_ROLES[pickRole][1], u.id, 'USER')] : [];
  }
  out('userRoles.json', userRoles);

  const factors: Record<string, unknown[]> = {};
  for (const u of users) {
    factors[u.id] = u.service || rng.chance(0.05)
      ? []
      : [{ id: id('opf'), factorType: 'push', provider: 'OKTA', vendorName: 'OKTA', status: 'ACTIVE', created: o(rng.range(30, 900)), lastUpdated: o(rng.range(1, 30)), profile: { credentialId: u.login, deviceType: 'SmartPhone_IPhone', name: `${u.first} phone`, platform: 'IOS', version: '18.6' }, _links: { self: link(`/api/v1/users/${u.id}/factors`), user: link(`/api/v1/users/${u.id}`) } }];
  }
  out('userFactors.json', factors);

  // Groups: Everyone, team groups, AWS role groups per account, a service-accounts group.
  interface G { id: string; name: string; row: Obj }
  const group = (name: string, description: string, type = 'OKTA_GROUP'): G => {
    const gid = id('00g');
    return {
      id: gid,
      name,
      row: {
        id: gid,
        created: o(rng.range(100, 2000)),
        lastUpdated: o(rng.range(30, 100)),
        lastMembershipUpdated: o(rng.range(1, 30)),
        objectClass: ['okta:user_group'],
        type,
        profile: { name, description },
        _links: { users: link(`/api/v1/groups/${gid}/users`), apps: link(`/api/v1/groups/${gid}/apps`) },
      },
    };
  };
  const everyone = group('Everyone', 'All users in your organization', 'BUILT_IN');
  const teams: G[] = [];
  for (let i = 0; i < Math.max(3, Math.round(users.length / 60)); i++) {
    const t = names.team();
    teams.push(group(`${t}-team-${i + 1}`, `${displayName(t)} team`));
  }
  const svcGroup = group('Service Accounts', 'Non-human accounts');
  const awsGroups = new Map<string, G[]>();
  for (const acct of ctx.accounts) {
    awsGroups.set(acct.accountId, acct.oktaSamlRoles.map((r) => group(`aws_${acct.accountId}_${r}`, `AWS ${acct.alias}: SAML role ${r}`)));
  }
  const allGroups = [everyone, ...teams, svcGroup, ...[...awsGroups.values()].flat()];
  out('groups.json', allGroups.map((x) => x.row));
  const groupRoles: Record<string, unknown[]> = {};
  for (const gr of allGroups) {
    groupRoles[gr.id] = teams.includes(gr) && rng.chance(0.08) ? [roleRow(rng.pick(['USER_ADMIN', 'APP_ADMIN', 'HELP_DESK_ADMIN']), 'Delegated admin', gr.id, 'GROUP')] : [];
  }
  out('groupRoles.json', groupRoles);
  const awsMembers = new Map<string, U[]>();
  const userGroups: Record<string, unknown[]> = {};
  const flatAws = [...awsGroups.values()].flat();
  for (const u of users) {
    const list: G[] = [everyone];
    if (u.service) list.push(svcGroup);
    else list.push(...rng.sample(teams, rng.range(1, 2)));
    if (flatAws.length > 0 && (u.service ? rng.chance(0.05) : rng.chance(0.12))) {
      for (const ag of rng.sample(flatAws, rng.range(1, 2))) {
        list.push(ag);
        const m = awsMembers.get(ag.id) ?? [];
        m.push(u);
        awsMembers.set(ag.id, m);
      }
    }
    userGroups[u.id] = list.map((x) => x.row);
  }
  out('userGroups.json', userGroups);

  // Apps: service apps (client credentials), some web apps, the AWS federation apps, built-ins.
  const apps: Obj[] = [];
  const secrets: Record<string, unknown[]> = {};
  const jwks: Record<string, unknown[]> = {};
  const grants: Record<string, unknown[]> = {};
  const clientRoles: Record<string, unknown[]> = {};
  const oidcApp = (label: string, kind: 'service' | 'web', auth: string, created: number, notes: string | null): { appId: string; row: Obj } => {
    const appId = id('0oa');
    const active = !rng.chance(0.04);
    const row: Obj = {
      id: appId,
      name: 'oidc_client',
      label,
      status: active ? 'ACTIVE' : 'INACTIVE',
      lastUpdated: o(rng.range(1, created)),
      created: o(created),
      accessibility: { selfService: false, errorRedirectUrl: null, loginRedirectUrl: null },
      visibility: { autoLaunch: false, autoSubmitToolbar: false, hide: { iOS: kind === 'service', web: kind === 'service' }, appLinks: {} },
      features: [],
      signOnMode: 'OPENID_CONNECT',
      credentials: {
        userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' },
        signing: { kid: rng.chars(BASE62, 43) },
        oauthClient: { autoKeyRotation: true, client_id: appId, token_endpoint_auth_method: auth, pkce_required: kind === 'web' },
      },
      settings: {
        app: {},
        notifications: { vpn: { network: { connection: 'DISABLED' }, message: null, helpUrl: null } },
        manualProvisioning: false,
        implicitAssignment: false,
        notes: { admin: notes, enduser: null },
        oauthClient: {
          client_uri: null,
          logo_uri: null,
          redirect_uris: kind === 'web' ? [`https://${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.${domain}/authorization-code/callback`] : [],
          response_types: kind === 'service' ? ['token'] : ['code'],
          grant_types: kind === 'service' ? ['client_credentials'] : ['authorization_code', 'refresh_token'],
          application_type: kind,
          consent_method: 'REQUIRED',
          issuer_mode: 'DYNAMIC',
          idp_initiated_login: { mode: 'DISABLED', default_scope: [] },
          wildcard_redirect: 'DISABLED',
          dpop_bound_access_tokens: false,
        },
      },
      _links: { appLinks: [], groups: link(`/api/v1/apps/${appId}/groups`), users: link(`/api/v1/apps/${appId}/users`), deactivate: link(`/api/v1/apps/${appId}/lifecycle/deactivate`) },
    };
    return { appId, row };
  };
  const secretRow = (appId: string, ageDays: number, active: boolean) => {
    const sid = id('ocs');
    return {
      id: sid,
      status: active ? 'ACTIVE' : 'INACTIVE',
      secret_hash: rng.chars(BASE62, 22),
      created: o(ageDays),
      lastUpdated: o(ageDays),
      _links: { deactivate: { href: `${orgUrl}/api/v1/apps/${appId}/credentials/secrets/${sid}/lifecycle/deactivate`, hints: { allow: ['POST'] } } },
    };
  };
  const jwkRow = (appId: string, ageDays: number) => {
    const kid = id('pks');
    return {
      id: kid,
      kty: 'RSA',
      alg: 'RS256',
      use: 'sig',
      kid: `${appId}-${rng.range(2023, 2026)}`,
      e: 'AQAB',
      n: rng.chars(BASE62, 342),
      status: 'ACTIVE',
      created: o(ageDays),
      lastUpdated: o(ageDays),
      _links: { deactivate: { href: `${orgUrl}/api/v1/apps/${appId}/credentials/jwks/${kid}/lifecycle/deactivate`, hints: { allow: ['POST'] } } },
    };
  };

  for (let i = 0; i < plan.okta.serviceApps; i++) {
    const w = names.workload();
    const jwt = rng.chance(0.35);
    const created = rng.range(20, 1800);
    const { appId, row } = oidcApp(displayName(w.name), 'service', jwt ? 'private_key_jwt' : 'client_secret_basic', created, rng.chance(0.4) ? `Owner: ${w.team} team.` : null);
    apps.push(row);
    ctx.oktaServiceClientIds.push(appId);
    if (jwt) {
      secrets[appId] = [];
      jwks[appId] = [jwkRow(appId, rng.range(1, created))];
    } else {
      const n = rng.weighted([[1, 88], [2, 10], [3, 2]] as const);
      secrets[appId] = Array.from({ length: n }, (_, k) => secretRow(appId, rng.range(1, created), k === 0 || rng.chance(0.7)));
      jwks[appId] = [];
    }
    const scopes = new Set<string>(rng.sample(READ_SCOPES, rng.range(1, 3)));
    if (rng.chance(0.18)) scopes.add(rng.pick(MANAGE_SCOPES.slice(0, 3)));
    if (rng.chance(0.015)) scopes.add(rng.pick(MANAGE_SCOPES.slice(3)));
    grants[appId] = [...scopes].map((scopeId) => {
      const gid = id('oag');
      return {
        id: gid,
        status: 'ACTIVE',
        created: o(rng.range(1, created)),
        createdBy: { id: rng.pick(humans).id, type: 'User' },
        lastUpdated: o(rng.range(1, created)),
        issuer: orgUrl,
        clientId: appId,
        scopeId,
        source: 'ADMIN',
        _links: { app: { href: `${orgUrl}/api/v1/apps/${appId}`, title: row.label }, self: link(`/api/v1/apps/${appId}/grants/${gid}`), client: { href: `${orgUrl}/oauth2/v1/clients/${appId}`, title: row.label } },
      };
    });
    const r = rng.next();
    const role = r < 0.005 ? 0 : r < 0.02 ? 1 : r < 0.05 ? rng.range(2, 5) : r < 0.08 ? rng.range(6, 7) : -1;
    clientRoles[appId] = role >= 0 ? [roleRow(ADMIN_ROLES[role][0], ADMIN_ROLES[role][1], appId, 'CLIENT')] : [];
  }
  bump(ctx, 'okta.serviceApps', plan.okta.serviceApps);
  for (let i = 0; i < plan.okta.webApps; i++) {
    const w = names.workload();
    const created = rng.range(20, 1800);
    const { appId, row } = oidcApp(`${displayName(w.team)} Portal ${i + 1}`, 'web', 'client_secret_basic', created, null);
    apps.push(row);
    secrets[appId] = [secretRow(appId, rng.range(1, created), true)];
    jwks[appId] = [];
    grants[appId] = [];
  }

  const appUsers: Record<string, unknown[]> = {};
  const appGroups: Record<string, unknown[]> = {};
  for (const acct of ctx.accounts) {
    const appId = id('0oa');
    apps.push({
      id: appId,
      name: 'amazon_aws',
      label: `AWS ${acct.alias}`,
      status: 'ACTIVE',
      lastUpdated: o(rng.range(10, 300)),
      created: o(rng.range(300, 1500)),
      accessibility: { selfService: false, errorRedirectUrl: null, loginRedirectUrl: null },
      visibility: { autoLaunch: false, autoSubmitToolbar: false, hide: { iOS: false, web: false }, appLinks: { login: true } },
      features: [],
      signOnMode: 'SAML_2_0',
      credentials: { userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' }, signing: { kid: rng.chars(BASE62, 43) } },
      settings: {
        app: {
          awsEnvironmentType: 'aws.amazon',
          groupFilter: 'aws_(?{{accountid}}\\d+)_(?{{role}}[a-zA-Z0-9+=,.@\\-_]+)',
          loginURL: 'https://console.aws.amazon.com/ec2/home',
          joinAllRoles: true,
          sessionDuration: rng.pick([3600, 14400, 43200]),
          roleValuePattern: 'arn:aws:iam::${accountid}:saml-provider/Okta,arn:aws:iam::${accountid}:role/${role}',
          identityProviderArn: `arn:aws:iam::${acct.accountId}:saml-provider/Okta`,
          accessKey: null,
          secretKey: null,
          secretKeyEnc: null,
          useGroupMapping: true,
          webSSOAllowedClient: null,
        },
        notifications: { vpn: { network: { connection: 'DISABLED' }, message: null, helpUrl: null } },
        manualProvisioning: false,
        implicitAssignment: false,
        notes: { admin: `Group-mapped AWS federation for account ${acct.accountId}.`, enduser: null },
        signOn: { defaultRelayState: null, ssoAcsUrlOverride: null, audienceOverride: null, recipientOverride: null, destinationOverride: null, attributeStatements: [] },
      },
      _links: { appLinks: [], groups: link(`/api/v1/apps/${appId}/groups`), users: link(`/api/v1/apps/${appId}/users`) },
    });
    const groups = awsGroups.get(acct.accountId) ?? [];
    appGroups[appId] = groups.map((gr, k) => ({ id: gr.id, lastUpdated: o(rng.range(10, 300)), priority: k, profile: {}, _links: { app: link(`/api/v1/apps/${appId}`), group: link(`/api/v1/groups/${gr.id}`) } }));
    const assigned = new Map<string, U>();
    for (const gr of groups) for (const u of awsMembers.get(gr.id) ?? []) assigned.set(u.id, u);
    appUsers[appId] = [...assigned.values()].map((u) => ({
      id: u.id,
      externalId: null,
      created: o(rng.range(10, 600)),
      lastUpdated: o(rng.range(1, 10)),
      scope: 'GROUP',
      status: 'ACTIVE',
      statusChanged: o(rng.range(10, 600)),
      passwordChanged: null,
      syncState: 'DISABLED',
      credentials: { userName: u.login },
      profile: {},
      _links: { app: link(`/api/v1/apps/${appId}`), user: link(`/api/v1/users/${u.id}`) },
    }));
  }
  out('apps.json', apps);
  out('appSecrets.json', secrets);
  out('appJwks.json', jwks);
  out('appGrants.json', grants);
  out('clientRoles.json', clientRoles);
  out('appUsers.json', appUsers);
  out('appGroups.json', appGroups);
  bump(ctx, 'okta.apps', apps.length);

  // API tokens: each acts with its creator's admin rights; most are owned by service accounts.
  const tokens: Obj[] = [];
  for (let i = 0; i < plan.okta.apiTokens; i++) {
    const owner = rng.chance(0.65) ? rng.pick(services) : rng.pick(rng.chance(0.9) && activeHumans.length ? activeHumans : humans);
    const tid = id('00T');
    const created = rng.range(5, 1500);
    const lastUse = rng.weighted([[rng.range(0, 3), 75], [rng.range(4, 29), 15]] as const);
    const anywhere = rng.chance(0.6);
    tokens.push({
      id: tid,
      name: `${names.workload().name}-token`,
      userId: owner.id,
      clientName: 'Okta API',
      created: o(created),
      lastUpdated: o(Math.min(lastUse, created)),
      expiresAt: o(Math.min(lastUse, created) - 30),
      tokenWindow: 'P30D',
      network: anywhere ? { connection: 'ANYWHERE' } : { connection: 'ZONE', include: [id('nzo')], exclude: [] },
      _links: { self: { href: `${orgUrl}/api/v1/api-tokens/${tid}`, hints: { allow: ['GET', 'DELETE', 'PUT'] } }, user: [{ name: `${owner.first} ${owner.last}`, href: `${orgUrl}/api/v1/users/${owner.id}` }] },
    });
  }
  out('apiTokens.json', tokens);
  bump(ctx, 'okta.apiTokens', tokens.length);
}
