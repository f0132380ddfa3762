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
  blanket: false,
  ...over,
});
const answers = (grants: GrantAnswers[]): AccountAnswers => ({ escalation: { admins: [], edges: [], unknown: [], unusableTrust: [] }, grants, mayAssume: grants.map((_, i) => i % 2 === 0) });

describe('packed answers for the answer thread', () => {
  it('unpack to the same objects, key order included', () => {
    const a = answers([
      grant({ assessment: { status: 'admin' }, blanket: true }),
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
    const packed = packAnswers(a);
    expect(packed).toBeDefined();
    const back = unpackAnswers(packed!);
    expect(back).toStrictEqual(a);
    expect(JSON.stringify(back)).toBe(JSON.stringify(a));
  });

  it('refuse what the packing cannot say, so it travels as it is', () => {
    expect(packAnswers(answers([grant({ secrets: { allowed: ['s3:GetObject'], conditional: false } })]))).toBeUndefined();
    expect(packAnswers(answers([grant({ assessment: { status: 'not-admin', missing: 'iam:NotSensitive' } })]))).toBeUndefined();
    expect(packAnswers(answers([grant({ assessment: { status: 'admin', undecided: ['iam:CreateUser'] } })]))).toBeUndefined();
    expect(packAnswers(answers([grant({ assessment: { status: 'conditional' } })]))).toBeUndefined();
    expect(packAnswers(answers([grant({ read: { allowed: [], conditional: false, unread: [] } })]))).toBeUndefined();
  });
});
