import { defineRule, oktaServiceAppActive } from '../../src/rule-kit.js';

const SECRET_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'];

export default defineRule({
  meta: {
    id: 'okta-service-app-secret-auth',
    title: 'Okta service app authenticates with a shared client secret',
    severity: 'medium',
    tiered: true,
    providers: ['okta'],
    owasp: ['NHI4:2025'],
    frameworks: { nistCsf: ['PR.AA-03'] },
    description:
      'Fails OAuth service apps (client credentials) whose token_endpoint_auth_method is client_secret_basic, client_secret_post or client_secret_jwt (Okta\'s default is client_secret_basic). Okta recommends private_key_jwt for service apps. Apps that are not ACTIVE are not evaluated: an inactive app cannot get tokens, and who can reactivate it is reported on their own grants and roles.',
    risk: 'A client secret is a password that has to be stored wherever the workload runs and is sent (or used to sign) on every token request; anyone who reads it becomes the app.',
    remediation: 'Register a public key (JWKS) on the app, switch token_endpoint_auth_method to private_key_jwt, then deactivate and delete the client secrets.',
    references: [
      'https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/4-insecure-authentication/',
    ],
    maturity: 'stable',
    messages: { secret: 'Service app {{name}} authenticates with a client secret ({{method}})' },
  },
  evaluates: { types: ['okta-service-app'], where: oktaServiceAppActive, requires: ['okta.apps'] },
  check(subject, ctx) {
    const method = subject.attrs.tokenEndpointAuthMethod as string | undefined;
    if (!method) return ctx.unknown('token_endpoint_auth_method not read');
    if (SECRET_METHODS.includes(method)) ctx.report({ messageId: 'secret', args: { method }, evidence: { tokenEndpointAuthMethod: method } });
  },
});
