import { defineRule, targets, oktaServiceAppActive } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'okta-service-app-manage-scope',
    title: 'Okta service app holds a scope that can create identities or credentials',
    severity: 'high',
    providers: ['okta'],
    owasp: ['NHI5:2025'],
    frameworks: { asi: ['ASI03'], nistCsf: ['PR.AA-05'] },
    description:
      'Fails each ACTIVE grant of an identity-control Okta scope to a service app: okta.roles.manage (critical: assigns SUPER_ADMIN), and okta.users/groups/apps/clients/apiTokens/appGrants/policies/idps/authorizationServers/authenticators/orgs.manage (high: reset passwords and factors, add group members, mint client secrets or keys, rewrite sign-on policy or org settings). Apps that are not ACTIVE are not evaluated: an inactive app cannot get tokens, and who can reactivate it is reported on their own grants and roles.',
    risk: 'These scopes are one hop from taking over other identities: whoever holds the app\'s credential can reset a federated admin\'s factors, put themselves in an AWS group, or mint a secret for a more privileged app.',
    remediation: 'Revoke the grants the integration does not need, split duties across narrowly scoped apps, and bind its admin role to a resource set that excludes admins and privileged apps.',
    references: [
      'https://developer.okta.com/docs/api/oauth2/',
      'https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/5-overprivileged-nhi/',
    ],
    maturity: 'stable',
    messages: { scope: 'Service app {{name}} is granted {{scope}} (T{{tier}})' },
    options: { ignoreScopes: { default: [], description: 'scope ids accepted for this org (e.g. a provisioning app that must hold okta.users.manage)' } },
  },
  evaluates: { types: ['okta-service-app'], where: oktaServiceAppActive, requires: ['okta.apps', 'okta.appGrants'] },
  check(subject, ctx) {
    if (subject.attrs.grantsCollected !== true) return ctx.unknown("the app's grants were not read");
    const ignored = ctx.options.ignoreScopes as string[];
    for (const scope of targets(ctx.graph, subject, 'GRANTED')) {
      if (scope.type !== 'okta-scope' || (scope.tier ?? 0) < 3 || ignored.includes(scope.name)) continue;
      ctx.report({
        messageId: 'scope',
        key: scope.nativeId,
        severity: scope.tier === 4 ? 'critical' : 'high',
        args: { scope: scope.name, tier: scope.tier ?? 0 },
        evidence: { scope: scope.nativeId, tier: scope.tier },
      });
    }
  },
});
