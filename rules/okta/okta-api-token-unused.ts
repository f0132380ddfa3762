import { day, daysSince, defineRule } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'okta-api-token-unused',
    title: 'Okta API token has not been used recently',
    severity: 'low',
    tiered: true,
    providers: ['okta'],
    owasp: ['NHI1:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'Okta reports no last-use time for API tokens, but documents that a token stays valid for its token window and renews on every use, so `expiresAt` minus `tokenWindow` estimates the last use. Fails tokens whose estimated last use is older than `dormantDays`; with Okta\'s default 30-day window such tokens are already revoked, so this mostly finds tokens given a long window. Unknown when either field is missing.',
    risk: 'A token nobody uses is pure attack surface: it keeps its owner\'s rights until it expires, and nobody will notice if someone else starts using it.',
    remediation: 'Revoke the token; if something still needs it, it will fail loudly and can be moved to an OAuth service app.',
    references: [
      'https://help.okta.com/en-us/Content/Topics/security/api.htm',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/',
    ],
    maturity: 'experimental',
    messages: { unused: 'API token {{name}} was last used about {{days}} days ago (estimated {{lastUse}} from expiresAt - tokenWindow)' },
    options: { dormantDays: { default: 30, description: 'days without use after which a token counts as unused' } },
  },
  evaluates: { types: ['okta-api-token'], requires: ['okta.apiTokens'] },
  check(subject, ctx) {
    const estimate = subject.attrs.lastUseEstimate as string | undefined;
    const days = daysSince(estimate, ctx.now);
    if (days === undefined) return ctx.unknown('no last-use signal: expiresAt or tokenWindow missing');
    if (days > Number(ctx.options.dormantDays)) {
      ctx.report({
        messageId: 'unused',
        args: { days, lastUse: day(estimate) },
        evidence: { lastUseEstimate: estimate, expiresAt: subject.expiresAt, tokenWindow: subject.attrs.tokenWindow },
      });
    }
  },
});
