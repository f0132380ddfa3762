import { describe, it, expect } from 'vitest';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { ids } from '../../src/graph/ids.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { BROAD_PATTERN_LINKS, matchesEveryObjectId } from '../../src/connectors/link.js';
import { compileWildcard, globTokens } from '../../src/aws/policy/wildcard.js';

const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
const ACCT = '111122223333';
const ISSUER = `sts.windows.net/${TENANT}/`;
const OPS_AGENT = ids.entraSp(TENANT, 'ef64d807-28f7-4739-a893-33575ef793c0');
const OPS_AGENT_APPID = 'd8b52952-66bf-4927-97a3-022df7648254';
const INFRA_DEPLOYER = ids.entraSp(TENANT, '17d50a4b-dc01-45d2-ba56-482d3a428ff6');
const INFRA_APPID = '96f647d4-52b8-4491-82b6-bf90202d3dab';
const OPS_AGENT_OID = 'ef64d807-28f7-4739-a893-33575ef793c0';
const LEGACY_OID = 'c808fcb1-fee2-48fe-8a05-cac58233ce37';
const LEGACY = ids.entraSp(TENANT, LEGACY_OID);
/** Northwind Ticketing API: its SP requires app-role assignment; only Ops Agent holds one. */
const TICKETS_APPID = 'd411036c-8c54-40f8-96d3-b1e8d43670f2';
const roleId = (name: string) => ids.awsPrincipal(ACCT, `arn:aws:iam::${ACCT}:role/${name}`);

type Json = Record<string, any>;
/** The demo with one more role trusting the Entra tenant's tokens under `condition`. */
function withRole(name: string, condition: Json, extraClientId?: string): Snapshot {
  const s = demoSnapshot();
  const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
  const ops = details.RoleDetailList.find((r: Json) => r.RoleName === 'ops-agent-role');
  const role = structuredClone(ops);
  role.RoleName = name;
  role.RoleId = 'AROAEXAMPLEEXAMPLE01';
  role.Arn = `arn:aws:iam::${ACCT}:role/${name}`;
  role.AssumeRolePolicyDocument.Statement[0].Condition = condition;
  details.RoleDetailList.push(role);
  if (extraClientId) {
    const providers = s.files[`aws/${ACCT}/oidc-providers.json`] as Json[];
    providers.find((p) => p.Url === ISSUER)!.ClientIDList.push(extraClientId);
  }
  return s;
}
const assumers = (r: ReturnType<typeof scan>, role: string) => r.graph.in(roleId(role), 'CAN_ASSUME').map((e) => e.from).sort();

/** Ops Agent's paths through ops-agent-role say the OIDC provider turns the token away today, not that the scanner could not decide. */
function expectTurnedAwayPaths(r: ReturnType<typeof scan>): void {
  const paths = r.report.findings.filter((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.subject.name === 'Ops Agent' && f.path?.some((h) => h.to === roleId('ops-agent-role')));
  expect(paths.length).toBeGreaterThan(0);
  for (const p of paths) {
    expect(p.message).toMatch(/may reach/);
    expect(p.message).toMatch(/turned away today by the account's OIDC provider/);
    expect(p.message).not.toMatch(/could not decide/);
  }
}

describe('Entra tokens into AWS roles: only the apps the trust names', () => {
  it('each role is linked to the app its own aud condition names, not the first role\'s', () => {
    const r = scan(withRole('infra-role', { StringEquals: { [`${ISSUER}:aud`]: INFRA_APPID } }, INFRA_APPID));
    expect(assumers(r, 'infra-role')).toEqual([INFRA_DEPLOYER]);
    expect(assumers(r, 'ops-agent-role')).toEqual([OPS_AGENT]);
  });

  it('an aud naming the app by its App ID URI (servicePrincipalNames) links that app', () => {
    // A v1 token requested for api://ops-agent carries that URI as aud, not the app id.
    const s = withRole('uri-role', { StringEquals: { [`${ISSUER}:aud`]: 'api://ops-agent' } }, 'api://ops-agent');
    const sps = (s.files['entra/servicePrincipals.json'] as Json).value ?? s.files['entra/servicePrincipals.json'];
    const sp = (sps as Json[]).find((x) => x.appId === OPS_AGENT_APPID)!;
    sp.servicePrincipalNames = [OPS_AGENT_APPID, 'api://ops-agent'];
    expect(assumers(scan(s), 'uri-role')).toEqual([OPS_AGENT]);
  });

  // In an app-only access token `aud` names the resource app and `sub` (like `oid`) is the object
  // id of the calling service principal (Microsoft identity platform, "Access token claims
  // reference"): the callers are the SPs whose object id the sub condition admits and that can get
  // a token for the audience app: any SP of the tenant, unless the app's SP has
  // appRoleAssignmentRequired, when only those holding an app-role assignment to it can.
  it('a sub pattern links the service principals whose object id it matches, not the audience app', () => {
    // Audit case K: the pattern matches Legacy Provisioning Sync's object id, not Ops Agent's.
    const r = scan(withRole('pattern-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID }, StringLike: { [`${ISSUER}:sub`]: 'c808fcb1-*' } }));
    expect(assumers(r, 'pattern-role')).toEqual([LEGACY]);
    const link = r.graph.in(roleId('pattern-role'), 'CAN_ASSUME')[0];
    expect(link.conditional).toBe(false);
    expect(link.reason).toMatch(/sub pattern c808fcb1-\* matches its object id/);
    // The rule names the pattern and what it admits, not a missing sub condition.
    const f = r.report.findings.filter((x) => x.ruleId === 'nhi-entra-token-any-app-assumes-aws-role' && x.evidence.role === roleId('pattern-role'));
    expect(f).toHaveLength(1);
    expect(f[0].message).not.toMatch(/without a sub condition/);
    expect(f[0].message).toMatch(/sub pattern c808fcb1-\*.*Legacy Provisioning Sync/);
    // A pattern no object id matches links nothing.
    expect(assumers(scan(withRole('pattern-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID }, StringLike: { [`${ISSUER}:sub`]: '00000000-*' } })), 'pattern-role')).toEqual([]);
  });

  it('an audience app that requires assignment gives the role to the SPs assigned to it, not to itself', () => {
    // Audit case C: only Ops Agent holds an app role (Tickets.ReadWrite.All) on the Ticketing API.
    const r = scan(withRole('tickets-role', { StringEquals: { [`${ISSUER}:aud`]: TICKETS_APPID } }, TICKETS_APPID));
    expect(assumers(r, 'tickets-role')).toEqual([OPS_AGENT]);
    expect(r.graph.in(roleId('tickets-role'), 'CAN_ASSUME')[0].reason).toMatch(/app-role assignment/);
    // Without the assignments read, which SPs hold one is not known: no SP is named.
    const s = withRole('tickets-role', { StringEquals: { [`${ISSUER}:aud`]: TICKETS_APPID } }, TICKETS_APPID);
    s.manifest.coverage = s.manifest.coverage.map((c) => (c.capability === 'entra.appRoleAssignments' ? { ...c, status: 'missing-permission' } : c));
    delete s.files['entra/appRoleAssignments.json'];
    expect(assumers(scan(s), 'tickets-role')).toEqual([]);
  });

  it('an audience app that requires assignment, held only through a disabled app role: the link is a doubt, not firm', () => {
    // The Ticketing API's one app role (Tickets.ReadWrite.All, a custom API role Ops Agent holds)
    // marked isEnabled false: the assignment stays, but whether Entra lets it meet
    // appRoleAssignmentRequired is not documented, so Ops Agent's way in is conditional and says why.
    const disableTickets = (s: Snapshot): Snapshot => {
      const file = s.files['entra/servicePrincipals.json'] as Json;
      const sps = (file.value ?? file) as Json[];
      const api = sps.find((x) => x.appId === TICKETS_APPID)!;
      for (const role of api.appRoles as Json[]) role.isEnabled = false;
      return s;
    };
    const trust = () => withRole('tickets-role', { StringEquals: { [`${ISSUER}:aud`]: TICKETS_APPID } }, TICKETS_APPID);
    const live = scan(trust()).graph.in(roleId('tickets-role'), 'CAN_ASSUME');
    expect(live.map((e) => [e.from, e.conditional])).toEqual([[OPS_AGENT, false]]);
    const r = scan(disableTickets(trust()));
    const edges = r.graph.in(roleId('tickets-role'), 'CAN_ASSUME');
    expect(edges.map((e) => [e.from, e.conditional])).toEqual([[OPS_AGENT, true]]);
    expect(edges[0].reason).toContain('and it holds one, of an app role that is disabled');
    expect(edges[0].reason).toContain('only if Entra takes an assignment of a disabled app role as the assignment Northwind Ticketing API requires');
    // The privilege itself is disabled and the app-role grant says so (57fb945).
    const grant = r.graph.out(OPS_AGENT, 'GRANTED').find((e) => e.evidence?.resourceId !== undefined && r.graph.node(e.to)?.attrs.permission === 'Tickets.ReadWrite.All')!;
    expect(r.graph.node(grant.to)?.enabled).toBe(false);
  });

  it('a disabled app role beside a live assignment to the same app, or an app whose requirement was not read: firm only when a live assignment is held', () => {
    const tickets = (s: Snapshot) => {
      const file = s.files['entra/servicePrincipals.json'] as Json;
      const api = ((file.value ?? file) as Json[]).find((x) => x.appId === TICKETS_APPID)!;
      for (const role of api.appRoles as Json[]) role.isEnabled = false;
      const assignments = (s.files['entra/appRoleAssignments.json'] as Json).value as Json[];
      return { api, assignments, held: assignments.find((a) => a.resourceId === api.id)! };
    };
    const edgesOf = (s: Snapshot) => scan(s).graph.in(roleId('tickets-role'), 'CAN_ASSUME').filter((e) => e.from === OPS_AGENT);
    // Ops Agent also holds default access to the app (the all-zero app role, never disabled): that
    // assignment meets the requirement, and the route is firm again.
    const both = withRole('tickets-role', { StringEquals: { [`${ISSUER}:aud`]: TICKETS_APPID } }, TICKETS_APPID);
    const t = tickets(both);
    t.assignments.push({ ...t.held, id: 'default-access', appRoleId: '00000000-0000-0000-0000-000000000000' });
    expect(edgesOf(both).map((e) => [e.conditional ?? false, e.reason.includes('of an app role that is disabled')])).toEqual([[false, false]]);
    // appRoleAssignmentRequired not read, the sub pinned to Ops Agent: holding only a disabled
    // role, its way in rests on the app not requiring assignment, as for a caller holding none.
    const pinned = withRole('tickets-role', { StringEquals: { [`${ISSUER}:aud`]: TICKETS_APPID, [`${ISSUER}:sub`]: OPS_AGENT_OID } }, TICKETS_APPID);
    delete tickets(pinned).api.appRoleAssignmentRequired;
    const unknown = edgesOf(pinned);
    expect(unknown.map((e) => e.conditional)).toEqual([true]);
    expect(unknown[0].reason).toContain('only if Northwind Ticketing API does not require app-role assignment (its appRoleAssignmentRequired was not read)');
  });

  it('a sub pinned to an SP that cannot get a token for the audience links nothing', () => {
    // Audit case H: Legacy Provisioning Sync holds no assignment to the Ticketing API, which requires one.
    const pinned = (oid: string) => withRole('pinned-role', { StringEquals: { [`${ISSUER}:aud`]: TICKETS_APPID, [`${ISSUER}:sub`]: oid } }, TICKETS_APPID);
    expect(assumers(scan(pinned(LEGACY_OID)), 'pinned-role')).toEqual([]);
    // Near miss: pinned to Ops Agent, which is assigned.
    const r = scan(pinned(OPS_AGENT_OID));
    expect(assumers(r, 'pinned-role')).toEqual([OPS_AGENT]);
    expect(r.graph.in(roleId('pinned-role'), 'CAN_ASSUME')[0].conditional).toBe(false);
    // Assignments not read: the pinned SP may or may not hold one.
    const s = pinned(LEGACY_OID);
    s.manifest.coverage = s.manifest.coverage.map((c) => (c.capability === 'entra.appRoleAssignments' ? { ...c, status: 'missing-permission' } : c));
    delete s.files['entra/appRoleAssignments.json'];
    const doubt = scan(s).graph.in(roleId('pinned-role'), 'CAN_ASSUME');
    expect(doubt.map((e) => [e.from, e.conditional])).toEqual([[LEGACY, true]]);
    expect(doubt[0].reason).toMatch(/assignments .*not read/);
  });

  it("a sub pinned to an SP, with only the audience app's own assignments not read: a doubt naming that app; another resource's gap changes nothing", () => {
    const pinned = (unread: (api: Json, sps: Json[]) => string) => {
      const s = withRole('pinned-role', { StringEquals: { [`${ISSUER}:aud`]: TICKETS_APPID, [`${ISSUER}:sub`]: LEGACY_OID } }, TICKETS_APPID);
      const file = s.files['entra/servicePrincipals.json'] as Json;
      const sps = (file.value ?? file) as Json[];
      const api = sps.find((x) => x.appId === TICKETS_APPID)!;
      const resource = unread(api, sps);
      const assignments = s.files['entra/appRoleAssignments.json'] as Json;
      assignments.value = (assignments.value as Json[]).filter((a) => a.resourceId !== resource);
      s.manifest.coverage.push({ provider: 'entra', scope: TENANT, capability: 'entra.appRoleAssignments@appRoleAssignments.json', status: 'missing-permission', reason: '403', unreadKeys: [resource] });
      return scan(s).graph.in(roleId('pinned-role'), 'CAN_ASSUME');
    };
    const doubt = pinned((api) => api.id);
    expect(doubt.map((e) => [e.from, e.conditional])).toEqual([[LEGACY, true]]);
    expect(doubt[0].reason).toContain('it holds an app-role assignment to Northwind Ticketing API (the app-role assignments of Northwind Ticketing API were not read)');
    // Near miss: another resource's list not read; the Ticketing API's says Legacy holds none.
    expect(pinned((api, sps) => sps.find((x) => x.id !== api.id && Array.isArray(x.appRoles) && x.appRoles.length > 0)!.id)).toEqual([]);
  });

  it('a sub pattern to an app that requires assignment, with the assignments not read, names the SPs it matches conditionally', () => {
    // Review case: missing assignments must not read as "nobody can get the token".
    const s = withRole('pattern-unread', { StringEquals: { [`${ISSUER}:aud`]: TICKETS_APPID }, StringLike: { [`${ISSUER}:sub`]: 'c808fcb1-*' } }, TICKETS_APPID);
    s.manifest.coverage = s.manifest.coverage.map((c) => (c.capability === 'entra.appRoleAssignments' ? { ...c, status: 'missing-permission' } : c));
    delete s.files['entra/appRoleAssignments.json'];
    const links = scan(s).graph.in(roleId('pattern-unread'), 'CAN_ASSUME');
    expect(links.map((e) => [e.from, e.conditional])).toEqual([[LEGACY, true]]);
    expect(links[0].reason).toMatch(/sub pattern c808fcb1-\* matches its object id/);
    expect(links[0].reason).toMatch(/assignments .*not read/);
  });

  // An audience that is no app of the scanned tenant (another tenant's app id, or Entra's token
  // exchange audience): the SPs the sub condition admits may get a token for it, and whether that
  // needs an app-role assignment is not known. A pattern names them as a pinned sub does.
  for (const aud of ['5b4ce6a1-0000-4000-8000-00000000f0f0', 'api://AzureADTokenExchange']) {
    it(`an audience naming no scanned app (${aud}) links the SPs a sub pattern matches, each conditionally, as a pinned sub links its SP`, () => {
      const pattern = scan(withRole('foreign-aud', { StringEquals: { [`${ISSUER}:aud`]: aud }, StringLike: { [`${ISSUER}:sub`]: 'c808fcb1-*' } }, aud));
      const links = pattern.graph.in(roleId('foreign-aud'), 'CAN_ASSUME').filter((e) => e.from !== roleId('foreign-aud'));
      const sps = links.filter((e) => e.from.startsWith('entra:'));
      expect(sps.map((e) => [e.from, e.conditional])).toEqual([[LEGACY, true]]);
      expect(sps[0].reason).toMatch(/sub pattern c808fcb1-\* matches its object id, for aud /);
      expect(sps[0].reason).toMatch(/no app of the scanned tenant/);
      // The rule names the same SP, and says what the audience is.
      const f = pattern.report.findings.filter((x) => x.ruleId === 'nhi-entra-token-any-app-assumes-aws-role' && x.evidence.role === roleId('foreign-aud'));
      expect(f).toHaveLength(1);
      expect(f[0].message).toMatch(/\(today: Legacy Provisioning Sync\)/);
      expect(f[0].message).toMatch(aud.startsWith('api://') ? /the audience is Entra's token exchange audience, which names no app of the tenant;/ : /the audience app is not in the tenant snapshot;/);
      // Near miss: a pattern no object id matches links no SP.
      const none = scan(withRole('foreign-aud', { StringEquals: { [`${ISSUER}:aud`]: aud }, StringLike: { [`${ISSUER}:sub`]: '00000000-*' } }, aud));
      expect(none.graph.in(roleId('foreign-aud'), 'CAN_ASSUME').filter((e) => e.from.startsWith('entra:'))).toEqual([]);
      // The pinned form names the same SP with the same doubt.
      const pinned = scan(withRole('foreign-aud', { StringEquals: { [`${ISSUER}:aud`]: aud, [`${ISSUER}:sub`]: LEGACY_OID } }, aud));
      expect(pinned.graph.in(roleId('foreign-aud'), 'CAN_ASSUME').filter((e) => e.from.startsWith('entra:')).map((e) => [e.from, e.conditional])).toEqual([[LEGACY, true]]);
    });
  }

  it('a sub pinned to an SP of the tenant links it when the audience app does not require assignment', () => {
    const r = scan(withRole('pinned-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID, [`${ISSUER}:sub`]: LEGACY_OID } }));
    expect(assumers(r, 'pinned-role')).toEqual([LEGACY]);
  });

  it('a sub pinned in another case than the object id links no one under StringEquals, and the SP under StringEqualsIgnoreCase', () => {
    // The token's sub is the object id as Entra writes it (lower case, as Graph returns it);
    // StringEquals compares case, StringEqualsIgnoreCase does not (IAM User Guide, condition operators).
    const upper = LEGACY_OID.toUpperCase();
    const strict = scan(withRole('pinned-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID, [`${ISSUER}:sub`]: upper } }));
    expect(assumers(strict, 'pinned-role')).toEqual([]);
    const loose = scan(withRole('pinned-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID }, StringEqualsIgnoreCase: { [`${ISSUER}:sub`]: upper } }));
    expect(assumers(loose, 'pinned-role')).toEqual([LEGACY]);
    // StringLike without a wildcard compares case too.
    const like = scan(withRole('pinned-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID }, StringLike: { [`${ISSUER}:sub`]: upper } }));
    expect(assumers(like, 'pinned-role')).toEqual([]);
  });

  it('an audience app whose service principal is disabled gives no caller a token, as an inactive Okta AWS app federates no one', () => {
    // Entra refuses a token for a resource whose service principal is disabled (AADSTS500014).
    const disable = (s: Snapshot): Snapshot => {
      const file = s.files['entra/servicePrincipals.json'] as Json;
      const sps = (file.value ?? file) as Json[];
      sps.find((x) => x.appId === OPS_AGENT_APPID)!.accountEnabled = false;
      return s;
    };
    const pinned = () => withRole('pinned-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID, [`${ISSUER}:sub`]: LEGACY_OID } });
    const pattern = () => withRole('pattern-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID }, StringLike: { [`${ISSUER}:sub`]: 'c808fcb1-*' } });
    // Near misses: the same trusts with the app enabled.
    expect(assumers(scan(pinned()), 'pinned-role')).toEqual([LEGACY]);
    expect(assumers(scan(pattern()), 'pattern-role')).toEqual([LEGACY]);
    expect(assumers(scan(disable(pinned())), 'pinned-role')).toEqual([]);
    const r = scan(disable(pattern()));
    expect(assumers(r, 'pattern-role')).toEqual([]);
    // The open trust is still reported, as dormant, by the rule that judges it.
    const f = r.report.findings.filter((x) => x.ruleId === 'nhi-entra-token-any-app-assumes-aws-role').map((x) => [x.evidence.role, x.severity]);
    expect(f).toEqual([
      [roleId('ops-agent-role'), 'medium'],
      [roleId('pattern-role'), 'low'],
    ]);
  });

  it('a trust whose audience apps are all disabled is no path from the issuer: Entra issues no token for them', () => {
    const ISSUER_NODE = `sts.windows.net/${TENANT}/ (any subject)`;
    const issuerPaths = (r: ReturnType<typeof scan>) =>
      r.report.findings.filter((x) => x.ruleId === 'nhi-path-to-crown-jewel' && x.subject.name === ISSUER_NODE).map((x) => x.evidence.crownJewel);
    const disable = (s: Snapshot, ...appIds: string[]): Snapshot => {
      const file = s.files['entra/servicePrincipals.json'] as Json;
      for (const sp of (file.value ?? file) as Json[]) if (appIds.includes(sp.appId)) sp.accountEnabled = false;
      return s;
    };
    // Near miss: with Ops Agent enabled, the demo's ops-agent-role is reached from the issuer.
    expect(issuerPaths(scan(demoSnapshot())).length).toBeGreaterThan(0);
    const r = scan(disable(demoSnapshot(), OPS_AGENT_APPID));
    expect(issuerPaths(r)).toEqual([]);
    // The trust itself is still reported, as dormant, by the rule that judges it.
    expect(r.report.findings.filter((x) => x.ruleId === 'nhi-entra-token-any-app-assumes-aws-role').map((x) => x.severity)).toEqual(['medium']);
    // One audience disabled and another enabled: the enabled one still gives tokens, so the path stays.
    const both = withRole('both-role', { StringEquals: { [`${ISSUER}:aud`]: [OPS_AGENT_APPID, INFRA_APPID] } }, INFRA_APPID);
    const rb = scan(disable(both, OPS_AGENT_APPID));
    expect(issuerPaths(rb).length).toBeGreaterThan(0);
  });

  it('a sub pattern with many stars is matched in linear time, with the same answers', () => {
    // A backtracking regex would need about 36^10 steps for the first pattern: the scan stalled.
    const miss = scan(withRole('pattern-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID }, StringLike: { [`${ISSUER}:sub`]: `${'*e'.repeat(10)}*X` } }));
    expect(assumers(miss, 'pattern-role')).toEqual([]);
    const hit = scan(withRole('pattern-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID }, StringLike: { [`${ISSUER}:sub`]: '*e*6*4*d*8*0*7*-*2*8*' } }));
    expect(assumers(hit, 'pattern-role')).toEqual([OPS_AGENT]);
  });

  // Both roles name the same issuer and sub value, so the AWS transform gives them one external
  // node, made with the first role's match. StringEquals takes `c808fcb1-*` as a literal (no
  // object id is it); StringLike as a pattern (Legacy Provisioning Sync's object id matches).
  // Each role must be judged by its own operator, whichever of them the node was made for.
  for (const order of [['literal', 'pattern'], ['pattern', 'literal']] as const) {
    it(`two roles trusting the same sub value, one exactly and one as a pattern, are each judged by their own operator (${order.join(' role first, then ')})`, () => {
      const s = demoSnapshot();
      const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
      const ops = details.RoleDetailList.find((r: Json) => r.RoleName === 'ops-agent-role');
      const operators = { literal: 'StringEquals', pattern: 'StringLike' };
      order.forEach((kind, i) => {
        const role = structuredClone(ops);
        Object.assign(role, { RoleName: `${kind}-role`, RoleId: `AROAEXAMPLEEXAMPLE1${i}`, Arn: `arn:aws:iam::${ACCT}:role/${kind}-role` });
        role.AssumeRolePolicyDocument.Statement[0].Condition =
          kind === 'literal'
            ? { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID, [`${ISSUER}:sub`]: 'c808fcb1-*' } }
            : { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID }, [operators[kind]]: { [`${ISSUER}:sub`]: 'c808fcb1-*' } };
        details.RoleDetailList.push(role);
      });
      const r = scan(s);
      // The shared node is what the test is about: one node, two trust edges.
      const trusts = r.graph.in(roleId('literal-role'), 'FEDERATES_TO').concat(r.graph.in(roleId('pattern-role'), 'FEDERATES_TO'));
      expect(new Set(trusts.map((e) => e.from)).size).toBe(1);
      expect(assumers(r, 'pattern-role')).toEqual([LEGACY]);
      expect(r.graph.in(roleId('pattern-role'), 'CAN_ASSUME')[0].reason).toMatch(/sub pattern c808fcb1-\* matches its object id/);
      expect(assumers(r, 'literal-role')).toEqual([]);
      // The rule judges each trust by its own operator too: the pattern is reported, the literal is not.
      const reported = r.report.findings.filter((f) => f.ruleId === 'nhi-entra-token-any-app-assumes-aws-role' && [roleId('literal-role'), roleId('pattern-role')].includes(f.evidence.role as string));
      expect(reported.map((f) => f.evidence.role)).toEqual([roleId('pattern-role')]);
      expect(reported[0].message).toMatch(/sub pattern c808fcb1-\*.*Legacy Provisioning Sync/);
    });
  }

  it('a sub of `*` under StringEquals is a literal no object id is: it links no one, while under StringLike it is no sub condition', () => {
    // Both share the node of no sub condition (issuer|*), which names no subject.
    const literal = scan(withRole('star-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID, [`${ISSUER}:sub`]: '*' } }));
    expect(assumers(literal, 'star-role')).toEqual([]);
    const pattern = scan(withRole('star-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID }, StringLike: { [`${ISSUER}:sub`]: '*' } }));
    expect(assumers(pattern, 'star-role')).toEqual([OPS_AGENT]);
    expect(pattern.graph.in(roleId('star-role'), 'CAN_ASSUME')[0].reason).toMatch(/no sub condition/);
  });
});

describe('OIDC trusts whose provider does not accept the token', () => {
  const ghFinding = (r: ReturnType<typeof scan>) =>
    r.report.findings.find((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.subject.name === 'GitHub repo:northwind/*' && f.evidence.crownJewel === 'admin');

  it('a trust naming an OIDC provider the account does not have is a possibility, not a path', () => {
    const s = demoSnapshot();
    const providers = s.files[`aws/${ACCT}/oidc-providers.json`] as Json[];
    s.files[`aws/${ACCT}/oidc-providers.json`] = providers.filter((p) => p.Url !== 'token.actions.githubusercontent.com');
    const f = ghFinding(scan(s))!;
    expect(f.path![0]).toMatchObject({ type: 'FEDERATES_TO', conditional: true });
    expect(f.path![0].reason).toMatch(/no OIDC provider/);
    expect(f.message).toMatch(/may reach/);
    // Near miss: the demo as is.
    const d = ghFinding(scan(demoSnapshot()))!;
    expect(d.path![0].conditional).toBe(false);
    expect(d.message).not.toMatch(/may reach/);
  });

  it('a pinned aud the provider\'s client id list does not hold is a possibility, not a path', () => {
    const s = demoSnapshot();
    const providers = s.files[`aws/${ACCT}/oidc-providers.json`] as Json[];
    providers.find((p) => p.Url === 'token.actions.githubusercontent.com')!.ClientIDList = ['something-else'];
    const f = ghFinding(scan(s))!;
    expect(f.path![0]).toMatchObject({ conditional: true });
    expect(f.path![0].reason).toMatch(/client id list/);
  });

  it('a path through a trust the OIDC provider turns away says so, not that the scanner could not decide', () => {
    // The hop's own reason says "no such token is accepted today": that is decided, and the
    // finding's summary must not call it an undecided condition.
    const s = demoSnapshot();
    const providers = s.files[`aws/${ACCT}/oidc-providers.json`] as Json[];
    providers.find((p) => p.Url === 'token.actions.githubusercontent.com')!.ClientIDList = ['something-else'];
    const f = ghFinding(scan(s))!;
    expect(f.message).toMatch(/may reach .*; 1 hop\(s\) turned away today by the account's OIDC provider, open if it changes; /);
    expect(f.message).not.toMatch(/could not decide/);
    expect(f.evidence.conditional).toBe(true);
    // Near miss (a doubt that is one, still called so): the token-version test further down.
  });

  it('under StringEqualsIgnoreCase a pinned aud the client id list holds in another case passes: the token carries the listed case', () => {
    // The provider lists sts.amazonaws.com; a token with that aud meets STS.AMAZONAWS.COM ignoring case.
    const s = demoSnapshot();
    const role = (s.files[`aws/${ACCT}/authorization-details.json`] as Json).RoleDetailList.find((r: Json) => r.RoleName === 'github-deploy');
    const cond = role.AssumeRolePolicyDocument.Statement[0].Condition;
    const aud = 'token.actions.githubusercontent.com:aud';
    cond.StringEqualsIgnoreCase = { [aud]: 'STS.AMAZONAWS.COM' };
    delete cond.StringEquals[aud];
    if (Object.keys(cond.StringEquals).length === 0) delete cond.StringEquals;
    const f = ghFinding(scan(s))!;
    expect(f.path![0].conditional).toBe(false);
    expect(f.path![0].reason).not.toMatch(/client id list/);
    // Near miss: StringEquals compares case, and STS's own comparison of the list is not
    // documented: a possibility that rests on it, not a trust no token passes.
    const t = demoSnapshot();
    const c2 = (t.files[`aws/${ACCT}/authorization-details.json`] as Json).RoleDetailList.find((r: Json) => r.RoleName === 'github-deploy').AssumeRolePolicyDocument.Statement[0].Condition;
    c2.StringEquals[aud] = 'STS.AMAZONAWS.COM';
    const g = ghFinding(scan(t))!;
    expect(g.path![0].conditional).toBe(true);
    expect(g.path![0].reason).toMatch(/only if STS compares the token's aud STS\.AMAZONAWS\.COM with the provider's client id list ignoring case/);
    expect(g.path![0].reason).not.toMatch(/no such token is accepted today/);
  });

  it('an Entra app id in upper case under StringEqualsIgnoreCase, listed in lower case, links the app firmly', () => {
    // The provider lists the app id as Entra writes it; before, the upper-case value read as "not in the list".
    const r = scan(withRole('ic-role', { StringEqualsIgnoreCase: { [`${ISSUER}:aud`]: OPS_AGENT_APPID.toUpperCase() } }));
    expect(r.graph.in(roleId('ic-role'), 'CAN_ASSUME').map((e) => [e.from, e.conditional])).toEqual([[OPS_AGENT, false]]);
    const fed = r.graph.in(roleId('ic-role'), 'FEDERATES_TO').find((e) => e.from.includes(TENANT))!;
    expect(fed.conditional).toBeFalsy();
    expect(fed.reason).not.toMatch(/client id list/);
  });
});

it('an Entra app\'s link into a role inherits the doubt of the trust it rides on', () => {
  const s = demoSnapshot();
  const providers = s.files[`aws/${ACCT}/oidc-providers.json`] as Json[];
  s.files[`aws/${ACCT}/oidc-providers.json`] = providers.filter((p) => p.Url !== ISSUER);
  const r = scan(s);
  const link = r.graph.in(roleId('ops-agent-role'), 'CAN_ASSUME').find((e) => e.from === OPS_AGENT)!;
  expect(link.conditional).toBe(true);
  expect(link.reason).toMatch(/no OIDC provider/);
});

describe('Entra tokens into Entra apps (federated identity credential with the tenant as issuer)', () => {
  it('the service principal whose object id the credential pins can sign in as the app', () => {
    const s = demoSnapshot();
    const fics = s.files['entra/federatedIdentityCredentials.json'] as Record<string, Json[]>;
    // Legacy Provisioning Sync (RoleManagement.ReadWrite.Directory) trusts Directory Reader Sync's tokens.
    fics['521b7fa3-4460-40d3-a6b0-1a5287a47071'] = [
      { id: '0f5e0c57-7a3b-4d8e-9d55-2d1f2f6b3a10', name: 'from-reader', issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`, subject: '9ecf916d-06cc-4a4d-a861-b237ebf00e83', audiences: ['api://AzureADTokenExchange'] },
    ];
    const r = scan(s);
    const reader = ids.entraSp(TENANT, '9ecf916d-06cc-4a4d-a861-b237ebf00e83');
    const legacy = ids.entraSp(TENANT, 'c808fcb1-fee2-48fe-8a05-cac58233ce37');
    expect(r.graph.out(reader, 'CAN_ASSUME').map((e) => e.to)).toEqual([legacy]);
    const admin = r.analysis.crownJewelPaths(reader).find((p) => p.crownJewel === 'admin');
    expect(admin?.hops[0]).toMatchObject({ from: reader, to: legacy, type: 'CAN_ASSUME' });
  });

  // Entra matches a federated credential's issuer and subject against the token's iss and sub as
  // written, case included (Graph, federatedIdentityCredential: the issuer "must match the issuer
  // claim"; a trailing slash fails with AADSTS70021, MicrosoftDocs/azure-docs#97699; matching is
  // case-sensitive, Entra breaking changes, "Federated identity credentials now use case-sensitive
  // matching"). A v2 token's iss is login.microsoftonline.com/<tenant>/v2.0, no slash, tenant in lower case.
  const READER_OID = '9ecf916d-06cc-4a4d-a861-b237ebf00e83';
  const ficLinks = (issuer: string, subject = READER_OID, issuerHolder = ids.entraSp(TENANT, READER_OID), edit: (s: Snapshot) => void = () => undefined) => {
    const s = demoSnapshot();
    edit(s);
    const fics = s.files['entra/federatedIdentityCredentials.json'] as Record<string, Json[]>;
    fics['521b7fa3-4460-40d3-a6b0-1a5287a47071'] = [{ id: '0f5e0c57-7a3b-4d8e-9d55-2d1f2f6b3a10', name: 'from-reader', issuer, subject, audiences: ['api://AzureADTokenExchange'] }];
    const r = scan(s);
    const trust = r.graph.in(ids.entraSp(TENANT, 'c808fcb1-fee2-48fe-8a05-cac58233ce37'), 'FEDERATES_TO').find((e) => r.graph.node(e.from)?.attrs.issuer === issuer)!;
    return { links: r.graph.out(issuerHolder, 'CAN_ASSUME').map((e) => e.to), dead: trust.evidence?.dead !== undefined };
  };
  it('a credential whose issuer or subject is not written as the token carries it links no one', () => {
    const legacy = ids.entraSp(TENANT, 'c808fcb1-fee2-48fe-8a05-cac58233ce37');
    // No token carries such an issuer: the trust is dead (no path follows it).
    const dead = { links: [], dead: true };
    expect(ficLinks(`https://login.microsoftonline.com/${TENANT}/v2.0/`)).toEqual(dead);
    expect(ficLinks(`https://login.microsoftonline.com/${TENANT.toUpperCase()}/v2.0`)).toEqual(dead);
    expect(ficLinks(`login.microsoftonline.com/${TENANT}/v2.0`)).toEqual(dead);
    // A subject in upper case is no service principal's sub: no one is linked (the trust is left as it is).
    expect(ficLinks(`https://login.microsoftonline.com/${TENANT}/v2.0`, READER_OID.toUpperCase()).links).toEqual([]);
    // Near miss: as the token carries them.
    expect(ficLinks(`https://login.microsoftonline.com/${TENANT}/v2.0`)).toEqual({ links: [legacy], dead: false });
  });

  it("a credential pairing one token version's host with the other version's path names an issuer no token carries", () => {
    const legacy = ids.entraSp(TENANT, 'c808fcb1-fee2-48fe-8a05-cac58233ce37');
    // v1 tokens carry https://sts.windows.net/<tenant>/, v2 tokens https://login.microsoftonline.com/<tenant>/v2.0.
    expect(ficLinks(`https://login.microsoftonline.com/${TENANT}/`)).toEqual({ links: [], dead: true });
    expect(ficLinks(`https://sts.windows.net/${TENANT}/v2.0`)).toEqual({ links: [], dead: true });
    // Near miss: the v1 issuer as written.
    expect(ficLinks(`https://sts.windows.net/${TENANT}/`)).toEqual({ links: [legacy], dead: false });
  });

  it('an Okta issuer with a trailing slash, or its host in another case, links no Okta service app', () => {
    const legacy = ids.entraSp(TENANT, 'c808fcb1-fee2-48fe-8a05-cac58233ce37');
    const hrSync = ids.oktaApp('https://northwind.okta.example', '0oaKYWOIriafAH29u2He');
    const custom = '/oauth2/aus1a2b3c4d5e6f7g8h9';
    const dead = { links: [], dead: true };
    expect(ficLinks(`https://northwind.okta.example${custom}/`, '0oaKYWOIriafAH29u2He', hrSync)).toEqual(dead);
    expect(ficLinks(`https://Northwind.okta.example${custom}`, '0oaKYWOIriafAH29u2He', hrSync)).toEqual(dead);
    expect(ficLinks(`https://northwind.okta.example:443${custom}`, '0oaKYWOIriafAH29u2He', hrSync)).toEqual(dead);
    // Near miss: the custom authorization server's issuer as its tokens carry it, the server's
    // audience set to the one Entra's federated credentials take (the demo's puts api://aws in its
    // tokens, which this credential does not take: then no token of it passes).
    const forEntra = (s: Snapshot) => {
      for (const srv of s.files['okta/authorizationServers.json'] as Json[]) if (srv.id === 'aus1a2b3c4d5e6f7g8h9') srv.audiences = ['api://AzureADTokenExchange'];
    };
    expect(ficLinks(`https://northwind.okta.example${custom}`, '0oaKYWOIriafAH29u2He', hrSync, forEntra)).toEqual({ links: [legacy], dead: false });
    expect(ficLinks(`https://northwind.okta.example${custom}`, '0oaKYWOIriafAH29u2He', hrSync)).toEqual(dead);
  });
});

/** Sets an app registration's api.requestedAccessTokenVersion (`undefined`: no `api` object read). */
function setTokenVersion(s: Snapshot, appId: string, version: number | null | undefined): void {
  const apps = s.files['entra/applications.json'] as Json;
  const app = ((apps.value ?? apps) as Json[]).find((a) => a.appId === appId)!;
  if (version === undefined) delete app.api;
  else app.api = { ...app.api, requestedAccessTokenVersion: version };
}

/** A copy of ops-agent-role trusting `issuer` (added as an OIDC provider) for Ops Agent's app id. */
function roleTrustingIssuer(issuer: string): Snapshot {
  const s = demoSnapshot();
  const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
  const role = structuredClone(details.RoleDetailList.find((r: Json) => r.RoleName === 'ops-agent-role'));
  role.RoleName = 'cloud-role';
  role.RoleId = 'AROAEXAMPLEEXAMPLE02';
  role.Arn = `arn:aws:iam::${ACCT}:role/cloud-role`;
  const provider = `arn:aws:iam::${ACCT}:oidc-provider/${issuer}`;
  role.AssumeRolePolicyDocument.Statement[0].Principal = { Federated: provider };
  role.AssumeRolePolicyDocument.Statement[0].Condition = { StringEquals: { [`${issuer}:aud`]: OPS_AGENT_APPID } };
  details.RoleDetailList.push(role);
  (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).push({ Arn: provider, Url: issuer, ClientIDList: [OPS_AGENT_APPID], ThumbprintList: [] });
  return s;
}

describe('Entra token versions: a trust names the issuer of one version', () => {
  // The resource app's api.requestedAccessTokenVersion decides the version of its access tokens,
  // whatever endpoint the caller used (Microsoft Graph, apiApplication): null or 1 gives v1 tokens,
  // issued by sts.windows.net/<tenant>/; 2 gives v2 tokens, issued by
  // login.microsoftonline.com/<tenant>/v2.0 (access token claims reference, iss).
  const V2 = `login.microsoftonline.com/${TENANT}/v2.0`;
  const openFinding = (r: ReturnType<typeof scan>) =>
    r.report.findings.filter((f) => f.ruleId === 'nhi-entra-token-any-app-assumes-aws-role' && f.evidence.role === roleId('cloud-role'));

  it('a v2 issuer for an app whose tokens are v1 links nothing, and is not reported as open', () => {
    // Audit case D: the demo's apps leave requestedAccessTokenVersion null (v1 tokens).
    const r = scan(roleTrustingIssuer(V2));
    expect(assumers(r, 'cloud-role')).toEqual([]);
    expect(openFinding(r)).toEqual([]);
    // Near miss: the app asks for v2 tokens.
    const s = roleTrustingIssuer(V2);
    setTokenVersion(s, OPS_AGENT_APPID, 2);
    const v2 = scan(s);
    expect(v2.graph.in(roleId('cloud-role'), 'CAN_ASSUME').map((e) => [e.from, e.conditional])).toEqual([[OPS_AGENT, false]]);
    expect(openFinding(v2)).toHaveLength(1);
  });

  it('a v1 issuer for an app whose tokens are v2 links nothing', () => {
    const s = roleTrustingIssuer(ISSUER);
    setTokenVersion(s, OPS_AGENT_APPID, 2);
    expect(assumers(scan(s), 'cloud-role')).toEqual([]);
  });

  it('when the token version was not read, the link holds only if the version matches', () => {
    const s = roleTrustingIssuer(V2);
    setTokenVersion(s, OPS_AGENT_APPID, undefined);
    const links = scan(s).graph.in(roleId('cloud-role'), 'CAN_ASSUME');
    expect(links.map((e) => [e.from, e.conditional])).toEqual([[OPS_AGENT, true]]);
    expect(links[0].reason).toMatch(/requestedAccessTokenVersion/);
  });

  // An audience no token of the trust's issuer carries (its app's tokens are the other version, or
  // it is an App ID URI, which a v2 token never carries) is as dead as one the aud condition turns
  // away: a trust left with only such audiences is no path from the issuer. A version not read is
  // a doubt of the audience (every token of the issuer for it rests on it), not a bar.
  const trustEdge = (r: ReturnType<typeof scan>) => r.graph.in(roleId('cloud-role'), 'FEDERATES_TO')[0];
  const issuerPaths = (r: ReturnType<typeof scan>, issuer: string) =>
    r.report.findings.filter((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.subject.name === `${issuer} (any subject)`);

  it('a trust whose only audience app asks for the other version is dead: no path from the issuer', () => {
    const r = scan(roleTrustingIssuer(V2));
    const e = trustEdge(r);
    expect(e.evidence?.dead).toMatch(/Ops Agent asks for v1 tokens, which the sts\.windows\.net\/<tenant>\/ issuer signs/);
    expect(e.reason).toMatch(/; but Ops Agent asks for v1 tokens/);
    expect(issuerPaths(r, V2)).toEqual([]);
    // v1 issuer, app asking for v2 tokens: the same.
    const s1 = roleTrustingIssuer(ISSUER);
    setTokenVersion(s1, OPS_AGENT_APPID, 2);
    expect(trustEdge(scan(s1)).evidence?.dead).toMatch(/Ops Agent asks for v2 tokens/);
    // Near miss: the app asks for v2 tokens; the trust is open and the issuer reaches the role's jewels.
    const s = roleTrustingIssuer(V2);
    setTokenVersion(s, OPS_AGENT_APPID, 2);
    const open = scan(s);
    expect(trustEdge(open).evidence?.dead).toBeUndefined();
    expect(trustEdge(open).conditional).toBeFalsy();
    expect(issuerPaths(open, V2).length).toBeGreaterThan(0);
  });

  it('an App ID URI on the v2 issuer is dead whatever the version: a v2 token\'s aud is the app id', () => {
    const s = roleTrustingIssuer(V2);
    const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
    details.RoleDetailList.find((x: Json) => x.RoleName === 'cloud-role').AssumeRolePolicyDocument.Statement[0].Condition = { StringEquals: { [`${V2}:aud`]: 'api://ops-agent' } };
    (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).find((p) => p.Url === V2)!.ClientIDList.push('api://ops-agent');
    const sps = (s.files['entra/servicePrincipals.json'] as Json).value ?? s.files['entra/servicePrincipals.json'];
    (sps as Json[]).find((x) => x.appId === OPS_AGENT_APPID)!.servicePrincipalNames = [OPS_AGENT_APPID, 'api://ops-agent'];
    for (const version of [2, undefined]) {
      setTokenVersion(s, OPS_AGENT_APPID, version);
      const r = scan(s);
      expect([version, trustEdge(r).evidence?.dead]).toEqual([version, expect.stringMatching(/aud api:\/\/ops-agent is an App ID URI of Ops Agent/)]);
      expect(issuerPaths(r, V2)).toEqual([]);
    }
  });

  it('a version not read is a doubt of the trust, not a dead trust: its edge is conditional and its paths "may reach"', () => {
    const s = roleTrustingIssuer(V2);
    setTokenVersion(s, OPS_AGENT_APPID, undefined);
    const r = scan(s);
    const e = trustEdge(r);
    expect(e.evidence?.dead).toBeUndefined();
    expect(e.conditional).toBe(true);
    expect(e.reason).toMatch(/; only if Ops Agent asks for v2 tokens, which the login\.microsoftonline\.com\/<tenant>\/v2\.0 issuer signs \(its api\.requestedAccessTokenVersion was not read\)$/);
    expect(e.evidence?.undecided).toEqual([expect.stringMatching(/requestedAccessTokenVersion was not read/)]);
    const paths = issuerPaths(r, V2);
    expect(paths.length).toBeGreaterThan(0);
    for (const f of paths) expect(f.message).toMatch(/may reach/);
    // A doubt, not a trust turned away: the summary calls it undecided.
    for (const f of paths) expect(f.message).toMatch(/; 1 hop\(s\) depend on a condition the scanner could not decide; /);
    // The link says it once.
    const links = r.graph.in(roleId('cloud-role'), 'CAN_ASSUME');
    expect(links.map((l) => l.reason.split('requestedAccessTokenVersion').length - 1)).toEqual([1]);
  });

  it('an audience of the other version beside one resting on the client id list\'s case leaves the trust conditional on that case', () => {
    // A role on the v1 issuer with no aud condition, its provider listing Ops Agent's app id only
    // in upper case and Infra Deployer's as written; Infra Deployer asks for v2 tokens.
    const s = withRole('mixed-role', {});
    (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).find((p) => p.Url === ISSUER)!.ClientIDList = [OPS_AGENT_APPID.toUpperCase(), INFRA_APPID];
    setTokenVersion(s, INFRA_APPID, 2);
    const edgeOf = (x: Snapshot) => scan(x).graph.in(roleId('mixed-role'), 'FEDERATES_TO').find((f) => f.from.includes(TENANT))!;
    const e = edgeOf(s);
    expect(e.conditional).toBe(true);
    expect(e.reason).toMatch(/; but Infra Deployer asks for v2 tokens.*; only if STS compares the token's aud/);
    expect(e.evidence?.dead).toBeUndefined();
    // Near miss: Infra Deployer asks for v1 tokens, so its audience, listed as written, keeps the trust firm.
    setTokenVersion(s, INFRA_APPID, 1);
    expect(edgeOf(s).conditional).toBeFalsy();
  });

  it('an audience of the other version beside a disabled app: dormant, not dead', () => {
    const s = roleTrustingIssuer(ISSUER);
    const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
    details.RoleDetailList.find((x: Json) => x.RoleName === 'cloud-role').AssumeRolePolicyDocument.Statement[0].Condition = { StringEquals: { [`${ISSUER}:aud`]: [OPS_AGENT_APPID, INFRA_APPID] } };
    (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).find((p) => p.Url === ISSUER)!.ClientIDList.push(INFRA_APPID);
    setTokenVersion(s, INFRA_APPID, 2);
    const file = s.files['entra/servicePrincipals.json'] as Json;
    ((file.value ?? file) as Json[]).find((x) => x.appId === OPS_AGENT_APPID)!.accountEnabled = false;
    const e = trustEdge(scan(s));
    expect(e.evidence?.dead).toBeUndefined();
    expect(e.evidence?.dormant).toMatch(/Entra issues no token for Ops Agent: disabled; Infra Deployer asks for v2 tokens/);
    // A disabled app whose tokens are the other version: re-enabling it opens nothing, so dead.
    const both = roleTrustingIssuer(V2);
    const sps = both.files['entra/servicePrincipals.json'] as Json;
    ((sps.value ?? sps) as Json[]).find((x) => x.appId === OPS_AGENT_APPID)!.accountEnabled = false;
    const d = trustEdge(scan(both));
    expect(d.evidence?.dormant).toBeUndefined();
    expect(d.evidence?.dead).toMatch(/Ops Agent asks for v1 tokens/);
  });
});

describe('Entra issuers of the national clouds', () => {
  // Issuers per cloud (Microsoft Q&A, "token issuers for the sovereign clouds"): v1
  // sts.windows.net (global and US Government) or sts.chinacloudapi.cn; v2 login.microsoftonline.com,
  // login.microsoftonline.us or login.partner.microsoftonline.cn.
  const roleTrusting = (issuer: string): Snapshot => {
    const s = roleTrustingIssuer(issuer);
    // A v2 issuer is met only by the tokens of an app that asks for v2 tokens (see above).
    if (issuer.endsWith('/v2.0')) setTokenVersion(s, OPS_AGENT_APPID, 2);
    return s;
  };

  for (const issuer of [`login.microsoftonline.us/${TENANT}/v2.0`, `sts.chinacloudapi.cn/${TENANT}/`, `login.partner.microsoftonline.cn/${TENANT}/v2.0`]) {
    it(`links a role trusting ${issuer.split('/')[0]} tokens of the scanned tenant`, () => {
      expect(assumers(scan(roleTrusting(issuer)), 'cloud-role')).toEqual([OPS_AGENT]);
    });
  }

  it('does not take a look-alike host for an Entra issuer', () => {
    expect(assumers(scan(roleTrusting(`login.microsoftonline.cn.example/${TENANT}/v2.0`)), 'cloud-role')).toEqual([]);
  });
});

describe('the case of an app id in the aud condition', () => {
  // Entra writes an app id in a token's aud in lower case, whatever case the caller asked for it in
  // (an upper-case client_id came back lower case: AzureAD/microsoft-authentication-library-for-python#304).
  // StringEquals and StringLike compare case; StringEqualsIgnoreCase does not (IAM User Guide,
  // condition operators). So an upper-case app id under StringEquals is a trust no token meets.
  const UPPER = OPS_AGENT_APPID.toUpperCase();
  const federation = (r: ReturnType<typeof scan>, role: string) => r.graph.in(roleId(role), 'FEDERATES_TO').find((e) => e.from.includes(TENANT))!;
  const openFindings = (r: ReturnType<typeof scan>, role: string) =>
    r.report.findings.filter((f) => f.ruleId === 'nhi-entra-token-any-app-assumes-aws-role' && f.evidence.role === roleId(role));
  /** The crown jewels reached from the tenant's issuer (the demo's ops-agent-role is its only way in). */
  const issuerPaths = (r: ReturnType<typeof scan>) =>
    r.report.findings.filter((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.subject.name === `sts.windows.net/${TENANT}/ (any subject)`).map((f) => f.evidence.crownJewel);
  /** The demo with ops-agent-role's own trust under `condition`, its provider also listing `clientId`. */
  const opsTrust = (condition: Json, clientId: string): Snapshot => {
    const s = demoSnapshot();
    const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
    details.RoleDetailList.find((x: Json) => x.RoleName === 'ops-agent-role').AssumeRolePolicyDocument.Statement[0].Condition = condition;
    (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).find((p) => p.Url === ISSUER)!.ClientIDList.push(clientId);
    return s;
  };

  it('an upper-case app id under StringEquals links no one, is no path, and the trust says why', () => {
    // The provider's client id list holds the same value, so the trust is not already blocked there.
    const r = scan(withRole('upper-role', { StringEquals: { [`${ISSUER}:aud`]: UPPER } }, UPPER));
    expect(assumers(r, 'upper-role')).toEqual([]);
    const e = federation(r, 'upper-role');
    expect(e.evidence?.dead).toMatch(/lower case/);
    expect(e.reason).toMatch(new RegExp(`aud ${UPPER}.*lower case.*no token`));
    // Not an open role: no token any app of the tenant gets meets it.
    expect(openFindings(r, 'upper-role')).toEqual([]);
    // Nor a path from the issuer: with ops-agent-role trusting it so, the issuer reaches nothing.
    expect(issuerPaths(scan(opsTrust({ StringEquals: { [`${ISSUER}:aud`]: UPPER } }, UPPER)))).toEqual([]);
    expect(issuerPaths(scan(opsTrust({ StringEqualsIgnoreCase: { [`${ISSUER}:aud`]: UPPER } }, UPPER))).length).toBeGreaterThan(0);
    // StringLike without a wildcard compares case too.
    expect(assumers(scan(withRole('upper-role', { StringLike: { [`${ISSUER}:aud`]: UPPER } }, UPPER)), 'upper-role')).toEqual([]);
    // Near miss: the app id as Entra writes it.
    const lower = scan(withRole('upper-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID } }));
    expect(assumers(lower, 'upper-role')).toEqual([OPS_AGENT]);
    expect(federation(lower, 'upper-role').evidence?.dead).toBeUndefined();
    expect(openFindings(lower, 'upper-role')).toHaveLength(1);
  });

  it('beside an audience that stays open, the barred one is said and the trust is not dead; beside a disabled app it is dormant', () => {
    const both = () => withRole('both-role', { StringEquals: { [`${ISSUER}:aud`]: [UPPER, INFRA_APPID] } }, UPPER);
    const s = both();
    (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).find((p) => p.Url === ISSUER)!.ClientIDList.push(INFRA_APPID);
    const r = scan(s);
    expect(assumers(r, 'both-role')).toEqual([INFRA_DEPLOYER]);
    const e = federation(r, 'both-role');
    expect(e.reason).toMatch(new RegExp(`but aud ${UPPER} is the app id of Ops Agent`));
    expect([e.evidence?.dead, e.evidence?.dormant]).toEqual([undefined, undefined]);
    // Infra Deployer disabled: re-enabling it opens the trust again, so it is dormant, not dead.
    const off = both();
    (off.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).find((p) => p.Url === ISSUER)!.ClientIDList.push(INFRA_APPID);
    const file = off.files['entra/servicePrincipals.json'] as Json;
    ((file.value ?? file) as Json[]).find((x) => x.appId === INFRA_APPID)!.accountEnabled = false;
    const d = federation(scan(off), 'both-role');
    expect(d.evidence?.dead).toBeUndefined();
    expect(d.evidence?.dormant).toMatch(/Infra.*disabled; aud .* lower case/);
  });

  it('an upper-case app id under StringEqualsIgnoreCase links the app, for v1 and v2 tokens', () => {
    const r = scan(withRole('upper-role', { StringEqualsIgnoreCase: { [`${ISSUER}:aud`]: UPPER } }, UPPER));
    expect(r.graph.in(roleId('upper-role'), 'CAN_ASSUME').map((e) => [e.from, e.conditional])).toEqual([[OPS_AGENT, false]]);
    expect(federation(r, 'upper-role').evidence?.dead).toBeUndefined();
    expect(openFindings(r, 'upper-role')).toHaveLength(1);
    // A v2 token's aud is the app id: the same trust on the v2 issuer, for an app asking for v2 tokens.
    const V2 = `login.microsoftonline.com/${TENANT}/v2.0`;
    const s = roleTrustingIssuer(V2);
    const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
    details.RoleDetailList.find((x: Json) => x.RoleName === 'cloud-role').AssumeRolePolicyDocument.Statement[0].Condition = { StringEqualsIgnoreCase: { [`${V2}:aud`]: UPPER } };
    (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).find((p) => p.Url === V2)!.ClientIDList.push(UPPER);
    setTokenVersion(s, OPS_AGENT_APPID, 2);
    expect(assumers(scan(s), 'cloud-role')).toEqual([OPS_AGENT]);
  });

  it('a StringLike pattern is matched, with its case, against the app id as Entra writes it', () => {
    // With a pattern the audiences are the provider's client ids; the token's aud must also match it.
    const upper = scan(withRole('like-role', { StringLike: { [`${ISSUER}:aud`]: 'D8B52952-*' } }));
    expect(assumers(upper, 'like-role')).toEqual([]);
    expect(federation(upper, 'like-role').evidence?.dead).toMatch(/D8B52952-\*/);
    expect(openFindings(upper, 'like-role')).toEqual([]);
    const lower = scan(withRole('like-role', { StringLike: { [`${ISSUER}:aud`]: 'd8b52952-*' } }));
    expect(assumers(lower, 'like-role')).toEqual([OPS_AGENT]);
    expect(openFindings(lower, 'like-role')).toHaveLength(1);
  });

  it('StringEqualsIgnoreCase on the upper-case app id beside a lower-case StringLike pattern links the app firmly: the token meets both operators', () => {
    // IAM ANDs the operators on one key: the token's aud (the lower-case app id) must meet each.
    // StringEqualsIgnoreCase takes it in any case and the pattern matches it as written, so the
    // trust is open; judged across the two operators' values together it read as dead.
    const both = { StringEqualsIgnoreCase: { [`${ISSUER}:aud`]: UPPER }, StringLike: { [`${ISSUER}:aud`]: 'd8b52952-*' } };
    const r = scan(withRole('and-role', both));
    expect(r.graph.in(roleId('and-role'), 'CAN_ASSUME').map((e) => [e.from, e.conditional])).toEqual([[OPS_AGENT, false]]);
    const e = federation(r, 'and-role');
    expect([e.evidence?.dead, e.evidence?.blocked, e.conditional ?? false]).toEqual([undefined, undefined, false]);
    expect(e.reason).not.toMatch(/lower case|only if/);
    const f = openFindings(r, 'and-role');
    expect(f.map((x) => [x.messageId, x.severity])).toEqual([['open', 'critical']]);
    expect(f[0].message).not.toMatch(/may accept/);
    // Near miss: StringEquals compares case, so no token meets both; the trust stays dead.
    const dead = scan(withRole('and-role', { StringEquals: { [`${ISSUER}:aud`]: UPPER }, StringLike: { [`${ISSUER}:aud`]: 'd8b52952-*' } }, UPPER));
    expect(assumers(dead, 'and-role')).toEqual([]);
    expect(federation(dead, 'and-role').evidence?.dead).toMatch(/StringEquals/);
    expect(openFindings(dead, 'and-role')).toEqual([]);
    // Nor does a pattern in the other case beside StringEqualsIgnoreCase.
    const upperLike = scan(withRole('and-role', { StringEqualsIgnoreCase: { [`${ISSUER}:aud`]: UPPER }, StringLike: { [`${ISSUER}:aud`]: 'D8B52952-*' } }));
    expect(assumers(upperLike, 'and-role')).toEqual([]);
    expect(federation(upperLike, 'and-role').evidence?.dead).toMatch(/D8B52952-\*/);
  });

  it('a StringLike pattern an App ID URI meets only in another case is a doubt, not a dead trust: the caller picks the case', () => {
    // Ops Agent with the App ID URI api://OpsAgent, the provider listing it so, the trust's pattern
    // in lower case. Entra matches an App ID URI ignoring case and writes aud as the caller asked,
    // so a token for api://opsagent meets the pattern; STS must then find it in the list, whose
    // comparison of case is not documented.
    const uri = (pattern: string) => {
      const s = withRole('uri-role', { StringLike: { [`${ISSUER}:aud`]: pattern } });
      (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).find((p) => p.Url === ISSUER)!.ClientIDList = ['api://OpsAgent'];
      const file = s.files['entra/servicePrincipals.json'] as Json;
      ((file.value ?? file) as Json[]).find((x) => x.appId === OPS_AGENT_APPID)!.servicePrincipalNames = [OPS_AGENT_APPID, 'api://OpsAgent'];
      return scan(s);
    };
    const r = uri('api://opsagent*');
    expect(r.graph.in(roleId('uri-role'), 'CAN_ASSUME').map((e) => [e.from, e.conditional])).toEqual([[OPS_AGENT, true]]);
    expect(r.graph.in(roleId('uri-role'), 'CAN_ASSUME')[0].reason).toMatch(/client id list/);
    expect(federation(r, 'uri-role').evidence?.dead).toBeUndefined();
    expect(openFindings(r, 'uri-role')).toHaveLength(1);
    // Near miss: a pattern no case of the App ID URI matches admits no one.
    const none = uri('api://other*');
    expect(assumers(none, 'uri-role')).toEqual([]);
    expect(federation(none, 'uri-role').evidence?.dead).toMatch(/api:\/\/other\*/);
    expect(openFindings(none, 'uri-role')).toEqual([]);
  });

  it('a client id that differs from the token\'s aud only in case is a doubt, not a dead trust', () => {
    // No aud condition: the provider's client id list alone decides, and whether STS compares it
    // ignoring case is not documented.
    const s = withRole('list-role', {});
    (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).find((p) => p.Url === ISSUER)!.ClientIDList = [UPPER];
    const r = scan(s);
    const links = r.graph.in(roleId('list-role'), 'CAN_ASSUME');
    expect(links.map((e) => [e.from, e.conditional])).toEqual([[OPS_AGENT, true]]);
    expect(links[0].reason).toMatch(/client id list/);
    expect(federation(r, 'list-role').evidence?.dead).toBeUndefined();
  });

  it('the same doubt makes the issuer\'s own edge into the role conditional, so its paths are possibilities', () => {
    // ops-agent-role with no aud condition, its provider listing the app id only in upper case:
    // every token the tenant issues for Ops Agent carries the lower-case id.
    const doubtful = (list: string[]): Snapshot => {
      const s = opsTrust({}, UPPER);
      (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).find((p) => p.Url === ISSUER)!.ClientIDList = list;
      return s;
    };
    const r = scan(doubtful([UPPER]));
    const e = federation(r, 'ops-agent-role');
    expect(e.conditional).toBe(true);
    expect(e.reason).toMatch(new RegExp(`only if STS compares the token's aud ${OPS_AGENT_APPID} with the provider's client id list ignoring case`));
    expect(e.evidence?.undecided).toEqual([expect.stringMatching(/client id list ignoring case/)]);
    const paths = r.report.findings.filter((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.subject.name === `sts.windows.net/${TENANT}/ (any subject)`);
    expect(paths.length).toBeGreaterThan(0);
    for (const f of paths) expect(f.message).toMatch(/may reach/);
    // The rule judging the trust says the same doubt, as the paths say "may reach".
    const open = openFindings(r, 'ops-agent-role');
    expect(open).toHaveLength(1);
    expect(open[0].message).toMatch(new RegExp(`; the role may accept such a token, only if STS compares the token's aud ${OPS_AGENT_APPID} with the provider's client id list ignoring case`));
    expect(open[0].evidence.undecided).toEqual(e.evidence?.undecided);
    // Near miss: the list also holds the id as Entra writes it, so some token passes as written.
    const firmScan = scan(doubtful([UPPER, OPS_AGENT_APPID]));
    const firm = federation(firmScan, 'ops-agent-role');
    expect(firm.conditional).toBeFalsy();
    expect(firm.reason).not.toMatch(/only if/);
    expect(openFindings(firmScan, 'ops-agent-role')[0].message).not.toMatch(/may accept/);
  });

  it('a doubt the trust edge already says (a pinned aud listed only in another case) is said once on the link', () => {
    const s = withRole('pinned-list-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID } });
    (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).find((p) => p.Url === ISSUER)!.ClientIDList = [UPPER];
    const r = scan(s);
    const e = federation(r, 'pinned-list-role');
    expect(e.conditional).toBe(true);
    expect(e.reason.split('client id list ignoring case').length - 1).toBe(1);
    const links = r.graph.in(roleId('pinned-list-role'), 'CAN_ASSUME');
    expect(links.map((l) => [l.from, l.conditional])).toEqual([[OPS_AGENT, true]]);
    expect(links[0].reason.split('client id list ignoring case').length - 1).toBe(1);
    // And once in the rule's finding.
    const f = openFindings(r, 'pinned-list-role');
    expect(f).toHaveLength(1);
    expect(f[0].message.split('client id list ignoring case').length - 1).toBe(1);
    expect(f[0].message).toMatch(/the role may accept such a token, only if/);
  });
});

describe('an Entra trust the account\'s OIDC provider turns away', () => {
  // STS takes a web identity token only through an OIDC provider of the account whose client id
  // list holds its aud. Without one the transform makes the issuer's edge into the role
  // conditional ("no such token is accepted today"): the rule judging the trust must agree.
  const RULE = 'nhi-entra-token-any-app-assumes-aws-role';
  const ISSUER_NODE = `sts.windows.net/${TENANT}/ (any subject)`;
  const ruleFindings = (r: ReturnType<typeof scan>) => r.report.findings.filter((f) => f.ruleId === RULE);
  const issuerPaths = (r: ReturnType<typeof scan>) => r.report.findings.filter((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.subject.name === ISSUER_NODE);
  const providers = (s: Snapshot) => s.files[`aws/${ACCT}/oidc-providers.json`] as Json[];
  const withoutProvider = (s: Snapshot): Snapshot => {
    s.files[`aws/${ACCT}/oidc-providers.json`] = providers(s).filter((p) => p.Url !== ISSUER);
    return s;
  };
  const unlisted = (s: Snapshot): Snapshot => {
    providers(s).find((p) => p.Url === ISSUER)!.ClientIDList = ['api://something-else'];
    return s;
  };

  it('with no provider for the issuer, ops-agent-role is a latent trust at medium, not an open one, and the issuer reaches nothing firmly', () => {
    const r = scan(withoutProvider(demoSnapshot()));
    const f = ruleFindings(r);
    expect(f.map((x) => [x.evidence.role, x.severity])).toEqual([[roleId('ops-agent-role'), 'medium']]);
    expect(f[0].message).toMatch(new RegExp(`; but the account has no OIDC provider arn:aws:iam::${ACCT}:oidc-provider/sts\\.windows\\.net/${TENANT}/, so no such token is accepted today`));
    expect(f[0].evidence.blocked).toMatch(/no OIDC provider/);
    // The path findings from the issuer: possibilities at most, never a firm path.
    expect(issuerPaths(r).length).toBeGreaterThan(0);
    for (const p of issuerPaths(r)) expect(p.message).toMatch(/may reach/);
    // Near miss: the demo as is is open, critical, with nothing of the kind.
    const d = scan(demoSnapshot());
    const open = ruleFindings(d);
    expect(open.map((x) => x.severity)).toEqual(['critical']);
    expect(open[0].message).not.toMatch(/no such token/);
    expect(open[0].evidence.blocked).toBeUndefined();
    expect(issuerPaths(d).some((p) => !/may reach/.test(p.message))).toBe(true);
  });

  it('with a client id list that holds none of the trust\'s audiences, the same', () => {
    const r = scan(unlisted(demoSnapshot()));
    const f = ruleFindings(r);
    expect(f.map((x) => [x.evidence.role, x.severity])).toEqual([[roleId('ops-agent-role'), 'medium']]);
    expect(f[0].message).toMatch(new RegExp(`; but the provider's client id list \\(api://something-else\\) does not hold ${OPS_AGENT_APPID}, so no such token is accepted today`));
    expect(issuerPaths(r).length).toBeGreaterThan(0);
    for (const p of issuerPaths(r)) expect(p.message).toMatch(/may reach/);
    const fed = r.graph.in(roleId('ops-agent-role'), 'FEDERATES_TO').find((e) => e.from.includes(TENANT))!;
    expect(fed.conditional).toBe(true);
    expect(f[0].evidence.blocked).toBe(fed.evidence?.blocked);
  });

  it("a service principal's path through a trust the provider turns away says so, not that the scanner could not decide", () => {
    const r = scan(withoutProvider(demoSnapshot()));
    const link = r.graph.in(roleId('ops-agent-role'), 'CAN_ASSUME').find((e) => e.evidence?.via !== undefined && String(e.evidence.via).includes(TENANT))!;
    expect(link.conditional).toBe(true);
    expect(link.evidence?.blocked).toMatch(/no OIDC provider/);
    expectTurnedAwayPaths(r);
    // Near miss: with the provider, Ops Agent's link is firm and carries no such mark.
    const d = scan(demoSnapshot());
    const firm = d.graph.in(roleId('ops-agent-role'), 'CAN_ASSUME').find((e) => e.evidence?.via !== undefined && String(e.evidence.via).includes(TENANT))!;
    expect(firm.evidence?.blocked).toBeUndefined();
  });

  it('a trust pinned to several audiences, none listed, says none of them is held', () => {
    const s = unlisted(demoSnapshot());
    const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
    details.RoleDetailList.find((x: Json) => x.RoleName === 'ops-agent-role').AssumeRolePolicyDocument.Statement[0].Condition = { StringEquals: { [`${ISSUER}:aud`]: [OPS_AGENT_APPID, INFRA_APPID] } };
    const f = ruleFindings(scan(s));
    expect(f.map((x) => x.severity)).toEqual(['medium']);
    expect(f[0].message).toMatch(/client id list \(api:\/\/something-else\) holds none of those audiences, so no such token is accepted today/);
  });

  it('names at most five ids of a long client id list, and how many more', () => {
    const s = demoSnapshot();
    providers(s).find((p) => p.Url === ISSUER)!.ClientIDList = Array.from({ length: 40 }, (_, i) => `api://other-${String(i).padStart(2, '0')}`);
    const f = ruleFindings(scan(s));
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/client id list \(api:\/\/other-00, api:\/\/other-01, api:\/\/other-02, api:\/\/other-03, api:\/\/other-04 and 35 more\) does not hold /);
    expect(f[0].message).not.toContain('other-05');
  });

  it('a sub pattern trust the provider turns away is low, as a dormant one', () => {
    const pattern = { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID }, StringLike: { [`${ISSUER}:sub`]: 'ef64d807-*' } };
    const sev = (s: Snapshot) => ruleFindings(scan(s)).filter((x) => x.evidence.role === roleId('pattern-role')).map((x) => x.severity);
    expect(sev(withoutProvider(withRole('pattern-role', pattern)))).toEqual(['low']);
    expect(sev(unlisted(withRole('pattern-role', pattern)))).toEqual(['low']);
    // Near miss: the provider lists the app id.
    expect(sev(withRole('pattern-role', pattern))).toEqual(['high']);
  });

  it('a trust with no aud condition and no provider is latent too, not an open role whose audience app is unknown', () => {
    const r = scan(withoutProvider(withRole('noaud-role', {})));
    const f = ruleFindings(r).filter((x) => x.evidence.role === roleId('noaud-role'));
    expect(f.map((x) => x.severity)).toEqual(['medium']);
    expect(f[0].message).toMatch(/no OIDC provider/);
  });

  it('a doubt of the trust edge itself (a Deny under a condition) is said in the finding, as the paths say "may reach"', () => {
    const s = demoSnapshot();
    const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
    const doc = details.RoleDetailList.find((x: Json) => x.RoleName === 'ops-agent-role').AssumeRolePolicyDocument;
    const allow = doc.Statement[0];
    doc.Statement.push({ Effect: 'Deny', Principal: allow.Principal, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } });
    const r = scan(s);
    const fed = r.graph.in(roleId('ops-agent-role'), 'FEDERATES_TO').find((e) => e.from.includes(TENANT))!;
    expect(fed.conditional).toBe(true);
    expect(fed.evidence?.undecided).toEqual(['Deny statement 1 of the trust policy']);
    expect(issuerPaths(r).length).toBeGreaterThan(0);
    for (const p of issuerPaths(r)) expect(p.message).toMatch(/may reach/);
    const f = ruleFindings(r);
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/; whether the trust admits it rests on what the scan could not decide: Deny statement 1 of the trust policy$/);
    expect(f[0].evidence.undecided).toEqual(fed.evidence?.undecided);
    // Still an open trust: a Deny that may not apply closes nothing for sure.
    expect(f[0].severity).toBe('critical');
  });

  it('a trust doubt beside an audience doubt: both are said, each once', () => {
    // No aud condition, the provider listing the app id only in upper case, and a Deny under a condition.
    const s = demoSnapshot();
    const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
    const doc = details.RoleDetailList.find((x: Json) => x.RoleName === 'ops-agent-role').AssumeRolePolicyDocument;
    const allow = doc.Statement[0];
    allow.Condition = {};
    doc.Statement.push({ Effect: 'Deny', Principal: allow.Principal, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } });
    providers(s).find((p) => p.Url === ISSUER)!.ClientIDList = [OPS_AGENT_APPID.toUpperCase()];
    const r = scan(s);
    const fed = r.graph.in(roleId('ops-agent-role'), 'FEDERATES_TO').find((e) => e.from.includes(TENANT))!;
    const f = ruleFindings(r);
    expect(f).toHaveLength(1);
    expect(f[0].evidence.undecided).toEqual([...(fed.evidence?.undecided as string[])].sort());
    expect(f[0].evidence.undecided).toHaveLength(2);
    expect(f[0].message.split('client id list ignoring case').length - 1).toBe(1);
    expect(f[0].message.split('Deny statement 1').length - 1).toBe(1);
  });
});

describe('an audience the OIDC provider\'s client id list does not hold, beside one it does', () => {
  // STS takes a web identity token only when its aud is among the provider's client ids, whatever
  // the trust policy's aud condition says: a pinned audience the list does not hold (in any case)
  // is refused today, and adding the client id reopens it without touching the trust policy.
  const RULE = 'nhi-entra-token-any-app-assumes-aws-role';
  const ISSUER_NODE = `sts.windows.net/${TENANT}/ (any subject)`;
  const ruleFindings = (r: ReturnType<typeof scan>) => r.report.findings.filter((f) => f.ruleId === RULE);
  const issuerPaths = (r: ReturnType<typeof scan>) => r.report.findings.filter((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.subject.name === ISSUER_NODE);
  const federation = (r: ReturnType<typeof scan>) => r.graph.in(roleId('ops-agent-role'), 'FEDERATES_TO').find((e) => e.from.includes(TENANT))!;
  /** ops-agent-role pinned to Ops Agent's and the Ticketing API's app ids, the provider listing `list`. */
  const twoAudiences = (list: string[], ticketingDisabled = false): Snapshot => {
    const s = demoSnapshot();
    const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
    details.RoleDetailList.find((x: Json) => x.RoleName === 'ops-agent-role').AssumeRolePolicyDocument.Statement[0].Condition = {
      StringEquals: { [`${ISSUER}:aud`]: [OPS_AGENT_APPID, TICKETS_APPID] },
    };
    (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).find((p) => p.Url === ISSUER)!.ClientIDList = list;
    if (ticketingDisabled) {
      const file = s.files['entra/servicePrincipals.json'] as Json;
      ((file.value ?? file) as Json[]).find((x) => x.appId === TICKETS_APPID)!.accountEnabled = false;
    }
    return s;
  };
  const REFUSED = new RegExp(`the provider's client id list \\(${TICKETS_APPID}\\) does not hold aud ${OPS_AGENT_APPID}, so no token for it is accepted today`);

  it('the refused audience opens nothing today; the finding is judged by the listed one (which requires assignment) and is latent', () => {
    const r = scan(twoAudiences([TICKETS_APPID]));
    // Ops Agent still assumes the role, but only through the Ticketing API, to which it holds an app-role assignment.
    const links = r.graph.in(roleId('ops-agent-role'), 'CAN_ASSUME');
    expect(links.map((l) => [l.from, l.conditional])).toEqual([[OPS_AGENT, false]]);
    expect(links[0].reason).toMatch(new RegExp(`aud ${TICKETS_APPID} is Northwind Ticketing API, which requires an app-role assignment, and it holds one`));
    expect(links[0].reason).not.toMatch(new RegExp(`aud ${OPS_AGENT_APPID} is Ops Agent`));
    // The trust edge says the refusal; the listed audience keeps it as a Ticketing-only trust is.
    const fed = federation(r);
    expect(fed.reason).toMatch(REFUSED);
    expect(fed.evidence?.dead).toBeUndefined();
    expect(fed.evidence?.dormant).toBeUndefined();
    // Open to any service principal only once Ops Agent's app id is listed: medium, saying why.
    const f = ruleFindings(r);
    expect(f.map((x) => [x.evidence.role, x.severity])).toEqual([[roleId('ops-agent-role'), 'medium']]);
    expect(f[0].message).toMatch(/Ops Agent does not require app-role assignment/);
    expect(f[0].message).toMatch(new RegExp(`; but ${REFUSED.source}`));
    expect(f[0].evidence.blocked).toMatch(REFUSED);
  });

  it('a refused audience gives its callers a latent link, as a trust the provider turns away whole does: conditional, with why in evidence.blocked', () => {
    // STS turns the token away, as when the list holds none of the trust's audiences (the
    // transform's evidence.blocked): Entra still issues it, and adding the client id opens the
    // role, the trust policy untouched. Both are latent hops, not doubts and not missing ones.
    const r = scan(twoAudiences([TICKETS_APPID], true));
    const links = r.graph.in(roleId('ops-agent-role'), 'CAN_ASSUME');
    expect(links.map((l) => [l.from, l.conditional, l.evidence?.blocked])).toEqual([[OPS_AGENT, true, expect.stringMatching(REFUSED)]]);
    expect(links[0].reason).toMatch(new RegExp(`aud ${OPS_AGENT_APPID} is Ops Agent.*; but ${REFUSED.source}`));
    expectTurnedAwayPaths(r);
    // Beside a listed audience that opens the role to the same caller, the firm link is the one kept.
    const firm = scan(twoAudiences([TICKETS_APPID])).graph.in(roleId('ops-agent-role'), 'CAN_ASSUME');
    expect(firm.map((l) => [l.from, l.conditional, l.evidence?.blocked])).toEqual([[OPS_AGENT, false, undefined]]);
  });

  it('an audience app that is both disabled and not in the client id list is said to be both, in the finding and on a dormant trust', () => {
    const disable = (s: Snapshot, appId: string): Snapshot => {
      const file = s.files['entra/servicePrincipals.json'] as Json;
      ((file.value ?? file) as Json[]).find((x) => x.appId === appId)!.accountEnabled = false;
      return s;
    };
    // Ops Agent disabled and unlisted; the Ticketing API listed but requiring assignment: only
    // Ops Agent opens the role, and re-enabling it is not enough, its app id must be listed too.
    const f = ruleFindings(scan(disable(twoAudiences([TICKETS_APPID]), OPS_AGENT_APPID)));
    expect(f.map((x) => [x.severity, x.evidence.audienceAppsDisabled])).toEqual([['medium', true]]);
    expect(f[0].message).toMatch(/Ops Agent is disabled, and Entra issues no token for a disabled app/);
    expect(f[0].message).toMatch(new RegExp(`; but ${REFUSED.source}`));
    expect(f[0].evidence.blocked).toMatch(REFUSED);
    // Both apps disabled: the trust is dormant, and its mark names the missing client id too.
    const fed = federation(scan(twoAudiences([TICKETS_APPID], true)));
    expect(fed.evidence?.dormant).toBeUndefined();
    const dormant = federation(scan(disable(twoAudiences([TICKETS_APPID], true), OPS_AGENT_APPID)));
    expect(dormant.evidence?.dormant).toMatch(/Entra issues no token for Northwind Ticketing API, Ops Agent: disabled/);
    expect(dormant.evidence?.dormant).toMatch(REFUSED);
    // Near miss: disabled but listed: disabled is all there is to say.
    const listed = ruleFindings(scan(disable(twoAudiences([TICKETS_APPID, OPS_AGENT_APPID]), OPS_AGENT_APPID)));
    expect(listed.map((x) => x.severity)).toEqual(['medium']);
    expect(listed[0].message).not.toMatch(/does not hold aud/);
    expect(listed[0].evidence.blocked).toBeUndefined();
  });

  it('near miss: the list holds both audiences, and the trust is open as before', () => {
    const r = scan(twoAudiences([TICKETS_APPID, OPS_AGENT_APPID]));
    const links = r.graph.in(roleId('ops-agent-role'), 'CAN_ASSUME');
    expect(links.map((l) => [l.from, l.conditional])).toEqual([[OPS_AGENT, false]]);
    expect(links[0].reason).toMatch(new RegExp(`aud ${OPS_AGENT_APPID} is Ops Agent`));
    const fed = federation(r);
    expect(fed.conditional).toBeFalsy();
    expect(fed.reason).not.toMatch(/does not hold aud/);
    const f = ruleFindings(r);
    expect(f.map((x) => x.severity)).toEqual(['critical']);
    expect(f[0].message).not.toMatch(/no token for it is accepted today/);
    expect(f[0].evidence.blocked).toBeUndefined();
    expect(issuerPaths(r).some((p) => !/may reach/.test(p.message))).toBe(true);
  });

  it('a sub pattern trust whose opening audience is refused is low; one the list holds only in another case is a doubt, not a refusal', () => {
    const pattern = (list: string[]): Snapshot => {
      const s = twoAudiences(list);
      const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
      details.RoleDetailList.find((x: Json) => x.RoleName === 'ops-agent-role').AssumeRolePolicyDocument.Statement[0].Condition.StringLike = { [`${ISSUER}:sub`]: 'ef64d807-*' };
      return s;
    };
    const low = ruleFindings(scan(pattern([TICKETS_APPID])));
    expect(low.map((x) => x.severity)).toEqual(['low']);
    expect(low[0].message).toMatch(REFUSED);
    expect(ruleFindings(scan(pattern([TICKETS_APPID, OPS_AGENT_APPID]))).map((x) => x.severity)).toEqual(['high']);
    // Listed in upper case only: STS may take it (its comparison is not documented), so the trust
    // is open with that doubt, as a lone audience listed so is.
    const r = scan(twoAudiences([TICKETS_APPID, OPS_AGENT_APPID.toUpperCase()]));
    const f = ruleFindings(r);
    expect(f.map((x) => x.severity)).toEqual(['critical']);
    expect(f[0].message).toMatch(/the role may accept such a token, only if STS compares the token's aud/);
    expect(f[0].message).not.toMatch(/does not hold aud/);
    expect(federation(r).reason).not.toMatch(/does not hold aud/);
  });

  it('when every audience a token can meet today is refused so (the listed one\'s app disabled), the trust edge is latent as a blocked one', () => {
    const r = scan(twoAudiences([TICKETS_APPID], true));
    expect(r.graph.in(roleId('ops-agent-role'), 'CAN_ASSUME').map((l) => [l.from, l.conditional])).toEqual([[OPS_AGENT, true]]);
    const fed = federation(r);
    expect(fed.conditional).toBe(true);
    expect(fed.evidence?.blocked).toMatch(REFUSED);
    expect(fed.evidence?.dormant).toBeUndefined();
    expect(issuerPaths(r).length).toBeGreaterThan(0);
    for (const p of issuerPaths(r)) expect(p.message).toMatch(/may reach/);
    const f = ruleFindings(r);
    expect(f.map((x) => x.severity)).toEqual(['medium']);
    expect(f[0].message.split('does not hold aud').length - 1).toBe(1);
    expect(f[0].evidence.blocked).toBe(fed.evidence?.blocked);
    // Near miss: the Ticketing API disabled, Ops Agent listed: open, critical.
    expect(ruleFindings(scan(twoAudiences([TICKETS_APPID, OPS_AGENT_APPID], true))).map((x) => x.severity)).toEqual(['critical']);
  });
});

describe('the tier reason of an issuer reaching its tier only through a latent trust', () => {
  // The tier counts a trust no token passes today (dormant: its audience apps disabled; dead: its
  // aud condition met by no token), as it counts a disabled object; paths skip it. The reason
  // must not say "reaches" for it, or explain and the JSON read as if the issuer got in today.
  const issuer = (r: ReturnType<typeof scan>) => r.graph.ofKind('external').find((n) => n.name === `sts.windows.net/${TENANT}/ (any subject)`)!;
  const withOps = (s: Snapshot, edit: (ops: Json) => void): Snapshot => {
    const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
    edit(details.RoleDetailList.find((x: Json) => x.RoleName === 'ops-agent-role'));
    return s;
  };

  it('a dormant trust (its audience app disabled): "may reach ... only through a latent trust", naming the role and why', () => {
    const s = demoSnapshot();
    const file = s.files['entra/servicePrincipals.json'] as Json;
    for (const sp of (file.value ?? file) as Json[]) if (sp.appId === OPS_AGENT_APPID) sp.accountEnabled = false;
    const r = scan(s);
    const node = issuer(r);
    // Still counted: tiers are latent capability.
    expect(r.analysis.tier(node)).toBe(3);
    expect(r.analysis.tierReasons(node)).toEqual([
      'may reach AWS account 111122223333 secrets (Secrets Manager, KMS, SSM) (T3) only through a latent trust: ops-agent-role trusts it, but no token passes today (Entra issues no token for Ops Agent: disabled)',
    ]);
    // Near miss: Ops Agent enabled, the trust holds today.
    expect(scan(demoSnapshot()).analysis.tierReasons(issuer(scan(demoSnapshot())))).toEqual(['reaches AWS account 111122223333 secrets (Secrets Manager, KMS, SSM) (T3)']);
  });

  it('a dead trust (an upper-case app id under StringEquals) says so too, and a firm route beside it is named instead', () => {
    const upper = OPS_AGENT_APPID.toUpperCase();
    // The provider's client id list holds the same value, so STS does not turn the token away first.
    const dead = () => {
      const s = withOps(demoSnapshot(), (ops) => {
        ops.AssumeRolePolicyDocument.Statement[0].Condition = { StringEquals: { [`${ISSUER}:aud`]: upper } };
      });
      (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).find((p) => p.Url === ISSUER)!.ClientIDList.push(upper);
      return s;
    };
    const r = scan(dead());
    expect(r.analysis.tier(issuer(r))).toBe(3);
    expect(r.analysis.tierReasons(issuer(r))).toEqual([
      expect.stringMatching(/^may reach AWS account 111122223333 secrets \(Secrets Manager, KMS, SSM\) \(T3\) only through a latent trust: ops-agent-role trusts it, but no token passes today \(.*lower case.*\)$/),
    ]);
    // A second role with the same rights whose trust holds: the tier rests on a firm route as well.
    const s = dead();
    const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
    const role = structuredClone(details.RoleDetailList.find((x: Json) => x.RoleName === 'ops-agent-role'));
    Object.assign(role, { RoleName: 'open-role', RoleId: 'AROAEXAMPLEEXAMPLE03', Arn: `arn:aws:iam::${ACCT}:role/open-role` });
    role.AssumeRolePolicyDocument.Statement[0].Condition = { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID } };
    details.RoleDetailList.push(role);
    const both = scan(s);
    expect(both.analysis.tierReasons(issuer(both))).toEqual(['reaches AWS account 111122223333 secrets (Secrets Manager, KMS, SSM) (T3)']);
  });
});

describe('an audience that names an app registration with no service principal in the tenant', () => {
  // Entra issues a token only for a resource that has a service principal in the tenant; for an app
  // registration without one the request fails (AADSTS500011). The SP list was read, so none exists.
  const NO_SP_APPID = '11111111-2222-3333-4444-555555555555';
  const withNoSpApp = (): Snapshot => {
    const s = withRole('nosp-role', { StringEquals: { [`${ISSUER}:aud`]: NO_SP_APPID, [`${ISSUER}:sub`]: LEGACY_OID } }, NO_SP_APPID);
    const file = s.files['entra/applications.json'] as Json;
    const apps = (file.value ?? file) as Json[];
    apps.push({ ...structuredClone(apps[0]), id: 'aaaaaaaa-2222-3333-4444-555555555555', appId: NO_SP_APPID, displayName: 'No SP App', passwordCredentials: [], keyCredentials: [] });
    return s;
  };

  it('links no caller and leaves no path through the role: no token carries that aud', () => {
    const r = scan(withNoSpApp());
    expect(assumers(r, 'nosp-role')).toEqual([]);
    const trust = r.graph.in(roleId('nosp-role'), 'FEDERATES_TO')[0];
    expect(trust.evidence?.dead).toMatch(/No SP App, an app registration with no service principal in the tenant, so Entra issues no token for it/);
    expect(r.report.findings.filter((f) => f.path?.some((h) => h.to === roleId('nosp-role')))).toEqual([]);
  });
});

describe('a trust pinned to one object id that no enabled service principal of the tenant can present', () => {
  // An app-only token's sub is the calling service principal's object id, in lower case. A pinned
  // sub stands for that one service principal: the issuer's own edge is its entry point.
  const pinned = (sub: string, disable?: string): ReturnType<typeof scan> => {
    const s = withRole('pin-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID, [`${ISSUER}:sub`]: sub } });
    if (disable !== undefined) {
      const file = s.files['entra/servicePrincipals.json'] as Json;
      ((file.value ?? file) as Json[]).find((x) => x.id === disable)!.accountEnabled = false;
    }
    return scan(s);
  };
  const issuerPaths = (r: ReturnType<typeof scan>) =>
    r.report.findings.filter((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.subject.id.startsWith(`external:oidc:ext:https://${ISSUER}|`) && f.path?.some((h) => h.to === roleId('pin-role')));
  const trust = (r: ReturnType<typeof scan>) => r.graph.in(roleId('pin-role'), 'FEDERATES_TO')[0];

  it('no service principal has that object id: the trust is dead, and no path starts at the issuer', () => {
    const r = pinned('00000000-1111-2222-3333-444444444444');
    expect(trust(r).evidence?.dead).toMatch(/is the object id of no service principal of the tenant/);
    expect(issuerPaths(r)).toEqual([]);
  });

  it('the object id in upper case under StringEquals: dead, as Entra writes it in lower case', () => {
    const r = pinned(LEGACY_OID.toUpperCase());
    expect(assumers(r, 'pin-role')).toEqual([]);
    expect(trust(r).evidence?.dead).toMatch(/does not take the object id of Legacy Provisioning Sync/);
    expect(issuerPaths(r)).toEqual([]);
  });

  it('the service principal it names is disabled: dormant, no path until it is re-enabled', () => {
    const r = pinned(LEGACY_OID, LEGACY_OID);
    expect(trust(r).evidence?.dormant).toMatch(/Entra issues no token to Legacy Provisioning Sync.*disabled/);
    expect(issuerPaths(r)).toEqual([]);
    // Near miss: enabled, it presents the sub, and the issuer's path stands.
    const live = pinned(LEGACY_OID);
    expect(trust(live).evidence?.dead ?? trust(live).evidence?.dormant).toBeUndefined();
    expect(issuerPaths(live).length).toBeGreaterThan(0);
  });
});

describe('an audience app that requires assignment, held by no service principal', () => {
  // With appRoleAssignmentRequired, Entra issues a token for the app only to a service principal
  // holding an app-role assignment to it; each holder gets its own link. The trust's own edge stands
  // for the service principals not linked: with no holder, no one gets such a token today.
  const TICKETS_SP = 'd91955c9-d1db-4218-9f99-ac73cc9599fc';
  const ticketsTrust = (assigned: boolean): ReturnType<typeof scan> => {
    const s = withRole('tickets-role', { StringEquals: { [`${ISSUER}:aud`]: TICKETS_APPID } }, TICKETS_APPID);
    if (!assigned) {
      const file = s.files['entra/appRoleAssignments.json'] as Json;
      const keep = ((file.value ?? file) as Json[]).filter((a) => a.resourceId !== TICKETS_SP);
      if (Array.isArray(file)) s.files['entra/appRoleAssignments.json'] = keep;
      else file.value = keep;
    }
    return scan(s);
  };
  const issuerPaths = (r: ReturnType<typeof scan>) =>
    r.report.findings.filter((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.subject.id.startsWith(`external:oidc:ext:https://${ISSUER}|`) && f.path?.some((h) => h.to === roleId('tickets-role')));

  it('the trust is dormant and no path starts at the issuer', () => {
    const r = ticketsTrust(false);
    expect(assumers(r, 'tickets-role')).toEqual([]);
    const trust = r.graph.in(roleId('tickets-role'), 'FEDERATES_TO')[0];
    expect(trust.evidence?.dormant).toBe('Northwind Ticketing API requires an app-role assignment, and no service principal holds one, so Entra issues such a token to no one today');
    expect(issuerPaths(r)).toEqual([]);
    // Near miss: Ops Agent holds one and is linked on its own; the trust is open to it.
    const held = ticketsTrust(true);
    expect(assumers(held, 'tickets-role')).toEqual([OPS_AGENT]);
  });

  it('a user assigned to the app (no service principal) keeps the trust open: a delegated token for it carries that aud', () => {
    const s = withRole('tickets-role', { StringEquals: { [`${ISSUER}:aud`]: TICKETS_APPID } }, TICKETS_APPID);
    const file = s.files['entra/appRoleAssignments.json'] as Json;
    const list = (file.value ?? file) as Json[];
    const ops = list.find((a) => a.resourceId === TICKETS_SP)!;
    // Ops Agent's assignment handed to a person instead.
    Object.assign(ops, { principalId: '5125ad0d-dc18-40a5-8165-4fc7f25883d6', principalType: 'User', principalDisplayName: 'Alice Chen' });
    const r = scan(s);
    expect(assumers(r, 'tickets-role')).toEqual([]);
    const trust = r.graph.in(roleId('tickets-role'), 'FEDERATES_TO')[0];
    // Not dormant: the issuer's edge, which stands for Alice's delegated token, stays open.
    expect(trust.evidence?.dormant).toBeUndefined();
    expect(trust.evidence?.dead).toBeUndefined();
    // Near miss: a sub pinned to an object id admits no user's token (a pairwise sub): dormant.
    const pinned = withRole('tickets-role', { StringEquals: { [`${ISSUER}:aud`]: TICKETS_APPID, [`${ISSUER}:sub`]: LEGACY_OID } }, TICKETS_APPID);
    const pf = pinned.files['entra/appRoleAssignments.json'] as Json;
    Object.assign(((pf.value ?? pf) as Json[]).find((a) => a.resourceId === TICKETS_SP)!, { principalId: '5125ad0d-dc18-40a5-8165-4fc7f25883d6', principalType: 'User', principalDisplayName: 'Alice Chen' });
    const pr = scan(pinned);
    expect(pr.graph.in(roleId('tickets-role'), 'FEDERATES_TO')[0].evidence?.dormant).toMatch(/no service principal the sub admits holds one/);
  });

  it('with a holder, the issuer stands for no other service principal: its own edge is dormant, the holder keeps its path', () => {
    const held = ticketsTrust(true);
    const edges = held.graph.in(roleId('tickets-role'), 'FEDERATES_TO');
    const issuerEdge = edges.find((e) => e.from.startsWith(`external:oidc:ext:https://${ISSUER}|`))!;
    expect(issuerEdge.evidence?.dormant).toBe('Northwind Ticketing API requires an app-role assignment, and only Ops Agent, linked on its own, holds one, so Entra issues such a token to no other service principal today');
    // No path names "any service principal of the tenant"; Ops Agent's own link is not latent.
    expect(issuerPaths(held)).toEqual([]);
    const own = held.graph.in(roleId('tickets-role'), 'CAN_ASSUME').filter((e) => e.from === OPS_AGENT);
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((e) => e.evidence?.dormant === undefined && e.evidence?.dead === undefined)).toBe(true);
  });
});

describe('a sub pattern every object id matches', () => {
  /** The demo with `count` more service principals, copies of Legacy Provisioning Sync with object ids of their own. */
  function withSps(s: Snapshot, count: number, objectId: (i: number) => string = (i) => `0000${String(i).padStart(4, '0')}-1111-4222-8333-444455556666`): Snapshot {
    const file = s.files['entra/servicePrincipals.json'] as Json;
    const sps = (file.value ?? file) as Json[];
    const legacy = sps.find((x) => x.id === LEGACY_OID)!;
    for (let i = 0; i < count; i++) sps.push({ ...structuredClone(legacy), id: objectId(i), appId: `9999${String(i).padStart(4, '0')}-1111-4222-8333-444455556666`, displayName: `extra-${i}` });
    return s;
  }
  /** The demo with one more role per pattern, each trusting the tenant's tokens for Ops Agent's audience under that sub pattern. */
  function withPatternRoles(patterns: readonly string[]): Snapshot {
    const s = withRole('open-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID } });
    const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
    const open = details.RoleDetailList.find((r: Json) => r.RoleName === 'open-role');
    patterns.forEach((sub, i) => {
      const role = structuredClone(open);
      role.RoleName = `pattern-role-${i}`;
      role.RoleId = `AROAEXAMPLEPATTERN${String(i).padStart(2, '0')}`;
      role.Arn = `arn:aws:iam::${ACCT}:role/pattern-role-${i}`;
      role.AssumeRolePolicyDocument.Statement[0].Condition = { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID }, StringLike: { [`${ISSUER}:sub`]: sub } };
      details.RoleDetailList.push(role);
    });
    return s;
  }
  const EVERY = ['*-*', '????????-*', '*-*-*-*-*', '*-????-*', '??*', '*-????????????'];

  it('is linked as no sub condition: one link per trust (the audience app), not one per service principal', () => {
    // K trusts and M service principals made K x M links (each matching SP its own edge to each
    // role): with thousands of each, millions of edges. Every object id matches, so the trust's
    // own edge from the issuer stands for them, as for a trust with no sub condition.
    const r = scan(withSps(withPatternRoles(EVERY), 40));
    const links = EVERY.map((_, i) => r.graph.in(roleId(`pattern-role-${i}`), 'CAN_ASSUME'));
    expect(links.map((l) => l.map((e) => e.from))).toEqual(EVERY.map(() => [OPS_AGENT]));
    // The same links as the trust with no sub condition, with the pattern said.
    expect(assumers(r, 'open-role')).toEqual([OPS_AGENT]);
    EVERY.forEach((sub, i) => {
      expect(links[i][0].reason).toContain(`sub pattern ${sub} admits every object id Entra issues; aud ${OPS_AGENT_APPID} is Ops Agent`);
      expect(links[i][0].reason).toMatch(/so it, like any service principal of the tenant, can get one/);
      const trust = r.graph.in(roleId(`pattern-role-${i}`), 'FEDERATES_TO');
      expect(trust.map((e) => e.evidence?.everyObjectId)).toEqual([true]);
      expect(trust[0].reason).toContain(`sub pattern ${sub} admits every object id Entra issues (a version-4 GUID), so every service principal of the tenant meets it`);
    });
  });

  it('is reported with its pattern, at the severity of no sub condition, without a list of every service principal', () => {
    const r = scan(withSps(withPatternRoles(['*-*']), 5));
    const findings = r.report.findings.filter((f) => f.ruleId === 'nhi-entra-token-any-app-assumes-aws-role');
    const open = findings.find((f) => f.evidence.role === roleId('open-role'))!;
    const pattern = findings.find((f) => f.evidence.role === roleId('pattern-role-0'))!;
    expect(pattern.severity).toBe(open.severity);
    expect(pattern.evidence).toMatchObject({ subjectPattern: '*-*', everyObjectId: true });
    expect(pattern.message).toMatch(/with sub pattern \*-\*, not one object id; Ops Agent does not require app-role assignment, and sub pattern \*-\* admits every object id Entra issues \(version-4 GUIDs\), so any service principal of the tenant can get such a token/);
    expect(pattern.message).not.toMatch(/today:|extra-/);
    // A path from the issuer through the trust names every service principal of the tenant.
    const paths = r.report.findings.filter((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.path?.some((h) => h.to === roleId('pattern-role-0')));
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(p.message).toMatch(/any service principal of the scanned Entra tenant .*\(subject pattern admitting every object id Entra issues\)/);
  });

  it('a pattern only some object ids match still links exactly those, each with its own edge', () => {
    // Near misses of the patterns above: five dashes (an object id has four), a digit's place
    // pinned, a letter in upper case (Entra writes object ids in lower case; StringLike compares case).
    const partial = ['*-*-*-*-*-*', '0000000?-*', '*-*A', '*-4222-*', '????????-1111-*', '*6666'];
    const r = scan(withSps(withPatternRoles(partial), 12));
    const extra = (i: number) => ids.entraSp(TENANT, `0000${String(i).padStart(4, '0')}-1111-4222-8333-444455556666`);
    const linked = partial.map((_, i) => assumers(r, `pattern-role-${i}`));
    const all = Array.from({ length: 12 }, (_, i) => extra(i)).sort();
    expect(linked).toEqual([[], Array.from({ length: 10 }, (_, i) => extra(i)).sort(), [], all, all, all]);
    for (let i = 0; i < partial.length; i++) {
      expect(r.graph.in(roleId(`pattern-role-${i}`), 'FEDERATES_TO')[0].evidence?.everyObjectId).toBeUndefined();
      for (const e of r.graph.in(roleId(`pattern-role-${i}`), 'CAN_ASSUME')) expect(e.reason).toContain(`sub pattern ${partial[i]} matches its object id`);
    }
  });

  it('a service principal whose object id is not written as a lower-case GUID is held to the pattern itself', () => {
    // Only a hand-made snapshot holds one: `*-*` does not match `ODD0SP`, so the pattern does not
    // admit every service principal there, and each one it matches is linked on its own.
    const r = scan(withSps(withPatternRoles(['*-*']), 1, () => 'ODD0SP'));
    const linked = assumers(r, 'pattern-role-0');
    expect(linked).toContain(LEGACY);
    expect(linked).toContain(OPS_AGENT);
    expect(linked).not.toContain(ids.entraSp(TENANT, 'ODD0SP'));
    expect(r.graph.in(roleId('pattern-role-0'), 'FEDERATES_TO')[0].evidence?.everyObjectId).toBeUndefined();
    // One that the pattern matches leaves it admitting every one.
    const dashed = scan(withSps(withPatternRoles(['*-*']), 1, () => 'ODD-SP'));
    expect(assumers(dashed, 'pattern-role-0')).toEqual([OPS_AGENT]);
  });

  it('a pattern every version-4 object id matches (*-4*) is linked as no sub condition too', () => {
    // Entra issues object ids as version-4 GUIDs (a 4 right after the second dash, 8, 9, a or b
    // right after the third): these patterns admit every service principal Entra can make, and
    // each such trust got one edge per service principal (trusts x service principals) and the
    // finding a pattern's lower severity.
    const v4 = ['*-4*', '????????-????-4*', '*-*-4*', '*-4???-*', '*-*-*-?*'];
    const r = scan(withSps(withPatternRoles(v4), 40));
    const sps = [...r.graph.nodes.values()].filter((n) => n.scope.toLowerCase() === TENANT.toLowerCase() && ['entra-service-principal', 'entra-managed-identity', 'entra-agent-identity'].includes(n.type));
    expect(sps.length).toBeGreaterThan(40);
    expect(sps.every((n) => n.nativeId[14] === '4' && '89ab'.includes(n.nativeId[19]))).toBe(true);
    expect(v4.map((_, i) => assumers(r, `pattern-role-${i}`))).toEqual(v4.map(() => [OPS_AGENT]));
    for (let i = 0; i < v4.length; i++) expect(r.graph.in(roleId(`pattern-role-${i}`), 'FEDERATES_TO')[0].evidence?.everyObjectId).toBe(true);
    const findings = r.report.findings.filter((f) => f.ruleId === 'nhi-entra-token-any-app-assumes-aws-role');
    const open = findings.find((f) => f.evidence.role === roleId('open-role'))!;
    for (let i = 0; i < v4.length; i++) {
      const f = findings.find((x) => x.evidence.role === roleId(`pattern-role-${i}`))!;
      expect(f.severity).toBe(open.severity);
      expect(f.evidence).toMatchObject({ subjectPattern: v4[i], everyObjectId: true });
    }
  });

  it('a service principal whose object id is a GUID of another version is held to a version-4 pattern itself', () => {
    // A made-up snapshot may hold a GUID Entra would not issue (version 1, variant c): `*-4*` does
    // not match it, so the pattern admits some service principals only, each linked on its own.
    const r = scan(withSps(withPatternRoles(['*-4*']), 1, () => '00000000-1111-1222-c333-555555556666'));
    const linked = assumers(r, 'pattern-role-0');
    expect(linked).toContain(OPS_AGENT);
    expect(linked).toContain(LEGACY);
    expect(linked).not.toContain(ids.entraSp(TENANT, '00000000-1111-1222-c333-555555556666'));
    expect(r.graph.in(roleId('pattern-role-0'), 'FEDERATES_TO')[0].evidence?.everyObjectId).toBeUndefined();
    // Its object id written in another place than `*-4*` looks: `*-*` matches it, and every one.
    const dashed = scan(withSps(withPatternRoles(['*-*']), 1, () => '00000000-1111-1222-c333-555555556666'));
    expect(assumers(dashed, 'pattern-role-0')).toEqual([OPS_AGENT]);
  });

  describe('a broad pattern that admits most, not all, object ids', () => {
    // `*0*` and `*-8*` match most object ids but not every one (matchesEveryObjectId says no), and
    // each such trust got one edge per service principal it admits: trusts x service principals
    // (2,000 of each, millions of edges). Past BROAD_PATTERN_LINKS the trust's own edge stands
    // for them, as for a pattern that admits every object id, and says how many and which first.
    const EXTRA = BROAD_PATTERN_LINKS + 30;
    const extraId = (i: number) => `0000${String(i).padStart(4, '0')}-1111-4222-8333-444455556666`;
    const callers = (r: ReturnType<typeof scan>, pattern: RegExp) =>
      [...r.graph.nodes.values()].filter((n) => n.scope.toLowerCase() === TENANT.toLowerCase() && ['entra-service-principal', 'entra-managed-identity', 'entra-agent-identity'].includes(n.type) && pattern.test(n.nativeId));

    it('adds no link per service principal: the links stay one per trust however many it admits', () => {
      const broad = ['*0*', '*-8*', '0000*'];
      expect(broad.some((p) => matchesEveryObjectId(p))).toBe(false);
      const r = scan(withSps(withPatternRoles(broad), EXTRA));
      // Only the audience app itself has a link of its own, where the pattern matches its object id.
      expect(broad.map((_, i) => assumers(r, `pattern-role-${i}`))).toEqual(broad.map((p) => (compileWildcard(globTokens(p)).test(OPS_AGENT_OID) ? [OPS_AGENT] : [])));
      const [own] = r.graph.in(roleId('pattern-role-0'), 'CAN_ASSUME');
      expect(own.reason).toContain('sub pattern *0* matches its object id; aud');
      expect(own.reason).toContain('so it, like any other service principal whose object id the pattern matches, can get one');
      const admitted = [/0/, /-8/, /^0000/].map((re) => callers(r, re).map((n) => n.nativeId).sort());
      broad.forEach((sub, i) => {
        expect(admitted[i].length).toBeGreaterThan(BROAD_PATTERN_LINKS);
        const [trust] = r.graph.in(roleId(`pattern-role-${i}`), 'FEDERATES_TO');
        expect(trust.evidence?.everyObjectId).toBeUndefined();
        expect(trust.evidence?.patternAdmits).toBe(admitted[i].length);
        expect(trust.evidence?.patternAdmitsFirst).toEqual(admitted[i].slice(0, 10));
        expect(trust.reason).toContain(`sub pattern ${sub} admits ${admitted[i].length} service principals of the tenant today (`);
        expect(trust.reason).toContain(`more than ${BROAD_PATTERN_LINKS}, so this trust stands for them rather than a link from each`);
      });
    });

    it('the finding counts and names those it admits; the path starts at the issuer, for the pattern\'s service principals only', () => {
      const r = scan(withSps(withPatternRoles(['*0*']), EXTRA));
      const count = callers(r, /0/).length;
      const f = r.report.findings.find((x) => x.ruleId === 'nhi-entra-token-any-app-assumes-aws-role' && x.evidence.role === roleId('pattern-role-0'))!;
      expect(f.evidence).toMatchObject({ subjectPattern: '*0*', admittedToday: count });
      expect(f.evidence.everyObjectId).toBeUndefined();
      expect(f.message).toContain(`(today: ${count}, among them extra-0 (object id ${extraId(0)}), extra-1 (object id ${extraId(1)})`);
      expect(f.message).toContain(`and ${count - 10} more), and so can any created later whose object id happens to match`);
      // Still the pattern's severity, not that of a trust every service principal meets.
      const open = r.report.findings.find((x) => x.ruleId === 'nhi-entra-token-any-app-assumes-aws-role' && x.evidence.role === roleId('open-role'))!;
      expect(f.severity).not.toBe(open.severity);
      const paths = r.report.findings.filter((x) => x.ruleId === 'nhi-path-to-crown-jewel' && x.path?.some((h) => h.to === roleId('pattern-role-0')));
      expect(paths.length).toBeGreaterThan(0);
      for (const p of paths) {
        expect(p.message).not.toMatch(/any service principal/);
        expect(p.message).toMatch(/service principals of the scanned Entra tenant .*\(subject pattern\)/);
      }
    });

    it('another operator on sub that leaves BROAD_PATTERN_LINKS or fewer: each is linked on its own', () => {
      // StringNotLike 00000* turns away extra-0 .. extra-99: what is left of `*0*` is few enough.
      const s = withSps(withPatternRoles(['*0*']), EXTRA);
      const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
      const role = details.RoleDetailList.find((x: Json) => x.RoleName === 'pattern-role-0');
      role.AssumeRolePolicyDocument.Statement[0].Condition.StringNotLike = { [`${ISSUER}:sub`]: '00000*' };
      const r = scan(s);
      const left = callers(r, /0/).filter((n) => !n.nativeId.startsWith('00000'));
      expect(left.length).toBeLessThanOrEqual(BROAD_PATTERN_LINKS);
      expect(assumers(r, 'pattern-role-0')).toEqual(left.map((n) => n.id).sort());
      expect(r.graph.in(roleId('pattern-role-0'), 'FEDERATES_TO')[0].evidence?.patternAdmits).toBeUndefined();
    });

    it('while the audience app is disabled, the finding names none today on both sides of BROAD_PATTERN_LINKS', () => {
      // Entra gives no token for a disabled app: below the bar no service principal is linked and
      // the finding says "today: none"; one more matching service principal must not turn that
      // into "today: 101".
      const at = (count: number) => {
        const s = withSps(withPatternRoles(['0000*']), count);
        const file = s.files['entra/servicePrincipals.json'] as Json;
        ((file.value ?? file) as Json[]).find((x) => x.id === OPS_AGENT_OID)!.accountEnabled = false;
        const r = scan(s);
        expect(callers(r, /^0000/).length).toBe(count);
        return r.report.findings.find((x) => x.ruleId === 'nhi-entra-token-any-app-assumes-aws-role' && x.evidence.role === roleId('pattern-role-0'))!;
      };
      for (const count of [BROAD_PATTERN_LINKS, BROAD_PATTERN_LINKS + 1]) {
        const f = at(count);
        expect([count, f.messageId, f.evidence.admittedToday]).toEqual([count, 'patternLatent', 0]);
        expect(f.message).toContain('can get such a token (today: none)');
      }
    });

    it('trusts with the same pattern and other operators on sub are each held to their own', () => {
      // What one trust's operators leave of the pattern is worked out once per set of operators:
      // two roles with the same pattern and different negated operators each keep their own answer.
      const s = withSps(withPatternRoles(['*0*', '*0*', '*0*']), EXTRA);
      const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
      const cond = (i: number) => details.RoleDetailList.find((x: Json) => x.RoleName === `pattern-role-${i}`).AssumeRolePolicyDocument.Statement[0].Condition;
      cond(0).StringNotLike = { [`${ISSUER}:sub`]: '00000*' };
      cond(1).StringNotLike = { [`${ISSUER}:sub`]: 'ffff*' };
      cond(2).StringNotLike = { [`${ISSUER}:sub`]: '00000*' };
      const r = scan(s);
      const left = callers(r, /0/).filter((n) => !n.nativeId.startsWith('00000'));
      const wide = callers(r, /0/).filter((n) => !n.nativeId.startsWith('ffff'));
      expect(assumers(r, 'pattern-role-0')).toEqual(left.map((n) => n.id).sort());
      expect(assumers(r, 'pattern-role-2')).toEqual(left.map((n) => n.id).sort());
      const trust = (i: number) => r.graph.in(roleId(`pattern-role-${i}`), 'FEDERATES_TO')[0];
      expect([0, 1, 2].map((i) => trust(i).evidence?.patternAdmits)).toEqual([undefined, wide.length, undefined]);
    });
  });
});

describe('matchesEveryObjectId', () => {
  // Entra issues version-4 GUIDs: a 4 at place 14, one of 8, 9, a, b at place 19.
  const every = ['*', '**', '?*', '*?', '*-*', '????????-*', '*-*-*-*-*', '*-????-*', '*-????????????', '????????-????-????-????-????????????', '*????????????????????????????????????', '????????-*-*-*-*', '*-*-????????????', '*-4*', '????????-????-4*', '*-*-4*', '*-4???-*', '*4*', '*-4*-*-*'];
  const notEvery = ['', '-', '*-*-*-*-*-*', '????????-?', '*-?????????????', '*a*', '*-5*', '*-*-8*', '*-*-*-8*', '????????-????-4???-8*', '0*', '*-*A', '?????????????????????????????????????*', '*--*', '????????????????????????????????????-*', '*f', '*-*-*-*-*-', '*--', '*-4*-4*'];
  it.each(every)('%s matches every object id', (p) => expect(matchesEveryObjectId(p)).toBe(true));
  it.each(notEvery)('%s does not', (p) => expect(matchesEveryObjectId(p)).toBe(false));

  it('never says every object id of a pattern one fails: random patterns against random and extreme object ids', () => {
    // A linear congruential generator: the same cases on every run.
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const hex = '0123456789abcdef';
    // A version-4 GUID, as Entra issues object ids: a 4 at place 14, one of 8, 9, a, b at place 19.
    const objectId = (digit: () => string, variant: string) => {
      const id = [...[8, 4, 4, 4, 12].map((n) => Array.from({ length: n }, digit).join('')).join('-')];
      id[14] = '4';
      id[19] = variant;
      return id.join('');
    };
    const ids = [...hex].flatMap((d) => [...'89ab'].map((v) => objectId(() => d, v)));
    for (let i = 0; i < 200; i++) ids.push(objectId(() => hex[rand(16)], '89ab'[rand(4)]));
    const alphabet = ['*', '*', '?', '?', '-', '0', 'a', 'f', '4', '8', 'b'];
    let yes = 0;
    for (let i = 0; i < 3000; i++) {
      const p = Array.from({ length: 1 + rand(12) }, () => alphabet[rand(alphabet.length)]).join('');
      if (!matchesEveryObjectId(p)) continue;
      yes++;
      const tester = compileWildcard(globTokens(p));
      expect(ids.filter((id) => !tester.test(id)), p).toEqual([]);
    }
    expect(yes).toBeGreaterThan(20);
  });
});
