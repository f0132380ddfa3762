import { describe, expect, it, vi } from 'vitest';
import * as aws from '../../src/aws/index.js';
import { ACCT, OTHER, allow, awsGraph, doc, trust, userId } from '../helpers/aws-builders.js';
import type { Graph } from '../../src/graph/graph.js';

// Counts the trust evaluations of the AWS transform, as aws-cross-account-scale.test.ts does.
vi.mock('../../src/aws/index.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/aws/index.js')>();
  return { ...m, evaluateTrust: vi.fn(m.evaluateTrust) };
});

/** Roles a principal reaches across accounts (direct or through a set node), with the firmness of the route. */
function reached(g: Graph, from: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const e of g.out(from, 'CAN_ASSUME')) {
    if (e.evidence?.method !== 'sts-assume-role-cross-account') continue;
    if (g.node(e.to)?.type === 'aws-escalation-set') for (const x of g.out(e.to, 'CAN_ASSUME')) out.set(x.to, !e.conditional && !x.conditional);
    else out.set(e.to, !e.conditional);
  }
  return out;
}

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
      expect([...r.values()].some(Boolean)).toBe(false);
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
    expect([...one.values()].every(Boolean)).toBe(true);
    expect(reached(g, userId('bot-2')).size).toBe(0);
  });

  it('a policy variable in an account-wide condition is asked principal by principal', () => {
    vi.mocked(aws.evaluateTrust).mockClear();
    awsGraph({ [ACCT]: { users }, [OTHER]: { roles: roles({ StringEquals: { 'sts:ExternalId': '${aws:username}' } }) } });
    expect(vi.mocked(aws.evaluateTrust).mock.calls.length).toBeGreaterThanOrEqual(USERS * ROLES);
  });
});
