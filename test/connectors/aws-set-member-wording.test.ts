import { describe, expect, it } from 'vitest';
import { ACCT, OTHER, allow, awsGraph, doc, oneAccount, trust, userId } from '../helpers/aws-builders.js';
import type { Graph } from '../../src/graph/graph.js';

// A holder with more targets than the fan-out limit reaches them through a set node; each of the
// set's edges to a target is a hop of the paths shown. One that holds only under a condition
// reads "may reach", as the path and tier wording does; a firm one "reaches".

/** The edges out of the set node that `from` enters by `type`. */
function members(g: Graph, from: string, type: 'CAN_ASSUME' | 'CAN_ESCALATE_TO') {
  const set = g.out(from, type).find((e) => g.node(e.to)?.type === 'aws-escalation-set');
  if (!set) throw new Error(`no set node from ${from}`);
  return g.out(set.to, type);
}

describe('set node hops: "may reach" a target only under a condition', () => {
  const users = Array.from({ length: 12 }, (_, i) => ({ name: `bot-${i}`, inline: [doc(allow('s3:GetObject'))] }));

  it('an escalation under a policy condition (iam:CreateAccessKey with MFA) on a dozen users', () => {
    const build = (condition: boolean) =>
      oneAccount({ users: [...users, { name: 'keys', inline: [doc(allow('iam:CreateAccessKey', '*', condition ? { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } } : {}))] }] });
    const cond = members(build(true), userId('keys'), 'CAN_ESCALATE_TO');
    expect(cond.length).toBeGreaterThan(8);
    for (const e of cond) {
      expect(e.conditional).toBe(true);
      expect(e.reason).toMatch(/^\S+ may reach (bot-\d+|keys)$/);
    }
    // Near miss: the same grant without the condition.
    const firm = members(build(false), userId('keys'), 'CAN_ESCALATE_TO');
    for (const e of firm) {
      expect(e.conditional).toBeFalsy();
      expect(e.reason).toMatch(/^\S+ reaches (bot-\d+|keys)$/);
    }
  });

  it('iam:UpdateAssumeRolePolicy under a condition on a dozen roles', () => {
    const roles = Array.from({ length: 12 }, (_, i) => ({ name: `app-${i}`, trust: trust.account(ACCT) }));
    const build = (condition: boolean) =>
      oneAccount({ roles, users: [{ name: 'trustee', inline: [doc(allow('iam:UpdateAssumeRolePolicy', '*', condition ? { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } } : {}))] }] });
    const cond = members(build(true), userId('trustee'), 'CAN_ESCALATE_TO');
    expect(cond.length).toBe(12);
    for (const e of cond) {
      expect(e.conditional).toBe(true);
      expect(e.reason).toMatch(/^\S+ may reach app-\d+$/);
    }
    const firm = members(build(false), userId('trustee'), 'CAN_ESCALATE_TO');
    for (const e of firm) {
      expect(e.conditional).toBeFalsy();
      expect(e.reason).toMatch(/^\S+ reaches app-\d+$/);
    }
  });

  it('a method that always depends on what was not read (lambda:UpdateFunctionCode: which function runs as which role), gathered over a dozen roles', () => {
    const roles = Array.from({ length: 12 }, (_, i) => ({ name: `fn-${i}`, trust: trust.service('lambda.amazonaws.com') }));
    const g = oneAccount({ roles, users: [{ name: 'deployer', inline: [doc(allow('lambda:UpdateFunctionCode'))] }] });
    const cond = members(g, userId('deployer'), 'CAN_ESCALATE_TO');
    expect(cond.length).toBe(12);
    for (const e of cond) {
      expect(e.conditional).toBe(true);
      expect(e.reason).toMatch(/^lambda-update-function-code may reach fn-\d+$/);
    }
  });

  it('cross-account roles trusting the organisation (aws:PrincipalOrgID, undecided) from a dozen users', () => {
    const roles = (condition: boolean) => Array.from({ length: 10 }, (_, i) => ({ name: `org-${i}`, trust: condition ? trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }) : trust.account(ACCT) }));
    const bots = users.map((u) => ({ ...u, inline: [doc(allow('sts:AssumeRole'))] }));
    const cond = members(awsGraph({ [ACCT]: { users: bots }, [OTHER]: { roles: roles(true) } }), userId('bot-0'), 'CAN_ASSUME');
    expect(cond.length).toBe(10);
    for (const e of cond) {
      expect(e.conditional).toBe(true);
      expect(e.reason).toMatch(/^\S+ may reach org-\d$/);
    }
    const firm = members(awsGraph({ [ACCT]: { users: bots }, [OTHER]: { roles: roles(false) } }), userId('bot-0'), 'CAN_ASSUME');
    for (const e of firm) {
      expect(e.conditional).toBeFalsy();
      expect(e.reason).toMatch(/^\S+ reaches org-\d$/);
    }
  });
});
