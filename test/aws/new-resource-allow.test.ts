import { describe, expect, it } from 'vitest';
import { createEvaluator, findEscalationEdges, SOME_RESOURCE } from '../../src/aws/index.js';
import { ACCT, allow, awsPolicyArn, doc, model, roleArn, roleEntry, trustService, userArn, userEntry } from './helpers.js';

// An Allow asked about a resource the caller creates or picks: a request is allowed only when
// each resource it is authorized against is (IAM User Guide, policy evaluation logic; Service
// Authorization Reference: lambda:CreateFunction is authorized against the function,
// ec2:RunInstances against the image, instance, network interface, security group and subnet).
const ADMIN = awsPolicyArn('AdministratorAccess');
const now = new Date('2025-01-01T00:00:00Z');
function decision(policies: Record<string, unknown>[], action: string) {
  const m = model({ users: [userEntry('u', { inline: policies })] });
  return createEvaluator(m, { now }).canDo(userArn('u'), action, SOME_RESOURCE).decision;
}

describe('an Allow on a resource the caller creates', () => {
  it('lets nobody create what its Resource cannot name: another account, another service, a NotResource of every function', () => {
    expect(decision([doc({ Effect: 'Allow', Action: 'lambda:CreateFunction', NotResource: 'arn:aws:lambda:*:*:function:*' })], 'lambda:CreateFunction')).toBe('implicit-deny');
    expect(decision([doc(allow('lambda:CreateFunction', 'arn:aws:lambda:*:999988887777:function:*'))], 'lambda:CreateFunction')).toBe('implicit-deny');
    expect(decision([doc(allow('lambda:CreateFunction', 'arn:aws:s3:::bucket/*'))], 'lambda:CreateFunction')).toBe('implicit-deny');
    // `function/NAME` is no Lambda ARN (`function:NAME`).
    expect(decision([doc(allow('lambda:CreateFunction', `arn:aws:lambda:us-east-1:${ACCT}:function/app`))], 'lambda:CreateFunction')).toBe('implicit-deny');
  });

  it('near miss: a name the caller can pick, in its own account, a NotResource of other names, or * still allows', () => {
    expect(decision([doc(allow('lambda:CreateFunction', `arn:aws:lambda:*:${ACCT}:function:app-*`))], 'lambda:CreateFunction')).toBe('allow');
    expect(decision([doc(allow('lambda:CreateFunction', `arn:aws:lambda:us-east-1:${ACCT}:function:exactly-this`))], 'lambda:CreateFunction')).toBe('allow');
    expect(decision([doc({ Effect: 'Allow', Action: 'lambda:CreateFunction', NotResource: `arn:aws:lambda:*:*:function:prod-*` })], 'lambda:CreateFunction')).toBe('allow');
    expect(decision([doc(allow('ec2:RunInstances', '*'))], 'ec2:RunInstances')).toBe('allow');
  });

  it('ec2:RunInstances: the types it names may be allowed by different statements, so each statement that allows one counts', () => {
    const some = ['instance/*', 'network-interface/*', 'security-group/*', 'subnet/*'].map((t) => `arn:aws:ec2:*:${ACCT}:${t}`);
    // In one statement, or split over two (a common least-privilege shape): allowed.
    expect(decision([doc(allow('ec2:RunInstances', [...some, 'arn:aws:ec2:*::image/*']))], 'ec2:RunInstances')).toBe('allow');
    expect(decision([doc(allow('ec2:RunInstances', some), allow('ec2:RunInstances', 'arn:aws:ec2:*::image/*'))], 'ec2:RunInstances')).toBe('allow');
    // None of its types: not.
    expect(decision([doc(allow('ec2:RunInstances', 'arn:aws:s3:::bucket/*'))], 'ec2:RunInstances')).toBe('implicit-deny');
  });

  it('reads a policy variable in the ARN as standing for any value of its segment', () => {
    expect(decision([doc(allow('lambda:CreateFunction', 'arn:aws:lambda:*:${aws:PrincipalAccount}:function:*'))], 'lambda:CreateFunction')).toBe('allow');
    expect(decision([doc(allow('lambda:CreateFunction', `arn:aws:lambda:\${aws:RequestedRegion}:${ACCT}:function:*`))], 'lambda:CreateFunction')).toBe('allow');
  });

  it('gives no firm pass-role escalation from an Allow that cannot name the new resource', () => {
    const m = model({
      users: [
        userEntry('launcher', { inline: [doc(allow('iam:PassRole', roleArn('ec2-admin')), allow('ec2:RunInstances', 'arn:aws:s3:::bucket/*'))] }),
        userEntry('dev', { inline: [doc(allow('iam:PassRole', roleArn('lambda-admin')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction'], 'arn:aws:lambda:*:999988887777:function:*'))] }),
        userEntry('own', { inline: [doc(allow('iam:PassRole', roleArn('lambda-admin')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction'], `arn:aws:lambda:*:${ACCT}:function:*`))] }),
      ],
      roles: [roleEntry('ec2-admin', trustService('ec2.amazonaws.com'), { attached: [ADMIN], instanceProfile: true }), roleEntry('lambda-admin', trustService('lambda.amazonaws.com'), { attached: [ADMIN] })],
    });
    const edges = findEscalationEdges(m, { now }).edges;
    const from = (u: string, method: string) => edges.filter((e) => e.from === userArn(u) && e.method === method);
    expect(from('launcher', 'iam-passrole-ec2')).toEqual([]);
    expect(from('dev', 'iam-passrole-lambda-invoke')).toEqual([]);
    // Near miss: its own account's functions.
    expect(from('own', 'iam-passrole-lambda-invoke').filter((e) => !e.conditional).length).toBeGreaterThan(0);
  });
});
