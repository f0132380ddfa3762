import { defineRule, sources, targets } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'okta-api-token-shared',
    title: 'One Okta account backs the API tokens of several integrations',
    severity: 'medium',
    tiered: true,
    providers: ['okta'],
    owasp: ['NHI9:2025'],
    frameworks: { nistCsf: ['PR.AA-02'] },
    description:
      'An API token is the rights of its owner. When one owner has more than `maxTokensPerOwner` tokens, several integrations share one identity: same rights, same audit-log actor, same fate when the account changes. The rule counts tokens per owner rather than reading clientName, which names the Okta client used to create the token (e.g. "Okta API"), not the integration.',
    risk: 'A compromise of any one integration, or of the owner, is a compromise of all of them, and the System Log cannot tell which integration did what.',
    remediation: 'Give each integration its own OAuth service app with its own scopes, and revoke the shared tokens one by one.',
    references: [
      'https://help.okta.com/en-us/Content/Topics/security/api.htm',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/9-nhi-reuse/',
    ],
    maturity: 'stable',
    messages: { shared: 'API token {{name}} is one of {{count}} tokens acting as {{owner}}: {{tokens}}' },
    options: { maxTokensPerOwner: { integer: true, default: 1, description: 'tokens one owner may hold before they count as shared' } },
  },
  evaluates: { types: ['okta-api-token'], requires: ['okta.apiTokens'] },
  check(subject, ctx) {
    const owner = targets(ctx.graph, subject, 'ACTS_AS')[0];
    if (!owner) return ctx.unknown('the token names no owner');
    const tokens = sources(ctx.graph, owner, 'ACTS_AS').filter((n) => n.type === 'okta-api-token');
    if (tokens.length <= Number(ctx.options.maxTokensPerOwner)) return;
    const names = tokens.map((t) => t.name).sort();
    ctx.report({
      messageId: 'shared',
      args: { count: tokens.length, owner: owner.name, tokens: names.slice(0, 5).join(', ') + (names.length > 5 ? ', …' : '') },
      evidence: { owner: owner.id, tokens: tokens.map((t) => t.id).sort() },
    });
  },
});
