import { day, daysSince, defineRule } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'okta-svc-user-interactive-or-no-mfa',
    title: 'Okta service account signs in interactively or has no MFA factor',
    severity: 'medium',
    tiered: true,
    providers: ['okta'],
    owasp: ['NHI10:2025', 'NHI4:2025'],
    frameworks: { nistCsf: ['PR.AA-02', 'PR.AA-03'] },
    description:
      'For active users classified as service accounts: fails when the account has no ACTIVE MFA factor (high if it holds any admin role, or if its admin roles were not all read), and when it signed in within `interactiveDays` (lastLogin moves on sign-in, not on API-token use, so a recent sign-in means someone uses the password).',
    risk: 'A shared account without a second factor falls to one phished or leaked password; one that people sign in to erases accountability and lets them use its rights with no personal MFA.',
    remediation: 'Move the integration to an OAuth service app, or enrol a device-bound factor, restrict sign-in to a network zone, and give people their own admin accounts.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/10-human-use-of-nhi/',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/4-insecure-authentication/',
      'https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserFactor/',
    ],
    maturity: 'experimental',
    messages: {
      noMfa: 'Service account {{name}} has no active MFA factor{{admin}}',
      interactive: 'Service account {{name}} signed in {{days}} days ago ({{lastLogin}})',
    },
    options: { interactiveDays: { default: 30, description: 'a sign-in this recent counts as interactive use' } },
  },
  evaluates: { types: ['okta-user'], where: (n) => n.kind === 'identity' && n.enabled !== false, requires: ['okta.users'] },
  check(subject, ctx) {
    const lastLogin = subject.attrs.lastLogin as string | null | undefined;
    // null is "never signed in"; a payload without the field leaves interactive use undecided.
    if (lastLogin === undefined) ctx.unknown('the user payload has no lastLogin field');
    const days = daysSince(lastLogin, ctx.now);
    if (days !== undefined && days <= Number(ctx.options.interactiveDays)) {
      ctx.report({ messageId: 'interactive', key: 'interactive', args: { days, lastLogin: day(lastLogin) }, evidence: { lastLogin } });
    }
    if (subject.attrs.hasPassword === false) return;
    const factors = subject.attrs.activeFactors as number | undefined;
    if (factors === undefined) return ctx.unknown('MFA factors of the user were not read');
    if (factors > 0) return;
    const roles = (subject.attrs.adminRoles as string[] | undefined) ?? [];
    // Roles not (all) read, directly or through groups, are not "no admin role": the missing
    // factor is found either way, so it fails at the admin severity rather than a lower one that
    // missing evidence would have chosen.
    const rolesUnread = subject.attrs.adminRolesComplete !== true || ctx.graph.capability(subject.provider, subject.scope, 'okta.adminRoles') !== 'collected';
    ctx.report({
      messageId: 'noMfa',
      key: 'no-mfa',
      severity: roles.length > 0 || rolesUnread ? 'high' : 'medium',
      args: { admin: roles.length > 0 ? ` and holds ${roles.join(', ')}` : rolesUnread ? ' (its admin roles were not all read: rated as an admin)' : '' },
      evidence: { activeFactors: 0, adminRoles: roles, ...(rolesUnread ? { adminRolesComplete: false } : {}) },
    });
  },
});
