import { describe, expect } from 'vitest';
import rule from '../../../rules/aws/aws-oidc-trust-no-audience.js';
import { ACCT, GITHUB, doc, oneAccount, roleId, ruleCases, trust } from '../../helpers/aws-builders.js';

const role = (t: Record<string, unknown>) => oneAccount({ roles: [{ name: 'ci', trust: t }], oidcProviders: [{ ...GITHUB, clientIds: [...GITHUB.clientIds, 'https://github.com/acme'] }] });

const SUBKEY = 'token.actions.githubusercontent.com:sub';

describe('aws-oidc-trust-no-audience', () => {
  ruleCases(rule, [
    { name: 'pinned subject, no audience', graph: () => role(trust.github('repo:acme/site:ref:refs/heads/main', { aud: null })), subject: roleId('ci'), verdict: 'fail', severities: ['medium'] },
    {
      name: 'a GitHub statement with neither audience nor subject that allows only sts:TagSession',
      graph: () => role(doc({ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com` }, Action: 'sts:TagSession' })),
      subject: roleId('ci'),
      verdict: 'pass',
    },
    {
      name: 'no audience, overridden by an unconditional Deny on the provider',
      graph: () => {
        const allowSt = trust.github(null, { aud: null }).Statement as Record<string, unknown>[];
        return role(doc(...allowSt, { Effect: 'Deny', Principal: { Federated: `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com` }, Action: 'sts:*' }));
      },
      subject: roleId('ci'),
      verdict: 'pass',
    },
    // Every operator on the sub key must hold (subjectVerdict, as the transform judges the trust): a
    // trust no token passes lets in no token of another relying party either.
    {
      name: 'no audience, and a pinned subject its own StringNotEquals turns away',
      graph: () => role(trust.oidc('token.actions.githubusercontent.com', { StringEquals: { [SUBKEY]: 'repo:acme/site:ref:refs/heads/main' }, StringNotEquals: { [SUBKEY]: 'repo:acme/site:ref:refs/heads/main' } })),
      subject: roleId('ci'),
      verdict: 'pass',
    },
    { name: 'no audience, and a StringNotLike every sub matches', graph: () => role(trust.oidc('token.actions.githubusercontent.com', { StringNotLike: { [SUBKEY]: '*' } })), subject: roleId('ci'), verdict: 'pass' },
    {
      name: 'near miss: no audience, and a StringNotEquals naming another subject: reported',
      graph: () => role(trust.oidc('token.actions.githubusercontent.com', { StringEquals: { [SUBKEY]: 'repo:acme/site:ref:refs/heads/main' }, StringNotEquals: { [SUBKEY]: 'repo:acme/site:pull_request' } })),
      subject: roleId('ci'),
      verdict: 'fail',
      severities: ['medium'],
    },
    { name: 'neither audience nor subject', graph: () => role(trust.github(null, { aud: null })), subject: roleId('ci'), verdict: 'fail', severities: ['high'] },
    {
      name: 'Cognito identity pool without an audience',
      graph: () => role(doc({ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' })),
      subject: roleId('ci'),
      verdict: 'fail',
      severities: ['high'],
    },
    {
      name: 'GitHub trust pinned to an audience other than sts.amazonaws.com (here GitHub\'s default audience, https://github.com/OWNER)',
      graph: () => role(trust.github('repo:acme/site:ref:refs/heads/main', { aud: 'https://github.com/acme' })),
      subject: roleId('ci'),
      verdict: 'fail',
      severities: ['medium'],
      then: (f) => {
        expect(f[0].messageId).toBe('githubAud');
        expect(f[0].message).toContain('https://github.com/acme');
      },
    },
    {
      name: 'GitHub trust with a wrong audience and an unpinned subject',
      graph: () => role(trust.github('repo:acme/*', { like: true, aud: 'https://github.com/acme' })),
      subject: roleId('ci'),
      verdict: 'fail',
      severities: ['high'],
    },
    {
      name: 'GitHub trust with another audience the OIDC provider does not accept (not in its client id list): STS refuses such tokens',
      graph: () => oneAccount({ roles: [{ name: 'ci', trust: trust.github('repo:acme/site:ref:refs/heads/main', { aud: 'https://github.com/acme' }) }], oidcProviders: [GITHUB] }),
      subject: roleId('ci'),
      verdict: 'pass',
    },
    { name: 'audience pinned', graph: () => role(trust.github('repo:acme/site:ref:refs/heads/main')), subject: roleId('ci'), verdict: 'pass' },
    { name: 'a role trusted through SAML with SAML:aud pinned', graph: () => role(trust.saml()), subject: roleId('ci'), verdict: 'pass' },
    {
      name: 'a role trusted through SAML without a SAML:aud condition',
      graph: () => role(doc({ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111122223333:saml-provider/Okta' }, Action: 'sts:AssumeRoleWithSAML' })),
      subject: roleId('ci'),
      verdict: 'fail',
      severities: ['medium'],
      then: (f) => {
        expect(f[0].messageId).toBe('samlNoAud');
        expect(f[0].message).toContain('Okta');
      },
    },
    {
      name: 'a role trusted through SAML with SAML:aud only a wildcard',
      graph: () => role(doc({ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111122223333:saml-provider/Okta' }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringLike: { 'SAML:aud': '*' } } })),
      subject: roleId('ci'),
      verdict: 'fail',
      then: (f) => expect(f[0].messageId).toBe('samlNoAud'),
    },
    { name: 'an unparseable trust policy', graph: () => role({ Statement: [{ Effect: 'Maybe' }] }), subject: roleId('ci'), verdict: 'unknown' },
  ]);
});
