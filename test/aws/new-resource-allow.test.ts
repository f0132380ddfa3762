import { describe, expect, it } from 'vitest';
import { createEvaluator, findEscalationEdges, SOME_RESOURCE } from '../../src/aws/index.js';
import { ACCT, allow, awsPolicyArn, doc, managedEntry, model, roleArn, roleEntry, trustService, trustTagging, userArn, userEntry } from './helpers.js';

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

  it('ec2:RunInstances: every type a launch names must be allowed, by one statement or several', () => {
    const some = ['instance/*', 'network-interface/*', 'security-group/*', 'subnet/*'].map((t) => `arn:aws:ec2:*:${ACCT}:${t}`);
    const image = 'arn:aws:ec2:*::image/*';
    // In one statement, split over two statements (a common least-privilege shape), or over two policies: allowed.
    expect(decision([doc(allow('ec2:RunInstances', [...some, image]))], 'ec2:RunInstances')).toBe('allow');
    expect(decision([doc(allow('ec2:RunInstances', some), allow('ec2:RunInstances', image))], 'ec2:RunInstances')).toBe('allow');
    expect(decision([doc(allow('ec2:RunInstances', some)), doc(allow('ec2:RunInstances', image))], 'ec2:RunInstances')).toBe('allow');
    // The instances alone (a common mistake: the launch also needs the image, subnet, interface and group): not allowed.
    expect(decision([doc(allow('ec2:RunInstances', `arn:aws:ec2:*:${ACCT}:instance/*`))], 'ec2:RunInstances')).toBe('implicit-deny');
    // Every type but the image: not allowed either.
    expect(decision([doc(allow('ec2:RunInstances', some))], 'ec2:RunInstances')).toBe('implicit-deny');
    // None of its types: not.
    expect(decision([doc(allow('ec2:RunInstances', 'arn:aws:s3:::bucket/*'))], 'ec2:RunInstances')).toBe('implicit-deny');
  });

  it('ec2:RunInstances: a type allowed only under a condition leaves the launch conditional; a NotResource counts per type', () => {
    const some = ['instance/*', 'network-interface/*', 'security-group/*', 'subnet/*'].map((t) => `arn:aws:ec2:*:${ACCT}:${t}`);
    const mfa = { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } };
    expect(decision([doc(allow('ec2:RunInstances', some), allow('ec2:RunInstances', 'arn:aws:ec2:*::image/*', mfa))], 'ec2:RunInstances')).toBe('conditional');
    // A NotResource listing only the subnets leaves the subnet type unallowed by it, and allows the rest.
    expect(decision([doc({ Effect: 'Allow', Action: 'ec2:RunInstances', NotResource: 'arn:aws:ec2:*:*:subnet/*' })], 'ec2:RunInstances')).toBe('implicit-deny');
    expect(decision([doc({ Effect: 'Allow', Action: 'ec2:RunInstances', NotResource: 'arn:aws:ec2:*:*:subnet/*' }, allow('ec2:RunInstances', `arn:aws:ec2:*:${ACCT}:subnet/*`))], 'ec2:RunInstances')).toBe('allow');
  });

  it('ec2:RunInstances: a permissions boundary must allow every type too', () => {
    const m = model({
      users: [userEntry('u', { inline: [doc(allow('*'))], boundary: `arn:aws:iam::${ACCT}:policy/only-instances` })],
      policies: [managedEntry(`arn:aws:iam::${ACCT}:policy/only-instances`, doc(allow('ec2:RunInstances', `arn:aws:ec2:*:${ACCT}:instance/*`)))],
    });
    expect(createEvaluator(m, { now }).canDo(userArn('u'), 'ec2:RunInstances', SOME_RESOURCE).decision).toBe('implicit-deny');
    const wide = model({
      users: [userEntry('u', { inline: [doc(allow('*'))], boundary: `arn:aws:iam::${ACCT}:policy/ec2` })],
      policies: [managedEntry(`arn:aws:iam::${ACCT}:policy/ec2`, doc(allow('ec2:RunInstances', `arn:aws:ec2:*:${ACCT}:instance/*`), allow('ec2:*', '*')))],
    });
    expect(createEvaluator(wide, { now }).canDo(userArn('u'), 'ec2:RunInstances', SOME_RESOURCE).decision).toBe('allow');
  });

  it('reads the caller\'s account and the region it picks into the ARN', () => {
    expect(decision([doc(allow('lambda:CreateFunction', 'arn:aws:lambda:*:${aws:PrincipalAccount}:function:*'))], 'lambda:CreateFunction')).toBe('allow');
    // The request goes to the region the caller picks: any region, not one value it is given.
    expect(decision([doc(allow('lambda:CreateFunction', `arn:aws:lambda:\${aws:RequestedRegion}:${ACCT}:function:*`))], 'lambda:CreateFunction')).toBe('allow');
  });

  it("a NotResource naming every function of the caller's own account by variable allows none; by a variable whose value is not known, maybe", () => {
    expect(decision([doc({ Effect: 'Allow', Action: 'lambda:CreateFunction', NotResource: 'arn:aws:lambda:*:${aws:PrincipalAccount}:function:*' })], 'lambda:CreateFunction')).toBe('implicit-deny');
    const byTag = [doc({ Effect: 'Allow', Action: 'lambda:CreateFunction', NotResource: 'arn:aws:lambda:*:${aws:PrincipalTag/acct}:function:*' })];
    // The tags of a role whose sessions may be tagged are not known (session tags replace the
    // role's): one account, which may or may not be the caller's.
    const m = model({ users: [userEntry('own', { inline: byTag, tags: { acct: ACCT } }), userEntry('other', { inline: byTag, tags: { acct: '999988887777' } }), userEntry('untagged', { inline: byTag })], roles: [roleEntry('r', trustTagging(), { inline: byTag, tags: { acct: ACCT } })] });
    const ev = createEvaluator(m, { now });
    expect(ev.canDo(roleArn('r'), 'lambda:CreateFunction', SOME_RESOURCE).decision).toBe('conditional');
    // A user's tags are known: its own account lists every function it could create; another leaves them out.
    expect(ev.canDo(userArn('own'), 'lambda:CreateFunction', SOME_RESOURCE).decision).toBe('implicit-deny');
    expect(ev.canDo(userArn('other'), 'lambda:CreateFunction', SOME_RESOURCE).decision).toBe('allow');
    // Without the tag the entry matches nothing (IAM User Guide, policy variables with no value): nothing is left out.
    expect(ev.canDo(userArn('untagged'), 'lambda:CreateFunction', SOME_RESOURCE).decision).toBe('allow');
  });

  it('gives no firm pass-role escalation from an Allow that cannot name the new resource', () => {
    const m = model({
      users: [
        userEntry('launcher', { inline: [doc(allow('iam:PassRole', roleArn('ec2-admin')), allow('ec2:RunInstances', 'arn:aws:s3:::bucket/*'))] }),
        userEntry('instances-only', { inline: [doc(allow('iam:PassRole', roleArn('ec2-admin')), allow('ec2:RunInstances', `arn:aws:ec2:*:${ACCT}:instance/*`))] }),
        userEntry('dev', { inline: [doc(allow('iam:PassRole', roleArn('lambda-admin')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction'], 'arn:aws:lambda:*:999988887777:function:*'))] }),
        userEntry('own', { inline: [doc(allow('iam:PassRole', roleArn('lambda-admin')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction'], `arn:aws:lambda:*:${ACCT}:function:*`))] }),
      ],
      roles: [roleEntry('ec2-admin', trustService('ec2.amazonaws.com'), { attached: [ADMIN], instanceProfile: true }), roleEntry('lambda-admin', trustService('lambda.amazonaws.com'), { attached: [ADMIN] })],
    });
    const edges = findEscalationEdges(m, { now }).edges;
    const from = (u: string, method: string) => edges.filter((e) => e.from === userArn(u) && e.method === method);
    expect(from('launcher', 'iam-passrole-ec2')).toEqual([]);
    expect(from('instances-only', 'iam-passrole-ec2')).toEqual([]);
    expect(from('dev', 'iam-passrole-lambda-invoke')).toEqual([]);
    // Near miss: its own account's functions.
    expect(from('own', 'iam-passrole-lambda-invoke').filter((e) => !e.conditional).length).toBeGreaterThan(0);
  });
});
