import { defineRule, targets } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'okta-api-token-human-owner',
    title: 'Okta API token is tied to a personal account',
    severity: 'medium',
    tiered: true,
    providers: ['okta'],
    owasp: ['NHI1:2025', 'NHI10:2025'],
    frameworks: { nistCsf: ['PR.AA-02'] },
    description:
      'Fails API tokens created by a user the scanner classifies as a person rather than a service account (no service-account naming, user type or listing; see the service-account settings in the config). Unknown when the owner\'s Okta user type could not be named (okta.userTypes not read) while serviceAccountTypes lists any type: it may be one of them. Unknown too when the owner\'s MFA factors were not read: a token owner with no active factor is a service account.',
    risk: 'The integration lives and dies with one employee: it breaks when they leave, its rights change with their role, and every call it makes is logged as that person, so nobody can tell automation from the human.',
    remediation:
      'Re-issue the integration on an OAuth service app (or, failing that, a dedicated service account with an accountable owner), then revoke the personal token.',
    references: [
      'https://help.okta.com/en-us/Content/Topics/security/api.htm',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/10-human-use-of-nhi/',
    ],
    maturity: 'stable',
    messages: { human: 'API token {{name}} was created by the personal account {{owner}}' },
  },
  evaluates: { types: ['okta-api-token'], requires: ['okta.apiTokens', 'okta.users'] },
  check(subject, ctx) {
    const owner = targets(ctx.graph, subject, 'ACTS_AS')[0];
    if (!owner) return ctx.unknown('the token names no owner');
    if (owner.attrs.placeholder) return ctx.unknown('the owner is not in users.json');
    // The Users API names the type by id only; without its name a type that serviceAccountTypes
    // lists cannot be recognised, so the owner is not known to be a person.
    if (owner.kind === 'human' && owner.attrs.userTypeUnnamed === true) return ctx.unknown("the owner's Okta user type could not be named (okta.userTypes not read)");
    // A token owner is a service account when it has no active factor: with its factors not read
    // it is a person only for want of data.
    if (owner.kind === 'human' && Array.isArray(owner.attrs.serviceAccountUnread)) return ctx.unknown('the owner may be a service account: it owns API tokens and its MFA factors were not read');
    if (owner.kind === 'human') ctx.report({ messageId: 'human', args: { owner: owner.name }, evidence: { owner: owner.id, login: owner.attrs.login } });
  },
});
