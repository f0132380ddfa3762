import { defineRule, targets } from '../../src/rule-kit.js';

/** The lifecycle states of an Okta user (`status`, the UserStatus enum of the Users API), exactly as the API writes them. */
const OKTA_USER_STATUSES = ['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'LOCKED_OUT', 'PASSWORD_EXPIRED', 'SUSPENDED', 'DEPROVISIONED'];

export default defineRule({
  meta: {
    id: 'okta-api-token-owner-inactive',
    title: 'Okta API token belongs to a suspended or deactivated user',
    severity: 'medium',
    tiered: true,
    providers: ['okta'],
    owasp: ['NHI1:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'Okta accepts a token only while its creator is active. A token whose owner is SUSPENDED or DEPROVISIONED is either an integration that silently stopped, or a dormant admin credential that comes back the moment someone reactivates the account.',
    risk: 'Offboarding left the token in place: reactivating the user (by mistake, or by an attacker with user-admin rights) revives every right the token had, without anyone issuing a new credential.',
    remediation: 'Revoke the token. If the integration is still needed, re-create it on an OAuth service app owned by an active team.',
    references: [
      'https://help.okta.com/en-us/Content/Topics/security/api.htm',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/',
    ],
    maturity: 'stable',
    messages: { inactive: 'API token {{name}} belongs to {{owner}}, whose account is {{status}}' },
    options: {
      statuses: { values: OKTA_USER_STATUSES, default: ['DEPROVISIONED', 'SUSPENDED'], description: 'owner lifecycle states that count as inactive' },
    },
  },
  evaluates: { types: ['okta-api-token'], requires: ['okta.apiTokens', 'okta.users'] },
  check(subject, ctx) {
    const owner = targets(ctx.graph, subject, 'ACTS_AS')[0];
    if (!owner) return ctx.unknown('the token names no owner');
    if (owner.attrs.placeholder) return ctx.unknown('the owner is not in users.json (the default user listing omits DEPROVISIONED users)');
    const status = owner.attrs.status as string | undefined;
    if (!status) return ctx.unknown('the owner has no status');
    if ((ctx.options.statuses as string[]).includes(status)) {
      ctx.report({ messageId: 'inactive', args: { owner: owner.name, status }, evidence: { owner: owner.id, status } });
    }
  },
});
