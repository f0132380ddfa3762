import { credentialLabel, defineRule, credentialsOf, credentialsUnread, isActiveCredential, daysSince, oktaIdentityActive, isRootUser } from '../../src/rule-kit.js';

const STANDING = new Set(['client-secret', 'access-key', 'api-token', 'certificate', 'private-key-jwt', 'password']);

export default defineRule({
  meta: {
    id: 'nhi-credential-no-expiry',
    title: 'Standing credential never expires',
    severity: 'low',
    tiered: true,
    providers: ['entra', 'okta', 'aws'],
    owasp: ['NHI7:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'An active secret, key, token or certificate has no expiry date (AWS access keys, Okta client secrets and JWKS keys, Entra credentials made with the old "never" option, whose end date is ~99 years out). An Okta service app that is not ACTIVE and an Okta user that is SUSPENDED or DEPROVISIONED are not evaluated, as the Okta rules do not evaluate them; a disabled Entra service principal is, as the Entra credential rules evaluate it: its credentials work again the moment it is re-enabled. The AWS root user is left to `aws-root-access-key`: its console password is a person\'s break-glass login, and its access keys are that rule\'s finding.',
    risk: 'A copy leaked years ago still works today; only a rotation process, if one exists, ever ends it.',
    remediation: 'Prefer federated, short-lived credentials; where a standing credential must stay, enforce a maximum lifetime and rotate it on a schedule.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/7-long-lived-secrets/'],
    maturity: 'stable',
    messages: { forever: '{{name}}: {{credential}} has no expiry ({{age}})' },
    options: { minAgeDays: { default: 30, description: 'report only credentials at least this old (new keys get a grace period to be rotated into a schedule)' } },
  },
  // The AWS root user is the account owner's login, T4 by nature: judged by the root rules
  // (aws-root-access-key), not as a machine identity (isRootUser in rule-kit).
  evaluates: { types: [], kinds: ['identity'], where: (n) => !n.firstParty && oktaIdentityActive(n) && !isRootUser(n), skipsTypes: ['aws-root-user'] },
  check(subject, ctx) {
    // Only decides when nothing is reported: a credential that was read still fails.
    const unread = credentialsUnread(subject);
    if (unread) ctx.unknown(unread);
    for (const c of credentialsOf(ctx.graph, subject)) {
      if (!STANDING.has(c.credentialType ?? '') || !isActiveCredential(c, ctx.now)) continue;
      // undefined: the expiry was not collected (e.g. a password under the tenant's policy), not "never".
      if (c.expiresAt === undefined) {
        ctx.unknown('the expiry of an active credential is not known');
        continue;
      }
      if (c.expiresAt !== null) continue;
      const age = daysSince(c.createdAt, ctx.now);
      if (age !== undefined && age < Number(ctx.options.minAgeDays)) continue;
      ctx.report({
        messageId: 'forever',
        key: c.id,
        args: { credential: credentialLabel(c.credentialType, c.name), age: age === undefined ? 'age unknown' : `${age} days old` },
        evidence: { credential: c.id, createdAt: c.createdAt ?? null },
      });
    }
  },
});
