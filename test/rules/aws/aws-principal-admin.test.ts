import { describe, expect } from 'vitest';
import rule from '../../../rules/aws/aws-principal-admin.js';
import { ACCT, GITHUB, VENDOR, allow, daysAgo, deny, doc, oneAccount, roleId, ruleCases, trust, userId } from '../../helpers/aws-builders.js';

const adminRole = (trustDoc: Record<string, unknown>, extra: { inline?: Record<string, unknown>[] } = {}) =>
  oneAccount({ roles: [{ name: 'deploy', trust: trustDoc, managed: ['AdministratorAccess'], inline: extra.inline }], oidcProviders: [GITHUB] });

describe('aws-principal-admin', () => {
  ruleCases(rule, [
    {
      name: 'administrator role entered from GitHub Actions',
      graph: () => adminRole(trust.github('repo:acme/*', { like: true })),
      subject: roleId('deploy'),
      verdict: 'fail',
      severities: ['critical'],
      then: (f) => {
        expect(f[0].messageId).toBe('exposed');
        expect(String(f[0].args.exposure)).toContain('GitHub repo:acme/*');
      },
    },
    {
      name: 'administrator role trusted by a vendor account',
      graph: () => adminRole(trust.account(VENDOR, { Condition: { StringEquals: { 'sts:ExternalId': 'x-123' } } })),
      subject: roleId('deploy'),
      verdict: 'fail',
      severities: ['critical'],
      then: (f) => expect(String(f[0].args.exposure)).toContain(VENDOR),
    },
    {
      name: 'administrator through a group, with an access key',
      graph: () =>
        oneAccount({
          groups: [{ name: 'admins', managed: ['AdministratorAccess'] }],
          users: [{ name: 'ci-bot', groups: ['admins'], report: { keys: [{ rotated: daysAgo(10), lastUsed: daysAgo(1) }] } }],
        }),
      subject: userId('ci-bot'),
      verdict: 'fail',
      severities: ['critical'],
    },
    { name: 'administrator role only the account itself may assume', graph: () => adminRole(trust.account(ACCT)), subject: roleId('deploy'), verdict: 'fail', severities: ['high'] },
    {
      name: 'administrator role open to "*" but narrowed to the organisation',
      graph: () => adminRole(trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } })),
      subject: roleId('deploy'),
      verdict: 'fail',
      severities: ['high'],
    },
    {
      name: 'IAMFullAccess is not (yet) administrator',
      graph: () => oneAccount({ roles: [{ name: 'deploy', trust: trust.account(ACCT), managed: ['IAMFullAccess'] }] }),
      subject: roleId('deploy'),
      verdict: 'pass',
    },
    {
      name: 'AdministratorAccess capped by an explicit deny on IAM',
      graph: () => adminRole(trust.account(ACCT), { inline: [doc(deny('iam:*'))] }),
      subject: roleId('deploy'),
      verdict: 'pass',
    },
    {
      name: 'administration only when MFA is present: reported as conditional, not dropped',
      graph: () =>
        oneAccount({ users: [{ name: 'ops', inline: [doc(allow('*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }))] }] }),
      subject: userId('ops'),
      verdict: 'fail',
      severities: ['medium'],
      then: (f) => expect(f[0].messageId).toBe('conditional'),
    },
    {
      name: 'an attached policy whose document is missing from the file',
      graph: () => oneAccount({ users: [{ name: 'ops', inline: [doc(allow('s3:*'))], managed: [`arn:aws:iam::${ACCT}:policy/not-exported`] }] }),
      subject: userId('ops'),
      verdict: 'unknown',
    },
  ]);
});
