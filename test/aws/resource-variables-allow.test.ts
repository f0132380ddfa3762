import { describe, expect, it } from 'vitest';
import { assessAdmin, createEvaluator, findEscalationEdges, SOME_RESOURCE } from '../../src/aws/index.js';
import { answerAccount } from '../../src/connectors/aws/account-answers.js';
import { ACCT, allow, awsPolicyArn, doc, managedEntry, model, policyArn, roleArn, roleEntry, trustAccount, trustService, trustTagging, userArn, userEntry } from './helpers.js';

// IAM User Guide, "IAM policy elements: Variables and tags": a variable in Resource is replaced by
// the request's value (aws:username is the IAM user's name; a role session has none), a tag by the
// principal's tag; a variable the request does not carry, without a default, matches nothing.
// One managed policy shared by several principals answers for each of them.
const now = new Date('2025-01-01T00:00:00Z');
const ADMIN = awsPolicyArn('AdministratorAccess');
const OTHER = '999988887777';
const shared = (name: string, ...statements: Record<string, unknown>[]) => managedEntry(policyArn(name), doc(...statements));
const edgesOf = (m: ReturnType<typeof model>) => findEscalationEdges(m, { now }).edges.map((e) => ({ from: e.from, to: e.to, method: e.method, conditional: e.conditional, undecided: e.undecided }));

describe('policy variables on the Allow side', () => {
  it('CreateAccessKey on user/${aws:username} lets each user make keys for itself only: no edge to another user, not admin; a role gets nothing', () => {
    const keys = shared('own-keys', allow(['iam:CreateAccessKey', 'iam:CreateLoginProfile'], 'arn:aws:iam::*:user/${aws:username}'));
    const m = model({
      users: [userEntry('alice', { attached: [policyArn('own-keys')] }), userEntry('bob', { attached: [policyArn('own-keys')] }), userEntry('root-ish', { attached: [ADMIN] })],
      roles: [roleEntry('app', trustAccount(), { attached: [policyArn('own-keys')] })],
      policies: [keys],
    });
    expect(edgesOf(m).filter((e) => e.from !== userArn('root-ish'))).toEqual([]);
    const ev = createEvaluator(m, { now });
    for (const p of [userArn('alice'), userArn('bob'), roleArn('app')]) expect(assessAdmin(ev, p).status).toBe('not-admin');
    // Near miss: its own user, asked by name, is allowed; the role has no aws:username at all.
    expect(ev.canDo(userArn('alice'), 'iam:CreateAccessKey', userArn('alice')).decision).toBe('allow');
    expect(ev.canDo(userArn('alice'), 'iam:CreateAccessKey', userArn('root-ish')).decision).toBe('implicit-deny');
    expect(ev.canDo(roleArn('app'), 'iam:CreateAccessKey', userArn('app')).decision).toBe('implicit-deny');
    const grants = answerAccount(m, ev).grants;
    expect(grants.map((g) => g.identity.allowed)).toEqual([[], [], [], []].map((x, i) => (i === 2 ? ['iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateRole', 'iam:PutUserPolicy', 'iam:AttachUserPolicy', 'iam:UpdateAssumeRolePolicy', 'iam:PassRole'] : x)));
  });

  it('a new resource named by ${aws:username}: a user may create it, a role may not (it has no user name)', () => {
    // Pass an admin role to a new function named after the caller: a route for a user, none for a role.
    const fn = shared('own-functions', allow('iam:PassRole', roleArn('fn-admin')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction'], 'arn:aws:lambda:*:*:function:${aws:username}-*'));
    const m = model({
      users: [userEntry('dev', { attached: [policyArn('own-functions')] })],
      roles: [roleEntry('ci', trustAccount(), { attached: [policyArn('own-functions')] }), roleEntry('fn-admin', trustService('lambda.amazonaws.com'), { attached: [ADMIN] })],
      policies: [fn],
    });
    const lambda = edgesOf(m).filter((e) => e.method === 'iam-passrole-lambda-invoke');
    expect(lambda).toEqual([{ from: userArn('dev'), to: roleArn('fn-admin'), method: 'iam-passrole-lambda-invoke', conditional: false, undecided: undefined }]);
    const ev = createEvaluator(m, { now });
    expect(ev.canDo(roleArn('ci'), 'lambda:CreateFunction', SOME_RESOURCE).decision).toBe('implicit-deny');
    expect(ev.canDo(userArn('dev'), 'lambda:CreateFunction', SOME_RESOURCE).decision).toBe('allow');
  });

  it('a variable whose value is not known makes the Allow on a new resource conditional, not firm, and not nothing', () => {
    // A session of a role whose trust policy allows sts:TagSession may carry a session tag that
    // replaces the role's: its aws:PrincipalTag is not known.
    const fn = shared('team-functions', allow('iam:PassRole', roleArn('fn-admin')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction'], 'arn:aws:lambda:*:*:function:${aws:PrincipalTag/team}-*'));
    const m = model({
      roles: [roleEntry('ci', trustTagging(), { attached: [policyArn('team-functions')], tags: { team: 'red' } }), roleEntry('fn-admin', trustService('lambda.amazonaws.com'), { attached: [ADMIN] })],
      policies: [fn],
    });
    expect(edgesOf(m).filter((e) => e.method === 'iam-passrole-lambda-invoke')).toEqual([
      { from: roleArn('ci'), to: roleArn('fn-admin'), method: 'iam-passrole-lambda-invoke', conditional: true, undecided: ['Resource policy variable'] },
    ]);
    const d = createEvaluator(m, { now }).decide(roleArn('ci'), 'lambda:CreateFunction', SOME_RESOURCE);
    expect(d).toEqual({ decision: 'conditional', undecided: ['Resource policy variable'] });
  });

  it("an account named by a tag: the user's own account allows, another does not, a role's unknown tag only might", () => {
    const put = shared('tagged-account', allow('lambda:CreateFunction', 'arn:aws:lambda:*:${aws:PrincipalTag/acct}:function:*'));
    const m = model({
      users: [userEntry('own', { attached: [policyArn('tagged-account')], tags: { acct: ACCT } }), userEntry('other', { attached: [policyArn('tagged-account')], tags: { acct: OTHER } }), userEntry('untagged', { attached: [policyArn('tagged-account')] })],
      roles: [roleEntry('r', trustTagging(), { attached: [policyArn('tagged-account')], tags: { acct: ACCT } })],
      policies: [put],
    });
    const decisions = (order: string[]) => {
      const ev = createEvaluator(m, { now });
      return Object.fromEntries(order.map((p) => [p.slice(p.lastIndexOf(':') + 1), ev.canDo(p, 'lambda:CreateFunction', SOME_RESOURCE).decision]));
    };
    const expected = { 'user/own': 'allow', 'user/other': 'implicit-deny', 'user/untagged': 'implicit-deny', 'role/r': 'conditional' };
    // The statement is shared: whoever asks first, each principal gets its own answer.
    expect(decisions([userArn('own'), userArn('other'), userArn('untagged'), roleArn('r')])).toEqual(expected);
    expect(decisions([roleArn('r'), userArn('untagged'), userArn('other'), userArn('own')])).toEqual(expected);
  });

  it('a PrincipalTag in the role name gives a tagged user edges only to the roles of its team', () => {
    const team = shared('team-roles', allow(['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'], 'arn:aws:iam::*:role/${aws:PrincipalTag/team}-*'));
    const m = model({
      users: [userEntry('alice', { attached: [policyArn('team-roles')], tags: { team: 'red' } }), userEntry('carol', { attached: [policyArn('team-roles')] })],
      roles: [roleEntry('red-app', trustAccount(), { attached: [ADMIN] }), roleEntry('blue-app', trustAccount(), { attached: [ADMIN] })],
      policies: [team],
    });
    const edges = edgesOf(m);
    expect(new Set(edges.map((e) => `${e.from} ${e.to}`))).toEqual(new Set([`${userArn('alice')} ${roleArn('red-app')}`]));
    expect(edges.every((e) => !e.conditional)).toBe(true);
  });

  it('${aws:SourceIdentity}: a role session may carry one (conditional), an IAM user never does (no allow)', () => {
    const mine = doc(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:SourceIdentity}/*'));
    const m = model({ users: [userEntry('u', { inline: [mine] })], roles: [roleEntry('r', trustAccount(), { inline: [mine] })] });
    const ev = createEvaluator(m, { now });
    expect(ev.canDo(roleArn('r'), 's3:GetObject', 'arn:aws:s3:::home/alice/k').decision).toBe('conditional');
    expect(ev.canDo(userArn('u'), 's3:GetObject', 'arn:aws:s3:::home/alice/k').decision).toBe('implicit-deny');
  });

  it("a write grant on objects under ${aws:username}: a user's, no role's", () => {
    const home = shared('home', allow('s3:PutObject', 'arn:aws:s3:::home/${aws:username}/*'));
    const m = model({ users: [userEntry('u', { attached: [policyArn('home')] })], roles: [roleEntry('r', trustAccount(), { attached: [policyArn('home')] })], policies: [home] });
    const grants = answerAccount(m, createEvaluator(m, { now })).grants;
    expect(grants.map((g) => g.write)).toEqual([
      { allowed: ['s3:PutObject'], conditional: false },
      { allowed: [], conditional: false },
    ]);
  });
});
