/**
 * Escalation and evaluator defects found by an audit of the AWS evaluator, each checked against
 * the AWS documentation (cited per block).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSnapshotDir } from '../../src/cli/io.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { transformAws } from '../../src/connectors/aws/transform.js';
import { GraphBuilder } from '../../src/graph/graph.js';
import { ids } from '../../src/graph/ids.js';
import { ADMIN_TARGET, assessAdmin, claimFact, createEvaluator, findEscalationEdges, findEscalationPaths, probeResources, SOME_RESOURCE } from '../../src/aws/index.js';
import { ACCT, allow, awsPolicyArn, doc, groupArn, groupEntry, managedEntry, model, roleArn, roleEntry, trustService, trustTagging, userArn, userEntry } from './helpers.js';

const U = userArn('u');
const edgesFrom = (m: ReturnType<typeof model>, from: string) => findEscalationEdges(m).edges.filter((e) => e.from === from);

// IAM User Guide example "Limits managed policies that can be applied to an IAM user, group, or
// role": iam:PolicyARN in a Condition decides which managed policies Attach*Policy may attach.
// The AWS managed IAMFullAccess policy grants iam:* on every resource (AWS managed policy
// reference), so a principal that attaches it to itself can then write itself any policy.
describe('attach-policy methods: AdministratorAccess is not the only policy that escalates', () => {
  const attach = (Condition?: Record<string, unknown>) =>
    model({ users: [userEntry('u', { inline: [doc(allow('iam:AttachUserPolicy', U, Condition ? { Condition } : {}))] })] });
  const attachEdges = (Condition?: Record<string, unknown>) =>
    edgesFrom(attach(Condition), U)
      .filter((e) => e.method === 'iam-attach-user-policy')
      .map((e) => [e.to, e.conditional, e.reason]);

  it('every policy but AdministratorAccess: IAMFullAccess is attached instead (firm)', () => {
    const got = attachEdges({ ArnNotEquals: { 'iam:PolicyARN': awsPolicyArn('AdministratorAccess') } });
    expect(got).toEqual([[ADMIN_TARGET, false, 'u can call iam:AttachUserPolicy on itself and attach IAMFullAccess (iam:*), then grant itself anything']]);
  });

  it('near miss: no condition still names AdministratorAccess', () => {
    expect(attachEdges()).toEqual([[ADMIN_TARGET, false, 'u can call iam:AttachUserPolicy on itself and attach AdministratorAccess']]);
  });

  it('a condition that allows only other policies gives a conditional edge that says why', () => {
    const got = edgesFrom(attach({ ArnLike: { 'iam:PolicyARN': `arn:aws:iam::${ACCT}:policy/team-*` } }), U).filter((e) => e.method === 'iam-attach-user-policy');
    expect(got.map((e) => [e.to, e.conditional])).toEqual([[ADMIN_TARGET, true]]);
    expect(got[0].reason).toContain('neither AdministratorAccess nor IAMFullAccess');
    expect(got[0].undecided).toEqual(['ArnLike iam:PolicyARN']);
  });

  it('a condition that excludes both escalating policies by name, but not the rest, stays conditional', () => {
    const got = attachEdges({ ArnNotEquals: { 'iam:PolicyARN': [awsPolicyArn('AdministratorAccess'), awsPolicyArn('IAMFullAccess')] } });
    expect(got.map((e) => e[1])).toEqual([true]);
  });

  it('the group method tries IAMFullAccess too', () => {
    const m = model({
      users: [userEntry('u', { groups: ['g'], inline: [doc(allow('iam:AttachGroupPolicy', groupArn('g'), { Condition: { ArnNotEquals: { 'iam:PolicyARN': awsPolicyArn('AdministratorAccess') } } }))] })],
      groups: [groupEntry('g')],
    });
    const got = edgesFrom(m, U).filter((e) => e.method === 'iam-attach-group-policy');
    expect(got.map((e) => [e.to, e.conditional, e.via])).toEqual([[ADMIN_TARGET, false, groupArn('g')]]);
    expect(findEscalationPaths(m).paths.map((p) => p.principal)).toEqual([U]);
  });
});

// IAM User Guide, permissions boundaries: the effective permissions are what both the identity
// policies and the boundary allow. IAM API reference, CreatePolicyVersion: with SetAsDefault the
// new version becomes the policy's operative version at once. So a principal that may write a
// new default version of its own (customer managed) boundary policy can lift its cap, just like
// one that may replace or delete the boundary.
describe('rewriting its own permissions-boundary policy lifts the cap', () => {
  const PB = `arn:aws:iam::${ACCT}:policy/pb`;
  const bounded = (identity: Record<string, unknown>, boundary: Record<string, unknown>, boundaryArn = PB) =>
    model({ users: [userEntry('u', { inline: [identity], boundary: boundaryArn })], policies: [managedEntry(PB, boundary)] });
  const methodsOf = (m: ReturnType<typeof model>) => edgesFrom(m, U).map((e) => [e.method, e.to, e.conditional, e.via]);

  it('identity policies allow everything, the boundary allows CreatePolicyVersion on itself: a firm edge to admin', () => {
    const m = bounded(doc(allow('*')), doc(allow(['s3:*', 'iam:CreatePolicyVersion'])));
    expect(methodsOf(m)).toEqual([['iam-create-policy-version-permissions-boundary', ADMIN_TARGET, false, PB]]);
    expect(findEscalationPaths(m).paths.map((p) => p.principal)).toEqual([U]);
    expect(edgesFrom(m, U)[0].reason).toBe('u can call iam:CreatePolicyVersion on its own permissions boundary pb and make a new default version allowing everything, so its own policies are not capped any more');
  });

  it('near miss: the boundary does not allow CreatePolicyVersion', () => {
    expect(methodsOf(bounded(doc(allow('*')), doc(allow(['s3:*']))))).toEqual([]);
  });

  it('near miss: without the cap its own policies are not admin either', () => {
    expect(methodsOf(bounded(doc(allow(['s3:*', 'iam:CreatePolicyVersion'])), doc(allow('*'))))).toEqual([]);
  });

  it('an AWS managed boundary cannot be rewritten', () => {
    const m = model({ users: [userEntry('u', { inline: [doc(allow('*'))], boundary: awsPolicyArn('ReadOnlyAccess') })] });
    expect(edgesFrom(m, U).filter((e) => e.method.includes('policy-version'))).toEqual([]);
  });

  it('SetDefaultPolicyVersion on its own boundary: conditional (other versions are not compared)', () => {
    const m = bounded(doc(allow('*')), doc(allow(['s3:*', 'iam:SetDefaultPolicyVersion'])));
    expect(methodsOf(m)).toEqual([['iam-set-default-policy-version-permissions-boundary', ADMIN_TARGET, true, PB]]);
  });
});

// Service Authorization Reference, resource types: a Lambda function's ARN is
// arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME (region and account filled, ':' before the
// name); an EC2 instance's is arn:PARTITION:ec2:REGION:ACCOUNT:instance/ID ('/'); an IAM
// instance profile's has no region. IAM User Guide, ARN matching in Resource: each segment is
// matched on its own and `*`/`?` do not cross the ':' that separate segments, so an empty segment
// matches only an empty one, and a literal '/' never matches ':'.
describe('a Deny on the resource the caller creates follows real ARN matching', () => {
  const lambdaDeny = (Resource: string) =>
    model({
      users: [userEntry('u', { inline: [doc(allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction']), { Effect: 'Deny', Action: 'lambda:CreateFunction', Resource })] })],
      roles: [roleEntry('fnrole', trustService('lambda.amazonaws.com'), { attached: [awsPolicyArn('AdministratorAccess')] })],
    });
  const someResource = (m: ReturnType<typeof model>, action: string) => createEvaluator(m).canDo(U, action, SOME_RESOURCE).decision;
  const passrole = (m: ReturnType<typeof model>) => edgesFrom(m, U).filter((e) => e.method === 'iam-passrole-lambda-invoke').map((e) => e.conditional);

  it.each([
    ['an empty region and account', 'arn:aws:lambda:::function:*'],
    ['an empty account', 'arn:aws:lambda:*::function:*'],
    ["'/' instead of ':' before the function name", 'arn:aws:lambda:*:*:function/*'],
  ])('%s never matches a function: the route stays firm', (_name, resource) => {
    const m = lambdaDeny(resource);
    expect(createEvaluator(m).canDo(U, 'lambda:CreateFunction', `arn:aws:lambda:us-east-1:${ACCT}:function:evil`).decision).toBe('allow');
    expect(someResource(m, 'lambda:CreateFunction')).toBe('allow');
    expect(passrole(m)).toEqual([false]);
  });

  it('near miss: the same Deny written right blocks the route', () => {
    const m = lambdaDeny('arn:aws:lambda:*:*:function:*');
    expect(someResource(m, 'lambda:CreateFunction')).toBe('deny');
    expect(passrole(m)).toEqual([]);
  });

  const anyDeny = (action: string, Resource: string) => model({ users: [userEntry('u', { inline: [doc(allow('*'), { Effect: 'Deny', Action: action, Resource })] })] });
  it("EC2 instances are instance/ID: a Deny on instance:* does not cover a new instance; instance/* does", () => {
    expect(someResource(anyDeny('ec2:RunInstances', 'arn:aws:ec2:*:*:instance:*'), 'ec2:RunInstances')).toBe('allow');
    expect(someResource(anyDeny('ec2:RunInstances', 'arn:aws:ec2:*:*:instance/*'), 'ec2:RunInstances')).toBe('deny');
  });

  it("a Deny on the caller's own account by policy variable covers its new functions; by a variable whose value is not known it only might", () => {
    // `${aws:PrincipalAccount}` holds a colon: cut as written, the ARN named no function at all.
    expect(someResource(anyDeny('lambda:CreateFunction', 'arn:aws:lambda:*:${aws:PrincipalAccount}:function:*'), 'lambda:CreateFunction')).toBe('deny');
    // The aws:PrincipalTag of a role whose sessions may be tagged is not known (session tags replace the role's tags).
    // (Allow lambda:*, not *: a principal that may tag itself has tags nhiscan cannot know.)
    const byTag = [doc(allow('lambda:*'), { Effect: 'Deny', Action: 'lambda:CreateFunction', Resource: 'arn:aws:lambda:*:${aws:PrincipalTag/home}:function:*' })];
    const tagged = model({ users: [userEntry('u', { inline: byTag, tags: { home: ACCT } }), userEntry('untagged', { inline: byTag })], roles: [roleEntry('r', trustTagging(), { inline: byTag, tags: { home: ACCT } })] });
    expect(createEvaluator(tagged).canDo(roleArn('r'), 'lambda:CreateFunction', SOME_RESOURCE).decision).toBe('conditional');
    // A user's tags are known when it may not change them; without the tag the entry matches nothing (policy variables with no value).
    expect(someResource(tagged, 'lambda:CreateFunction')).toBe('deny');
    expect(createEvaluator(tagged).canDo(userArn('untagged'), 'lambda:CreateFunction', SOME_RESOURCE).decision).toBe('allow');
    // Near miss: another account's functions, written out, never cover the caller's.
    expect(someResource(anyDeny('lambda:CreateFunction', 'arn:aws:lambda:*:999988887777:function:*'), 'lambda:CreateFunction')).toBe('allow');
  });

  it('an instance profile has no region: a Deny naming one does not cover it; an empty region does', () => {
    expect(someResource(anyDeny('iam:CreateInstanceProfile', `arn:aws:iam:us-east-1:${ACCT}:instance-profile/*`), 'iam:CreateInstanceProfile')).toBe('allow');
    expect(someResource(anyDeny('iam:CreateInstanceProfile', `arn:aws:iam::${ACCT}:instance-profile/*`), 'iam:CreateInstanceProfile')).toBe('deny');
    expect(someResource(anyDeny('iam:CreateInstanceProfile', `arn:aws:iam:*:${ACCT}:instance-profile/*`), 'iam:CreateInstanceProfile')).toBe('deny');
  });
});

// Service Authorization Reference: an action with a resource type is authorized against the ARN
// of the resource it acts on (a role, an object, a secret…), and only an action with no resource
// type against `*`. So admin-equivalence asks the former about an ARN of that type.
describe('assessAdmin asks resource-level actions about a real ARN, not the string "*"', () => {
  const assess = (...statements: Record<string, unknown>[]) => assessAdmin(createEvaluator(model({ users: [userEntry('u', { inline: [doc(...statements)] })] })), U);

  it('ec2:RunInstances is asked as a launch: allowed on instances alone (and everything else) is not admin, as the escalation search says', () => {
    const rest = { Effect: 'Allow', NotAction: 'ec2:RunInstances', Resource: '*' };
    expect(assess(rest, allow('ec2:RunInstances', `arn:aws:ec2:*:${ACCT}:instance/*`))).toEqual({ status: 'not-admin', missing: 'ec2:RunInstances' });
    // Near miss: every type a launch names, over two statements.
    const types = ['instance/*', 'network-interface/*', 'security-group/*', 'subnet/*'].map((t) => `arn:aws:ec2:*:${ACCT}:${t}`);
    expect(assess(rest, allow('ec2:RunInstances', types), allow('ec2:RunInstances', 'arn:aws:ec2:*::image/*'))).toEqual({ status: 'admin' });
  });

  it('a Deny on every bucket, secret and key is not admin', () => {
    const a = assess(allow('*'), { Effect: 'Deny', Action: ['s3:*', 'secretsmanager:*', 'kms:*'], Resource: ['arn:aws:s3:::*', 'arn:aws:secretsmanager:*:*:secret:*', 'arn:aws:kms:*:*:key/*'] });
    expect(a).toEqual({ status: 'not-admin', missing: 's3:GetObject' });
  });

  // Service Authorization Reference, AWS Organizations, "Actions defined by AWS Organizations":
  // CreatePolicy lists the `policy` resource type as required (ARN
  // arn:${Partition}:organizations::${Account}:policy/o-${OrganizationId}/${PolicyType}/p-${PolicyId}),
  // with the condition keys aws:RequestTag/${TagKey}, aws:ResourceTag/${TagKey}, aws:TagKeys and
  // organizations:PolicyType. So it is asked about a service control policy's ARN, not "*".
  const everyArn = allow('*', ['arn:aws:*:*:*:*', 'arn:aws:s3:::*']);
  const scpArns = `arn:aws:organizations::${ACCT}:policy/*/service_control_policy/*`;
  it('an Allow of everything on every ARN is admin: it covers the new policy\'s ARN too', () => {
    expect(assess(everyArn)).toEqual({ status: 'admin' });
  });

  it('CreatePolicy allowed on the service control policies of the account, by ARN, is admin', () => {
    expect(assess(everyArn, { Effect: 'Deny', Action: 'organizations:*', NotResource: scpArns })).toEqual({ status: 'admin' });
  });

  it('near miss: a Deny of CreatePolicy on every service control policy ARN is not admin', () => {
    expect(assess(allow('*'), { Effect: 'Deny', Action: 'organizations:CreatePolicy', Resource: 'arn:aws:organizations::*:policy/*/service_control_policy/*' })).toEqual({
      status: 'not-admin',
      missing: 'organizations:CreatePolicy',
    });
  });

  it('near miss: CreatePolicy allowed only for tag policies is not organisation control', () => {
    const exceptOrganizations = allow('*', ['arn:aws:iam::*:*', 'arn:aws:sts::*:*', 'arn:aws:ec2:*:*:*', 'arn:aws:lambda:*:*:*', 'arn:aws:ssm:*:*:*', 'arn:aws:s3:::*', 'arn:aws:secretsmanager:*:*:*', 'arn:aws:kms:*:*:*']);
    expect(assess(exceptOrganizations, allow('organizations:CreatePolicy', `arn:aws:organizations::${ACCT}:policy/*/tag_policy/*`))).toEqual({ status: 'not-admin', missing: 'organizations:CreatePolicy' });
    expect(assess(exceptOrganizations, allow('organizations:CreatePolicy', scpArns))).toEqual({ status: 'admin' });
  });

  it('the CreatePolicy probe is a service control policy ARN in the principal\'s partition and account', () => {
    expect(probeResources(['organizations:CreatePolicy'], U, ACCT)).toEqual([`arn:aws:organizations::${ACCT}:policy/o-nhiscanprobe/service_control_policy/p-nhiscanprobe`]);
  });

  it('near miss: an Allow on every ARN of another account is not admin', () => {
    expect(assess(allow('*', ['arn:aws:*:*:444455556666:*', 'arn:aws:s3:::*'])).status).toBe('not-admin');
  });

  it('roles are asked in the principal\'s own partition and account', () => {
    // An AMI's ARN has no account (arn:aws:ec2:REGION::image/ami-…): a launch needs it allowed too.
    expect(assess(allow('*', [`arn:aws:iam::${ACCT}:*`, `arn:aws:*:*:${ACCT}:*`, 'arn:aws:s3:::*', 'arn:aws:ec2:*::image/*']))).toEqual({ status: 'admin' });
    expect(assess(allow('*', [`arn:aws:iam::${ACCT}:*`, `arn:aws:*:*:${ACCT}:*`, 'arn:aws:s3:::*']))).toEqual({ status: 'not-admin', missing: 'ec2:RunInstances' });
    expect(assess(allow('*', ['arn:aws-cn:*:*:*:*', 'arn:aws-cn:s3:::*'])).status).toBe('not-admin');
  });
});

// IAM User Guide, condition element: when a Condition block has several operators (or keys),
// all of them must hold (AND); only the values listed for one key are alternatives (OR). So a
// StringEquals that pins :sub is not loosened by a StringLike "*" on the same key beside it.
describe('GitHub OIDC sub conditions combine by the strictest operator', () => {
  const SUB = 'token.actions.githubusercontent.com:sub';
  it('StringEquals pinned AND StringLike "*": pinned to the StringEquals value', () => {
    expect(claimFact({ StringEquals: { [SUB]: ['repo:o/r:ref:refs/heads/main'] }, StringLike: { [SUB]: ['*'] } }, SUB)).toMatchObject({ status: 'pinned', values: ['repo:o/r:ref:refs/heads/main'] });
  });
  it('StringLike repo:o/* AND StringLike repo:o/r:*: the pattern values of both, still a wildcard', () => {
    expect(claimFact({ StringLike: { [SUB]: ['repo:o/*'] }, 'ForAnyValue:StringLike': { [SUB]: ['repo:o/r:*'] } }, SUB).status).toBe('wildcard');
  });
  it('a pinned value the other operator refuses is dropped', () => {
    expect(claimFact({ StringEquals: { [SUB]: ['repo:o/r:ref:refs/heads/main', 'repo:x/y:ref:refs/heads/main'] }, StringLike: { [SUB]: ['repo:o/*'] } }, SUB)).toMatchObject({ status: 'pinned', values: ['repo:o/r:ref:refs/heads/main'] });
  });
  it('near miss: StringLike "*" alone is any', () => {
    expect(claimFact({ StringLike: { [SUB]: ['*'] } }, SUB).status).toBe('any');
  });

  it('the graph has no "any repository" origin for such a role', () => {
    const snap = readSnapshotDir(fileURLToPath(new URL('../fixtures/aws-authz/cli', import.meta.url)));
    const key = `aws/${ACCT}/authorization-details.json`;
    const gaad = structuredClone(snap.files[key]) as { RoleDetailList: unknown[] };
    gaad.RoleDetailList.push(
      roleEntry('gh-audit', doc({
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', [SUB]: 'repo:o/r:ref:refs/heads/main' }, StringLike: { [SUB]: '*' } },
      })),
    );
    const b = new GraphBuilder();
    transformAws({ ...snap, files: { ...snap.files, [key]: gaad } }, b, DEFAULT_CONFIG);
    const g = b.build();
    const origins = g.in(ids.awsPrincipal(ACCT, `arn:aws:iam::${ACCT}:role/gh-audit`), 'FEDERATES_TO').map((e) => g.node(e.from)!.name);
    expect(origins).toEqual(['GitHub repo:o/r:ref:refs/heads/main']);
  });
});

// STS API reference, AssumeRole: in the same account, either an identity policy allowing
// sts:AssumeRole (when the trust policy trusts the account) or the user named directly in the trust
// policy. A trust policy on `*` names no one directly: it is read like the account, and an
// identity Allow is still needed (the documented behaviour for a named user is in
// privesc-aws-docs.test.ts).
describe('a same-account trust on "*" needs an identity Allow, like a trust on the account', () => {
  const star = (identity: Record<string, unknown>) =>
    model({
      users: [userEntry('u', { inline: [identity] })],
      roles: [
        roleEntry('admin', doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalAccount': ACCT } } }), {
          attached: [awsPolicyArn('AdministratorAccess')],
        }),
      ],
    });
  const toAdmin = (m: ReturnType<typeof model>) => edgesFrom(m, U).filter((e) => e.method === 'sts-assume-role').map((e) => [e.to, e.conditional]);
  it('without an identity Allow: no edge', () => {
    expect(toAdmin(star(doc(allow('s3:GetObject'))))).toEqual([]);
  });
  it('near miss: with an identity Allow on sts:AssumeRole: a firm edge', () => {
    expect(toAdmin(star(doc(allow('sts:AssumeRole'))))).toEqual([[`arn:aws:iam::${ACCT}:role/admin`, false]]);
  });
});
