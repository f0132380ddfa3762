import { describe, expect, it } from 'vitest';
import { createEvaluator, SOME_RESOURCE, type Decision } from '../../src/aws/index.js';
import { narrowedTo, sameAnswerForEvery, sameForEveryResource } from '../../src/aws/policy/evaluate.js';
import { ACCT, allow, deny, doc, groupEntry, managedEntry, model, policyArn, roleArn, roleEntry, trustAccount, userArn, userEntry } from './helpers.js';

type Doc = Record<string, unknown>;

/** Evaluates one question for a user with the given inline policies (and optional boundary). */
function decide(policies: Doc[], action: string, resource: string, opts: { boundary?: Doc; now?: Date; keys?: Record<string, string | null> } = {}): Decision {
  const m = model({
    users: [userEntry('u', { inline: policies, boundary: opts.boundary ? policyArn('boundary') : undefined, tags: { team: 'red' } })],
    policies: opts.boundary ? [managedEntry(policyArn('boundary'), opts.boundary)] : [],
  });
  return createEvaluator(m, { now: opts.now }).canDo(userArn('u'), action, resource, { keys: opts.keys }).decision;
}

const BUCKET = 'arn:aws:s3:::data-bucket/report.csv';

describe('IAM evaluation logic', () => {
  const cases: Array<[string, Doc[], string, string, Decision]> = [
    ['no policy is an implicit deny', [], 's3:GetObject', BUCKET, 'implicit-deny'],
    ['a matching Allow allows', [doc(allow('s3:GetObject', 'arn:aws:s3:::data-bucket/*'))], 's3:GetObject', BUCKET, 'allow'],
    ['action names are case-insensitive', [doc(allow('S3:getobject', 'arn:aws:s3:::data-bucket/*'))], 's3:GetObject', BUCKET, 'allow'],
    ['ARNs are case-sensitive', [doc(allow('s3:GetObject', 'arn:aws:s3:::Data-Bucket/*'))], 's3:GetObject', BUCKET, 'implicit-deny'],
    ['an Allow on another action does not allow', [doc(allow('s3:PutObject'))], 's3:GetObject', BUCKET, 'implicit-deny'],
    ['an Allow on another resource does not allow', [doc(allow('s3:GetObject', 'arn:aws:s3:::other/*'))], 's3:GetObject', BUCKET, 'implicit-deny'],
    ['explicit Deny beats Allow in the same policy', [doc(allow('s3:*'), deny('s3:GetObject'))], 's3:GetObject', BUCKET, 'deny'],
    ['explicit Deny beats Allow across policies', [doc(allow('*')), doc(deny('s3:Get*', 'arn:aws:s3:::data-bucket/*'))], 's3:GetObject', BUCKET, 'deny'],
    ['a Deny on another resource does not deny', [doc(allow('*')), doc(deny('s3:*', 'arn:aws:s3:::secret/*'))], 's3:GetObject', BUCKET, 'allow'],
    ['NotAction Allow covers what it does not list', [doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], 's3:GetObject', BUCKET, 'allow'],
    ['NotAction Allow excludes what it lists', [doc({ Effect: 'Allow', NotAction: ['iam:*', 's3:Get*'], Resource: '*' })], 's3:GetObject', BUCKET, 'implicit-deny'],
    ['NotAction Deny denies everything else', [doc(allow('*'), { Effect: 'Deny', NotAction: 's3:*', Resource: '*' })], 'ec2:RunInstances', '*', 'deny'],
    ['NotAction Deny spares what it lists', [doc(allow('*'), { Effect: 'Deny', NotAction: 's3:*', Resource: '*' })], 's3:GetObject', BUCKET, 'allow'],
    ['NotResource Allow covers other resources', [doc({ Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::secret/*' })], 's3:GetObject', BUCKET, 'allow'],
    ['NotResource Allow excludes listed resources', [doc({ Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::data-*' })], 's3:GetObject', BUCKET, 'implicit-deny'],
    ['NotResource Deny denies outside the list', [doc(allow('s3:*'), { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::public/*' })], 's3:GetObject', BUCKET, 'deny'],
    ['? matches exactly one character', [doc(allow('s3:GetObjec?', 'arn:aws:s3:::data-bucke?/*'))], 's3:GetObject', BUCKET, 'allow'],
    ['? does not match zero characters', [doc(allow('s3:GetObject?'))], 's3:GetObject', BUCKET, 'implicit-deny'],
    ['an Allow with an unknown condition is conditional', [doc(allow('s3:GetObject', '*', { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }))], 's3:GetObject', BUCKET, 'conditional'],
    ['an unknown condition operator is conditional, not an allow', [doc(allow('s3:GetObject', '*', { Condition: { StringSomethingNew: { 'aws:username': 'u' } } }))], 's3:GetObject', BUCKET, 'conditional'],
    ['a Deny with an undecidable condition does not deny, the allow becomes conditional', [doc(allow('s3:*'), deny('s3:*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }))], 's3:GetObject', BUCKET, 'conditional'],
    ['a Deny whose condition is false does not apply', [doc(allow('s3:*'), deny('s3:*', '*', { Condition: { StringEquals: { 'aws:username': 'someone-else' } } }))], 's3:GetObject', BUCKET, 'allow'],
    ['a Deny whose condition holds denies', [doc(allow('s3:*'), deny('s3:*', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red' } } }))], 's3:GetObject', BUCKET, 'deny'],
    ['an Allow for another username never holds', [doc(allow('s3:*', '*', { Condition: { StringEquals: { 'aws:username': 'bob' } } }))], 's3:GetObject', BUCKET, 'implicit-deny'],
    ['an Allow for another PrincipalArn never holds', [doc(allow('s3:*', '*', { Condition: { ArnEquals: { 'aws:PrincipalArn': userArn('bob') } } }))], 's3:GetObject', BUCKET, 'implicit-deny'],
    ['an Allow for this PrincipalArn holds', [doc(allow('s3:*', '*', { Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:user/*` } } }))], 's3:GetObject', BUCKET, 'allow'],
    ['an Allow for another PrincipalAccount never holds', [doc(allow('s3:*', '*', { Condition: { StringEquals: { 'aws:PrincipalAccount': '999999999999' } } }))], 's3:GetObject', BUCKET, 'implicit-deny'],
    ['Bool aws:SecureTransport false never holds for IAM (HTTPS-only)', [doc(allow('iam:*', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } }))], 'iam:CreateUser', '*', 'implicit-deny'],
    ['Bool aws:SecureTransport false is undecidable for S3', [doc(allow('s3:*', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } }))], 's3:GetObject', BUCKET, 'conditional'],
    ['${aws:username} in a Resource is substituted', [doc(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*'))], 's3:GetObject', 'arn:aws:s3:::home/u/notes.txt', 'allow'],
    ['${aws:username} does not match another user', [doc(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*'))], 's3:GetObject', 'arn:aws:s3:::home/bob/notes.txt', 'implicit-deny'],
    ['a substituted value is literal, not a wildcard', [doc(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:PrincipalTag/team}/*'))], 's3:GetObject', 'arn:aws:s3:::home/red/x', 'allow'],
    ['variables are literal text in 2008-10-17 documents', [{ Version: '2008-10-17', Statement: [allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*')] }], 's3:GetObject', 'arn:aws:s3:::home/u/x', 'implicit-deny'],
    ['an unknown variable makes a matching resource conditional', [doc(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:PrincipalOrgID}/*'))], 's3:GetObject', 'arn:aws:s3:::home/x/y', 'conditional'],
    ['an unknown variable cannot rescue a non-matching prefix', [doc(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:PrincipalOrgID}/*'))], 's3:GetObject', 'arn:aws:s3:::other/x/y', 'implicit-deny'],
    ['${aws:SourceIdentity} has no value for an IAM user (only role sessions carry one): matches nothing', [doc(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:SourceIdentity}/*'))], 's3:GetObject', 'arn:aws:s3:::home/x/y', 'implicit-deny'],
    ['near miss: ${aws:SourceIdentity} with a default uses it for an IAM user', [doc(allow('s3:GetObject', "arn:aws:s3:::home/${aws:SourceIdentity, 'none'}/*"))], 's3:GetObject', 'arn:aws:s3:::home/none/y', 'allow'],
    ['a missing variable with a default uses the default', [doc(allow('s3:GetObject', "arn:aws:s3:::home/${aws:PrincipalTag/dept, 'none'}/*"))], 's3:GetObject', 'arn:aws:s3:::home/none/x', 'allow'],
  ];
  it.each(cases)('%s', (_name, policies, action, resource, expected) => {
    expect(decide(policies, action, resource)).toBe(expected);
  });
});

describe('permissions boundaries', () => {
  const boundary = doc(allow(['s3:*', 'ec2:Describe*']), deny('s3:DeleteBucket'));
  const cases: Array<[string, Doc[], string, Decision]> = [
    ['allowed by both: allow', [doc(allow('*'))], 's3:GetObject', 'allow'],
    ['allowed by identity only: implicit deny', [doc(allow('*'))], 'iam:CreateUser', 'implicit-deny'],
    ['allowed by boundary only: implicit deny', [doc(allow('ec2:RunInstances'))], 'ec2:DescribeInstances', 'implicit-deny'],
    ['explicit deny in the boundary: deny', [doc(allow('*'))], 's3:DeleteBucket', 'deny'],
  ];
  it.each(cases)('%s', (_n, policies, action, expected) => {
    expect(decide(policies, action, '*', { boundary })).toBe(expected);
  });

  it('a conditional boundary Allow makes the result conditional', () => {
    const b = doc(allow('s3:*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }));
    expect(decide([doc(allow('*'))], 's3:GetObject', BUCKET, { boundary: b })).toBe('conditional');
  });
});

describe('conditions', () => {
  const now = new Date('2025-06-01T00:00:00Z');
  const cond = (Condition: Doc) => [doc(allow('s3:GetObject', '*', { Condition }))];
  const cases: Array<[string, Doc, Decision, Record<string, string | null>?]> = [
    ['DateLessThan aws:CurrentTime in the past never holds', { DateLessThan: { 'aws:CurrentTime': '2024-12-31T23:59:59Z' } }, 'implicit-deny'],
    ['DateLessThan aws:CurrentTime in the future holds', { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, 'allow'],
    ['DateGreaterThan aws:EpochTime as epoch seconds', { DateGreaterThan: { 'aws:EpochTime': '1700000000' } }, 'allow'],
    ['StringLike on a supplied key', { StringLike: { 's3:prefix': 'home/*' } }, 'allow', { 's3:prefix': 'home/u' }],
    ['StringNotEquals on a supplied key', { StringNotEquals: { 's3:prefix': 'home/u' } }, 'implicit-deny', { 's3:prefix': 'home/u' }],
    ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { 'aws:username': 'U' } }, 'allow'],
    ['a key missing from the request fails a positive operator', { StringEquals: { 's3:prefix': 'x' } }, 'implicit-deny', { 's3:prefix': null }],
    ['a key missing from the request satisfies a negated operator', { StringNotEquals: { 's3:prefix': 'x' } }, 'allow', { 's3:prefix': null }],
    ['…and satisfies IfExists', { StringEqualsIfExists: { 's3:prefix': 'x' } }, 'allow', { 's3:prefix': null }],
    ['Null true holds for an absent key', { Null: { 's3:prefix': 'true' } }, 'allow', { 's3:prefix': null }],
    ['Null false fails for an absent key', { Null: { 's3:prefix': 'false' } }, 'implicit-deny', { 's3:prefix': null }],
    ['aws:username is absent for… a user it is present', { Null: { 'aws:username': 'false' } }, 'allow'],
    ['NumericLessThan', { NumericLessThan: { 's3:max-keys': '10' } }, 'allow', { 's3:max-keys': '5' }],
    ['NumericLessThan false', { NumericLessThan: { 's3:max-keys': '10' } }, 'implicit-deny', { 's3:max-keys': '50' }],
    ['IpAddress in range', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, 'allow', { 'aws:SourceIp': '203.0.113.9' }],
    ['NotIpAddress in range', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, 'implicit-deny', { 'aws:SourceIp': '203.0.113.9' }],
    ['values of one key are ORed', { StringEquals: { 'aws:username': ['bob', 'u'] } }, 'allow'],
    ['keys are ANDed', { StringEquals: { 'aws:username': 'u', 'aws:PrincipalAccount': '999999999999' } }, 'implicit-deny'],
    ['variables inside condition values', { StringLike: { 's3:prefix': 'home/${aws:username}/*' } }, 'allow', { 's3:prefix': 'home/u/a' }],
    ['condition key names are case-insensitive', { StringEquals: { 'AWS:UserName': 'u' } }, 'allow'],
  ];
  it.each(cases)('%s', (_n, c, expected, keys) => {
    expect(decide(cond(c), 's3:GetObject', BUCKET, { now, keys })).toBe(expected);
  });

  it('without an injected clock a time condition is conditional', () => {
    expect(decide(cond({ DateLessThan: { 'aws:CurrentTime': '2024-12-31T23:59:59Z' } }), 's3:GetObject', BUCKET)).toBe('conditional');
  });

  it('multi-valued keys: ForAllValues and ForAnyValue', () => {
    const all = cond({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } });
    const any = cond({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a'] } });
    const m = model({ users: [userEntry('u', { inline: [...all] }), userEntry('v', { inline: [...any] })] });
    const ev = createEvaluator(m);
    const ask = (who: string, tags: string[] | null) => ev.canDo(userArn(who), 's3:GetObject', '*', { keys: { 'aws:TagKeys': tags } }).decision;
    expect(ask('u', ['a'])).toBe('allow');
    expect(ask('u', ['a', 'c'])).toBe('implicit-deny');
    expect(ask('u', null)).toBe('allow'); // ForAllValues holds on a missing set
    expect(ask('v', ['c', 'a'])).toBe('allow');
    expect(ask('v', ['c'])).toBe('implicit-deny');
    expect(ask('v', null)).toBe('implicit-deny');
  });
});

describe('principals and explanations', () => {
  const m = model({
    users: [userEntry('u', { groups: ['devs'], attached: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] })],
    groups: [groupEntry('devs', { inline: [doc(allow('ec2:RunInstances'))], attached: [policyArn('deny-iam')] })],
    roles: [roleEntry('r', trustAccount(), { inline: [doc(allow('s3:*', '*', { Condition: { StringEquals: { 'aws:username': 'x' } } }))] })],
    policies: [managedEntry(policyArn('deny-iam'), doc({ Sid: 'NoIam', Effect: 'Deny', Action: 'iam:*', Resource: '*' }))],
  });
  const ev = createEvaluator(m);

  it('group inline and attached policies apply to members, and say where they came from', () => {
    const r = ev.canDo(userArn('u'), 'ec2:RunInstances', SOME_RESOURCE);
    expect(r.decision).toBe('allow');
    expect(r.statements).toEqual([expect.objectContaining({ effect: 'Allow', via: `arn:aws:iam::${ACCT}:group/devs`, kind: 'inline', applies: 'yes' })]);
    const d = ev.canDo(userArn('u'), 'iam:GetUser', '*');
    expect(d.decision).toBe('deny');
    expect(d.statements).toContainEqual(expect.objectContaining({ effect: 'Deny', sid: 'NoIam', policyId: policyArn('deny-iam') }));
  });

  it('aws:username is absent for a role, so an Allow on it never holds', () => {
    expect(ev.canDo(roleArn('r'), 's3:GetObject', '*').decision).toBe('implicit-deny');
  });

  it('lists undecided condition keys on conditional answers', () => {
    const m2 = model({ users: [userEntry('w', { inline: [doc(allow('s3:*', '*', { Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } }))] })] });
    const r = createEvaluator(m2).canDo(userArn('w'), 's3:GetObject', '*');
    expect(r.decision).toBe('conditional');
    expect(r.statements[0].undecided).toEqual(['StringEquals aws:SourceVpc']);
  });

  it('throws for a principal that is not in the model', () => {
    expect(() => ev.canDo(userArn('nobody'), 's3:GetObject', '*')).toThrow(/unknown principal/);
  });
});

describe('sameForEveryResource', () => {
  const subjectOf = (inline: Record<string, unknown>[], boundary?: string) => {
    const m = model({
      users: [userEntry('u', { inline, ...(boundary ? { boundary } : {}) })],
      policies: [managedEntry(policyArn('b'), doc(allow('*', '*'), deny('iam:CreateAccessKey', userArn('admin'))))],
    });
    return createEvaluator(m).subject(userArn('u'))!;
  };

  it('is true only when every statement covering the actions is unconditional and on *', () => {
    expect(sameForEveryResource(subjectOf([doc(allow('iam:CreateAccessKey', '*'))]), ['iam:CreateAccessKey'])).toBe(true);
    // Nothing covers the action at all: the same implicit deny everywhere.
    expect(sameForEveryResource(subjectOf([doc(allow('s3:GetObject', '*'))]), ['iam:CreateAccessKey'])).toBe(true);
    expect(sameForEveryResource(subjectOf([doc(allow('iam:CreateAccessKey', userArn('*')))]), ['iam:CreateAccessKey'])).toBe(false);
    expect(sameForEveryResource(subjectOf([doc(allow('iam:CreateAccessKey', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }))]), ['iam:CreateAccessKey'])).toBe(false);
    expect(sameForEveryResource(subjectOf([doc(allow('iam:*', '*'), deny('iam:CreateAccessKey', userArn('admin')))]), ['iam:CreateAccessKey'])).toBe(false);
    // A boundary that denies one user breaks it too.
    expect(sameForEveryResource(subjectOf([doc(allow('iam:*', '*'))], policyArn('b')), ['iam:CreateAccessKey'])).toBe(false);
    expect(sameForEveryResource(subjectOf([doc(allow('iam:*', '*'))], policyArn('b')), ['iam:ListUsers'])).toBe(true);
  });

  it('given the targets, a prefix every one of them starts with counts as *; each list answers for itself', () => {
    const s = subjectOf([doc(allow('iam:CreateAccessKey', `arn:aws:iam::${ACCT}:user/*`))]);
    const users = [userArn('a'), userArn('b')];
    const mixed = [userArn('a'), roleArn('r')];
    // Asked in turns, so that an answer kept for one list could be given for the other.
    for (let i = 0; i < 2; i++) {
      expect(sameForEveryResource(s, ['iam:CreateAccessKey'], users)).toBe(true);
      expect(sameForEveryResource(s, ['iam:CreateAccessKey'], mixed)).toBe(false);
    }
  });
});

describe('sameAnswerForEvery', () => {
  const mfa = { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } };
  const broken = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*' }] };
  const users = [userArn('a'), userArn('b'), userArn('admin')];
  const cases: Array<[string, Doc[], string | undefined, boolean]> = [
    ['a condition on a Deny of the whole account (a conditional administrator)', [doc(allow('*', '*'), deny('iam:*', `arn:aws:iam::${ACCT}:*`, mfa))], undefined, true],
    ['a NotResource Deny listing every target', [doc(allow('*', '*'), { Effect: 'Deny', Action: 'iam:*', NotResource: `arn:aws:iam::${ACCT}:user/*` })], undefined, true],
    ['a policy that could not be read', [doc(allow('iam:*', '*', mfa)), broken], undefined, true],
    ['a boundary with a condition on *', [doc(allow('iam:*', '*'))], 'b', true],
    ['a Deny naming one target', [doc(allow('*', '*'), deny('iam:CreateAccessKey', userArn('admin'), mfa))], undefined, false],
    ['a Deny on a prefix only some targets start with', [doc(allow('*', '*'), deny('iam:CreateAccessKey', `arn:aws:iam::${ACCT}:user/a*`, mfa))], undefined, false],
    ['a policy variable in the resource', [doc(allow('iam:CreateAccessKey', `arn:aws:iam::${ACCT}:user/\${aws:username}`))], undefined, false],
  ];

  it.each(cases)('%s', (name, inline, boundary, same) => {
    const m = model({
      users: [userEntry('u', { inline, ...(boundary ? { boundary: policyArn(boundary) } : {}) })],
      policies: [managedEntry(policyArn('b'), doc(allow('iam:*', '*', mfa)))],
    });
    const ev = createEvaluator(m, { now: new Date('2026-01-01T00:00:00Z') });
    const s = ev.subject(userArn('u'))!;
    expect(sameAnswerForEvery(s, ['iam:CreateAccessKey'], users)).toBe(same);
    // Whenever it says so, asking target by target gives the very same decision and keys.
    const answers = users.map((t) => ev.decide(s, 'iam:CreateAccessKey', t));
    if (same) for (const a of answers) expect(a).toEqual(answers[0]);
    // The Denies that name some targets do change the answer (the variable is only not checked).
    else if (!name.includes('variable')) expect(answers.some((a) => a.decision !== answers[0].decision)).toBe(true);
  });
});

describe('narrowedTo: a subject as far as one action is concerned', () => {
  const broken = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*' }] };
  const policies: Record<string, Doc[]> = {
    'allowed on some roles, denied one under a condition, other policies about other actions': [
      doc(allow('s3:GetObject')),
      doc(allow('sts:AssumeRole', `arn:aws:iam::${ACCT}:role/app-*`)),
      doc(allow('ec2:*')),
      doc(deny('sts:*', roleArn('app-secret'), { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } })),
    ],
    'with a policy that could not be read': [doc(allow('sts:AssumeRole')), broken, doc(allow('kms:Decrypt'))],
    'allowed everywhere through NotAction': [doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), doc(allow('s3:*'))],
    'about other actions only': [doc(allow('s3:GetObject')), doc(allow('ec2:*'))],
  };
  for (const [name, inline] of Object.entries(policies)) {
    it(`answers as the whole subject about it: ${name}`, () => {
      const m = model({ users: [userEntry('u', { inline, boundary: policyArn('b') })], policies: [managedEntry(policyArn('b'), doc(allow(['sts:AssumeRole', 's3:*'])))] });
      const ev = createEvaluator(m);
      const whole = ev.subject(userArn('u'))!;
      const narrow = narrowedTo(whole, 'sts:AssumeRole');
      expect(narrow.identity.length).toBeLessThanOrEqual(whole.identity.length);
      expect(narrow.boundary).toBe(whole.boundary);
      expect(ev.mayDoAction(narrow, 'sts:AssumeRole')).toBe(ev.mayDoAction(whole, 'sts:AssumeRole'));
      expect(sameForEveryResource(narrow, ['sts:AssumeRole'])).toBe(sameForEveryResource(whole, ['sts:AssumeRole']));
      for (const resource of [roleArn('app-web'), roleArn('app-secret'), roleArn('ops'), '*', SOME_RESOURCE] as const) {
        expect(ev.canDo(narrow, 'sts:AssumeRole', resource)).toEqual(ev.canDo(whole, 'sts:AssumeRole', resource));
        expect(ev.decide(narrow, 'sts:AssumeRole', resource)).toEqual(ev.decide(whole, 'sts:AssumeRole', resource));
      }
    });
  }
  it('leaves out the usable policies without a statement on the action', () => {
    const m = model({ users: [userEntry('u', { inline: policies['allowed on some roles, denied one under a condition, other policies about other actions'] })] });
    const whole = createEvaluator(m).subject(userArn('u'))!;
    expect(narrowedTo(whole, 'sts:AssumeRole').identity.map((bp) => bp.origin.policyId)).toEqual([whole.identity[1].origin.policyId, whole.identity[3].origin.policyId]);
  });
});

describe('conditions of many values', () => {
  // Past a few values an entry looks its exact ones up (wildcards, variables and other operators
  // are still tested one by one): the answers are those of testing every value.
  const fill = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
  const names = fill(2000, (i) => `name-${i}`);
  const arns = fill(2000, (i) => userArn(`user-${i}`));
  const on = (Condition: Doc, keys?: Record<string, string | null>) => decide([doc(allow('s3:GetObject', '*', { Condition }))], 's3:GetObject', BUCKET, { keys });
  it.each([
    ['StringEquals naming the tag among 2,000', { StringEquals: { 'aws:PrincipalTag/team': [...names, 'red'] } }, 'allow'],
    ['StringEquals naming 2,000 others', { StringEquals: { 'aws:PrincipalTag/team': [...names, 'Red'] } }, 'implicit-deny'],
    ['StringEqualsIgnoreCase in capitals', { StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': [...names, 'RED'] } }, 'allow'],
    ['StringNotEquals naming it', { StringNotEquals: { 'aws:PrincipalTag/team': ['red', ...names] } }, 'implicit-deny'],
    ['StringNotEquals naming others', { StringNotEquals: { 'aws:PrincipalTag/team': names } }, 'allow'],
    ['StringLike with a pattern among literals', { StringLike: { 'aws:username': [...names, '?'] } }, 'allow'],
    ['StringLike with literals and a pattern that does not match', { StringLike: { 'aws:username': [...names, 'x*', 'U'] } }, 'implicit-deny'],
    ['ArnEquals naming the caller among 2,000', { ArnEquals: { 'aws:PrincipalArn': [...arns, userArn('u')] } }, 'allow'],
    ['ArnEquals naming it in capitals (ARNs are case-sensitive)', { ArnEquals: { 'aws:PrincipalArn': [...arns, userArn('U')] } }, 'implicit-deny'],
    ['ArnLike with a segment wildcard', { ArnLike: { 'aws:PrincipalArn': [...arns, `arn:aws:iam::*:user/u`] } }, 'allow'],
    ['a policy variable among literals', { StringEquals: { 'aws:PrincipalTag/team': [...names, '${aws:username}'] } }, 'implicit-deny'],
    ['a policy variable that resolves to the value', { StringEquals: { 'aws:username': [...names, '${aws:PrincipalTag/team}', '${aws:username}'] } }, 'allow'],
  ] as const)('%s', (_, condition, expected) => {
    expect(on(condition as Doc)).toBe(expected);
  });

  it('looks up a request key among 2,000 values, and stays undecided on a key not known', () => {
    const c = { StringEquals: { 'aws:RequestTag/env': names } };
    expect(on(c, { 'aws:RequestTag/env': 'name-1999' })).toBe('allow');
    expect(on(c, { 'aws:RequestTag/env': 'name-2000' })).toBe('implicit-deny');
    expect(on(c)).toBe('conditional');
  });
});
