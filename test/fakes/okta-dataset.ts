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
        },
      },
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
  users[1].credentials = { password: { value: `${CANARY}USER-PASSWORD` }, provider: { type: 'OKTA', name: 'OKTA' } };

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
  };
}

/** User ids the collector should pick for per-user calls in {@link sampleOrg}. */
export const SAMPLE_RELEVANT_USERS = ['00uALICE01', '00uBOB0001', '00uCAROL01', '00uMACHINE', '00uSVCDEP1'];
/** Groups reached by relevant users or the AWS app. */
export const SAMPLE_RELEVANT_GROUPS = ['00gAWSPROD', '00gEVERYON', '00gOPS0001'];
/** OIDC apps that act as machines. */
export const SAMPLE_MACHINE_APPS = ['0oaSVCKEY1', '0oaSVCSEC1', '0oaWEBCC01'];
