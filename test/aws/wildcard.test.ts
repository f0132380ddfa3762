import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionMatcher, compileArnPattern, createEvaluator } from '../../src/aws/index.js';
import { allow, doc, model, userArn, userEntry } from './helpers.js';
import { actionKey, compilePolicy, statementCoversAction, statementsForKey } from '../../src/aws/policy/compile.js';
import { LinearWildcard, actionMatcher, arnPiecesTokens, compileWildcard, globTokens, starCount, tokensSource } from '../../src/aws/policy/wildcard.js';
import { globMatches } from '../../src/rule-kit.js';

/** Reference wildcard matcher by dynamic programming, independent of the regex-based one. */
function refMatch(pattern: string, text: string): boolean {
  const p = pattern.toLowerCase();
  const t = text.toLowerCase();
  const dp: boolean[][] = Array.from({ length: p.length + 1 }, () => new Array<boolean>(t.length + 1).fill(false));
  dp[0][0] = true;
  for (let i = 1; i <= p.length; i++) {
    if (p[i - 1] === '*') dp[i][0] = dp[i - 1][0];
    for (let j = 1; j <= t.length; j++) {
      if (p[i - 1] === '*') dp[i][j] = dp[i - 1][j] || dp[i][j - 1];
      else if (p[i - 1] === '?' || p[i - 1] === t[j - 1]) dp[i][j] = dp[i - 1][j - 1];
    }
  }
  return dp[p.length][t.length];
}

describe('ActionMatcher', () => {
  it('matches exact, prefix, service-wide and cross-service patterns case-insensitively', () => {
    const m = new ActionMatcher(['s3:GetObject', 'ec2:Describe*', 'kms:*', '*:ListTagsForResource', 'lambda:Get?unction']);
    expect(m.matches('s3:getobject')).toBe(true);
    expect(m.matches('s3:getobjectacl')).toBe(false);
    expect(m.matches('ec2:describeinstances')).toBe(true);
    expect(m.matches('ec2:runinstances')).toBe(false);
    expect(m.matches('kms:decrypt')).toBe(true);
    expect(m.matches('rds:listtagsforresource')).toBe(true);
    expect(m.matches('lambda:getfunction')).toBe(true);
    expect(m.matches('lambda:getfunctionconfiguration')).toBe(false);
    expect(new ActionMatcher(['*']).matches('iam:createuser')).toBe(true);
    expect(new ActionMatcher([]).matches('iam:createuser')).toBe(false);
  });

  it('is shared by statements listing the same actions, and only by those', () => {
    const a = actionMatcher(['sts:AssumeRole', 's3:Get*']);
    expect(actionMatcher(['sts:AssumeRole', 's3:Get*'])).toBe(a);
    // Items that a joined key could confuse (a separator inside one) get their own matcher.
    const joined = actionMatcher(['sts:AssumeRole","s3:Get*']);
    expect(joined).not.toBe(a);
    expect(joined.matches('s3:getobject')).toBe(false);
    expect(a.matches('s3:getobject')).toBe(true);
    // A list that begins another (the tree of items holds both) is a list of its own; so are
    // the same items in another order, and the empty list.
    const first = actionMatcher(['sts:AssumeRole']);
    expect(first).not.toBe(a);
    expect(first.matches('s3:getobject')).toBe(false);
    expect(actionMatcher(['sts:AssumeRole'])).toBe(first);
    expect(actionMatcher(['s3:Get*', 'sts:AssumeRole'])).not.toBe(a);
    expect(actionMatcher([]).matches('sts:assumerole')).toBe(false);
    expect(actionMatcher(['sts:AssumeRole', 's3:Get*', 'iam:*']).matches('iam:createuser')).toBe(true);
    expect(a.matches('iam:createuser')).toBe(false);
    // A long list is built for its statement (and matches as any other).
    const long = Array.from({ length: 40 }, (_, i) => `svc:Action${i}`);
    expect(actionMatcher(long)).not.toBe(actionMatcher(long));
    expect(actionMatcher(long).matches('svc:action39')).toBe(true);
  });

  it('agrees with a reference wildcard matcher (property)', () => {
    const alphabet = fc.constantFrom('a', 'B', 'c', ':', '*', '?', '.', '(');
    const textAlphabet = fc.constantFrom('a', 'b', 'C', ':', '.', '(');
    fc.assert(
      fc.property(fc.array(fc.string({ unit: alphabet, maxLength: 8 }), { minLength: 1, maxLength: 4 }), fc.string({ unit: textAlphabet, maxLength: 10 }), (patterns, action) => {
        const expected = patterns.some((p) => refMatch(p, action));
        expect(new ActionMatcher(patterns).matches(action.toLowerCase())).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('names every service it can match, so a policy skips what it cannot cover (property)', () => {
    const alphabet = fc.constantFrom('a', 'B', ':', '*', '?');
    const textAlphabet = fc.constantFrom('a', 'b', ':');
    const statement = fc.record({ not: fc.boolean(), patterns: fc.array(fc.string({ unit: alphabet, maxLength: 6 }), { minLength: 1, maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 3 }), fc.string({ unit: textAlphabet, maxLength: 8 }), (statements, action) => {
        const lower = action.toLowerCase();
        const m = new ActionMatcher(statements[0].patterns);
        const colon = lower.indexOf(':');
        if (m.services !== undefined && m.matches(lower)) expect(colon > 0 && m.services.has(lower.slice(0, colon))).toBe(true);
        const policy = compilePolicy({
          version: '2012-10-17',
          statements: statements.map((st) => (st.not ? { effect: 'Allow', notAction: st.patterns, resource: ['*'] } : { effect: 'Allow', action: st.patterns, resource: ['*'] })),
        });
        const expected = policy.statements.filter((st) => statementCoversAction(st, lower)).map((st) => st.index);
        expect(statementsForKey(policy, actionKey(action)).map((st) => st.index)).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('ARN patterns', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*', 'arn:aws:s3:::anything', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b:c', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket2/a', false],
    ['arn:aws:iam::*:role/app-*', 'arn:aws:iam::111122223333:role/app-lambda', true],
    ['arn:aws:iam::*:role/app-*', 'arn:aws:iam::111122223333:role/web', false],
    // a * inside a segment does not cross a colon
    ['arn:aws:iam::1*3:role/x', 'arn:aws:iam::1:2:3:role/x', false],
    ['arn:aws:iam::1*3:role/x', 'arn:aws:iam::123:role/x', true],
    // a * ending a segment may expand past colons
    ['arn:aws:iam::*', 'arn:aws:iam::111122223333:user/u', true],
    ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ec2:eu-west-1:111122223333:instance/i-1', true],
    ['arn:aws:ec2:us-?ast-1:*:instance/*', 'arn:aws:ec2:us-east-1:111122223333:instance/i-1', true],
    ['arn:aws:s3:::Bucket', 'arn:aws:s3:::bucket', false],
  ];
  it.each(cases)('%s vs %s -> %s', (pattern, arn, expected) => {
    expect(compileArnPattern(pattern)(arn)).toBe(expected);
  });

  it('a substituted variable value with * in it is literal', () => {
    const m = model({ users: [userEntry('u', { tags: { team: '*' }, inline: [doc(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:PrincipalTag/team}/*'))] })] });
    const ev = createEvaluator(m);
    expect(ev.canDo(userArn('u'), 's3:GetObject', 'arn:aws:s3:::home/red/x').decision).toBe('implicit-deny');
    expect(ev.canDo(userArn('u'), 's3:GetObject', 'arn:aws:s3:::home/*/x').decision).toBe('allow');
  });
});

describe('wildcard patterns with many stars (no catastrophic backtracking)', () => {
  it('are matched by the linear matcher above MAX_REGEX_STARS, by the regex engine below', () => {
    expect(compileWildcard(globTokens('a*b*c'))).toBeInstanceOf(RegExp);
    expect(compileWildcard(globTokens('a*b*c*d'))).toBeInstanceOf(LinearWildcard);
    expect(starCount(arnPiecesTokens([{ glob: 'arn:aws:s3:::*a*b*c' }]))).toBe(3);
  });

  it('the linear matcher agrees with the regex of the same tokens (property, globs and ARN pieces, both cases)', () => {
    const alphabet = fc.constantFrom('a', 'B', ':', '*', '*', '?', '.');
    const textAlphabet = fc.constantFrom('a', 'b', 'B', ':', '.', '\n');
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 14 }), fc.string({ unit: textAlphabet, maxLength: 12 }), fc.boolean(), fc.boolean(), (pattern, text, arn, ignoreCase) => {
        const tokens = arn ? arnPiecesTokens([{ glob: `arn:aws:s3:::${pattern}` }, { literal: '*?' }, { glob: pattern }]) : globTokens(pattern);
        const subject = arn ? `arn:aws:s3:::${text}*?${text}` : text;
        const expected = new RegExp(`^${tokensSource(tokens)}$`, ignoreCase ? 'is' : 's').test(subject);
        expect(new LinearWildcard(tokens, ignoreCase).test(subject)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  // A backtracking regex needs about 200^10 steps for each of these; the linear matcher about
  // 200 x 30. (No time is asserted: before the change this test did not finish.)
  const stars = 'a*'.repeat(10);
  const long = 'a'.repeat(200);

  it('in an action, a resource and a StringLike condition of a policy, give the right answer on long names', () => {
    expect(new ActionMatcher([`iam:*${stars}b`]).matches(`iam:${long}`)).toBe(false);
    expect(new ActionMatcher([`iam:*${stars}b`]).matches(`iam:${long}b`)).toBe(true);
    expect(compileArnPattern(`arn:aws:s3:::*${stars}b`)(`arn:aws:s3:::${long}`)).toBe(false);
    expect(compileArnPattern(`arn:aws:s3:::*${stars}b`)(`arn:aws:s3:::${long}b`)).toBe(true);
    const policy = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'x*'.repeat(10)}y`, Condition: { StringLike: { 'aws:PrincipalTag/team': `*${stars}b` } } });
    const m = model({ users: [userEntry('u', { inline: [policy], tags: { team: long } }), userEntry('v', { inline: [policy], tags: { team: `${long}b` } })] });
    const ev = createEvaluator(m);
    const bucket = `arn:aws:s3:::${'x'.repeat(200)}`;
    expect(ev.canDo(userArn('v'), 's3:GetObject', bucket).decision).toBe('implicit-deny');
    expect(ev.canDo(userArn('v'), 's3:GetObject', `${bucket}y`).decision).toBe('allow');
    expect(ev.canDo(userArn('u'), 's3:GetObject', `${bucket}y`).decision).toBe('implicit-deny');
  });

  it('rules matching action globs (trust policies) use it too', () => {
    expect(globMatches(`sts:*${stars}b`, `sts:${long}`)).toBe(false);
    expect(globMatches('sts:assume*', 'sts:assumerole')).toBe(true);
  });
});
