import { describe, expect, it } from 'vitest';
import { packAnswers, unpackAnswers, type AccountAnswers, type GrantAnswers } from '../../src/connectors/aws/account-answers.js';

const none = { allowed: [], conditional: false };
const grant = (over: Partial<GrantAnswers>): GrantAnswers => ({
  assessment: { status: 'not-admin', missing: 'iam:CreateUser' },
  secrets: none,
  identity: none,
  write: none,
  read: none,
  invoke: none,
  invokeNamed: [],
  ...over,
});
const PRINCIPALS = ['arn:aws:iam::111111111111:user/a', 'arn:aws:iam::111111111111:role/b', 'arn:aws:iam::111111111111:role/c'];
const answers = (grants: GrantAnswers[]): AccountAnswers => ({ escalation: { admins: [], edges: [], unknown: [], unusableTrust: [] }, grants, mayAssume: grants.map((_, i) => i % 2 === 0) });

describe('packed answers for the answer thread', () => {
  it('unpack to the same objects, key order included', () => {
    const a = answers([
      grant({ assessment: { status: 'admin' }, invoke: { allowed: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', 'sagemaker:InvokeEndpoint'], conditional: false }, invokeNamed: ['bedrock:InvokeModel', 'sagemaker:InvokeEndpoint'] }),
      grant({ assessment: { status: 'not-admin', missing: 'organizations:CreatePolicy' } }),
      grant({ assessment: { status: 'conditional', undecided: ['iam:CreateUser', 'kms:Decrypt'] } }),
      grant({ assessment: { status: 'unknown', undecided: ['organizations:CreatePolicy'] } }),
      grant({
        secrets: { allowed: ['kms:Decrypt', 'ssm:GetParameters'], conditional: true },
        identity: { allowed: [], conditional: false, unread: ['iam:CreateUser', 'iam:PassRole'] },
        write: { allowed: ['s3:PutObject', 'lambda:InvokeFunction'], conditional: false, unread: ['sqs:SendMessage'] },
        read: { allowed: ['s3:GetObject', 'dynamodb:GetItem', 'dynamodb:Query', 'logs:GetLogEvents', 'ec2:DescribeInstances'], conditional: false },
        invoke: { allowed: ['sagemaker:InvokeEndpoint'], conditional: true },
      }),
    ]);
    const [u, b, c] = PRINCIPALS;
    a.escalation.edges.push(
      { from: u, to: 'admin', method: 'iam-put-user-policy', reason: 'a can grant itself anything', conditional: false },
      { from: b, to: c, method: 'sts-assume-role', reason: 'b assumes c', conditional: true, undecided: ['Bool aws:MultiFactorAuthPresent'] },
      { from: c, to: u, method: 'iam-create-access-key', reason: 'c makes a key for a', conditional: false, via: 'arn:aws:iam::111111111111:policy/p' },
      { from: u, to: 'arn:aws:iam::222222222222:role/elsewhere', method: 'sts-assume-role', reason: 'a assumes a role elsewhere', conditional: false },
    );
    a.escalation.groups = [];
    const packed = packAnswers(a, PRINCIPALS);
    expect(packed).toBeDefined();
    expect(packed!.escalation.edges).toEqual([]);
    for (const receiver of [PRINCIPALS, undefined, ['arn:aws:iam::111111111111:user/other', b, c]]) {
      const back = unpackAnswers(packed!, receiver);
      expect(back).toStrictEqual(a);
      expect(JSON.stringify(back)).toBe(JSON.stringify(a));
    }
  });

  it('send edges that do not fit as they are', () => {
    const a = answers([grant({})]);
    a.escalation.edges.push({ from: 'arn:aws:iam::111111111111:user/not-listed', to: 'admin', method: 'm', reason: 'r', conditional: false });
    expect(packAnswers(a, PRINCIPALS)).toBeUndefined();
    const b = answers([grant({})]);
    b.escalation.edges.push({ from: PRINCIPALS[0], to: 'admin', method: 'm', reason: 'r', conditional: false, extra: 1 } as never);
    expect(packAnswers(b, PRINCIPALS)).toBeUndefined();
    const c = answers([grant({})]);
    c.escalation.edges.push({ conditional: false, from: PRINCIPALS[0], to: 'admin', method: 'm', reason: 'r' });
    expect(packAnswers(c, PRINCIPALS)).toBeUndefined();
    // A key the rebuilt edge would not have as its own (inherited).
    const d = answers([grant({})]);
    d.escalation.edges.push(Object.assign(Object.create({ via: 'v' }) as object, { from: PRINCIPALS[0], to: 'admin', method: 'm', reason: 'r', conditional: false }) as never);
    expect(packAnswers(d, PRINCIPALS)).toBeUndefined();
  });

  it('refuse what the packing cannot say, so it travels as it is', () => {
    expect(packAnswers(answers([grant({ secrets: { allowed: ['s3:GetObject'], conditional: false } })]), PRINCIPALS)).toBeUndefined();
    expect(packAnswers(answers([grant({ assessment: { status: 'not-admin', missing: 'iam:NotSensitive' } })]), PRINCIPALS)).toBeUndefined();
    expect(packAnswers(answers([grant({ assessment: { status: 'admin', undecided: ['iam:CreateUser'] } })]), PRINCIPALS)).toBeUndefined();
    expect(packAnswers(answers([grant({ assessment: { status: 'conditional' } })]), PRINCIPALS)).toBeUndefined();
    expect(packAnswers(answers([grant({ read: { allowed: [], conditional: false, unread: [] } })]), PRINCIPALS)).toBeUndefined();
  });
});
