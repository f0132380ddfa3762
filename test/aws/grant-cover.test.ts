import { describe, expect, it } from 'vitest';
import { createEvaluator, principalsOf, SOME_RESOURCE, probeResources, type ResourceQuery } from '../../src/aws/index.js';
import { answerAccount, coveredGrantActions } from '../../src/connectors/aws/account-answers.js';
import { allow, awsPolicyArn, deny, doc, managedEntry, model, policyArn, userArn, userEntry } from './helpers.js';

const ADMIN = awsPolicyArn('AdministratorAccess');

const WRITER = policyArn('writer');
const broken = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*' }] };

describe('grant answers asked only where a policy covers the action (coveredGrantActions)', () => {
  // Principals share the writer policy, so its cover mask is built once and reused: each must
  // still get its own answer (boundary, an extra Deny, an unreadable policy).
  const m = model({
    users: [
      userEntry('plain', { attached: [WRITER] }),
      userEntry('bounded', { attached: [WRITER], boundary: policyArn('reader') }),
      userEntry('denied', { attached: [WRITER], inline: [doc(deny('s3:PutObject'))] }),
      userEntry('unread', { attached: [WRITER], inline: [broken] }),
      userEntry('unread-boundary', { attached: [WRITER], boundary: policyArn('missing') }),
      userEntry('mfa', { attached: [WRITER], inline: [doc(allow(['secretsmanager:GetSecretValue', 'iam:PassRole'], '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }))] }),
      userEntry('admin', { attached: [ADMIN] }),
      userEntry('nothing'),
    ],
    policies: [
      managedEntry(WRITER, doc(allow(['s3:PutObject', 'sqs:SendMessage'], '*'))),
      managedEntry(policyArn('reader'), doc(allow(['s3:GetObject', 'sqs:SendMessage'], '*'))),
      managedEntry(ADMIN, doc(allow('*', '*'))),
    ],
  });
  const now = new Date('2026-01-01T00:00:00Z');

  it('gives, per principal, exactly the answers of asking the evaluator every action', () => {
    const answers = answerAccount(m, createEvaluator(m, { now }));
    const ev = createEvaluator(m, { now });
    const lists: Array<[keyof (typeof answers.grants)[number], string[], boolean]> = [
      ['secrets', ['secretsmanager:GetSecretValue', 'kms:Decrypt', 'ssm:GetParameter', 'ssm:GetParameters'], true],
      ['identity', ['iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateRole', 'iam:PutUserPolicy', 'iam:AttachUserPolicy', 'iam:UpdateAssumeRolePolicy', 'iam:PassRole'], true],
      ['write', ['s3:PutObject', 's3:DeleteObject', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'sns:Publish', 'ses:SendEmail', 'sqs:SendMessage', 'lambda:InvokeFunction'], false],
      ['read', ['s3:GetObject', 'dynamodb:GetItem', 'dynamodb:Query', 'logs:GetLogEvents', 'ec2:DescribeInstances'], false],
      ['invoke', ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', 'bedrock:InvokeAgent', 'sagemaker:InvokeEndpoint'], false],
    ];
    principalsOf(m).forEach((p, i) => {
      const s = ev.subject(p.arn)!;
      for (const [name, actions, probed] of lists) {
        const resources: ReadonlyArray<ResourceQuery> = probed ? probeResources(actions, p.arn, s.facts.accountId) : actions.map(() => SOME_RESOURCE);
        const d = actions.map((a, k) => ev.decide(s, a, resources[k]).decision);
        const allowed = actions.filter((_, k) => d[k] === 'allow' || d[k] === 'conditional');
        const unread = actions.filter((_, k) => d[k] === 'unknown');
        const want: Record<string, unknown> = { allowed, conditional: allowed.length > 0 && !d.includes('allow') };
        if (unread.length > 0) want.unread = unread;
        expect(answers.grants[i][name], `${p.name} ${name}`).toStrictEqual(want);
      }
      // None of these principals' policies names a model-invocation action.
      expect(answers.grants[i].invokeNamed, p.name).toEqual([]);
    });
    const g = (name: string) => answers.grants[principalsOf(m).findIndex((p) => p.arn === userArn(name))];
    // The shared policy's answer differs by what else each principal has.
    expect(g('plain').write.allowed).toEqual(['s3:PutObject', 'sqs:SendMessage']);
    expect(g('bounded').write.allowed).toEqual(['sqs:SendMessage']);
    expect(g('denied').write.allowed).toEqual(['sqs:SendMessage']);
    // An unreadable policy may deny anything: even the actions the shared policy allows are unread.
    expect(g('unread').write.unread).toEqual(['s3:PutObject', 's3:DeleteObject', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'sns:Publish', 'ses:SendEmail', 'sqs:SendMessage', 'lambda:InvokeFunction']);
    // An unreadable boundary leaves unread what the identity policies allow, nothing else.
    expect(g('unread-boundary').write).toEqual({ allowed: [], conditional: false, unread: ['s3:PutObject', 'sqs:SendMessage'] });
    expect(g('unread-boundary').read).toEqual({ allowed: [], conditional: false });
    expect(g('mfa').secrets).toEqual({ allowed: ['secretsmanager:GetSecretValue'], conditional: true });
    expect(g('admin').invoke.allowed.length).toBe(4);
    expect(g('nothing').write).toEqual({ allowed: [], conditional: false });
  });

  it('marks a boundary-only cover and an unreadable policy as covered', () => {
    const ev = createEvaluator(m, { now });
    const bounded = coveredGrantActions(ev.subject(userArn('bounded'))!);
    const plain = coveredGrantActions(ev.subject(userArn('plain'))!);
    // s3:GetObject is covered only by the boundary.
    expect(bounded).not.toBe(plain);
    expect(coveredGrantActions(ev.subject(userArn('unread'))!)).toBe(-1);
    expect(coveredGrantActions(ev.subject(userArn('nothing'))!)).toBe(0);
  });
});
