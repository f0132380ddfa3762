import { day, daysSince, defineRule } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'okta-svc-user-password-never-changed',
    title: 'Okta service-account password not changed within the rotation window',
    severity: 'medium',
    tiered: true,
    providers: ['okta'],
    owasp: ['NHI7:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'Fails service-account users with a password whose last change (passwordChanged, or the creation date when it was never changed) is older than `maxAgeDays` days (365 by default). Users without a password (federated) pass.',
    risk: 'Service-account passwords are stored in scripts and vaults and known to whoever set them up; one that never changes still works for every former holder.',
    remediation: 'Rotate the password and store it in a secrets manager, or retire the account in favour of an OAuth service app.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/7-long-lived-secrets/',
      'https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/',
    ],
    maturity: 'stable',
    messages: {
      never: 'Service account {{name}} has never changed its password since it was created {{days}} days ago ({{since}})',
      old: 'Service account {{name}} last changed its password {{days}} days ago ({{since}})',
    },
    options: { maxAgeDays: { default: 365, description: 'password age in days above which rotation is overdue' } },
  },
  evaluates: { types: ['okta-user'], where: (n) => n.kind === 'identity' && n.enabled !== false, requires: ['okta.users'] },
  check(subject, ctx) {
    const hasPassword = subject.attrs.hasPassword as boolean | undefined;
    if (hasPassword === undefined) return ctx.unknown('the user payload has no credentials object');
    if (!hasPassword) return;
    const changed = subject.attrs.passwordChanged as string | null | undefined;
    // null is "never changed"; a payload without the field tells nothing.
    if (changed === undefined) return ctx.unknown('the user payload has no passwordChanged field');
    const since = changed ?? subject.createdAt;
    const days = daysSince(since, ctx.now);
    if (days === undefined) return ctx.unknown('neither passwordChanged nor created is known');
    if (days > Number(ctx.options.maxAgeDays)) {
      ctx.report({ messageId: changed ? 'old' : 'never', args: { days, since: day(since) }, evidence: { passwordChanged: changed, created: subject.createdAt } });
    }
  },
});
