import { describe, it, expect } from 'vitest';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { ids } from '../../src/graph/ids.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

/**
 * Okta's multi-account setup (one AWS Account Federation app, "Use Group Mapping"): every AWS
 * account has its own SAML provider, and the app's role value pattern
 * `arn:aws:iam::${accountid}:saml-provider/Okta,arn:aws:iam::${accountid}:role/${role}` names, for
 * a group `aws_<account>_<role>`, that account's provider and role. The demo app's
 * identityProviderArn names account A's provider only; here account B (444455556666) gets its own
 * provider `Okta`, another provider `Other`, and roles trusting one or the other.
 */
const ORG = 'https://northwind.okta.example';
const A = '111122223333';
const B = '444455556666';
const DANA = ids.oktaUser(ORG, '00ukYYLpouQiwynTxTvh');
const JORDAN = '00uALsvFO0rPShXu0fXS';
const AUDIT = ids.oktaApp(ORG, '0oa4J7O526RezV2zvWHX');
const READONLY_GROUP = '00gzQkDMjTJ9YRmkxaht';
const APP_B = '0oaAcctBAwsApp000001';
const DEMO_AWS_APP = '0oaSsgZIK3850KbT2WP4';
/** The signing key id of the demo's AWS app (okta/apps.json). */
const DEMO_KID = 'ZmJWkgqbAQVVZ8mcar20te4ceh4MdqwHK22T6ekcC9c';
const role = (account: string, name: string): string => ids.awsPrincipal(account, `arn:aws:iam::${account}:role/${name}`);
type Json = Record<string, unknown>;

interface Options {
  /** Account B's SAML providers (names); `Okta` and `Other` unless given. */
  providers?: string[];
  /** Assign the B role groups to the app (default), or leave them unassigned behind a management group. */
  assigned?: boolean;
  /**
   * A second AWS app that names account B's provider `Okta` as its own (one app per account),
   * signing with this key id (`null`: the key was not read); none unless given.
   */
  appB?: { kid: string | null; status?: string; ownAccount?: string };
}

/** Role groups of account B, each holding Dana, assigned to the demo's AWS app. */
const GROUPS = {
  admin: { id: '00gAcctBOktaAdmin0001', name: `aws_${B}_okta-admin` },
  other: { id: '00gAcctBOtherAdmin001', name: `aws_${B}_other-admin` },
  readonly: { id: '00gAcctBReadonly00001', name: `aws_${B}_okta-readonly` },
};

function samlRole(account: string, name: string, provider: string, policy: string): Json {
  return {
    Path: '/',
    RoleName: name,
    RoleId: `AROA${name.toUpperCase().replace(/[^A-Z]/g, '')}0000000`.slice(0, 21),
    Arn: `arn:aws:iam::${account}:role/${name}`,
    CreateDate: '2024-01-01T00:00:00+00:00',
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${account}:saml-provider/${provider}` },
          Action: 'sts:AssumeRoleWithSAML',
          Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
        },
      ],
    },
    InstanceProfileList: [],
    RolePolicyList: [],
    AttachedManagedPolicies: [{ PolicyName: policy, PolicyArn: `arn:aws:iam::aws:policy/${policy}` }],
    Tags: [],
  };
}

function multiAccount(opts: Options = {}): Snapshot {
  const s = demoSnapshot();
  const app = (s.files['okta/apps.json'] as { id: string; name: string }[]).find((a) => a.name === 'amazon_aws')!;
  // Account B: its own provider named as in account A, and a second one.
  s.files[`aws/${B}/saml-providers.json`] = (opts.providers ?? ['Okta', 'Other']).map((p) => ({ Arn: `arn:aws:iam::${B}:saml-provider/${p}`, CreateDate: '2024-01-01T00:00:00+00:00' }));
  const detailsA = s.files[`aws/${A}/authorization-details.json`] as { Policies: Json[] };
  const details = s.files[`aws/${B}/authorization-details.json`] as { RoleDetailList: Json[]; Policies: Json[] };
  details.Policies.push(detailsA.Policies.find((p) => p.PolicyName === 'AdministratorAccess')!);
  details.RoleDetailList.push(
    samlRole(B, 'okta-admin', 'Okta', 'AdministratorAccess'),
    // Same name pattern, but trusting a provider the app's pattern never names.
    samlRole(B, 'other-admin', 'Other', 'AdministratorAccess'),
  );
  // Okta: the B role groups, Dana in each.
  const groups = s.files['okta/groups.json'] as Json[];
  const userGroups = s.files['okta/userGroups.json'] as Record<string, Json[]>;
  for (const g of Object.values(GROUPS)) {
    const entry = { id: g.id, type: 'OKTA_GROUP', profile: { name: g.name } };
    groups.push(entry);
    userGroups['00ukYYLpouQiwynTxTvh'].push(entry);
  }
  if (opts.appB) {
    const apps = s.files['okta/apps.json'] as Json[];
    const copy = JSON.parse(JSON.stringify(app)) as Json & { credentials: { signing: Json }; settings: { app: Json } };
    copy.id = APP_B;
    copy.label = 'AWS account B';
    copy.settings.app.identityProviderArn = `arn:aws:iam::${opts.appB.ownAccount ?? B}:saml-provider/Okta`;
    if (opts.appB.kid === null) delete copy.credentials.signing.kid;
    else copy.credentials.signing.kid = opts.appB.kid;
    if (opts.appB.status) copy.status = opts.appB.status;
    apps.push(copy);
  }
  if (opts.assigned !== false) {
    const appGroups = s.files['okta/appGroups.json'] as Record<string, Json[]>;
    for (const g of Object.values(GROUPS)) appGroups[app.id].push({ id: g.id, priority: appGroups[app.id].length, profile: {} });
  }
  return s;
}

const samlTargets = (r: ReturnType<typeof scan>, from: string): string[] =>
  r.graph
    .out(from, 'SAML_MAPS_TO')
    .map((e) => e.to)
    .filter((to) => to.startsWith('aws:'))
    .sort();
const awsAdmin = (r: ReturnType<typeof scan>, id: string) => r.analysis.crownJewelPaths(id).filter((p) => p.crownJewel === 'admin' && p.group.startsWith('aws|'));

describe('Okta AWS app with one SAML provider per account (role value pattern)', () => {
  it("a group aws_<B>_<role> reaches, conditionally, the role of account B that trusts B's own provider", () => {
    const r = scan(multiAccount());
    expect(samlTargets(r, ids.oktaGroup(ORG, GROUPS.admin.id))).toEqual([role(B, 'okta-admin')]);
    const edge = r.graph.out(ids.oktaGroup(ORG, GROUPS.admin.id), 'SAML_MAPS_TO').find((e) => e.to === role(B, 'okta-admin'))!;
    // No scanned app names B's provider as its own: it may hold this app's metadata (Okta's
    // one-app multi-account setup) or another IdP's; the provider's metadata is not read.
    expect(edge.conditional).toBe(true);
    expect(edge.reason).toContain(`arn:aws:iam::${B}:saml-provider/Okta`);
    expect(edge.reason).toMatch(new RegExp(`role value pattern names that provider for account ${B}, which accepts the app's assertions only if it was created from this app's SAML metadata`));
    expect(edge.evidence?.via).toBe(ids.external('saml-provider', `arn:aws:iam::${B}:saml-provider/Okta`));
    // Dana, in that group, has a path to account B's administrator, but not a firm one.
    expect(awsAdmin(r, DANA).some((p) => p.hops.some((h) => h.to === role(B, 'okta-admin')))).toBe(true);
    expect(r.analysis.firmCrownJewelPaths(DANA).some((p) => p.hops.some((h) => h.to === role(B, 'okta-admin')))).toBe(false);
  });

  it("one AWS app per account: account B's provider, named by B's own app, does not take account A's app's assertions", () => {
    // Okta signs each app's assertions with that app's key: B's provider holds B's app's metadata.
    const r = scan(multiAccount({ appB: { kid: 'kidOfTheAccountBApp000000000000000000000000' } }));
    expect(samlTargets(r, ids.oktaGroup(ORG, GROUPS.admin.id))).toEqual([]);
    expect(awsAdmin(r, DANA).some((p) => p.hops.some((h) => h.to === role(B, 'okta-admin')))).toBe(false);
    // Rights to create a group reach only the providers that take this app's assertions.
    const s = multiAccount({ assigned: false, appB: { kid: 'kidOfTheAccountBApp000000000000000000000000' } });
    const grants = s.files['okta/appGrants.json'] as Record<string, Json[]>;
    grants['0oa4J7O526RezV2zvWHX'].push({ ...grants['0oa4J7O526RezV2zvWHX'][0], id: 'oagGroupsManage01', scopeId: 'okta.groups.manage' });
    const made = scan(s)
      .graph.out(ids.oktaScopeUser(ORG, 'okta.groups.manage'), 'CAN_ESCALATE_TO')
      .filter((e) => e.evidence?.createGroup === 'create');
    // The demo's app reaches its own provider only; B's app reaches B's.
    expect(made.map((e) => [e.evidence!.appId, e.to]).sort()).toEqual(
      [
        [APP_B, ids.external('saml-provider', `arn:aws:iam::${B}:saml-provider/Okta`)],
        [DEMO_AWS_APP, ids.external('saml-provider', `arn:aws:iam::${A}:saml-provider/Okta`)],
      ].sort(),
    );
  });

  it("two apps signing with the same key: the other app's provider may take this app's assertions (its issuer is not read)", () => {
    // A shared key makes the signature verify; AWS also checks the assertion's Issuer against the
    // provider's metadata, which is not read: a route, but not a firm one.
    const r = scan(multiAccount({ appB: { kid: DEMO_KID } }));
    const edge = r.graph.out(ids.oktaGroup(ORG, GROUPS.admin.id), 'SAML_MAPS_TO').find((e) => e.to === role(B, 'okta-admin'))!;
    expect(edge.conditional).toBe(true);
    expect(edge.reason).toMatch(/which the AWS app AWS account B names as its own and which signs with the same key as AWS Prod SSO; it accepts AWS Prod SSO's assertions only if its metadata \(not read\) also names AWS Prod SSO's issuer/);
    expect(awsAdmin(r, DANA).some((p) => p.hops.some((h) => h.to === role(B, 'okta-admin')))).toBe(true);
    expect(r.analysis.firmCrownJewelPaths(DANA).some((p) => p.hops.some((h) => h.to === role(B, 'okta-admin')))).toBe(false);
  });

  it("an inactive app naming account B's provider does not take that provider from the active app", () => {
    // An inactive app signs nothing: B's provider counts as no scanned app's, a conditional route.
    const r = scan(multiAccount({ appB: { kid: 'kidOfTheAccountBApp000000000000000000000000', status: 'INACTIVE' } }));
    const edge = r.graph.out(ids.oktaGroup(ORG, GROUPS.admin.id), 'SAML_MAPS_TO').find((e) => e.to === role(B, 'okta-admin'));
    expect(edge?.conditional).toBe(true);
    expect(edge!.reason).toMatch(/which accepts the app's assertions only if it was created from this app's SAML metadata/);
    expect(awsAdmin(r, DANA).some((p) => p.hops.some((h) => h.to === role(B, 'okta-admin')))).toBe(true);
  });

  it("two apps naming the same provider as their own: neither app's route through it is firm", () => {
    // The provider holds one app's metadata (not read): which app it takes is not known.
    const adminGroup = ids.oktaGroup(ORG, '00gNWWidH8fEpVh4t1BF');
    const twoApps = (kid: string | null, status?: string) => {
      const s = multiAccount({ appB: { kid, status, ownAccount: A } });
      (s.files['okta/appGroups.json'] as Record<string, Json[]>)[APP_B] = [{ id: '00gNWWidH8fEpVh4t1BF', priority: 0, profile: {} }];
      return scan(s);
    };
    const jordan = ids.oktaUser(ORG, JORDAN);
    for (const [kid, why] of [
      ['kidOfTheOtherApp0000000000000000000000000000', 'they sign with different keys'],
      [null, 'the signing key of AWS account B was not read'],
      [DEMO_KID, 'they sign with the same key, but AWS also checks the issuer'],
    ] as const) {
      const r = twoApps(kid);
      const edges = r.graph.out(adminGroup, 'SAML_MAPS_TO').filter((e) => e.to === role(A, 'okta-admin'));
      // One edge per app, each conditional, each naming the other app.
      expect(edges.map((e) => [e.evidence!.appId, e.conditional]).sort()).toEqual([[APP_B, true], [DEMO_AWS_APP, true]].sort());
      const own = edges.find((e) => e.evidence!.appId === DEMO_AWS_APP)!;
      expect(own.reason).toContain(`the AWS app AWS account B also names arn:aws:iam::${A}:saml-provider/Okta as its own`);
      expect(own.reason).toContain(why);
      expect(awsAdmin(r, jordan).length).toBeGreaterThan(0);
      expect(r.analysis.firmCrownJewelPaths(jordan).filter((p) => p.group.startsWith('aws|'))).toEqual([]);
    }
    // An inactive second app signs nothing: the route is firm again.
    const r = twoApps('kidOfTheOtherApp0000000000000000000000000000', 'INACTIVE');
    expect(r.graph.out(adminGroup, 'SAML_MAPS_TO').filter((e) => e.to === role(A, 'okta-admin')).map((e) => e.conditional ?? false)).toEqual([false]);
  });

  it("two apps naming the same provider: a holder of okta.apps.manage, which controls both, keeps a firm path", () => {
    // Only app managers reach an AWS app node, and they reach every AWS app: whichever app's
    // metadata the provider was created from, they control it. So the app -> provider edge stays
    // firm (an earlier change made it conditional, and lost this path; reverted). The holder
    // also holds okta.users.manage: it creates the user it signs in as.
    const s = demoSnapshot();
    const apps = s.files['okta/apps.json'] as Json[];
    const copy = JSON.parse(JSON.stringify(apps.find((a) => a.name === 'amazon_aws'))) as Json & { credentials: { signing: Json } };
    copy.id = APP_B;
    copy.label = 'AWS second app';
    copy.credentials.signing.kid = 'kidOfTheOtherApp0000000000000000000000000000';
    apps.push(copy);
    (s.files['okta/appGrants.json'] as Record<string, Json[]>)['0oa4J7O526RezV2zvWHX'].push({ id: 'oagXappsmanage000001', status: 'ACTIVE', issuer: ORG, clientId: '0oa4J7O526RezV2zvWHX', scopeId: 'okta.apps.manage', source: 'ADMIN' }, { id: 'oagXusersmanage00001', status: 'ACTIVE', issuer: ORG, clientId: '0oa4J7O526RezV2zvWHX', scopeId: 'okta.users.manage', source: 'ADMIN' });
    const r = scan(s);
    const firm = r.analysis.firmCrownJewelPaths(AUDIT).filter((p) => p.group.startsWith('aws|admin'));
    expect(firm.length).toBeGreaterThan(0);
    expect(firm[0].hops.map((h) => h.type)).toContain('SAML_MAPS_TO');
  });

  it("when the other app's signing key was not read, the route is conditional", () => {
    const r = scan(multiAccount({ appB: { kid: null } }));
    const edge = r.graph.out(ids.oktaGroup(ORG, GROUPS.admin.id), 'SAML_MAPS_TO').find((e) => e.to === role(B, 'okta-admin'))!;
    expect(edge.conditional).toBe(true);
    expect(edge.reason).toMatch(/only if both sign with the same key \(the signing key of AWS account B was not read\)/);
  });

  it('a role of account B trusting a provider the pattern does not name is not reached', () => {
    const r = scan(multiAccount());
    expect(samlTargets(r, ids.oktaGroup(ORG, GROUPS.other.id))).toEqual([]);
    expect(r.graph.in(role(B, 'other-admin'), 'SAML_MAPS_TO')).toEqual([]);
  });

  it('a role of another account than the one the group names is not reached', () => {
    const r = scan(multiAccount());
    // aws_<B>_okta-readonly: account A has okta-readonly (trusting A's provider), account B has none.
    expect(samlTargets(r, ids.oktaGroup(ORG, GROUPS.readonly.id))).toEqual([]);
    // aws_<B>_okta-admin reaches B's okta-admin only, not A's.
    expect(samlTargets(r, ids.oktaGroup(ORG, GROUPS.admin.id))).not.toContain(role(A, 'okta-admin'));
    // The demo's own groups keep their account-A roles.
    expect(samlTargets(r, ids.oktaGroup(ORG, READONLY_GROUP))).toEqual([role(A, 'okta-readonly')]);
  });

  it("when account B lacks the provider the pattern names, the route is a possibility, not a path", () => {
    const r = scan(multiAccount({ providers: ['Other'] }));
    const edge = r.graph.out(ids.oktaGroup(ORG, GROUPS.admin.id), 'SAML_MAPS_TO').find((e) => e.to === role(B, 'okta-admin'));
    expect(edge?.conditional).toBe(true);
    expect(edge!.reason).toMatch(/no SAML provider of that name/);
  });

  it('an assigned user gets the role of an unassigned account-B role group of theirs', () => {
    const s = multiAccount({ assigned: false });
    // Jordan (assigned through aws_A_okta-admin) is also in aws_B_okta-admin, not assigned to the app.
    (s.files['okta/userGroups.json'] as Record<string, Json[]>)[JORDAN].push({ id: GROUPS.admin.id, type: 'OKTA_GROUP', profile: { name: GROUPS.admin.name } });
    const r = scan(s);
    const jordan = ids.oktaUser(ORG, JORDAN);
    expect(samlTargets(r, jordan)).toEqual([role(B, 'okta-admin')]);
    expect(r.graph.out(jordan, 'SAML_MAPS_TO').find((e) => e.to === role(B, 'okta-admin'))!.reason).toMatch(new RegExp(`aws_${B}_okta-admin.*saml-provider/Okta`));
  });

  it('membership rights into an unassigned account-B role group reach its role', () => {
    const s = multiAccount({ assigned: false });
    const grants = s.files['okta/appGrants.json'] as Record<string, Json[]>;
    grants['0oa4J7O526RezV2zvWHX'].push({ ...grants['0oa4J7O526RezV2zvWHX'][0], id: 'oagGroupsManage01', scopeId: 'okta.groups.manage' });
    const r = scan(s);
    const esc = r.graph.out(ids.oktaScopeUser(ORG, 'okta.groups.manage'), 'CAN_ESCALATE_TO').filter((e) => e.evidence?.roleGroup !== undefined);
    const byGroup = esc.map((e) => `${e.evidence!.roleGroup} -> ${e.to}`).sort();
    expect(byGroup).toContain(`aws_${B}_okta-admin -> ${role(B, 'okta-admin')}`);
    expect(byGroup.filter((x) => x.startsWith(`aws_${B}_other-admin`) || x.startsWith(`aws_${B}_okta-readonly`))).toEqual([]);
    expect(awsAdmin(r, AUDIT).some((p) => p.hops.some((h) => h.to === role(B, 'okta-admin')))).toBe(true);
    // B's provider is no app's own: the route holds only if it has this app's metadata.
    expect(esc.find((e) => e.to === role(B, 'okta-admin'))!.conditional).toBe(true);
  });

  it('without an accountid capture in the group filter, rights to create a group reach no other account', () => {
    const s = multiAccount({ assigned: false });
    const app = (s.files['okta/apps.json'] as { name: string; settings: { app: Json } }[]).find((a) => a.name === 'amazon_aws')!;
    // The role value pattern still names ${accountid}, but no group name can give one.
    app.settings.app.groupFilter = 'aws_(?{{role}}[a-zA-Z0-9+=,.@\\-_]+)';
    const grants = s.files['okta/appGrants.json'] as Record<string, Json[]>;
    grants['0oa4J7O526RezV2zvWHX'].push({ ...grants['0oa4J7O526RezV2zvWHX'][0], id: 'oagGroupsManage01', scopeId: 'okta.groups.manage' });
    const r = scan(s);
    const made = r.graph.out(ids.oktaScopeUser(ORG, 'okta.groups.manage'), 'CAN_ESCALATE_TO').filter((e) => e.evidence?.createGroup === 'create');
    expect(made.map((e) => e.to)).toEqual([ids.external('saml-provider', `arn:aws:iam::${A}:saml-provider/Okta`)]);
    expect(awsAdmin(r, AUDIT).some((p) => p.hops.some((h) => h.to.startsWith(`aws:${B}:`)))).toBe(false);
  });

  it('rights to create a group lead, conditionally, to the provider the pattern names in each account', () => {
    const s = multiAccount({ assigned: false });
    const grants = s.files['okta/appGrants.json'] as Record<string, Json[]>;
    grants['0oa4J7O526RezV2zvWHX'].push({ ...grants['0oa4J7O526RezV2zvWHX'][0], id: 'oagGroupsManage01', scopeId: 'okta.groups.manage' });
    const r = scan(s);
    const hub = (account: string, name: string) => ids.external('saml-provider', `arn:aws:iam::${account}:saml-provider/${name}`);
    const made = r.graph.out(ids.oktaScopeUser(ORG, 'okta.groups.manage'), 'CAN_ESCALATE_TO').filter((e) => e.evidence?.createGroup === 'create');
    // Account A's provider (the app's own) and account B's; never B's other provider.
    expect(made.map((e) => [e.to, e.conditional]).sort()).toEqual([[hub(A, 'Okta'), true], [hub(B, 'Okta'), true]].sort());
    expect(made.find((e) => e.to === hub(B, 'Okta'))!.reason).toMatch(new RegExp(`role value pattern names arn:aws:iam::${B}:saml-provider/Okta for account ${B}`));
    // B's provider leads on to the B role trusting it, and only to it.
    expect(r.graph.out(hub(B, 'Okta'), 'FEDERATES_TO').map((e) => e.to)).toEqual([role(B, 'okta-admin')]);
  });

  it('firm paths never go through a create route, even for a holder with firm AWS paths', () => {
    const s = multiAccount({ assigned: false });
    const grants = s.files['okta/appGrants.json'] as Record<string, Json[]>;
    const base = grants['0oa4J7O526RezV2zvWHX'][0];
    // okta.users.manage too: the holder controls a user, so its membership routes are firm.
    grants['0oa4J7O526RezV2zvWHX'].push({ ...base, id: 'oagGroupsManage01', scopeId: 'okta.groups.manage' }, { ...base, id: 'oagUsersManage001', scopeId: 'okta.users.manage' });
    const r = scan(s);
    const firm = r.analysis.firmCrownJewelPaths(AUDIT).filter((p) => p.group.startsWith('aws|'));
    expect(firm.length).toBeGreaterThan(0);
    expect(firm.filter((p) => p.hops.some((h) => h.method === 'okta:addGroup/replaceGroup+assignUserToGroup'))).toEqual([]);
    // The create edges exist, into both accounts, and stay conditional.
    const made = r.graph.out(ids.oktaScopeUser(ORG, 'okta.groups.manage'), 'CAN_ESCALATE_TO').filter((e) => e.evidence?.createGroup === 'create');
    expect(made.map((e) => e.conditional)).toEqual([true, true]);
  });
});

/**
 * A role the Okta app's mapping names in an account whose IAM was not read: its trust policy cannot
 * be checked, so the route ends at the SAML provider the role value names, as the Entra side keeps
 * its edge to the provider (link-entra-saml.test.ts, "keeps the edge to the provider of an account
 * that was not scanned"). Account C (999988887777) is not in the demo; account B is scanned.
 */
describe('Okta AWS app: a role in an account that was not scanned', () => {
  const C = '999988887777';
  const providerC = ids.external('saml-provider', `arn:aws:iam::${C}:saml-provider/Okta`);
  const providerA = ids.external('saml-provider', `arn:aws:iam::${A}:saml-provider/Okta`);
  const ADMIN_GROUP = '00gNWWidH8fEpVh4t1BF';
  /** The demo with role groups assigned to its AWS app (each holding Dana), or none. */
  function withGroups(names: Record<string, string>, edit?: (app: Json & { settings: { app: Json } }, s: Snapshot) => void): Snapshot {
    const s = demoSnapshot();
    const app = (s.files['okta/apps.json'] as (Json & { settings: { app: Json } })[]).find((a) => a.name === 'amazon_aws')!;
    const appGroups = s.files['okta/appGroups.json'] as Record<string, Json[]>;
    for (const [id, name] of Object.entries(names)) {
      const entry = { id, type: 'OKTA_GROUP', profile: { name } };
      (s.files['okta/groups.json'] as Json[]).push(entry);
      (s.files['okta/userGroups.json'] as Record<string, Json[]>)['00ukYYLpouQiwynTxTvh'].push(entry);
      appGroups[app.id as string].push({ id, priority: appGroups[app.id as string].length, profile: {} });
    }
    edit?.(app, s);
    return s;
  }
  const out = (r: ReturnType<typeof scan>, group: string) => r.graph.out(ids.oktaGroup(ORG, group), 'SAML_MAPS_TO');

  it("group mapping: a group naming an account that was not scanned keeps an edge to that account's provider", () => {
    const r = scan(withGroups({ '00gAcctCOktaAdmin0001': `aws_${C}_okta-admin`, '00gAcctBNoSuchRole001': `aws_${B}_no-such-role` }));
    const edges = out(r, '00gAcctCOktaAdmin0001');
    expect(edges.map((e) => e.to)).toEqual([providerC]);
    expect(r.graph.node(providerC)?.type).toBe('aws-saml-provider-ref');
    // No scanned app names C's provider: it takes the app's assertions only if it was made from
    // its metadata, as for a role of a scanned account (the first test above).
    expect(edges[0].conditional).toBe(true);
    expect(edges[0].reason).toMatch(new RegExp(`names role arn:aws:iam::${C}:role/okta-admin through arn:aws:iam::${C}:saml-provider/Okta; the role's account ${C} was not scanned`));
    expect(edges[0].evidence?.appId).toBe(DEMO_AWS_APP);
    // Account B was scanned: no role there trusts the provider, AWS refuses, no edge.
    expect(out(r, '00gAcctBNoSuchRole001')).toEqual([]);
  });

  it('a group naming a role of a scanned account in another case reaches nothing (a role ARN is case sensitive)', () => {
    const r = scan(withGroups({ '00gAcctAOktaAdminUpper': `aws_${A}_OKTA-ADMIN` }));
    expect(out(r, '00gAcctAOktaAdminUpper')).toEqual([]);
  });

  it("per-assignment roles: the app's own provider in an account that was not scanned keeps the assignment's edge to it", () => {
    const provider = `arn:aws:iam::${C}:saml-provider/Okta`;
    const s = withGroups({}, (app, snap) => {
      app.settings.app.identityProviderArn = provider;
      app.settings.app.useGroupMapping = false;
      for (const g of (snap.files['okta/appGroups.json'] as Record<string, Json[]>)[app.id as string]) g.profile = { samlRoles: ['okta-admin'] };
    });
    const r = scan(s);
    const edges = out(r, ADMIN_GROUP);
    expect(edges.map((e) => [e.to, e.conditional ?? false])).toEqual([[providerC, false]]);
    expect(edges[0].reason).toMatch(/SAML roles okta-admin\) names role okta-admin through .*999988887777 was not scanned/);
  });

  it("an account listed but whose IAM was not read keeps the route to its provider, as on the Entra side", () => {
    const s = demoSnapshot();
    delete s.files[`aws/${A}/authorization-details.json`];
    const r = scan(s);
    expect(r.graph.scopes.some((x) => x.provider === 'aws' && x.id === A)).toBe(true);
    expect(out(r, ADMIN_GROUP).map((e) => [e.to, e.conditional ?? false])).toEqual([[providerA, false]]);
  });

  describe('per-assignment roles naming their SAML provider (the Role value AWS takes: a role ARN and a provider ARN, in either order)', () => {
    /** The demo (the app's own provider in account A, no group mapping) with each assigned group's own Role values. */
    const assigned = (values: string[]): Snapshot =>
      withGroups({}, (app, snap) => {
        app.settings.app.useGroupMapping = false;
        for (const g of (snap.files['okta/appGroups.json'] as Record<string, Json[]>)[app.id as string]) g.profile = { samlRoles: values };
      });

    it("a role in an account that was not scanned is reached through the provider the value names, not the app's own", () => {
      for (const value of [`arn:aws:iam::${C}:role/okta-admin,arn:aws:iam::${C}:saml-provider/Okta`, `arn:aws:iam::${C}:saml-provider/Okta, arn:aws:iam::${C}:role/okta-admin`]) {
        const r = scan(assigned([value]));
        const edges = out(r, ADMIN_GROUP);
        expect(edges.map((e) => e.to), value).toEqual([providerC]);
        expect(r.graph.node(providerC)?.type).toBe('aws-saml-provider-ref');
        // No scanned app names C's provider: it takes the app's assertions only if it was made
        // from the app's metadata, as for a role the group mapping names there.
        expect(edges[0].conditional).toBe(true);
        expect(edges[0].reason).toMatch(new RegExp(`names role arn:aws:iam::${C}:role/okta-admin through arn:aws:iam::${C}:saml-provider/Okta; the role's account ${C} was not scanned.*the assignment names that provider`));
      }
    });

    it("a provider another scanned app names as its own and that refuses this app's assertions gives no route", () => {
      const s = assigned([`arn:aws:iam::${C}:role/okta-admin,arn:aws:iam::${C}:saml-provider/Okta`]);
      const apps = s.files['okta/apps.json'] as (Json & { settings: { app: Json }; credentials?: Json })[];
      const demo = apps.find((a) => a.name === 'amazon_aws')!;
      const other = structuredClone(demo);
      other.id = '0oaAcctCAwsApp000001';
      other.label = 'AWS C';
      other.settings.app.identityProviderArn = `arn:aws:iam::${C}:saml-provider/Okta`;
      other.credentials = { signing: { kid: 'another-key' } };
      apps.push(other);
      (s.files['okta/appGroups.json'] as Record<string, Json[]>)[other.id as string] = [];
      (s.files['okta/appUsers.json'] as Record<string, Json[]>)[other.id as string] = [];
      expect(out(scan(s), ADMIN_GROUP).filter((e) => e.evidence?.appId === DEMO_AWS_APP)).toEqual([]);
    });

    it('a role of a scanned account is found through the provider the value names', () => {
      const r = scan(assigned([`arn:aws:iam::${A}:saml-provider/Okta,arn:aws:iam::${A}:role/okta-admin`]));
      expect(out(r, ADMIN_GROUP).map((e) => [e.to, e.conditional ?? false, e.evidence?.via])).toEqual([[role(A, 'okta-admin'), false, providerA]]);
      // A provider no role of that scanned account trusts: AWS refuses, no edge.
      expect(out(scan(assigned([`arn:aws:iam::${A}:saml-provider/Other,arn:aws:iam::${A}:role/okta-admin`])), ADMIN_GROUP)).toEqual([]);
    });
  });

  it('membership rights into an unassigned role group naming an account that was not scanned reach its provider', () => {
    const s = multiAccount({ assigned: false });
    (s.files['okta/groups.json'] as Json[]).push({ id: '00gAcctCOktaAdmin0001', type: 'OKTA_GROUP', profile: { name: `aws_${C}_okta-admin` } });
    const grants = s.files['okta/appGrants.json'] as Record<string, Json[]>;
    grants['0oa4J7O526RezV2zvWHX'].push({ ...grants['0oa4J7O526RezV2zvWHX'][0], id: 'oagGroupsManage01', scopeId: 'okta.groups.manage' });
    const r = scan(s);
    const esc = r.graph.out(ids.oktaScopeUser(ORG, 'okta.groups.manage'), 'CAN_ESCALATE_TO').filter((e) => e.evidence?.roleGroup === `aws_${C}_okta-admin`);
    expect(esc.map((e) => e.to)).toEqual([providerC]);
    // C's provider is no scanned app's own, as B's: conditional, as the route to B's role is.
    expect(esc[0].conditional).toBe(true);
    expect(esc[0].reason).toMatch(/the filter maps aws_999988887777_okta-admin to role .* through .*; the role's account 999988887777 was not scanned/);
  });
});
