import { defineRule } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-legacy-oauth-flow',
    title: 'Application allows the implicit grant or public-client fallback',
    severity: 'medium',
    providers: ['entra'],
    owasp: ['NHI4:2025'],
    frameworks: { nistCsf: ['PR.AA-03'] },
    description:
      'Flags app registrations that issue access or ID tokens through the implicit grant, or that are treated as public clients (isFallbackPublicClient), which allows flows without a client credential such as ROPC and device code.',
    risk: 'Implicit-flow tokens travel in URLs and browser history; public-client fallback lets anyone who knows the client id run password or device-code flows as the app.',
    remediation: 'Turn off the implicit grant and the public-client fallback; use the authorization code flow with PKCE, or client credentials with a certificate or federated credential.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/4-insecure-authentication/',
      'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-implicit-grant-flow',
      'https://learn.microsoft.com/en-us/graph/api/resources/implicitgrantsettings',
    ],
    maturity: 'stable',
    messages: {
      implicit: '{{name}} issues {{tokens}} through the implicit grant.',
      publicClient: '{{name}} is marked as a fallback public client.',
    },
  },
  evaluates: {
    types: ['entra-service-principal', 'entra-agent-identity', 'entra-application'],
    where: (n) => n.attrs.applicationObjectId !== undefined,
    requires: ['entra.applications'],
  },
  check(subject, ctx) {
    const tokens = [
      subject.attrs.implicitAccessToken === true ? 'access tokens' : undefined,
      subject.attrs.implicitIdToken === true ? 'ID tokens' : undefined,
    ].filter((x): x is string => x !== undefined);
    const evidence = {
      enableAccessTokenIssuance: subject.attrs.implicitAccessToken,
      enableIdTokenIssuance: subject.attrs.implicitIdToken,
      isFallbackPublicClient: subject.attrs.isFallbackPublicClient,
    };
    if (tokens.length > 0) ctx.report({ messageId: 'implicit', args: { tokens: tokens.join(' and ') }, evidence, key: 'implicit' });
    if (subject.attrs.isFallbackPublicClient === true) ctx.report({ messageId: 'publicClient', evidence, key: 'public-client' });
  },
});
