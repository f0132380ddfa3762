import { defineRule, credentialsOf, daysSince, isMachine } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'aws-user-two-active-keys',
    title: 'IAM user has two active access keys',
    severity: 'low',
    tiered: true,
    providers: ['aws'],
    owasp: ['NHI7:2025', 'NHI9:2025'],
    frameworks: { nistCsf: ['PR.AA-01', 'PR.AA-02'] },
    description:
      'Reports IAM users whose credential report shows both access key slots active, unless the newer key was created within the rotation grace period (both keys are active for a short time during a rotation).',
    risk: 'Two long-lived keys on one identity usually mean a rotation that was never finished (the old key still works) or one identity shared by two workloads, so that revoking it for one breaks the other and CloudTrail cannot tell them apart.',
    remediation:
      'Find which consumer uses each key (last used service and region, CloudTrail), finish the rotation by deactivating and deleting the old key, or give the second workload its own identity (preferably a role).',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console',
      'https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/9-nhi-reuse/',
    ],
    maturity: 'stable',
    messages: {
      two: '{{name}} has two active access keys (rotated {{first}} and {{second}} days ago)',
    },
    options: {
      rotationGraceDays: { default: 7, description: 'days both keys may stay active while consumers move to the new one' },
    },
  },
  evaluates: { types: ['aws-iam-user'], where: isMachine, requires: ['aws.credentialReport'] },
  check(user, ctx) {
    // Users created after the report was generated have no row: their keys and password are not known.
    if (user.lastUsedAt === undefined) return ctx.unknown('the user has no row in the credential report');
    const active = credentialsOf(ctx.graph, user).filter((c) => c.type === 'aws-access-key' && c.status === 'active');
    if (active.length < 2) return;
    const ages = active.map((k) => daysSince(k.createdAt, ctx.now));
    const known = ages.filter((a): a is number => a !== undefined).sort((a, b) => b - a);
    const grace = Number(ctx.options.rotationGraceDays);
    if (known.length === ages.length && known[known.length - 1] <= grace) return;
    ctx.report({
      messageId: 'two',
      args: { first: known[0] ?? 'unknown', second: known[1] ?? 'unknown' },
      evidence: { credentials: active.map((k) => k.id), lastUsed: active.map((k) => k.lastUsedAt ?? null), services: active.map((k) => k.attrs.lastUsedService ?? null) },
    });
  },
});
