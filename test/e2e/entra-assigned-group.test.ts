import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids } from '../../src/graph/ids.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import type { FakeAws } from '../fakes/aws-iam-server.js';
import type { EntraFake } from '../fakes/entra-server.js';
import { fingerprints, restrictDemo, scan, scanLive, withoutDemoAwsApp } from './demo.js';
import { collectAwsDemo, collectEntraDemo, isolate, type LiveRun } from './live.js';

/**
 * An AWS SAML enterprise app whose administrator app role is assigned to a group that is not
 * role-assignable ("AWS-Admins"): any security group can be assigned an app role, and its direct
 * members then sign in to the AWS role the app role names. The collector used to list only
 * role-assignable groups, so nobody reached that role through the group: a hidden path.
 */
const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
const PROD = '444455556666';
const PROVIDER = `arn:aws:iam::${PROD}:saml-provider/EntraID`;
const ADMIN_ROLE = `arn:aws:iam::${PROD}:role/entra-admin`;
const AWS_APP = 'aa5e2b0c-0d6f-4c3a-9d0e-3b9b0d9b7a01';
const ADMIN_APP_ROLE = 'b7e1c0de-0000-4000-8000-000000000001';
const AWS_ADMINS = 'a1b2c3d4-0000-4000-8000-00000000a0a0';
/** A group nested in AWS-Admins: assignment does not cascade to its members. */
const NESTED = 'a1b2c3d4-0000-4000-8000-00000000b0b0';
const SVC_BACKUP = '46bd9401-490b-406d-b5a6-1db96bfd7d7f';

type Json = Record<string, unknown>;
const user = (id: string) => ids.entraUser(TENANT, id);
const group = (id: string) => ids.entraGroup(TENANT, id);
const role = ids.awsPrincipal(PROD, ADMIN_ROLE);

/** The demo without its own AWS SAML app (story 15), plus the AWS app, the group and its assignment, plus entra-admin trusting the provider. */
function withGroupAssignedAwsApp(): Snapshot {
  const s = withoutDemoAwsApp();
  (s.files['entra/servicePrincipals.json'] as { value: Json[] }).value.push({
    id: AWS_APP,
    appId: 'f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f',
    displayName: 'AWS Single-Account Access',
    accountEnabled: true,
    appOwnerOrganizationId: TENANT,
    servicePrincipalType: 'Application',
    appRoleAssignmentRequired: true,
    preferredSingleSignOnMode: 'saml',
    appRoles: [{ id: ADMIN_APP_ROLE, value: `${ADMIN_ROLE},${PROVIDER}`, displayName: 'entra-admin', isEnabled: true, allowedMemberTypes: ['User'] }],
    keyCredentials: [],
    passwordCredentials: [],
    servicePrincipalNames: [],
    tags: [],
  });
  (s.files['entra/servicePrincipalOwners.json'] as Record<string, unknown>)[AWS_APP] = { value: [] };
  (s.files['entra/groups.json'] as { value: Json[] }).value.push(
    { id: AWS_ADMINS, displayName: 'AWS-Admins', isAssignableToRole: false, securityEnabled: true, mailEnabled: false, groupTypes: [] },
    { id: NESTED, displayName: 'AWS-Admins-Contractors', isAssignableToRole: false, securityEnabled: true, mailEnabled: false, groupTypes: [] },
  );
  const members = s.files['entra/groupMembers.json'] as Record<string, unknown>;
  members[AWS_ADMINS] = {
    value: [
      { '@odata.type': '#microsoft.graph.user', id: SVC_BACKUP, displayName: 'svc-backup', userPrincipalName: 'svc-backup@northwind.example' },
      { '@odata.type': '#microsoft.graph.group', id: NESTED, displayName: 'AWS-Admins-Contractors' },
    ],
  };
  members[NESTED] = { value: [] };
  (s.files['entra/appRoleAssignments.json'] as { value: Json[] }).value.push({
    id: 'assignment-aws-group',
    appRoleId: ADMIN_APP_ROLE,
    principalId: AWS_ADMINS,
    principalType: 'Group',
    principalDisplayName: 'AWS-Admins',
    resourceId: AWS_APP,
    resourceDisplayName: 'AWS Single-Account Access',
    createdDateTime: '2025-01-10T10:00:00Z',
  });
  const details = s.files[`aws/${PROD}/authorization-details.json`] as { RoleDetailList: Json[]; Policies: Json[] };
  const prodPolicies = (s.files['aws/111122223333/authorization-details.json'] as { Policies: Json[] }).Policies;
  details.Policies.push(prodPolicies.find((p) => p.PolicyName === 'AdministratorAccess')!);
  details.RoleDetailList.push({
    Path: '/',
    RoleName: 'entra-admin',
    RoleId: 'AROAENTRAADMIN0000001',
    Arn: ADMIN_ROLE,
    CreateDate: '2024-05-01T10:00:00+00:00',
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } },
      ],
    },
    InstanceProfileList: [],
    RolePolicyList: [],
    AttachedManagedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
    Tags: [],
  });
  (s.files[`aws/${PROD}/list-roles.json`] as { Roles: Json[] }).Roles.push({ Arn: ADMIN_ROLE, RoleName: 'entra-admin', MaxSessionDuration: 3600 });
  (s.files[`aws/${PROD}/saml-providers.json`] as Json[]).push({ Arn: PROVIDER, CreateDate: '2024-05-01T10:00:00+00:00', ValidUntil: '2124-05-01T10:00:00+00:00' });
  return s;
}

/** The hops of svc-backup's path to AWS administrator up to the role (type, where each lands). */
function awsAdminHops(r: ReturnType<typeof scan>): [string, string][] | undefined {
  const path = r.analysis.crownJewelPaths(user(SVC_BACKUP)).find((p) => p.group === 'aws|admin');
  return path?.hops.slice(0, 2).map((h) => [h.type, h.to]);
}

let env: ReturnType<typeof isolate>;
const runs: LiveRun<EntraFake | FakeAws>[] = [];
let entra: LiveRun<EntraFake>;
let live: ReturnType<typeof scanLive>;

beforeAll(async () => {
  env = isolate();
  const s = withGroupAssignedAwsApp();
  entra = await collectEntraDemo(s);
  runs.push(entra);
  const aws = await collectAwsDemo(s);
  runs.push(aws);
  live = scanLive([entra.result, aws.result]);
});
afterAll(async () => {
  for (const r of runs) await r.fake.close();
  expect(env.restore()).toEqual([]);
});

describe('Entra: an app role assigned to a group that is not role-assignable', () => {
  it('collected live, the members of the group reach the AWS role the app role names', () => {
    expect(awsAdminHops(live.scan)).toEqual([
      ['MEMBER_OF', group(AWS_ADMINS)],
      ['SAML_MAPS_TO', role],
    ]);
    const finding = live.scan.report.findings.find((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.subject.id === user(SVC_BACKUP) && /444455556666 administrator/.test(f.message));
    expect(finding).toBeDefined();
    const member = live.scan.graph.out(user(SVC_BACKUP), 'MEMBER_OF').find((e) => e.to === group(AWS_ADMINS));
    expect(member?.reason).toBe('svc-backup is a member of group AWS-Admins');
  });

  it('read the group and its direct members once each, batched, and nothing of the nested group', () => {
    const groupReads = entra.fake.log.filter((l) => l.path.startsWith('/v1.0/groups/'));
    const role0 = '279d6280-f5dd-4915-89c8-029e03337b50';
    expect(groupReads.map((l) => [l.path, l.status, l.inBatch]).sort()).toEqual(
      [
        [`/v1.0/groups/${role0}/members`, 200, true],
        [`/v1.0/groups/${AWS_ADMINS}`, 200, true],
        [`/v1.0/groups/${AWS_ADMINS}/members`, 200, true],
      ].sort(),
    );
    expect(entra.fake.undocumented).toEqual([]);
    const groups = (entra.result.files['entra/groups.json'] as { value: Json[] }).value;
    expect(groups.map((g) => [g.id, g.isAssignableToRole])).toEqual([
      [role0, true],
      [AWS_ADMINS, false],
    ]);
    expect(Object.keys(entra.result.files['entra/groupMembers.json'] as Json).sort()).toEqual([role0, AWS_ADMINS].sort());
    expect(entra.result.coverage.find((c) => c.capability === 'entra.groups')?.status).toBe('collected');
  });

  it('gives the nested group nothing: assignment does not cascade to nested groups', () => {
    expect(live.scan.graph.out(group(NESTED), 'MEMBER_OF')).toEqual([]);
    expect(live.scan.graph.in(group(AWS_ADMINS), 'MEMBER_OF').map((e) => e.from)).toEqual([user(SVC_BACKUP)]);
  });

  it('gives its devices and contacts nothing, and warns about none of them (no principal an app role goes to)', () => {
    const s = restrictDemo(withGroupAssignedAwsApp(), ['entra', 'aws']);
    const list = ((s.files['entra/groupMembers.json'] as Record<string, { value: Json[] }>)[AWS_ADMINS]).value;
    for (let i = 0; i < 4; i++) list.push({ '@odata.type': '#microsoft.graph.device', id: `d0d0d0d0-0000-4000-8000-00000000000${i}`, displayName: `LAPTOP-${i}` });
    list.push({ '@odata.type': '#microsoft.graph.orgContact', id: 'c0c0c0c0-0000-4000-8000-000000000001', displayName: 'Outside Contact' });
    const r = scan(s);
    expect(r.graph.in(group(AWS_ADMINS), 'MEMBER_OF').map((e) => e.from)).toEqual([user(SVC_BACKUP)]);
    expect(r.report.warnings.filter((w) => w.startsWith('entra/groupMembers.json'))).toEqual([]);
    expect(awsAdminHops(r)).toEqual(awsAdminHops(live.scan));
  });

  it('scanned offline, a snapshot holding the same group gives the same findings', () => {
    const offline = scan(restrictDemo(withGroupAssignedAwsApp(), ['entra', 'aws']));
    expect(awsAdminHops(offline)).toEqual(awsAdminHops(live.scan));
    expect(fingerprints(offline.report.findings)).toEqual(fingerprints(live.scan.report.findings));
  });
});

describe('Entra: a group assigned an app role whose members could not be read', () => {
  it('is a coverage record and a warning, and what its members reach is unknown, not "nothing"', async () => {
    const s = withGroupAssignedAwsApp();
    const run = await collectEntraDemo(s, { forbid: ['/beta/reports/appCredentialSignInActivities', `/v1.0/groups/${AWS_ADMINS}/members`] });
    runs.push(run);
    // A record of that group alone: the group list and the other member list stay collected.
    expect(run.result.coverage.find((c) => c.capability === 'entra.groups')?.status).toBe('collected');
    const record = run.result.coverage.find((c) => c.capability === 'entra.groups@groupMembers.json');
    expect(record).toMatchObject({ status: 'missing-permission', reason: expect.stringMatching(new RegExp(`^1 of 2 group member lists not read: .*403.*\\(groups: ${AWS_ADMINS}\\)$`)) });
    expect(run.result.manifest.warnings).toEqual([expect.stringMatching(/^Entra: 1 of 1 group\(s\) assigned an app role could not be read with their members \(.*403/)]);
    const r = scanLive([run.result, runs[1].result as never]).scan;
    expect(awsAdminHops(r)).toBeUndefined();
    expect(r.unknownBySubject.get(user(SVC_BACKUP))).toContain('nhi-path-to-crown-jewel');
    // The tiers it leaves open (those it could lift) name that group and why, never the
    // tenant's groups as a whole.
    const incomplete = r.report.identities.filter((i) => i.provider === 'entra' && i.tierIncomplete !== undefined);
    expect(incomplete.length).toBeGreaterThan(0);
    for (const i of incomplete) expect(i.tierIncomplete, i.name).toMatch(/^the members of group AWS-Admins of tenant \S+ were not read \(denied: 1 of 2 groups is not in groupMembers\.json: .*; the collector recorded: .*403/);
  });

  it('from a snapshot of an older collector (the group not in groups.json): the assignment keeps its group, whose members are a gap', () => {
    const s = withGroupAssignedAwsApp();
    const groups = s.files['entra/groups.json'] as { value: Json[] };
    groups.value = groups.value.filter((g) => g.isAssignableToRole === true);
    const members = s.files['entra/groupMembers.json'] as Record<string, unknown>;
    delete members[AWS_ADMINS];
    delete members[NESTED];
    const r = scan(s);
    expect(r.graph.node(group(AWS_ADMINS))?.attrs).toMatchObject({ placeholder: true, appRoleAssignee: true });
    expect(r.graph.out(group(AWS_ADMINS), 'SAML_MAPS_TO').map((e) => e.to)).toEqual([role]);
    expect(r.report.coverage.find((c) => c.capability === 'entra.groups@groupMembers.json')).toMatchObject({ status: 'error' });
    expect(r.unknownBySubject.get(user(SVC_BACKUP))).toContain('nhi-path-to-crown-jewel');
  });
});
