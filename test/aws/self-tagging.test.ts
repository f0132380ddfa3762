import { describe, expect, it } from 'vitest';
import { createEvaluator } from '../../src/aws/index.js';
import { allow, deny, doc, model, policyArn, managedEntry, roleArn, roleEntry, trustService, userArn, userEntry } from './helpers.js';

// A principal allowed to tag or untag itself (or, for a role, to rewrite its trust policy and so
// allow sts:TagSession) can give itself any tag before it asks: a condition on its own
// aws:PrincipalTag that it does not meet today is a "may", not a firm no.
const now = new Date('2025-01-01T00:00:00Z');
const gated = doc(allow('s3:GetObject', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/EnableReads': 'true' } } }));
const OBJECT = 'arn:aws:s3:::b/k';
const events = trustService('events.amazonaws.com');

describe('a principal that may change its own tags', () => {
  it.each(['iam:TagRole', 'iam:UntagRole', 'iam:UpdateAssumeRolePolicy'])('a role allowed %s on itself may meet a tag condition it does not meet today', (action) => {
    const m = model({ roles: [roleEntry('plain', events, { inline: [gated, doc(allow(action, roleArn('plain')))] })] });
    const ev = createEvaluator(m, { now });
    expect(ev.canDo(roleArn('plain'), 's3:GetObject', OBJECT).decision).toBe('conditional');
  });

  it('a user allowed iam:TagUser on itself (through ${aws:username}) may meet a tag condition it does not meet today', () => {
    const self = doc(allow(['iam:TagUser', 'iam:UntagUser'], 'arn:aws:iam::*:user/${aws:username}'));
    const m = model({ users: [userEntry('svc', { inline: [gated, self] }), userEntry('other', { inline: [gated] })] });
    const ev = createEvaluator(m, { now });
    expect(ev.canDo(userArn('svc'), 's3:GetObject', OBJECT).decision).toBe('conditional');
    // The same policy names only the user's own ARN: another user without it keeps its firm no.
    expect(ev.canDo(userArn('other'), 's3:GetObject', OBJECT).decision).toBe('implicit-deny');
  });

  it('a tagging right gated on the principal\'s own tag is a "may": its tags are unknown', () => {
    const selfIfTagged = doc(allow('iam:TagRole', roleArn('plain'), { Condition: { StringEquals: { 'aws:PrincipalTag/admin': 'yes' } } }));
    const m = model({ roles: [roleEntry('plain', events, { inline: [gated, selfIfTagged] })] });
    expect(createEvaluator(m, { now }).canDo(roleArn('plain'), 's3:GetObject', OBJECT).decision).toBe('conditional');
  });

  // Whether a principal may change its own tags is read from its statements alone (a lazy exact
  // answer cost 150-250 MB on the 100,000-identity bench): an Allow of a tagging action on another
  // role, or one a Deny takes back, still makes its tags unknown, a "may"; a boundary without one
  // keeps them known.
  it('a boundary without a tagging action keeps the firm no; tagging other roles only, or tagging denied, is read as "may"', () => {
    const boundary = policyArn('no-iam');
    const m = model({
      roles: [
        roleEntry('plain', events, { inline: [gated] }),
        roleEntry('tags-others', events, { inline: [gated, doc(allow(['iam:TagRole', 'iam:UntagRole', 'iam:UpdateAssumeRolePolicy'], roleArn('plain')))] }),
        roleEntry('denied', events, { inline: [gated, doc(allow('iam:TagRole', '*'), deny('iam:TagRole', '*'))] }),
        roleEntry('bounded', events, { inline: [gated, doc(allow('iam:TagRole', '*'))], boundary }),
      ],
      policies: [managedEntry(boundary, doc(allow('s3:*', '*')))],
    });
    const ev = createEvaluator(m, { now });
    for (const name of ['plain', 'bounded']) expect(ev.canDo(roleArn(name), 's3:GetObject', OBJECT).decision, name).toBe('implicit-deny');
    for (const name of ['tags-others', 'denied']) expect(ev.canDo(roleArn(name), 's3:GetObject', OBJECT).decision, name).toBe('conditional');
  });
});
