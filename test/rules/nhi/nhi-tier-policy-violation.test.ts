import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-tier-policy-violation.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node, edge } from '../../helpers/graph.js';
import type { CoverageRecord } from '../../../src/snapshot/types.js';

const now = '2026-11-20T00:00:00Z';
const p = (id: string, tier: 0 | 1 | 2 | 3 | 4) => node(id, { kind: 'privilege', type: 'p', tier });
// Everything feeding the tiers read (AWS account `acct`, Entra tenant `t`): the tiers are exact.
const READ: CoverageRecord[] = [
  { provider: 'aws', scope: 'acct', capability: 'aws.iam', status: 'collected' },
  ...['entra.servicePrincipals', 'entra.appRoleAssignments', 'entra.oauth2PermissionGrants', 'entra.directoryRoles', 'entra.pim', 'entra.groups', 'entra.owners'].map(
    (capability): CoverageRecord => ({ provider: 'entra', scope: 't', capability, status: 'collected' }),
  ),
];
const secret = (id: string, createdAt: string, expiresAt: string) => node(id, { kind: 'credential', type: 'c', credentialType: 'client-secret', createdAt, expiresAt });

describe('nhi-tier-policy-violation', () => {
  const g = graphOf(
    [
      node('t4'),
      node('t1'),
      node('owned'),
      node('alice', { kind: 'human', type: 'entra-user', enabled: true }),
      p('p4', 4),
      p('p1', 1),
      p('p2', 2),
      secret('long', '2025-06-01T00:00:00Z', '2027-06-01T00:00:00Z'),
      secret('long2', '2025-06-01T00:00:00Z', '2027-06-01T00:00:00Z'),
      secret('short', '2026-10-01T00:00:00Z', '2026-12-31T00:00:00Z'),
    ],
    [
      edge('t4', 'p4', 'GRANTED'),
      edge('t4', 'long', 'HAS_CREDENTIAL'),
      edge('t1', 'p1', 'GRANTED'),
      edge('t1', 'long2', 'HAS_CREDENTIAL'),
      edge('owned', 'p2', 'GRANTED'),
      edge('owned', 'short', 'HAS_CREDENTIAL'),
      edge('alice', 'owned', 'OWNS'),
    ],
    READ,
  );

  it('applies stricter controls to higher tiers', () => {
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('t4')).toBe('fail');
    const f = r.findings.find((x) => x.subject.id === 't4')!;
    expect(f.severity).toBe('high');
    expect(f.message).toMatch(/lives 730 days from creation to expiry \(max 90 days\)/);
    expect(f.message).toMatch(/no accountable human/);
    // A two-year secret on a T1 reader is within its tier's 730 days and T1 needs no owner.
    expect(r.verdicts.get('t1')).toBe('pass');
    expect(r.verdicts.get('owned')).toBe('pass');
  });

  // An Entra agent identity with no sponsor of its own answers through its blueprint's sponsors
  // (the analysis lists them as its owners): when those were not read, "no accountable human" is
  // not known, as entra-agent-no-sponsor and the identity summary say.
  it('an agent identity whose blueprint\'s sponsors were not read has an unknown owner, not "no accountable human"', () => {
    const entra = (id: string, attrs: Record<string, unknown>) => node(id, { provider: 'entra', type: 'entra-agent-identity', scope: 't', attrs: { ownersCollected: true, ...attrs } });
    const gg = graphOf(
      [
        entra('agent', { agentKind: 'agent-identity', sponsorsCollected: true, agentBlueprintId: 'bp1-app' }),
        entra('agent2', { agentKind: 'agent-identity', sponsorsCollected: true, agentBlueprintId: 'bp2-app' }),
        entra('bp1', { agentKind: 'blueprint-principal' }),
        entra('bp2', { agentKind: 'blueprint-principal', sponsorsCollected: true }),
        p('p2', 2),
      ],
      [
        edge('agent', 'p2', 'GRANTED'),
        edge('agent2', 'p2', 'GRANTED'),
        edge('bp1', 'agent', 'CAN_ASSUME', { hidden: true, evidence: { method: 'AgentIdentityBlueprint' } }),
        edge('bp2', 'agent2', 'CAN_ASSUME', { hidden: true, evidence: { method: 'AgentIdentityBlueprint' } }),
      ],
      READ,
    );
    const r = runRule(rule, gg, { now });
    expect(r.verdicts.get('agent')).toBe('unknown');
    // Near miss: its blueprint's sponsors read, and none: nobody answers for it.
    expect(r.verdicts.get('agent2')).toBe('fail');
    expect(r.findings.find((x) => x.subject.id === 'agent2')!.message).toMatch(/no accountable human/);
  });

  it('lists over-long credentials in text order, not in the order the provider listed them', () => {
    const messageFor = (order: string[]) => {
      const creds = [secret('a', '2025-06-01T00:00:00Z', '2027-06-01T00:00:00Z'), secret('b', '2024-06-01T00:00:00Z', '2027-06-01T00:00:00Z')];
      const byId = new Map(creds.map((c) => [c.id, c]));
      const gg = graphOf([node('x'), p('p4', 4), ...order.map((id) => byId.get(id)!)], [edge('x', 'p4', 'GRANTED'), ...order.map((id) => edge('x', id, 'HAS_CREDENTIAL'))], READ);
      return runRule(rule, gg, { now }).findings.find((f) => f.subject.id === 'x')!.message;
    };
    const ab = messageFor(['a', 'b']);
    expect(ab).toMatch(/secret a lives 730 days .*; .*secret b lives 1095 days/);
    expect(messageFor(['b', 'a'])).toBe(ab);
  });

  it('with credentials not read, the unknown names every credential limit the tier sets', () => {
    const g2 = graphOf(
      [
        node('u', { type: 'aws-iam-user', provider: 'aws', scope: 'acct', attrs: { credentialReportRow: false } }),
        node('alice', { kind: 'human', type: 'entra-user', enabled: true }),
        p('p2', 2),
      ],
      [edge('u', 'p2', 'GRANTED'), edge('alice', 'u', 'OWNS')],
      READ,
    );
    const both = runRule(rule, g2, { now, options: { policy: { T2: { maxCredentialDays: 365, allowedStrength: ['federated'] } } } });
    expect(both.verdicts.get('u')).toBe('unknown');
    expect(Object.keys(both.stats.unknownReasons)).toEqual(['the lifetime and strength of its standing credentials are not known: the user has no row in the credential report']);
    const one = runRule(rule, g2, { now });
    expect(Object.keys(one.stats.unknownReasons)).toEqual(['the lifetime of its standing credentials is not known: the user has no row in the credential report']);
  });

  it('takes the policy from options', () => {
    const r = runRule(rule, g, { now, options: { policy: { T1: { maxCredentialDays: 30 } } } });
    expect(r.verdicts.get('t1')).toBe('fail');
    // Setting T1 merges into the default policy: T4's default requirements still apply (they
    // were once dropped, silently passing t4).
    expect(runRule(rule, g, { now }).verdicts.get('t4')).toBe('fail');
    expect(r.verdicts.get('t4')).toBe('fail');
    expect(r.findings.find((f) => f.subject.id === 't4')).toEqual(runRule(rule, g, { now }).findings.find((f) => f.subject.id === 't4'));
  });

  it('a standing credential whose end date was not read is unknown, not within policy; near miss with the date', () => {
    const build = (expiresAt?: string) =>
      graphOf(
        [node('sp'), p('p1', 1), node('k', { kind: 'credential', type: 'c', credentialType: 'client-secret', createdAt: '2026-01-01T00:00:00Z', expiresAt })],
        [edge('sp', 'p1', 'GRANTED'), edge('sp', 'k', 'HAS_CREDENTIAL')],
        READ,
      );
    expect(runRule(rule, build(), { now }).verdicts.get('sp')).toBe('unknown');
    expect(runRule(rule, build('2027-01-01T00:00:00Z'), { now }).verdicts.get('sp')).toBe('pass');
  });

  it('judges the lifetime of a standing credential that is not valid yet too', () => {
    const g2 = graphOf([node('sp'), p('p4b', 4), secret('next', '2027-05-01T00:00:00Z', '2029-05-01T00:00:00Z')], [edge('sp', 'p4b', 'GRANTED'), edge('sp', 'next', 'HAS_CREDENTIAL')]);
    expect(runRule(rule, g2, { now }).findings[0]?.message).toMatch(/client secret next lives 731 days from creation to expiry \(max 90 days\)/);
  });

  describe('requireOwner is judged on people, and only when owners were read', () => {
    const build = (attrs: Record<string, unknown>, ownerNode?: ReturnType<typeof node>) =>
      graphOf(
        [node('sp', { provider: 'entra', type: 'entra-service-principal', scope: 't', attrs }), p('p2', 2), secret('short', '2026-10-01T00:00:00Z', '2026-12-31T00:00:00Z'), ...(ownerNode ? [ownerNode] : [])],
        [edge('sp', 'p2', 'GRANTED'), edge('sp', 'short', 'HAS_CREDENTIAL'), ...(ownerNode ? [edge(ownerNode.id, 'sp', 'OWNS')] : [])],
        READ,
      );

    it('owners not read: unknown, not "no accountable human"', () => {
      const r = runRule(rule, build({}), { now });
      expect(r.findings).toEqual([]);
      expect(r.verdicts.get('sp')).toBe('unknown');
    });

    it('owned only by another service principal: no accountable human', () => {
      const r = runRule(rule, build({ ownersCollected: true }, node('other-sp', { provider: 'entra', type: 'entra-service-principal', scope: 't' })), { now });
      expect(r.findings.find((f) => f.subject.id === 'sp')?.message).toMatch(/no accountable human/);
    });

    it('owned only by a service-account user: no accountable human (a service account is not a person)', () => {
      const svc = node('svc', { provider: 'entra', type: 'entra-user', scope: 't', enabled: true, machineReasons: ['employeeType service'] });
      const r = runRule(rule, build({ ownersCollected: true }, svc), { now });
      expect(r.findings.find((f) => f.subject.id === 'sp')?.message).toMatch(/no accountable human/);
    });

    it('a person whose account status is not known (a manager Okta did not list) is unknown, not accountable and not a pass', () => {
      const ghost = node('ghost', { kind: 'human', provider: 'entra', type: 'entra-user', scope: 't' });
      const r = runRule(rule, build({ ownersCollected: true }, ghost), { now });
      expect(r.findings).toEqual([]);
      expect(r.verdicts.get('sp')).toBe('unknown');
    });

    it('near miss: an enabled person owns it', () => {
      const r = runRule(rule, build({ ownersCollected: true }, node('bob', { kind: 'human', provider: 'entra', type: 'entra-user', enabled: true })), { now });
      expect(r.verdicts.get('sp')).toBe('pass');
    });
  });

  it('is unknown, not passing, when its tier evidence was not collected and a higher tier would be violated', () => {
    const iam = (status: 'collected' | 'missing-permission') => ({ provider: 'aws' as const, scope: 'acct', capability: 'aws.iam', status });
    const verdict = (status: 'collected' | 'missing-permission', expiresAt: string) =>
      runRule(rule, graphOf([node('r'), secret('s', '2026-10-01T00:00:00Z', expiresAt)], [edge('r', 's', 'HAS_CREDENTIAL')], [iam(status)]), { now }).verdicts.get('r');
    // T0 with its grants read: no requirement. Unread, it may be T1-T4, whose lifetimes it breaks.
    expect(verdict('collected', '2029-10-01T00:00:00Z')).toBe('pass');
    expect(verdict('missing-permission', '2029-10-01T00:00:00Z')).toBe('unknown');
    // Near miss: a 30-day secret and an owner tag meet every tier's policy, read or not.
    const owned = (status: 'collected' | 'missing-permission') =>
      runRule(rule, graphOf([node('r', { attrs: { owner: 'alice' } }), secret('s', '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z')], [edge('r', 's', 'HAS_CREDENTIAL')], [iam(status)]), { now }).verdicts.get('r');
    expect(owned('missing-permission')).toBe('pass');
  });

  // README: missing evidence never lowers a severity. A tier that is only a lower bound ("T2 or
  // higher") may be T4's, so the finding keeps the rule's base severity instead of T2's `low`.
  it('does not make a lower-bound tier milder than the rule\'s base severity', () => {
    const run = (status: 'collected' | 'missing-permission') => {
      const coverage: CoverageRecord[] = [{ provider: 'aws', scope: 'acct', capability: 'aws.iam', status }];
      // A T2 grant that was read, a 400-day secret (T2 allows 365) and no owner.
      const g2 = graphOf([node('r'), p('p2', 2), secret('s', '2026-01-01T00:00:00Z', '2027-02-05T00:00:00Z')], [edge('r', 'p2', 'GRANTED'), edge('r', 's', 'HAS_CREDENTIAL')], coverage);
      return runRule(rule, g2, { now }).findings.find((f) => f.subject.id === 'r')!;
    };
    const exact = run('collected');
    expect([exact.args.tier, exact.severity, exact.tierIncomplete]).toEqual([2, 'low', undefined]);
    const bound = run('missing-permission');
    expect(bound.args.tier).toBe(2);
    expect(bound.tierIncomplete).toBeDefined();
    expect(bound.message).toMatch(/T2 or higher/);
    expect(bound.severity).toBe('medium');
    // The same finding either way: lowering severity back once the data is read keeps its fingerprint.
    expect(bound.fingerprint).toBe(exact.fingerprint);
  });

  // CI baselines and waivers key a finding by its fingerprint: lowering the identity's tier (a
  // remediation) while it still breaks the lower tier's policy must not make the finding new.
  it('keeps its fingerprint when the tier changes, and differs between identities', () => {
    const build = (tier: 3 | 4) =>
      graphOf(
        [node('sp'), node('other'), p('p', tier), secret('long', '2025-06-01T00:00:00Z', '2027-06-01T00:00:00Z'), secret('long2', '2025-06-01T00:00:00Z', '2027-06-01T00:00:00Z')],
        [edge('sp', 'p', 'GRANTED'), edge('sp', 'long', 'HAS_CREDENTIAL'), edge('other', 'p', 'GRANTED'), edge('other', 'long2', 'HAS_CREDENTIAL')],
        READ,
      );
    const t4 = runRule(rule, build(4), { now }).findings;
    const t3 = runRule(rule, build(3), { now }).findings;
    const sp = (fs: typeof t4) => fs.find((f) => f.subject.id === 'sp')!;
    expect([sp(t4).args.tier, sp(t4).severity]).toEqual([4, 'high']);
    expect([sp(t3).args.tier, sp(t3).severity]).toEqual([3, 'medium']);
    expect(sp(t3).fingerprint).toBe(sp(t4).fingerprint);
    expect(t4.find((f) => f.subject.id === 'other')!.fingerprint).not.toBe(sp(t4).fingerprint);
  });
});
