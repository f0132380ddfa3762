import { DEFAULT_CONFIG } from '../../src/config/types.js';
import type { OktaFakeDataset } from './okta-server.js';

type Obj = Record<string, unknown>;

/** Every secret-looking value in the dataset starts with this, so a test can grep for leaks. */
export const CANARY = 'CANARY-OKTA-';

function oidcApp(id: string, label: string, applicationType: string, grantTypes: string[], authMethod: string, extra: Obj = {}): Obj {
  return {
    id,
    name: 'oidc_client',
    label,
    status: 'ACTIVE',
    signOnMode: 'OPENID_CONNECT',
    created: '2025-01-10T10:00:00.000Z',
    credentials: { oauthClient: { client_id: id, token_endpoint_auth_method: authMethod, autoKeyRotation: true, ...extra } },
    settings: { oauthClient: { application_type: applicationType, grant_types: grantTypes } },
  };
}

function user(id: string, login: string, extra: Obj = {}): Obj {
  return {
    id,
    status: 'ACTIVE',
    created: '2024-03-01T00:00:00.000Z',
    lastLogin: null,
    passwordChanged: '2024-03-01T00:00:00.000Z',
    type: { id: 'oty0default' },
    profile: { login, email: login, firstName: login.split('@')[0], lastName: 'Example', ...extra },
    credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
  };
}

/** The org's default user type, the one every `user()` has. */
const DEFAULT_USER_TYPE: Obj = { id: 'oty0default', name: 'user', displayName: 'User', description: 'Okta user profile template with default permission settings', default: true };

/**
 * A custom authorization server as GET /api/v1/authorizationServers lists it (Okta Management API,
 * "Authorization Servers"): the issuer is the org URL's form, `{org}/oauth2/{id}` (`default` for
 * the default server).
 */
export function authServer(id: string, name: string, audiences: string[], status = 'ACTIVE', issuerPath = id): Obj {
  return { id, name, description: `${name} authorization server`, audiences, issuer: `https://fake.okta.example/oauth2/${issuerPath}`, issuerMode: 'ORG_URL', status, created: '2024-01-01T00:00:00.000Z', lastUpdated: '2024-01-01T00:00:00.000Z', credentials: { signing: { rotationMode: 'AUTO', kid: `kid-${id}`, use: 'sig' } } };
}

/** An access policy of a custom authorization server ("Authorization Server Policies"). */
export function accessPolicy(id: string, name: string, clients: string[], priority = 1, status = 'ACTIVE'): Obj {
  return { type: 'OAUTH_AUTHORIZATION_POLICY', id, status, name, description: name, priority, system: false, conditions: { clients: { include: clients } }, created: '2024-01-01T00:00:00.000Z', lastUpdated: '2024-01-01T00:00:00.000Z' };
}

/** A rule of an access policy ("Authorization Server Rules"). */
export function accessRule(id: string, name: string, grantTypes: string[], priority = 1, status = 'ACTIVE', scopes = ['*']): Obj {
  return {
    type: 'RESOURCE_ACCESS',
    id,
    status,
    name,
    priority,
    system: false,
    conditions: { people: { groups: { include: ['EVERYONE'] } }, grantTypes: { include: grantTypes }, scopes: { include: scopes } },
    actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
  };
}

const role = (type: string, id = `ra-${type}`): Obj => ({ id, type, status: 'ACTIVE', assignmentType: 'USER', label: type });

/**
 * A small org with every NHI shape the collector must find: two service apps (one with a
 * client secret, one with a key), a web app allowed client_credentials, an AWS SAML app with a
 * direct and a group-derived user, API tokens owned by an admin and a service account, and
 * bookmark apps and ordinary users that must not trigger per-object calls.
 */
export function sampleOrg(): OktaFakeDataset {
  const apps: Obj[] = [
    oidcApp('0oaSVCKEY1', 'deploy-bot', 'service', ['client_credentials'], 'private_key_jwt'),
    oidcApp('0oaSVCSEC1', 'billing-sync', 'service', ['client_credentials'], 'client_secret_basic', {
      // Older orgs return the secret in the app object itself.
      client_secret: `${CANARY}APPLIST-SECRET`,
      // Secret-bearing members under names no exact list holds (integrations vary).
      client_secret_value: `${CANARY}CLIENT-SECRET-VALUE`,
      signingSecret: `${CANARY}SIGNING-SECRET`,
    }),
    oidcApp('0oaWEBCC01', 'portal-backend', 'web', ['authorization_code', 'client_credentials'], 'client_secret_post'),
    oidcApp('0oaWEBONLY', 'portal', 'web', ['authorization_code'], 'client_secret_basic'),
    {
      id: '0oaAWS0001',
      name: 'amazon_aws',
      label: 'AWS prod',
      status: 'ACTIVE',
      signOnMode: 'SAML_2_0',
      settings: {
        app: {
          awsEnvironmentType: 'aws.amazon',
          groupFilter: 'aws_(?{{accountid}}\\d+)_(?{{role}}[a-zA-Z0-9+=,.@\\-_]+)',
          useGroupMapping: true,
          joinAllRoles: false,
          sessionDuration: 3600,
          secretKey: `${CANARY}AWS-SECRET-KEY`,
          privateKey: `-----BEGIN PRIVATE KEY-----${CANARY}PEM-----END PRIVATE KEY-----`,
          webhook: { signing_secret: { value: `${CANARY}NESTED-SECRET`, algorithm: `${CANARY}NESTED-ALG` } },
          scimBearerToken: `${CANARY}SCIM-BEARER`,
          apiPassphrase: `${CANARY}PASSPHRASE`,
        },
      },
      credentials: { scheme: 'EDIT_USERNAME_AND_PASSWORD', userName: 'svc-aws', password: { value: `${CANARY}SWA-PASSWORD` }, signing: { kid: 'sig-1', privateKey: `${CANARY}SIGNING-KEY` } },
    },
  ];
  for (let i = 1; i <= 4; i++) {
    apps.push({ id: `0oaBOOK000${i}`, name: 'bookmark', label: `Bookmark ${i}`, status: 'ACTIVE', signOnMode: 'BOOKMARK' });
  }

  const users: Obj[] = [
    user('00uALICE01', 'alice@corp.example'),
    user('00uSVCDEP1', 'svc-deploy@corp.example'),
    user('00uBOB0001', 'bob@corp.example'),
    user('00uCAROL01', 'carol@corp.example'),
    user('00uMACHINE', 'reporting@corp.example', { userType: 'ServiceAccount' }),
  ];
  for (let i = 1; i <= 6; i++) users.push(user(`00uHUMAN0${i}`, `human${i}@corp.example`));
  // Write-only in real Okta; here it is echoed to prove the collector drops it.
  users[1].credentials = {
    password: { value: `${CANARY}USER-PASSWORD`, hash: { algorithm: 'BCRYPT', salt: `${CANARY}SALT`, value: `${CANARY}PASSWORD-HASH` } },
    recovery_question: { question: 'first pet', answer: `${CANARY}RECOVERY-ANSWER` },
    provider: { type: 'OKTA', name: 'OKTA' },
  };

  const groups: Obj[] = [
    { id: '00gOPS0001', type: 'OKTA_GROUP', profile: { name: 'Ops' } },
    { id: '00gAWSPROD', type: 'OKTA_GROUP', profile: { name: 'aws_111122223333_Admin' } },
    { id: '00gEVERYON', type: 'BUILT_IN', profile: { name: 'Everyone' } },
    { id: '00gSALES01', type: 'OKTA_GROUP', profile: { name: 'Sales' } },
  ];

  const emptyFor = (ids: string[]): Record<string, Obj[]> => Object.fromEntries(ids.map((id) => [id, []]));
  const userIds = users.map((u) => String(u.id));

  return {
    apps,
    appSecrets: {
      '0oaSVCSEC1': [
        {
          id: 'ocs1',
          status: 'ACTIVE',
          client_secret: `${CANARY}CLIENT-SECRET-1`,
          secret_hash: 'hash-1',
          created: '2024-01-01T00:00:00.000Z',
          lastUpdated: '2024-01-01T00:00:00.000Z',
        },
      ],
      '0oaWEBCC01': [{ id: 'ocs2', status: 'ACTIVE', secret_hash: 'hash-2', created: '2025-06-01T00:00:00.000Z' }],
    },
    appJwks: {
      '0oaSVCKEY1': [
        // A private member slipped into a JWK response must not be stored.
        { id: 'pks1', kid: 'deploy-key-1', kty: 'RSA', status: 'ACTIVE', e: 'AQAB', n: 'public-modulus', d: `${CANARY}JWK-PRIVATE-D` },
      ],
    },
    appGrants: {
      '0oaSVCKEY1': [{ id: 'oag1', scopeId: 'okta.users.manage', status: 'ACTIVE', issuer: 'https://fake', source: 'ADMIN' }],
      '0oaSVCSEC1': [{ id: 'oag2', scopeId: 'okta.apps.read', status: 'ACTIVE', issuer: 'https://fake', source: 'ADMIN' }],
    },
    clientRoles: {
      '0oaSVCKEY1': [role('SUPER_ADMIN')],
      '0oaSVCSEC1': [],
      '0oaWEBCC01': [],
    },
    appUsers: {
      '0oaAWS0001': [
        { id: '00uBOB0001', scope: 'USER', status: 'ACTIVE' },
        { id: '00uCAROL01', scope: 'GROUP', status: 'ACTIVE' },
      ],
    },
    appGroups: { '0oaAWS0001': [{ id: '00gAWSPROD', priority: 0 }] },
    apiTokens: [
      { id: '00Tadmin1', name: 'terraform', userId: '00uALICE01', clientName: 'Okta API', tokenWindow: 'P30D', created: '2023-01-01T00:00:00.000Z', expiresAt: '2026-12-01T00:00:00.000Z', network: { connection: 'ANYWHERE' } },
      { id: '00Tsvc0001', name: 'ci', userId: '00uSVCDEP1', clientName: 'Okta API', tokenWindow: 'P30D', created: '2024-01-01T00:00:00.000Z', expiresAt: '2026-12-05T00:00:00.000Z', network: { connection: 'ANYWHERE' } },
    ],
    users,
    userRoles: { ...emptyFor(userIds), '00uALICE01': [role('SUPER_ADMIN')], '00uSVCDEP1': [role('APP_ADMIN')] },
    userFactors: {
      ...emptyFor(userIds),
      '00uALICE01': [{ id: 'opf1', factorType: 'push', provider: 'OKTA', status: 'ACTIVE' }],
    },
    userGroups: {
      ...emptyFor(userIds),
      '00uSVCDEP1': [groups[0], groups[2]],
      '00uBOB0001': [groups[1], groups[2]],
      '00uCAROL01': [groups[1], groups[2]],
      '00uHUMAN01': [groups[3], groups[2]],
    },
    groups,
    groupRoles: { ...emptyFor(groups.map((g) => String(g.id))), '00gOPS0001': [role('ORG_ADMIN', 'ra-grp-ops')] },
    userTypes: [DEFAULT_USER_TYPE],
    // The default server every org with API Access Management has, and one for AWS federation
    // whose policy takes deploy-bot only.
    authorizationServers: [authServer('ausDEFAULT01', 'default', ['api://default'], 'ACTIVE', 'default'), authServer('ausAWSFED01', 'aws-federation', ['api://aws'])],
    authServerPolicies: {
      ausDEFAULT01: [accessPolicy('00pDEFAULT1', 'Default Policy', ['ALL_CLIENTS'])],
      ausAWSFED01: [accessPolicy('00pAWSFED01', 'AWS workloads', ['0oaSVCKEY1']), accessPolicy('00pAWSOFF01', 'Retired', ['ALL_CLIENTS'], 2, 'INACTIVE')],
    },
    authServerPolicyRules: {
      '00pDEFAULT1': [accessRule('0prDEFAULT1', 'Default Policy Rule', ['client_credentials', 'authorization_code', 'implicit', 'password'])],
      '00pAWSFED01': [accessRule('0prAWSFED01', 'Client credentials', ['client_credentials'])],
      '00pAWSOFF01': [],
    },
  };
}

/** User ids the collector should pick for per-user calls in {@link sampleOrg}. */
export const SAMPLE_RELEVANT_USERS = ['00uALICE01', '00uBOB0001', '00uCAROL01', '00uMACHINE', '00uSVCDEP1'];
/** Groups reached by relevant users or the AWS app. */
export const SAMPLE_RELEVANT_GROUPS = ['00gAWSPROD', '00gEVERYON', '00gOPS0001'];
/** OIDC apps that act as machines. */
export const SAMPLE_MACHINE_APPS = ['0oaSVCKEY1', '0oaSVCSEC1', '0oaWEBCC01'];

/** Sizes of a generated org ({@link makeOktaDataset}). */
export interface OktaDatasetSize {
  /** All users, service accounts included. */
  users: number;
  /** Users whose login looks like a service account (`svc-…`), read in detail by the collector. */
  serviceAccounts: number;
  /** All apps: machine apps, AWS apps and ordinary web/bookmark apps. */
  apps: number;
  /** OIDC service apps on `client_credentials` (half on a client secret, half on a key). */
  machineApps: number;
  /** `amazon_aws` SAML apps. */
  awsApps: number;
  /** People assigned directly to each AWS app. */
  awsUsersPerApp: number;
  apiTokens: number;
  groups: number;
  /** Groups each user belongs to, besides Everyone (at most 18, so one default page holds them). */
  groupsPerUser: number;
}

const id20 = (prefix: string, n: number): string => `${prefix}${String(n).padStart(17, '0')}`;

/**
 * A deterministic org of the given size with the same shapes as {@link sampleOrg}. Users
 * `svc-…` look like service accounts; the first API tokens belong to the first people (who are
 * super administrators), the rest to service accounts; AWS apps have people assigned directly
 * and through `aws_<account>_<role>` groups.
 */
export function makeOktaDataset(size: OktaDatasetSize): OktaFakeDataset {
  const apps: Obj[] = [];
  const appSecrets: Record<string, Obj[]> = {};
  const appJwks: Record<string, Obj[]> = {};
  const appGrants: Record<string, Obj[]> = {};
  const clientRoles: Record<string, Obj[]> = {};
  const appUsers: Record<string, Obj[]> = {};
  const appGroups: Record<string, Obj[]> = {};
  for (let i = 0; i < size.machineApps; i++) {
    const id = id20('0oa', i);
    const key = i % 2 === 0;
    apps.push(oidcApp(id, `service-${i}`, 'service', ['client_credentials'], key ? 'private_key_jwt' : 'client_secret_basic'));
    appSecrets[id] = key ? [] : [{ id: `ocs${i}`, status: 'ACTIVE', secret_hash: `hash-${i}`, created: '2024-01-01T00:00:00.000Z' }];
    appJwks[id] = key ? [{ id: `pks${i}`, kid: `key-${i}`, kty: 'RSA', status: 'ACTIVE', e: 'AQAB', n: `modulus-${i}` }] : [];
    appGrants[id] = [{ id: `oag${i}`, scopeId: i % 5 === 0 ? 'okta.users.manage' : 'okta.users.read', status: 'ACTIVE', issuer: 'https://fake', source: 'ADMIN' }];
    clientRoles[id] = i % 10 === 0 ? [role('APP_ADMIN', `ra-app-${i}`)] : [];
  }
  const people = size.users - size.serviceAccounts;
  const personId = (i: number): string => id20('00u', size.serviceAccounts + (i % Math.max(1, people)));
  const groups: Obj[] = [{ id: id20('00g', 0), type: 'BUILT_IN', profile: { name: 'Everyone' } }];
  for (let i = 1; i < size.groups; i++) groups.push({ id: id20('00g', i), type: 'OKTA_GROUP', profile: { name: `group-${i}` } });
  for (let a = 0; a < size.awsApps; a++) {
    const id = id20('0oa', size.machineApps + a);
    apps.push({
      id,
      name: 'amazon_aws',
      label: `AWS ${a}`,
      status: 'ACTIVE',
      signOnMode: 'SAML_2_0',
      settings: { app: { awsEnvironmentType: 'aws.amazon', groupFilter: 'aws_(?{{accountid}}\\d+)_(?{{role}}[a-zA-Z0-9+=,.@\\-_]+)', useGroupMapping: true } },
    });
    const account = String(111122220000 + a);
    const awsGroups = [0, 1].map((k) => ({ id: id20('00g', size.groups + 2 * a + k), type: 'OKTA_GROUP', profile: { name: `aws_${account}_${k === 0 ? 'Admin' : 'ReadOnly'}` } }));
    groups.push(...awsGroups);
    appGroups[id] = awsGroups.map((g, k) => ({ id: g.id, priority: k }));
    appUsers[id] = Array.from({ length: size.awsUsersPerApp }, (_, k) => ({ id: personId(size.apiTokens + a * size.awsUsersPerApp + k), scope: 'USER', status: 'ACTIVE' }));
  }
  for (let i = apps.length; i < size.apps; i++) {
    const id = id20('0oa', i);
    apps.push(i % 2 === 0 ? oidcApp(id, `portal-${i}`, 'web', ['authorization_code'], 'client_secret_basic') : { id, name: 'bookmark', label: `Bookmark ${i}`, status: 'ACTIVE', signOnMode: 'BOOKMARK' });
  }

  const users: Obj[] = [];
  const userRoles: Record<string, Obj[]> = {};
  const userFactors: Record<string, Obj[]> = {};
  const userGroups: Record<string, Obj[]> = {};
  const per = Math.min(18, size.groupsPerUser);
  for (let i = 0; i < size.users; i++) {
    const id = id20('00u', i);
    const svc = i < size.serviceAccounts;
    users.push(user(id, svc ? `svc-${i}@corp.example` : `person-${i}@corp.example`));
    userRoles[id] = !svc && i - size.serviceAccounts < 3 ? [role('SUPER_ADMIN', `ra-${i}`)] : [];
    userFactors[id] = svc ? [] : [{ id: `opf${i}`, factorType: 'push', provider: 'OKTA', status: 'ACTIVE' }];
    const mine = [groups[0]];
    for (let k = 0; k < per && size.groups > 1; k++) mine.push(groups[1 + ((i * 7 + k * 13) % (size.groups - 1))]);
    userGroups[id] = [...new Map(mine.map((g) => [g.id, g])).values()];
  }
  // AWS app people are also in the app's groups.
  for (const [appId, assigned] of Object.entries(appUsers)) {
    for (const u of assigned) {
      const gs = appGroups[appId].map((ag) => groups.find((g) => g.id === ag.id)!);
      userGroups[String(u.id)] = [...new Map([...userGroups[String(u.id)], ...gs].map((g) => [g.id, g])).values()];
    }
  }
  const apiTokens: Obj[] = Array.from({ length: size.apiTokens }, (_, i) => ({
    id: `00T${String(i).padStart(17, '0')}`,
    name: `token-${i}`,
    userId: i % 2 === 0 ? personId(Math.floor(i / 2)) : id20('00u', Math.floor(i / 2) % Math.max(1, size.serviceAccounts)),
    clientName: 'Okta API',
    tokenWindow: 'P30D',
    created: '2024-01-01T00:00:00.000Z',
    network: { connection: 'ANYWHERE' },
  }));
  const groupRoles: Record<string, Obj[]> = {};
  for (const [i, g] of groups.entries()) groupRoles[String(g.id)] = i % 25 === 1 ? [role('USER_ADMIN', `ra-grp-${i}`)] : [];
  return {
    apps, appSecrets, appJwks, appGrants, clientRoles, appUsers, appGroups, apiTokens, users, userRoles, userFactors, userGroups, groups, groupRoles, userTypes: [DEFAULT_USER_TYPE],
    // The default custom authorization server, as Okta sets it up.
    authorizationServers: [authServer('ausDEFAULT01', 'default', ['api://default'], 'ACTIVE', 'default')],
    authServerPolicies: { ausDEFAULT01: [accessPolicy('00pDEFAULT1', 'Default Policy', ['ALL_CLIENTS'])] },
    authServerPolicyRules: { '00pDEFAULT1': [accessRule('0prDEFAULT1', 'Default Policy Rule', ['client_credentials', 'authorization_code', 'implicit'])] },
  };
}

/** What a perfect Okta collector must send for a dataset: requests, and the longest dependent chain. */
export interface OktaMinimumPlan {
  requests: number;
  /**
   * Requests that must follow each other (each needs an answer before it can be sent), plus
   * any `listDelays`.
   */
  criticalPath: number;
}

/**
 * The minimum requests for the collector's scope (docs/snapshot-format.md): every page of the
 * apps, API tokens, users and groups lists; per machine app (OIDC on `client_credentials` or a
 * service app) its secrets, keys, grants and admin roles; per AWS app its users and groups; per
 * user that can act as a machine (API token owners, service-account-looking users, people
 * assigned to an AWS app) their roles, factors and groups; per group those users or AWS apps
 * reach, its roles. Lists the collector can ask `limit` on use `pageSize`; the others
 * (`/api/v1/api-tokens` and the per-object lists, which take no `limit`) the server's default.
 */
export function oktaMinimumPlan(
  ds: OktaFakeDataset,
  opts: {
    pageSize: number;
    defaultLimit?: number;
    serviceAccountPatterns?: readonly RegExp[];
    awsAppNames?: readonly string[];
    /**
     * Extra length, in request round trips, of the chain through a list endpoint (e.g. the
     * retries and waits a server forced on `/api/v1/users`), to get the critical path under
     * throttling.
     */
    listDelays?: Partial<Record<'/api/v1/apps' | '/api/v1/api-tokens' | '/api/v1/users' | '/api/v1/groups', number>>;
  },
): OktaMinimumPlan {
  const def = opts.defaultLimit ?? 20;
  const pages = (n: number, size: number): number => Math.max(1, Math.ceil(n / size));
  const patterns = opts.serviceAccountPatterns ?? [
    /^(svc|service|srv|sa|api|bot|sys|system|integration|automation|robot)[-_.]/i,
    /[-_.](svc|service|bot|api|integration|automation)@/i,
    /^(service|machine|system|bot|nhi|non[-_ ]?human)/i,
  ];
  const awsNames = new Set(opts.awsAppNames ?? ['amazon_aws', 'amazon_aws_sso']);
  const machine = ds.apps.filter((a) => {
    const c = (a.settings as Obj | undefined)?.oauthClient as Obj | undefined;
    return a.signOnMode === 'OPENID_CONNECT' && (c?.application_type === 'service' || (c?.grant_types as string[] | undefined)?.includes('client_credentials'));
  });
  const aws = ds.apps.filter((a) => awsNames.has(String(a.name)));
  const relevant = new Set<string>(ds.apiTokens.map((t) => String(t.userId)));
  for (const u of ds.users) {
    const p = u.profile as Obj;
    const names = [p.login, p.userType, (u.type as Obj | undefined)?.id].filter((s): s is string => typeof s === 'string' && s !== '');
    if (patterns.some((re) => names.some((s) => new RegExp(re.source, re.flags.replace(/[gy]/g, '')).test(s)))) relevant.add(String(u.id));
    // The default configuration's patterns, on the login and the part before the @, and its
    // service-account types, on profile.userType: the transform's classification inputs.
    const login = typeof p.login === 'string' ? p.login : '';
    const cfgNames = login ? [login, login.split('@')[0]] : [];
    if (DEFAULT_CONFIG.serviceAccountPatterns.some((src) => cfgNames.some((s) => new RegExp(src, 'i').test(s)))) relevant.add(String(u.id));
    if (typeof p.userType === 'string' && DEFAULT_CONFIG.serviceAccountTypes.includes(p.userType.toLowerCase())) relevant.add(String(u.id));
  }
  for (const a of aws) for (const u of ds.appUsers[String(a.id)] ?? []) relevant.add(String(u.id));
  const groupIds = new Set<string>();
  for (const id of relevant) for (const g of ds.userGroups[id] ?? []) groupIds.add(String(g.id));
  for (const a of aws) for (const g of ds.appGroups[String(a.id)] ?? []) groupIds.add(String(g.id));

  const lists = {
    apps: pages(ds.apps.length, opts.pageSize),
    apiTokens: pages(ds.apiTokens.length, def),
    users: pages(ds.users.length, opts.pageSize),
    groups: pages(ds.groups.length, opts.pageSize),
    // The org's user types: one unpaged list (an org has at most ten).
    userTypes: 1,
    authorizationServers: pages((ds.authorizationServers ?? []).length, opts.pageSize),
  };
  // Per custom authorization server its policies, per policy its rules (neither list takes `limit`).
  const servers = (ds.authorizationServers ?? []).map((srv) => String(srv.id));
  const perServer = servers.map((id) => pages((ds.authServerPolicies?.[id] ?? []).length, def));
  const perPolicy = servers.flatMap((id) => (ds.authServerPolicies?.[id] ?? []).map((p) => pages((ds.authServerPolicyRules?.[String(p.id)] ?? []).length, def)));
  const d = opts.listDelays ?? {};
  const chain = {
    apps: lists.apps + (d['/api/v1/apps'] ?? 0),
    apiTokens: lists.apiTokens + (d['/api/v1/api-tokens'] ?? 0),
    users: lists.users + (d['/api/v1/users'] ?? 0),
    groups: lists.groups + (d['/api/v1/groups'] ?? 0),
  };
  const perMachine = machine.map((a) => {
    const id = String(a.id);
    const clientId = String(((a.credentials as Obj).oauthClient as Obj).client_id ?? id);
    return [ds.appSecrets[id], ds.appJwks[id], ds.appGrants[id], ds.clientRoles[clientId]].map((l) => pages((l ?? []).length, def));
  });
  const perAws = aws.map((a) => [ds.appUsers[String(a.id)], ds.appGroups[String(a.id)]].map((l) => pages((l ?? []).length, opts.pageSize)));
  const perUser = [...relevant].map((id) => [ds.userRoles[id], ds.userFactors[id], ds.userGroups[id]].map((l) => pages((l ?? []).length, def)));
  const perGroup = [...groupIds].map((id) => pages((ds.groupRoles[id] ?? []).length, def));
  const sum = (xs: number[][]): number => xs.reduce((s, x) => s + x.reduce((a, b) => a + b, 0), 0);
  const requests =
    lists.apps + lists.apiTokens + lists.users + lists.groups + lists.userTypes + lists.authorizationServers + perServer.reduce((a, b) => a + b, 0) + perPolicy.reduce((a, b) => a + b, 0) + sum(perMachine) + sum(perAws) + sum(perUser) + perGroup.reduce((a, b) => a + b, 0);

  // Dependencies: per-app reads need the app list; the users to read need the token owners, the
  // user list and the AWS apps' users; group roles need those users' groups and the AWS apps' groups.
  const max = (xs: number[]): number => (xs.length === 0 ? 0 : Math.max(...xs));
  const awsUsersDone = chain.apps + max(perAws.map((x) => x[0]));
  const relevantKnown = Math.max(chain.users, chain.apiTokens, aws.length > 0 ? awsUsersDone : 0);
  const userGroupsDone = relevantKnown + max(perUser.map((x) => x[2]));
  const groupsKnown = Math.max(userGroupsDone, aws.length > 0 ? chain.apps + max(perAws.map((x) => x[1])) : 0);
  const criticalPath = Math.max(
    chain.apps + max(perMachine.map((x) => max(x))),
    chain.groups,
    lists.userTypes,
    lists.authorizationServers + max(perServer) + max(perPolicy),
    relevantKnown + max(perUser.map((x) => Math.max(x[0], x[1]))),
    groupsKnown + max(perGroup),
  );
  return { requests, criticalPath };
}
