/**
 * The evaluator remembers a shared policy's part in an answer, per action and resource, when its
 * statements read nothing but the resource (policyOutcomes in evaluate.ts). Principals that share
 * that policy but differ in anything else (name, tags, inline policies, boundary, account) must
 * still get their own answers, the same as an evaluator that remembers nothing would give.
 */
import { describe, expect, it } from 'vitest';
import { createEvaluator, parseAuthorizationDetails, SOME_RESOURCE, type AccountModel } from '../../src/aws/index.js';
import { compilePolicy, type ResourceQuery } from '../../src/aws/policy/compile.js';
import type { PolicyDocument } from '../../src/aws/policy/document.js';
import { ACCT, allow, awsPolicyArn, deny, doc, gaad, groupEntry, managedEntry, model, OTHER_ACCT, policyArn, userArn, userEntry } from './helpers.js';

const now = new Date('2025-06-01T00:00:00Z');

/** Each question asked of a fresh model (nothing remembered) and of `warm`, in the order given. */
function sameAsFresh(build: () => AccountModel, questions: Array<[string, string, ResourceQuery]>): void {
  const warm = createEvaluator(build(), { now });
  const answers = questions.map(([arn, action, resource]) => warm.decide(arn, action, resource));
  questions.forEach(([arn, action, resource], i) => {
    const fresh = createEvaluator(build(), { now }).decide(arn, action, resource);
    expect({ arn, action, answer: answers[i] }).toEqual({ arn, action, answer: fresh });
  });
}

/** The remembered answers of a managed policy of the model, by action id. */
function remembered(m: AccountModel, arn: string): number {
  const body = m.policies.get(arn)!.body;
  if (!body.ok) throw new Error('unreadable');
  const outcomes = compilePolicy(body.document as PolicyDocument).outcomes ?? [];
  return outcomes.reduce((n, memo) => n + (memo ? memo.size : 0), 0);
}

describe('remembered answers of a shared policy', () => {
  it('are used: a plain managed policy asked by two principals is remembered', () => {
    const shared = policyArn('shared');
    const m = model({
      users: [userEntry('a', { attached: [shared] }), userEntry('b', { attached: [shared] })],
      policies: [managedEntry(shared, doc(allow('s3:GetObject', 'arn:aws:s3:::bucket/*')))],
    });
    const ev = createEvaluator(m, { now });
    expect(ev.decide(userArn('a'), 's3:GetObject', 'arn:aws:s3:::bucket/x').decision).toBe('allow');
    expect(ev.decide(userArn('b'), 's3:GetObject', 'arn:aws:s3:::bucket/x').decision).toBe('allow');
    expect(ev.decide(userArn('b'), 's3:GetObject', 'arn:aws:s3:::other/x').decision).toBe('implicit-deny');
    expect(remembered(m, shared)).toBe(2);
  });

  it('keep the resource apart', () => {
    const shared = policyArn('shared');
    const build = () =>
      model({
        users: [userEntry('a', { attached: [shared] }), userEntry('b', { attached: [shared] })],
        policies: [managedEntry(shared, doc(allow('s3:GetObject', 'arn:aws:s3:::bucket/*'), deny('s3:GetObject', 'arn:aws:s3:::bucket/secret/*')))],
      });
    sameAsFresh(build, [
      [userArn('a'), 's3:GetObject', 'arn:aws:s3:::bucket/x'],
      [userArn('b'), 's3:GetObject', 'arn:aws:s3:::bucket/secret/y'],
      [userArn('a'), 's3:GetObject', 'arn:aws:s3:::bucket/secret/y'],
      [userArn('b'), 's3:GetObject', 'arn:aws:s3:::elsewhere/x'],
      [userArn('a'), 's3:GetObject', SOME_RESOURCE],
    ]);
    const ev = createEvaluator(build(), { now });
    expect(ev.decide(userArn('a'), 's3:GetObject', 'arn:aws:s3:::bucket/x').decision).toBe('allow');
    expect(ev.decide(userArn('b'), 's3:GetObject', 'arn:aws:s3:::bucket/secret/y').decision).toBe('deny');
  });

  it("keep each principal's inline policy and boundary apart from the shared policy", () => {
    const shared = policyArn('shared');
    const cap = policyArn('cap');
    const build = () =>
      model({
        users: [
          userEntry('plain', { attached: [shared] }),
          userEntry('denied', { attached: [shared], inline: [doc(deny('secretsmanager:GetSecretValue'))] }),
          userEntry('capped', { attached: [shared], boundary: cap }),
          userEntry('conditional', { attached: [shared], inline: [doc(deny('secretsmanager:GetSecretValue', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }))] }),
        ],
        policies: [managedEntry(shared, doc(allow(['secretsmanager:GetSecretValue', 's3:PutObject']))), managedEntry(cap, doc(allow('s3:*')))],
      });
    const secret = `arn:aws:secretsmanager:us-east-1:${ACCT}:secret:x`;
    const who = ['plain', 'denied', 'capped', 'conditional'].map((n) => userArn(n));
    sameAsFresh(build, [...who.map((u): [string, string, ResourceQuery] => [u, 'secretsmanager:GetSecretValue', secret]), ...who.map((u): [string, string, ResourceQuery] => [u, 's3:PutObject', SOME_RESOURCE])]);
    const ev = createEvaluator(build(), { now });
    expect(who.map((u) => ev.decide(u, 'secretsmanager:GetSecretValue', secret).decision)).toEqual(['allow', 'deny', 'implicit-deny', 'conditional']);
    expect(who.map((u) => ev.decide(u, 's3:PutObject', SOME_RESOURCE).decision)).toEqual(['allow', 'allow', 'allow', 'allow']);
  });

  it('are not kept for statements that read the principal (${aws:username}, tags, its ARN)', () => {
    const home = policyArn('home');
    const build = () =>
      model({
        users: [userEntry('alice', { attached: [home], tags: { team: 'red' } }), userEntry('bob', { attached: [home], tags: { team: 'blue' } })],
        policies: [
          managedEntry(
            home,
            doc(
              allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*'),
              allow('sqs:SendMessage', '*', { Condition: { StringEquals: { 'aws:PrincipalArn': userArn('alice') } } }),
              allow('sns:Publish', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } }),
            ),
          ),
        ],
      });
    const q: Array<[string, string, ResourceQuery]> = [];
    for (const u of ['alice', 'bob']) q.push([userArn(u), 's3:GetObject', 'arn:aws:s3:::home/alice/x'], [userArn(u), 'sqs:SendMessage', '*'], [userArn(u), 'sns:Publish', '*']);
    sameAsFresh(build, q);
    const m = build();
    const ev = createEvaluator(m, { now });
    expect(ev.decide(userArn('alice'), 's3:GetObject', 'arn:aws:s3:::home/alice/x').decision).toBe('allow');
    expect(ev.decide(userArn('bob'), 's3:GetObject', 'arn:aws:s3:::home/alice/x').decision).toBe('implicit-deny');
    expect(ev.decide(userArn('bob'), 'sns:Publish', '*').decision).toBe('allow');
    expect(ev.decide(userArn('alice'), 'sns:Publish', '*').decision).toBe('implicit-deny');
    expect(remembered(m, home)).toBe(0);
  });

  it("keep a Deny on a new resource apart per caller's account, when accounts share the policy document", () => {
    // An AWS managed policy of the same text in two accounts: one document, one compiled policy
    // (sharedDocuments). Its Deny covers every resource of one account: a new one the caller
    // creates there, and none it creates in the other.
    const sharedDocuments = new Map();
    const guard = awsPolicyArn('GuardAccess');
    const guardDoc = doc(allow('example:CreateThing'), deny('example:CreateThing', `arn:aws:example:*:${ACCT}:*`));
    const account = (acct: string) => {
      const user = { ...userEntry('u', { attached: [guard] }), Arn: userArn('u', acct) };
      return parseAuthorizationDetails(gaad({ users: [user], policies: [managedEntry(guard, guardDoc)] }), { sharedDocuments });
    };
    const mine = account(ACCT);
    const other = account(OTHER_ACCT);
    const docOf = (m: AccountModel) => (m.policies.get(guard)!.body as { document: unknown }).document;
    expect(docOf(mine)).toBe(docOf(other));
    // Asked first in the account the Deny names, then in the other one, then again.
    expect(createEvaluator(mine, { now }).decide(userArn('u', ACCT), 'example:CreateThing', SOME_RESOURCE).decision).toBe('deny');
    expect(createEvaluator(other, { now }).decide(userArn('u', OTHER_ACCT), 'example:CreateThing', SOME_RESOURCE).decision).toBe('allow');
    expect(createEvaluator(mine, { now }).decide(userArn('u', ACCT), 'example:CreateThing', SOME_RESOURCE).decision).toBe('deny');
  });

  it("keep a group's policies apart from members' own, and the undecided keys in policy order", () => {
    const shared = policyArn('shared');
    const build = () =>
      model({
        users: [
          userEntry('a', { groups: ['team'], inline: [doc(allow('kms:Decrypt', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }))] }),
          userEntry('b', { groups: ['team'], attached: [shared] }),
          userEntry('c', { attached: [shared] }),
        ],
        groups: [groupEntry('team', { inline: [doc(allow('kms:Decrypt', 'arn:aws:kms:*:*:key/*'))] })],
        policies: [managedEntry(shared, doc(deny('kms:Decrypt', 'arn:aws:kms:us-east-1:*:key/*')))],
      });
    const key = `arn:aws:kms:us-east-1:${ACCT}:key/k`;
    const q: Array<[string, string, ResourceQuery]> = [];
    for (const u of ['a', 'b', 'c', 'a']) q.push([userArn(u), 'kms:Decrypt', key], [userArn(u), 'kms:Decrypt', `arn:aws:kms:eu-west-1:${ACCT}:key/k`]);
    sameAsFresh(build, q);
    const ev = createEvaluator(build(), { now });
    expect(['a', 'b', 'c'].map((u) => ev.decide(userArn(u), 'kms:Decrypt', key).decision)).toEqual(['allow', 'deny', 'deny']);
  });
});
