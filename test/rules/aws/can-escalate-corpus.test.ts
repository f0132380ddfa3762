import { describe, it, expect } from 'vitest';
import rule from '../../../rules/aws/aws-principal-can-escalate.js';
import { runRule } from '../../helpers/rule-tester.js';
import { GraphBuilder } from '../../../src/graph/graph.js';
import { ids } from '../../../src/graph/ids.js';
import { transformAws } from '../../../src/connectors/aws/transform.js';
import { DEFAULT_CONFIG } from '../../../src/config/types.js';
import { findEscalationPaths, parseAuthorizationDetails } from '../../../src/aws/index.js';
import { ACCT, ADMIN_DOC, allow, awsPolicyArn, deny, doc, gaad, groupArn, groupEntry, managedEntry, policyArn, roleArn, roleEntry, trustPrincipal, trustService, userArn, userEntry } from '../../aws/helpers.js';

const NOW = '2025-06-01T00:00:00Z';
const ADMIN = awsPolicyArn('AdministratorAccess');
const ALICE = userArn('alice');

/**
 * A corpus of true escalation paths (u-*, r-*) and decoys (d-*), one per method family, in the
 * GAAD form the transform reads. The rule must report exactly the principals the escalation
 * library finds a path for, with the same conditional/unconditional split.
 */
const corpus = gaad({
  users: [
    userEntry('alice', { attached: [ADMIN] }),
    userEntry('u-cpv', { attached: [policyArn('cpv-policy')] }),
    userEntry('u-attach', { inline: [doc(allow('iam:AttachUserPolicy', `arn:aws:iam::${ACCT}:user/\${aws:username}`))] }),
    userEntry('u-grp-attach', { groups: ['g1'] }),
    userEntry('u-put', { inline: [doc(allow('iam:PutUserPolicy', userArn('u-put')))] }),
    userEntry('u-join', { inline: [doc(allow('iam:AddUserToGroup', groupArn('admins')))] }),
    userEntry('u-key', { inline: [doc(allow('iam:CreateAccessKey', userArn('*')))] }),
    userEntry('u-login', { inline: [doc(allow('iam:UpdateLoginProfile', ALICE))] }),
    userEntry('u-trust', { inline: [doc(allow(['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'], roleArn('locked-admin')))] }),
    userEntry('u-direct'),
    userEntry('u-lambda', { inline: [doc(allow('iam:PassRole', roleArn('lambda-admin')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction']))] }),
    userEntry('u-ec2', { inline: [doc(allow('iam:PassRole', '*', { Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } }), allow('ec2:RunInstances'))] }),
    userEntry('u-chain'),
    userEntry('u-mfa', { inline: [doc(allow('iam:CreateAccessKey', ALICE, { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }))] }),
    userEntry('d-deny', { inline: [doc(allow('iam:AttachUserPolicy', userArn('d-deny'))), doc(deny('iam:Attach*'))] }),
    userEntry('d-cond', { inline: [doc(allow('iam:CreateAccessKey', ALICE, { Condition: { StringEquals: { 'aws:username': 'bob' } } }))] }),
    userEntry('d-expired', { inline: [doc(allow('iam:CreateAccessKey', '*', { Condition: { DateLessThan: { 'aws:CurrentTime': '2024-01-01T00:00:00Z' } } }))] }),
    userEntry('d-resource', { inline: [doc(allow('iam:CreateAccessKey', userArn('svc-*')), allow('iam:PutUserPolicy', userArn('someone-else')))] }),
    // lambda:* too: lambda:UpdateFunctionCode on an existing function is itself a (conditional) route.
    userEntry('d-notaction', { inline: [doc({ Effect: 'Allow', NotAction: ['iam:*', 'sts:*', 'ssm:*', 'lambda:*'], Resource: '*' })] }),
    userEntry('d-trust', { inline: [doc(allow('sts:AssumeRole'))] }),
    userEntry('d-boundary', { inline: [doc(allow(['iam:AttachUserPolicy', 'iam:PutUserPolicy'], userArn('d-boundary')))], boundary: policyArn('iam-only-boundary') }),
    userEntry('d-service', { inline: [doc(allow('iam:PassRole', '*', { Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } }), allow(['lambda:CreateFunction', 'lambda:InvokeFunction']))] }),
    userEntry('d-ec2', { inline: [doc(allow('iam:PassRole', roleArn('ec2-noprofile')), allow('ec2:RunInstances'))] }),
    userEntry('d-join', { inline: [doc(allow('iam:AddUserToGroup', groupArn('readers')))] }),
  ],
  groups: [
    groupEntry('g1', { inline: [doc(allow('iam:AttachGroupPolicy', groupArn('g1')))] }),
    groupEntry('admins', { attached: [ADMIN] }),
    groupEntry('readers', { attached: [awsPolicyArn('ReadOnlyAccess')] }),
  ],
  roles: [
    roleEntry('admin-direct', trustPrincipal(userArn('u-direct')), { attached: [ADMIN] }),
    roleEntry('locked-admin', trustPrincipal(userArn('nobody')), { attached: [ADMIN] }),
    roleEntry('mid-role', trustPrincipal(userArn('u-chain')), { inline: [doc(allow('iam:CreateAccessKey', ALICE))] }),
    roleEntry('r-attach', trustService('ecs-tasks.amazonaws.com'), { inline: [doc(allow('iam:AttachRolePolicy', roleArn('r-attach')))] }),
    roleEntry('lambda-admin', trustService('lambda.amazonaws.com'), { attached: [ADMIN] }),
    roleEntry('ec2-admin', trustService('ec2.amazonaws.com'), { attached: [ADMIN], instanceProfile: true }),
    roleEntry('ec2-noprofile', trustService('ec2.amazonaws.com'), { attached: [ADMIN] }),
  ],
  policies: [
    managedEntry(ADMIN, ADMIN_DOC),
    managedEntry(awsPolicyArn('ReadOnlyAccess'), doc(allow(['s3:Get*', 's3:List*', 'iam:Get*', 'iam:List*', 'ec2:Describe*']))),
    managedEntry(policyArn('cpv-policy'), doc(allow('iam:CreatePolicyVersion', policyArn('cpv-*')))),
    managedEntry(policyArn('iam-only-boundary'), doc(allow(['iam:AttachUserPolicy', 'iam:PutUserPolicy']))),
  ],
});

describe('aws-principal-can-escalate on an escalation corpus', () => {
  const b = new GraphBuilder();
  transformAws({ manifest: { schemaVersion: 1, collectedAt: NOW, providers: { aws: { accounts: [{ accountId: ACCT }] } }, coverage: [] }, files: { [`aws/${ACCT}/authorization-details.json`]: corpus }, source: 'test' }, b, DEFAULT_CONFIG);
  const run = runRule(rule, b.build(), { now: NOW });
  const library = findEscalationPaths(parseAuthorizationDetails(corpus), { now: new Date(NOW) });
  const name = (id: string) => id.slice(id.lastIndexOf('/') + 1);

  it('reports exactly the principals the library finds a path for, and no decoy', () => {
    const reported = run.findings.map((f) => name(f.subject.id)).sort();
    expect(reported).toEqual(library.paths.map((p) => name(p.principal)).sort());
    expect(reported.filter((n) => n.startsWith('d-'))).toEqual([]);
    expect(reported).toEqual(expect.arrayContaining(['u-cpv', 'u-attach', 'u-grp-attach', 'u-put', 'u-join', 'u-key', 'u-login', 'u-trust', 'u-direct', 'u-lambda', 'u-ec2', 'u-chain', 'u-mfa', 'r-attach']));
  });

  it('keeps the library\'s conditional split: conditional routes are medium, firm routes high', () => {
    for (const p of library.paths) {
      const f = run.findings.find((x) => x.subject.id === ids.awsPrincipal(ACCT, p.principal))!;
      expect(f.severity, name(p.principal)).toBe(p.conditional ? 'medium' : 'high');
    }
    expect(run.findings.find((f) => name(f.subject.id) === 'u-mfa')!.severity).toBe('medium');
  });

  it('shows each hop of a chain', () => {
    const chain = run.findings.find((f) => name(f.subject.id) === 'u-chain')!;
    expect(chain.path!.map((h) => h.toName)).toEqual(['mid-role', 'alice', `AWS account ${ACCT} administrator`]);
    expect(chain.args.route).toMatch(/^sts-assume-role -> mid-role, iam-create-access-key -> alice$/);
  });

  it('passes every decoy and every administrator', () => {
    const checked = [...run.verdicts].filter(([id]) => /\/(d-[a-z0-9-]+|alice|admin-direct|lambda-admin)$/.test(id));
    expect(checked.map(([id]) => name(id)).sort()).toEqual(["admin-direct", "alice", "d-boundary", "d-cond", "d-deny", "d-ec2", "d-expired", "d-join", "d-notaction", "d-resource", "d-service", "d-trust", "lambda-admin"]);
    for (const [id, v] of checked) expect(v, id).toBe('pass');
  });
});
