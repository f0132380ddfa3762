import { describe, expect, it } from 'vitest';
import { createEvaluator, findEscalationEdges } from '../../src/aws/index.js';
import { allow, awsPolicyArn, doc, model, roleArn, roleEntry, trustAccount, trustService } from './helpers.js';

// A role session's aws:PrincipalTag values are the role's tags, replaced by session tags passed when
// it was assumed (IAM User Guide, "Passing session tags in AWS STS"). Passing them needs
// sts:TagSession allowed by the role's trust policy: a role whose trust policy allows it to no one
// has exactly its own tags (unless it may change them: test/aws/self-tagging.test.ts); any other
// role's tags are not known.
const now = new Date('2025-01-01T00:00:00Z');
const ADMIN = awsPolicyArn('AdministratorAccess');
const tagging = (service: string) => doc({ Effect: 'Allow', Principal: { Service: service }, Action: ['sts:AssumeRole', 'sts:TagSession'] });
// No tagging action (iam:UpdateAssumeRolePolicy here would let the role change its own tags).
const teamRoles = doc(allow(['iam:PutRolePolicy', 'sts:AssumeRole'], 'arn:aws:iam::*:role/${aws:PrincipalTag/team}-*'));
const targets = [roleEntry('red-app', trustAccount(), { attached: [ADMIN] }), roleEntry('blue-app', trustAccount(), { attached: [ADMIN] })];

describe("a role's principal tags", () => {
  it('are its own tags when no session can be tagged: a team-named resource gives firm edges to its team only', () => {
    const m = model({ roles: [roleEntry('worker', trustService('ec2.amazonaws.com'), { inline: [teamRoles], tags: { team: 'red' } }), ...targets] });
    const edges = findEscalationEdges(m, { now }).edges.filter((e) => e.from === roleArn('worker'));
    expect(edges.length).toBeGreaterThan(0);
    expect(edges.every((e) => e.to === roleArn('red-app') && !e.conditional)).toBe(true);
  });

  it('near miss: a trust policy allowing sts:TagSession leaves the tag unknown, so every role is a conditional target', () => {
    const m = model({ roles: [roleEntry('worker', tagging('pods.eks.amazonaws.com'), { inline: [teamRoles], tags: { team: 'red' } }), ...targets] });
    const edges = findEscalationEdges(m, { now }).edges.filter((e) => e.from === roleArn('worker'));
    expect(new Set(edges.map((e) => e.to))).toEqual(new Set([roleArn('red-app'), roleArn('blue-app')]));
    expect(edges.every((e) => e.conditional)).toBe(true);
  });

  it('a condition on a tag the role does not have never holds when no session can be tagged; it might when one can', () => {
    const gated = doc(allow('s3:GetObject', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/EnableReads': 'true' } } }));
    const m = model({ roles: [roleEntry('plain', trustService('events.amazonaws.com'), { inline: [gated] }), roleEntry('tagged-sessions', tagging('pods.eks.amazonaws.com'), { inline: [gated] }), roleEntry('unread', { Version: '2012-10-17', Statement: 'nonsense' }, { inline: [gated] })] });
    const ev = createEvaluator(m, { now });
    expect(ev.canDo(roleArn('plain'), 's3:GetObject', 'arn:aws:s3:::b/k').decision).toBe('implicit-deny');
    expect(ev.canDo(roleArn('tagged-sessions'), 's3:GetObject', 'arn:aws:s3:::b/k').decision).toBe('conditional');
    // A trust policy that could not be read may allow sts:TagSession.
    expect(ev.canDo(roleArn('unread'), 's3:GetObject', 'arn:aws:s3:::b/k').decision).toBe('conditional');
    expect(m.roles.get(roleArn('unread'))!.trustPolicy.ok).toBe(false);
  });
});
