import { describe, expect, it } from 'vitest';
import { createEvaluator, findEscalationEdges } from '../../src/aws/index.js';
import { allow, awsPolicyArn, deny, doc, model, roleArn, roleEntry, trustAccount, userArn, userEntry } from './helpers.js';

// A user's aws:PrincipalTag/k is its IAM tag k, and absent when it has none. When an entry of its
// Tags list could not be read (the model marks the tags incomplete), a key not among the tags read
// may be that entry: its value is not known, neither absent nor any value.
const now = new Date('2025-01-01T00:00:00Z');
const ADMIN = awsPolicyArn('AdministratorAccess');

function withUnreadTag(entry: Record<string, unknown>): Record<string, unknown> {
  return { ...entry, Tags: [...(entry.Tags as unknown[]), { Key: 7, Value: 'red' }] };
}

describe('a user whose tag list could not be read whole', () => {
  const team = doc(allow(['sts:AssumeRole', 'iam:UpdateAssumeRolePolicy'], 'arn:aws:iam::*:role/${aws:PrincipalTag/team}-*'));
  const build = (user: Record<string, unknown>) => model({ users: [user], roles: [roleEntry('red-app', trustAccount(), { attached: [ADMIN] })] });

  it('reads a tag it may hold as not known: a resource named by it, or a condition on it, gives a conditional answer', () => {
    const m = build(withUnreadTag(userEntry('u', { inline: [team] })));
    expect(m.users.get(userArn('u'))!.tagsIncomplete).toBe(true);
    const edges = findEscalationEdges(m, { now }).edges;
    expect(edges.length).toBeGreaterThan(0);
    expect(edges.every((e) => e.conditional && e.to === roleArn('red-app'))).toBe(true);
    const ev = createEvaluator(m, { now });
    expect(ev.canDo(userArn('u'), 'sts:AssumeRole', roleArn('red-app')).decision).toBe('conditional');
    const byCondition = build(withUnreadTag(userEntry('u', { inline: [doc(allow('s3:GetObject', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red' } } }))] })));
    expect(createEvaluator(byCondition, { now }).canDo(userArn('u'), 's3:GetObject', 'arn:aws:s3:::b/k').decision).toBe('conditional');
    // A Deny on principals without the tag only might apply.
    const untaggedDeny = build(withUnreadTag(userEntry('u', { inline: [doc(allow('s3:GetObject'), deny('s3:GetObject', '*', { Condition: { Null: { 'aws:PrincipalTag/team': 'true' } } }))] })));
    expect(createEvaluator(untaggedDeny, { now }).canDo(userArn('u'), 's3:GetObject', 'arn:aws:s3:::b/k').decision).toBe('conditional');
  });

  it('near miss: a complete tag list without the key means the tag is absent; a key read is known', () => {
    const m = build(userEntry('u', { inline: [team] }));
    expect(findEscalationEdges(m, { now }).edges).toEqual([]);
    expect(createEvaluator(m, { now }).canDo(userArn('u'), 'sts:AssumeRole', roleArn('red-app')).decision).toBe('implicit-deny');
    const read = build(withUnreadTag(userEntry('u', { inline: [team], tags: { team: 'red' } })));
    expect(createEvaluator(read, { now }).canDo(userArn('u'), 'sts:AssumeRole', roleArn('red-app')).decision).toBe('allow');
  });
});
