import { describe, expect, it } from 'vitest';
import rule from '../../../rules/aws/aws-oidc-trust-weak-subject.js';
import { ACCT, GITHUB, NOW, allow, doc, oneAccount, roleId, ruleCases, trust } from '../../helpers/aws-builders.js';
import { runRule } from '../../helpers/rule-tester.js';

const ENTRA = 'sts.windows.net/691d0d64-52fb-4de1-ae87-2e52cdd26449/';
const role = (t: Record<string, unknown>, managed: string[] = [], inline = [doc(allow('s3:PutObject', 'arn:aws:s3:::site/*'))]) =>
  oneAccount({ roles: [{ name: 'ci', trust: t, managed, inline }], oidcProviders: [GITHUB, { url: ENTRA, clientIds: ['api://app'] }] });

// A GitHub trust with the usual aud and these operators on sub.
const gh = (sub: Record<string, string>) =>
  trust.oidc('token.actions.githubusercontent.com', {
    StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
    ...Object.fromEntries(Object.entries(sub).map(([op, v]) => [op, { ...(op === 'StringEquals' ? { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } : {}), 'token.actions.githubusercontent.com:sub': v }])),
  });

describe('aws-oidc-trust-weak-subject', () => {
  ruleCases(rule, [
    {
      name: 'GitHub trust for every repository of the org (low-tier role)',
      graph: () => role(trust.github('repo:acme/*', { like: true })),
      subject: roleId('ci'),
      verdict: 'fail',
      severities: ['high'],
      then: (f) => expect(f[0].args.pattern).toBe('repo:acme/*'),
    },
    { name: 'the same trust on an administrator role', graph: () => role(trust.github('repo:acme/*', { like: true }), ['AdministratorAccess']), subject: roleId('ci'), verdict: 'fail', severities: ['critical'] },
    // Only statements that really let the token in count: the transform's route gate (trustRoute).
    {
      name: 'GitHub trust with no sub condition, overridden by an unconditional Deny on the same provider',
      graph: () => {
        const allowSt = trust.github(null).Statement as Record<string, unknown>[];
        return role(doc(...allowSt, { Effect: 'Deny', Principal: { Federated: `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com` }, Action: 'sts:AssumeRoleWithWebIdentity' }));
      },
      subject: roleId('ci'),
      verdict: 'pass',
    },
    {
      name: 'GitHub trust with no sub condition whose Deny applies only under a condition: still reported',
      graph: () => {
        const allowSt = trust.github(null).Statement as Record<string, unknown>[];
        return role(
          doc(...allowSt, { Effect: 'Deny', Principal: { Federated: `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }),
        );
      },
      subject: roleId('ci'),
      verdict: 'fail',
      severities: ['critical'],
    },
    {
      name: 'GitHub statement with no sub condition that allows only sts:TagSession',
      graph: () => role(doc({ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com` }, Action: 'sts:TagSession' })),
      subject: roleId('ci'),
      verdict: 'pass',
    },
    { name: 'GitHub trust with no sub condition at all', graph: () => role(trust.github(null)), subject: roleId('ci'), verdict: 'fail', severities: ['critical'], then: (f) => expect(f[0].messageId).toBe('missing') },
    { name: 'GitHub sub "*"', graph: () => role(trust.github('*', { like: true })), subject: roleId('ci'), verdict: 'fail', severities: ['critical'] },
    // An owner wildcard admits repositories anyone can create: as open as no sub condition (RULES-CATALOG §3.3 (a): `repo:*`).
    { name: 'GitHub sub "repo:*" (any owner)', graph: () => role(trust.github('repo:*', { like: true })), subject: roleId('ci'), verdict: 'fail', severities: ['critical'] },
    { name: 'GitHub sub with a wildcard in the owner', graph: () => role(trust.github('repo:acme*/site:*', { like: true })), subject: roleId('ci'), verdict: 'fail', severities: ['critical'] },
    { name: 'any branch of one repository', graph: () => role(trust.github('repo:acme/site:*', { like: true })), subject: roleId('ci'), verdict: 'fail', severities: ['medium'] },
    {
      name: 'Entra issuer with only an audience, on a role that reads secrets',
      graph: () => role(trust.oidc(ENTRA, { StringEquals: { [`${ENTRA}:aud`]: 'api://app' } }), [], [doc(allow('secretsmanager:GetSecretValue'))]),
      subject: roleId('ci'),
      verdict: 'fail',
      severities: ['critical'],
    },
    // GitHub issues repo:ORG/REPO:pull_request to every pull-request workflow run, whatever its branch:
    // as broad as any branch of the repository (entra-fic-weak-subject judges it the same way).
    { name: 'GitHub sub pinned to pull_request', graph: () => role(trust.github('repo:acme/site:pull_request')), subject: roleId('ci'), verdict: 'fail', severities: ['medium'] },
    { name: 'the same on an administrator role', graph: () => role(trust.github('repo:acme/site:pull_request'), ['AdministratorAccess']), subject: roleId('ci'), verdict: 'fail', severities: ['high'] },
    // Customised GitHub subjects (include_claim_keys): the repository claim alone is issued to every
    // run of the repository, on any branch; the owner claim alone to every repository of the owner.
    { name: 'GitHub sub naming a repository and nothing more', graph: () => role(trust.github('repo:acme/site')), subject: roleId('ci'), verdict: 'fail', severities: ['medium'] },
    { name: 'the same on an administrator role', graph: () => role(trust.github('repo:acme/site'), ['AdministratorAccess']), subject: roleId('ci'), verdict: 'fail', severities: ['high'] },
    { name: 'GitHub sub naming only the owner', graph: () => role(trust.github('repository_owner:acme')), subject: roleId('ci'), verdict: 'fail', severities: ['high'] },
    { name: 'GitHub sub naming the owner and an environment', graph: () => role(trust.github('repository_owner:acme:environment:prod'), ['AdministratorAccess']), subject: roleId('ci'), verdict: 'fail', severities: ['critical'] },
    { name: 'customised sub with repository id and environment', graph: () => role(trust.github('repository_id:42:environment:prod')), subject: roleId('ci'), verdict: 'pass' },
    { name: 'pinned repository and branch', graph: () => role(trust.github('repo:acme/site:ref:refs/heads/main')), subject: roleId('ci'), verdict: 'pass' },
    { name: 'StringEquals with a "*" is a literal, not a wildcard', graph: () => role(trust.github('repo:acme/site:*')), subject: roleId('ci'), verdict: 'pass' },
    { name: 'a role trusted only by a service', graph: () => role(trust.service('ec2.amazonaws.com')), subject: roleId('ci'), verdict: 'pass' },
    // Operators on the sub key are ANDed, negated ones too (subjectVerdict): a trust no token passes is not weak.
    { name: 'a sub pattern a StringNotLike turns away entirely', graph: () => role(gh({ StringLike: 'repo:acme/*', StringNotLike: 'repo:*' })), subject: roleId('ci'), verdict: 'pass' },
    { name: 'no positive sub condition and a StringNotLike every sub matches', graph: () => role(gh({ StringNotLike: '*' })), subject: roleId('ci'), verdict: 'pass' },
    { name: 'a broad exact GitHub subject its own StringNotEquals names', graph: () => role(gh({ StringEquals: 'repo:acme/site:pull_request', StringNotEquals: 'repo:acme/site:pull_request' })), subject: roleId('ci'), verdict: 'pass' },
    { name: 'a sub pattern whose Null true no token meets', graph: () => role(gh({ StringLike: 'repo:acme/*', Null: 'true' })), subject: roleId('ci'), verdict: 'pass' },
    {
      name: 'near miss: a StringNotLike that turns away part of the pattern leaves it weak, and says what it turns away',
      graph: () => role(gh({ StringLike: 'repo:acme/*', StringNotLike: 'repo:acme/sandbox*' })),
      subject: roleId('ci'),
      verdict: 'fail',
      severities: ['high'],
      then: (f) => {
        expect(f[0].messageId).toBe('wildcardExcept');
        expect(f[0].args.except).toBe('sub matching repo:acme/sandbox*');
        expect(f[0].evidence.undecided).toBeUndefined();
      },
    },
    {
      name: 'near miss: no positive sub condition beside a StringNotEquals is still any token but the one it names',
      graph: () => role(gh({ StringNotEquals: 'repo:acme/site:ref:refs/heads/main' })),
      subject: roleId('ci'),
      verdict: 'fail',
      severities: ['critical'],
      then: (f) => {
        expect(f[0].messageId).toBe('missingExcept');
        expect(f[0].args.except).toBe('sub repo:acme/site:ref:refs/heads/main');
      },
    },
    {
      name: 'a sub pattern beside an operator whose reading of a sub is not known: reported, with the doubt',
      graph: () => role(gh({ StringLike: 'repo:acme/*', ArnNotLike: 'arn:*' })),
      subject: roleId('ci'),
      verdict: 'fail',
      severities: ['high'],
      then: (f) => expect(f[0].evidence.undecided).toEqual(['the sub condition ArnNotLike arn:* holds for sub repo:acme/* (how IAM compares a sub under it is not known)']),
    },
    { name: 'an unparseable trust policy', graph: () => role({ Statement: [{ Effect: 'Maybe' }] }), subject: roleId('ci'), verdict: 'unknown' },
  ]);

  // CI baselines and waivers key a finding by its fingerprint: adding a sub condition, or
  // narrowing its pattern while it is still too broad (a partial fix), changes the state of the
  // trust the finding is about, and must not make the finding look new.
  describe('fingerprint', () => {
    const statements = (...docs: Record<string, unknown>[]) => doc(...docs.flatMap((d) => d.Statement as Record<string, unknown>[]));
    const findings = (t: Record<string, unknown>) => runRule(rule, role(t), { now: NOW }).findings.filter((f) => f.subject.id === roleId('ci'));

    it('stays the same as the subject condition is added and narrowed', () => {
      const steps = [trust.github(null), trust.github('repo:acme/*', { like: true }), trust.github('repo:acme/site:*', { like: true })].map(findings);
      expect(steps.map((fs) => fs.map((f) => [f.messageId, f.severity]))).toEqual([[['missing', 'critical']], [['wildcard', 'high']], [['wildcard', 'medium']]]);
      expect(new Set(steps.map((fs) => fs[0].fingerprint)).size).toBe(1);
    });

    it('differs between two issuers, and between two statements for the same issuer', () => {
      const entra = trust.oidc(ENTRA, { StringEquals: { [`${ENTRA}:aud`]: 'api://app' } });
      const two = findings(statements(trust.github('repo:acme/*', { like: true }), entra));
      expect(two).toHaveLength(2);
      expect(new Set(two.map((f) => f.fingerprint)).size).toBe(2);
      const same = findings(statements(trust.github('repo:acme/*', { like: true }), trust.github('repo:other/*', { like: true })));
      expect(same).toHaveLength(2);
      expect(new Set(same.map((f) => f.fingerprint)).size).toBe(2);
    });
  });
});
