import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeAllTrust, analyzeTrust, evaluateTrust, parseAuthorizationDetails, type TrustedPrincipal } from '../../src/aws/index.js';
import { ACCT, OTHER_ACCT, doc, model, roleArn, roleEntry, userArn, userEntry } from './helpers.js';

type Doc = Record<string, unknown>;
const GH = `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com`;

function principalsOf(trust: Doc, known?: string[]): TrustedPrincipal[] {
  const m = model({ roles: [roleEntry('r', trust)] });
  return analyzeTrust(m.roles.get(roleArn('r'))!, { knownAccountIds: known }).statements.flatMap((s) => s.principals);
}

const stmt = (Principal: unknown, extra: Doc = {}) => doc({ Effect: 'Allow', Principal, Action: 'sts:AssumeRole', ...extra });

describe('analyzeTrust: principal classification', () => {
  it('gives the same facts for the known accounts as an array, a set with the role\'s account and a set without it, and leaves the set as it was', () => {
    const m = model({ roles: [roleEntry('r', stmt({ AWS: [ACCT, `arn:aws:iam::${OTHER_ACCT}:root`, 'arn:aws:iam::999988887777:root'] }))] });
    const role = m.roles.get(roleArn('r'))!;
    const fromArray = analyzeTrust(role, { knownAccountIds: [OTHER_ACCT] });
    const without = new Set([OTHER_ACCT]);
    const withOwn = new Set([OTHER_ACCT, ACCT]);
    expect(analyzeTrust(role, { knownAccountIds: without })).toEqual(fromArray);
    expect(analyzeTrust(role, { knownAccountIds: withOwn })).toEqual(fromArray);
    expect([...without]).toEqual([OTHER_ACCT]);
    expect(fromArray.statements[0].principals.map((p) => ('thirdParty' in p ? p.thirdParty : undefined))).toEqual([false, false, true]);
  });

  it('classifies *, accounts, ARNs, services, unique ids and canonical users', () => {
    const p = principalsOf(
      stmt({
        AWS: ['*', ACCT, `arn:aws:iam::${OTHER_ACCT}:root`, userArn('u'), roleArn('x', OTHER_ACCT), `arn:aws:sts::${ACCT}:assumed-role/r/s`, 'AROAABCDEFGHIJKLMNOPQ'],
        Service: 'lambda.amazonaws.com',
        CanonicalUser: 'abc123',
      }),
      ['999988887777'],
    );
    expect(p).toEqual([
      { type: 'any' },
      { type: 'account', accountId: ACCT, sameAccount: true, thirdParty: false },
      { type: 'account', accountId: OTHER_ACCT, sameAccount: false, thirdParty: true },
      { type: 'iam-user', arn: userArn('u'), accountId: ACCT, sameAccount: true, thirdParty: false },
      { type: 'iam-role', arn: roleArn('x', OTHER_ACCT), accountId: OTHER_ACCT, sameAccount: false, thirdParty: true },
      { type: 'assumed-role', arn: `arn:aws:sts::${ACCT}:assumed-role/r/s`, accountId: ACCT, sameAccount: true, thirdParty: false },
      { type: 'unique-id', id: 'AROAABCDEFGHIJKLMNOPQ' },
      { type: 'service', service: 'lambda.amazonaws.com' },
      { type: 'canonical-user', id: 'abc123' },
    ]);
  });

  it('leaves thirdParty undefined without a list of known accounts, and false for known ones', () => {
    expect(principalsOf(stmt({ AWS: OTHER_ACCT }))).toEqual([{ type: 'account', accountId: OTHER_ACCT, sameAccount: false, thirdParty: undefined }]);
    expect(principalsOf(stmt({ AWS: OTHER_ACCT }), [OTHER_ACCT])).toEqual([{ type: 'account', accountId: OTHER_ACCT, sameAccount: false, thirdParty: false }]);
  });

  it('"Principal": "*" is any', () => {
    expect(principalsOf(stmt('*'))).toEqual([{ type: 'any' }]);
  });
});

describe('analyzeTrust: federation', () => {
  const gh = (Condition?: Doc) => principalsOf(doc({ Effect: 'Allow', Principal: { Federated: GH }, Action: 'sts:AssumeRoleWithWebIdentity', ...(Condition ? { Condition } : {}) }))[0];

  it('a pinned GitHub subject and audience', () => {
    const p = gh({ StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:acme/app:environment:prod' } });
    expect(p).toMatchObject({ type: 'oidc', github: true, issuer: 'token.actions.githubusercontent.com', subject: { status: 'pinned', values: ['repo:acme/app:environment:prod'] }, audience: { status: 'pinned', values: ['sts.amazonaws.com'] } });
  });

  it('a wildcard subject (repo:org/*) under StringLike', () => {
    expect(gh({ StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } })).toMatchObject({ subject: { status: 'wildcard', values: ['repo:acme/*'], operators: ['StringLike'] }, audience: { status: 'missing' } });
  });

  it('a subject of * is any; * under StringEquals is a literal, so pinned', () => {
    expect(gh({ StringLike: { 'token.actions.githubusercontent.com:sub': '*' } })).toMatchObject({ subject: { status: 'any' } });
    expect(gh({ StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } })).toMatchObject({ subject: { status: 'pinned' } });
  });

  it('a missing subject, and a subject only in a negated operator, are missing', () => {
    expect(gh()).toMatchObject({ subject: { status: 'missing' }, audience: { status: 'missing' } });
    expect(gh({ StringNotLike: { 'token.actions.githubusercontent.com:sub': 'repo:evil/*' } })).toMatchObject({ subject: { status: 'missing' } });
  });

  it('other OIDC issuers and SAML providers', () => {
    const entra = `arn:aws:iam::${ACCT}:oidc-provider/sts.windows.net/tid-1/`;
    const [o] = principalsOf(doc({ Effect: 'Allow', Principal: { Federated: entra }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'sts.windows.net/tid-1/:aud': 'api://app' } } }));
    expect(o).toMatchObject({ type: 'oidc', github: false, issuer: 'sts.windows.net/tid-1/', audience: { status: 'pinned' }, subject: { status: 'missing' } });
    const saml = `arn:aws:iam::${ACCT}:saml-provider/Okta`;
    const [s] = principalsOf(doc({ Effect: 'Allow', Principal: { Federated: saml }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } }));
    expect(s).toEqual({ type: 'saml', providerArn: saml, audience: { key: 'SAML:aud', status: 'pinned', values: ['https://signin.aws.amazon.com/saml'], operators: ['StringEquals'] } });
    const [c] = principalsOf(doc({ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }));
    expect(c).toMatchObject({ type: 'federated-other', value: 'cognito-identity.amazonaws.com', audience: { status: 'missing' } });
  });
});

describe('analyzeTrust: statement facts', () => {
  it('records ExternalId and restricting keys, and ignores negated conditions as restrictions', () => {
    const m = model({
      roles: [
        roleEntry('vendor', stmt({ AWS: `arn:aws:iam::${OTHER_ACCT}:root` }, { Condition: { StringEquals: { 'sts:ExternalId': 'x-1' } } })),
        roleEntry('open', stmt('*', { Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-1' } } })),
        roleEntry('org', stmt('*', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } } })),
      ],
    });
    // In the order of the roles' ARNs (parseAuthorizationDetails reads them so).
    const [open, org, vendor] = analyzeAllTrust(m);
    expect(vendor.statements[0]).toMatchObject({ externalId: true, restrictingKeys: ['sts:ExternalId'], actions: ['sts:AssumeRole'], effect: 'Allow', notPrincipal: false });
    expect(open.statements[0]).toMatchObject({ externalId: false, restrictingKeys: [], conditionKeys: ['aws:PrincipalOrgID'] });
    expect(org.statements[0].restrictingKeys).toEqual(['aws:PrincipalOrgID']);
  });

  // IAM User Guide, single-valued vs multivalued context keys: ForAllValues holds when the
  // request has no value for the key, ForAnyValue does not.
  it('reads set operators by what they do when the key is absent', () => {
    const facts = (cond: Doc) => analyzeTrust(model({ roles: [roleEntry('r', stmt('*', { Condition: cond }))] }).roles.get(roleArn('r'))!).statements[0];
    expect(facts({ 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-1', 'sts:ExternalId': 'x' } })).toMatchObject({ restrictingKeys: [], externalId: false });
    expect(facts({ 'ForAnyValue:StringEquals': { 'aws:PrincipalOrgID': 'o-1' } }).restrictingKeys).toEqual(['aws:PrincipalOrgID']);
    expect(facts({ 'ForAnyValue:StringNotEquals': { 'aws:PrincipalOrgID': 'o-1' } }).negatedRestrictingKeys).toEqual([]);
    expect(facts({ 'ForAllValues:StringNotEquals': { 'aws:PrincipalOrgID': 'o-1' } }).negatedRestrictingKeys).toEqual(['aws:PrincipalOrgID']);
    expect(facts({ StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-1' } }).negatedRestrictingKeys).toEqual(['aws:PrincipalOrgID']);
  });

  it('counts a value as narrowing only when it pins an account, organisation or principal', () => {
    const keys = (cond: Doc) => analyzeTrust(model({ roles: [roleEntry('r', stmt('*', { Condition: cond }))] }).roles.get(roleArn('r'))!).statements[0].restrictingKeys;
    expect(keys({ StringLike: { 'aws:PrincipalArn': `arn:aws:iam::${OTHER_ACCT}:*` } })).toEqual(['aws:PrincipalArn']);
    // StringLike's * crosses colons: a wildcard before the account field reaches any account.
    expect(keys({ StringLike: { 'aws:PrincipalArn': `arn:aws:iam:*:${OTHER_ACCT}:role/x` } })).toEqual([]);
    expect(keys({ ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/x', `arn:aws:iam::${OTHER_ACCT}:role/x`] } })).toEqual([]);
    // Under StringEquals `*` is a literal character: no real ARN matches, which admits no one.
    expect(keys({ StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/x' } })).toEqual(['aws:PrincipalArn']);
    expect(keys({ StringEquals: { 'aws:username': 'deployer' } })).toEqual([]);
    expect(keys({ StringLike: { 'aws:userid': 'AROAABCDEFGHIJKLMNOPQ:*' } })).toEqual(['aws:userid']);
    expect(keys({ StringLike: { 'aws:userid': '*:deployer' } })).toEqual([]);
    expect(keys({ StringNotLike: { 'aws:PrincipalOrgID': 'o-*' } })).toEqual([]);
  });

  // Policy variables in sts:ExternalId and aws:SourceArn values, read as elsewhere: the role's own
  // account is a fixed value, the caller's own is one every caller meets, another is not known.
  it('reads policy variables in sts:ExternalId and aws:SourceArn values', () => {
    const fact = (cond: Doc) => analyzeTrust(model({ roles: [roleEntry('r', stmt('*', { Condition: cond }))] }).roles.get(roleArn('r'))!).statements[0];
    const read = (cond: Doc) => {
      const f = fact(cond);
      return { restricting: f.restrictingKeys, doubtful: f.doubtfulKeys ?? [] };
    };
    expect(read({ StringEquals: { 'sts:ExternalId': '${aws:SomeUnknownKey}' } })).toEqual({ restricting: [], doubtful: ['sts:ExternalId'] });
    expect(read({ StringEquals: { 'sts:ExternalId': 'cust-${aws:RequestTag/x}' } })).toEqual({ restricting: [], doubtful: ['sts:ExternalId'] });
    expect(read({ StringEquals: { 'sts:ExternalId': '${aws:PrincipalAccount}' } })).toEqual({ restricting: [], doubtful: [] });
    expect(read({ StringEquals: { 'sts:ExternalId': '${aws:ResourceAccount}' } })).toEqual({ restricting: ['sts:ExternalId'], doubtful: [] });
    expect(read({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:${aws:PrincipalAccount}:t' } })).toEqual({ restricting: [], doubtful: [] });
    expect(read({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::${aws:PrincipalAccount}-logs' } })).toEqual({ restricting: [], doubtful: [] });
    expect(read({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:${aws:SomeKey}:t' } })).toEqual({ restricting: [], doubtful: ['aws:SourceArn'] });
    expect(read({ ArnLike: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCT}:\${aws:SomeKey}` } })).toEqual({ restricting: ['aws:SourceArn'], doubtful: [] });
    expect(read({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:${aws:ResourceAccount}:t' } })).toEqual({ restricting: ['aws:SourceArn'], doubtful: [] });
  });

  // An external id made of the caller's own values is no shared secret: only them (with separators
  // or wildcards) is none; text around one may or may not be the id the vendor issued.
  it('reads an sts:ExternalId built from the caller\'s own values as no id, or as a doubt with text around it', () => {
    const read = (cond: Doc) => {
      const f = analyzeTrust(model({ roles: [roleEntry('r', stmt('*', { Condition: cond }))] }).roles.get(roleArn('r'))!).statements[0];
      return { restricting: f.restrictingKeys, doubtful: f.doubtfulKeys ?? [], externalId: f.externalId };
    };
    const none = { restricting: [], doubtful: [], externalId: false };
    const doubt = { restricting: [], doubtful: ['sts:ExternalId'], externalId: false };
    expect(read({ StringEquals: { 'sts:ExternalId': '${aws:PrincipalAccount}-${aws:PrincipalOrgID}' } })).toEqual(none);
    expect(read({ StringEquals: { 'sts:ExternalId': '${aws:PrincipalAccount}/${aws:username}' } })).toEqual(none);
    expect(read({ StringLike: { 'sts:ExternalId': '*-${aws:PrincipalAccount}' } })).toEqual(none);
    expect(read({ StringEquals: { 'sts:ExternalId': 'cust-42-${aws:PrincipalAccount}' } })).toEqual(doubt);
    expect(read({ StringEquals: { 'sts:ExternalId': '${aws:PrincipalTag/team}x' } })).toEqual(doubt);
    // Near misses: a fixed value (the role's own account) and a literal id.
    expect(read({ StringEquals: { 'sts:ExternalId': 'cust-${aws:ResourceAccount}' } })).toEqual({ restricting: ['sts:ExternalId'], doubtful: [], externalId: true });
    expect(read({ StringEquals: { 'sts:ExternalId': 'cust-42' } })).toEqual({ restricting: ['sts:ExternalId'], doubtful: [], externalId: true });
  });

  // A wildcard in the account field of an aws:SourceArn (or, for an ARN without one, in the bucket
  // name) admits resources of other accounts: it pins no source account. ARN operators compare field
  // by field, so a wildcard in the region keeps the account pinned; StringLike's * crosses colons.
  it('reads a wildcard in the account of an aws:SourceArn as pinning no account', () => {
    const keys = (cond: Doc) => analyzeTrust(model({ roles: [roleEntry('r', stmt('*', { Condition: cond }))] }).roles.get(roleArn('r'))!).statements[0].restrictingKeys;
    expect(keys({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:*:topic' } })).toEqual([]);
    expect(keys({ ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:*:topic' } })).toEqual([]);
    expect(keys({ StringLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:*:topic' } })).toEqual([]);
    expect(keys({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:11112222333?:topic' } })).toEqual([]);
    expect(keys({ ArnLike: { 'aws:SourceArn': ['arn:aws:sns:us-east-1:*:topic', `arn:aws:sns:us-east-1:${OTHER_ACCT}:topic`] } })).toEqual([]);
    expect(keys({ StringLike: { 'aws:SourceArn': `arn:aws:sns:*:${OTHER_ACCT}:topic` } })).toEqual([]);
    expect(keys({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } })).toEqual([]);
    expect(keys({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::logs-*' } })).toEqual([]);
    expect(keys({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*' } })).toEqual([]);
    // Near misses: a wildcard in the region or resource under an ARN operator, a bucket's objects,
    // and `*` under StringEquals (a literal: no real ARN has it, which admits no one).
    expect(keys({ ArnLike: { 'aws:SourceArn': `arn:aws:sns:*:${OTHER_ACCT}:*` } })).toEqual(['aws:SourceArn']);
    expect(keys({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::logs/*' } })).toEqual(['aws:SourceArn']);
    expect(keys({ StringEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:*:topic' } })).toEqual(['aws:SourceArn']);
    expect(keys({ StringLike: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${OTHER_ACCT}:*` } })).toEqual(['aws:SourceArn']);
  });

  // A Deny's negated condition on a variable whose value is not known: whom it spares is not known.
  it('records negated restricting keys that would narrow but for a variable whose value is not known, and a Deny that would then turn outsiders away', () => {
    const deny = (cond: Doc) => analyzeTrust(model({ roles: [roleEntry('r', doc({ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: cond }))] }).roles.get(roleArn('r'))!).statements[0];
    expect(deny({ StringNotEquals: { 'aws:PrincipalOrgID': '${aws:SomeUnknownKey}' } })).toMatchObject({ negatedRestrictingKeys: [], negatedDoubtfulKeys: ['aws:PrincipalOrgID'], outsidersDenied: false, outsidersDoubt: true });
    expect(deny({ StringNotEquals: { 'sts:ExternalId': '${aws:SomeUnknownKey}' } })).toMatchObject({ externalIdRequired: false, externalIdDoubt: 'everyone' });
    expect(deny({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc', 'sts:ExternalId': '${aws:SomeUnknownKey}' } })).toMatchObject({ externalIdRequired: false, externalIdDoubt: 'outside-org' });
    // Near misses: a value naming no one beside it, the caller's own value, a condition an outsider can fail.
    for (const cond of [{ StringNotLike: { 'aws:PrincipalOrgID': ['${aws:SomeUnknownKey}', 'o-*'] } }, { StringNotEquals: { 'aws:PrincipalOrgID': '${aws:PrincipalOrgID}' } }, { StringNotEquals: { 'aws:PrincipalOrgID': '${aws:SomeUnknownKey}' }, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }]) {
      const f = deny(cond);
      expect(f.outsidersDenied).toBe(false);
      expect(f.outsidersDoubt).toBeUndefined();
    }
    expect(deny({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc' } })).toMatchObject({ outsidersDenied: true, negatedRestrictingKeys: ['aws:PrincipalOrgID'] });
    expect(deny({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc' } }).negatedDoubtfulKeys).toBeUndefined();
  });

  it('records the principals a "*" statement is narrowed to by aws:PrincipalArn / aws:PrincipalAccount', () => {
    const vendorRole = roleArn('v', OTHER_ACCT);
    const facts = (cond: Doc) => analyzeTrust(model({ roles: [roleEntry('r', stmt('*', { Condition: cond }))] }).roles.get(roleArn('r'))!, { knownAccountIds: [] }).statements[0];
    expect(facts({ StringEquals: { 'aws:PrincipalAccount': OTHER_ACCT } }).conditionPrincipals).toEqual([{ type: 'account', accountId: OTHER_ACCT, sameAccount: false, thirdParty: true }]);
    expect(facts({ StringEquals: { 'aws:PrincipalAccount': OTHER_ACCT }, ArnEquals: { 'aws:PrincipalArn': vendorRole } }).conditionPrincipals).toEqual([
      { type: 'iam-role', arn: vendorRole, accountId: OTHER_ACCT, sameAccount: false, thirdParty: true },
    ]);
    // Both keys must hold, so this account beside a foreign role admits no one.
    expect(facts({ StringEquals: { 'aws:PrincipalAccount': ACCT }, ArnEquals: { 'aws:PrincipalArn': vendorRole } }).conditionPrincipals).toBeUndefined();
    expect(facts({ StringEqualsIfExists: { 'aws:PrincipalAccount': OTHER_ACCT } }).conditionPrincipals).toBeUndefined();
    expect(facts({ StringLike: { 'aws:PrincipalAccount': '4444*' } }).conditionPrincipals).toBeUndefined();
  });

  it('marks an unparseable trust policy as unusable with its location', () => {
    const m = model({ roles: [roleEntry('ok', stmt('*')), roleEntry('bad', { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] })] });
    const [bad] = analyzeAllTrust(m);
    expect(bad.unusable).toEqual({ location: 'RoleDetailList[1].AssumeRolePolicyDocument.Statement[0]', problem: expect.stringMatching(/Principal/) });
    expect(bad.statements).toEqual([]);
  });

  it('works on the fixture', () => {
    const fx = parseAuthorizationDetails(JSON.parse(readFileSync(new URL('./fixtures/authz-details.raw.json', import.meta.url), 'utf8')));
    const facts = analyzeAllTrust(fx, { knownAccountIds: [] });
    const gh = facts.find((f) => f.roleArn.endsWith('/github-deploy'))!;
    expect(gh.statements[0].principals[0]).toMatchObject({ type: 'oidc', github: true, subject: { status: 'wildcard', values: ['repo:acme/*'] }, audience: { status: 'pinned' } });
    const vendor = facts.find((f) => f.roleArn.endsWith('/vendor-audit'))!;
    expect(vendor.statements[0]).toMatchObject({ externalId: true, principals: [{ type: 'account', accountId: '999988887777', sameAccount: false, thirdParty: true }] });
  });
});

describe('evaluateTrust', () => {
  const m = model({
    users: [userEntry('u'), userEntry('v')],
    roles: [
      roleEntry('by-account', stmt({ AWS: ACCT })),
      roleEntry('by-arn', stmt({ AWS: userArn('u') })),
      roleEntry('other-account', stmt({ AWS: OTHER_ACCT })),
      roleEntry('with-deny', doc({ Effect: 'Allow', Principal: { AWS: ACCT }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: { AWS: userArn('v') }, Action: 'sts:*' })),
      roleEntry('external-id', stmt({ AWS: ACCT }, { Condition: { StringEquals: { 'sts:ExternalId': 'e' } } })),
      roleEntry('service-only', stmt({ Service: 'ec2.amazonaws.com' })),
      roleEntry('tag-session', doc({ Effect: 'Allow', Principal: { AWS: ACCT }, Action: 'sts:TagSession' })),
    ],
  });
  const facts = (n: string) => ({ arn: userArn(n), accountId: ACCT, type: 'user' as const, name: n });
  const ask = (role: string, user: string) => evaluateTrust(m.roles.get(roleArn(role))!, facts(user));

  it.each([
    ['by-account', 'u', 'yes', false],
    ['by-arn', 'u', 'yes', true],
    ['by-arn', 'v', 'no', false],
    ['other-account', 'u', 'no', false],
    ['with-deny', 'u', 'yes', false],
    ['with-deny', 'v', 'no', false],
    ['external-id', 'u', 'maybe', false],
    ['service-only', 'u', 'no', false],
    ['tag-session', 'u', 'no', false],
  ] as const)('%s for %s -> %s (direct %s)', (role, user, result, direct) => {
    const r = ask(role, user);
    expect(r.result).toBe(result);
    expect(r.direct).toBe(direct);
  });

  it('keeps the answers of an unconditional trust apart per action and per account of the caller', () => {
    const role = m.roles.get(roleArn('by-account'))!;
    const other = { arn: userArn('w', OTHER_ACCT), accountId: OTHER_ACCT, type: 'user' as const, name: 'w' };
    // Asked in turns, so that each answer could come from what an earlier question left behind.
    for (let i = 0; i < 2; i++) {
      expect(evaluateTrust(role, facts('u')).result).toBe('yes');
      expect(evaluateTrust(role, other).result).toBe('no');
      expect(evaluateTrust(role, facts('u'), 'sts:TagSession').result).toBe('no');
      expect(evaluateTrust(m.roles.get(roleArn('tag-session'))!, facts('u'), 'sts:TagSession').result).toBe('yes');
    }
  });

  // In a trust policy the resource is the role, so ${aws:ResourceAccount} is the role's own account
  // (IAM User Guide, policy variables; aws:ResourceAccount is in the request context of most actions).
  it('reads ${aws:ResourceAccount} in a condition as the role\'s own account', () => {
    const n = model({ roles: [roleEntry('own', stmt('*', { Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:ResourceAccount}:user/*' } } }))] });
    const role = n.roles.get(roleArn('own'))!;
    const other = { arn: userArn('w', OTHER_ACCT), accountId: OTHER_ACCT, type: 'user' as const, name: 'w' };
    expect(evaluateTrust(role, facts('u')).result).toBe('yes');
    expect(evaluateTrust(role, other).result).toBe('no');
  });

  it('on a trust of 2,000 statements, one per principal, gives each principal the statements that name it, by ARN, id, session, account or *, in order', () => {
    // The statements a principal is tested against come from an index of what they name: the
    // answer, and the order of the statements it lists, are those of reading every statement.
    const st: Doc[] = [];
    for (let i = 0; i < 2000; i++) {
      st.push({ Effect: 'Allow', Principal: { AWS: i % 2 === 0 ? userArn(`u-${i}`) : `AIDAUNIQUE${i}` }, Action: 'sts:AssumeRole' });
      if (i === 500) st.push({ Effect: 'Allow', Principal: { AWS: ACCT }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'x' } } });
      if (i === 900) st.push({ Effect: 'Deny', Principal: { AWS: [userArn('u-1000'), `arn:aws:sts::${ACCT}:assumed-role/r-1/ci`] }, Action: 'sts:AssumeRole' });
      if (i === 1500) st.push({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } } });
    }
    const n = model({ roles: [roleEntry('wide', doc(...st))] });
    const role = n.roles.get(roleArn('wide'))!;
    const user = (i: number, id?: string) => ({ arn: userArn(`u-${i}`), accountId: ACCT, type: 'user' as const, name: `u-${i}`, id });
    // u-4: its own statement (4), the account's (501), then `*` (1503, after the Deny at 902).
    expect(evaluateTrust(role, user(4))).toMatchObject({ result: 'yes', direct: true, named: 'yes', statements: [4, 501, 1503] });
    // u-1000 is named by the Deny (902) before its Allow (1002): the Deny wins at once.
    expect(evaluateTrust(role, user(1000))).toMatchObject({ result: 'no', statements: [501, 902] });
    // Named by its unique id only.
    expect(evaluateTrust(role, user(7777, 'AIDAUNIQUE1999'))).toMatchObject({ result: 'yes', named: 'yes', statements: [501, 1503, 2002] });
    // Named by nothing: the account's and `*`'s conditional statements alone.
    expect(evaluateTrust(role, user(7777))).toMatchObject({ result: 'maybe', direct: false, named: 'no', statements: [501, 1503] });
    // Another account: `*` alone.
    expect(evaluateTrust(role, { arn: userArn('w', OTHER_ACCT), accountId: OTHER_ACCT, type: 'user', name: 'w' })).toMatchObject({ result: 'maybe', statements: [1503] });
    // A session of role r-1, denied by name: a Deny that only might apply.
    expect(evaluateTrust(role, { arn: roleArn('r-1'), accountId: ACCT, type: 'role', name: 'r-1' })).toMatchObject({ result: 'maybe', statements: [501, 902, 1503] });
  });

  it('answers unknown, every time, for a trust policy IAM would not accept (NotPrincipal)', () => {
    const n = model({ roles: [roleEntry('np', doc({ Effect: 'Allow', NotPrincipal: { AWS: userArn('x') }, Action: 'sts:AssumeRole' }))] });
    const role = n.roles.get(roleArn('np'))!;
    for (let i = 0; i < 2; i++) expect(evaluateTrust(role, facts('u')).result).toBe('unknown');
  });
});

describe('analyzeTrust: the organisations an Allow lets through (severalOrgs)', () => {
  const orgs = (Condition: Doc): string[] | undefined => {
    const m = model({ roles: [roleEntry('r', stmt({ AWS: 'arn:aws:iam::999988887777:root' }, { Condition }))] });
    const several = analyzeTrust(m.roles.get(roleArn('r'))!).statements[0].severalOrgs;
    return several === undefined ? undefined : [...several].sort();
  };

  it('takes ${aws:ResourceOrgID} for any organisation named beside it: with the role in o-b, o-a and o-b both pass', () => {
    // PrincipalOrgID in {own, o-a} AND PrincipalOrgPaths under o-a or o-b: one organisation when
    // the role's own is neither, two when it is o-b. Which is the role's is not read: the doubt stays.
    expect(orgs({ StringEquals: { 'aws:PrincipalOrgID': ['${aws:ResourceOrgID}', 'o-a'] }, StringLike: { 'aws:PrincipalOrgPaths': ['o-a/*', 'o-b/*'] } })).toEqual(['o-a', 'o-b']);
    // Near misses: the role's own alone against two, or named beside one, is one organisation.
    expect(orgs({ StringEquals: { 'aws:PrincipalOrgID': '${aws:ResourceOrgID}' }, StringLike: { 'aws:PrincipalOrgPaths': ['o-a/*', 'o-b/*'] } })).toBeUndefined();
    expect(orgs({ StringEquals: { 'aws:PrincipalOrgID': ['${aws:ResourceOrgID}', 'o-a'] }, StringLike: { 'aws:PrincipalOrgPaths': 'o-a/*' } })).toBeUndefined();
  });
});
