import { defineRule, credentialsOf, credentialsUnread, isActiveCredential, maybeServiceAccount, NOT_USER_IDENTITY_TYPES, oktaIdentityActive, serviceAccountUnclassified } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'nhi-service-account-weak-auth',
    title: 'Service account that is a user object signs in with a password and no second factor',
    severity: 'medium',
    tiered: true,
    providers: ['entra', 'okta', 'aws'],
    owasp: ['NHI4:2025'],
    frameworks: { nistCsf: ['PR.AA-03'] },
    description:
      'A user object classified as a service account (Entra user, Okta user, IAM user with a console password) can sign in with a password and has no MFA registered or active. One rule for all three providers, reading the normalized `mfa` evidence. An Okta user that is SUSPENDED or DEPROVISIONED is not evaluated, as okta-svc-user-interactive-or-no-mfa does not evaluate it: nobody signs in with it today.',
    risk: 'A password is a shared secret that people can type: whoever learns it signs in as the integration, from anywhere, and certification campaigns review the account as a person.',
    remediation: 'Replace the user object with a workload identity (service principal or managed identity, OAuth service app, IAM role); if it must stay, remove interactive sign-in and require phishing-resistant MFA or a location-bound policy.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/4-insecure-authentication/'],
    maturity: 'stable',
    messages: { nomfa: '{{name}} is a service account with a password ({{password}}) and no second factor' },
  },
  // Humans too: an Entra user that may be a service account stays a person (serviceAccountUnclassified).
  evaluates: { types: [], kinds: ['identity', 'human'], where: (n) => maybeServiceAccount(n) && oktaIdentityActive(n), skipsTypes: NOT_USER_IDENTITY_TYPES },
  check(subject, ctx) {
    // Such an Entra user has a password like any user object, but no credential node (those are
    // made for service accounts): registered MFA passes it either way, anything else is unknown.
    const unclassified = serviceAccountUnclassified(subject);
    if (unclassified && subject.kind === 'human') return subject.attrs.mfa === true ? undefined : ctx.unknown(unclassified);
    const passwords = credentialsOf(ctx.graph, subject).filter((c) => c.credentialType === 'password' && isActiveCredential(c, ctx.now));
    // No password read is no password only when the credentials were read (an IAM user's row).
    if (passwords.length === 0) {
      const unread = credentialsUnread(subject);
      return unread ? ctx.unknown(unread) : undefined;
    }
    const mfa = subject.attrs.mfa;
    if (mfa === undefined) {
      // An Entra user the registration report left out, while the report was read.
      if (subject.attrs.mfaRegistrationRead === false) return ctx.unknown('the user is not in userRegistrationDetails.json: its MFA registration was not read');
      return ctx.unknown('MFA registration was not collected');
    }
    if (mfa === true) return;
    ctx.report({
      messageId: 'nomfa',
      args: { password: passwords[0].expiresAt === null ? 'never expires' : 'expiry per policy' },
      evidence: { mfa, passwords: passwords.map((p) => p.id) },
    });
  },
});
