import { describe, expect, it } from 'vitest';
import rule from '../../../rules/aws/aws-principal-admin.js';
import { ACCT, GITHUB, NOW, VENDOR, allow, daysAgo, deny, doc, oneAccount, roleId, ruleCases, trust, userId } from '../../helpers/aws-builders.js';
import { runRule } from '../../helpers/rule-tester.js';

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

  // CI baselines and waivers key a finding by its fingerprint: narrowing administration with a
  // condition (a partial fix) lowers the severity and must not make the finding look new.
  it('keeps its fingerprint when the administrator policy gains a condition, and differs between principals', () => {
    const run = (inline: Record<string, unknown>[], managed: string[]) =>
      runRule(rule, oneAccount({ roles: [{ name: 'deploy', trust: trust.account(ACCT), managed, inline }, { name: 'ops', trust: trust.account(ACCT), managed: ['AdministratorAccess'] }] }), { now: NOW }).findings;
    const before = run([], ['AdministratorAccess']);
    const after = run([doc(allow('*', '*', { Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }))], []);
    const deploy = (fs: typeof before) => fs.filter((f) => f.subject.id === roleId('deploy'));
    expect(deploy(before).map((f) => [f.messageId, f.severity])).toEqual([['admin', 'high']]);
    expect(deploy(after).map((f) => [f.messageId, f.severity])).toEqual([['conditional', 'medium']]);
    expect(deploy(after)[0].fingerprint).toBe(deploy(before)[0].fingerprint);
    const ops = before.find((f) => f.subject.id === roleId('ops'))!;
    expect(ops.fingerprint).not.toBe(deploy(before)[0].fingerprint);
  });
});
