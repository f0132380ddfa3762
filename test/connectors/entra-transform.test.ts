import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Graph } from '../../src/graph/graph.js';
import { ids } from '../../src/graph/ids.js';
import { ENTRA_CAPABILITIES, transformEntra } from '../../src/connectors/entra/transform.js';
import { assessSubject } from '../../src/connectors/entra/fic.js';
import { classifyUser } from '../../src/connectors/entra/service-accounts.js';
import { DEFAULT_CONFIG, type NhiConfig } from '../../src/config/types.js';
import { analyze } from '../../src/analysis/analyze.js';
import { InputError } from '../../src/errors.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { loadEntraSnapshot } from '../helpers/entra-builders.js';
import { runRule } from '../helpers/rule-tester.js';
import type { RuleDefinition, Verdict } from '../../src/engine/types.js';
import appNoOwner from '../../rules/entra/entra-app-no-owner.js';
import ownerDisabled from '../../rules/entra/entra-owner-disabled.js';
import ownerIsSp from '../../rules/entra/entra-owner-is-service-principal.js';
import agentNoSponsor from '../../rules/entra/entra-agent-no-sponsor.js';

const DIR = new URL('../fixtures/entra/contoso', import.meta.url).pathname;
const T = 'c0ffee00-1111-4222-8333-444455556666';
const sp = (n: number) => ids.entraSp(T, `a1000000-0000-4000-8000-${String(n).padStart(12, '0')}`);
const user = (n: number) => ids.entraUser(T, `d4000000-0000-4000-8000-${String(n).padStart(12, '0')}`);
const cred = (n: number) => ids.entraCredential(T, `f6000000-0000-4000-8000-${String(n).padStart(12, '0')}`);
const GRAPH = '00000003-0000-0000-c000-000000000000';
const CROWN = ids.crownJewel('entra', T, 'global-admin');
const APP_ADMIN = ids.entraDirectoryRole(T, '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3');
const NOW = new Date('2026-11-20T09:00:00Z');

function load(): Snapshot {
  return loadEntraSnapshot(DIR);
}

function run(snapshot: Snapshot = load(), config: NhiConfig = DEFAULT_CONFIG): Graph {
  const b = new GraphBuilder();
  transformEntra(snapshot, b, config);
  return b.build();
}

function count<T>(items: Iterable<T>, key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

function escalationTargets(g: Graph, from: string): string[] {
  return g.out(from, 'CAN_ESCALATE_TO').map((e) => e.to).sort();
}

function inputError(fn: () => void): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('transformEntra on the recorded Contoso payload', () => {
  const g = run();

  it('creates one node per object, by type', () => {
    expect(count(g.nodes.values(), (n) => n.type)).toEqual({
      'entra-service-principal': 10,
      'entra-managed-identity': 1,
      'entra-agent-identity': 1,
      'entra-application': 1,
      'entra-user': 4,
      // the one service-account user signs in with a password: a shared-secret credential
      'entra-user-password': 1,
      'entra-group': 1,
      'entra-client-secret': 5,
      'entra-certificate': 1,
      'entra-federated-credential': 2,
      'github-repo': 2,
      'entra-app-role': 5,
      'entra-delegated-scope': 5,
      'entra-directory-role': 4,
      'entra-crown': 1,
    });
  });

  it('creates the expected edges, by type', () => {
    expect(count(g.edges(), (e) => e.type)).toEqual({
      HAS_CREDENTIAL: 9,
      FEDERATES_TO: 2,
      OWNS: 8,
      GRANTED: 5,
      DELEGATED_GRANT: 5,
      ACTS_AS: 1,
      HAS_ROLE: 4,
      MEMBER_OF: 1,
      CAN_ESCALATE_TO: 8,
      // Alice manages Svc Named Person, a user that may be a service account (MFA not read).
      MANAGES: 1,
    });
  });

  it('records a scope and coverage for every capability, honouring the manifest', () => {
    expect(g.scopes).toEqual([{ provider: 'entra', id: T, name: 'Contoso' }]);
    // 16 capabilities, and one record for the service principals missing from servicePrincipalOwners.json.
    expect(g.coverage).toHaveLength(17);
    expect(g.capability('entra', T, 'entra.servicePrincipals')).toBe('collected');
    expect(g.capability('entra', T, 'entra.owners')).toBe('collected');
    expect(g.coverageRecord('entra', T, 'entra.owners@servicePrincipalOwners.json')).toMatchObject({ status: 'error', reason: expect.stringMatching(/^8 of 11 service principals are not in/) });
    expect(g.coverageRecord('entra', T, 'entra.mfaRegistration')).toMatchObject({
      status: 'missing-permission',
      reason: expect.stringContaining('403'),
    });
  });

  // Before entra.userManagers existed, the collector recorded failed manager lookups under
  // entra.users. Such a manifest (an entra.users record, none for entra.userManagers) must not
  // disown a user list that was read whole: the record is about the lookups.
  it('reads a manifest written before entra.userManagers: its entra.users record describes the manager lookups', () => {
    const s = load();
    s.manifest.coverage.push({ provider: 'entra', scope: T, capability: 'entra.users', status: 'error', reason: '1 of 4 manager lookups not read: 503' });
    const g = run(s);
    expect(g.capability('entra', T, 'entra.users')).toBe('collected');
    expect(g.coverageRecord('entra', T, 'entra.userManagers')).toMatchObject({ status: 'error', reason: expect.stringContaining('manager lookups') });
    // Read from users.json, not a placeholder made from an owner reference.
    expect(g.node(user(1))?.attrs.placeholder).toBeUndefined();
    expect(g.node(user(1))!.attrs.hasManager).toBeUndefined();
    // The same old manifest, all read: both count as collected, with or without the managers file.
    const ok = load();
    delete ok.files['entra/userManagers.json'];
    ok.manifest.coverage.push({ provider: 'entra', scope: T, capability: 'entra.users', status: 'collected' });
    const g2 = run(ok);
    expect([g2.capability('entra', T, 'entra.users'), g2.capability('entra', T, 'entra.userManagers')]).toEqual(['collected', 'collected']);
    // The old collector wrote users.json only after reading the whole list: a record with the file
    // there was about the lookups whatever its reason (a failed \$batch of one lookup names none).
    const batch = load();
    batch.manifest.coverage.push({ provider: 'entra', scope: T, capability: 'entra.users', status: 'error', reason: '503 on POST /v1.0/$batch' });
    expect(run(batch).capability('entra', T, 'entra.users')).toBe('collected');
    expect(run(batch).capability('entra', T, 'entra.userManagers')).toBe('error');
    // Without users.json the old record covers both files, as it did.
    const list = load();
    delete list.files['entra/users.json'];
    list.manifest.coverage.push({ provider: 'entra', scope: T, capability: 'entra.users', status: 'missing-permission', reason: '403 Authorization_RequestDenied on /v1.0/users' });
    const g3 = run(list);
    expect([g3.capability('entra', T, 'entra.users'), g3.capability('entra', T, 'entra.userManagers')]).toEqual(['missing-permission', 'missing-permission']);
    expect(g3.node(user(1))?.attrs.placeholder).toBe(true);
    // A manifest that records both (this version's collector) is taken as it is.
    const now = load();
    now.manifest.coverage.push({ provider: 'entra', scope: T, capability: 'entra.users', status: 'error', reason: '1 of 4 manager lookups not read: 503' });
    now.manifest.coverage.push({ provider: 'entra', scope: T, capability: 'entra.userManagers', status: 'collected' });
    expect(run(now).capability('entra', T, 'entra.users')).toBe('error');
    expect(run(now).node(user(1))?.attrs.placeholder).toBe(true);
  });

  it('counts a two-file capability as collected only when both files were read (or the manifest says so)', () => {
    const pairs: [string, string, string][] = [
      ['entra.directoryRoles', 'roleDefinitions.json', 'roleAssignments.json'],
      ['entra.owners', 'applicationOwners.json', 'servicePrincipalOwners.json'],
      ['entra.groups', 'groups.json', 'groupMembers.json'],
    ];
    for (const [cap, a, b] of pairs) {
      expect(g.capability('entra', T, cap)).toBe('collected');
      for (const [kept, dropped] of [[a, b], [b, a]]) {
        const s = load();
        delete s.files[`entra/${dropped}`];
        const rec = run(s).coverageRecord('entra', T, cap);
        expect(rec?.status, `${cap} with only ${kept}`).toBe('not-collected');
        expect(rec?.reason).toContain(`entra/${dropped}`);
      }
    }
    // A live collection writes no userManagers.json when no user looks like a service account;
    // its manifest record still says collected, and that wins.
    const s = load();
    delete s.files['entra/userManagers.json'];
    s.manifest.coverage.push({ provider: 'entra', scope: T, capability: 'entra.userManagers', status: 'collected' });
    expect(run(s).capability('entra', T, 'entra.userManagers')).toBe('collected');
    // The user list is a capability of its own: without the managers file it still counts as read.
    const u = load();
    delete u.files['entra/userManagers.json'];
    expect(run(u).capability('entra', T, 'entra.users')).toBe('collected');
    expect(run(u).capability('entra', T, 'entra.userManagers')).toBe('not-collected');
  });

  it('joins the app registration and its SP into one identity, with credentials at both levels', () => {
    expect(g.node(ids.entraApp(T, 'b2000000-0000-4000-8000-000000000002'))).toBeUndefined();
    const bot = g.node(sp(2))!;
    expect(bot.createdAt).toBe('2024-03-01T10:00:00.000Z');
    expect(bot.attrs.applicationObjectId).toBe('b2000000-0000-4000-8000-000000000002');
    expect(g.node(cred(21))).toMatchObject({ credentialType: 'client-secret', attrs: { location: 'application', hint: 'dB1' } });
    expect(g.node(cred(41))).toMatchObject({ attrs: { location: 'servicePrincipal' } });
    expect(g.out(sp(4), 'HAS_CREDENTIAL')[0].hidden).toBe(true);
    expect(g.out(sp(3), 'HAS_CREDENTIAL').every((e) => !e.hidden)).toBe(true);
    const orphan = g.node(ids.entraApp(T, 'b2000000-0000-4000-8000-000000000013'))!;
    expect(orphan.type).toBe('entra-application');
  });

  it('skips the SAML signing pair of a SAML SSO service principal', () => {
    expect(g.out(sp(11), 'HAS_CREDENTIAL')).toHaveLength(0);
    expect(g.node(sp(11))!.attrs.servicePrincipalSigningKeysSkipped).toBe(2);
  });

  it('names app roles from the resource SP, falling back to the static table only when it is missing', () => {
    const mailSend = g.node(ids.entraAppRole(T, GRAPH, 'b633e1c5-b582-4048-a93e-9f11b44c7e96'))!;
    expect(mailSend).toMatchObject({ tier: 2, attrs: { permission: 'Mail.Send', nameSource: 'resource-sp', category: 'data-write' } });
    const rm = g.node(ids.entraAppRole(T, GRAPH, '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8'))!;
    expect(rm).toMatchObject({ tier: 4, crownJewel: 'admin', attrs: { permission: 'RoleManagement.ReadWrite.Directory' } });
    const files = g.node(ids.entraAppRole(T, GRAPH, '75359482-378d-4052-8f01-80520e7db3cd'))!;
    expect(files.attrs).toMatchObject({ permission: 'Files.ReadWrite.All', nameSource: 'static-table' });
    expect(g.out(sp(2), 'GRANTED')[0]).toMatchObject({ hidden: true, evidence: { assignmentId: 'ara00001' } });
  });

  it('distinguishes tenant-wide from per-user delegated consent', () => {
    const all = g.out(sp(5), 'DELEGATED_GRANT');
    expect(all.map((e) => e.evidence?.consentType)).toEqual(['AllPrincipals', 'AllPrincipals', 'AllPrincipals']);
    expect(g.node(ids.entraScope(T, GRAPH, 'Mail.Send'))!.tier).toBe(2);
    // Directory.AccessAsUser.All is T4 for all users but capped at T2 for one user's consent.
    expect(g.node(ids.entraScope(T, GRAPH, 'Directory.AccessAsUser.All#user-consent'))!.tier).toBe(2);
    const actsAs = g.out(sp(12), 'ACTS_AS');
    expect(actsAs).toHaveLength(1);
    expect(actsAs[0]).toMatchObject({ to: user(1), hidden: true });
    expect(g.out(sp(12), 'DELEGATED_GRANT')[0].evidence).toMatchObject({ consentType: 'Principal', principalId: 'd4000000-0000-4000-8000-000000000001' });
  });

  it('records directory roles with scope and PIM eligibility, through role-assignable groups', () => {
    const ga = ids.entraDirectoryRole(T, '62e90394-69f5-4237-9190-012177145e10');
    expect(g.node(ga)).toMatchObject({ tier: 4, crownJewel: 'admin' });
    const group = ids.entraGroup(T, 'e5000000-0000-4000-8000-000000000001');
    expect(g.out(group, 'HAS_ROLE').map((e) => e.to)).toEqual([ga]);
    expect(g.out(user(3), 'MEMBER_OF').map((e) => e.to)).toEqual([group]);
    const eligible = g.out(user(1), 'HAS_ROLE')[0];
    expect(eligible).toMatchObject({ conditional: true, evidence: { eligible: true, directoryScopeId: '/' } });
    expect(g.node(APP_ADMIN)).toMatchObject({ tier: 3, crownJewel: 'identity-admin' });
  });

  it('marks the applications whose federated credentials were read (a missing key was not read)', () => {
    const snap = load();
    const apps = (snap.files['entra/applications.json'] as { value: { id: string }[] }).value;
    const fics = { ...(snap.files['entra/federatedIdentityCredentials.json'] as Record<string, unknown>) };
    const [dropped, kept] = [apps[0].id, apps[1].id];
    delete fics[dropped];
    fics[kept] ??= [];
    const g = run({ ...snap, files: { ...snap.files, 'entra/federatedIdentityCredentials.json': fics } });
    const byApp = (id: string) => [...g.nodes.values()].find((n) => n.attrs.applicationObjectId === id)!;
    expect(byApp(dropped).attrs.ficsCollected).toBeUndefined();
    expect(byApp(kept).attrs.ficsCollected).toBe(true);
  });

  it('marks the groups whose members were read (a missing key was not read)', () => {
    const group = ids.entraGroup(T, 'e5000000-0000-4000-8000-000000000001');
    expect(g.node(group)!.attrs.membersCollected).toBe(true);
    const snap = load();
    const g2 = run({ ...snap, files: { ...snap.files, 'entra/groupMembers.json': {} } });
    expect(g2.capability('entra', T, 'entra.groups')).toBe('collected');
    expect(g2.node(group)!.attrs.membersCollected).toBeUndefined();
    expect(g2.in(group, 'MEMBER_OF')).toHaveLength(0);
  });

  it('keeps "not collected" apart from "collected, never used"', () => {
    expect(g.node(sp(2))!.lastUsedAt).toBe('2026-11-18T12:00:00.000Z');
    expect(g.node(sp(3))!.lastUsedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(g.node(sp(4))!.lastUsedAt).toBeNull();
    expect(g.node(cred(21))!.lastUsedAt).toBe('2026-11-10T00:00:00.000Z');
    expect(g.node(cred(31))!.lastUsedAt).toBeNull();

    const s = load();
    delete s.files['entra/servicePrincipalSignInActivities.json'];
    delete s.files['entra/appCredentialSignInActivities.json'];
    const g2 = run(s);
    expect(g2.node(sp(2))!.lastUsedAt).toBeUndefined();
    expect(g2.node(cred(21))!.lastUsedAt).toBeUndefined();
    expect(g2.capability('entra', T, 'entra.signInActivity')).toBe('not-collected');
  });

  it('classifies first-party, third-party, managed and agent identities', () => {
    expect(g.node(sp(1))!.firstParty).toBe(true);
    expect(g.node(sp(5))!.thirdParty).toEqual({ ownerScope: '9f8e7d6c-5b4a-4321-8fed-cba987654321', verifiedPublisher: false });
    const mi = g.node(sp(6))!;
    expect([mi.type, mi.firstParty, mi.thirdParty]).toEqual(['entra-managed-identity', undefined, undefined]);
    expect(g.node(sp(7))!.agent).toEqual({ confidence: 'authoritative', reasons: ['@odata.type agentIdentity'] });
    expect(g.node(sp(12))!.agent).toMatchObject({ confidence: 'name' });
    expect(g.node(sp(3))!.agent).toBeUndefined();
    const g2 = run(load(), { ...DEFAULT_CONFIG, knownAgents: ['mail-notifier'] });
    expect(g2.node(sp(3))!.agent).toEqual({ confidence: 'config', reasons: ['listed in knownAgents'] });
  });

  it('classifies service-account users and keeps the reasons', () => {
    const svc = g.node(user(3))!;
    expect(svc.kind).toBe('identity');
    expect(svc.machineReasons).toEqual(expect.arrayContaining(['password never expires', 'no manager', 'only non-interactive sign-ins']));
    const named = g.node(user(4))!;
    expect(named.kind).toBe('human');
    expect(named.attrs.serviceAccountSignals).toHaveLength(1);
    // Its manager and sign-ins were read (it never signed in); its MFA registration was not
    // (missing-permission), and "no MFA" would make it a service account.
    expect(named.attrs.serviceAccountUnread).toEqual(['MFA registration']);
    const g2 = run(load(), { ...DEFAULT_CONFIG, knownServiceAccounts: ['svc-named@contoso.com'] });
    expect(g2.node(user(4))!.kind).toBe('identity');
  });

  it('dates the interactive sign-in of a service-account user', () => {
    expect(g.node(user(3))!.attrs).toMatchObject({ interactiveUse: false });
    expect(g.node(user(3))!.attrs.interactiveUseAt).toBeUndefined();
    const s = load();
    const users = s.files['entra/users.json'] as { value: Array<{ id: string; signInActivity?: Record<string, unknown> }> };
    users.value.find((u) => u.id.endsWith('003'))!.signInActivity!.lastSignInDateTime = '2024-05-01T08:00:00Z';
    expect(run(s).node(user(3))!.attrs).toMatchObject({ interactiveUse: true, interactiveUseAt: '2024-05-01T08:00:00.000Z', interactiveUseEvidence: 'interactive sign-in 2024-05-01' });
  });

  it('turns a GitHub pull_request subject into a wildcard trust from an external workload', () => {
    const pr = g.node(ids.entraCredential(T, 'f7000000-0000-4000-8000-000000000001'))!;
    expect(pr.federation).toMatchObject({ issuer: 'https://token.actions.githubusercontent.com', subjectMatch: 'wildcard' });
    const prod = g.node(ids.entraCredential(T, 'f7000000-0000-4000-8000-000000000002'))!;
    expect(prod.federation!.subjectMatch).toBe('exact');
    const ext = ids.external('oidc', 'https://token.actions.githubusercontent.com|repo:contoso/infra:pull_request');
    expect(g.node(ext)).toMatchObject({ kind: 'external', type: 'github-repo' });
    expect(g.out(ext, 'FEDERATES_TO')).toEqual([expect.objectContaining({ to: sp(2), hidden: true })]);
  });

  it('warns about dangling assignments instead of failing', () => {
    expect(g.warnings).toEqual([
      // Svc Named Person: its MFA registration, which could make it a service account, was not read.
      'entra/users.json: 1 user named like a service account could not be classified, because data that decides it was not read: the service-account rules answer unknown for it (first: Svc Named Person: its MFA registration was not read)',
      // The fixture reads the owners of 3 of the 11 service principals that are not Microsoft's.
      expect.stringMatching(/^entra\/servicePrincipalOwners\.json: 8 of 11 service principals are not in servicePrincipalOwners\.json: their owners were not read \(first: /),
      'entra/appRoleAssignments.json: 1 assignment(s) name 1 principal(s) that are not in the snapshot ("a1000000-0000-4000-8000-000000000999"; the first at $.value[5]); ignored',
      'entra/roleAssignments.json: 1 assignment(s) give a role to 1 principal(s) that are not in the snapshot ("d4000000-0000-4000-8000-000000000404"; the first at $.value[3]); ignored',
    ]);
  });

  it('never copies a secret value into the graph', () => {
    const s = load();
    const sps = (s.files['entra/servicePrincipals.json'] as { value: Record<string, unknown>[] }).value;
    (sps[3].passwordCredentials as Record<string, unknown>[])[0].secretText = 'Lp4~SUPER-SECRET-VALUE';
    const text = JSON.stringify([...run(s).nodes.values()]);
    expect(text).not.toContain('SUPER-SECRET');
  });
});

describe('escalation edges', () => {
  const g = run();
  const a = analyze(g, { now: NOW, config: DEFAULT_CONFIG });

  it('tenant-wide Application Administrator reaches only the T3+ apps, not lower ones', () => {
    expect(escalationTargets(g, APP_ADMIN)).toEqual([sp(10), sp(2), sp(8)].sort());
    expect(g.out(APP_ADMIN, 'CAN_ESCALATE_TO')[0].evidence).toMatchObject({ method: 'AZAddSecret' });
    expect(a.tier(sp(8))).toBe(4);
    const path = a.crownJewelPaths(sp(8)).find((p) => p.crownJewel === 'admin')!;
    expect(path.hops.map((h) => h.type)).toEqual(['HAS_ROLE', 'CAN_ESCALATE_TO', 'GRANTED']);
    expect(path.hiddenHops).toBe(2);
  });

  it('an app-scoped Cloud Application Administrator reaches only that app (decoy: not deploy-bot)', () => {
    const scoped = ids.entraDirectoryRole(T, '158c047a-c907-4556-b7ef-446551a6b5f7/b2000000-0000-4000-8000-000000000003');
    expect(escalationTargets(g, scoped)).toEqual([sp(3)]);
    expect(a.tier(sp(9))).toBe(2);
  });

  it('Application.ReadWrite.OwnedBy is not tenant-wide: only what the SP owns', () => {
    const ownedBy = ids.entraAppRole(T, GRAPH, '18a4783c-866b-4cc7-a460-3d5e5662c884');
    expect(g.out(ownedBy, 'CAN_ESCALATE_TO')).toHaveLength(0);
    expect(escalationTargets(g, sp(10))).toEqual([sp(4)]);
    expect(a.tier(sp(10))).toBe(3);
  });

  it('RoleManagement.ReadWrite.Directory, GA and PRA point at the crown node', () => {
    const rm = ids.entraAppRole(T, GRAPH, '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8');
    expect(g.out(rm, 'CAN_ESCALATE_TO')).toEqual([expect.objectContaining({ to: CROWN, evidence: { method: 'AZMGGrantRole' } })]);
    expect(g.node(CROWN)).toMatchObject({ kind: 'privilege', type: 'entra-crown', tier: 4, crownJewel: 'admin' });
    expect(g.in(CROWN, 'CAN_ESCALATE_TO')).toHaveLength(3);
  });

  it('tiers flow through groups, token inheritance and federation', () => {
    expect(a.tier(user(3))).toBe(4);
    expect(a.tier(sp(12))).toBe(4);
    expect(a.tier(sp(5))).toBe(2);
    expect(a.tier(ids.external('oidc', 'https://token.actions.githubusercontent.com|repo:contoso/infra:pull_request'))).toBe(4);
  });
});

describe('a disabled app role', () => {
  it('holds no firm grant: its holders keep the capability, named as disabled, and no path passes into it', () => {
    const rmId = '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8';
    const s = load();
    const sps = (s.files['entra/servicePrincipals.json'] as { value: Record<string, unknown>[] }).value;
    const graphSp = sps.find((x) => x.id === 'a1000000-0000-4000-8000-000000000001')!;
    const role = (graphSp.appRoles as Record<string, unknown>[]).find((r) => r.id === rmId)!;
    role.isEnabled = false;
    const g = run(s);
    const a = analyze(g, { now: NOW, config: DEFAULT_CONFIG });
    const rm = ids.entraAppRole(T, GRAPH, rmId);
    // Still named and tiered (the capability comes back when the role is re-enabled), but disabled.
    expect(g.node(rm)).toMatchObject({ tier: 4, enabled: false, attrs: { permission: 'RoleManagement.ReadWrite.Directory' } });
    const grant = g.out(sp(2), 'GRANTED').find((e) => e.to === rm)!;
    expect(grant.reason).toContain('the app role is disabled: no token carries it until it is re-enabled');
    expect(a.crownJewelPaths(sp(2)).filter((p) => p.hops.some((h) => h.to === rm))).toEqual([]);
    expect(a.tierReasons(sp(2)).join(' ')).toMatch(/RoleManagement\.ReadWrite\.Directory.*which is disabled/);
    // The same role enabled: a firm route that paths follow.
    const a0 = analyze(run(), { now: NOW, config: DEFAULT_CONFIG });
    expect(a0.crownJewelPaths(sp(2)).some((p) => p.hops.some((h) => h.to === rm))).toBe(true);
  });
});

describe('a disabled app role draws no firm escalation', () => {
  // sp(10) owns sp(4) and holds Application.ReadWrite.OwnedBy: a firm AZAddSecret route while the
  // role is live; with the role disabled on Graph's service principal, no token carries it, so the
  // route only waits on the role being re-enabled: conditional, and the reason says which.
  const ownedById = '18a4783c-866b-4cc7-a460-3d5e5662c884';
  const disable = (s: Snapshot, roleId: string): Snapshot => {
    const sps = (s.files['entra/servicePrincipals.json'] as { value: Record<string, unknown>[] }).value;
    const graphSp = sps.find((x) => x.id === 'a1000000-0000-4000-8000-000000000001')!;
    (graphSp.appRoles as Record<string, unknown>[]).find((r) => r.id === roleId)!.isEnabled = false;
    return s;
  };
  const ownerEdge = (g: Graph) => g.out(sp(10), 'CAN_ESCALATE_TO').find((e) => e.to === sp(4))!;

  it('an owner holding the add-credential permission only through a disabled app role gets a conditional route that names it', () => {
    const g = run(disable(load(), ownedById));
    const e = ownerEdge(g);
    expect(e.conditional).toBe(true);
    expect(e.reason).toContain('it holds Application.ReadWrite.OwnedBy only through an app role that is disabled (no token carries it until it is re-enabled)');
    expect(e.evidence).toMatchObject({ method: 'AZAddSecret', via: 'ownership', disabledPermission: 'Application.ReadWrite.OwnedBy' });
    // The live role's route is firm.
    const live = ownerEdge(run());
    expect(live.conditional).toBeUndefined();
    expect(live.reason).toContain('holding Application.ReadWrite.OwnedBy, can add a credential to it');
  });
});

describe('malformed input', () => {
  it('names the file and JSON path of a wrong field', () => {
    const s = load();
    const sps = (s.files['entra/servicePrincipals.json'] as { value: Record<string, unknown>[] }).value;
    (sps[3].passwordCredentials as Record<string, unknown>[])[0].keyId = 42;
    expect(inputError(() => run(s)).oneLine()).toBe(
      'entra/servicePrincipals.json: $.value[3].passwordCredentials[0].keyId: expected a non-empty string',
    );
  });

  it('names the parent key in a relationship file', () => {
    const s = load();
    const owners = s.files['entra/applicationOwners.json'] as Record<string, Record<string, unknown>[]>;
    delete owners['b2000000-0000-4000-8000-000000000002'][0].id;
    expect(inputError(() => run(s)).oneLine()).toBe(
      'entra/applicationOwners.json: $["b2000000-0000-4000-8000-000000000002"][0].id: expected a non-empty string',
    );
  });

  it('names the parent key of a relationship list in a Graph envelope, or of a lone object', () => {
    const parent = 'b2000000-0000-4000-8000-000000000002';
    const enveloped = load();
    const owners = enveloped.files['entra/applicationOwners.json'] as Record<string, unknown>;
    const list = owners[parent] as Record<string, unknown>[];
    delete list[0].id;
    owners[parent] = { value: list };
    expect(inputError(() => run(enveloped)).oneLine()).toBe(`entra/applicationOwners.json: $["${parent}"].value[0].id: expected a non-empty string`);
    const lone = load();
    const loneOwners = lone.files['entra/applicationOwners.json'] as Record<string, unknown>;
    const first = (loneOwners[parent] as Record<string, unknown>[])[0];
    delete first.id;
    loneOwners[parent] = first;
    expect(inputError(() => run(lone)).oneLine()).toBe(`entra/applicationOwners.json: $["${parent}"].id: expected a non-empty string`);
  });

  it('rejects a collection file that is not a collection', () => {
    const s = load();
    s.files['entra/appRoleAssignments.json'] = { value: 'nope' };
    expect(inputError(() => run(s)).oneLine()).toContain('entra/appRoleAssignments.json: $: expected an array');
  });

  it('rejects a bad date and an unknown consent type', () => {
    const s = load();
    const apps = (s.files['entra/applications.json'] as { value: Record<string, unknown>[] }).value;
    apps[0].createdDateTime = 'yesterday';
    expect(inputError(() => run(s)).oneLine()).toContain('$.value[0].createdDateTime: not a date');
    const s2 = load();
    (s2.files['entra/oauth2PermissionGrants.json'] as { value: Record<string, unknown>[] }).value[0].consentType = 'Everyone';
    expect(inputError(() => run(s2)).oneLine()).toContain('$.value[0].consentType');
  });

  it('refuses a tenant id that disagrees with organization.json, and needs one', () => {
    const s = load();
    s.manifest.providers.entra!.tenantId = '00000000-0000-0000-0000-000000000000';
    expect(inputError(() => run(s)).message).toContain('differs');
    const s2 = load();
    delete s2.manifest.providers.entra;
    delete s2.files['entra/organization.json'];
    expect(inputError(() => run(s2)).location).toBe('$.providers.entra.tenantId');
  });

  it('does nothing for a snapshot without Entra', () => {
    const b = new GraphBuilder();
    transformEntra({ manifest: { schemaVersion: 1, collectedAt: NOW.toISOString(), providers: {}, coverage: [] }, files: {}, source: 'x' }, b, DEFAULT_CONFIG);
    const g = b.build();
    expect([g.scopes.length, g.coverage.length, g.nodes.size]).toEqual([0, 0, 0]);
  });
});

describe('federated credential subjects', () => {
  const GH = 'https://token.actions.githubusercontent.com';
  it.each([
    [GH, 'repo:contoso/infra:ref:refs/heads/main', undefined, 'exact'],
    [GH, 'repo:contoso/infra:environment:prod', undefined, 'exact'],
    [GH, 'repo:contoso/infra:pull_request', undefined, 'wildcard'],
    // Entra matches `subject` exactly; "Wildcard characters aren't supported in any federated identity
    // credential property value" (learn.microsoft.com, workload identity federation considerations):
    // a `*` there is a literal, only claimsMatchingExpression has wildcards.
    [GH, 'repo:contoso/*', undefined, 'exact'],
    ['https://gitlab.com', 'project_path:grp/*:ref_type:branch:ref:main', undefined, 'exact'],
    [GH, undefined, "claims['sub'] matches 'repo:contoso/infra:ref:refs/heads/*'", 'wildcard'],
    [GH, undefined, "claims['sub'] eq 'repo:contoso/infra:ref:refs/heads/main'", 'exact'],
    ['https://gitlab.com', 'project_path:grp/app:ref_type:branch:ref:main', undefined, 'exact'],
    ['https://oidc.example.net', undefined, undefined, 'missing'],
    // An eq expression is judged by the subject it compares, as a plain subject would be.
    [GH, undefined, "claims['sub'] eq 'repo:contoso/infra:pull_request'", 'wildcard'],
    // GitHub Enterprise Cloud's custom issuer is GitHub's host with the enterprise's path.
    [`${GH}/contoso`, 'repo:contoso/infra:pull_request', undefined, 'wildcard'],
    [`${GH}/contoso/`, 'repository_owner:contoso', undefined, 'wildcard'],
    [`${GH}/contoso`, 'repo:contoso/infra:environment:prod', undefined, 'exact'],
    // Customised GitHub subjects: without a single repository every repository of the owner qualifies.
    [GH, 'repository_owner:contoso', undefined, 'wildcard'],
    [GH, 'repository_owner_id:1234567:environment:prod', undefined, 'wildcard'],
    [GH, 'job_workflow_ref:contoso/shared/.github/workflows/deploy.yml@refs/heads/main', undefined, 'wildcard'],
    [GH, 'repository_owner:contoso:pull_request', undefined, 'wildcard'],
    [GH, 'repository_id:987654:environment:prod', undefined, 'exact'],
    [GH, 'repository:contoso/infra:environment:prod', undefined, 'exact'],
    [GH, 'repo:contoso/infra:environment:prod:job_workflow_ref:contoso/shared/.github/workflows/d.yml@refs/heads/main', undefined, 'exact'],
    // One repository but no branch, tag, environment or workflow: a customised template with
    // only the repository claim gives this subject to every run of every workflow of it.
    [GH, 'repo:contoso/infra', undefined, 'wildcard'],
    [GH, 'repository_id:987654', undefined, 'wildcard'],
    [GH, 'repo:contoso/infra:ref_type:branch', undefined, 'wildcard'],
    [GH, 'repo:contoso/infra:event_name:push', undefined, 'wildcard'],
    [GH, undefined, "claims['sub'] eq 'repo:contoso/infra'", 'wildcard'],
    [GH, 'repo:contoso/infra:ref:refs/tags/v1', undefined, 'exact'],
    [GH, 'repo:contoso/infra:workflow_ref:contoso/infra/.github/workflows/d.yml@refs/heads/main', undefined, 'exact'],
    [GH, 'workflow_ref:contoso/infra/.github/workflows/d.yml@refs/heads/main', undefined, 'exact'],
    [GH, 'repository_id:987654:job_workflow_ref:contoso/shared/.github/workflows/d.yml@refs/heads/main', undefined, 'exact'],
    // Not GitHub: the customised-subject rule does not apply.
    ['https://token.actions.githubusercontent.com.evil.example', 'repository_owner:contoso', undefined, 'exact'],
    ['https://gitlab.com', 'project_path:grp/app', undefined, 'exact'],
  ] as const)('%s %s %s -> %s', (issuer, subject, expr, match) => {
    expect(assessSubject(issuer, subject, expr).match).toBe(match);
  });

  it('a GitHub, GitLab or Terraform credential with no subject is undecided (a flexible credential is beta-only), never "any token is accepted"', () => {
    for (const issuer of [GH, `${GH}/contoso`, 'https://gitlab.com', 'https://app.terraform.io']) {
      const a = assessSubject(issuer, undefined, undefined);
      expect(a.undecided, issuer).toBe(true);
      expect(a.note).toMatch(/beta/);
      expect(a.note).not.toMatch(/any token/);
    }
    expect(assessSubject('https://oidc.example.net', undefined, undefined)).toMatchObject({ undecided: true, note: 'no subject read (Entra requires one)' });
    expect(assessSubject(GH, 'repo:contoso/infra:environment:prod', undefined).undecided).toBeUndefined();
  });
});

describe('service-account classification', () => {
  const base = { id: 'u1', signInKnown: false };
  it.each([
    ['name alone is not enough', { userPrincipalName: 'svc-x@c.com' }, false],
    ['name plus password never expires', { userPrincipalName: 'svc-x@c.com', passwordPolicies: 'DisablePasswordExpiration' }, true],
    ['supporting signals alone are not enough', { userPrincipalName: 'jane@c.com', hasManager: false, mfaRegistered: false }, false],
    ['employeeType declares it', { userPrincipalName: 'jane@c.com', employeeType: 'Service Account' }, true],
  ] as const)('%s', (_name, facts, machine) => {
    expect(classifyUser({ ...base, ...facts }, DEFAULT_CONFIG).machine).toBe(machine);
  });

  it('names the unread sources of supporting signals of a name-matched user that is not one on what was read', () => {
    const read = { id: 'u1', signInKnown: true, lastInteractive: '2026-11-01T00:00:00Z', hasManager: true, mfaRegistered: true };
    expect(classifyUser({ ...read, userPrincipalName: 'svc-x@c.com' }, DEFAULT_CONFIG)).toMatchObject({ machine: false, unread: [] });
    expect(classifyUser({ id: 'u1', signInKnown: false, userPrincipalName: 'svc-x@c.com' }, DEFAULT_CONFIG)).toMatchObject({
      machine: false,
      unread: ['manager', 'MFA registration', 'sign-in activity'],
    });
    expect(classifyUser({ ...read, hasManager: undefined, userPrincipalName: 'svc-x@c.com' }, DEFAULT_CONFIG).unread).toEqual(['manager']);
    // Not named like one: supporting signals alone never decide, so nothing unread matters.
    expect(classifyUser({ id: 'u1', signInKnown: false, userPrincipalName: 'jane@c.com' }, DEFAULT_CONFIG).unread).toEqual([]);
    // Already a service account on what was read.
    expect(classifyUser({ id: 'u1', signInKnown: false, userPrincipalName: 'svc-x@c.com', passwordPolicies: 'DisablePasswordExpiration' }, DEFAULT_CONFIG).unread).toEqual([]);
  });
});

describe('less common inputs', () => {
  it('tiers a custom directory role from its allowed actions and a grant whose resource SP is missing by name', () => {
    const s = load();
    (s.files['entra/roleDefinitions.json'] as { value: unknown[] }).value.push({
      id: 'custom-1',
      templateId: 'custom-1',
      displayName: 'App credential rotator',
      isBuiltIn: false,
      rolePermissions: [{ allowedResourceActions: ['microsoft.directory/applications/credentials/update'] }],
    });
    (s.files['entra/roleAssignments.json'] as { value: unknown[] }).value.push({
      id: 'ra9',
      principalId: 'a1000000-0000-4000-8000-000000000003',
      roleDefinitionId: 'custom-1',
      directoryScopeId: '/',
    });
    (s.files['entra/oauth2PermissionGrants.json'] as { value: unknown[] }).value.push({
      id: 'g9',
      clientId: 'a1000000-0000-4000-8000-000000000005',
      consentType: 'AllPrincipals',
      resourceId: 'a1000000-0000-4000-8000-0000000000fe',
      scope: 'Files.ReadWrite.All',
    });
    const g = run(s);
    expect(g.node(ids.entraDirectoryRole(T, 'custom-1'))).toMatchObject({
      tier: 3,
      name: 'App credential rotator',
      attrs: { tierSource: 'role-actions', builtIn: false },
    });
    const files = g.node(ids.entraScope(T, 'a1000000-0000-4000-8000-0000000000fe', 'Files.ReadWrite.All'))!;
    expect(files.tier).toBe(2);
    expect(g.warnings).toContainEqual(
      expect.stringMatching(/^entra\/oauth2PermissionGrants\.json: 1 grant\(s\) name 1 resource\(s\) that are not in the snapshot \("a1000000-0000-4000-8000-0000000000fe"; the first at \$\.value\[\d+\]\); their scopes keyed by the resource's object id$/),
    );
  });
});

describe('a coverage entry wins over the files (docs/snapshot-format.md)', () => {
  type Status = 'missing-permission' | 'error' | 'not-collected';
  /** The Contoso snapshot with a manifest entry that disowns `cap`, its files left in place. */
  function disowned(cap: string, status: Status = 'missing-permission', drop = false): Snapshot {
    const s = load();
    s.manifest.coverage = s.manifest.coverage.filter((c) => c.capability !== cap);
    s.manifest.coverage.push({ provider: 'entra', scope: T, capability: cap, status, reason: 'test: disowned' });
    // This version's collector records both; entra.users alone is read as an older manifest
    // (withManagerRecord in transform.ts), whose record with users.json present was about lookups.
    if (cap === 'entra.users') s.manifest.coverage.push({ provider: 'entra', scope: T, capability: 'entra.userManagers', status: 'collected' });
    if (drop) for (const f of ENTRA_CAPABILITIES.find(([c]) => c === cap)![1]) delete s.files[`entra/${f}`];
    return s;
  }
  /** Nodes, edges and warnings, in a stable order, to compare two graphs. */
  const dump = (g: Graph): string =>
    JSON.stringify({
      nodes: [...g.nodes.values()].sort((a, b) => a.id.localeCompare(b.id)),
      edges: [...g.edges()].map((e) => JSON.stringify(e)).sort(),
      warnings: g.warnings,
    });
  const verdicts = (rule: RuleDefinition, g: Graph): Verdict[] => [...runRule(rule, g, { now: NOW }).verdicts.values()];

  it('for every capability read from files, a disowned file gives the graph of an absent one', () => {
    // entra.organization names the tenant only (no rule reads it): the tenant id is still needed.
    for (const [cap] of ENTRA_CAPABILITIES.filter(([c]) => c !== 'entra.organization')) {
      for (const status of ['missing-permission', 'error'] as const) {
        expect(dump(run(disowned(cap, status))), `${cap} ${status}`).toBe(dump(run(disowned(cap, status, true))));
      }
    }
  });

  it('owners: a disowned owner file makes the owner rules unknown, never pass or fail', () => {
    const rules = [appNoOwner, ownerDisabled, ownerIsSp];
    // With the owners read, the rules decide (this fixture holds an app with no owner).
    expect(verdicts(appNoOwner, run())).toContain('fail');
    for (const rule of rules) expect(verdicts(rule, run()).some((v) => v !== 'unknown'), rule.meta.id).toBe(true);
    const g2 = run(disowned('entra.owners'));
    expect([...g2.edges()].filter((e) => e.type === 'OWNS')).toEqual([]);
    expect([...g2.nodes.values()].filter((n) => n.attrs.ownersCollected !== undefined)).toEqual([]);
    for (const rule of rules) {
      const v = verdicts(rule, g2);
      expect(v.length, rule.meta.id).toBeGreaterThan(0);
      expect(new Set(v), rule.meta.id).toEqual(new Set(['unknown']));
    }
  });

  it('agent sponsors: a disowned sponsor file makes an agent with none unknown, not failing', () => {
    const agent = sp(7);
    expect(runRule(agentNoSponsor, run(), { now: NOW }).verdicts.get(agent)).toBe('fail');
    const g2 = run(disowned('entra.agentSponsors'));
    expect(g2.node(agent)!.attrs.sponsorsCollected).toBeUndefined();
    expect(runRule(agentNoSponsor, g2, { now: NOW }).verdicts.get(agent)).toBe('unknown');
  });

  it('groups: a disowned member file adds no membership and marks no group as read', () => {
    const group = ids.entraGroup(T, 'e5000000-0000-4000-8000-000000000001');
    expect(run().in(group, 'MEMBER_OF').length).toBeGreaterThan(0);
    const g2 = run(disowned('entra.groups', 'error'));
    expect(g2.node(group)).toBeUndefined();
    expect([...g2.edges()].filter((e) => e.type === 'MEMBER_OF')).toEqual([]);
  });
});
