import { describe, expect, it } from 'vitest';
import { createEvaluator, evaluateTrust, type Decision } from '../../src/aws/index.js';
import { allow, doc, model, OTHER_ACCT, roleArn, roleEntry, trustAccount, userArn, userEntry } from './helpers.js';

type Doc = Record<string, unknown>;
const ORG = 'o-abcdefghij';
const BUCKET = 'arn:aws:s3:::data-bucket/report.csv';

/**
 * The decision for a user and a role of one account on s3:GetObject under `condition`, with the
 * account's organisation `org` (undefined: not read).
 */
function decide(condition: Doc, org: string | null | undefined): Decision[] {
  const policy = doc(allow('s3:GetObject', '*', { Condition: condition }));
  const m = model({ users: [userEntry('u', { inline: [policy] })], roles: [roleEntry('r', trustAccount(), { inline: [policy] })] });
  if (org !== undefined) m.organizationId = org;
  const ev = createEvaluator(m);
  return [ev.canDo(userArn('u'), 's3:GetObject', BUCKET).decision, ev.canDo(roleArn('r'), 's3:GetObject', BUCKET).decision];
}

describe('aws:PrincipalOrgID and aws:PrincipalOrgPaths from the account organisation', () => {
  const cases: Array<[string, Doc, string | null | undefined, Decision]> = [
    ['the account organisation meets StringEquals on it', { StringEquals: { 'aws:PrincipalOrgID': ORG } }, ORG, 'allow'],
    ['another organisation does not', { StringEquals: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } }, ORG, 'implicit-deny'],
    ['ForAnyValue and a pattern read the same value', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgID': 'o-abc*' } }, ORG, 'allow'],
    ['not read: undecided', { StringEquals: { 'aws:PrincipalOrgID': ORG } }, undefined, 'conditional'],
    ['no organisation: the key is absent, StringEquals fails', { StringEquals: { 'aws:PrincipalOrgID': ORG } }, null, 'implicit-deny'],
    ['no organisation: StringNotEquals holds on the absent key', { StringNotEquals: { 'aws:PrincipalOrgID': ORG } }, null, 'allow'],
    ['no organisation: StringEqualsIfExists holds', { StringEqualsIfExists: { 'aws:PrincipalOrgID': ORG } }, null, 'allow'],
    ['no organisation: Null true holds', { Null: { 'aws:PrincipalOrgID': 'true' } }, null, 'allow'],
    ['in an organisation: Null true fails', { Null: { 'aws:PrincipalOrgID': 'true' } }, ORG, 'implicit-deny'],
    ['no organisation: no organisation path either', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/*` } }, null, 'implicit-deny'],
    ['in an organisation: the path (organisational units, not collected) stays undecided', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/*` } }, ORG, 'conditional'],
  ];
  it.each(cases)('%s', (_name, condition, org, expected) => {
    expect(decide(condition, org)).toEqual([expected, expected]);
  });

  it('substitutes ${aws:PrincipalOrgID} in a Resource', () => {
    const policy = doc(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:PrincipalOrgID}/*'));
    const m = model({ users: [userEntry('u', { inline: [policy] })] });
    m.organizationId = ORG;
    const ev = createEvaluator(m);
    expect(ev.canDo(userArn('u'), 's3:GetObject', `arn:aws:s3:::home/${ORG}/x`).decision).toBe('allow');
    expect(ev.canDo(userArn('u'), 's3:GetObject', 'arn:aws:s3:::home/o-other00000/x').decision).toBe('implicit-deny');
  });

  it('is decided in a trust policy for the caller, from the caller account organisation', () => {
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER_ACCT}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } });
    const target = model({ roles: [roleEntry('target', trust)] }).roles.get(roleArn('target'))!;
    const caller = { arn: userArn('c', OTHER_ACCT), accountId: OTHER_ACCT, type: 'user' as const, name: 'c' };
    expect(evaluateTrust(target, { ...caller, organizationId: ORG }).result).toBe('yes');
    expect(evaluateTrust(target, { ...caller, organizationId: null }).result).toBe('no');
    expect(evaluateTrust(target, caller).result).toBe('maybe');
  });
});
