import { describe, it, expect } from 'vitest';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { ids } from '../../src/graph/ids.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

const ORG = 'https://northwind.okta.example';
const JORDAN = ids.oktaUser(ORG, '00uALsvFO0rPShXu0fXS');
const DANA = ids.oktaUser(ORG, '00ukYYLpouQiwynTxTvh');
const HR_SYNC = ids.oktaApp(ORG, '0oaKYWOIriafAH29u2He');
const ADMIN_GROUP = '00gNWWidH8fEpVh4t1BF';
const READONLY_GROUP = '00gzQkDMjTJ9YRmkxaht';
const roleName = (r: ReturnType<typeof scan>, id: string) => r.graph.node(id)?.name;

/** The demo with Jordan moved from the okta-admin group to the okta-readonly group. */
function jordanReadOnly(): Snapshot {
  const s = demoSnapshot();
  const groups = s.files['okta/userGroups.json'] as Record<string, { id: string }[]>;
  groups['00uALsvFO0rPShXu0fXS'] = groups['00uALsvFO0rPShXu0fXS'].map((g) => (g.id === ADMIN_GROUP ? { ...g, id: READONLY_GROUP } : g));
  return s;
}

describe('Okta AWS app: an assignment reaches only the roles its mapping names', () => {
  it('a member of the okta-readonly group does not reach okta-admin through the shared SAML provider', () => {
    const r = scan(demoSnapshot());
    const danaAws = r.analysis.crownJewelPaths(DANA).filter((p) => p.group.startsWith('aws|'));
    expect(danaAws).toEqual([]);
    expect(r.analysis.tier(DANA)).toBeLessThan(4);
    // Jordan, in aws_111122223333_okta-admin, does reach it, through that role.
    const jordan = r.analysis.crownJewelPaths(JORDAN).find((p) => p.crownJewel === 'admin' && p.group.startsWith('aws|'));
    expect(jordan?.hops.map((h) => roleName(r, h.to))).toContain('okta-admin');
    // Every SAML hop into a role names the mapping that justifies it.
    const samlHop = jordan!.hops.find((h) => h.type === 'SAML_MAPS_TO')!;
    expect(samlHop.reason).toMatch(/okta-admin/);
  });

  it('with nobody in the okta-admin group, HR Sync Service has no firm path to AWS administrator', () => {
    const r = scan(jordanReadOnly());
    expect(r.analysis.firmCrownJewelPaths(HR_SYNC).filter((p) => p.group.startsWith('aws|'))).toEqual([]);
    // What is left goes through its Group Administrator role (membership and renaming rights in
    // groups it manages, which are not collected), never through Dana's okta-readonly group.
    const left = r.analysis.crownJewelPaths(HR_SYNC).filter((p) => p.group.startsWith('aws|'));
    expect(left.length).toBeGreaterThan(0);
    for (const p of left) {
      expect(p.hops[0].toName).toBe('Group Administrator');
      expect(p.hops.some((h) => h.conditional)).toBe(true);
      expect(p.hops.some((h) => h.to === DANA)).toBe(false);
    }
    const findings = r.report.findings.filter((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.subject.id === HR_SYNC && String(f.evidence.target).startsWith('aws:'));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => /may reach/.test(f.message))).toBe(true);
  });

  it('still reports the app\'s broad mapping (assignments stay visible to okta-aws-broad-role-mapping)', () => {
    const r = scan(demoSnapshot());
    const broad = r.report.findings.filter((f) => f.ruleId === 'okta-aws-broad-role-mapping').map((f) => f.message);
    expect(broad.length).toBeGreaterThan(0);
  });
});

describe('Okta AWS app mappings without group mapping, or unreadable', () => {
  type App = { id: string; name?: string; settings: { app: Record<string, unknown> } };
  const withApp = (edit: (app: App, s: Snapshot) => void): Snapshot => {
    const s = demoSnapshot();
    const app = (s.files['okta/apps.json'] as App[]).find((a) => a.name === 'amazon_aws')!;
    edit(app, s);
    return s;
  };

  it('per-assignment SAML roles: a group whose assignment names only okta-readonly does not reach okta-admin', () => {
    const s = withApp((app, snap) => {
      app.settings.app.useGroupMapping = false;
      const groups = (snap.files['okta/appGroups.json'] as Record<string, { profile: Record<string, unknown> }[]>)[(app as { id: string }).id];
      for (const g of groups) g.profile = { samlRoles: ['okta-readonly'] };
    });
    const r = scan(s);
    expect(r.analysis.crownJewelPaths(HR_SYNC).filter((p) => p.group.startsWith('aws|'))).toEqual([]);
    expect(r.analysis.crownJewelPaths(JORDAN).filter((p) => p.group.startsWith('aws|'))).toEqual([]);
  });

  it('a literal provider ARN in the role value pattern, without identityProviderArn, is the app\'s own provider', () => {
    const provider = 'arn:aws:iam::111122223333:saml-provider/Okta';
    for (const pattern of [`${provider},arn:aws:iam::111122223333:role/\${role}`, `arn:aws:iam::111122223333:role/\${role}, ${provider}`]) {
      const s = withApp((app) => {
        delete app.settings.app.identityProviderArn;
        app.settings.app.roleValuePattern = pattern;
      });
      const r = scan(s);
      const app = r.graph.node(ids.oktaApp(ORG, '0oaSsgZIK3850KbT2WP4'))!;
      // Not `…:saml-provider/Okta,arn`: the pattern's parts are split on the comma first.
      expect(app.attrs.samlProviderArn).toBe(provider);
      const edges = r.graph.out(ids.oktaGroup(ORG, READONLY_GROUP), 'SAML_MAPS_TO');
      expect(edges.map((e) => [roleName(r, e.to), e.conditional ?? false])).toEqual([['okta-readonly', false]]);
    }
  });

  // The same ARN reading as the Entra side (SAML_PROVIDER_ARN): a provider's name takes letters,
  // digits, _ . - only (CreateSAMLProvider), so a pattern naming `Okta+prod` names no provider.
  it('a literal provider ARN whose name IAM would refuse is no provider: the app is not linked, with a warning', () => {
    for (const [provider, linked] of [
      ['arn:aws:iam::111122223333:saml-provider/Okta_prod.v2-eu', true],
      ['arn:aws:iam::111122223333:saml-provider/Okta+prod', false],
      ['arn:aws:iam::111122223333:saml-provider/Okta@prod', false],
      ['arn:awsx:iam::111122223333:saml-provider/Okta', false],
    ] as const) {
      const s = withApp((app) => {
        delete app.settings.app.identityProviderArn;
        app.settings.app.roleValuePattern = `${provider},arn:aws:iam::111122223333:role/\${role}`;
      });
      const r = scan(s);
      const app = r.graph.node(ids.oktaApp(ORG, '0oaSsgZIK3850KbT2WP4'))!;
      expect(app.attrs.samlProviderArn, provider).toBe(linked ? provider : undefined);
      expect(r.graph.out(app.id, 'SAML_MAPS_TO').map((e) => e.to), provider).toEqual(linked ? [ids.external('saml-provider', provider)] : []);
      expect(r.report.warnings.some((w) => /no literal SAML provider ARN/.test(w)), provider).toBe(!linked);
    }
  });

  it('a mapping that cannot be read keeps the route, marked conditional', () => {
    const r = scan(withApp((app) => delete app.settings.app.groupFilter));
    const p = r.analysis.crownJewelPaths(JORDAN).find((x) => x.crownJewel === 'admin' && x.group.startsWith('aws|'));
    expect(p?.hops.some((h) => h.type === 'SAML_MAPS_TO' && h.conditional && /could not be read/.test(h.reason))).toBe(true);
    // HR Sync Service keeps routes too, none of them firm.
    expect(r.analysis.crownJewelPaths(HR_SYNC).some((x) => x.crownJewel === 'admin' && x.group.startsWith('aws|'))).toBe(true);
    expect(r.analysis.firmCrownJewelPaths(HR_SYNC).filter((x) => x.group.startsWith('aws|'))).toEqual([]);
  });

  // Compiled as written, a filter of spaces matched no group name, and every route through the
  // app was gone: the reading that hides access, when what Okta does with it is not documented.
  it('a blank group filter keeps the route too, marked conditional', () => {
    const r = scan(withApp((app) => (app.settings.app.groupFilter = '   ')));
    const p = r.analysis.crownJewelPaths(JORDAN).find((x) => x.crownJewel === 'admin' && x.group.startsWith('aws|'));
    expect(p?.hops.some((h) => h.type === 'SAML_MAPS_TO' && h.conditional && /could not be read/.test(h.reason))).toBe(true);
    expect(r.analysis.firmCrownJewelPaths(JORDAN).filter((x) => x.group.startsWith('aws|'))).toEqual([]);
  });
});

describe('an inactive Okta AWS app', () => {
  it('signs nobody in to AWS: its assignments reach no role', () => {
    const s = demoSnapshot();
    const app = (s.files['okta/apps.json'] as { name: string; status: string }[]).find((a) => a.name === 'amazon_aws')!;
    app.status = 'INACTIVE';
    const r = scan(s);
    expect(r.analysis.crownJewelPaths(JORDAN).filter((p) => p.group.startsWith('aws|'))).toEqual([]);
    expect(r.analysis.crownJewelPaths(HR_SYNC).filter((p) => p.group.startsWith('aws|'))).toEqual([]);
  });
});

describe('a role trusting a SAML provider the account does not have', () => {
  it('is a possibility, not a path', () => {
    const s = demoSnapshot();
    s.files['aws/111122223333/saml-providers.json'] = [];
    const r = scan(s);
    const f = r.report.findings.find((x) => x.ruleId === 'nhi-path-to-crown-jewel' && x.subject.id === HR_SYNC && x.evidence.crownJewel === 'admin')!;
    expect(f.message).toMatch(/may reach/);
    expect(f.path!.some((h) => h.conditional && /no SAML provider/.test(h.reason))).toBe(true);
  });
});

/**
 * Okta's multi-account setup: management groups are assigned to the app, and role groups
 * (aws_<account>_<role>) are not; each assigned user gets the roles of every matching group they
 * are in, assigned to the app or not. Here `AWS Engineers` (assigned) holds Jordan, the zapier
 * service account is assigned directly, and the role groups are not assigned to the app.
 */
describe('Okta AWS app with group mapping: roles from matching groups that are not assigned to the app', () => {
  const MGMT_GROUP = '00gMgmtAwsEngineers01';
  const ZAPIER = '00uAYHkZlcSjTxjsy5uw';
  const ZAPIER_TOKEN = ids.oktaToken(ORG, '00TBqZkzBR7HiSynAOaW');
  type Json = Record<string, unknown>;

  function managementGroups(edit?: (s: Snapshot) => void): Snapshot {
    const s = demoSnapshot();
    const app = (s.files['okta/apps.json'] as { id: string; name: string }[]).find((a) => a.name === 'amazon_aws')!;
    const groups = s.files['okta/groups.json'] as Json[];
    groups.push({ id: MGMT_GROUP, type: 'OKTA_GROUP', profile: { name: 'AWS Engineers', description: 'management group' } });
    const appGroups = s.files['okta/appGroups.json'] as Record<string, Json[]>;
    appGroups[app.id] = [{ id: MGMT_GROUP, priority: 0, profile: {} }];
    const appUsers = s.files['okta/appUsers.json'] as Record<string, Json[]>;
    const jordan = appUsers[app.id].find((u) => u.id === '00uALsvFO0rPShXu0fXS')!;
    // Dana is no longer assigned (she was only through the readonly group); zapier is, directly.
    appUsers[app.id] = [jordan, { ...jordan, id: ZAPIER, scope: 'USER', credentials: { userName: 'svc.zapier@northwind.example' } }];
    const userGroups = s.files['okta/userGroups.json'] as Record<string, Json[]>;
    const byId = new Map(userGroups['00uALsvFO0rPShXu0fXS'].map((g) => [g.id as string, g]));
    const mgmt = { id: MGMT_GROUP, type: 'OKTA_GROUP', profile: { name: 'AWS Engineers' } };
    userGroups['00uALsvFO0rPShXu0fXS'].push(mgmt);
    userGroups[ZAPIER].push(byId.get(ADMIN_GROUP)!);
    // Dana: in the admin role group, but not assigned to the app.
    userGroups['00ukYYLpouQiwynTxTvh'] = [byId.get('00gHex50t5ky9lbflVPz')!, byId.get(ADMIN_GROUP)!];
    edit?.(s);
    return s;
  }
  const awsAdmin = (r: ReturnType<typeof scan>, id: string) => r.analysis.crownJewelPaths(id).find((p) => p.crownJewel === 'admin' && p.group.startsWith('aws|'));

  it('an assigned user reaches the role of a matching group that is not assigned to the app', () => {
    const r = scan(managementGroups());
    const p = awsAdmin(r, JORDAN);
    expect(p?.hops.map((h) => roleName(r, h.to))).toContain('okta-admin');
    const saml = p!.hops.find((h) => h.type === 'SAML_MAPS_TO')!;
    expect(saml.conditional).toBe(false);
    expect(saml.from).toBe(JORDAN);
    expect(saml.reason).toMatch(/aws_111122223333_okta-admin/);
    // The route holds without conditions.
    expect(r.analysis.firmCrownJewelPaths(JORDAN).some((x) => x.crownJewel === 'admin' && x.group.startsWith('aws|'))).toBe(true);
  });

  it('an API token acting as a directly assigned service account in such a group reaches the role', () => {
    const r = scan(managementGroups());
    const p = awsAdmin(r, ZAPIER_TOKEN);
    expect(p?.hops.map((h) => h.type)).toEqual(expect.arrayContaining(['ACTS_AS', 'SAML_MAPS_TO']));
    expect(p!.hops.some((h) => h.conditional)).toBe(false);
  });

  it('a user in the matching group who is not assigned to the app does not get the role', () => {
    const r = scan(managementGroups());
    expect(r.analysis.crownJewelPaths(DANA).filter((p) => p.group.startsWith('aws|'))).toEqual([]);
  });

  it("an assigned user whose groups were not read keeps a route, marked conditional", () => {
    const r = scan(managementGroups((s) => delete (s.files['okta/userGroups.json'] as Record<string, unknown>)['00uALsvFO0rPShXu0fXS']));
    const p = awsAdmin(r, JORDAN);
    expect(p?.hops.some((h) => h.type === 'SAML_MAPS_TO' && h.conditional && /could not be read/.test(h.reason))).toBe(true);
    expect(r.analysis.firmCrownJewelPaths(JORDAN).filter((x) => x.group.startsWith('aws|'))).toEqual([]);
  });

  it('an assigned user in a group whose name was not read keeps a route, marked conditional', () => {
    const r = scan(
      managementGroups((s) => {
        const g = (s.files['okta/groups.json'] as Json[]).find((x) => x.id === ADMIN_GROUP)!;
        delete g.profile;
        for (const x of (s.files['okta/userGroups.json'] as Record<string, Json[]>)[ZAPIER]) if (x.id === ADMIN_GROUP) delete x.profile;
      }),
    );
    const p = awsAdmin(r, ZAPIER_TOKEN);
    expect(p?.hops.some((h) => h.type === 'SAML_MAPS_TO' && h.conditional && /name/.test(h.reason))).toBe(true);
    expect(r.analysis.firmCrownJewelPaths(ZAPIER_TOKEN).filter((x) => x.group.startsWith('aws|'))).toEqual([]);
  });
});

/**
 * Membership rights into the role groups of the multi-account setup: `AWS Engineers` (a
 * management group, mapping to no role) is the only group assigned to the app, and the role
 * groups (aws_<account>_<role>) have no node of their own. Whoever can change group membership
 * can add a user to `aws_111122223333_okta-admin` and, so that the app sends the role, to
 * `AWS Engineers`. Audit Exporter otherwise reaches nothing in AWS.
 */
describe('Okta group membership rights into a group the AWS app maps but that is not assigned to it', () => {
  const MGMT_GROUP = '00gMgmtAwsEngineers01';
  const AUDIT = ids.oktaApp(ORG, '0oa4J7O526RezV2zvWHX');
  const SIEM = ids.oktaUser(ORG, '00ur92aLgGtOYaIJ02l0');
  type Json = Record<string, unknown>;

  function multiAccount(scopeIds: string | string[], edit?: (s: Snapshot, appId: string) => void): Snapshot {
    const s = demoSnapshot();
    const app = (s.files['okta/apps.json'] as { id: string; name: string }[]).find((a) => a.name === 'amazon_aws')!;
    (s.files['okta/groups.json'] as Json[]).push({ id: MGMT_GROUP, type: 'OKTA_GROUP', profile: { name: 'AWS Engineers' } });
    (s.files['okta/groupRoles.json'] as Record<string, Json[]>)[MGMT_GROUP] = [];
    (s.files['okta/appGroups.json'] as Record<string, Json[]>)[app.id] = [{ id: MGMT_GROUP, priority: 0, profile: {} }];
    // Jordan stays assigned through the management group and keeps his role group; Dana is no longer assigned.
    const appUsers = s.files['okta/appUsers.json'] as Record<string, Json[]>;
    appUsers[app.id] = appUsers[app.id].filter((u) => u.id === '00uALsvFO0rPShXu0fXS');
    (s.files['okta/userGroups.json'] as Record<string, Json[]>)['00uALsvFO0rPShXu0fXS'].push({ id: MGMT_GROUP, type: 'OKTA_GROUP', profile: { name: 'AWS Engineers' } });
    const grants = s.files['okta/appGrants.json'] as Record<string, Json[]>;
    for (const [i, scopeId] of [scopeIds].flat().entries()) grants['0oa4J7O526RezV2zvWHX'].push({ ...grants['0oa4J7O526RezV2zvWHX'][0], id: `oagScope0000${i}`, scopeId });
    edit?.(s, app.id);
    return s;
  }
  const awsAdmin = (r: ReturnType<typeof scan>, id: string) => r.analysis.crownJewelPaths(id).find((p) => p.crownJewel === 'admin' && p.group.startsWith('aws|'));
  const awsPaths = (r: ReturnType<typeof scan>, id: string) => r.analysis.crownJewelPaths(id).filter((p) => p.group.startsWith('aws|'));

  it('okta.groups.manage reaches the role of the unassigned role group, without conditions, for an app that also creates users', () => {
    const r = scan(multiAccount(['okta.groups.manage', 'okta.users.manage']));
    const p = awsAdmin(r, AUDIT);
    expect(p?.hops.map((h) => roleName(r, h.to)).slice(0, 2)).toEqual(['okta.groups.manage (with a user its holder controls)', 'okta-admin']);
    // The holder's own hop: it creates the user it adds.
    expect(p!.hops[0].conditional).toBe(false);
    expect(p!.hops[0].reason).toMatch(/^Audit Exporter holds okta.groups.manage and okta.users.manage, with which it creates a user/);
    const hop = p!.hops[1];
    expect(hop.type).toBe('CAN_ESCALATE_TO');
    expect(hop.conditional).toBe(false);
    // The reason names the group, that it is not assigned, and how the added user gets assigned.
    expect(hop.reason).toMatch(/add a user it controls to group aws_111122223333_okta-admin, which is not assigned/);
    expect(hop.reason).toMatch(/only to a member assigned to the app: okta.groups.manage \(with a user its holder controls\) assigns the user it adds by also adding it to group AWS Engineers/);
    expect(hop.reason).toMatch(/maps aws_111122223333_okta-admin to role okta-admin/);
    expect(r.analysis.firmCrownJewelPaths(AUDIT).some((x) => x.crownJewel === 'admin' && x.group.startsWith('aws|'))).toBe(true);
    // The readonly role group gives its own edge to its own role only.
    const esc = r.graph.out(ids.oktaScopeUser(ORG, 'okta.groups.manage'), 'CAN_ESCALATE_TO').filter((e) => e.evidence?.roleGroup !== undefined);
    expect(esc.map((e) => `${e.evidence!.roleGroup} -> ${roleName(r, e.to)}`).sort()).toEqual([
      'aws_111122223333_okta-admin -> okta-admin',
      'aws_111122223333_okta-readonly -> okta-readonly',
    ]);
    // Jordan, already in the role group, still gets the role through his own assignment; Dana, not assigned, does not.
    expect(awsAdmin(r, JORDAN)).toBeDefined();
    expect(awsPaths(r, DANA)).toEqual([]);
  });

  it('an app holding okta.groups.manage alone controls no user to add: a route, not a firm one', () => {
    const r = scan(multiAccount('okta.groups.manage'));
    const p = awsAdmin(r, AUDIT);
    expect(p?.hops.map((h) => roleName(r, h.to)).slice(0, 2)).toEqual(['okta.groups.manage (with a user its holder controls)', 'okta-admin']);
    expect(p!.hops[0].conditional).toBe(true);
    expect(p!.hops[0].reason).toMatch(/^Audit Exporter holds okta.groups.manage without okta.users.manage/);
    expect(r.analysis.firmCrownJewelPaths(AUDIT).filter((x) => x.group.startsWith('aws|'))).toEqual([]);
  });

  /** A second service app, Ops Bot, a copy of Audit Exporter (no client roles) granted these scopes only. */
  function secondHolder(s: Snapshot, scopeIds: string[]): string {
    const id = '0oaOpsBotSecondHold01';
    const apps = s.files['okta/apps.json'] as Json[];
    const audit = apps.find((a) => a.id === '0oa4J7O526RezV2zvWHX')!;
    const copy = structuredClone(audit) as Json & { credentials: { oauthClient: Json } };
    copy.id = id;
    copy.label = 'Ops Bot';
    copy.credentials.oauthClient.client_id = id;
    apps.push(copy);
    const grants = s.files['okta/appGrants.json'] as Record<string, Json[]>;
    const base = grants['0oa4J7O526RezV2zvWHX'][0];
    grants[id] = scopeIds.map((scopeId, i) => ({ ...base, id: `oagOpsBot0000${i}`, clientId: id, scopeId }));
    return ids.oktaApp(ORG, id);
  }

  it('each holder of okta.groups.manage has its own route: firm with okta.users.manage, conditional without, and neither names the other', () => {
    let OPS = '';
    const r = scan(multiAccount(['okta.groups.manage', 'okta.users.manage'], (s) => (OPS = secondHolder(s, ['okta.groups.manage']))));
    const said = (p: ReturnType<typeof awsAdmin>) => p!.hops.map((h) => h.reason).join(' | ');
    // Audit Exporter creates the user it adds: its route holds, whatever Ops Bot holds.
    const audit = awsAdmin(r, AUDIT);
    expect(audit).toBeDefined();
    expect(audit!.hops.filter((h) => h.conditional)).toEqual([]);
    expect(r.analysis.firmCrownJewelPaths(AUDIT).some((x) => x.crownJewel === 'admin' && x.group.startsWith('aws|'))).toBe(true);
    expect(said(audit)).toMatch(/Audit Exporter/);
    expect(said(audit)).not.toMatch(/Ops Bot/);
    // Ops Bot controls no user to add: a route, not a firm one, and the condition is about Ops Bot.
    const ops = awsAdmin(r, OPS);
    expect(ops).toBeDefined();
    const cond = ops!.hops.filter((h) => h.conditional);
    expect(cond.length).toBeGreaterThan(0);
    expect(cond.map((h) => h.reason).join(' | ')).toMatch(/Ops Bot .*without okta.users.manage|Ops Bot holds it without okta.users.manage/);
    expect(said(ops)).not.toMatch(/Audit Exporter/);
    expect(r.analysis.firmCrownJewelPaths(OPS).filter((x) => x.group.startsWith('aws|'))).toEqual([]);
  });

  it('GROUP_MEMBERSHIP_ADMIN reaches it too, conditional on the role not being limited to other groups', () => {
    const r = scan(
      multiAccount('okta.logs.read', (s) => {
        const roles = s.files['okta/userRoles.json'] as Record<string, Json[]>;
        roles['00ur92aLgGtOYaIJ02l0'].push({ ...roles['00ur92aLgGtOYaIJ02l0'][0], id: 'GMA0000000000001', label: 'Group Membership Administrator', type: 'GROUP_MEMBERSHIP_ADMIN' });
      }),
    );
    const p = awsAdmin(r, SIEM);
    expect(p?.hops.map((h) => roleName(r, h.to))).toContain('okta-admin');
    const hop = p!.hops.find((h) => h.type === 'CAN_ESCALATE_TO')!;
    expect(hop.conditional).toBe(true);
    expect(hop.reason).toMatch(/aws_111122223333_okta-admin.*limited to target groups/);
  });

  it('when no group it can add members to is assigned to the app, the route is conditional and says why', () => {
    const r = scan(
      multiAccount('okta.groups.manage', (s, appId) => {
        (s.files['okta/appGroups.json'] as Record<string, Json[]>)[appId] = [];
        const appUsers = s.files['okta/appUsers.json'] as Record<string, Json[]>;
        appUsers[appId] = appUsers[appId].map((u) => ({ ...u, scope: 'USER' }));
      }),
    );
    const p = awsAdmin(r, AUDIT);
    expect(p?.hops[1].conditional).toBe(true);
    expect(p!.hops[1].reason).toMatch(/cannot assign one: no group it can add members to is assigned to the app \(1 user\(s\) are assigned\)/);
    expect(r.analysis.firmCrownJewelPaths(AUDIT).filter((x) => x.group.startsWith('aws|'))).toEqual([]);
  });

  it('a group whose name was not read leaves a conditional route to the SAML provider', () => {
    const r = scan(
      multiAccount('okta.groups.manage', (s) => {
        const g = (s.files['okta/groups.json'] as Json[]).find((x) => x.id === ADMIN_GROUP)!;
        delete g.profile;
      }),
    );
    expect(awsAdmin(r, AUDIT)).toBeDefined();
    const esc = r.graph.out(ids.oktaScopeUser(ORG, 'okta.groups.manage'), 'CAN_ESCALATE_TO').filter((e) => /the name of group\(s\) 00gNWWidH8fEpVh4t1BF was not read/.test(e.reason));
    expect(esc.map((e) => [e.to, e.conditional])).toEqual([[ids.external('saml-provider', 'arn:aws:iam::111122223333:saml-provider/Okta'), true]]);
    expect(r.analysis.firmCrownJewelPaths(AUDIT).filter((x) => x.crownJewel === 'admin' && x.group.startsWith('aws|'))).toEqual([]);
  });

  it('no route without membership rights, nor through a group the filter does not match', () => {
    expect(awsPaths(scan(multiAccount('okta.groups.read')), AUDIT)).toEqual([]);
    const renamed = multiAccount('okta.groups.manage', (s) => {
      for (const g of s.files['okta/groups.json'] as { id: string; profile: { name: string } }[]) if (g.id === ADMIN_GROUP || g.id === READONLY_GROUP) g.profile.name = g.profile.name.replace('aws_', 'aws-');
    });
    const r = scan(renamed);
    expect(r.graph.out(ids.oktaScopeUser(ORG, 'okta.groups.manage'), 'CAN_ESCALATE_TO').filter((e) => e.evidence?.roleGroup !== undefined)).toEqual([]);
    // What is left is creating a group of a name the filter matches: a possibility, not a path.
    expect(awsPaths(r, AUDIT).length).toBeGreaterThan(0);
    for (const p of awsPaths(r, AUDIT)) expect(p.hops.some((h) => h.conditional && h.method === 'okta:addGroup/replaceGroup+assignUserToGroup')).toBe(true);
    expect(r.analysis.firmCrownJewelPaths(AUDIT).filter((x) => x.group.startsWith('aws|'))).toEqual([]);
  });
});

/**
 * Okta help, "Configure the Amazon Web Services Account Federation app in Okta" (Join all roles):
 * a user directly assigned Role1 and Role2 who is in a group assigned RoleA and RoleB gets Role1
 * and Role2 with Join all roles off, all four with it on. Per-assignment SAML roles (no group
 * mapping): Jordan is assigned directly with okta-readonly and is in aws_111122223333_okta-admin,
 * whose assignment names okta-admin; Dana, in that group too, is not assigned directly.
 */
describe('Okta AWS app "Join all roles" with per-assignment SAML roles', () => {
  type App = { id: string; name?: string; settings: { app: Record<string, unknown> } };
  const withJoin = (join: boolean | 'true' | 'false' | undefined): Snapshot => {
    const s = demoSnapshot();
    const app = (s.files['okta/apps.json'] as App[]).find((a) => a.name === 'amazon_aws')!;
    app.settings.app.useGroupMapping = false;
    if (join === undefined) delete app.settings.app.joinAllRoles;
    else app.settings.app.joinAllRoles = join;
    const groups = (s.files['okta/appGroups.json'] as Record<string, { id: string; profile: Record<string, unknown> }[]>)[app.id];
    for (const g of groups) g.profile = { samlRoles: [g.id === ADMIN_GROUP ? 'okta-admin' : 'okta-readonly'] };
    const users = (s.files['okta/appUsers.json'] as Record<string, { id: string; scope: string; profile: Record<string, unknown> }[]>)[app.id];
    const jordan = users.find((u) => u.id === '00uALsvFO0rPShXu0fXS')!;
    jordan.scope = 'USER';
    jordan.profile = { samlRoles: ['okta-readonly'] };
    const memberships = s.files['okta/userGroups.json'] as Record<string, { id: string }[]>;
    const admin = memberships['00uALsvFO0rPShXu0fXS'].find((g) => g.id === ADMIN_GROUP)!;
    memberships['00ukYYLpouQiwynTxTvh'].push(structuredClone(admin));
    return s;
  };
  const reaches = (r: ReturnType<typeof scan>, id: string, role: string) => r.analysis.crownJewelPaths(id).some((p) => p.group.startsWith('aws|') && p.hops.some((h) => roleName(r, h.to) === role));

  it('off: the directly assigned user gets only its own roles, not its group\'s; a member not assigned directly still gets the group\'s', () => {
    for (const off of [false, 'false'] as const) {
      const r = scan(withJoin(off));
      expect(reaches(r, JORDAN, 'okta-admin')).toBe(false);
      expect(reaches(r, DANA, 'okta-admin')).toBe(true);
      // Dana's route names the group and why it holds for her.
      const hop = r.analysis.crownJewelPaths(DANA).flatMap((p) => p.hops).find((h) => h.type === 'SAML_MAPS_TO' && roleName(r, h.to) === 'okta-admin')!;
      expect(hop.reason).toMatch(/okta-admin/);
      expect(hop.reason).toMatch(/Join all roles/);
    }
  });

  it('on, or not read: the union of the direct assignment and the group\'s roles', () => {
    for (const on of [true, undefined] as const) {
      const r = scan(withJoin(on));
      expect(reaches(r, JORDAN, 'okta-admin')).toBe(true);
      expect(reaches(r, DANA, 'okta-admin')).toBe(true);
    }
  });

  it('off: whoever can add a user it controls to the group still reaches the group\'s roles', () => {
    const on = scan(withJoin(true));
    const off = scan(withJoin(false));
    // The routes into okta-admin that do not start at a member of the group: the same either way.
    // The group itself is left out: with Join all roles off its edge to the role is replaced by
    // one per member not assigned directly (a group edge would give it to Jordan too).
    const outsiders = (r: ReturnType<typeof scan>) =>
      [...r.graph.nodes.values()]
        .filter((n) => n.provider === 'okta' && n.kind !== 'group' && n.id !== JORDAN && n.id !== DANA && reaches(r, n.id, 'okta-admin'))
        .map((n) => n.id)
        .sort();
    expect(outsiders(off)).toEqual(outsiders(on));
    expect(outsiders(off).length).toBeGreaterThan(0);
    expect(off.graph.out(ids.oktaGroup(ORG, ADMIN_GROUP), 'SAML_MAPS_TO').map((e) => roleName(off, e.to))).toEqual([]);
    expect(on.graph.out(ids.oktaGroup(ORG, ADMIN_GROUP), 'SAML_MAPS_TO').map((e) => roleName(on, e.to))).toEqual(['okta-admin']);
  });
});

/**
 * IAM User Guide, "Configure SAML assertions for the authentication response": the response's
 * SubjectConfirmationData Recipient "must include a value that matches the AWS sign-in endpoint
 * URL" (https://signin.aws.amazon.com/saml, a regional https://<region>.signin.aws.amazon.com/saml,
 * with /acs/<IdP-ID> for encrypted assertions; the China and GovCloud partitions' own hosts), and
 * SAML:aud is that Recipient. A trust whose SAML:aud no sign-in endpoint meets takes no assertion.
 */
describe('a SAML trust whose SAML:aud is no AWS sign-in endpoint', () => {
  const withAdminCondition = (condition: Record<string, unknown>): Snapshot => {
    const s = demoSnapshot();
    const details = s.files['aws/111122223333/authorization-details.json'] as { RoleDetailList: { RoleName: string; AssumeRolePolicyDocument: { Statement: { Condition?: unknown }[] } }[] };
    details.RoleDetailList.find((r) => r.RoleName === 'okta-admin')!.AssumeRolePolicyDocument.Statement[0].Condition = condition;
    return s;
  };
  const jordanReachesAdmin = (r: ReturnType<typeof scan>) => r.analysis.crownJewelPaths(JORDAN).some((p) => p.group.startsWith('aws|') && p.hops.some((h) => roleName(r, h.to) === 'okta-admin'));

  it('takes no assertion: no path through it, and its trust record is inactive, saying why', () => {
    for (const aud of ['https://signin.aws.amazon.com/saml/extra', 'https://example.com/saml', 'signin.aws.amazon.com/saml']) {
      const r = scan(withAdminCondition({ StringEquals: { 'SAML:aud': aud } }));
      expect(jordanReachesAdmin(r)).toBe(false);
      const trust = [...r.graph.nodes.values()].find((n) => n.type === 'aws-role-trust' && n.nativeId.includes(':role/okta-admin#'))!;
      expect(trust.status).toBe('inactive');
      expect(String(trust.attrs.dead)).toMatch(/sign-in endpoint/);
    }
  });

  it('the sign-in endpoints, global, regional or with an IdP id, and a negated operator that leaves one, keep the path', () => {
    for (const aud of ['https://signin.aws.amazon.com/saml', 'https://eu-west-1.signin.aws.amazon.com/saml', 'https://us-east-2.signin.aws.amazon.com/saml/acs/SAMLSP4SHN3UIS2D558H46']) {
      expect(jordanReachesAdmin(scan(withAdminCondition({ StringEquals: { 'SAML:aud': aud } })))).toBe(true);
    }
    expect(jordanReachesAdmin(scan(withAdminCondition({ StringEquals: { 'SAML:aud': ['https://example.com/saml', 'https://signin.aws.amazon.com/saml'] } })))).toBe(true);
    expect(jordanReachesAdmin(scan(withAdminCondition({ StringLike: { 'SAML:aud': 'https://*signin.aws.amazon.com/saml' } })))).toBe(true);
  });

  // The guide says the Recipient must match the endpoint URL, not how AWS compares the two: an ACS
  // URL written with a trailing slash, the default port or another case may well be taken, so the
  // trust is not judged dead, and the route rests on it (conditional, saying why).
  it('another spelling of a sign-in endpoint (trailing slash, :443, case) keeps the route, conditional on it', () => {
    const firm = (r: ReturnType<typeof scan>) => r.analysis.firmCrownJewelPaths(JORDAN).some((p) => p.group.startsWith('aws|') && p.hops.some((h) => roleName(r, h.to) === 'okta-admin'));
    for (const aud of ['https://signin.aws.amazon.com/saml/', 'https://signin.aws.amazon.com:443/saml', 'https://eu-west-1.signin.aws.amazon.com:443/saml/', 'https://Signin.AWS.Amazon.com/saml']) {
      const r = scan(withAdminCondition({ StringEquals: { 'SAML:aud': aud } }));
      expect(jordanReachesAdmin(r), aud).toBe(true);
      expect(firm(r), aud).toBe(false);
      const trust = [...r.graph.nodes.values()].find((n) => n.type === 'aws-role-trust' && n.nativeId.includes(':role/okta-admin#'))!;
      expect(trust.status, aud).not.toBe('inactive');
      const hop = r.analysis.crownJewelPaths(JORDAN).flatMap((p) => p.hops).find((h) => h.type === 'SAML_MAPS_TO' && roleName(r, h.to) === 'okta-admin')!;
      expect(hop.conditional, aud).toBe(true);
      expect(hop.reason).toContain(`SAML:aud ${aud}, a sign-in endpoint written unlike the IAM User Guide writes it`);
    }
    // Beside the endpoint as the guide writes it, the route is firm.
    expect(firm(scan(withAdminCondition({ StringEquals: { 'SAML:aud': ['https://signin.aws.amazon.com/saml/', 'https://signin.aws.amazon.com/saml'] } })))).toBe(true);
  });

  it('foreign values stay dead: http://, another host, another port, another path', () => {
    for (const aud of ['http://signin.aws.amazon.com/saml', 'https://signin.aws.amazon.com.example.com/saml/', 'https://signin.aws.amazon.com:8443/saml', 'https://signin.aws.amazon.com/saml/extra/', 'https://signin.aws.amazon.com//']) {
      const r = scan(withAdminCondition({ StringEquals: { 'SAML:aud': aud } }));
      expect(jordanReachesAdmin(r), aud).toBe(false);
      const trust = [...r.graph.nodes.values()].find((n) => n.type === 'aws-role-trust' && n.nativeId.includes(':role/okta-admin#'))!;
      expect(trust.status, aud).toBe('inactive');
    }
    // A negated operator turning the variant away leaves none either.
    const r = scan(withAdminCondition({ StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml/' }, StringNotEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml/' } }));
    expect(jordanReachesAdmin(r)).toBe(false);
  });

  it('operators on the same key are ANDed: StringNotEquals naming the one endpoint pinned leaves none', () => {
    const r = scan(withAdminCondition({ StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' }, StringNotEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } }));
    expect(jordanReachesAdmin(r)).toBe(false);
  });
});

/**
 * IAM User Guide, "Available keys for SAML-based federation": SAML:sub is the assertion's NameID,
 * SAML:sub_type its format, SAML:iss the IdP's issuer. What Okta writes there for each user (the
 * app's user name format) is not in the snapshot, so a trust with such a condition admits some
 * assignees and not others, unknown which: every route through it is conditional.
 */
describe('a SAML trust with a condition on SAML:sub, SAML:sub_type or SAML:iss', () => {
  const withAdminCondition = (extra: Record<string, Record<string, unknown>>): Snapshot => {
    const s = demoSnapshot();
    const details = s.files['aws/111122223333/authorization-details.json'] as { RoleDetailList: { RoleName: string; AssumeRolePolicyDocument: { Statement: { Condition?: Record<string, Record<string, unknown>> }[] } }[] };
    const st = details.RoleDetailList.find((r) => r.RoleName === 'okta-admin')!.AssumeRolePolicyDocument.Statement[0];
    for (const [op, keys] of Object.entries(extra)) st.Condition![op] = { ...(st.Condition![op] ?? {}), ...keys };
    return s;
  };
  const firm = (r: ReturnType<typeof scan>) => r.analysis.firmCrownJewelPaths(JORDAN).some((p) => p.group.startsWith('aws|') && p.hops.some((h) => roleName(r, h.to) === 'okta-admin'));
  const any = (r: ReturnType<typeof scan>) => r.analysis.crownJewelPaths(JORDAN).some((p) => p.group.startsWith('aws|') && p.hops.some((h) => roleName(r, h.to) === 'okta-admin'));

  it('keeps the route, conditional on the condition, and says so', () => {
    expect(firm(scan(withAdminCondition({})))).toBe(true);
    const extras: Record<string, Record<string, unknown>>[] = [{ StringEquals: { 'SAML:sub': 'someone.else@northwind.example' } }, { StringEquals: { 'SAML:sub_type': 'persistent' } }, { StringNotEquals: { 'SAML:iss': 'http://www.okta.com/exk1' } }];
    for (const extra of extras) {
      const r = scan(withAdminCondition(extra));
      expect(firm(r)).toBe(false);
      expect(any(r)).toBe(true);
      const hop = r.analysis.crownJewelPaths(JORDAN).flatMap((p) => p.hops).find((h) => h.type === 'SAML_MAPS_TO' && roleName(r, h.to) === 'okta-admin')!;
      expect(hop.conditional).toBe(true);
      expect(hop.reason).toMatch(/SAML:(sub|iss)/);
    }
  });
});

describe('a role trusting the Okta app\'s provider in two statements, one firm and one under a condition', () => {
  it('keeps the route firm, whichever statement comes first (IAM allows when any Allow matches)', () => {
    for (const conditionalFirst of [false, true]) {
      const s = demoSnapshot();
      const details = s.files['aws/111122223333/authorization-details.json'] as { RoleDetailList: { RoleName: string; AssumeRolePolicyDocument: { Statement: { Condition?: Record<string, Record<string, unknown>> }[] } }[] };
      const statements = details.RoleDetailList.find((r) => r.RoleName === 'okta-admin')!.AssumeRolePolicyDocument.Statement;
      const plain = statements[0];
      const bySub = structuredClone(plain);
      bySub.Condition = { ...(bySub.Condition ?? {}), StringLike: { 'SAML:sub': 'svc-*' } };
      statements.splice(0, statements.length, ...(conditionalFirst ? [bySub, plain] : [plain, bySub]));
      const r = scan(s);
      const hop = r.analysis.crownJewelPaths(JORDAN).flatMap((p) => p.hops).find((h) => h.type === 'SAML_MAPS_TO' && roleName(r, h.to) === 'okta-admin');
      expect(hop?.conditional ?? false).toBe(false);
      expect(r.analysis.firmCrownJewelPaths(JORDAN).some((p) => p.group.startsWith('aws|') && p.hops.some((h) => roleName(r, h.to) === 'okta-admin'))).toBe(true);
    }
  });
});

describe('Okta AWS app with Join all roles off: a large group with many directly assigned members', () => {
  it('each member edge names a few of the directly assigned members, not all of them (reasons stay the same size as the group grows)', () => {
    const s = demoSnapshot();
    type App = { id: string; name?: string; settings: { app: Record<string, unknown> } };
    const app = (s.files['okta/apps.json'] as App[]).find((a) => a.name === 'amazon_aws')!;
    app.settings.app.useGroupMapping = false;
    app.settings.app.joinAllRoles = false;
    const groups = (s.files['okta/appGroups.json'] as Record<string, { id: string; profile: Record<string, unknown> }[]>)[app.id];
    for (const g of groups) g.profile = { samlRoles: [g.id === ADMIN_GROUP ? 'okta-admin' : 'okta-readonly'] };
    const users = s.files['okta/users.json'] as Record<string, unknown>[];
    const appUsers = (s.files['okta/appUsers.json'] as Record<string, Record<string, unknown>[]>)[app.id];
    const memberships = s.files['okta/userGroups.json'] as Record<string, { id: string }[]>;
    const admin = memberships['00uALsvFO0rPShXu0fXS'].find((g) => g.id === ADMIN_GROUP)!;
    const template = users.find((u) => u.id === '00ukYYLpouQiwynTxTvh')!;
    const direct: string[] = [];
    for (let i = 0; i < 40; i++) {
      const id = `00uBULK${String(i).padStart(13, '0')}`;
      const login = `bulk.user${i}@northwind.example`;
      users.push({ ...structuredClone(template), id, profile: { ...(template.profile as object), login, email: login, firstName: 'Bulk', lastName: `User${i}` } });
      memberships[id] = [structuredClone(admin)];
      if (i < 30) {
        direct.push(id);
        appUsers.push({ id, scope: 'USER', status: 'ACTIVE', credentials: { userName: login }, profile: { samlRoles: ['okta-readonly'] } });
      }
    }
    const r = scan(s);
    const member = ids.oktaUser(ORG, `00uBULK${String(35).padStart(13, '0')}`);
    const edge = r.graph.out(member, 'SAML_MAPS_TO').find((e) => roleName(r, e.to) === 'okta-admin');
    expect(edge?.reason).toMatch(/Join all roles/);
    const named = direct.filter((id) => edge!.reason.includes(`${r.graph.node(ids.oktaUser(ORG, id))!.name} `) || edge!.reason.includes(`${r.graph.node(ids.oktaUser(ORG, id))!.name},`) || edge!.reason.includes(`${r.graph.node(ids.oktaUser(ORG, id))!.name})`));
    expect(named.length).toBeGreaterThan(0);
    expect(named.length).toBeLessThanOrEqual(3);
    expect(edge!.reason).toMatch(/and 2\d more/);
    // A directly assigned member still does not get the group's role.
    expect(r.graph.out(ids.oktaUser(ORG, direct[0]), 'SAML_MAPS_TO').some((e) => roleName(r, e.to) === 'okta-admin')).toBe(false);
  });
});
