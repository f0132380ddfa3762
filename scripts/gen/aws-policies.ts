import type { Rng } from './prng.js';

type Statement = Record<string, unknown>;
export interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

const REGIONS = ['us-east-1', 'us-east-1', 'us-west-2', 'eu-west-1'];

/** A least-privilege-looking statement on one named resource of a common service. */
function scopedStatement(rng: Rng, account: string, name: string): Statement {
  const region = rng.pick(REGIONS);
  switch (rng.int(8)) {
    case 0:
      return { Effect: 'Allow', Action: rng.sample(['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:DeleteObject'], rng.range(1, 3)), Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`] };
    case 1:
      return { Effect: 'Allow', Action: rng.sample(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Scan'], rng.range(2, 4)), Resource: `arn:aws:dynamodb:${region}:${account}:table/${name}` };
    case 2:
      return { Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Resource: `arn:aws:sqs:${region}:${account}:${name}` };
    case 3:
      return { Effect: 'Allow', Action: 'sns:Publish', Resource: `arn:aws:sns:${region}:${account}:${name}` };
    case 4:
      return { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: `arn:aws:secretsmanager:${region}:${account}:secret:${name}-*` };
    case 5:
      return { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: `arn:aws:kms:${region}:${account}:key/${rng.uuid()}`, Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } } };
    case 6:
      return { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${name}:*` };
    default:
      return { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: `arn:aws:execute-api:${region}:${account}:${rng.chars('abcdefghijklmnopqrstuvwxyz0123456789', 10)}/prod/*` };
  }
}

/** Documents that hand out a way to become someone more powerful (the classic IAM privilege-escalation methods). */
function escalationStatements(rng: Rng, account: string): Statement[] {
  switch (rng.int(7)) {
    case 0:
      return [{ Effect: 'Allow', Action: ['iam:PassRole'], Resource: '*' }, { Effect: 'Allow', Action: ['lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*' }];
    case 1:
      return [{ Effect: 'Allow', Action: 'iam:CreatePolicyVersion', Resource: `arn:aws:iam::${account}:policy/*` }];
    case 2:
      return [{ Effect: 'Allow', Action: ['iam:AttachRolePolicy', 'iam:PutRolePolicy'], Resource: '*' }];
    case 3:
      return [{ Effect: 'Allow', Action: ['iam:CreateAccessKey'], Resource: `arn:aws:iam::${account}:user/*` }];
    case 4:
      return [{ Effect: 'Allow', Action: 'iam:UpdateAssumeRolePolicy', Resource: `arn:aws:iam::${account}:role/*` }];
    case 5:
      return [{ Effect: 'Allow', Action: ['iam:PassRole'], Resource: `arn:aws:iam::${account}:role/*` }, { Effect: 'Allow', Action: ['ec2:RunInstances', 'ec2:AssociateIamInstanceProfile'], Resource: '*' }];
    default:
      return [{ Effect: 'Allow', Action: ['iam:AttachUserPolicy', 'iam:PutUserPolicy', 'iam:AddUserToGroup'], Resource: '*' }];
  }
}

/**
 * A customer policy document. `risky` adds an escalation method; a few documents use NotAction,
 * Deny and conditions so the evaluator sees the whole grammar, not just Allow lists.
 */
export function customerPolicy(rng: Rng, account: string, name: string, risky: boolean): PolicyDocument {
  const statements: Statement[] = [];
  const n = rng.range(1, 4);
  for (let i = 0; i < n; i++) statements.push(scopedStatement(rng, account, `${name}${i ? `-${i}` : ''}`));
  if (risky) statements.push(...escalationStatements(rng, account));
  if (rng.chance(0.04)) statements.push({ Effect: 'Deny', NotAction: ['iam:Get*', 'iam:List*'], Resource: `arn:aws:iam::${account}:*`, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } });
  if (rng.chance(0.01)) statements.push({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::*:role/${name.split('-')[0]}-*` });
  if (rng.chance(0.02)) statements.push({ Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } });
  statements.forEach((s, i) => {
    if (rng.chance(0.5)) s.Sid = `S${i}`;
  });
  return { Version: '2012-10-17', Statement: statements };
}
