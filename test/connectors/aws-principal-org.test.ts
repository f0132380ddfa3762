import { describe, expect, it } from 'vitest';
import { ACCT, OTHER, allow, awsGraph, doc, roleId, trust, userId } from '../helpers/aws-builders.js';
import type { Graph } from '../../src/graph/graph.js';

const ORG = 'o-abcdefghij';

/** Cross-account CAN_ASSUME from a principal to a role, direct or through a shared set node. */
function reaches(g: Graph, from: string, to: string): { conditional: boolean } | undefined {
  for (const e of g.out(from, 'CAN_ASSUME')) {
    if (e.to === to) return { conditional: !!e.conditional };
    if (g.node(e.to)?.type === 'aws-escalation-set') {
      const last = g.out(e.to, 'CAN_ASSUME').find((x) => x.to === to);
      if (last) return { conditional: !!e.conditional || !!last.conditional };
    }
  }
  return undefined;
}

/**
 * The caller's account organisation (organization.json) decides aws:PrincipalOrgID: in the
 * trust policy of a role of another account (asked once for the account, or principal by
 * principal when the trust reads the caller's ARN too) and in the caller's own identity policy.
 */
describe('aws:PrincipalOrgID from the caller account organization.json', () => {
  const orgOnly = trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } });
  const orgAndArn = trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG }, ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:user/*` } } });
  const callerPolicy = doc(allow('sts:AssumeRole', '*', { Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } }));
  const graph = (organization: string | null | undefined) =>
    awsGraph({
      [ACCT]: { organization, users: [{ name: 'bot', inline: [doc(allow('sts:AssumeRole'))] }, { name: 'scoped', inline: [callerPolicy] }] },
      [OTHER]: {
        roles: [
          { name: 'OrgWide', managed: ['AdministratorAccess'], trust: orgOnly },
          { name: 'OrgUsers', managed: ['AdministratorAccess'], trust: orgAndArn },
          { name: 'Open', managed: ['AdministratorAccess'], trust: trust.anyone() },
        ],
      },
    });

  it('the organisation named: firm routes', () => {
    const g = graph(ORG);
    expect(reaches(g, userId('bot'), roleId('OrgWide', OTHER))).toEqual({ conditional: false });
    expect(reaches(g, userId('bot'), roleId('OrgUsers', OTHER))).toEqual({ conditional: false });
    expect(reaches(g, userId('scoped'), roleId('Open', OTHER))).toEqual({ conditional: false });
  });

  it('another organisation: no route through the organisation condition', () => {
    const g = graph('o-zzzzzzzzzz');
    expect(reaches(g, userId('bot'), roleId('OrgWide', OTHER))).toBeUndefined();
    expect(reaches(g, userId('bot'), roleId('OrgUsers', OTHER))).toBeUndefined();
    expect(reaches(g, userId('scoped'), roleId('Open', OTHER))).toBeUndefined();
    expect(reaches(g, userId('bot'), roleId('Open', OTHER))).toEqual({ conditional: false });
  });

  it('in no organisation: the key is absent, StringEquals on it fails', () => {
    const g = graph(null);
    expect(reaches(g, userId('bot'), roleId('OrgWide', OTHER))).toBeUndefined();
    expect(reaches(g, userId('scoped'), roleId('Open', OTHER))).toBeUndefined();
  });

  it('not read: conditional routes, as before', () => {
    const g = graph(undefined);
    expect(reaches(g, userId('bot'), roleId('OrgWide', OTHER))).toEqual({ conditional: true });
    expect(reaches(g, userId('bot'), roleId('OrgUsers', OTHER))).toEqual({ conditional: true });
    expect(reaches(g, userId('scoped'), roleId('Open', OTHER))).toEqual({ conditional: true });
  });
});

/**
 * `${aws:ResourceOrgID}` in a trust policy is the organisation of the role's account: with both
 * organisations read, "the caller is in the role's organisation" is decided.
 */
describe('aws:ResourceOrgID in a trust policy, from the role account organization.json', () => {
  const sameOrg = trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalOrgID': '${aws:ResourceOrgID}' } } });
  const graph = (caller: string | null | undefined, owner: string | null | undefined) =>
    awsGraph({
      [ACCT]: { organization: caller, users: [{ name: 'bot', inline: [doc(allow('sts:AssumeRole'))] }], roles: [{ name: 'Local', managed: ['AdministratorAccess'], trust: sameOrg }] },
      [OTHER]: { organization: owner, roles: [{ name: 'Shared', managed: ['AdministratorAccess'], trust: sameOrg }] },
    });

  it('both in one organisation: firm routes, in the account and across', () => {
    const g = graph(ORG, ORG);
    expect(reaches(g, userId('bot'), roleId('Local'))).toEqual({ conditional: false });
    expect(reaches(g, userId('bot'), roleId('Shared', OTHER))).toEqual({ conditional: false });
  });

  it("the role's account in another organisation, or in none: no route across", () => {
    expect(reaches(graph(ORG, 'o-zzzzzzzzzz'), userId('bot'), roleId('Shared', OTHER))).toBeUndefined();
    expect(reaches(graph(ORG, null), userId('bot'), roleId('Shared', OTHER))).toBeUndefined();
  });

  it("the role's account organisation not read: conditional, as before", () => {
    const g = graph(ORG, undefined);
    expect(reaches(g, userId('bot'), roleId('Shared', OTHER))).toEqual({ conditional: true });
    expect(reaches(g, userId('bot'), roleId('Local'))).toEqual({ conditional: false });
    expect(reaches(graph(undefined, undefined), userId('bot'), roleId('Local'))).toEqual({ conditional: true });
  });
});
