import { describe, it, expect } from 'vitest';
import { DEMO_STORY15_APP as DEMO_APP, demoSnapshot, scan, withoutDemoAwsApp } from '../e2e/demo.js';
import { ids } from '../../src/graph/ids.js';
import { awsSamlRole, patternPart } from '../../src/connectors/okta/saml-claims.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
const PROD = '444455556666';
const PROVIDER = `arn:aws:iam::${PROD}:saml-provider/EntraID`;
const ADMIN_ROLE = `arn:aws:iam::${PROD}:role/entra-admin`;
const OPS_ROLE = `arn:aws:iam::${PROD}:role/prod-ops-access`;
const FOREIGN_ROLE = 'arn:aws:iam::999988887777:role/vendor-admin';
const FOREIGN_PROVIDER = 'arn:aws:iam::999988887777:saml-provider/EntraID';
const AWS_APP = 'aa5e2b0c-0d6f-4c3a-9d0e-3b9b0d9b7a01';
const SVC_BACKUP = '46bd9401-490b-406d-b5a6-1db96bfd7d7f';
const DANA = 'ebfe2ce4-5013-4602-9279-e3341c0453f9';
const TIER0_GROUP = '279d6280-f5dd-4915-89c8-029e03337b50';
const ROLE_IDS = { admin: 'b7e1c0de-0000-4000-8000-000000000001', ops: 'b7e1c0de-0000-4000-8000-000000000002', foreign: 'b7e1c0de-0000-4000-8000-000000000003' };

type Json = Record<string, unknown>;

/** Role entra-dev-admin of demo story 15 (see withoutDemoAwsApp). */
const DEMO_ROLE = `arn:aws:iam::${PROD}:role/entra-dev-admin`;

/**
 * The demo (without story 15) with an AWS Single-Account Access enterprise app in Entra: app roles naming entra-admin
 * (a new administrator role of the prod account that trusts the EntraID SAML provider),
 * prod-ops-access (which trusts no SAML provider) and a role of an account not scanned.
 */
function withAwsApp(edit: { sso?: string | null; enabled?: boolean; adminTrust?: Json; moreTrust?: Json[] } = {}, s: Snapshot = withoutDemoAwsApp()): Snapshot {
  const sps = (s.files['entra/servicePrincipals.json'] as { value: Json[] }).value;
  sps.push({
    id: AWS_APP,
    appId: 'f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f',
    displayName: 'AWS Single-Account Access',
    accountEnabled: edit.enabled ?? true,
    appOwnerOrganizationId: TENANT,
    servicePrincipalType: 'Application',
    appRoleAssignmentRequired: true,
    preferredSingleSignOnMode: 'sso' in edit ? edit.sso : 'saml',
    appRoles: [
      { id: ROLE_IDS.admin, value: `${ADMIN_ROLE},${PROVIDER}`, displayName: 'entra-admin', isEnabled: true },
      // The other order: AWS takes the two ARNs either way.
      { id: ROLE_IDS.ops, value: `${PROVIDER},${OPS_ROLE}`, displayName: 'prod-ops', isEnabled: true },
      { id: ROLE_IDS.foreign, value: `${FOREIGN_ROLE},${FOREIGN_PROVIDER}`, displayName: 'vendor', isEnabled: true },
    ],
    keyCredentials: [],
    passwordCredentials: [],
    servicePrincipalNames: [],
    tags: [],
  });
  const assign = (principalId: string, principalType: string, appRoleId: string, n: number) => ({
    id: `assignment-aws-${n}`,
    appRoleId,
    principalId,
    principalType,
    resourceId: AWS_APP,
    resourceDisplayName: 'AWS Single-Account Access',
    createdDateTime: '2025-01-10T10:00:00Z',
  });
  (s.files['entra/appRoleAssignments.json'] as { value: Json[] }).value.push(
    assign(SVC_BACKUP, 'User', ROLE_IDS.admin, 1),
    assign(DANA, 'User', ROLE_IDS.ops, 2),
    assign(TIER0_GROUP, 'Group', ROLE_IDS.foreign, 3),
  );
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
        edit.adminTrust ?? {
          Effect: 'Allow',
          Principal: { Federated: PROVIDER },
          Action: 'sts:AssumeRoleWithSAML',
          Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
        },
        ...(edit.moreTrust ?? []),
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

const user = (id: string) => ids.entraUser(TENANT, id);
const role = (arn: string) => ids.awsPrincipal(arn.split(':')[4], arn);

describe('awsSamlRole', () => {
  it('reads a role and a provider ARN in either order, and nothing else', () => {
    expect(awsSamlRole(`${ADMIN_ROLE},${PROVIDER}`)).toEqual({ roleArn: ADMIN_ROLE, providerArn: PROVIDER });
    expect(awsSamlRole(`${PROVIDER}, ${ADMIN_ROLE}`)).toEqual({ roleArn: ADMIN_ROLE, providerArn: PROVIDER });
    expect(awsSamlRole(`arn:aws:iam::${PROD}:role/ops/team/admin,${PROVIDER}`)?.roleArn).toBe(`arn:aws:iam::${PROD}:role/ops/team/admin`);
    expect(awsSamlRole('msiam_access')).toBeUndefined();
    expect(awsSamlRole(ADMIN_ROLE)).toBeUndefined();
    expect(awsSamlRole(`${ADMIN_ROLE},${ADMIN_ROLE}`)).toBeUndefined();
    expect(awsSamlRole(`${PROVIDER},${PROVIDER}`)).toBeUndefined();
    expect(awsSamlRole(`${ADMIN_ROLE},${PROVIDER},${OPS_ROLE}`)).toBeUndefined();
  });

  // CreateSAMLProvider's Name: pattern [\w._-]+, 1 to 128 characters; partitions aws, aws-cn,
  // aws-us-gov (and the other aws-<name> ones). The Okta side reads provider ARNs the same way.
  it('reads a provider ARN as IAM names providers: the name class, its length, the partition', () => {
    const provider = (arn: string) => awsSamlRole(`${ADMIN_ROLE},${arn}`)?.providerArn;
    const name = (n: string) => `arn:aws:iam::${PROD}:saml-provider/${n}`;
    expect(provider(name('Okta_prod.v2-eu'))).toBe(name('Okta_prod.v2-eu'));
    expect(provider(name('x'.repeat(128)))).toBe(name('x'.repeat(128)));
    expect(provider(name('x'.repeat(129)))).toBeUndefined();
    for (const n of ['Okta+prod', 'Okta@prod', 'Okta=prod', 'Okta prod', '']) expect(provider(name(n))).toBeUndefined();
    for (const partition of ['aws-cn', 'aws-us-gov', 'aws-iso-b']) {
      const arn = `arn:${partition}:iam::${PROD}:saml-provider/EntraID`;
      expect(awsSamlRole(`arn:${partition}:iam::${PROD}:role/admin,${arn}`)?.providerArn).toBe(arn);
    }
    for (const partition of ['awsx', 'aws_cn', 'aws-CN', 'aws-']) {
      expect(awsSamlRole(`arn:${partition}:iam::${PROD}:role/admin,arn:${partition}:iam::${PROD}:saml-provider/EntraID`)).toBeUndefined();
    }
  });
});

// IAM role names and paths may hold commas ([\w+=,.@-]), SAML provider names may not: the pair
// is split where the provider ends or begins, not at every comma.
describe('a role name or path with commas', () => {
  const COMMA_ROLE = `arn:aws:iam::${PROD}:role/ops,eu/entra,admin`;

  it('awsSamlRole reads the pair in either order', () => {
    expect(awsSamlRole(`${COMMA_ROLE},${PROVIDER}`)).toEqual({ roleArn: COMMA_ROLE, providerArn: PROVIDER });
    expect(awsSamlRole(`${PROVIDER},${COMMA_ROLE}`)).toEqual({ roleArn: COMMA_ROLE, providerArn: PROVIDER });
    expect(awsSamlRole(` ${PROVIDER} , ${COMMA_ROLE} `)).toEqual({ roleArn: COMMA_ROLE, providerArn: PROVIDER });
    const okta = `arn:aws:iam::${PROD}:saml-provider/Okta`;
    expect(awsSamlRole(`arn:aws:iam::111122223333:role/a,b,${okta}`)).toEqual({ roleArn: 'arn:aws:iam::111122223333:role/a,b', providerArn: okta });
  });

  it('awsSamlRole still refuses what is not one role and one provider', () => {
    // Two roles and a provider: the middle one is not part of a role name (a name holds no colon).
    expect(awsSamlRole(`${COMMA_ROLE},${PROVIDER},${OPS_ROLE}`)).toBeUndefined();
    expect(awsSamlRole(`${PROVIDER},${COMMA_ROLE},${OPS_ROLE}`)).toBeUndefined();
    expect(awsSamlRole(`${COMMA_ROLE},${OPS_ROLE}`)).toBeUndefined();
    expect(awsSamlRole(`${PROVIDER},${PROVIDER}`)).toBeUndefined();
    expect(awsSamlRole(`${PROVIDER},${PROVIDER},${ADMIN_ROLE}`)).toBeUndefined();
    expect(awsSamlRole(COMMA_ROLE)).toBeUndefined();
    // A comma in the provider's name: no such provider can exist.
    expect(awsSamlRole(`${ADMIN_ROLE},arn:aws:iam::${PROD}:saml-provider/Entra,ID`)).toBeUndefined();
    expect(awsSamlRole(`arn:aws:iam::${PROD}:saml-provider/Entra,ID,${ADMIN_ROLE}`)).toBeUndefined();
  });

  it("patternPart gives the whole role ARN of an Okta role value pattern, and the provider's", () => {
    const pattern = 'arn:aws:iam::${accountid}:saml-provider/OKTA,arn:aws:iam::${accountid}:role/ops,eu/${role}';
    expect(patternPart(pattern, ':role/', PROD, 'entra,admin')).toBe(COMMA_ROLE);
    expect(patternPart(pattern, ':saml-provider/', PROD, 'entra,admin')).toBe(`arn:aws:iam::${PROD}:saml-provider/OKTA`);
    const reversed = 'arn:aws:iam::${accountid}:role/ops,eu/${role}, arn:aws:iam::${accountid}:saml-provider/OKTA';
    expect(patternPart(reversed, ':role/', PROD, 'entra,admin')).toBe(COMMA_ROLE);
    expect(patternPart(reversed, ':saml-provider/', PROD, 'x')).toBe(`arn:aws:iam::${PROD}:saml-provider/OKTA`);
    // Near miss: a pattern without a provider part, and one needing an account it is not given.
    expect(patternPart('arn:aws:iam::${accountid}:role/${role}', ':saml-provider/', PROD, 'x')).toBeUndefined();
    expect(patternPart(pattern, ':role/', undefined, 'x')).toBeUndefined();
  });

  it('an Entra AWS app role naming a role with commas links its holder to that role', () => {
    const s = withAwsApp();
    const sps = (s.files['entra/servicePrincipals.json'] as { value: Json[] }).value;
    const admin = (sps.find((x) => x.id === AWS_APP)!.appRoles as Json[]).find((r) => r.id === ROLE_IDS.admin)!;
    admin.value = `${COMMA_ROLE},${PROVIDER}`;
    const roles = (s.files[`aws/${PROD}/authorization-details.json`] as { RoleDetailList: Json[] }).RoleDetailList;
    Object.assign(roles.find((r) => r.Arn === ADMIN_ROLE)!, { Path: '/ops,eu/', RoleName: 'entra,admin', Arn: COMMA_ROLE });
    Object.assign((s.files[`aws/${PROD}/list-roles.json`] as { Roles: Json[] }).Roles.find((r) => r.Arn === ADMIN_ROLE)!, { Arn: COMMA_ROLE, RoleName: 'entra,admin' });
    const edges = scan(s).graph.out(user(SVC_BACKUP), 'SAML_MAPS_TO');
    expect(edges.map((e) => [e.to, e.conditional ?? false])).toEqual([[role(COMMA_ROLE), false]]);
  });
});

describe('demo story 15: AWS Dev Console signs svc-backup in to AWS dev as administrator', () => {
  const r = scan(demoSnapshot());
  const sp = ids.entraSp(TENANT, DEMO_APP.sp);
  const hub = ids.external('saml-provider', PROVIDER);

  it('svc-backup reaches the AWS dev administrator through the app, firmly, across providers', () => {
    const edges = r.graph.out(user(SVC_BACKUP), 'SAML_MAPS_TO');
    expect(edges.map((e) => [e.to, e.conditional ?? false])).toEqual([[role(DEMO_ROLE), false]]);
    expect(edges[0].reason).toMatch(/app role entra-dev-admin of the enterprise app AWS Dev Console/);
    const f = r.report.findings.find((x) => x.ruleId === 'nhi-path-to-crown-jewel' && x.subject.id === user(SVC_BACKUP) && x.evidence.crownJewel === 'admin');
    expect(f?.severity).toBe('critical');
    expect(f?.message).toMatch(/reaches AWS account 444455556666 administrator .*crossing providers/);
    expect(r.report.findings.find((x) => x.ruleId === 'aws-saml-long-session' && x.subject.id === role(DEMO_ROLE))?.evidence.maxSessionDuration).toBe(43200);
  });

  it('the EntraID provider is fed by the app, not an outside entry point; the app has no finding and no power', () => {
    expect(r.graph.in(hub).map((e) => e.from)).toEqual([sp]);
    expect(r.report.findings.filter((x) => x.subject.id === hub || x.subject.id === sp).map((x) => x.ruleId)).toEqual([]);
    expect(r.analysis.tier(sp)).toBe(0);
    // Its users' SAML sign-ins are its use (delegatedResourceSignInActivity).
    expect(r.graph.node(sp)?.lastUsedAt).toBe('2026-11-18T02:07:09.000Z');
  });

  it('the demo app naming the same provider makes the route of another app naming it conditional', () => {
    const rr = scan(withAwsApp({}, demoSnapshot()));
    const edges = rr.graph.out(user(DANA), 'SAML_MAPS_TO');
    expect(edges).toEqual([]);
    const admin = rr.graph.out(user(SVC_BACKUP), 'SAML_MAPS_TO').filter((e) => e.to === role(ADMIN_ROLE));
    expect(admin.map((e) => e.conditional)).toEqual([true]);
    expect(admin[0].reason).toMatch(/the Entra app AWS Dev Console also names that provider/);
  });
});

describe('Entra enterprise app federated to AWS by SAML', () => {
  it('links a user assigned an app role to the AWS role that trusts the provider, and the path reaches AWS administrator', () => {
    const r = scan(withAwsApp());
    const edges = r.graph.out(user(SVC_BACKUP), 'SAML_MAPS_TO');
    expect(edges.map((e) => [e.to, e.conditional ?? false])).toEqual([[role(ADMIN_ROLE), false]]);
    expect(edges[0].reason).toMatch(/AWS Single-Account Access/);
    const path = r.analysis.crownJewelPaths(user(SVC_BACKUP)).find((p) => p.group === 'aws|admin');
    expect(path?.hops[0]).toMatchObject({ type: 'SAML_MAPS_TO', to: role(ADMIN_ROLE) });
    expect(path?.hops.every((h) => !h.conditional)).toBe(true);
    // The path rule reports it: a service account with a password reaches AWS administrator.
    const finding = r.report.findings.find((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.subject.id === user(SVC_BACKUP) && /administrator/.test(f.message));
    expect(finding?.message).toMatch(/ reaches AWS account 444455556666 administrator .*crossing providers/);
  });

  it('links no one to a role whose trust policy does not name the provider (AWS refuses the assertion)', () => {
    const r = scan(withAwsApp());
    expect(r.graph.out(user(DANA), 'SAML_MAPS_TO')).toEqual([]);
  });

  it('keeps the edge to the provider of an account that was not scanned', () => {
    const r = scan(withAwsApp());
    const edges = r.graph.out(ids.entraGroup(TENANT, TIER0_GROUP), 'SAML_MAPS_TO');
    expect(edges.map((e) => e.to)).toEqual([ids.external('saml-provider', FOREIGN_PROVIDER)]);
  });

  it('the edge to the provider of an account not scanned is conditional when another app names that provider too', () => {
    const s = withAwsApp();
    const sps = (s.files['entra/servicePrincipals.json'] as { value: Json[] }).value;
    const first = sps.find((x) => x.id === AWS_APP)!;
    // A second enabled app whose only app role names the vendor's provider, assigned to nobody.
    sps.push({ ...first, id: 'c0ffee00-1111-4222-8333-944455556667', appId: 'c0ffee00-aaaa-4bbb-8ccc-0ddd0eee0ff1', displayName: 'Vendor Console', appRoles: [(first.appRoles as Json[])[2]] });
    const edges = scan(s).graph.out(ids.entraGroup(TENANT, TIER0_GROUP), 'SAML_MAPS_TO');
    expect(edges.map((e) => [e.to, e.conditional])).toEqual([[ids.external('saml-provider', FOREIGN_PROVIDER), true]]);
    expect(edges[0].reason).toMatch(/; the Entra app Vendor Console also names that provider/);
    // Near miss: alone, the app's route to the provider stays firm.
    expect(scan(withAwsApp()).graph.out(ids.entraGroup(TENANT, TIER0_GROUP), 'SAML_MAPS_TO').map((e) => e.conditional ?? false)).toEqual([false]);
  });

  // A role name in an ARN is case sensitive (IAM User Guide, creating a role), though no two roles
  // of an account differ only in case: a value naming Entra-Admin names no role AWS finds.
  it('a role ARN differing from the role only in case links no one (the ARN is compared as written)', () => {
    const s = withAwsApp();
    const app = (s.files['entra/servicePrincipals.json'] as { value: Json[] }).value.find((x) => x.id === AWS_APP)!;
    (app.appRoles as Json[])[0].value = `${ADMIN_ROLE.replace('entra-admin', 'Entra-Admin')},${PROVIDER}`;
    expect(scan(s).graph.out(user(SVC_BACKUP), 'SAML_MAPS_TO')).toEqual([]);
  });

  it('a disabled app signs nobody in', () => {
    const r = scan(withAwsApp({ enabled: false }));
    expect(r.graph.out(user(SVC_BACKUP), 'SAML_MAPS_TO')).toEqual([]);
    expect(r.analysis.crownJewelPaths(user(SVC_BACKUP)).filter((p) => p.group.startsWith('aws|'))).toEqual([]);
  });

  it('an app whose single sign-on mode is not SAML gives a conditional route, saying why', () => {
    for (const sso of [null, 'password']) {
      const r = scan(withAwsApp({ sso }));
      const edges = r.graph.out(user(SVC_BACKUP), 'SAML_MAPS_TO');
      expect(edges.map((e) => [e.to, e.conditional])).toEqual([[role(ADMIN_ROLE), true]]);
      expect(edges[0].reason).toMatch(/single sign-on mode/);
    }
  });

  it('a disabled app role, or one with no value, signs nobody in to the role it names', () => {
    // Only an enabled role's value goes into the assertion's Role attribute; the display name never does.
    const edits: [string, (role: Json) => void][] = [
      ['disabled', (role) => (role.isEnabled = false)],
      ['no value', (role) => ((role.displayName = role.value), delete role.value)],
      ['null value', (role) => ((role.displayName = role.value), (role.value = null))],
    ];
    for (const [what, edit] of edits) {
      const s = withAwsApp();
      const app = (s.files['entra/servicePrincipals.json'] as { value: Json[] }).value.find((x) => x.id === AWS_APP)!;
      edit((app.appRoles as Json[])[0]);
      const r = scan(s);
      expect(r.graph.out(user(SVC_BACKUP), 'SAML_MAPS_TO'), what).toEqual([]);
      expect(r.analysis.crownJewelPaths(user(SVC_BACKUP)).filter((p) => p.group.startsWith('aws|')), what).toEqual([]);
      // The assignment itself is still there, named as before.
      expect(r.graph.out(user(SVC_BACKUP), 'GRANTED').some((e) => e.evidence?.appRoleId === ROLE_IDS.admin), what).toBe(true);
    }
  });

  it("the app's own edge to the provider: it is fed by a scanned IdP, not an outsider, and the app gains no power from it", () => {
    const sp = ids.entraSp(TENANT, AWS_APP);
    const hub = ids.external('saml-provider', PROVIDER);
    const r = scan(withAwsApp());
    const edges = r.graph.out(sp, 'SAML_MAPS_TO');
    // One edge per provider the app's enabled roles name: EntraID (entra-admin and prod-ops) and the foreign one.
    expect(edges.map((e) => [e.to, e.conditional ?? false])).toEqual([
      [hub, false],
      [ids.external('saml-provider', FOREIGN_PROVIDER), false],
    ]);
    expect(edges[0].evidence?.roleArns).toEqual([ADMIN_ROLE, OPS_ROLE]);
    // Before, the provider no scanned app led into was an entry point of its own ("SAML identity
    // provider outside the scan") with a path to the administrator role.
    expect(r.report.findings.filter((f) => f.subject.id === hub)).toEqual([]);
    expect(r.graph.in(hub).length).toBeGreaterThan(0);
    // The app's credentials get no assertion: no tier, no path from it.
    expect(r.analysis.tier(sp)).toBe(0);
    expect(r.analysis.crownJewelPaths(sp)).toEqual([]);
    // The assigned user's route is unchanged: firm, to the role.
    expect(r.graph.out(user(SVC_BACKUP), 'SAML_MAPS_TO').map((e) => [e.to, e.conditional ?? false])).toEqual([[role(ADMIN_ROLE), false]]);
  });

  it("the app's edge is conditional when its single sign-on mode is not SAML, absent when it is disabled or names no provider in an enabled role with a value", () => {
    const sp = ids.entraSp(TENANT, AWS_APP);
    const hub = ids.external('saml-provider', PROVIDER);
    expect(scan(withAwsApp({ sso: 'password' })).graph.out(sp, 'SAML_MAPS_TO').map((e) => [e.to, e.conditional])).toEqual([
      [hub, true],
      [ids.external('saml-provider', FOREIGN_PROVIDER), true],
    ]);
    expect(scan(withAwsApp({ enabled: false })).graph.out(sp, 'SAML_MAPS_TO')).toEqual([]);
    const s = withAwsApp();
    const app = (s.files['entra/servicePrincipals.json'] as { value: Json[] }).value.find((x) => x.id === AWS_APP)!;
    const roles = app.appRoles as Json[];
    roles[0].isEnabled = false;
    roles[1].displayName = roles[1].value;
    delete roles[1].value;
    roles.pop();
    expect(scan(s).graph.out(sp, 'SAML_MAPS_TO')).toEqual([]);
  });

  it('another enabled Entra app naming the provider, assigned to nobody, makes the route conditional', () => {
    const s = withAwsApp();
    const sps = (s.files['entra/servicePrincipals.json'] as { value: Json[] }).value;
    const first = sps.find((x) => x.id === AWS_APP)!;
    const second: Json = { ...first, id: 'c0ffee00-1111-4222-8333-944455556666', appId: 'c0ffee00-aaaa-4bbb-8ccc-0ddd0eee0fff', displayName: 'AWS Staging Console', appRoles: [(first.appRoles as Json[])[0]] };
    sps.push(second);
    let r = scan(s);
    const edges = r.graph.out(user(SVC_BACKUP), 'SAML_MAPS_TO');
    expect(edges.map((e) => [e.to, e.conditional])).toEqual([[role(ADMIN_ROLE), true]]);
    expect(edges[0].reason).toMatch(/the Entra app AWS Staging Console also names that provider/);
    // Disabled, it issues nothing and names the provider for no one.
    second.accountEnabled = false;
    r = scan(s);
    expect(r.graph.out(user(SVC_BACKUP), 'SAML_MAPS_TO').map((e) => [e.to, e.conditional ?? false])).toEqual([[role(ADMIN_ROLE), false]]);
  });

  it('a provider another scanned app also names makes the route conditional', () => {
    // entra-admin trusts the Okta app's provider instead: that provider holds Okta's metadata.
    const s = withAwsApp();
    const sps = (s.files['entra/servicePrincipals.json'] as { value: Json[] }).value;
    const app = sps.find((x) => x.id === AWS_APP)!;
    const okta = `arn:aws:iam::111122223333:saml-provider/Okta`;
    (app.appRoles as Json[])[0].value = `arn:aws:iam::111122223333:role/okta-admin,${okta}`;
    const r = scan(s);
    const edges = r.graph.out(user(SVC_BACKUP), 'SAML_MAPS_TO');
    expect(edges.map((e) => [e.to, e.conditional])).toEqual([[role('arn:aws:iam::111122223333:role/okta-admin'), true]]);
    expect(edges[0].reason).toMatch(/Okta app .* also names that provider/);
  });

  it("the same shared provider makes the Okta app's routes through it conditional too: it holds one IdP's metadata, Okta's or Entra's", () => {
    const s = withAwsApp();
    const app = (s.files['entra/servicePrincipals.json'] as { value: Json[] }).value.find((x) => x.id === AWS_APP)!;
    const okta = `arn:aws:iam::111122223333:saml-provider/Okta`;
    const oktaAdmins = ids.oktaGroup('https://northwind.okta.example', '00gNWWidH8fEpVh4t1BF');
    const oktaRoute = (r: ReturnType<typeof scan>) => r.graph.out(oktaAdmins, 'SAML_MAPS_TO').filter((e) => e.to === role('arn:aws:iam::111122223333:role/okta-admin'));
    // Without the Entra app naming it, the Okta app's own provider takes its assertions: firm.
    expect(oktaRoute(scan(withAwsApp())).map((e) => e.conditional ?? false)).toEqual([false]);
    (app.appRoles as Json[])[0].value = `arn:aws:iam::111122223333:role/okta-admin,${okta}`;
    const edges = oktaRoute(scan(s));
    expect(edges.map((e) => e.conditional)).toEqual([true]);
    expect(edges[0].reason).toMatch(/the Entra app AWS Single-Account Access also names arn:aws:iam::111122223333:saml-provider\/Okta/);
  });

  it('a role trusting the provider only under a condition it may not meet gives a conditional route', () => {
    const r = scan(
      withAwsApp({
        adminTrust: {
          Effect: 'Allow',
          Principal: { Federated: PROVIDER },
          Action: 'sts:AssumeRoleWithSAML',
          Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      }),
    );
    const trust = r.graph.in(role(ADMIN_ROLE), 'FEDERATES_TO')[0];
    const edges = r.graph.out(user(SVC_BACKUP), 'SAML_MAPS_TO');
    expect(edges.map((e) => e.to)).toEqual([role(ADMIN_ROLE)]);
    expect(edges[0].conditional ?? false).toBe(trust.conditional ?? false);
  });

  it('a trust whose SAML:aud is no AWS sign-in endpoint takes no assertion: no route', () => {
    const r = scan(
      withAwsApp({
        adminTrust: {
          Effect: 'Allow',
          Principal: { Federated: PROVIDER },
          Action: 'sts:AssumeRoleWithSAML',
          Condition: { StringEquals: { 'SAML:aud': 'https://example.com/saml' } },
        },
      }),
    );
    expect(r.graph.out(user(SVC_BACKUP), 'SAML_MAPS_TO')).toEqual([]);
    expect(r.analysis.crownJewelPaths(user(SVC_BACKUP)).filter((p) => p.group.startsWith('aws|'))).toEqual([]);
  });

  it('a role that trusts the provider outright in one statement and under a condition in another gives a firm route, in either order', () => {
    const plain = { Effect: 'Allow', Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } };
    const bySub = { ...plain, Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml', 'SAML:sub': 'svc-backup@example.com' } } };
    for (const [adminTrust, more] of [
      [plain, bySub],
      [bySub, plain],
    ]) {
      const r = scan(withAwsApp({ adminTrust, moreTrust: [more] }));
      expect(r.graph.in(role(ADMIN_ROLE), 'FEDERATES_TO').map((e) => e.conditional ?? false).sort()).toEqual([false, true]);
      const edges = r.graph.out(user(SVC_BACKUP), 'SAML_MAPS_TO');
      expect(edges.map((e) => [e.to, e.conditional ?? false])).toEqual([[role(ADMIN_ROLE), false]]);
    }
  });

  it('keeps the edge to the provider of an account listed but whose IAM was not read (its roles and trusts are unknown)', () => {
    const s = withAwsApp();
    delete s.files[`aws/${PROD}/authorization-details.json`];
    const r = scan(s);
    expect(r.graph.scopes.some((x) => x.provider === 'aws' && x.id === PROD)).toBe(true);
    expect(r.graph.out(user(SVC_BACKUP), 'SAML_MAPS_TO').map((e) => e.to)).toEqual([ids.external('saml-provider', PROVIDER)]);
    expect(r.graph.out(user(DANA), 'SAML_MAPS_TO').map((e) => e.to)).toEqual([ids.external('saml-provider', PROVIDER)]);
  });
});
