import { credentialLabel, defineRule, credentialsOf, entraFicsUnread, isActiveCredential, type GraphNode, oktaIdentityActive } from '../../src/rule-kit.js';

const SHARED = new Set(['client-secret', 'access-key', 'api-token', 'password']);

export default defineRule({
  meta: {
    id: 'nhi-federation-with-active-secret',
    title: 'Federation is configured but the old shared secret is still active',
    severity: 'medium',
    tiered: true,
    providers: ['entra', 'okta', 'aws'],
    owasp: ['NHI4:2025', 'NHI7:2025'],
    frameworks: { nistCsf: ['PR.AA-03'] },
    description:
      'The identity has a federated credential pinned to an exact subject, and also an active client secret, API token or access key. An Okta service app that is not ACTIVE and an Okta user that is SUSPENDED or DEPROVISIONED are not evaluated, as the Okta rules do not evaluate them; a disabled Entra service principal is, as the Entra credential rules evaluate it: its secret works again the moment it is re-enabled.',
    risk: 'The migration to federation is only half done: the leaked-secret risk it was meant to remove is still there, and nobody watches the secret any more.',
    remediation: 'Confirm the workload uses the federated credential (sign-in logs per credential), then delete the remaining secrets.',
    references: ['https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation-considerations'],
    maturity: 'stable',
    messages: { both: '{{name}} has federation ({{federation}}) and still an active {{secret}}' },
  },
  evaluates: { types: [], kinds: ['identity'], where: (n) => !n.firstParty && oktaIdentityActive(n) },
  check(subject, ctx) {
    // One pass over the active credentials, with no arrays for the many identities that have no
    // shared secret: this rule meets every identity (three array passes and a filtered copy each
    // were ~20 MB of garbage on the 100k estate).
    const all = credentialsOf(ctx.graph, subject);
    let fed: GraphNode | undefined;
    let secrets: GraphNode[] | undefined;
    let undecided = false;
    for (let i = 0; i < all.length; i++) {
      const c = all[i];
      if (!isActiveCredential(c, ctx.now)) continue;
      if (!fed && (c.credentialType === 'federated-oidc' || c.credentialType === 'federated-saml') && c.federation?.subjectMatch === 'exact') fed = c;
      if (SHARED.has(c.credentialType ?? '')) (secrets ??= []).push(c);
      if (c.attrs.subjectUndecided === true) undecided = true;
    }
    if (!secrets) return;
    if (!fed && entraFicsUnread(ctx.graph, subject)) return ctx.unknown('federated credentials of this application were not read');
    // A federated credential whose subject could not be read (a flexible credential whose
    // expression Graph beta did not give, an expression on other claims) may pin one workload.
    if (!fed && undecided) return ctx.unknown('the subject a federated credential accepts could not be read');
    if (!fed) return;
    ctx.report({
      messageId: 'both',
      args: { federation: fed.name, secret: secrets.map((s) => credentialLabel(s.credentialType, s.name)).join(', ') },
      evidence: { federated: fed.id, secrets: secrets.map((s) => s.id) },
    });
  },
});
