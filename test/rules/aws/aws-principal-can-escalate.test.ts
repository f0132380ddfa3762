import { describe, it, expect } from 'vitest';
import rule from '../../../rules/aws/aws-principal-can-escalate.js';
import { runRule } from '../../helpers/rule-tester.js';
import { ACCT, NOW, OTHER, allow, awsGraph, deny, doc, oneAccount, roleArn, roleId, ruleCases, trust, userArn, userId, type AccountSpec } from '../../helpers/aws-builders.js';

const admin = (name = 'admin-role') => ({ name, trust: trust.account(ACCT), managed: ['AdministratorAccess'] });
const lambdaAdmin = { name: 'lambda-admin', trust: trust.service('lambda.amazonaws.com'), managed: ['AdministratorAccess'] };
const lambdaReader = { name: 'lambda-reader', trust: trust.service('lambda.amazonaws.com'), managed: ['AmazonS3ReadOnlyAccess'] };
/** The attacker with one customer managed policy attached. */
const selfService = (d: Record<string, unknown>) =>
  oneAccount({ users: [{ name: 'attacker', managed: [`arn:aws:iam::${ACCT}:policy/self-service`] }], policies: { 'self-service': d } });
const attacker = (inline: Record<string, unknown>[], extra: AccountSpec = {}) => oneAccount({ ...extra, users: [{ name: 'attacker', inline }, ...(extra.users ?? [])] });

describe('aws-principal-can-escalate', () => {
  ruleCases(rule, [
    {
      name: 'iam:CreatePolicyVersion: rewrites the customer policy attached to itself',
      graph: () => selfService(doc(allow('iam:CreatePolicyVersion'))),
      subject: userId('attacker'),
      verdict: 'fail',
      severities: ['high'],
      then: (f) => {
        expect(f[0].path).toHaveLength(1);
        expect(f[0].path![0]).toMatchObject({ type: 'CAN_ESCALATE_TO', hidden: true, conditional: false });
        expect(f[0].args.target).toBe(`AWS account ${ACCT} administrator`);
      },
    },
    {
      name: 'iam:CreateAccessKey on an administrator user: two hops',
      graph: () => attacker([doc(allow('iam:CreateAccessKey', userArn('boss')))], { users: [{ name: 'boss', managed: ['AdministratorAccess'] }] }),
      subject: userId('attacker'),
      verdict: 'fail',
      severities: ['high'],
      then: (f) => {
        expect(f[0].path!.map((h) => h.toName)).toEqual(['boss', `AWS account ${ACCT} administrator`]);
        expect(f[0].path![1].type).toBe('GRANTED');
      },
    },
    {
      name: 'iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction with an administrator Lambda role',
      graph: () => attacker([doc(allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction']))], { roles: [lambdaAdmin] }),
      subject: userId('attacker'),
      verdict: 'fail',
      then: (f) => expect(f[0].path![0].toName).toBe('lambda-admin'),
    },
    {
      name: 'sts:AssumeRole on an administrator role that trusts the account',
      graph: () => attacker([doc(allow('sts:AssumeRole', roleArn('admin-role')))], { roles: [admin()] }),
      subject: userId('attacker'),
      verdict: 'fail',
      then: (f) => expect(f[0].path![0].type).toBe('CAN_ASSUME'),
    },
    {
      name: 'a chain: assume a role that can attach policies to itself',
      graph: () =>
        attacker([doc(allow('sts:AssumeRole', roleArn('helper')))], {
          roles: [{ name: 'helper', trust: trust.account(ACCT), inline: [doc(allow('iam:AttachRolePolicy', roleArn('helper')))] }],
        }),
      subject: userId('attacker'),
      verdict: 'fail',
      then: (f) => expect(f[0].path!.map((h) => h.toName)).toEqual(['helper', `AWS account ${ACCT} administrator`]),
    },
    {
      name: 'an escalation that depends on MFA is reported at medium with a note (as a conditional administrator)',
      graph: () => attacker([doc(allow('iam:AttachUserPolicy', userArn('attacker'), { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }))]),
      subject: userId('attacker'),
      verdict: 'fail',
      severities: ['medium'],
      then: (f) => expect(f[0].messageId).toBe('conditional'),
    },
    { name: 'decoy: CreatePolicyVersion explicitly denied', graph: () => selfService(doc(allow('iam:CreatePolicyVersion'), deny('iam:CreatePolicyVersion'))), subject: userId('attacker'), verdict: 'pass' },
    { name: 'decoy: CreatePolicyVersion granted in an inline policy (no managed policy to rewrite)', graph: () => attacker([doc(allow('iam:CreatePolicyVersion'))]), subject: userId('attacker'), verdict: 'pass' },
    { name: 'decoy: PassRole + Lambda, but the only Lambda role reads S3', graph: () => attacker([doc(allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction']))], { roles: [lambdaReader] }), subject: userId('attacker'), verdict: 'pass' },
    {
      name: 'decoy: PassRole limited to the harmless role',
      graph: () => attacker([doc(allow('iam:PassRole', roleArn('lambda-reader')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction']))], { roles: [lambdaAdmin, lambdaReader] }),
      subject: userId('attacker'),
      verdict: 'pass',
    },
    {
      name: 'decoy: a condition that can never hold (expired date)',
      graph: () => attacker([doc(allow('iam:AttachUserPolicy', userArn('attacker'), { Condition: { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } }))]),
      subject: userId('attacker'),
      verdict: 'pass',
    },
    { name: 'decoy: CreateAccessKey only for itself', graph: () => attacker([doc(allow('iam:CreateAccessKey', userArn('attacker')))], { users: [{ name: 'boss', managed: ['AdministratorAccess'] }] }), subject: userId('attacker'), verdict: 'pass' },
    { name: 'decoy: AssumeRole on an administrator role that does not trust it', graph: () => attacker([doc(allow('sts:AssumeRole'))], { roles: [{ ...admin(), trust: trust.principal(userArn('someone-else')) }], users: [{ name: 'someone-else' }] }), subject: userId('attacker'), verdict: 'pass' },
    { name: 'administrators are out of scope (aws-principal-admin reports them)', graph: () => oneAccount({ roles: [admin()] }), subject: roleId('admin-role'), verdict: 'pass' },
    {
      name: 'an escalation step behind an unreadable policy: a conditional route, never a firm one nor none',
      graph: () => oneAccount({ users: [{ name: 'attacker', inline: [doc(allow('iam:AttachUserPolicy'))], managed: [`arn:aws:iam::${ACCT}:policy/not-exported`] }] }),
      subject: userId('attacker'),
      verdict: 'fail',
      severities: ['medium'],
      then: (f) => expect(f[0].path!.every((h) => h.conditional)).toBe(true),
    },
  ]);

  it('prefers a longer route that needs no condition over a shorter conditional one', () => {
    const g = attacker(
      [doc(allow('iam:AttachUserPolicy', userArn('attacker'), { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }), allow('iam:CreateAccessKey', userArn('boss')))],
      { users: [{ name: 'boss', managed: ['AdministratorAccess'] }] },
    );
    const run = runRule(rule, g, { now: NOW });
    const f = run.findings.find((x) => x.subject.id === userId('attacker'))!;
    expect(f.severity).toBe('high');
    expect(f.path!.map((h) => h.toName)).toEqual(['boss', `AWS account ${ACCT} administrator`]);
    expect(f.path!.every((h) => !h.conditional)).toBe(true);
  });

  it('a conditional administrator: its own conditional grant is the route, named; a firm route around the condition is high', () => {
    // AdministratorAccess, IAM writes denied without MFA: conditionally an administrator. Its
    // conditional steps to other principals are left out (the GRANTED edge stands for them).
    const mfaDeny = deny(['iam:Create*', 'iam:Put*', 'iam:Attach*', 'iam:Update*', 'iam:AddUserToGroup'], '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } });
    const g = oneAccount({ users: [{ name: 'mfa-ops', managed: ['AdministratorAccess'], inline: [doc(mfaDeny)] }, { name: 'boss', managed: ['AdministratorAccess'] }] });
    const f = runRule(rule, g, { now: NOW }).findings.filter((x) => x.subject.id === userId('mfa-ops'));
    expect(f.map((x) => [x.severity, x.messageId, x.evidence.methods])).toEqual([['medium', 'conditional', ['conditionally-admin']]]);
    expect(f[0].message).toContain('conditionally-admin -> ');
    expect(f[0].message).not.toContain('direct');
    // Passing an administrator role to Lambda needs no IAM write: a firm route, reported high.
    const firm = oneAccount({ users: [{ name: 'mfa-ops', managed: ['AdministratorAccess'], inline: [doc(mfaDeny)] }], roles: [lambdaAdmin] });
    const ff = runRule(rule, firm, { now: NOW }).findings.filter((x) => x.subject.id === userId('mfa-ops'));
    expect(ff.map((x) => [x.severity, x.path!.map((h) => h.toName)])).toEqual([['high', ['lambda-admin', `AWS account ${ACCT} administrator`]]]);
  });

  it('follows a role in another scanned account to that account\'s administrator', () => {
    const g = awsGraph({
      [ACCT]: { users: [{ name: 'attacker', inline: [doc(allow('sts:AssumeRole', roleArn('cross-admin', OTHER)))] }] },
      [OTHER]: { roles: [{ name: 'cross-admin', trust: trust.account(ACCT), managed: ['AdministratorAccess'] }] },
    });
    const run = runRule(rule, g, { now: NOW });
    const f = run.findings.filter((x) => x.subject.id === userId('attacker'));
    expect(f.map((x) => x.args.target)).toEqual([`AWS account ${OTHER} administrator`]);
    expect(run.verdicts.get(roleId('cross-admin', OTHER))).toBe('pass');
  });
});
