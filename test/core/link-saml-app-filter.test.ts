import { describe, it, expect } from 'vitest';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { ids } from '../../src/graph/ids.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

/**
 * The App Filter of an Okta AWS app with "Use Group Mapping" limits which groups it maps to roles
 * at all (Okta help, aws-enable-role-based.htm: "enter active_directory to use only Active
 * Directory groups. Or enter okta to limit use to local Okta groups"). A group made in Okta
 * (OKTA_GROUP) is mapped only when the filter lists `okta`; an imported group (APP_GROUP) only
 * when it lists the group's source app; when that app was not read, the route is conditional.
 */
const ORG = 'https://northwind.okta.example';
const A = '111122223333';
const JORDAN = ids.oktaUser(ORG, '00uALsvFO0rPShXu0fXS');
const AUDIT = ids.oktaApp(ORG, '0oa4J7O526RezV2zvWHX');
const ADMIN_GROUP = '00gNWWidH8fEpVh4t1BF';
const MGMT_GROUP = '00gMgmtAwsEngineers01';
const AD_APP = '0oaCorpDirectory00001';
const OKTA_ADMIN = ids.awsPrincipal(A, `arn:aws:iam::${A}:role/okta-admin`);
type Json = Record<string, unknown>;
type App = { id: string; name: string; settings: { app: Json } };

const awsApp = (s: Snapshot): App => (s.files['okta/apps.json'] as App[]).find((a) => a.name === 'amazon_aws')!;
const awsPaths = (r: ReturnType<typeof scan>, id: string) => r.analysis.crownJewelPaths(id).filter((p) => p.group.startsWith('aws|'));
const samlEdges = (r: ReturnType<typeof scan>, from: string) => r.graph.out(from, 'SAML_MAPS_TO').filter((e) => e.to === OKTA_ADMIN);

/** The demo with the AWS app's App Filter set and, optionally, the okta-admin group imported. */
function withFilter(appFilter: string | undefined, admin?: { type: string; source?: string }): Snapshot {
  const s = demoSnapshot();
  if (appFilter !== undefined) awsApp(s).settings.app.appFilter = appFilter;
  (s.files['okta/apps.json'] as Json[]).push({ id: AD_APP, name: 'active_directory', label: 'corp.example', status: 'ACTIVE' });
  if (admin) {
    const links = admin.source ? { source: { href: `${ORG}/api/v1/apps/${admin.source}` } } : {};
    for (const g of s.files['okta/groups.json'] as Json[]) if (g.id === ADMIN_GROUP) Object.assign(g, { type: admin.type, _links: { ...(g._links as Json), ...links } });
    for (const list of Object.values(s.files['okta/userGroups.json'] as Record<string, Json[]>)) for (const g of list) if (g.id === ADMIN_GROUP) g.type = admin.type;
  }
  return s;
}

/** Jordan assigned through a management group; his role group aws_<A>_okta-admin is not assigned to the app. */
function managementGroup(s: Snapshot): Snapshot {
  const app = awsApp(s);
  const mgmt = { id: MGMT_GROUP, type: 'OKTA_GROUP', profile: { name: 'AWS Engineers' } };
  (s.files['okta/groups.json'] as Json[]).push(mgmt);
  (s.files['okta/groupRoles.json'] as Record<string, Json[]>)[MGMT_GROUP] = [];
  (s.files['okta/appGroups.json'] as Record<string, Json[]>)[app.id] = [{ id: MGMT_GROUP, priority: 0, profile: {} }];
  const appUsers = s.files['okta/appUsers.json'] as Record<string, Json[]>;
  appUsers[app.id] = appUsers[app.id].filter((u) => u.id === '00uALsvFO0rPShXu0fXS');
  (s.files['okta/userGroups.json'] as Record<string, Json[]>)['00uALsvFO0rPShXu0fXS'].push(mgmt);
  return s;
}

/** Audit Exporter also granted okta.groups.manage (and okta.users.manage, so that it controls a user). */
function groupsManager(s: Snapshot): Snapshot {
  const grants = s.files['okta/appGrants.json'] as Record<string, Json[]>;
  const base = grants['0oa4J7O526RezV2zvWHX'][0];
  grants['0oa4J7O526RezV2zvWHX'].push({ ...base, id: 'oagGroupsManage01', scopeId: 'okta.groups.manage' }, { ...base, id: 'oagUsersManage001', scopeId: 'okta.users.manage' });
  return s;
}

describe('Okta AWS app App Filter: groups assigned to the app', () => {
  it('with active_directory only, a group made in Okta maps no role', () => {
    const r = scan(withFilter('active_directory'));
    expect(samlEdges(r, ids.oktaGroup(ORG, ADMIN_GROUP))).toEqual([]);
    expect(awsPaths(r, JORDAN)).toEqual([]);
  });

  it('with okta in the list (or no filter), it maps its role as before', () => {
    for (const filter of ['active_directory, okta', undefined]) {
      const r = scan(withFilter(filter));
      const [edge] = samlEdges(r, ids.oktaGroup(ORG, ADMIN_GROUP));
      expect(edge.conditional ?? false).toBe(false);
      expect(r.analysis.firmCrownJewelPaths(JORDAN).some((p) => p.crownJewel === 'admin' && p.group.startsWith('aws|'))).toBe(true);
    }
  });

  it('an imported group is mapped when the filter lists its source app, not otherwise', () => {
    const admitted = scan(withFilter('active_directory', { type: 'APP_GROUP', source: AD_APP }));
    expect(samlEdges(admitted, ids.oktaGroup(ORG, ADMIN_GROUP)).map((e) => e.conditional ?? false)).toEqual([false]);
    const refused = scan(withFilter('okta', { type: 'APP_GROUP', source: AD_APP }));
    expect(samlEdges(refused, ids.oktaGroup(ORG, ADMIN_GROUP))).toEqual([]);
    expect(awsPaths(refused, JORDAN)).toEqual([]);
  });

  it('an imported group whose source app was not read is a conditional route, and says why', () => {
    const r = scan(withFilter('active_directory', { type: 'APP_GROUP' }));
    const [edge] = samlEdges(r, ids.oktaGroup(ORG, ADMIN_GROUP));
    expect(edge.conditional).toBe(true);
    expect(edge.reason).toMatch(/App Filter \(active_directory\) maps group aws_111122223333_okta-admin only if the group comes from an app it lists/);
    expect(awsPaths(r, JORDAN).length).toBeGreaterThan(0);
    expect(r.analysis.firmCrownJewelPaths(JORDAN).filter((p) => p.group.startsWith('aws|'))).toEqual([]);
  });
});

describe("Okta AWS app App Filter: an assigned user's role groups not assigned to the app", () => {
  it('with active_directory only, a role group made in Okta gives the user no role', () => {
    const r = scan(managementGroup(withFilter('active_directory')));
    expect(samlEdges(r, JORDAN)).toEqual([]);
    expect(awsPaths(r, JORDAN)).toEqual([]);
    // Without the filter, the same layout gives the role (the test above is not vacuous).
    expect(samlEdges(scan(managementGroup(withFilter(undefined))), JORDAN)).toHaveLength(1);
  });

  it('an imported role group of unread source gives a conditional route', () => {
    const r = scan(managementGroup(withFilter('active_directory', { type: 'APP_GROUP' })));
    const [edge] = samlEdges(r, JORDAN);
    expect(edge.conditional).toBe(true);
    expect(edge.reason).toMatch(/App Filter \(active_directory\) maps group aws_111122223333_okta-admin only if/);
    // Listed as its source app: firm.
    const firm = scan(managementGroup(withFilter('active_directory', { type: 'APP_GROUP', source: AD_APP })));
    expect(samlEdges(firm, JORDAN).map((e) => e.conditional ?? false)).toEqual([false]);
  });
});

describe('Okta AWS app App Filter: group membership rights', () => {
  const roleGroupEdges = (r: ReturnType<typeof scan>) =>
    r.graph.out(ids.oktaScopeUser(ORG, 'okta.groups.manage'), 'CAN_ESCALATE_TO').filter((e) => e.evidence?.roleGroup !== undefined || e.evidence?.createGroup !== undefined);

  it('with active_directory only, adding members to (or creating) an Okta group reaches no role', () => {
    const r = scan(groupsManager(managementGroup(withFilter('active_directory'))));
    expect(roleGroupEdges(r)).toEqual([]);
    expect(awsPaths(r, AUDIT)).toEqual([]);
  });

  it('with okta in the list, it does', () => {
    const r = scan(groupsManager(managementGroup(withFilter('okta'))));
    expect(roleGroupEdges(r).map((e) => e.to)).toContain(OKTA_ADMIN);
    expect(awsPaths(r, AUDIT).length).toBeGreaterThan(0);
  });
});
