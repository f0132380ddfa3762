/**
 * Escalation edges checked against the AWS documentation (reviewer's probes): service trust of
 * passed roles, Deny on wildcard ARNs for "create" actions, permissions boundaries on trust-only
 * routes, unreadable policies, and methods from Rhino Security Labs' list.
 */
import { describe, expect, it } from 'vitest';
import { findEscalationEdges, parseAuthorizationDetails } from '../../src/aws/index.js';
import { ACCT, allow, authorizationDetails, doc, oneAccount, roleArn, roleId, userArn, userId, type AccountSpec } from '../helpers/aws-builders.js';

const passer = { name: 'dev', inline: [doc(allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction']))] };
const edgesOf = (spec: AccountSpec, from: string) =>
  findEscalationEdges(parseAuthorizationDetails(authorizationDetails(ACCT, spec) as never)).edges.filter((e) => e.from === from);

describe('pass-role targets: the service trust is evaluated (AWS: a role passed to a service is used only if its trust policy lets the service call sts:AssumeRole)', () => {
  const lambdaAdmin = (...Statement: Record<string, unknown>[]): AccountSpec => ({ users: [passer], roles: [{ name: 'LAdmin', managed: ['AdministratorAccess'], trust: doc(...Statement) }] });
  const svc = { Service: 'lambda.amazonaws.com' };

  it('F1: a Deny on the service blocks the pass-role edge', () => {
    const spec = lambdaAdmin({ Effect: 'Allow', Principal: svc, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: svc, Action: 'sts:AssumeRole' });
    expect(edgesOf(spec, userArn('dev')).filter((e) => e.to === roleArn('LAdmin'))).toEqual([]);
    expect(oneAccount(spec).out(userId('dev')).filter((e) => e.to === roleId('LAdmin'))).toEqual([]);
  });

  it('F2: an aws:SourceArn condition the snapshot cannot decide gives a conditional edge, not a firm one', () => {
    const spec = lambdaAdmin({ Effect: 'Allow', Principal: svc, Action: 'sts:AssumeRole', Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:lambda:us-east-1:${ACCT}:function:prod` } } });
    const e = edgesOf(spec, userArn('dev')).filter((x) => x.to === roleArn('LAdmin'));
    expect(e.map((x) => [x.method, x.conditional])).toEqual([['iam-passrole-lambda-invoke', true]]);
    expect(e[0].undecided).toEqual(['ArnEquals aws:SourceArn']);
    const g = oneAccount(spec).out(userId('dev')).filter((x) => x.to === roleId('LAdmin'));
    expect(g.length).toBeGreaterThan(0);
    expect(g.every((x) => x.conditional === true)).toBe(true);
  });

  it('F3: a service statement that allows only sts:TagSession gives no edge', () => {
    const spec = lambdaAdmin({ Effect: 'Allow', Principal: svc, Action: 'sts:TagSession' });
    expect(edgesOf(spec, userArn('dev')).filter((e) => e.to === roleArn('LAdmin'))).toEqual([]);
  });

  it('a plain service trust still gives a firm edge', () => {
    const spec = lambdaAdmin({ Effect: 'Allow', Principal: svc, Action: 'sts:AssumeRole' });
    expect(edgesOf(spec, userArn('dev')).filter((e) => e.to === roleArn('LAdmin')).map((e) => e.conditional)).toEqual([false]);
  });
});
