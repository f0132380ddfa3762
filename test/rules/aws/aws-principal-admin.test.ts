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
    // Every workload kind the OIDC classifier names is a way in from outside, not only GitHub.
    ...(
      [
        ['GitLab', 'gitlab.com', 'https://gitlab.com', 'project_path:grp/app:ref_type:branch:ref:main'],
        ['Terraform Cloud', 'app.terraform.io', 'aws.workload.identity', 'organization:acme:project:p:workspace:w:run_phase:apply'],
        ['Kubernetes', 'oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789', 'sts.amazonaws.com', 'system:serviceaccount:ns:sa'],
        ['SPIFFE', 'oidc.spire.example.com', 'sts.amazonaws.com', 'spiffe://example.org/ns/app'],
      ] as const
    ).map(([label, issuer, aud, sub]) => ({
      name: `administrator role entered from ${label}`,
      graph: () =>
        oneAccount({
          roles: [{ name: 'deploy', trust: trust.oidc(issuer, { StringEquals: { [`${issuer}:aud`]: aud, [`${issuer}:sub`]: sub } }), managed: ['AdministratorAccess'] }],
          oidcProviders: [{ url: issuer, clientIds: [aud] }],
        }),
      subject: roleId('deploy'),
      verdict: 'fail' as const,
      severities: ['critical'],
      then: (f: { messageId: string; args: Record<string, unknown> }[]) => {
        expect(f[0].messageId).toBe('exposed');
        expect(String(f[0].args.exposure)).toContain(`${label} ${sub}`);
      },
    })),
    {
      // STS accepts a token only when its aud is in the provider's client id list: a possibility, not a way in.
      name: 'administrator role whose GitHub trust names an audience the provider does not accept',
      graph: () => adminRole(trust.github('repo:acme/app:environment:prod', { aud: 'https://github.com/acme' })),
      subject: roleId('deploy'),
      verdict: 'fail',
      severities: ['high'],
      then: (f) => {
        expect(f[0].messageId).toBe('mayBeExposed');
        expect(String(f[0].args.exposure)).toContain('GitHub repo:acme/app:environment:prod');
        expect(f[0].evidence.exposure).toEqual([]);
      },
    },
    {
      name: 'administrator role whose GitHub statement allows only sts:TagSession',
      graph: () =>
        adminRole(
          doc({
            Effect: 'Allow',
            Principal: { Federated: `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com` },
            Action: 'sts:TagSession',
            Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:acme/app:environment:prod' } },
          }),
        ),
      subject: roleId('deploy'),
      verdict: 'fail',
      severities: ['high'],
      then: (f) => expect(f[0].messageId).toBe('mayBeExposed'),
    },
    {
      name: 'a firm way in outweighs a conditional one',
      graph: () => {
        const gh = trust.github('repo:acme/app:environment:prod', { aud: 'https://github.com/acme' }).Statement as Record<string, unknown>[];
        const vendor = trust.account(VENDOR).Statement as Record<string, unknown>[];
        return adminRole(doc(...gh, ...vendor));
      },
      subject: roleId('deploy'),
      verdict: 'fail',
      severities: ['critical'],
      then: (f) => {
        expect(f[0].messageId).toBe('exposed');
        expect(f[0].evidence.exposure).toEqual([`trusted by AWS account ${VENDOR} (not scanned)`]);
        expect(f[0].evidence.conditionalExposure).toEqual(['reachable through GitHub repo:acme/app:environment:prod']);
      },
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
