/**
 * The work the evaluator and the escalation search share between principals (bound policies,
 * per-principal pre-filter answers, one identity answer for every role) must never carry one
 * principal's answer to another whose answer differs.
 */
import { describe, expect, it } from 'vitest';
import { createEvaluator, findEscalationEdges } from '../../src/aws/index.js';
import { allow, doc, managedEntry, model, policyArn, roleArn, roleEntry, trustAccount, trustService, userArn, userEntry } from './helpers.js';

const now = new Date('2025-06-01T00:00:00Z');

describe('bound policies shared between subjects', () => {
  it('keep whether a managed policy grants (attached) or caps (boundary)', () => {
    const shared = policyArn('shared');
    const m = model({
      users: [userEntry('granted', { attached: [shared] }), userEntry('capped', { attached: [policyArn('wide')], boundary: shared })],
      policies: [managedEntry(shared, doc(allow('s3:GetObject'))), managedEntry(policyArn('wide'), doc(allow('s3:*')))],
    });
    const ev = createEvaluator(m, { now });
    const uses = (user: string) => ev.canDo(userArn(user), 's3:GetObject', '*').statements.map((st) => `${st.policyName}:${st.use}`);
    expect(uses('granted')).toEqual(['shared:identity']);
    expect(uses('capped')).toEqual(['wide:identity', 'shared:boundary']);
    // The other order of first use gives the same.
    const ev2 = createEvaluator(m, { now });
    expect(ev2.canDo(userArn('capped'), 's3:GetObject', '*').statements.map((st) => st.use)).toEqual(['identity', 'boundary']);
    expect(ev2.canDo(userArn('granted'), 's3:GetObject', '*').statements.map((st) => st.use)).toEqual(['identity']);
  });
});

describe('one request environment per evaluator', () => {
  it('answers each principal with its own name, ARN and tags under the same policy', () => {
    const home = policyArn('home');
    const m = model({
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
    const ev = createEvaluator(m, { now });
    const ask = (user: string, action: string, resource: string) => ev.decide(userArn(user), action, resource).decision;
    for (let round = 0; round < 2; round++) {
      expect(ask('alice', 's3:GetObject', 'arn:aws:s3:::home/alice/x')).toBe('allow');
      expect(ask('bob', 's3:GetObject', 'arn:aws:s3:::home/alice/x')).toBe('implicit-deny');
      expect(ask('alice', 'sqs:SendMessage', '*')).toBe('allow');
      expect(ask('bob', 'sqs:SendMessage', '*')).toBe('implicit-deny');
      expect(ask('alice', 'sns:Publish', '*')).toBe('implicit-deny');
      expect(ask('bob', 'sns:Publish', '*')).toBe('allow');
    }
  });
});

describe('the escalation search', () => {
  it('asks each principal its own pre-filter (one without rights does not hide the next one)', () => {
    const m = model({
      users: [userEntry('a-nothing', { inline: [doc(allow('s3:GetObject'))] }), userEntry('b-passer', { inline: [doc(allow(['iam:PassRole', 'ec2:RunInstances']))] })],
      roles: [roleEntry('ec2-role', trustService('ec2.amazonaws.com'), { instanceProfile: true })],
    });
    const edges = findEscalationEdges(m, { now }).edges.filter((e) => e.method === 'iam-passrole-ec2');
    expect(edges.map((e) => `${e.from} -> ${e.to}`)).toEqual([`${userArn('b-passer')} -> ${roleArn('ec2-role')}`]);
  });

  it('asks sts:AssumeRole role by role when the answer depends on the role', () => {
    const m = model({
      users: [
        // Allowed on one role only: the answer for the first candidate is not the answer for all.
        userEntry('picky', { inline: [doc(allow('sts:AssumeRole', roleArn('z-wanted')))] }),
        userEntry('anywhere', { inline: [doc(allow('sts:AssumeRole'))] }),
      ],
      roles: [roleEntry('a-other', trustAccount()), roleEntry('z-wanted', trustAccount())],
    });
    const edges = findEscalationEdges(m, { now }).edges.filter((e) => e.method === 'sts-assume-role');
    expect(edges.map((e) => `${e.from.slice(e.from.lastIndexOf('/') + 1)} -> ${e.to.slice(e.to.lastIndexOf('/') + 1)}`)).toEqual([
      'anywhere -> a-other',
      'anywhere -> z-wanted',
      'picky -> z-wanted',
    ]);
  });
});

describe("canDo's statement lists belong to the caller", () => {
  it('can be extended without touching the next answer (the evaluator shares frozen lists inside)', () => {
    const m = model({
      users: [userEntry('u', { inline: [doc(allow('iam:PassRole', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }))] })],
    });
    const ev = createEvaluator(m, { now });
    const first = ev.canDo(userArn('u'), 'iam:PassRole', '*').statements[0].undecided;
    expect(() => first.push('note')).not.toThrow();
    const next = ev.canDo(userArn('u'), 'iam:PassRole', '*').statements[0].undecided;
    expect(next).not.toContain('note');
    expect(next.length).toBeGreaterThan(0);
  });
});
