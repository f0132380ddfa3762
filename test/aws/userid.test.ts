import { describe, expect, it } from 'vitest';
import { createEvaluator, evaluateTrust, type Decision } from '../../src/aws/index.js';
import { allow, deny, doc, model, roleArn, roleEntry, trustAccount, trustPrincipal, userArn, userEntry } from './helpers.js';

type Doc = Record<string, unknown>;
const BUCKET = 'arn:aws:s3:::data-bucket/report.csv';
// roleEntry's and userEntry's unique ids.
const ROLE_ID = 'AROARXXXXXXXXXXXXXXX';
const USER_ID = 'AIDAUXXXXXXXXXXXXXXX';

/** The role r's decision on s3:GetObject of `resource` with the given policies. */
function roleDecision(policies: Doc[], resource = BUCKET, keys?: Record<string, string>, role: Doc = roleEntry('r', trustAccount(), { inline: policies })): Decision {
  const m = model({ roles: [role] });
  return createEvaluator(m).canDo(roleArn('r'), 's3:GetObject', resource, keys ? { keys } : undefined).decision;
}
const onUserid = (operator: string, value: string | string[]): Doc => doc(allow('s3:GetObject', '*', { Condition: { [operator]: { 'aws:userid': value } } }));

/**
 * A role session's aws:userid is the role's unique id, a colon and the session name (IAM User
 * Guide, policy variables, principal key values): the role's id decides every comparison that
 * does not turn on the session name.
 */
describe("aws:userid of a role session: the role's unique id, then ':' and a session name", () => {
  const cases: Array<[string, Doc[], Decision]> = [
    ['StringLike ROLEID:* holds for every session', [onUserid('StringLike', `${ROLE_ID}:*`)], 'allow'],
    ['StringLike on another role id never holds', [onUserid('StringLike', 'AROAOTHERXXXXXXXXXXX:*')], 'implicit-deny'],
    ['a pattern the id begins with, then *, holds', [onUserid('StringLike', 'AROA*')], 'allow'],
    ['a session name in the pattern: undecided', [onUserid('StringLike', '*:alice@example.com')], 'conditional'],
    ['StringEquals one session of the role: undecided (the session name is the caller pick)', [onUserid('StringEquals', `${ROLE_ID}:alice`)], 'conditional'],
    ['StringEquals the role id alone never holds (a session always has a name)', [onUserid('StringEquals', ROLE_ID)], 'implicit-deny'],
    ['StringEquals a user id never holds', [onUserid('StringEquals', USER_ID)], 'implicit-deny'],
    ['StringEqualsIgnoreCase reads the id without case', [onUserid('StringEqualsIgnoreCase', `${ROLE_ID.toLowerCase()}:bob`)], 'conditional'],
    ['StringNotLike ROLEID:* never holds', [onUserid('StringNotLike', `${ROLE_ID}:*`)], 'implicit-deny'],
    ['a Deny unless the caller is a session of the role does not apply', [doc(allow('s3:*'), deny('s3:*', '*', { Condition: { StringNotLike: { 'aws:userid': [`${ROLE_ID}:*`] } } }))], 'allow'],
    ['a Deny on the sessions of the role applies', [doc(allow('s3:*'), deny('s3:*', '*', { Condition: { StringLike: { 'aws:userid': `${ROLE_ID}:*` } } }))], 'deny'],
    ['the key is always there: Null true never holds', [onUserid('Null', 'true')], 'implicit-deny'],
  ];
  it.each(cases)('%s', (_name, policies, expected) => {
    expect(roleDecision(policies)).toBe(expected);
  });

  it('${aws:userid} in a Resource: the role id is literal text before the unknown session name', () => {
    const policies = [doc(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:userid}/*'))];
    expect(roleDecision(policies, `arn:aws:s3:::home/${ROLE_ID}:alice/x`)).toBe('conditional');
    expect(roleDecision(policies, 'arn:aws:s3:::home/AIDAOTHERXXXXXXXXXXX/x')).toBe('implicit-deny');
    expect(roleDecision(policies, 'arn:aws:s3:::other/x')).toBe('implicit-deny');
  });

  it('${aws:userid} in a condition value: the same', () => {
    const policies = [doc(allow('s3:GetObject', '*', { Condition: { StringLike: { 's3:prefix': 'home/${aws:userid}/*' } } }))];
    expect(roleDecision(policies, BUCKET, { 's3:prefix': `home/${ROLE_ID}:alice/docs` })).toBe('conditional');
    expect(roleDecision(policies, BUCKET, { 's3:prefix': 'home/someone-else/docs' })).toBe('implicit-deny');
  });

  it('a role without a unique id: undecided, as before', () => {
    const role = { ...roleEntry('r', trustAccount(), { inline: [onUserid('StringLike', 'AROAOTHERXXXXXXXXXXX:*')] }), RoleId: undefined };
    expect(roleDecision([], BUCKET, undefined, role)).toBe('conditional');
  });

  it("near miss: an IAM user's aws:userid is its unique id alone", () => {
    const m = model({ users: [userEntry('u', { inline: [onUserid('StringEquals', USER_ID), onUserid('StringLike', `${USER_ID}:*`)] })] });
    const ev = createEvaluator(m);
    expect(ev.canDo(userArn('u'), 's3:GetObject', BUCKET).decision).toBe('allow');
    const only = model({ users: [userEntry('u', { inline: [onUserid('StringLike', `${USER_ID}:*`)] })] });
    expect(createEvaluator(only).canDo(userArn('u'), 's3:GetObject', BUCKET).decision).toBe('implicit-deny');
  });

  it("decides a trust policy's condition on the sessions of the calling role", () => {
    const m = model({
      roles: [
        roleEntry('r', trustAccount()),
        roleEntry('target', trustPrincipal(roleArn('r'), { Condition: { StringLike: { 'aws:userid': `${ROLE_ID}:*` } } })),
        roleEntry('other', trustPrincipal(roleArn('r'), { Condition: { StringLike: { 'aws:userid': 'AROAOTHERXXXXXXXXXXX:*' } } })),
      ],
    });
    const caller = createEvaluator(m).subject(roleArn('r'))!.facts;
    expect(evaluateTrust(m.roles.get(roleArn('target'))!, caller).result).toBe('yes');
    expect(evaluateTrust(m.roles.get(roleArn('other'))!, caller).result).toBe('no');
  });
});

describe('aws:userid of a role session against a long list of exact values', () => {
  // Above a few values an entry indexes its exact ones; a role session's id is looked up by its
  // role id there, with the same answers as value by value.
  const others = Array.from({ length: 20 }, (_, i) => `AIDAOTHER${String(i).padStart(11, '0')}`);
  const cases: Array<[string, string, string[], Decision]> = [
    ['none of the role: no', 'StringEquals', others, 'implicit-deny'],
    ['one session of the role among them: undecided', 'StringEquals', [...others, `${ROLE_ID}:alice`], 'conditional'],
    ['the role id alone among them: no', 'StringEquals', [...others, ROLE_ID], 'implicit-deny'],
    ['without case: one session of the role', 'StringEqualsIgnoreCase', [...others, `${ROLE_ID.toLowerCase()}:alice`], 'conditional'],
    ['a pattern among exact values still decides', 'StringLike', [...others, `${ROLE_ID}:*`], 'allow'],
    ['negated, none of the role: holds', 'StringNotEquals', others, 'allow'],
  ];
  it.each(cases)('%s', (_name, operator, values, expected) => {
    expect(roleDecision([onUserid(operator, values)])).toBe(expected);
  });
});
