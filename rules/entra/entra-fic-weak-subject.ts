import { credentialsOf, defineRule, entraFicsUnread, fromOptions, type Severity } from '../../src/rule-kit.js';

const SYSTEM_ASSIGNED = /^isExplicit=False$/i;
/** The allowed issuers and audiences of the options, compiled. */
const allowedOf = (options: Readonly<Record<string, unknown>>) => ({
  issuers: (options.allowedIssuers as string[]).map((p) => new RegExp(p, 'i')),
  audiences: new Set(options.allowedAudiences as string[]),
});

export default defineRule({
  meta: {
    id: 'entra-fic-weak-subject',
    title: 'Federated credential trusts too broad a subject or an unexpected issuer',
    severity: 'high',
    providers: ['entra'],
    owasp: ['NHI6:2025'],
    frameworks: { nistCsf: ['PR.AA-04'] },
    description:
      'Flags federated identity credentials whose subject is a wildcard (a flexible claims-matching expression whose `sub` clauses only `matches` a pattern with `*`, or that pins no `sub` but matches another claim by a pattern; a `sub` pinned by `eq`, or by `matches` without `*`, is judged as that subject, and clauses on other claims such as `job_workflow_ref` only narrow it; a `*` in a plain subject is a literal to Entra), a GitHub pull_request subject (any PR workflow, forks included when allowed, also when written as an `eq` expression), a customised GitHub subject that names no single repository (`repository_owner:ORG`: every repository of the owner), or one that names a repository and no branch, tag, environment or workflow (`repo:ORG/REPO`: every run of the repository, on any branch); whose issuer is not in the allowed list; or whose audience is not a token-exchange audience (api://AzureADTokenExchange, or its national-cloud variant). Critical when the app reaches tier 3 or more. Unknown when a credential\'s subject was not read (no subject and no expression: a flexible credential\'s expression is returned by Graph beta only). A credential no token passes (the scan found that its issuer is written otherwise than the tokens of a scanned Entra tenant or Okta org carry it, which Entra matches as written, or that no token of the issuer carries any of its audiences) admits nobody today: its findings are low and say why, since it is broken configuration that trusts the weak subject or issuer the day it is fixed as it stands.',
    risk: 'Anyone who can obtain a token that matches the trust signs in as the app: a pull request from a fork, another repository of the organisation, or a workload of an issuer nobody here operates.',
    remediation:
      'Pin the subject to repo:ORG/REPO:environment:NAME (protected environment) or a protected branch, avoid wildcards, remove issuers you do not operate and keep the standard audience.',
    references: [
      'https://learn.microsoft.com/en-us/entra/workload-id/workload-identities-flexible-federated-identity-credentials',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/6-insecure-cloud-deployment-configurations/',
      'https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation-considerations',
      'https://docs.github.com/en/actions/reference/security/oidc',
    ],
    maturity: 'stable',
    messages: {
      weakSubject: 'Federated credential "{{credential}}" on {{name}} trusts {{issuer}}: {{why}}.',
      issuer: 'Federated credential "{{credential}}" on {{name}} trusts issuer {{issuer}}, which is not in the allowed list.',
      audience: 'Federated credential "{{credential}}" on {{name}} accepts audience {{audience}} instead of the token-exchange audience (api://AzureADTokenExchange or its national-cloud variant).',
      weakSubjectDead: 'Federated credential "{{credential}}" on {{name}} trusts {{issuer}}: {{why}}; no token passes it today: {{dead}}; corrected as it stands, it would admit them.',
      issuerDead: 'Federated credential "{{credential}}" on {{name}} trusts issuer {{issuer}}, which is not in the allowed list; no token passes it today: {{dead}}.',
      audienceDead: 'Federated credential "{{credential}}" on {{name}} accepts audience {{audience}} instead of the token-exchange audience (api://AzureADTokenExchange or its national-cloud variant); no token passes it today: {{dead}}.',
    },
    options: {
      allowedIssuers: {
        regex: true, default: [
          // GitHub, with or without an enterprise's own issuer path (GitHub Enterprise Cloud custom issuer).
          '^https://token\\.actions\\.githubusercontent\\.com(/[A-Za-z0-9_.-]+)?/?$',
          '^https://gitlab\\.com/?$',
          '^https://app\\.terraform\\.io/?$',
          '^https://login\\.(microsoftonline\\.com|microsoftonline\\.us|partner\\.microsoftonline\\.cn|chinacloudapi\\.cn)/[0-9a-f-]+/v2\\.0/?$',
          '^https://sts\\.windows\\.net/[0-9a-f-]+/?$',
          '^https://[a-z0-9-]+\\.oic\\.prod-aks\\.azure\\.com/',
          '^https://accounts\\.google\\.com/?$',
        ],
        description: 'Issuer regexes the organisation operates or trusts (GitHub, GitLab, Terraform Cloud, Entra, AKS, Google).',
      },
      allowedAudiences: {
        // One token-exchange audience per Microsoft cloud (Microsoft Learn: public, Fairfax, Mooncake, USNat, USSec).
        default: ['api://AzureADTokenExchange', 'api://AzureADTokenExchangeUSGov', 'api://AzureADTokenExchangeChina', 'api://AzureADTokenExchangeUSNat', 'api://AzureADTokenExchangeUSSec'],
        description: 'Audiences a FIC may accept (the token-exchange audience of each Microsoft cloud).',
      },
    },
  },
  evaluates: {
    types: ['entra-service-principal', 'entra-agent-identity', 'entra-application', 'entra-managed-identity'],
    requires: ['entra.federatedIdentityCredentials'],
  },
  check(subject, ctx) {
    // A user-assigned managed identity keeps its federated credentials in Azure Resource Manager,
    // which is not collected; only a system-assigned one (isExplicit=False) is known to hold none.
    if (subject.type === 'entra-managed-identity') {
      const names = Array.isArray(subject.attrs.alternativeNames) ? (subject.attrs.alternativeNames as string[]) : [];
      if (!names.some((n) => SYSTEM_ASSIGNED.test(n))) ctx.unknown('federated credentials of user-assigned managed identities are not collected');
      return;
    }
    // Federated credentials hang off the app registration; one missing from the file was not
    // read, and with no registration read a service principal of the tenant may have one.
    if (entraFicsUnread(ctx.graph, subject)) {
      ctx.unknown('federated credentials of this application were not read');
      return;
    }
    const tier = ctx.analysis.tier(subject);
    const severity = tier >= 3 ? 'critical' : 'high';
    const { issuers, audiences } = fromOptions(ctx.options, allowedOf);
    for (const c of credentialsOf(ctx.graph, subject)) {
      const f = c.federation;
      if (c.credentialType !== 'federated-oidc' || !f) continue;
      // The linker marks a credential no token passes (attrs.dead, see src/connectors/link.ts):
      // what it trusts is not a live risk, but it is broken configuration, and correcting the
      // issuer or audience as the credential stands opens it as written. Reported at low with why,
      // under the same keys, so a baseline or waiver holds across the fix.
      const dead = typeof c.attrs.dead === 'string' ? c.attrs.dead : undefined;
      const base = { credential: c.name, issuer: f.issuer, ...(dead !== undefined ? { dead } : {}) };
      const evidence = { ficId: c.nativeId, issuer: f.issuer, subject: f.subject, subjectMatch: f.subjectMatch, audiences: f.audiences, tier, ...(dead !== undefined ? { dead } : {}) };
      const as = (id: 'weakSubject' | 'issuer' | 'audience', live: Severity): { messageId: string; severity: Severity } =>
        dead !== undefined ? { messageId: `${id}Dead`, severity: 'low' } : { messageId: id, severity: live };
      if (c.attrs.subjectUndecided === true) {
        ctx.unknown('the subject of a federated credential was not read (a flexible credential is returned by Graph beta only)');
      } else if (f.subjectMatch !== 'exact') {
        ctx.report({ ...as('weakSubject', severity), args: { ...base, why: String(c.attrs.subjectNote ?? f.subjectMatch) }, evidence, key: `${c.nativeId}|subject` });
      }
      if (!issuers.some((re) => re.test(f.issuer))) {
        ctx.report({ ...as('issuer', severity), args: base, evidence, key: `${c.nativeId}|issuer` });
      }
      const bad = (f.audiences ?? []).find((a) => !audiences.has(a));
      if (bad !== undefined) {
        ctx.report({ ...as('audience', 'medium'), args: { ...base, audience: bad }, evidence, key: `${c.nativeId}|audience` });
      }
    }
  },
});
