import { describe, it, expect } from 'vitest';
import { GraphBuilder, type Graph } from '../../src/graph/graph.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { transformOkta } from '../../src/connectors/okta/transform.js';
import { oktaIds as I, oktaOrg, type OktaOrg } from '../helpers/okta-builders.js';

/**
 * Who can change which Okta groups, as Okta documents it: memberships of OKTA_GROUP groups only
 * (not imported APP_GROUP groups, not the built-in Everyone group); a Group Administrator
 * (USER_ADMIN) adds users to the groups it manages and renames them, but never touches a group
 * holding admin roles; okta.groups.manage also creates groups, which the AWS app maps by name
 * unless its App Filter leaves groups made in Okta out.
 */
const ARN = 'arn:aws:iam::111122223333:saml-provider/Okta';
const HUB = I.samlProvider(ARN);
const FILTER = 'aws_(?{{accountid}}\\d+)_(?{{role}}[a-zA-Z0-9+=,.@\\-_]+)';
const SETTINGS = { identityProviderArn: ARN, useGroupMapping: true, groupFilter: FILTER };
type Json = Record<string, unknown>;

/** The org's graph, with some groups given another type (or none). */
function graph(o: OktaOrg, types: Record<string, string | null> = {}): Graph {
  const s = o.snapshot();
  for (const g of s.files['okta/groups.json'] as Json[]) {
    const t = types[g.id as string];
    if (t === null) delete g.type;
    else if (t !== undefined) g.type = t;
  }
  const b = new GraphBuilder();
  transformOkta(s, b, DEFAULT_CONFIG);
  return b.build();
}

/** An org with an AWS app, its assigned groups, a role group of each type, and one holder. */
function org(holder: { grants?: string[]; roles?: string[] }, assigned: string[] = ['mgmt'], settings: Json = SETTINGS): OktaOrg {
  return oktaOrg()
    .group('mgmt', 'AWS Engineers')
    .group('ad-mgmt', 'AWS Engineers (AD)')
    .group('everyone', 'Everyone')
    .group('admins', 'Okta Helpdesk', ['HELP_DESK_ADMIN'])
    .group('role-okta', 'aws_111122223333_admin')
    .group('role-ad', 'aws_111122223333_ops')
    .group('role-admins', 'aws_111122223333_audit', ['HELP_DESK_ADMIN'])
    .serviceApp({ id: 'holder', grants: holder.grants ?? [], roles: holder.roles ?? [] })
    .awsApp({ id: 'aws1', settings, groups: assigned.map((id) => ({ id })) });
}
const TYPES = { 'ad-mgmt': 'APP_GROUP', everyone: 'BUILT_IN', 'role-ad': 'APP_GROUP' };

const out = (g: Graph, from: string) => g.out(from, 'CAN_ESCALATE_TO');
/** Membership edges into the groups assigned to the AWS app. */
const awsGroups = (g: Graph, from: string) => out(g, from).filter((e) => e.evidence?.target === 'assigned to the AWS federation app').map((e) => e.to).sort();
const roleGroups = (g: Graph, from: string) => out(g, from).filter((e) => e.evidence?.roleGroup !== undefined);
const creates = (g: Graph, from: string) => out(g, from).filter((e) => e.evidence?.createGroup !== undefined);

describe('Okta group memberships that cannot be changed through Okta', () => {
  it('gives no membership edge into an imported (APP_GROUP) group, assigned to the app or mapped by its filter', () => {
    const g = graph(org({ grants: ['okta.groups.manage'] }, ['mgmt', 'ad-mgmt']), TYPES);
    const scope = I.scopeUser('okta.groups.manage');
    expect(awsGroups(g, scope)).toEqual([I.group('mgmt')]);
    expect(roleGroups(g, scope).map((e) => e.evidence!.roleGroup).sort()).toEqual(['aws_111122223333_admin', 'aws_111122223333_audit']);
  });

  it('keeps today\'s edges for a group whose type was not read', () => {
    const g = graph(org({ grants: ['okta.groups.manage'] }, ['mgmt', 'ad-mgmt']), { 'ad-mgmt': null, 'role-ad': null });
    const scope = I.scopeUser('okta.groups.manage');
    expect(awsGroups(g, scope)).toEqual([I.group('ad-mgmt'), I.group('mgmt')].sort());
    expect(roleGroups(g, scope).map((e) => e.evidence!.roleGroup)).toContain('aws_111122223333_ops');
  });

  it('an imported group assigned to the app does not assign the user a holder adds: conditional', () => {
    const g = graph(org({ grants: ['okta.groups.manage'] }, ['ad-mgmt']), TYPES);
    const e = roleGroups(g, I.scopeUser('okta.groups.manage')).find((x) => x.evidence!.roleGroup === 'aws_111122223333_admin')!;
    expect(e.conditional).toBe(true);
    expect(e.reason).toMatch(/no group it can add members to is assigned to the app/);
  });

  it('with Everyone assigned to the app, every user is assigned: the route holds', () => {
    const g = graph(org({ grants: ['okta.groups.manage', 'okta.users.manage'] }, ['everyone']), TYPES);
    const e = roleGroups(g, I.scopeUser('okta.groups.manage')).find((x) => x.evidence!.roleGroup === 'aws_111122223333_admin')!;
    expect(e.conditional ?? false).toBe(false);
    expect(e.reason).toMatch(/every user is: the app is assigned to group Everyone/);
    // Everyone itself gets no membership edge.
    expect(out(g, I.scopeUser('okta.groups.manage')).some((x) => x.to === I.group('everyone'))).toBe(false);
  });
});

describe('okta.groups.manage is held by service apps, which are not users', () => {
  const scope = I.scopeUser('okta.groups.manage');
  const assignedGroupEdge = (g: Graph) => out(g, scope).find((e) => e.to === I.group('mgmt'))!;
  const roleGroupEdge = (g: Graph) => roleGroups(g, scope).find((e) => e.evidence!.roleGroup === 'aws_111122223333_admin')!;
  /** The holder's own edge into the routes that need a user. */
  const holderEdge = (g: Graph, app: string) => out(g, I.app(app)).find((e) => e.to === scope)!;

  it('without okta.users.manage its holder controls no user to add: its way into the membership routes is conditional, and says why', () => {
    const g = graph(org({ grants: ['okta.groups.manage'] }), TYPES);
    const e = holderEdge(g, 'holder');
    expect(e.conditional).toBe(true);
    expect(e.reason).toMatch(/^holder holds okta.groups.manage without okta.users.manage: a service app is not a user and controls none unless it can create or take over one, so this holds only if holder controls a user some other way$/);
    // The routes themselves hold for a holder that has a user (none of their own conditions here).
    for (const x of [assignedGroupEdge(g), roleGroupEdge(g)]) expect(x.conditional ?? false).toBe(false);
    expect(roleGroupEdge(g).reason).not.toMatch(/itself, when the holder is a user/);
  });

  it('with okta.users.manage it creates the user it adds: the routes hold', () => {
    const g = graph(org({ grants: ['okta.groups.manage', 'okta.users.manage'] }), TYPES);
    const e = holderEdge(g, 'holder');
    expect(e.conditional ?? false).toBe(false);
    expect(e.reason).toMatch(/holder holds okta.groups.manage and okta.users.manage, with which it creates a user, with a password it sets, to add to groups/);
    for (const x of [assignedGroupEdge(g), roleGroupEdge(g)]) expect(x.conditional ?? false).toBe(false);
  });

  it('each holder has its own edge: one without okta.users.manage changes nothing for one with it', () => {
    const o = org({ grants: ['okta.groups.manage', 'okta.users.manage'] }).serviceApp({ id: 'other', grants: ['okta.groups.manage'] });
    const g = graph(o, TYPES);
    expect(holderEdge(g, 'holder').conditional ?? false).toBe(false);
    expect(holderEdge(g, 'other').conditional).toBe(true);
    // The shared routes name neither holder.
    for (const x of [assignedGroupEdge(g), roleGroupEdge(g)]) {
      expect(x.conditional ?? false).toBe(false);
      expect(x.reason).not.toMatch(/\bholder holds|\bother\b/);
    }
    expect(holderEdge(g, 'holder').reason).not.toMatch(/other/);
  });
});

describe('the Group Administrator role (USER_ADMIN) and group membership', () => {
  const g = graph(org({ roles: ['USER_ADMIN'] }), TYPES);
  const ua = I.role('USER_ADMIN');

  it('adds members to the AWS app\'s groups it may manage, conditional on its target groups', () => {
    const toGroups = out(g, ua).filter((e) => e.to.includes(':group:'));
    expect(toGroups.map((e) => e.to)).toEqual([I.group('mgmt')]);
    expect(toGroups[0].conditional).toBe(true);
    expect(toGroups[0].reason).toMatch(/Group Administrator adds users of the groups it manages.*to the other groups it manages, unless the role assignment is limited to target groups/);
  });

  it('reaches the role groups the filter maps, but never one holding admin roles, nor an imported one', () => {
    const esc = roleGroups(g, ua);
    expect(esc.map((e) => e.evidence!.roleGroup)).toEqual(['aws_111122223333_admin']);
    expect(esc[0].conditional).toBe(true);
    expect(esc[0].to).toBe(HUB);
  });

  it('can rename a group it manages into a role group: one conditional edge', () => {
    expect(creates(g, ua).map((e) => [e.evidence!.createGroup, e.conditional, e.to])).toEqual([['rename', true, HUB]]);
    expect(creates(g, ua)[0].reason).toMatch(/rename a group it manages \(one without admin roles\)/);
  });

  it('GROUP_MEMBERSHIP_ADMIN adds members but neither creates nor renames groups', () => {
    const gma = graph(org({ roles: ['GROUP_MEMBERSHIP_ADMIN'] }), TYPES);
    expect(roleGroups(gma, I.role('GROUP_MEMBERSHIP_ADMIN')).length).toBeGreaterThan(0);
    expect(creates(gma, I.role('GROUP_MEMBERSHIP_ADMIN'))).toEqual([]);
  });
});

describe('okta.groups.manage creates groups the AWS app maps by name', () => {
  const scope = I.scopeUser('okta.groups.manage');

  it('one conditional edge to the app\'s SAML provider, saying what it rests on', () => {
    const g = graph(org({ grants: ['okta.groups.manage'] }), TYPES);
    const c = creates(g, scope);
    expect(c.map((e) => [e.evidence!.createGroup, e.conditional, e.to])).toEqual([['create', true, HUB]]);
    expect(c[0].reason).toMatch(/can create a group and give it a name the AWS app AWS's group filter maps/);
    expect(c[0].reason).toMatch(/the app has no App Filter/);
    expect(c[0].reason).toMatch(/only if the group filter admits a name for it/);
  });

  it('none when the App Filter leaves groups made in Okta out; one when it lets them through', () => {
    const ad = graph(org({ grants: ['okta.groups.manage'] }, ['mgmt'], { ...SETTINGS, appFilter: 'active_directory' }), TYPES);
    expect(creates(ad, scope)).toEqual([]);
    // Nor membership into a role group made in Okta: the app does not map it.
    expect(roleGroups(ad, scope)).toEqual([]);
    expect(roleGroups(graph(org({ grants: ['okta.groups.manage'] }, ['mgmt'], { ...SETTINGS, appFilter: 'okta' }), TYPES), scope).length).toBeGreaterThan(0);
    const c = creates(graph(org({ grants: ['okta.groups.manage'] }, ['mgmt'], { ...SETTINGS, appFilter: 'active_directory, okta' }), TYPES), scope);
    expect(c).toHaveLength(1);
    expect(c[0].reason).toMatch(/App Filter \(active_directory, okta\) admits groups made in Okta/);
  });

  it('none without group mapping, or from a read scope', () => {
    expect(creates(graph(org({ grants: ['okta.groups.manage'] }, ['mgmt'], { ...SETTINGS, useGroupMapping: false }), TYPES), scope)).toEqual([]);
    expect(creates(graph(org({ grants: ['okta.groups.read'] }), TYPES), I.scope('okta.groups.read'))).toEqual([]);
  });
});

describe('membership rights into role groups of an account whose provider is another app\'s', () => {
  // One AWS app per account, each with Okta's multi-account role value pattern: account B's
  // provider is B's app's, and takes A's app's assertions only if it has A's metadata.
  const B = '444455556666';
  const PATTERN = 'arn:aws:iam::${accountid}:saml-provider/Okta,arn:aws:iam::${accountid}:role/${role}';
  const settings = (account: string): Json => ({ ...SETTINGS, identityProviderArn: `arn:aws:iam::${account}:saml-provider/Okta`, roleValuePattern: PATTERN });
  function twoApps(appB: { kid?: string; status?: string }): Graph {
    const o = oktaOrg()
      .group('mgmt', 'AWS Engineers')
      .group('role-a', 'aws_111122223333_admin')
      .group('role-b', `aws_${B}_admin`)
      .serviceApp({ id: 'holder', grants: ['okta.groups.manage', 'okta.users.manage'] })
      .awsApp({ id: 'awsA', settings: settings('111122223333'), groups: [{ id: 'mgmt' }] })
      .awsApp({ id: 'awsB', settings: settings(B), groups: [{ id: 'mgmt' }] });
    const s = o.snapshot();
    for (const app of s.files['okta/apps.json'] as Json[]) {
      if (app.id === 'awsA') app.credentials = { signing: { kid: 'kidOfAppA' } };
      if (app.id === 'awsB') {
        app.credentials = { signing: appB.kid === undefined ? {} : { kid: appB.kid } };
        if (appB.status) app.status = appB.status;
      }
    }
    const b = new GraphBuilder();
    transformOkta(s, b, DEFAULT_CONFIG);
    return b.build();
  }
  const byApp = (g: Graph) =>
    roleGroups(g, I.scopeUser('okta.groups.manage'))
      .map((e) => `${e.evidence!.appId} ${e.evidence!.roleGroup}`)
      .sort();

  it('gives no edge the link would drop: B\'s provider, another app\'s with a different key, takes no assertion of A\'s app', () => {
    expect(byApp(twoApps({ kid: 'kidOfAppB' }))).toEqual(['awsA aws_111122223333_admin', `awsB aws_${B}_admin`]);
  });

  it('keeps the edges the link may keep: key not read, same key, or B\'s app inactive', () => {
    const all = ['awsA aws_111122223333_admin', `awsA aws_${B}_admin`, 'awsB aws_111122223333_admin', `awsB aws_${B}_admin`];
    expect(byApp(twoApps({}))).toEqual(all);
    expect(byApp(twoApps({ kid: 'kidOfAppA' }))).toEqual(all);
    expect(byApp(twoApps({ kid: 'kidOfAppB', status: 'INACTIVE' }))).toEqual(['awsA aws_111122223333_admin', `awsA aws_${B}_admin`]);
  });
});
