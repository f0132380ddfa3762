import { defineRule, credentialsOf, day, isMachine } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'aws-key-user-console-access',
    title: 'IAM user with an active access key can also sign in to the console',
    severity: 'medium',
    tiered: true,
    providers: ['aws'],
    owasp: ['NHI10:2025'],
    frameworks: { nistCsf: ['PR.AA-02', 'PR.AA-03'] },
    description:
      'Reports IAM users that have an active access key (an integration credential) and a console password at the same time, as read from the credential report. The finding is high when the console sign-in has no MFA.',
    risk: 'A person may be signing in as the integration: every action they take is attributed to a machine, the integration\'s permissions become a person\'s permissions, and a password without MFA is a second, phishable way into the same identity.',
    remediation:
      'Remove the console password (delete the login profile) from the integration user and give the people who need console access their own identities through IAM Identity Center. If the user really is a person, delete its access keys instead.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_admin-change-user.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-users-federation-idp',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/10-human-use-of-nhi/',
    ],
    maturity: 'stable',
    messages: {
      both: '{{name}} has {{keys}} active access key(s) and a console password{{mfa}}; the password was last used {{passwordUsed}}',
    },
  },
  evaluates: { types: ['aws-iam-user'], where: isMachine, requires: ['aws.credentialReport'] },
  check(user, ctx) {
    // Users created after the report was generated have no row: their keys and password are not known.
    if (user.lastUsedAt === undefined) return ctx.unknown('the user has no row in the credential report');
    const creds = credentialsOf(ctx.graph, user);
    const keys = creds.filter((c) => c.type === 'aws-access-key' && c.status === 'active');
    const password = creds.find((c) => c.type === 'aws-console-password' && c.status === 'active');
    if (keys.length === 0 || !password) return;
    const mfa = user.attrs.mfaActive === true;
    ctx.report({
      messageId: 'both',
      severity: mfa ? 'medium' : 'high',
      args: { keys: keys.length, mfa: mfa ? ' (with MFA)' : ' without MFA', passwordUsed: password.lastUsedAt ? day(password.lastUsedAt) : 'never' },
      evidence: {
        accessKeys: keys.map((k) => k.id),
        keyLastUsed: keys.map((k) => k.lastUsedAt ?? null),
        passwordLastUsed: password.lastUsedAt ?? null,
        mfaActive: mfa,
      },
    });
  },
});
