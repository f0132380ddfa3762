import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Graph } from '../../src/graph/graph.js';
import { ids } from '../../src/graph/ids.js';
import { transformEntra, ENTRA_CAPABILITIES } from '../../src/connectors/entra/transform.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { analyze } from '../../src/analysis/analyze.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

// Escalation edges checked against Microsoft Learn (Graph permission tables, Entra built-in roles).

const T = '11111111-2222-4333-8444-555555555555';
const GRAPH = '00000003-0000-0000-c000-000000000000';
const NOW = new Date('2026-11-20T00:00:00Z');
const CROWN = ids.crownJewel('entra', T, 'global-admin');
const ROLE = {
  'RoleManagement.ReadWrite.Directory': '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8',
  'Application.ReadWrite.All': '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
  'Directory.ReadWrite.All': '19dbc75e-c2e2-444c-a770-ec69d8559fc7',
  'Application.ReadWrite.OwnedBy': '18a4783c-866b-4cc7-a460-3d5e5662c884',
  'ServicePrincipalEndpoint.ReadWrite.All': '89c8469c-83ad-45f7-8ff2-6e3d4285709e',
} as const;
type Perm = keyof typeof ROLE;

let n = 0;
const gid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

const graphSp = {
  id: 'aaaaaaaa-0000-4000-8000-000000000001',
  appId: GRAPH,
  displayName: 'Microsoft Graph',
  appOwnerOrganizationId: 'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
  servicePrincipalType: 'Application',
  appRoles: Object.entries(ROLE).map(([value, id]) => ({ id, value })),
};

type Obj = { id: string; appId: string; displayName: string };
function sp(name: string, extra: Record<string, unknown> = {}): Obj {
  return { id: gid(), appId: gid(), displayName: name, appOwnerOrganizationId: T, servicePrincipalType: 'Application', accountEnabled: true, appRoles: [], ...extra } as Obj;
}
function grant(who: Obj, perm: Perm) {
  return { id: gid(), principalId: who.id, principalType: 'ServicePrincipal', resourceId: graphSp.id, appRoleId: ROLE[perm] };
}

const ALL_FILES = ENTRA_CAPABILITIES.flatMap(([, f]) => f as readonly string[]);
const RELATIONS = new Set(['applicationOwners.json', 'servicePrincipalOwners.json', 'federatedIdentityCredentials.json', 'groupMembers.json', 'userManagers.json', 'agentSponsors.json']);

function snapshot(files: Record<string, unknown>): Snapshot {
  const f: Record<string, unknown> = {};
  for (const name of ALL_FILES) f[`entra/${name}`] = RELATIONS.has(name) ? {} : { value: [] };
  f['entra/organization.json'] = { value: [{ id: T, displayName: 'T' }] };
  for (const [k, v] of Object.entries(files)) f[`entra/${k}`] = Array.isArray(v) ? { value: v } : v;
  return { manifest: { schemaVersion: 1, collectedAt: NOW.toISOString(), providers: { entra: { tenantId: T } }, coverage: [] }, files: f, source: 'test' } as Snapshot;
}

function build(files: Record<string, unknown>): Graph {
  const b = new GraphBuilder();
  transformEntra(snapshot(files), b, DEFAULT_CONFIG);
  return b.build();
}

const node = (o: { id: string }) => ids.entraSp(T, o.id);
const escalations = (g: Graph, from: string) => g.out(from, 'CAN_ESCALATE_TO');
function summary(g: Graph, who: Obj) {
  const a = analyze(g, { now: NOW, config: DEFAULT_CONFIG });
  // Routes to tenant-admin power (the target's RoleManagement.ReadWrite.Directory or the crown).
  const admin = (paths: { crownJewel: string }[]) => paths.filter((p) => p.crownJewel === 'admin').length;
  return { tier: a.tier(node(who)), firm: admin(a.firmCrownJewelPaths(node(who))), any: admin(a.crownJewelPaths(node(who))) };
}

describe('owners that are applications (Graph addPassword needs Application.ReadWrite.OwnedBy or more)', () => {
  // A T4 target app (RoleManagement.ReadWrite.Directory) owned by a machine identity.
  function owned(ownerPerms: Perm[], on: 'application' | 'servicePrincipal') {
    const target = sp('Target');
    const owner = sp('OwnerSP');
    const app = { id: gid(), appId: target.appId, displayName: 'Target' };
    const ownerRef = [{ '@odata.type': '#microsoft.graph.servicePrincipal', id: owner.id, displayName: 'OwnerSP' }];
    const g = build({
      'servicePrincipals.json': [graphSp, target, owner],
      'applications.json': [app],
      'appRoleAssignments.json': [grant(target, 'RoleManagement.ReadWrite.Directory'), ...ownerPerms.map((p) => grant(owner, p))],
      ...(on === 'application' ? { 'applicationOwners.json': { [app.id]: ownerRef } } : { 'servicePrincipalOwners.json': { [target.id]: ownerRef } }),
    });
    return { g, owner, target };
  }

  for (const on of ['application', 'servicePrincipal'] as const) {
    it(`an owner of the ${on} without any of those permissions gets a conditional edge, and no firm path`, () => {
      const { g, owner, target } = owned([], on);
      const edges = escalations(g, node(owner));
      expect(edges.map((e) => [e.to, e.conditional])).toEqual([[node(target), true]]);
      expect(edges[0].evidence).toMatchObject({ method: 'AZAddSecret', via: 'ownership' });
      const s = summary(g, owner);
      expect(s.firm).toBe(0);
      expect(s.any).toBeGreaterThan(0);
    });

    for (const p of ['Application.ReadWrite.OwnedBy', 'Application.ReadWrite.All', 'Directory.ReadWrite.All'] as const) {
      it(`near miss: an owner of the ${on} holding ${p} gets a firm edge`, () => {
        const { g, owner, target } = owned([p], on);
        const edge = escalations(g, node(owner)).find((e) => e.to === node(target))!;
        expect(edge.conditional).toBeFalsy();
        expect(edge.evidence).toMatchObject({ permission: p });
        expect(summary(g, owner).firm).toBeGreaterThan(0);
      });
    }
  }

  it('a user owner still gets no escalation edge of its own (a person is not an identity path start)', () => {
    const target = sp('Target');
    const app = { id: gid(), appId: target.appId, displayName: 'Target' };
    const u = { id: gid(), displayName: 'Alice', userPrincipalName: 'alice@x.test', accountEnabled: true };
    const g = build({
      'servicePrincipals.json': [graphSp, target],
      'applications.json': [app],
      'users.json': [u],
      'appRoleAssignments.json': [grant(target, 'RoleManagement.ReadWrite.Directory')],
      'applicationOwners.json': { [app.id]: [{ '@odata.type': '#microsoft.graph.user', id: u.id }] },
    });
    expect(g.out(ids.entraUser(T, u.id), 'OWNS').length).toBe(1);
    expect(g.out(ids.entraUser(T, u.id), 'CAN_ESCALATE_TO')).toEqual([]);
  });

  // A user that is really a service account is an identity the analysis tiers. Owners that are
  // users add secrets and certificates themselves (the admin center, or Graph through a client
  // that has the delegated right): the application-permission condition is not theirs.
  for (const on of ['application', 'servicePrincipal'] as const) {
    it(`a service-account user owning the ${on} gets a firm edge and a firm path`, () => {
      const target = sp('Target');
      const app = { id: gid(), appId: target.appId, displayName: 'Target' };
      const u = { id: gid(), displayName: 'svc-sync', userPrincipalName: 'svc-sync@x.test', accountEnabled: true, userType: 'Member', employeeType: 'service' };
      const ref = [{ '@odata.type': '#microsoft.graph.user', id: u.id, displayName: 'svc-sync' }];
      const g = build({
        'servicePrincipals.json': [graphSp, target],
        'applications.json': [app],
        'users.json': [u],
        'appRoleAssignments.json': [grant(target, 'RoleManagement.ReadWrite.Directory')],
        ...(on === 'application' ? { 'applicationOwners.json': { [app.id]: ref } } : { 'servicePrincipalOwners.json': { [target.id]: ref } }),
      });
      const uid = ids.entraUser(T, u.id);
      expect(g.node(uid)?.kind).toBe('identity');
      const edges = g.out(uid, 'CAN_ESCALATE_TO');
      expect(edges.map((e) => [e.to, e.conditional === true])).toEqual([[node(target), false]]);
      expect(edges[0].evidence).toMatchObject({ method: 'AZAddSecret', via: 'ownership', owner: 'user' });
      expect(edges[0].reason).not.toMatch(/application adds a credential only/);
      const a = analyze(g, { now: NOW, config: DEFAULT_CONFIG });
      expect(a.firmCrownJewelPaths(uid).filter((p) => p.crownJewel === 'admin').length).toBeGreaterThan(0);
    });
  }
});

describe('ServicePrincipalEndpoint.ReadWrite.All (takes ownership, adds no credential itself)', () => {
  function holder(perms: Perm[]) {
    const target = sp('Target');
    const h = sp('EndpointWriter');
    const g = build({
      'servicePrincipals.json': [graphSp, target, h],
      'appRoleAssignments.json': [grant(target, 'RoleManagement.ReadWrite.Directory'), ...perms.map((p) => grant(h, p))],
    });
    return { g, h, target };
  }
  const priv = ids.entraAppRole(T, GRAPH, ROLE['ServicePrincipalEndpoint.ReadWrite.All']);

  it('alone: its edges are conditional, no firm path', () => {
    const { g, h, target } = holder(['ServicePrincipalEndpoint.ReadWrite.All']);
    const edges = escalations(g, priv);
    expect(edges.map((e) => e.to)).toContain(node(target));
    expect(edges.every((e) => e.conditional === true)).toBe(true);
    expect(summary(g, h).firm).toBe(0);
    expect(summary(g, h).any).toBeGreaterThan(0);
  });

  it('with Application.ReadWrite.OwnedBy: a firm edge from the holder', () => {
    const { g, h, target } = holder(['ServicePrincipalEndpoint.ReadWrite.All', 'Application.ReadWrite.OwnedBy']);
    const own = escalations(g, node(h));
    expect(own.map((e) => [e.to, e.conditional ?? false])).toEqual([[node(target), false]]);
    expect(summary(g, h).firm).toBeGreaterThan(0);
  });
});

describe('built-in directory roles (Microsoft Entra built-in roles reference)', () => {
  const T4_TARGET_ROLE = 'RoleManagement.ReadWrite.Directory' as const;
  function roleHolder(templateId: string, directoryScopeId: string | undefined = '/') {
    const target = sp('Target');
    const h = sp('RoleHolder');
    const g = build({
      'servicePrincipals.json': [graphSp, target, h],
      'appRoleAssignments.json': [grant(target, T4_TARGET_ROLE)],
      'roleAssignments.json': [{ id: gid(), principalId: h.id, roleDefinitionId: templateId, ...(directoryScopeId === undefined ? {} : { directoryScopeId }) }],
    });
    return { g, h, target, role: ids.entraDirectoryRole(T, templateId) };
  }

  it('Directory Synchronization Accounts (only onPremisesSynchronization/standard/read) is T1 with no escalation edge', () => {
    const { g, h, role } = roleHolder('d29b2b05-8046-44ba-8758-1e26182fcf32');
    expect(escalations(g, role)).toEqual([]);
    expect(g.node(role)?.tier).toBe(1);
    expect(summary(g, h)).toMatchObject({ tier: 1, any: 0 });
  });

  it('Partner Tier2 Support (role assignments, Global Administrator password reset) is T4 with a firm edge to the crown', () => {
    const { g, h, role } = roleHolder('e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8');
    expect(escalations(g, role).map((e) => [e.to, e.conditional ?? false])).toEqual([[CROWN, false]]);
    expect(g.node(role)).toMatchObject({ tier: 4, crownJewel: 'admin' });
    expect(summary(g, h)).toMatchObject({ tier: 4 });
    expect(summary(g, h).firm).toBeGreaterThan(0);
  });

  for (const [name, templateId] of [
    ['Hybrid Identity Administrator', '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2'],
    ['Domain Name Administrator', '8329153b-31d0-4727-b945-745eb3bc5f31'],
  ] as const) {
    it(`${name} can federate a domain: T4 tenant admin, like Domain.ReadWrite.All`, () => {
      const { g, h, role } = roleHolder(templateId);
      expect(g.node(role)).toMatchObject({ tier: 4, crownJewel: 'admin', name });
      expect(summary(g, h)).toMatchObject({ tier: 4 });
      expect(summary(g, h).firm).toBeGreaterThan(0);
    });
  }

  it('near miss: Partner Tier1 Support stays T3', () => {
    const { g, role } = roleHolder('4ba39ca4-527c-499a-b93d-d9b492c50246');
    expect(g.node(role)?.tier).toBe(3);
    expect(g.node(role)?.crownJewel).toBe('identity-admin');
    expect(escalations(g, role).map((e) => e.to)).not.toContain(CROWN);
  });

  it('near miss: Hybrid Identity Administrator still reaches every app (owners/update)', () => {
    const { g, role, target } = roleHolder('8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2');
    expect(escalations(g, role).map((e) => e.to)).toContain(node(target));
  });
});

describe('Directory.ReadWrite.All (a higher-privileged permission of addPassword/addKey)', () => {
  it('reaches every privileged app over a conditional add-secret edge and is T4', () => {
    const target = sp('Target');
    const d = sp('DirWriter');
    const g = build({
      'servicePrincipals.json': [graphSp, target, d],
      'appRoleAssignments.json': [grant(target, 'RoleManagement.ReadWrite.Directory'), grant(d, 'Directory.ReadWrite.All')],
    });
    const priv = ids.entraAppRole(T, GRAPH, ROLE['Directory.ReadWrite.All']);
    const edge = escalations(g, priv).find((e) => e.to === node(target));
    expect(edge).toMatchObject({ conditional: true, evidence: { method: 'AZMGAddSecret' } });
    expect(g.node(priv)).toMatchObject({ tier: 4, crownJewel: 'admin', attrs: { category: 'tenant-admin' } });
    expect(summary(g, d).tier).toBe(4);
  });

  it('near miss: Application.ReadWrite.OwnedBy alone reaches no app it does not own', () => {
    const target = sp('Target');
    const o = sp('OwnedByOnly');
    const g = build({
      'servicePrincipals.json': [graphSp, target, o],
      'appRoleAssignments.json': [grant(target, 'RoleManagement.ReadWrite.Directory'), grant(o, 'Application.ReadWrite.OwnedBy')],
    });
    expect(escalations(g, ids.entraAppRole(T, GRAPH, ROLE['Application.ReadWrite.OwnedBy']))).toEqual([]);
    expect(summary(g, o).tier).toBe(3);
  });
});

describe('custom directory roles escalate by their allowed actions', () => {
  function custom(actions: string[], scope: (t: { sp: Obj; app: { id: string } }) => string) {
    const target = sp('Target');
    const app = { id: gid(), appId: target.appId, displayName: 'Target' };
    const other = sp('OtherT4');
    const h = sp('CustomRoleHolder');
    const def = { id: gid(), displayName: 'App credential writer', isBuiltIn: false, rolePermissions: [{ allowedResourceActions: actions }] };
    const directoryScopeId = scope({ sp: target, app });
    const g = build({
      'servicePrincipals.json': [graphSp, target, other, h],
      'applications.json': [app],
      'appRoleAssignments.json': [grant(target, 'RoleManagement.ReadWrite.Directory'), grant(other, 'RoleManagement.ReadWrite.Directory')],
      'roleDefinitions.json': [def],
      'roleAssignments.json': [{ id: gid(), principalId: h.id, roleDefinitionId: def.id, directoryScopeId }],
    });
    const role = ids.entraDirectoryRole(T, directoryScopeId === '/' ? def.id : `${def.id}${directoryScopeId}`);
    const out = escalations(g, role).map((e) => [g.node(e.to)?.name, e.evidence?.method]).sort();
    return { g, h, out };
  }

  it('servicePrincipals/credentials/update at "/" adds a secret to every privileged SP', () => {
    const { g, h, out } = custom(['microsoft.directory/servicePrincipals/credentials/update'], () => '/');
    // The holder is a T3 target itself (its role updates credentials), as with built-in roles.
    expect(out).toEqual([
      ['CustomRoleHolder', 'AZAddSecret'],
      ['OtherT4', 'AZAddSecret'],
      ['Target', 'AZAddSecret'],
    ]);
    expect(summary(g, h)).toMatchObject({ tier: 4 });
    expect(summary(g, h).firm).toBeGreaterThan(0);
  });

  it('applications/credentials/update at "/" reaches only identities with an app registration in the tenant', () => {
    const { out } = custom(['microsoft.directory/applications/credentials/update'], () => '/');
    expect(out).toEqual([['Target', 'AZAddSecret']]);
  });

  it('applications/owners/update at "/" is an add-owner edge', () => {
    const { out } = custom(['microsoft.directory/applications/owners/update'], () => '/');
    expect(out).toEqual([['Target', 'AZAddOwner']]);
  });

  it('scoped to one application object, it reaches that object only', () => {
    const { out } = custom(['microsoft.directory/applications/credentials/update'], ({ app }) => `/${app.id}`);
    expect(out).toEqual([['Target', 'AZAddSecret']]);
  });

  it('near miss: scoped to a service principal, an action on applications reaches nothing', () => {
    const { out } = custom(['microsoft.directory/applications/credentials/update'], ({ sp }) => `/${sp.id}`);
    expect(out).toEqual([]);
  });

  it('near miss: a custom role that only updates basic properties has no escalation edge', () => {
    const { g, h, out } = custom(['microsoft.directory/applications/basic/update', 'microsoft.directory/servicePrincipals/basic/update'], () => '/');
    expect(out).toEqual([]);
    expect(summary(g, h).any).toBe(0);
  });
});

describe('Graph application permissions one step from Global Administrator are T4', () => {
  const PERMS = [
    ['PrivilegedAccess.ReadWrite.AzureADGroup', '2f6817f8-7b12-4f0f-bc18-eeaf60705a9e'],
    ['PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup', '41202f2c-f7ab-45be-b001-85c9728b9d69'],
    ['PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup', '618b6020-bca8-4de6-99f6-ef445fa4d857'],
    ['UserAuthenticationMethod.ReadWrite.All', '50483e42-d915-4231-9639-7fdb7fd190e5'],
    ['Policy.ReadWrite.PermissionGrant', 'a402ca1c-2696-4531-972d-6e5ee4aa11ea'],
  ] as const;

  for (const [name, appRoleId] of PERMS) {
    for (const resourceCollected of [true, false]) {
      it(`${name} (${resourceCollected ? 'named by the Graph service principal' : 'named by the well-known id table'})`, () => {
        const h = sp('Holder');
        const graph = { ...graphSp, appRoles: [{ id: appRoleId, value: name }] };
        const g = build({
          'servicePrincipals.json': resourceCollected ? [graph, h] : [h],
          'appRoleAssignments.json': [{ id: gid(), principalId: h.id, principalType: 'ServicePrincipal', resourceId: graphSp.id, appRoleId }],
        });
        const priv = g.node(ids.entraAppRole(T, GRAPH, appRoleId));
        expect(priv).toMatchObject({ tier: 4, crownJewel: 'admin', attrs: { permission: name, category: 'tenant-admin' } });
        expect(summary(g, h)).toMatchObject({ tier: 4 });
      });
    }
  }

  it('near miss: the read-only PIM for Groups permission stays below T3', () => {
    const h = sp('Reader');
    const id = 'e1b3c3a5-7f05-4b5f-8a1b-000000000001';
    const g = build({
      'servicePrincipals.json': [{ ...graphSp, appRoles: [{ id, value: 'PrivilegedAccess.Read.AzureADGroup' }] }, h],
      'appRoleAssignments.json': [{ id: gid(), principalId: h.id, principalType: 'ServicePrincipal', resourceId: graphSp.id, appRoleId: id }],
    });
    expect(summary(g, h).tier).toBeLessThan(3);
  });
});

describe('role assignments without a directoryScopeId', () => {
  const GA = '62e90394-69f5-4237-9190-012177145e10';
  function assigned(extra: Record<string, unknown>) {
    const h = sp('X');
    const g = build({
      'servicePrincipals.json': [h],
      'roleAssignments.json': [{ id: gid(), principalId: h.id, roleDefinitionId: GA, ...extra }],
    });
    return { g, h, edge: g.out(node(h), 'HAS_ROLE')[0] };
  }

  it('are modelled tenant-wide but conditional: a route, no firm path', () => {
    const { g, h, edge } = assigned({});
    expect(edge).toMatchObject({ to: ids.entraDirectoryRole(T, GA), conditional: true });
    expect(edge.reason).toMatch(/unknown scope/);
    expect(edge.evidence?.directoryScopeId).toBeUndefined();
    expect(summary(g, h)).toMatchObject({ firm: 0 });
    expect(summary(g, h).any).toBeGreaterThan(0);
  });

  it('near miss: directoryScopeId "/" is firm', () => {
    const { g, h, edge } = assigned({ directoryScopeId: '/' });
    expect(edge.conditional).toBeFalsy();
    expect(summary(g, h).firm).toBeGreaterThan(0);
  });
});

describe('Agent ID: the blueprint holds the credentials and acts as its agent identities', () => {
  // A test id: the Graph service principal of each case names it.
  const BP_CREDS = 'bbbbbbbb-0000-4000-8000-000000000001';
  function tenant(extra: { holderPerm?: [string, string]; appAdmin?: boolean; agentOwner?: boolean; blueprintStatus?: string | null } = {}) {
    const bpApp = {
      id: gid(),
      appId: gid(),
      displayName: 'Blueprint',
      '@odata.type': '#microsoft.graph.agentIdentityBlueprint',
      disabledByMicrosoftStatus: extra.blueprintStatus ?? null,
      passwordCredentials: [{ keyId: gid(), startDateTime: '2026-01-01T00:00:00Z', endDateTime: '2027-01-01T00:00:00Z' }],
    };
    const bpSp = sp('Blueprint', { appId: bpApp.appId, '@odata.type': '#microsoft.graph.agentIdentityBlueprintPrincipal' });
    const agent = sp('Agent', { '@odata.type': '#microsoft.graph.agentIdentity', agentIdentityBlueprintId: bpApp.appId });
    const h = sp('Holder');
    const graph = { ...graphSp, appRoles: [...graphSp.appRoles, ...(extra.holderPerm ? [{ id: extra.holderPerm[1], value: extra.holderPerm[0] }] : [])] };
    const g = build({
      'servicePrincipals.json': [graph, bpSp, agent, h],
      'applications.json': [bpApp],
      'appRoleAssignments.json': [
        grant(agent, 'RoleManagement.ReadWrite.Directory'),
        ...(extra.holderPerm ? [{ id: gid(), principalId: h.id, principalType: 'ServicePrincipal', resourceId: graphSp.id, appRoleId: extra.holderPerm[1] }] : []),
      ],
      'roleAssignments.json': extra.appAdmin ? [{ id: gid(), principalId: h.id, roleDefinitionId: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', directoryScopeId: '/' }] : [],
      'servicePrincipalOwners.json': extra.agentOwner ? { [agent.id]: [{ '@odata.type': '#microsoft.graph.servicePrincipal', id: h.id }] } : {},
    });
    return { g, bp: node(bpSp), agent: node(agent), h };
  }

  it('an agent identity whose blueprint Microsoft disabled is disabled too: it obtains tokens only through the blueprint', () => {
    const off = tenant({ blueprintStatus: 'DisabledDueToViolationOfServicesAgreement' });
    expect(off.g.node(off.agent)?.enabled).toBe(false);
    expect(off.g.node(off.agent)?.attrs.blueprintDisabledByMicrosoft).toBe(off.bp);
    // Near miss: a blueprint NotDisabled (or null) leaves its agent identity as it was.
    for (const status of ['NotDisabled', null]) {
      const on = tenant({ blueprintStatus: status });
      expect(on.g.node(on.agent)?.enabled, String(status)).not.toBe(false);
    }
  });

  it('the blueprint reaches its privileged agent identity (CAN_ASSUME) and takes its tier', () => {
    const { g, bp, agent } = tenant();
    expect(g.out(bp, 'CAN_ASSUME').map((e) => e.to)).toEqual([agent]);
    const a = analyze(g, { now: NOW, config: DEFAULT_CONFIG });
    expect(a.tier(bp)).toBe(4);
  });

  it('Application Administrator reaches the blueprint, not the agent identity (which takes no credential)', () => {
    const { g, bp, agent } = tenant({ appAdmin: true });
    const to = escalations(g, ids.entraDirectoryRole(T, '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3')).map((e) => e.to);
    expect(to).toContain(bp);
    expect(to).not.toContain(agent);
  });

  it('AgentIdentityBlueprint.AddRemoveCreds.All reaches the blueprint of a privileged agent', () => {
    const { g, bp, agent, h } = tenant({ holderPerm: ['AgentIdentityBlueprint.AddRemoveCreds.All', BP_CREDS] });
    const to = escalations(g, ids.entraAppRole(T, GRAPH, BP_CREDS)).map((e) => e.to);
    expect(to).toEqual([bp]);
    expect(to).not.toContain(agent);
    expect(summary(g, h).firm).toBeGreaterThan(0);
  });

  it('an owner of the agent identity gets no add-secret edge to it', () => {
    const { g, agent, h } = tenant({ agentOwner: true });
    expect(g.out(node(h), 'OWNS').map((e) => e.to)).toEqual([agent]);
    expect(escalations(g, node(h))).toEqual([]);
  });

  it('near miss: an agent identity whose blueprint is not in the snapshot gets no blueprint edge', () => {
    const agent = sp('Orphan', { '@odata.type': '#microsoft.graph.agentIdentity', agentIdentityBlueprintId: gid() });
    const g = build({ 'servicePrincipals.json': [graphSp, agent], 'appRoleAssignments.json': [grant(agent, 'RoleManagement.ReadWrite.Directory')] });
    expect(g.in(node(agent), 'CAN_ASSUME')).toEqual([]);
  });
});

describe('a service principal Microsoft disabled (disabledByMicrosoftStatus) is no escalation target', () => {
  // Microsoft Graph, servicePrincipal.disabledByMicrosoftStatus: Microsoft disabled it (e.g.
  // DisabledDueToViolationOfServicesAgreement), it gets no tokens, and only Microsoft lifts it.
  // A credential added to it (by an owner, an Application Administrator, Application.ReadWrite.All,
  // or a built-in or custom role scoped to it) gives nothing; re-enabling accountEnabled would not help either.
  const APP_ADMIN = '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3';
  function estate(status: string | null, appStatus: string | null = null) {
    const target = sp('Target', { disabledByMicrosoftStatus: status });
    const app = { id: gid(), appId: target.appId, displayName: 'Target', disabledByMicrosoftStatus: appStatus };
    const owner = sp('OwnerSP');
    const allApps = sp('AllApps');
    const admin = sp('AppAdmin');
    const scoped = sp('ScopedAdmin');
    const custom = sp('CustomRoleHolder');
    const def = { id: gid(), displayName: 'App credential writer', isBuiltIn: false, rolePermissions: [{ allowedResourceActions: ['microsoft.directory/applications/credentials/update'] }] };
    const ownerRef = [{ '@odata.type': '#microsoft.graph.servicePrincipal', id: owner.id, displayName: 'OwnerSP' }];
    const g = build({
      'servicePrincipals.json': [graphSp, target, owner, allApps, admin, scoped, custom],
      'applications.json': [app],
      'appRoleAssignments.json': [grant(target, 'RoleManagement.ReadWrite.Directory'), grant(owner, 'Application.ReadWrite.OwnedBy'), grant(allApps, 'Application.ReadWrite.All')],
      'applicationOwners.json': { [app.id]: ownerRef },
      'roleAssignments.json': [
        { id: gid(), principalId: admin.id, roleDefinitionId: APP_ADMIN, directoryScopeId: '/' },
        { id: gid(), principalId: scoped.id, roleDefinitionId: APP_ADMIN, directoryScopeId: `/${app.id}` },
        { id: gid(), principalId: custom.id, roleDefinitionId: def.id, directoryScopeId: `/${app.id}` },
      ],
      'roleDefinitions.json': [def],
    });
    const a = analyze(g, { now: NOW, config: DEFAULT_CONFIG });
    // Whether one of the holder's routes to a crown jewel goes through the target. (AllApps is
    // left out: Application.ReadWrite.All is itself an admin-class crown jewel, its shortest route.)
    const through = (h: Obj) => a.crownJewelPaths(node(h)).some((p) => p.hops.some((x) => x.to === node(target)));
    return { into: g.in(node(target), 'CAN_ESCALATE_TO').map((e) => e.from).sort(), routed: [owner, admin, scoped, custom].map(through) };
  }

  it('gets no CAN_ESCALATE_TO edge, and no holder a route to a crown jewel through it', () => {
    const r = estate('DisabledDueToViolationOfServicesAgreement');
    expect(r.into).toEqual([]);
    expect(r.routed).toEqual([false, false, false, false]);
  });

  it('nor is one whose application registration Microsoft disabled (application.disabledByMicrosoftStatus)', () => {
    const r = estate(null, 'DisabledDueToViolationOfServicesAgreement');
    expect(r.into).toEqual([]);
    expect(r.routed).toEqual([false, false, false, false]);
  });

  it('near miss: NotDisabled (and null) keep all five edges and the routes through it', () => {
    for (const status of ['NotDisabled', null]) {
      const r = estate(status);
      expect(r.into, String(status)).toHaveLength(5);
      expect(r.routed, String(status)).toEqual([true, true, true, true]);
    }
  });
});

describe('roles that make their holder owner of any app (AZAddOwner): an application then adds a credential only with Application.ReadWrite.OwnedBy or more', () => {
  // Microsoft Graph addPassword/addKey: an app calling them for an app it owns needs
  // Application.ReadWrite.OwnedBy (or Application.ReadWrite.All / Directory.ReadWrite.All); the
  // role gives ownership (owners/update), not credentials/update. A user who becomes owner adds
  // one, so the route from the role stays, conditional, and holders that can add the credential
  // (users; applications with one of those permissions) get a firm route of their own.
  const HYBRID = '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2';
  const PARTNER_TIER1 = '4ba39ca4-527c-499a-b93d-d9b492c50246';
  function ownerMaker(perms: Perm[], how: 'built-in' | 'custom', opts: { user?: boolean } = {}) {
    const target = sp('Target');
    const h = sp('OwnerMaker');
    const user = { id: gid(), displayName: 'Operator', userPrincipalName: 'op@contoso.example', accountEnabled: true, userType: 'Member' };
    const def = { id: gid(), displayName: 'App owner manager', isBuiltIn: false, rolePermissions: [{ allowedResourceActions: ['microsoft.directory/servicePrincipals/owners/update'] }] };
    const holder = opts.user ? user.id : h.id;
    const g = build({
      'servicePrincipals.json': [graphSp, target, h],
      ...(opts.user ? { 'users.json': [user] } : {}),
      'appRoleAssignments.json': [grant(target, 'RoleManagement.ReadWrite.Directory'), ...perms.map((p) => grant(h, p))],
      'roleAssignments.json': [{ id: gid(), principalId: holder, roleDefinitionId: how === 'built-in' ? HYBRID : def.id, directoryScopeId: '/' }],
      ...(how === 'custom' ? { 'roleDefinitions.json': [def] } : {}),
    });
    const role = ids.entraDirectoryRole(T, how === 'built-in' ? HYBRID : def.id);
    const a = analyze(g, { now: NOW, config: DEFAULT_CONFIG });
    // Firm routes of a node to a crown jewel that go through the target.
    const firmThrough = (id: string) => a.firmCrownJewelPaths(id).filter((p) => p.hops.some((x) => x.to === node(target))).length;
    return { g, h, target, role, firmThrough, userNode: ids.entraUser(T, user.id) };
  }

  for (const how of ['built-in', 'custom'] as const) {
    it(`${how}: the route from the role is conditional, and a holder with no such permission has no firm route through the target`, () => {
      const { g, h, target, role, firmThrough } = ownerMaker([], how);
      const e = escalations(g, role).find((x) => x.to === node(target));
      expect(e).toMatchObject({ conditional: true, evidence: { method: 'AZAddOwner' } });
      expect(String(e!.reason)).toMatch(/Application\.ReadWrite\.OwnedBy/);
      expect(escalations(g, node(h))).toEqual([]);
      expect(firmThrough(node(h))).toBe(0);
    });

    it(`${how}, near miss: a holder that also holds Application.ReadWrite.OwnedBy gets a firm route of its own`, () => {
      const { g, h, target, firmThrough } = ownerMaker(['Application.ReadWrite.OwnedBy'], how);
      const own = escalations(g, node(h)).filter((x) => x.to === node(target));
      expect(own.map((x) => [x.conditional ?? false, x.evidence?.method, x.evidence?.permission])).toEqual([[false, 'AZAddOwner', 'Application.ReadWrite.OwnedBy']]);
      // (A Hybrid Identity Administrator's shortest firm route to tenant admin is its own: domain federation.)
      if (how === 'custom') expect(firmThrough(node(h))).toBeGreaterThan(0);
    });

    it(`${how}: a user who holds the role gets a firm route (an owner signed in as a user adds a credential)`, () => {
      const { g, target, userNode } = ownerMaker([], how, { user: true });
      const own = escalations(g, userNode).filter((x) => x.to === node(target));
      expect(own.map((x) => [x.conditional ?? false, x.evidence?.method])).toEqual([[false, 'AZAddOwner']]);
    });
  }

  it('Partner Tier1 Support adds a credential to application registrations itself (firm), and reaches no service principal without one', () => {
    const withApp = sp('WithApp');
    const spOnly = sp('SpOnly');
    const h = sp('Tier1Holder');
    const g = build({
      'servicePrincipals.json': [graphSp, withApp, spOnly, h],
      'applications.json': [{ id: gid(), appId: withApp.appId, displayName: 'WithApp' }],
      'appRoleAssignments.json': [grant(withApp, 'RoleManagement.ReadWrite.Directory'), grant(spOnly, 'RoleManagement.ReadWrite.Directory'), grant(h, 'Application.ReadWrite.OwnedBy')],
      'roleAssignments.json': [{ id: gid(), principalId: h.id, roleDefinitionId: PARTNER_TIER1, directoryScopeId: '/' }],
    });
    const role = ids.entraDirectoryRole(T, PARTNER_TIER1);
    expect(escalations(g, role).map((e) => [g.node(e.to)?.name, e.conditional ?? false, e.evidence?.method])).toEqual([['WithApp', false, 'AZAddSecret']]);
    expect(escalations(g, node(h))).toEqual([]);
  });
});
