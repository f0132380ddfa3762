import { describe, expect, it } from 'vitest';
import rule from '../../../rules/okta/okta-aws-broad-role-mapping.js';
import { NOW, oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runRule } from '../../helpers/rule-tester.js';
import { runCase } from './run-case.js';
import { demoSnapshot, scan } from '../../e2e/demo.js';

const A = I.app('aws');
const ARN = 'arn:aws:iam::111122223333:saml-provider/Okta';
const narrow = { identityProviderArn: ARN, joinAllRoles: false, sessionDuration: 3600, groupFilter: 'aws_(?{{accountid}}\\d+)_(?{{role}}[a-zA-Z0-9+=,.@\\-_]+)' };
const cases: OktaRuleCase[] = [
  { name: 'join all roles, catch-all filter, 12 h sessions (strings, as Okta returns them)', org: () => oktaOrg().awsApp({ id: 'aws', settings: { ...narrow, joinAllRoles: 'true', groupFilter: '.*', sessionDuration: '43200' } }), subject: A, verdict: 'fail', messageIds: ['catchAll', 'joinAllRoles', 'longSession'] },
  { name: 'service account assigned through a group → high', org: () => oktaOrg().group('g1', 'aws_111122223333_Deploy').user({ id: 'sa', login: 'svc-deploy@acme.com', groups: ['g1'] }).awsApp({ id: 'aws', settings: narrow, groups: [{ id: 'g1' }] }), subject: A, verdict: 'fail', severities: ['high'], messageIds: ['serviceAccounts'] },
  { name: 'service account assigned directly', org: () => oktaOrg().user({ id: 'sa', login: 'svc-deploy@acme.com' }).awsApp({ id: 'aws', settings: narrow, users: [{ id: 'sa' }] }), subject: A, verdict: 'fail', messageIds: ['serviceAccounts'] },
  // Okta help, "Deactivate and delete user accounts": a deactivated user keeps its groups but can no
  // longer access its apps; a suspended one cannot sign in. Neither is a path into AWS today.
  ...['SUSPENDED', 'DEPROVISIONED'].flatMap((status): OktaRuleCase[] => [
    { name: `near miss: a ${status} service account in an assigned group`, org: () => oktaOrg().group('g1', 'aws_111122223333_Deploy').user({ id: 'sa', login: 'svc-deploy@acme.com', status, groups: ['g1'] }).awsApp({ id: 'aws', settings: narrow, groups: [{ id: 'g1' }] }), subject: A, verdict: 'pass' },
    { name: `near miss: a ${status} service account assigned directly`, org: () => oktaOrg().user({ id: 'sa', login: 'svc-deploy@acme.com', status }).awsApp({ id: 'aws', settings: narrow, users: [{ id: 'sa' }] }), subject: A, verdict: 'pass' },
  ]),
  { name: 'an active service account beside a deprovisioned one is still named', org: () => oktaOrg().group('g1', 'aws_111122223333_Deploy').user({ id: 'sa', login: 'svc-deploy@acme.com', groups: ['g1'] }).user({ id: 'old', login: 'svc-old@acme.com', status: 'DEPROVISIONED', groups: ['g1'] }).awsApp({ id: 'aws', settings: narrow, groups: [{ id: 'g1' }] }), subject: A, verdict: 'fail', messageIds: ['serviceAccounts'] },
  { name: 'near miss: narrow mapping, 1 h sessions, people only', org: () => oktaOrg().user({ id: 'p1', login: 'bob@acme.com' }).awsApp({ id: 'aws', settings: { ...narrow, sessionDuration: 3600 }, users: [{ id: 'p1' }] }), subject: A, verdict: 'pass' },
  { name: '2 h sessions exceed the default one hour', org: () => oktaOrg().user({ id: 'p1', login: 'bob@acme.com' }).awsApp({ id: 'aws', settings: { ...narrow, sessionDuration: 7200 }, users: [{ id: 'p1' }] }), subject: A, verdict: 'fail', messageIds: ['longSession'] },
  { name: 'unknown: a group is assigned but group memberships (okta.groups) were not collected', org: () => oktaOrg().group('g1', 'aws_111122223333_Deploy').user({ id: 'sa', login: 'svc-deploy@acme.com', groups: ['g1'] }).awsApp({ id: 'aws', settings: narrow, groups: [{ id: 'g1' }] }).withCoverage('okta.groups', 'missing-permission', '403'), subject: A, verdict: 'unknown' },
  { name: 'unknown: a group is assigned and a service account\'s groups were not read (missing from userGroups.json)', org: () => oktaOrg().group('g1', 'aws_111122223333_Deploy').user({ id: 'sa', login: 'svc-deploy@acme.com', groups: null }).user({ id: 'p1', login: 'bob@acme.com', groups: ['g1'] }).awsApp({ id: 'aws', settings: narrow, groups: [{ id: 'g1' }] }), subject: A, verdict: 'unknown' },
  { name: 'near miss: a group is assigned, every service account\'s groups were read, none is a member', org: () => oktaOrg().group('g1', 'aws_111122223333_Deploy').user({ id: 'sa', login: 'svc-deploy@acme.com', groups: [] }).user({ id: 'p1', login: 'bob@acme.com', groups: ['g1'] }).awsApp({ id: 'aws', settings: narrow, groups: [{ id: 'g1' }] }), subject: A, verdict: 'pass' },
  { name: 'near miss: only direct assignments, so group memberships do not matter', org: () => oktaOrg().user({ id: 'sa', login: 'svc-deploy@acme.com', groups: null }).user({ id: 'p1', login: 'bob@acme.com' }).awsApp({ id: 'aws', settings: narrow, users: [{ id: 'p1' }] }).withCoverage('okta.groups', 'error', 'timeout'), subject: A, verdict: 'pass' },
  { name: 'unknown: users (okta.users) not collected, so assigned users cannot be classified', org: () => oktaOrg().awsApp({ id: 'aws', settings: narrow, users: [{ id: 'sa' }] }).withCoverage('okta.users', 'missing-permission', '403'), subject: A, verdict: 'unknown' },
  { name: 'unknown: assignments not collected', org: () => oktaOrg().awsApp({ id: 'aws', settings: narrow }).without('appUsers').without('appGroups'), subject: A, verdict: 'unknown' },
  { name: 'settings failures are still reported when assignments are unknown', org: () => oktaOrg().awsApp({ id: 'aws', settings: { ...narrow, joinAllRoles: true } }).without('appUsers').without('appGroups'), subject: A, verdict: 'fail', messageIds: ['joinAllRoles'] },
  // Okta help, "Enable group-based role mapping in Okta": the Group Filter is completed under Use Group
  // Mapping and only applies with it; with group mapping off a leftover catch-all filter maps nothing.
  { name: 'near miss: catch-all filter, but Use Group Mapping is off', org: () => oktaOrg().user({ id: 'p1', login: 'bob@acme.com' }).awsApp({ id: 'aws', settings: { ...narrow, useGroupMapping: false, groupFilter: '.*' }, users: [{ id: 'p1' }] }), subject: A, verdict: 'pass' },
  { name: 'catch-all filter with Use Group Mapping on', org: () => oktaOrg().user({ id: 'p1', login: 'bob@acme.com' }).awsApp({ id: 'aws', settings: { ...narrow, useGroupMapping: 'true', groupFilter: '.*' }, users: [{ id: 'p1' }] }), subject: A, verdict: 'fail', messageIds: ['catchAll'] },
  // Catch-alls are found by what they match, not by how they are written.
  ...['.+?', '[\\s\\S]*', '^(.*)$', '.{0,}', '(?:aws_.*|.*)', '[^\\n]+'].map((f): OktaRuleCase => ({ name: `catch-all filter ${f}`, org: () => oktaOrg().user({ id: 'p1', login: 'bob@acme.com' }).awsApp({ id: 'aws', settings: { ...narrow, useGroupMapping: true, groupFilter: f }, users: [{ id: 'p1' }] }), subject: A, verdict: 'fail', messageIds: ['catchAll'] })),
  ...['aws_.*', '.*_admin', '\\S+', '[a-z]+', '^aws#\\S+#(?{{role}}[\\w\\-]+)#(?{{accountid}}\\d+)$'].map((f): OktaRuleCase => ({ name: `near miss: filter ${f} lets only some groups through`, org: () => oktaOrg().user({ id: 'p1', login: 'bob@acme.com' }).awsApp({ id: 'aws', settings: { ...narrow, useGroupMapping: true, groupFilter: f }, users: [{ id: 'p1' }] }), subject: A, verdict: 'pass' })),
  { name: 'unknown: a blank group filter under Use Group Mapping (the Okta help does not say what it maps)', org: () => oktaOrg().user({ id: 'p1', login: 'bob@acme.com' }).awsApp({ id: 'aws', settings: { ...narrow, useGroupMapping: true, groupFilter: '   ' }, users: [{ id: 'p1' }] }), subject: A, verdict: 'unknown' },
  { name: 'near miss: a blank group filter, but Use Group Mapping is off', org: () => oktaOrg().user({ id: 'p1', login: 'bob@acme.com' }).awsApp({ id: 'aws', settings: { ...narrow, useGroupMapping: false, groupFilter: '   ' }, users: [{ id: 'p1' }] }), subject: A, verdict: 'pass' },
  { name: 'unknown: a group filter this scanner cannot compile (e.g. Java-only syntax)', org: () => oktaOrg().user({ id: 'p1', login: 'bob@acme.com' }).awsApp({ id: 'aws', settings: { ...narrow, useGroupMapping: true, groupFilter: 'aws_\\d++_(?{{role}}.*)' }, users: [{ id: 'p1' }] }), subject: A, verdict: 'unknown' },
];

describe('okta-aws-broad-role-mapping', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));

  // Raised to high only when the roles behind the app reach T3 or T4 (the demo's AWS Prod SSO,
  // test/cli/paths-and-explain.test.ts). Near miss: here no AWS account is scanned, so the app
  // reaches nothing known and its findings keep the rule's medium, with no tier in the evidence.
  it('keeps medium when the roles behind the app are not known to reach a high tier', () => {
    const graph = oktaOrg().awsApp({ id: 'aws', settings: { ...narrow, joinAllRoles: true, sessionDuration: 43200 } }).graph();
    const found = runRule(rule, graph, { now: NOW }).findings;
    expect(found.map((f) => [f.messageId, f.severity, f.evidence.mapsToTier]).sort()).toEqual([
      ['joinAllRoles', 'medium', undefined],
      ['longSession', 'medium', undefined],
    ]);
    // Nor does it say which crown jewels the app reaches: the roles behind it were not read, which
    // is not "none".
    for (const f of found) expect(f.evidence).not.toHaveProperty('mapsToCrownJewels');
  });

  // Okta's named-group syntax is read as the linker reads it; the message quotes the filter as written.
  it('says the session length in hours as the AWS rule does, with the limit, never contradicting itself', () => {
    const message = (sessionDuration: number, maxSessionSeconds?: number) =>
      runRule(rule, oktaOrg().awsApp({ id: 'aws', settings: { ...narrow, sessionDuration } }).graph(), { now: NOW, ...(maxSessionSeconds ? { options: { maxSessionSeconds } } : {}) }).findings.find((f) => f.messageId === 'longSession')?.message;
    expect(message(43200)).toMatch(/ issues 12-hour AWS sessions, longer than the 1-hour limit$/);
    // 3,660 s rounds to 1.0 h at a tenth: the message keeps the decimals that show the excess.
    expect(message(3660)).toMatch(/ issues 1\.02-hour AWS sessions, longer than the 1-hour limit$/);
    expect(message(7200, 5400)).toMatch(/ issues 2-hour AWS sessions, longer than the 1\.5-hour limit$/);
  });

  it('finds a catch-all written with an Okta named group, (?{{role}}.*)', () => {
    const graph = oktaOrg().awsApp({ id: 'aws', settings: { ...narrow, useGroupMapping: true, groupFilter: '(?{{role}}.*)' } }).graph();
    const f = runRule(rule, graph, { now: NOW }).findings.find((x) => x.messageId === 'catchAll');
    expect(f?.message).toBe('AWS app AWS has a group filter that matches every group ((?{{role}}.*))');
  });

  // A blank group filter was no filter to this rule and a regular expression to the linker, which
  // then matched no group name and dropped the app's routes to AWS. One graph, both readings.
  it.each(['   ', '\t', ''])('reads the blank group filter %j as the linker does: not known, and no route dropped for it', (blank) => {
    const graph = oktaOrg()
      .group('g1', 'aws_111122223333_Deploy')
      .user({ id: 'p1', login: 'bob@acme.com', groups: ['g1'] })
      .awsApp({ id: 'aws', settings: { ...narrow, useGroupMapping: true, groupFilter: blank }, users: [{ id: 'p1' }] })
      .graph();
    const run = runRule(rule, graph, { now: NOW });
    expect(run.verdicts.get(A)).toBe('unknown');
    expect(run.stats.unknownReasons).toEqual({ 'the group filter is blank, and the Okta help does not say which groups a blank filter maps': 1 });
    // The linker lists no role groups on bob's edge, so the link keeps his route, conditional
    // (link.ts mappedRoles); an empty list would say that none of his groups maps to a role.
    const edge = graph.out(I.user('p1'), 'SAML_MAPS_TO');
    expect(edge).toHaveLength(1);
    expect(edge[0].evidence).toMatchObject({ groupFilter: blank });
    expect(edge[0].evidence?.roleGroups).toBeUndefined();
  });
});

describe('okta-aws-broad-role-mapping: a crown jewel behind the app reached only under a condition', () => {
  /** The demo with a Deny under a condition the scanner cannot decide on each SAML trust of the account. */
  function denyOnSamlTrusts() {
    const s = demoSnapshot();
    const details = s.files['aws/111122223333/authorization-details.json'] as { RoleDetailList: { AssumeRolePolicyDocument: { Statement: Record<string, unknown>[] } }[] };
    for (const role of details.RoleDetailList) {
      const doc = role.AssumeRolePolicyDocument;
      const allow = doc.Statement.find((x) => JSON.stringify(x).includes('saml-provider'));
      if (allow) doc.Statement.push({ Effect: 'Deny', Principal: allow.Principal, Action: 'sts:AssumeRoleWithSAML', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } });
    }
    return s;
  }
  const appFindings = (r: ReturnType<typeof scan>) => r.report.findings.filter((f) => f.ruleId === 'okta-aws-broad-role-mapping');

  it('marks each conditional reach in mapsToCrownJewels with its number of conditional hops', () => {
    const found = appFindings(scan(denyOnSamlTrusts()));
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect(f.evidence.mapsToCrownJewels).toContainEqual({ target: 'aws:111122223333:crown:admin', name: 'AWS account 111122223333 administrator', crownJewel: 'admin', hops: 3, conditionalHops: 1 });
    }
  });

  it('near miss: the demo as is, firm reaches, entries as before (no conditionalHops key)', () => {
    for (const f of appFindings(scan(demoSnapshot()))) {
      expect(f.evidence.mapsToCrownJewels).toContainEqual({ target: 'aws:111122223333:crown:admin', name: 'AWS account 111122223333 administrator', crownJewel: 'admin', hops: 3 });
      for (const j of f.evidence.mapsToCrownJewels as Record<string, unknown>[]) expect(j).not.toHaveProperty('conditionalHops');
    }
  });
});
