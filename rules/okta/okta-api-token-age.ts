import { day, daysSince, defineRule } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'okta-api-token-age',
    title: 'Okta API token older than the rotation window',
    severity: 'medium',
    tiered: true,
    providers: ['okta'],
    owasp: ['NHI7:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'API tokens renew themselves on every use, so a busy token never expires. Fails tokens created more than `maxAgeDays` days ago (90 by default, the rotation window OWASP NHI7 cites).',
    risk: 'Every copy of the token made since its creation (scripts, CI variables, laptops, former staff) still works.',
    remediation: 'Create a replacement, switch the integration over, and revoke the old token; better, move to an OAuth service app with short-lived access tokens.',
    references: [
      'https://help.okta.com/en-us/Content/Topics/security/api.htm',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/7-long-lived-secrets/',
    ],
    maturity: 'stable',
    messages: { old: 'API token {{name}} was created {{days}} days ago ({{created}})' },
    options: { maxAgeDays: { default: 90, description: 'age in days above which a token should have been rotated' } },
  },
  evaluates: { types: ['okta-api-token'], requires: ['okta.apiTokens'] },
  check(subject, ctx) {
    const age = daysSince(subject.createdAt, ctx.now);
    if (age === undefined) return ctx.unknown('the token has no creation date');
    if (age > Number(ctx.options.maxAgeDays)) {
      ctx.report({ messageId: 'old', args: { days: age, created: day(subject.createdAt) }, evidence: { created: subject.createdAt, ageDays: age } });
    }
  },
});
