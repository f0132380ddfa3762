import { credentialsOf, day, daysSince, defineRule, isActiveCredential, oktaServiceAppActive } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'okta-service-app-secret-age',
    title: 'Okta service app client secret older than the rotation window',
    severity: 'medium',
    tiered: true,
    providers: ['okta'],
    owasp: ['NHI7:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'Okta client secrets never expire. Fails each ACTIVE client secret of a service app created more than `maxAgeDays` days ago (90 by default). The reference catalog suggests 180 days (NHI-OKTA-CLIENT-CREDENTIAL-AGE); nhiscan keeps 90 because a secret that never expires is rotated on the same window as the other non-expiring static secrets it checks: Okta API tokens (okta-api-token-age, 90 days in the catalog too) and AWS access keys (aws-access-key-not-rotated, CIS AWS Foundations 90 days), the age OWASP NHI7 quotes for stale AWS keys. The 180 days of entra-secret-long-lived apply to Entra secrets, which carry an expiry date. Set `maxAgeDays: 180` to follow the catalog. Apps that are not ACTIVE are not evaluated: an inactive app cannot get tokens, and who can reactivate it is reported on their own grants and roles.',
    risk: 'A secret that is never rotated stays valid in every place it was ever copied to, including those you no longer control.',
    remediation: 'Add a new secret, deploy it, then deactivate and delete the old one; better, switch the app to private_key_jwt.',
    references: [
      'https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/7-long-lived-secrets/',
    ],
    maturity: 'stable',
    messages: { old: 'Client secret {{secret}} of {{name}} was created {{days}} days ago ({{created}})' },
    options: { maxAgeDays: { default: 90, description: 'age in days above which a client secret should have been rotated (90, as for Okta API tokens and AWS access keys, which never expire either; the catalog suggests 180)' } },
  },
  evaluates: { types: ['okta-service-app'], where: oktaServiceAppActive, requires: ['okta.apps', 'okta.appCredentials'] },
  check(subject, ctx) {
    if (subject.attrs.credentialsCollected !== true) return ctx.unknown("the app's credentials were not read");
    const max = Number(ctx.options.maxAgeDays);
    let undated = false;
    for (const c of credentialsOf(ctx.graph, subject)) {
      if (c.credentialType !== 'client-secret' || !isActiveCredential(c, ctx.now)) continue;
      const age = daysSince(c.createdAt, ctx.now);
      if (age === undefined) undated = true;
      else if (age > max) {
        ctx.report({
          messageId: 'old',
          key: c.nativeId,
          args: { secret: String(c.attrs.secretId ?? c.nativeId), days: age, created: day(c.createdAt) },
          evidence: { credential: c.id, created: c.createdAt, ageDays: age },
        });
      }
    }
    if (undated) ctx.unknown('a client secret has no creation date');
  },
});
