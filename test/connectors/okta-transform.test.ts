import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GraphBuilder, type Graph } from '../../src/graph/graph.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { InputError } from '../../src/errors.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { transformOkta } from '../../src/connectors/okta/transform.js';
import { durationMs } from '../../src/connectors/okta/transform-tokens.js';
import { oktaGroupFilter, oktaGroupFilterProblem } from '../../src/connectors/okta/transform-aws.js';
import { analyze, CONTROL_EDGES } from '../../src/analysis/analyze.js';
import type { GraphEdge } from '../../src/graph/model.js';
import { loadSnapshotDir, oktaIds as I, oktaOrg } from '../helpers/okta-builders.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/okta/acme', import.meta.url));
const ARN = 'arn:aws:iam::111122223333:saml-provider/Okta';
/** fixtures/demo's AWS Prod SSO filter (story 9). */
const DEMO_FILTER = 'aws_(?{{accountid}}\\d+)_(?{{role}}[a-zA-Z0-9+=,.@\\-_]+)';

function build(snapshot: Snapshot): Graph {
  const b = new GraphBuilder();
  transformOkta(snapshot, b, DEFAULT_CONFIG);
  return b.build();
}

/**
 * A shortest route of control edges from one node to another (only unconditional edges when
 * `firm`; never through `avoid`), as its edges; undefined when there is none.
 */
function route(g: Graph, from: string, to: string, firm: boolean, avoid?: string): GraphEdge[] | undefined {
  const prev = new Map<string, GraphEdge | undefined>([[from, undefined]]);
  const queue = [from];
  for (let q = 0; q < queue.length; q++) {
    for (const e of g.out(queue[q])) {
      if (!CONTROL_EDGES.has(e.type) || (firm && e.conditional) || prev.has(e.to) || e.to === avoid) continue;
      prev.set(e.to, e);
      queue.push(e.to);
    }
  }
  if (!prev.has(to)) return undefined;
  const out: GraphEdge[] = [];
  for (let e = prev.get(to); e; e = prev.get(e.from)) out.unshift(e);
  return out;
}

function escalations(g: Graph, from: string): string[] {
  return g
    .out(from, 'CAN_ESCALATE_TO')
    .map((e) => e.to)
    .sort();
}

describe('transformOkta on the recorded acme org', () => {
  const snap = loadSnapshotDir(FIXTURE);
  const g = build(snap);

  it('uses the org URL without its trailing slash as the scope and records coverage for every capability', () => {
    expect(g.scopes).toEqual([{ provider: 'okta', id: 'https://acme.okta.com', name: 'Acme' }]);
    const caps = g.coverage.map((c) => `${c.capability}=${c.status}`).sort();
    expect(caps).toEqual([
      'okta.adminRoles=collected',
      'okta.apiTokens=collected',
      'okta.appAssignments=collected',
      'okta.appCredentials=collected',
      // Only Deploy Bot has a key in appSecrets.json, and three service apps have none in
      // appJwks.json: the collector reads both for every service app, so those were not read.
      'okta.appCredentials@appJwks.json=error',
      'okta.appCredentials@appSecrets.json=error',
      'okta.appGrants=collected',
      'okta.apps=collected',
      // Recorded before the custom authorization servers were read: no files, not collected.
      'okta.authorizationServers=not-collected',
      'okta.clientRoles=collected',
      'okta.factors=collected',
      'okta.groups=collected',
      'okta.userTypes=collected',
      'okta.users=collected',
    ]);
    expect(g.coverage.find((c) => c.capability === 'okta.appCredentials@appSecrets.json')?.reason).toBe(
      '3 of 4 service apps are not in appSecrets.json: their client secrets were not read (first: 0oa2reporter, 0oa3rolesbot, 0oa6appsbot)',
    );
  });

  it('makes OIDC service apps identities and leaves browser apps out', () => {
    expect(g.ofType('okta-service-app').map((n) => n.nativeId).sort()).toEqual(['0oa1deploy', '0oa2reporter', '0oa3rolesbot', '0oa6appsbot']);
    expect(g.node(I.app('0oa4portal'))).toBeUndefined();
    const deploy = g.node(I.app('0oa1deploy'))!;
    expect(deploy).toMatchObject({ kind: 'identity', name: 'Deploy Bot', enabled: true, createdAt: '2024-03-01T10:00:00.000Z' });
    expect(deploy.attrs).toMatchObject({ clientId: '0oa1deploy', tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: ['client_credentials'], credentialsCollected: true });
  });

  it('keeps secret ids, status and dates but never the secret hash', () => {
    const creds = g.out(I.app('0oa1deploy'), 'HAS_CREDENTIAL').map((e) => g.node(e.to)!);
    expect(creds.map((c) => [c.nativeId, c.credentialType, c.status, c.createdAt]).sort()).toEqual([
      ['secret/0oa1deploy/ocs0dead', 'client-secret', 'inactive', '2024-03-01T10:00:00.000Z'],
      ['secret/0oa1deploy/ocs1old', 'client-secret', 'active', '2025-01-01T10:00:00.000Z'],
      ['secret/0oa1deploy/ocs2new', 'client-secret', 'active', '2026-06-01T10:00:00.000Z'],
    ]);
    const serialized = JSON.stringify([...g.nodes.values()]);
    expect(serialized).not.toContain('yk4SVx4sUWVJVbHt6M');
    expect(serialized).not.toContain('public-modulus');
  });

  it('reads JWKS keys from the jwks endpoint, or inline settings for older apps', () => {
    const reporter = g.out(I.app('0oa2reporter'), 'HAS_CREDENTIAL').map((e) => g.node(e.to)!);
    expect(reporter.map((c) => [c.credentialType, c.attrs.kid])).toEqual([['private-key-jwt', 'reporter-2026']]);
    const roles = g.out(I.app('0oa3rolesbot'), 'HAS_CREDENTIAL').map((e) => g.node(e.to)!);
    expect(roles.map((c) => [c.credentialType, c.attrs.kid])).toEqual([['private-key-jwt', 'inline-1']]);
  });

  it('turns ACTIVE grants into hidden GRANTED edges to tiered scope nodes and ignores revoked ones', () => {
    const granted = g.out(I.app('0oa1deploy'), 'GRANTED');
    expect(granted.every((e) => e.hidden)).toBe(true);
    expect(granted.map((e) => g.node(e.to)!.name).sort()).toEqual(['okta.apps.read', 'okta.groups.manage', 'okta.users.manage']);
    expect(g.node(I.scope('okta.users.manage'))).toMatchObject({ kind: 'privilege', tier: 3, crownJewel: 'identity-admin' });
    expect(g.node(I.scope('okta.apps.read'))).toMatchObject({ tier: 1 });
    expect(g.node(I.scope('okta.roles.manage'))).toMatchObject({ tier: 4, crownJewel: 'admin' });
    expect(g.node(I.scope('okta.logs.read'))?.crownJewel).toBeUndefined();
  });

  it('links admin roles of users, groups and clients', () => {
    expect(g.out(I.app('0oa3rolesbot'), 'HAS_ROLE').map((e) => e.to)).toEqual([I.role('SUPER_ADMIN')]);
    expect(g.node(I.role('SUPER_ADMIN'))).toMatchObject({ tier: 4, crownJewel: 'admin', type: 'okta-admin-role' });
    expect(g.node(I.role('HELP_DESK_ADMIN'))).toMatchObject({ tier: 3, crownJewel: 'identity-admin' });
    expect(g.out(I.group('00g2helpdesk'), 'HAS_ROLE').map((e) => e.to)).toEqual([I.role('HELP_DESK_ADMIN')]);
    expect(g.out(I.user('00u4carol'), 'MEMBER_OF').map((e) => e.to)).toEqual([I.group('00g2helpdesk')]);
    // Everyone carries no role and no AWS assignment: no node, no membership edges.
    expect(g.node(I.group('00g0everyone'))).toBeUndefined();
    expect(g.node(I.user('00u4carol'))!.attrs).toMatchObject({ adminRoles: ['HELP_DESK_ADMIN'], adminRolesComplete: true });
  });

  it('classifies service accounts with reasons and keeps people human', () => {
    const svc = g.node(I.user('00u2svc'))!;
    expect(svc.kind).toBe('identity');
    expect(svc.machineReasons?.[0]).toMatch(/login matches service-account pattern/);
    expect(svc.machineReasons).toContain('owns 1 API token(s)');
    expect(svc.lastUsedAt).toBeNull();
    const bot = g.node(I.user('00u6bot'))!;
    expect(bot.machineReasons).toContain('profile.userType "Service"');
    expect(g.node(I.user('00u1alice'))).toMatchObject({ kind: 'human', lastUsedAt: '2026-11-19T08:00:00.000Z' });
    expect(g.node(I.user('00u4carol'))!.enabled).toBe(false);
    // A service account's password is its credential; a person's is not modelled.
    expect(g.out(svc.id, 'HAS_CREDENTIAL').map((e) => g.node(e.to)!.credentialType)).toEqual(['password']);
    expect(g.out(I.user('00u1alice'), 'HAS_CREDENTIAL')).toEqual([]);
  });

  it('models API tokens as identities acting as their creator', () => {
    const t = g.node(I.token('00T1terraform'))!;
    expect(t).toMatchObject({ kind: 'identity', type: 'okta-api-token', expiresAt: '2026-12-18T10:00:00.000Z' });
    // lastUpdated is not documented as a last-use time: not used as one.
    expect(t.lastUsedAt).toBeUndefined();
    expect(t.attrs).toMatchObject({ tokenWindow: 'P30D', network: { connection: 'ANYWHERE' }, lastUseEstimate: '2026-11-18T10:00:00.000Z' });
    const actsAs = g.out(t.id, 'ACTS_AS');
    expect(actsAs).toHaveLength(1);
    expect(actsAs[0]).toMatchObject({ to: I.user('00u1alice'), hidden: true });
    expect(g.out(t.id, 'CREATED_BY').map((e) => e.to)).toEqual([I.user('00u1alice')]);
    expect(g.out(t.id, 'HAS_CREDENTIAL').map((e) => g.node(e.to)!.credentialType)).toEqual(['api-token']);
  });

  it('keeps an owner missing from users.json as a placeholder and warns', () => {
    expect(g.node(I.user('00u9gone'))!.attrs).toMatchObject({ placeholder: true, listed: false });
    expect(g.warnings.some((w) => w.includes('okta/apiTokens.json') && w.includes('00u9gone'))).toBe(true);
  });

  it('bridges the AWS app, its users and groups to the SAML provider', () => {
    const aws = g.node(I.app('0oa5aws'))!;
    expect(aws).toMatchObject({ kind: 'privilege', type: 'okta-aws-federation-app' });
    expect(aws.attrs).toMatchObject({ joinAllRoles: true, sessionDuration: 43200, samlProviderArn: ARN, assignmentsCollected: true });
    const ref = I.samlProvider(ARN);
    expect(g.node(ref)).toMatchObject({ kind: 'external', type: 'aws-saml-provider-ref', scope: '111122223333' });
    const into = g.in(ref, 'SAML_MAPS_TO').map((e) => e.from).sort();
    expect(into).toEqual([I.app('0oa5aws'), I.group('00g1awsadmin'), I.user('00u3bob'), I.user('00u6bot')].sort());
    expect(g.in(ref, 'SAML_MAPS_TO').every((e) => e.hidden)).toBe(true);
    expect(g.out(I.user('00u6bot'), 'SAML_MAPS_TO')[0].evidence).toMatchObject({ samlRoles: ['OrganizationAccountAccessRole'] });
  });

  it('adds reset escalations only toward users that matter, never super admins or plain users', () => {
    expect(escalations(g, I.scope('okta.users.manage'))).toEqual(
      [I.user('00u2svc'), I.user('00u3bob'), I.user('00u4carol'), I.user('00u6bot')].sort(),
    );
    // Delegated user roles cannot touch other admins (svc-sync holds USER_ADMIN, carol HELP_DESK_ADMIN).
    expect(escalations(g, I.role('USER_ADMIN')).filter((id) => id.includes(':user:'))).toEqual([I.user('00u3bob'), I.user('00u6bot')].sort());
    // As a Group Administrator it adds members to the AWS group, never to the group holding HELP_DESK_ADMIN.
    expect(escalations(g, I.role('USER_ADMIN')).filter((id) => id.includes(':group:'))).toEqual([I.group('00g1awsadmin')]);
    const toUsers = g.out(I.role('USER_ADMIN'), 'CAN_ESCALATE_TO').filter((e) => e.to.includes(':user:'));
    expect(toUsers.every((e) => e.conditional && e.evidence?.method === 'okta:resetPassword+resetFactors')).toBe(true);
    expect(escalations(g, I.role('HELP_DESK_ADMIN'))).toEqual([I.user('00u3bob'), I.user('00u6bot')].sort());
  });

  it('adds group, app and role escalations, and none from read scopes', () => {
    const groupEdges = g.out(I.scopeUser('okta.groups.manage'), 'CAN_ESCALATE_TO');
    expect(groupEdges.map((e) => [e.to, e.conditional ?? false]).sort()).toEqual(
      [
        [I.group('00g1awsadmin'), false],
        [I.group('00g2helpdesk'), true],
      ].sort(),
    );
    // okta.apps.manage reaches the T3/T4 service apps (Apps Bot itself is T3), not the T1 Reporter,
    // and, through a user its holder controls, the AWS app.
    expect(escalations(g, I.scope('okta.apps.manage'))).toEqual([I.app('0oa1deploy'), I.app('0oa3rolesbot'), I.app('0oa6appsbot')].sort());
    expect(escalations(g, I.scopeUser('okta.apps.manage'))).toEqual([I.app('0oa5aws')]);
    expect(escalations(g, I.scope('okta.roles.manage'))).toEqual([I.crown()]);
    expect(g.node(I.crown())).toMatchObject({ type: 'okta-crown', tier: 4, crownJewel: 'admin' });
    for (const s of ['okta.users.read', 'okta.logs.read', 'okta.apps.read']) expect(g.out(I.scope(s), 'CAN_ESCALATE_TO')).toEqual([]);
    for (const e of g.edges()) if (e.type === 'CAN_ESCALATE_TO') expect(e.hidden && typeof e.evidence?.method === 'string' && e.reason.length > 20).toBe(true);
  });

  it('gives the analysis the tiers the escalations imply', () => {
    const a = analyze(g, { now: new Date('2026-11-20T09:00:00Z'), config: DEFAULT_CONFIG });
    expect(a.tier(I.token('00T1terraform'))).toBe(4);
    expect(a.tier(I.app('0oa2reporter'))).toBe(1);
    // Apps Bot can mint a secret for Roles Bot, which holds SUPER_ADMIN.
    expect(a.tier(I.app('0oa6appsbot'))).toBe(4);
    expect(a.tier(I.app('0oa1deploy'))).toBeGreaterThanOrEqual(3);
  });

  it('is deterministic', () => {
    const again = build(loadSnapshotDir(FIXTURE));
    expect(JSON.stringify([...again.nodes.values()])).toBe(JSON.stringify([...g.nodes.values()]));
    expect(JSON.stringify([...again.edges()])).toBe(JSON.stringify([...g.edges()]));
  });
});

describe('transformOkta coverage', () => {
  it('a missing relationship file makes its capability not-collected and leaves per-object facts undefined', () => {
    const g = oktaOrg().user({ id: 'u1', roles: ['SUPER_ADMIN'] }).serviceApp({ id: 'a1', secrets: [] }).without('userFactors').without('appSecrets').without('appJwks').graph();
    expect(g.capability('okta', 'https://acme.okta.com', 'okta.factors')).toBe('not-collected');
    expect(g.capability('okta', 'https://acme.okta.com', 'okta.appCredentials')).toBe('not-collected');
    expect(g.coverageRecord('okta', 'https://acme.okta.com', 'okta.factors')?.reason).toContain('okta/userFactors.json');
    expect(g.node(I.user('u1'))!.attrs.activeFactors).toBeUndefined();
    expect(g.node(I.app('a1'))!.attrs.credentialsCollected).toBe(false);
  });

  it('a capability the manifest marks missing-permission is ignored even if its file is present', () => {
    const g = oktaOrg()
      .serviceApp({ id: 'a1', grants: ['okta.users.manage'] })
      .withCoverage('okta.appGrants', 'missing-permission', '403 on /api/v1/apps/a1/grants')
      .graph();
    expect(g.capability('okta', 'https://acme.okta.com', 'okta.appGrants')).toBe('missing-permission');
    expect(g.out(I.app('a1'), 'GRANTED')).toEqual([]);
    expect(g.node(I.app('a1'))!.attrs.grantsCollected).toBe(false);
  });

  it('a parent missing from a relationship map is "not read" for that object only', () => {
    const g = oktaOrg().user({ id: 'u1', roles: null }).user({ id: 'u2', roles: [] }).graph();
    expect(g.node(I.user('u1'))!.attrs.adminRolesComplete).toBe(false);
    expect(g.node(I.user('u2'))!.attrs.adminRolesComplete).toBe(true);
  });

  it('stops on okta/ files without an Okta org in the manifest, rather than drop them', () => {
    const snap = oktaOrg().user({ id: 'u1' }).snapshot();
    delete snap.manifest.providers.okta;
    const b = new GraphBuilder();
    let err: unknown;
    try {
      transformOkta(snap, b, DEFAULT_CONFIG);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).oneLine()).toMatch(/^manifest\.json: \$\.providers\.okta\.orgUrl: no Okta org URL/);
  });

  it('does nothing without an Okta org and without okta/ files', () => {
    const snap = oktaOrg().user({ id: 'u1' }).snapshot();
    delete snap.manifest.providers.okta;
    for (const f of Object.keys(snap.files)) if (f.startsWith('okta/')) delete snap.files[f];
    const b = new GraphBuilder();
    transformOkta(snap, b, DEFAULT_CONFIG);
    const g = b.build();
    expect(g.nodes.size).toBe(0);
    expect(g.coverage).toEqual([]);
  });
});

describe('transformOkta malformed input', () => {
  const cases: [string, (s: Snapshot) => void, string, string][] = [
    ['apps not an array', (s) => (s.files['okta/apps.json'] = { id: 'x' }), 'okta/apps.json', '$'],
    ['grant_types not an array', (s) => (((s.files['okta/apps.json'] as any[])[0].settings.oauthClient.grant_types = 'client_credentials')), 'okta/apps.json', '$[0].settings.oauthClient.grant_types'],
    ['token created not a date', (s) => ((s.files['okta/apiTokens.json'] as any[])[0].created = 'yesterday'), 'okta/apiTokens.json', '$[0].created'],
    ['token window not a duration', (s) => ((s.files['okta/apiTokens.json'] as any[])[0].tokenWindow = '30 days'), 'okta/apiTokens.json', '$[0].tokenWindow'],
    ['network.connection not a string', (s) => ((s.files['okta/apiTokens.json'] as any[])[0].network = { connection: 1 }), 'okta/apiTokens.json', '$[0].network.connection'],
    ['grant without scopeId', (s) => delete (s.files['okta/appGrants.json'] as any).a1[0].scopeId, 'okta/appGrants.json', '$["a1"][0].scopeId'],
    ['role without type', (s) => delete (s.files['okta/userRoles.json'] as any).u1[0].type, 'okta/userRoles.json', '$["u1"][0].type'],
    ['user without id', (s) => delete (s.files['okta/users.json'] as any[])[0].id, 'okta/users.json', '$[0].id'],
    ['sessionDuration not a number', (s) => ((s.files['okta/apps.json'] as any[])[1].settings.app.sessionDuration = 'long'), 'okta/apps.json', '$[1].settings.app.sessionDuration'],
    ['relation value not an array', (s) => ((s.files['okta/userFactors.json'] as any).u1 = 'none'), 'okta/userFactors.json', '$["u1"]'],
  ];
  it.each(cases)('%s → InputError naming file and JSON path', (_label, mutate, file, path) => {
    const snap = oktaOrg()
      .user({ id: 'u1', roles: ['ORG_ADMIN'] })
      .serviceApp({ id: 'a1', grants: ['okta.users.manage'] })
      .awsApp({ id: 'aws1' })
      .token({ id: 't1', userId: 'u1', connection: 'ANYWHERE' })
      .snapshot();
    mutate(snap);
    let err: unknown;
    try {
      build(snap);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).file).toBe(file);
    expect((err as InputError).location).toBe(path);
  });
});

describe('transformOkta dangling references', () => {
  it('says nothing of the files keyed by app when apps.json itself was not read: no app is known, and that is one gap, not one warning per file', () => {
    const snap = oktaOrg().user({ id: 'u1' }).serviceApp({ id: 'a1' }).snapshot();
    (snap.files['okta/appGrants.json'] as any).a1 = [{ scopeId: 'okta.users.manage', status: 'ACTIVE' }];
    (snap.files['okta/appSecrets.json'] as any).a1 = [];
    (snap.files['okta/appJwks.json'] as any).a1 = [];
    delete snap.files['okta/apps.json'];
    const w = build(snap).warnings.join('\n');
    expect(w).not.toMatch(/okta\/app(Grants|Secrets|Jwks)\.json/);
  });

  it('warns about relationship keys, client ids and assignments that name nothing, without crashing', () => {
    const snap = oktaOrg().user({ id: 'u1' }).serviceApp({ id: 'a1' }).awsApp({ id: 'aws1', users: [{ id: 'ghost' }], groups: [{ id: 'g-missing' }] }).snapshot();
    (snap.files['okta/userRoles.json'] as any).nobody = [{ type: 'SUPER_ADMIN' }];
    (snap.files['okta/clientRoles.json'] as any)['0oaUnknownClient'] = [{ type: 'APP_ADMIN' }];
    (snap.files['okta/appGrants.json'] as any).deletedApp = [{ scopeId: 'okta.users.manage', status: 'ACTIVE' }];
    (snap.files['okta/users.json'] as any[]).push({ id: 'u1', profile: { login: 'dup@acme.com' } });
    const g = build(snap);
    const w = g.warnings.join('\n');
    expect(w).toMatch(/okta\/userRoles\.json: 1 key\(s\) name a user that was not found \("nobody"\)/);
    expect(w).toMatch(/okta\/clientRoles\.json: .*"0oaUnknownClient"/);
    expect(w).toMatch(/okta\/appGrants\.json: 1 key\(s\) name an app that was not found \("deletedApp"\)/);
    expect(w).toMatch(/okta\/appUsers\.json: 1 assigned user\(s\) not in okta\/users\.json \("ghost"\)/);
    expect(w).toMatch(/group "g-missing" is referenced but not in okta\/groups\.json/);
    expect(w).toMatch(/duplicate user id "u1"/);
    expect(g.node(I.user('u1'))!.name).toBe('u1@acme.com');
    // Nothing was built from the orphan entries.
    expect(g.node(I.role('SUPER_ADMIN'))).toBeUndefined();
  });

  it('warns when the AWS app names no literal SAML provider ARN', () => {
    const g = oktaOrg().awsApp({ id: 'aws1', settings: { roleValuePattern: 'arn:aws:iam::${accountid}:saml-provider/OKTA,arn:aws:iam::${accountid}:role/${role}' } }).graph();
    expect(g.warnings.join('\n')).toMatch(/no literal SAML provider ARN/);
    expect(g.out(I.app('aws1'), 'SAML_MAPS_TO')).toEqual([]);
  });
});

describe('escalation decoys', () => {
  it('a .read scope and an INACTIVE grant give no escalation', () => {
    const g = oktaOrg()
      .user({ id: 'svc1', login: 'svc-job@acme.com', factors: [] })
      .serviceApp({ id: 'a1', grants: ['okta.users.read', { scopeId: 'okta.users.manage', status: 'INACTIVE' }, { scopeId: 'okta.roles.manage', status: 'REVOKED' }] })
      .graph();
    expect(g.node(I.scope('okta.users.manage'))).toBeUndefined();
    expect(g.node(I.scope('okta.roles.manage'))).toBeUndefined();
    expect([...g.edges()].filter((e) => e.type === 'CAN_ESCALATE_TO')).toEqual([]);
  });

  it('okta.users.manage skips plain people and super admins; it reaches service accounts', () => {
    const g = oktaOrg()
      .user({ id: 'p1' })
      .user({ id: 'sa1', login: 'svc-x@acme.com' })
      .user({ id: 'boss', roles: ['SUPER_ADMIN'] })
      .user({ id: 'org', roles: ['ORG_ADMIN'] })
      .serviceApp({ id: 'a1', grants: ['okta.users.manage'] })
      .graph();
    expect(escalations(g, I.scope('okta.users.manage'))).toEqual([I.user('org'), I.user('sa1')].sort());
  });

  it('okta.apps.manage does not reach low-tier service apps', () => {
    const g = oktaOrg()
      .serviceApp({ id: 'minter', grants: ['okta.apps.manage'] })
      .serviceApp({ id: 'reader', grants: ['okta.logs.read'], roles: ['READ_ONLY_ADMIN'] })
      .serviceApp({ id: 'admin', roles: ['ORG_ADMIN'] })
      .graph();
    expect(escalations(g, I.scope('okta.apps.manage'))).toEqual([I.app('admin'), I.app('minter')].sort());
  });

  it('okta.clients.manage mints credentials for the T3/T4 service apps, and gives no route into an AWS app', () => {
    // Okta's OAuth-for-Okta endpoint table: PUT /oauth2/v1/clients/{clientId} (the client's JWKS
    // and auth method) and POST /oauth2/v1/clients/{clientId}/lifecycle/newSecret take
    // okta.clients.manage. The Dynamic Client Registration API manages OAuth clients only, not
    // the SAML AWS app.
    const g = oktaOrg()
      .serviceApp({ id: 'minter', grants: ['okta.clients.manage'] })
      .serviceApp({ id: 'reader', grants: ['okta.logs.read'], roles: ['READ_ONLY_ADMIN'] })
      .serviceApp({ id: 'admin', roles: ['SUPER_ADMIN'] })
      .awsApp({ id: 'aws1', settings: { identityProviderArn: ARN } })
      .graph();
    expect(g.node(I.scope('okta.clients.manage'))?.tier).toBe(3);
    expect(escalations(g, I.scope('okta.clients.manage'))).toEqual([I.app('admin'), I.app('minter')].sort());
    const minted = g.out(I.scope('okta.clients.manage'), 'CAN_ESCALATE_TO').find((e) => e.to === I.app('admin'))!;
    expect(minted.conditional ?? false).toBe(false);
    expect(minted.evidence?.method).toBe('okta:newSecret/updateClient');
    expect(g.node(I.scopeUser('okta.clients.manage'))).toBeUndefined();
    expect(route(g, I.app('minter'), I.app('admin'), true)).toBeDefined();
    expect(route(g, I.app('minter'), I.app('aws1'), false)).toBeUndefined();
  });

  it('okta.apps.manage reaches an AWS app firmly only for a holder that can create a user to sign in as', () => {
    // The AWS app issues SAML assertions only when a user signs in through Okta: a service app
    // that rewrites its mapping and assignments still needs a user it controls. okta.users.manage
    // creates one with a password of its choosing. Its secret minting needs no user.
    const build = (grants: string[]) => {
      const g = oktaOrg()
        .serviceApp({ id: 'admin', roles: ['ORG_ADMIN'] })
        .awsApp({ id: 'aws1', settings: { identityProviderArn: 'arn:aws:iam::111122223333:saml-provider/Okta' } })
        .serviceApp({ id: 'm0', grants })
        .graph();
      return {
        aws: g.out(I.scopeUser('okta.apps.manage'), 'CAN_ESCALATE_TO').find((e) => e.to === I.app('aws1'))!,
        holder: g.out(I.app('m0'), 'CAN_ESCALATE_TO').find((e) => e.to === I.scopeUser('okta.apps.manage'))!,
        minted: g.out(I.scope('okta.apps.manage'), 'CAN_ESCALATE_TO').find((e) => e.to === I.app('admin'))!,
      };
    };
    const without = build(['okta.apps.manage']);
    expect(without.holder.conditional).toBe(true);
    expect(without.holder.reason).toMatch(/^m0 holds okta.apps.manage without okta.users.manage: a service app is not a user and controls none unless it can create or take over one, so this holds only if m0 controls a user some other way$/);
    expect(without.aws.conditional ?? false).toBe(false);
    expect(without.aws.reason).toMatch(/can change the role mapping and assignments of the AWS federation app AWS, assign that user to it and sign in as them/);
    expect(without.minted.conditional ?? false).toBe(false);
    // Near miss: the holder also holds okta.users.manage.
    const both = build(['okta.apps.manage', 'okta.users.manage']);
    expect(both.holder.conditional ?? false).toBe(false);
    expect(both.holder.reason).toMatch(/^m0 holds okta.apps.manage and okta.users.manage, with which it creates a user, with a password it sets, to assign to an app and sign in as$/);
    expect(both.aws.conditional ?? false).toBe(false);
  });

  it('okta.apps.manage: each holder\'s route into the AWS app is its own, firm with okta.users.manage and conditional without', () => {
    const g = oktaOrg()
      .awsApp({ id: 'aws1', settings: { identityProviderArn: ARN } })
      .serviceApp({ id: 'alpha', grants: ['okta.apps.manage', 'okta.users.manage'] })
      .serviceApp({ id: 'bravo', grants: ['okta.apps.manage'] })
      .graph();
    // The holder with both scopes has a route without conditions; the other holder does not change that.
    const firm = route(g, I.app('alpha'), I.app('aws1'), true);
    expect(firm).toBeDefined();
    expect(firm!.map((e) => e.reason).join(' | ')).not.toMatch(/bravo/);
    // The holder without okta.users.manage has a conditional route, whose condition is about it
    // alone. Its only firm one goes through alpha, whose client credentials it can add (T3 app).
    expect(route(g, I.app('bravo'), I.app('aws1'), true, I.app('alpha'))).toBeUndefined();
    expect(route(g, I.app('bravo'), I.app('aws1'), true)!.map((e) => e.to)).toContain(I.app('alpha'));
    const cond = route(g, I.app('bravo'), I.app('aws1'), false)!;
    expect(cond).toHaveLength(2);
    expect(cond.filter((e) => e.conditional).map((e) => e.reason).join(' | ')).toMatch(/bravo\b.*without okta.users.manage/);
    expect(cond.map((e) => e.reason).join(' | ')).not.toMatch(/alpha/);
  });

  it('an inactive app holding the scope without okta.users.manage gets no token and leaves the others\' routes firm', () => {
    const g = oktaOrg()
      .awsApp({ id: 'aws1', settings: { identityProviderArn: 'arn:aws:iam::111122223333:saml-provider/Okta' } })
      .serviceApp({ id: 'both', grants: ['okta.apps.manage', 'okta.users.manage'] })
      .serviceApp({ id: 'dead', status: 'INACTIVE', grants: ['okta.apps.manage'] })
      .graph();
    const firm = route(g, I.app('both'), I.app('aws1'), true);
    expect(firm).toBeDefined();
    expect(firm!.map((e) => e.reason).join(' | ')).not.toMatch(/dead/);
  });

  it('okta.apiTokens.manage reaches admin token owners only, conditionally', () => {
    const g = oktaOrg()
      .user({ id: 'admin', roles: ['ORG_ADMIN'] })
      .user({ id: 'reader', roles: ['READ_ONLY_ADMIN'] })
      .token({ id: 't1', userId: 'admin' })
      .token({ id: 't2', userId: 'reader' })
      .serviceApp({ id: 'a1', grants: ['okta.apiTokens.manage'] })
      .graph();
    const e = g.out(I.scope('okta.apiTokens.manage'), 'CAN_ESCALATE_TO');
    expect(e.map((x) => [x.to, x.conditional])).toEqual([[I.user('admin'), true]]);
  });
});

describe('durationMs', () => {
  it.each([
    ['P30D', 30 * 86_400_000],
    ['PT720H', 720 * 3_600_000],
    ['P1W', 7 * 86_400_000],
    ['P1DT12H', 36 * 3_600_000],
  ])('%s', (iso, ms) => expect(durationMs(iso)).toBe(ms));
  it.each(['P', 'PT', '30D', 'P1.5D', ''])('rejects %j', (iso) => expect(durationMs(iso)).toBeUndefined());
});

describe('transformOkta at scale', () => {
  it('keeps escalation edges linear in the users that matter, and skips the rest', () => {
    const org = oktaOrg().group('aws-g', 'aws_111122223333_Dev').group('helpdesk', 'Helpdesk', ['HELP_DESK_ADMIN']);
    const n = 3000;
    for (let i = 0; i < n; i++) {
      // A third federate into AWS through the group, a third are service accounts, a third are plain people.
      const kind = i % 3;
      org.user({ id: `u${i}`, login: kind === 1 ? `svc-${i}@acme.com` : `p${i}@acme.com`, groups: kind === 0 ? ['aws-g'] : [] });
    }
    org.awsApp({ id: 'aws', groups: [{ id: 'aws-g' }] });
    for (let i = 0; i < 20; i++) org.serviceApp({ id: `a${i}`, grants: ['okta.users.manage', 'okta.groups.manage'], roles: ['USER_ADMIN'] });
    const g = org.graph();
    const esc = [...g.edges()].filter((e) => e.type === 'CAN_ESCALATE_TO');
    // 2000 users matter; three resetters (scope, USER_ADMIN, HELP_DESK_ADMIN) reach each once; 20 holders add nothing.
    expect(esc.filter((e) => e.to.includes(':user:'))).toHaveLength(3 * 2000);
    expect(g.out(I.scope('okta.users.manage'), 'CAN_ESCALATE_TO').some((e) => e.to === I.user('u2'))).toBe(false);
    // Only the two relevant groups have nodes; memberships of irrelevant groups are not edges.
    expect(g.ofType('okta-group')).toHaveLength(2);
    expect([...g.edges()].filter((e) => e.type === 'MEMBER_OF')).toHaveLength(1000);
  });
});

describe('AWS app with group mapping: the role groups of each assigned user', () => {
  const settings = { identityProviderArn: ARN, useGroupMapping: true, groupFilter: 'aws_(?{{accountid}}\\d+)_(?{{role}}[a-zA-Z0-9+=,.@\\-_]+)' };
  const org = () =>
    oktaOrg()
      .group('mgmt', 'AWS Engineers')
      .group('role-admin', 'aws_111122223333_admin')
      .group('role-ro', 'aws_111122223333_readonly')
      .user({ id: 'u1', groups: ['mgmt', 'role-admin', 'role-ro'] })
      .user({ id: 'u2', groups: ['role-admin'] })
      .awsApp({ id: 'aws1', settings, users: [{ id: 'u1', scope: 'GROUP' }], groups: [{ id: 'mgmt' }, { id: 'role-ro' }] });

  it('lists the matching groups the user is in that are not assigned to the app', () => {
    const g = org().graph();
    const e = g.out(I.user('u1'), 'SAML_MAPS_TO');
    expect(e).toHaveLength(1);
    // role-ro is assigned to the app: its own edge carries its role to its members.
    expect(e[0].evidence).toMatchObject({ roleGroups: ['aws_111122223333_admin'] });
    expect(e[0].evidence?.roleGroupsUnnamed).toBeUndefined();
    // u2 is in a matching group but not assigned to the app: no edge.
    expect(g.out(I.user('u2'), 'SAML_MAPS_TO')).toEqual([]);
  });

  it('names the groups whose name was not read; leaves the list out when the groups were not read', () => {
    const o = org().user({ id: 'u3', groups: ['unnamed'] }).user({ id: 'u4', groups: null });
    const g = o.awsApp({ id: 'aws2', settings, users: [{ id: 'u3' }, { id: 'u4' }] }).graph();
    expect(g.out(I.user('u3'), 'SAML_MAPS_TO')[0].evidence).toMatchObject({ roleGroups: [], roleGroupsUnnamed: ['unnamed'] });
    expect(g.out(I.user('u4'), 'SAML_MAPS_TO')[0].evidence?.roleGroups).toBeUndefined();
  });
});

describe('AWS app with group mapping: membership rights into the groups its filter maps', () => {
  const settings = { identityProviderArn: ARN, useGroupMapping: true, groupFilter: 'aws_(?{{accountid}}\\d+)_(?{{role}}[a-zA-Z0-9+=,.@\\-_]+)' };
  const org = (appSettings: Record<string, unknown>) => {
    const o = oktaOrg().group('mgmt', 'AWS Engineers');
    // 1000 groups, half of them role groups; none assigned to the app but the management group.
    for (let i = 0; i < 1000; i++) o.group(`g${i}`, i % 2 === 0 ? `aws_111122223333_role${i}` : `team-${i}`);
    // okta.users.manage too: the app creates the user it adds (without it, every route is conditional).
    return o.serviceApp({ id: 'grp', grants: ['okta.groups.manage', 'okta.users.manage'] }).awsApp({ id: 'aws1', settings: appSettings, groups: [{ id: 'mgmt' }] });
  };

  it('gives each holder one edge to the SAML provider per matching group, naming it, and nothing else', () => {
    const g = org(settings).graph();
    const all = g.out(I.scopeUser('okta.groups.manage'), 'CAN_ESCALATE_TO').filter((e) => e.to === I.samlProvider(ARN));
    const esc = all.filter((e) => e.evidence?.roleGroup !== undefined);
    expect(esc).toHaveLength(500);
    expect(esc.every((e) => /^aws_111122223333_role\d+$/.test(e.evidence?.roleGroup as string) && !e.conditional && /AWS Engineers/.test(e.reason))).toBe(true);
    // And one, conditional, for creating a group of a name the filter maps.
    expect(all.filter((e) => e.evidence?.roleGroup === undefined).map((e) => [e.evidence?.createGroup, e.conditional])).toEqual([['create', true]]);
    // The role groups get no node: their members' roles ride on their own assignment.
    expect(g.ofType('okta-group')).toHaveLength(1);
  });

  it('adds none without group mapping', () => {
    const g = org({ ...settings, useGroupMapping: false }).graph();
    expect(g.out(I.scopeUser('okta.groups.manage'), 'CAN_ESCALATE_TO').filter((e) => e.to === I.samlProvider(ARN))).toEqual([]);
  });

  it.each(['(', '   '])('an unreadable or blank filter %j leaves one conditional edge that says so', (groupFilter) => {
    const g = org({ ...settings, groupFilter }).graph();
    const esc = g.out(I.scopeUser('okta.groups.manage'), 'CAN_ESCALATE_TO').filter((e) => e.to === I.samlProvider(ARN));
    expect(esc).toHaveLength(1);
    expect(esc[0]).toMatchObject({ conditional: true });
    expect(esc[0].reason).toMatch(/group filter of the AWS app AWS could not be read/);
  });
});

// A review's ReDoS: the filter and the group names both come from the provider, and a filter
// with a quantified group holding a quantifier took exponential time on a crafted name (the scan
// hung). Such filters are refused: the mapping is unknown, with a warning and a coverage record.
describe('AWS app group filters that could take exponential time', () => {
  const HOSTILE = 'aws_(?{{accountid}}\\d+)_(?{{role}}([a-z]+)+)';
  const settings = { identityProviderArn: ARN, useGroupMapping: true, groupFilter: HOSTILE };
  const org = (appSettings: Record<string, unknown>) =>
    oktaOrg()
      .group('evil', `aws_111122223333_${'a'.repeat(34)}!`)
      .group('ok', 'aws_111122223333_admin')
      .user({ id: 'u1', login: 'bob@acme.com', groups: ['evil', 'ok'] })
      .serviceApp({ id: 'grp', grants: ['okta.groups.manage', 'okta.users.manage'] })
      .awsApp({ id: 'aws1', settings: appSettings, users: [{ id: 'u1' }] });

  it.each([
    ['a quantified group holding a quantifier', HOSTILE],
    ['nested stars', '(?{{role}}(a*)*)'],
    ['an alternation under a quantifier', 'aws_(?{{role}}(a|aa)+)'],
    ['an alternation nested deeper under a quantifier', '(?:x(?:a|b)y)*(?{{role}}.+)'],
    ['a bounded repeat of a quantified group', '(?{{role}}(?:a+){3})'],
    ['a backreference', '(\\w)\\1(?{{role}}.+)'],
    ['a named backreference', '(?{{role}}\\w+)\\k<role>'],
    ['a lookahead', '(?=aws_)(?{{role}}.+)'],
    ['a lookbehind', '(?<!x)(?{{role}}.+)'],
    ['three unbounded quantifiers in a row', 'aws_.*_.*_(?{{role}}.*)'],
    ['repeats whose stop is written as an escape they match', '\\x41+A\\x41+A(?{{role}}.+)'],
    // A review: no group is quantified, but each of 27 groups offers two ways to read one
    // character, so a name that fails at its end is tried 2^27 ways (9 s on the demo).
    ['a run of unquantified alternations', `aws_${'(?:a|\\w)'.repeat(27)}z`],
    ['five two-way alternations', '(?{{role}}(?:a|\\w)(?:a|\\w)(?:a|\\w)(?:a|\\w)(?:a|\\w))'],
    ['an alternation nested in another', '(?:x(?:a|b|c|d|e)|(?:f|g|h|i))(?:p|q|r|s)'],
    ['a top-level alternation times a group', 'a|b|c|d|e|(?:f|g|h|i)(?:j|k|l|m)'],
  ])('refuses %s', (_why, filter) => {
    expect(oktaGroupFilter(filter)).toBeUndefined();
    expect(oktaGroupFilterProblem(filter)).toMatch(/refused as a regular expression whose matching time can explode/);
  });

  it.each([
    ['the Okta default filter', 'aws_(?{{accountid}}\\d+)_(?{{role}}[a-zA-Z0-9+=,.@\\-_]+)'],
    ['the demo filter', DEMO_FILTER],
    ['a fixed-width account', '^aws#\\S+#(?{{role}}[\\w\\-]+)#(?{{accountid}}\\d{12})$'],
    ['the Okta help example', '^aws\\#\\S+\\#(?{{role}}[\\w\\-]+)\\#(?{{accountid}}\\d+)$'],
    ['a quantifier inside a group that is not repeated', '^(.*)$'],
    ['an alternation not under a quantifier', '(?:aws_.*|.*)'],
    ['literal braces and a lazy quantifier', 'x{a}(?{{role}}.+?)'],
    ['four two-way alternations', `aws_${'(?:a|\\w)'.repeat(4)}z`],
    ['account ids listed as alternatives', 'aws_(?{{accountid}}111122223333|444455556666)_(?{{role}}\\w+)'],
    ['an escaped bar and a bar in a class', 'aws\\|[|](?:a|b)(?{{role}}\\w+)'],
  ])('keeps %s', (_why, filter) => {
    expect(oktaGroupFilterProblem(filter)).toBeUndefined();
    expect(oktaGroupFilter(filter)).toBeInstanceOf(RegExp);
  });

  // Under the static check, V8's linear engine takes over a match that backtracks too much: once
  // a filter is compiled, even a pattern the check would refuse (2^40 ways to fail here, days
  // with backtracking alone) answers. It runs in a child process (the built dist/), because a
  // regular expression that hangs cannot be interrupted in this one; the timeout only ends a hang.
  it('compiling a filter bounds later backtracking in the process', () => {
    const module = new URL('../../dist/src/connectors/okta/transform-aws.js', import.meta.url).href;
    const script = [
      `const { oktaGroupFilter } = await import(${JSON.stringify(module)});`,
      `const filter = oktaGroupFilter(${JSON.stringify(DEMO_FILTER)});`,
      `const hostile = new RegExp('^aws_(?<role>' + '(?:a|\\\\w)'.repeat(40) + ')z$');`,
      `const named = hostile.exec('aws_' + 'a'.repeat(39) + 'bz')?.groups?.role;`,
      `console.log(filter instanceof RegExp, hostile.test('aws_' + 'a'.repeat(40) + 'x'), named);`,
    ].join('\n');
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(`true false ${'a'.repeat(39)}b`);
  });

  it('leaves the mapping unknown with a warning and a coverage record, and finishes', () => {
    const g = org(settings).graph();
    const record = g.coverage.find((c) => c.capability === 'okta.groupFilter@aws1');
    expect(record).toMatchObject({ provider: 'okta', status: 'error' });
    expect(record!.reason).toMatch(/group filter of AWS app .* is not applied: .*quantified group holding a quantifier.*mapping is unknown/);
    expect(g.warnings.some((w) => /^okta\/apps\.json \$\[\d+\]\.settings\.app\.groupFilter: .*quantified group holding a quantifier/.test(w))).toBe(true);
    // Not silently empty: the user's route stays, and the rights into role groups stay, conditional.
    const esc = g.out(I.scopeUser('okta.groups.manage'), 'CAN_ESCALATE_TO').filter((e) => e.to === I.samlProvider(ARN));
    expect(esc).toHaveLength(1);
    expect(esc[0]).toMatchObject({ conditional: true });
  });

  it('records nothing for a filter it applies, or one under group mapping turned off', () => {
    for (const s of [{ ...settings, groupFilter: DEMO_FILTER }, { ...settings, useGroupMapping: false }]) {
      const g = org(s).graph();
      expect(g.coverage.filter((c) => c.capability.startsWith('okta.groupFilter'))).toEqual([]);
      expect(g.warnings.filter((w) => /groupFilter/.test(w))).toEqual([]);
    }
  });
});

// The Users API gives a user's type as `{ id }` only; the name serviceAccountTypes is written
// against comes from the org's user types (GET /api/v1/meta/types/user, okta/userTypes.json).
describe('transformOkta user types', () => {
  const org = () => oktaOrg().userType('oty1svc', 'serviceAccount', 'Service Account').user({ id: 'u1', login: 'okta.sync@acme.com', typeId: 'oty1svc' }).user({ id: 'u2', login: 'dana@acme.com' });

  it('names a user type by its id from userTypes.json and matches the name against serviceAccountTypes', () => {
    const g = org().graph();
    expect(g.capability('okta', 'https://acme.okta.com', 'okta.userTypes')).toBe('collected');
    expect(g.node(I.user('u1'))).toMatchObject({ kind: 'identity', machineReasons: ['user type "serviceAccount"'], attrs: { userType: 'serviceAccount', userTypeId: 'oty1svc' } });
    expect(g.node(I.user('u2'))).toMatchObject({ kind: 'human', attrs: { userType: 'user', userTypeId: 'oty1default' } });
    expect(g.node(I.user('u2'))!.attrs.userTypeUnnamed).toBeUndefined();
  });

  it('also accepts the type id in serviceAccountTypes', () => {
    const g = org().graph({ serviceAccountTypes: ['oty1svc'] });
    expect(g.node(I.user('u1'))!.machineReasons).toEqual(['user type id "oty1svc"']);
  });

  it('marks users whose type cannot be named when the user types were not read, and warns once', () => {
    const g = org().without('userTypes').graph();
    expect(g.capability('okta', 'https://acme.okta.com', 'okta.userTypes')).toBe('not-collected');
    expect(g.node(I.user('u1'))).toMatchObject({ kind: 'human', attrs: { userTypeId: 'oty1svc', userTypeUnnamed: true } });
    expect(g.node(I.user('u1'))!.attrs.userType).toBeUndefined();
    expect(g.warnings.filter((w) => w.includes('user type'))).toEqual([
      '2 Okta users have a user type that could not be named (okta.userTypes not collected): serviceAccountTypes was matched against their type ids only',
    ]);
  });

  // Every user has a named type (at least the default "user"), so the type name alone would hide
  // profile.userType, the attribute many orgs mark their service accounts with.
  it('still matches profile.userType when the user has a named type, and says so in the reason', () => {
    const g = oktaOrg().user({ id: 'u1', login: 'reporting@acme.com', userType: 'ServiceAccount' }).graph();
    expect(g.node(I.user('u1'))).toMatchObject({ kind: 'identity', machineReasons: ['profile.userType "ServiceAccount"'], attrs: { userType: 'user', userTypeId: 'oty1default' } });
  });

  it('matches the type display name, naming it in the reason', () => {
    const g = org().graph({ serviceAccountTypes: ['service account'] });
    expect(g.node(I.user('u1'))!.machineReasons).toEqual(['user type display name "Service Account"']);
    expect(g.node(I.user('u2'))!.kind).toBe('human');
  });

  it('does not mark or warn about unnamed types when serviceAccountTypes is empty (no type could match)', () => {
    const g = org().without('userTypes').graph({ serviceAccountTypes: [] });
    expect(g.node(I.user('u1'))!.attrs.userTypeUnnamed).toBeUndefined();
    expect(g.warnings.filter((w) => w.includes('user type'))).toEqual([]);
  });

  it('treats a type id missing from userTypes.json as unnamed', () => {
    const g = oktaOrg().user({ id: 'u1', typeId: 'oty1gone' }).graph();
    expect(g.node(I.user('u1'))!.attrs).toMatchObject({ userTypeId: 'oty1gone', userTypeUnnamed: true });
    expect(g.warnings.join('\n')).toMatch(/1 Okta user has a user type that could not be named \(not in okta\/userTypes\.json\)/);
  });
});
