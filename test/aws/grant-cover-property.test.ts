import { describe, expect, it } from 'vitest';
import { createEvaluator, SOME_RESOURCE } from '../../src/aws/index.js';
import { coveredGrantActions } from '../../src/connectors/aws/account-answers.js';
import { ACCT, doc, managedEntry, model, policyArn, userArn, userEntry } from '../aws/helpers.js';
type Doc = Record<string, unknown>;
let seed = 99;
// The draw takes the generator's high bits: the low bits of a power-of-two LCG repeat with short
// periods (bit 0 alternates, bits 0-1 cycle every 4 draws), so `seed % n` for an even n followed
// the call order, and of the 36 pairs of statement shapes below only 5 were ever drawn.
const rnd = (n: number) => { seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff; return (seed >>> 8) % n; };
const pick = <T,>(a: readonly T[]): T => a[rnd(a.length)];
const GRANT = ['secretsmanager:GetSecretValue', 'kms:Decrypt', 'ssm:GetParameter', 'ssm:GetParameters', 'iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateRole', 'iam:PutUserPolicy', 'iam:AttachUserPolicy', 'iam:UpdateAssumeRolePolicy', 'iam:PassRole', 's3:PutObject', 's3:DeleteObject', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'sns:Publish', 'ses:SendEmail', 'sqs:SendMessage', 'lambda:InvokeFunction', 's3:GetObject', 'dynamodb:GetItem', 'dynamodb:Query', 'logs:GetLogEvents', 'ec2:DescribeInstances', 'bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', 'bedrock:InvokeAgent', 'sagemaker:InvokeEndpoint'];
const ACT = ['*', 'IAM:*', 'iam:Pass*', 'S3:Get*', 's3:*Object', 'SSM:GetParameter?', 'bedrock:Invoke*', '*:Invoke*', 'kms:*', 'sts:AssumeRole', 'ec2:Describe*', '?3:GetObject', 'nhiscanprobe:*'];
const stmt = (): Doc => ({ Effect: rnd(3) ? 'Allow' : 'Deny', ...(rnd(4) === 0 ? { NotAction: pick(ACT) } : { Action: rnd(2) ? pick(ACT) : [pick(ACT), pick(ACT)] }), Resource: '*' });
/** Effect, and NotAction, one action or two: what the draws above choose between. */
const shape = (st: Doc): string => `${String(st.Effect)} ${st.NotAction !== undefined ? 'not' : Array.isArray(st.Action) ? 'two' : 'one'}`;
const broken = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*' }] };
describe('grant-cover masks, against asking the evaluator (seeded random policies)', () => {
  it('an action outside the mask is an implicit deny', () => {
    let skipped = 0;
    const pairs = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const withB = rnd(3) === 0;
      const inline = rnd(20) === 0 ? undefined : [stmt(), stmt()];
      if (inline) pairs.add(inline.map(shape).join(', '));
      const m = model({ users: [userEntry('u', { inline: [inline ? doc(...inline) : broken], ...(withB ? { boundary: policyArn('b') } : {}) })], policies: [managedEntry(policyArn('b'), rnd(6) === 0 ? broken : doc(stmt()))] });
      const ev = createEvaluator(m);
      const s = ev.subject(userArn('u'))!;
      const mask = coveredGrantActions(s);
      GRANT.forEach((a, k) => {
        if ((mask & (1 << k)) !== 0) return;
        skipped++;
        expect([a, ev.decide(s, a, SOME_RESOURCE).decision, ev.decide(s, a, `arn:aws:s3:::x/y`).decision]).toEqual([a, 'implicit-deny', 'implicit-deny']);
      });
    }
    // The seeded policies leave thousands of questions uncovered (18,774 with this seed): the check has cases.
    expect(skipped).toBeGreaterThan(500);
    // Every pair of statement shapes (2 effects x 3 action forms, squared) was drawn.
    expect(pairs.size).toBe(36);
  });
});
