import { credentialsOf, day, daysSince, defineRule, isActiveCredential, oktaServiceAppActive } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'okta-service-app-multiple-secrets',
    title: 'Okta service app keeps several active client secrets',
    severity: 'medium',
    tiered: true,
    providers: ['okta'],
    owasp: ['NHI7:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'Okta allows two active client secrets so that rotation can happen without downtime. Fails service apps with two or more ACTIVE secrets when even the newest is older than `graceDays`: the rotation was started and never finished. Apps that are not ACTIVE are not evaluated: an inactive app cannot get tokens, and who can reactivate it is reported on their own grants and roles.',
    risk: 'The old secret was supposed to be retired; it still works wherever it leaked, and doubles the number of secrets to protect.',
    remediation: 'Confirm the workload uses the newest secret, then deactivate and delete the older ones.',
    references: [
      'https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/7-long-lived-secrets/',
    ],
    maturity: 'stable',
    messages: { several: '{{name}} has {{count}} active client secrets; the newest dates from {{newest}}, so rotation has stalled' },
    options: { graceDays: { default: 14, description: 'days two secrets may overlap during a rotation' } },
  },
  evaluates: { types: ['okta-service-app'], where: oktaServiceAppActive, requires: ['okta.apps', 'okta.appCredentials'] },
  check(subject, ctx) {
    if (subject.attrs.credentialsCollected !== true) return ctx.unknown("the app's credentials were not read");
    const active = credentialsOf(ctx.graph, subject).filter((c) => c.credentialType === 'client-secret' && isActiveCredential(c, ctx.now));
    if (active.length < 2) return;
    const dates = active.map((c) => c.createdAt).filter((d): d is string => typeof d === 'string').sort();
    if (dates.length < active.length) return ctx.unknown('a client secret has no creation date');
    const newest = dates[dates.length - 1];
    if ((daysSince(newest, ctx.now) ?? 0) <= Number(ctx.options.graceDays)) return;
    ctx.report({
      messageId: 'several',
      args: { count: active.length, newest: day(newest) },
      evidence: { secrets: active.map((c) => c.id).sort(), newest },
    });
  },
});
