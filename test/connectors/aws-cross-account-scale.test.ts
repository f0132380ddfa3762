import { describe, expect, it, vi } from 'vitest';
import * as aws from '../../src/aws/index.js';
import { ACCT, OTHER, allow, awsGraph, deny, doc, roleArn, roleId, trust, userArn, userId } from '../helpers/aws-builders.js';
import type { Graph } from '../../src/graph/graph.js';

// Counts the trust evaluations of the AWS transform (privesc.ts imports trust.js directly).
vi.mock('../../src/aws/index.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/aws/index.js')>();
  return { ...m, evaluateTrust: vi.fn(m.evaluateTrust) };
});

/** Roles a principal reaches across accounts: direct CAN_ASSUME edges or through a set node, with the conditional flag of the route. */
function reached(g: Graph, from: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const e of g.out(from, 'CAN_ASSUME')) {
    if (g.node(e.to)?.type === 'aws-escalation-set') for (const x of g.out(e.to, 'CAN_ASSUME')) out.set(x.to, !!e.conditional || !!x.conditional);
    else out.set(e.to, !!e.conditional);
  }
  return out;
}

describe('cross-account pass at scale: holders of one account share one set per trusting-role list', () => {
  const USERS = 40;
  const ROLES = 12;
  const build = () =>
    awsGraph({
      [ACCT]: {
        users: [
          ...Array.from({ length: USERS }, (_, i) => ({ name: `u${i}`, inline: [doc(allow(['sts:AssumeRole', 's3:GetObject']))] })),
          // Allowed only under a condition, denied one role, named by one trust: each asked on its own.
          { name: 'mfa', inline: [doc(allow('sts:AssumeRole', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }))] },
          { name: 'fenced', inline: [doc(allow('sts:AssumeRole'), deny('sts:AssumeRole', roleArn('r0', OTHER)))] },
          { name: 'vip', inline: [doc(allow('sts:AssumeRole'))] },
        ],
      },
      [OTHER]: {
        roles: [
          ...Array.from({ length: ROLES }, (_, i) => ({ name: `r${i}`, trust: trust.account(ACCT) })),
          { name: 'named', trust: doc({ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${ACCT}:root`, userArn('vip')] }, Action: 'sts:AssumeRole' }) },
        ],
      },
    });

  it('asks each unconditional trust once per source account, not once per assumer', () => {
    vi.mocked(aws.evaluateTrust).mockClear();
    build();
    // Pairwise, it would be (USERS + 3) x (ROLES + 1) questions.
    // Here: once per role for the account, and pairwise only for mfa, fenced and vip.
    expect(vi.mocked(aws.evaluateTrust).mock.calls.length).toBeLessThanOrEqual(4 * (ROLES + 1));
  });

  it('keeps every route and its firmness', () => {
    const g = build();
    const all = [...Array.from({ length: ROLES }, (_, i) => roleId(`r${i}`, OTHER)), roleId('named', OTHER)].sort();
    for (const u of ['u0', `u${USERS - 1}`, 'vip']) {
      const r = reached(g, userId(u));
      expect([...r.keys()].sort(), u).toEqual(all);
      expect([...r.values()].every((c) => !c), u).toBe(true);
    }
    const mfa = reached(g, userId('mfa'));
    expect([...mfa.keys()].sort()).toEqual(all);
    expect([...mfa.values()].every((c) => c)).toBe(true);
    const fenced = reached(g, userId('fenced'));
    expect([...fenced.keys()].sort()).toEqual(all.filter((x) => x !== roleId('r0', OTHER)));
    // The grouped holders share one set node.
    const sets = new Set(Array.from({ length: USERS }, (_, i) => g.out(userId(`u${i}`), 'CAN_ASSUME').map((e) => e.to).join()));
    expect(sets.size).toBe(1);
  });

  it('asks a conditional trust that reads only the caller\'s account once per source account, and keeps its routes conditional', () => {
    const g = () =>
      awsGraph({
        [ACCT]: { users: Array.from({ length: USERS }, (_, i) => ({ name: `u${i}`, inline: [doc(allow('sts:AssumeRole'))] })) },
        [OTHER]: {
          roles: [
            { name: 'org', trust: trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } } }) },
            { name: 'arnbound', trust: trust.account(ACCT, { Condition: { ArnLike: { 'aws:PrincipalArn': userArn('u1*') } } }) },
          ],
        },
      });
    vi.mocked(aws.evaluateTrust).mockClear();
    const graph = g();
    const calls = vi.mocked(aws.evaluateTrust).mock.calls;
    // aws:PrincipalOrgID does not depend on which principal of the account calls: one question.
    expect(calls.filter((c) => c[0].name === 'org').length).toBe(1);
    // aws:PrincipalArn does: one question per assumer.
    expect(calls.filter((c) => c[0].name === 'arnbound').length).toBe(USERS);
    expect(reached(graph, userId('u0')).get(roleId('org', OTHER))).toBe(true);
    expect(reached(graph, userId(`u${USERS - 1}`)).get(roleId('org', OTHER))).toBe(true);
    expect(reached(graph, userId('u1')).has(roleId('arnbound', OTHER))).toBe(true);
    expect(reached(graph, userId('u0')).has(roleId('arnbound', OTHER))).toBe(false);
  });
});

// The usual organisation-wide trust: `Principal: "*"` narrowed by aws:PrincipalOrgID, whose value
// the scanner does not know. Its answer is the same for every principal of an account.
describe('cross-account trusts conditioned on account-wide keys only', () => {
  const USERS = 30;
  const ROLES = 10;
  const users = Array.from({ length: USERS }, (_, i) => ({ name: `bot-${i}`, inline: [doc(allow('sts:AssumeRole'))] }));
  const roles = (condition: Record<string, unknown>) => Array.from({ length: ROLES }, (_, i) => ({ name: `org-${i}`, trust: trust.anyone({ Condition: condition }) }));

  it('asks a "*" trust under aws:PrincipalOrgID once per source account, and keeps every route conditional, naming the key', () => {
    vi.mocked(aws.evaluateTrust).mockClear();
    const g = awsGraph({ [ACCT]: { users }, [OTHER]: { roles: roles({ StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }) } });
    // Pairwise it would be USERS x ROLES questions (300); once per account and role is ROLES,
    // plus the in-account questions of each account's own index.
    expect(vi.mocked(aws.evaluateTrust).mock.calls.length).toBeLessThan(USERS * ROLES / 4);
    for (const u of ['bot-0', `bot-${USERS - 1}`]) {
      const r = reached(g, userId(u));
      expect(r.size).toBe(ROLES);
      expect([...r.values()].every((c) => c)).toBe(true);
    }
    const set = g.out(userId('bot-0'), 'CAN_ASSUME').find((e) => e.evidence?.method === 'sts-assume-role-cross-account')!.to;
    expect(g.out(set).every((e) => (e.evidence?.undecided as string[] | undefined)?.some((k) => /PrincipalOrgID/i.test(k)))).toBe(true);
  });

  it('a condition on the principal itself (aws:PrincipalArn) is still asked principal by principal', () => {
    vi.mocked(aws.evaluateTrust).mockClear();
    const g = awsGraph({ [ACCT]: { users }, [OTHER]: { roles: roles({ ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:user/bot-1` } }) } });
    expect(vi.mocked(aws.evaluateTrust).mock.calls.length).toBeGreaterThanOrEqual(USERS * ROLES);
    const one = reached(g, userId('bot-1'));
    expect(one.size).toBe(ROLES);
    expect([...one.values()].every((c) => !c)).toBe(true);
    expect(reached(g, userId('bot-2')).size).toBe(0);
  });

  it('a policy variable in an account-wide condition is asked principal by principal', () => {
    vi.mocked(aws.evaluateTrust).mockClear();
    awsGraph({ [ACCT]: { users }, [OTHER]: { roles: roles({ StringEquals: { 'sts:ExternalId': '${aws:username}' } }) } });
    expect(vi.mocked(aws.evaluateTrust).mock.calls.length).toBeGreaterThanOrEqual(USERS * ROLES);
  });
});
