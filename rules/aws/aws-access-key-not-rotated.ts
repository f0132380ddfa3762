import { defineRule, credentialsOf, daysSince, day, isMachine } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'aws-access-key-not-rotated',
    title: 'Active IAM access key has not been rotated within the rotation window',
    severity: 'medium',
    tiered: true,
    providers: ['aws'],
    owasp: ['NHI7:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'Reads each active access key of an IAM user from the credential report (`access_key_N_last_rotated`) and reports keys older than the rotation window. Severity rises with what the user can reach.',
    risk: 'An access key never expires. The longer one lives, the more copies of it exist (laptops, CI variables, old config files) and the longer a leaked copy keeps working.',
    remediation:
      'Rotate the key (create a second key, move every consumer to it, deactivate then delete the old one), or better, replace the IAM user with a role the workload assumes with temporary credentials (instance profile, IRSA/Pod Identity, OIDC federation, IAM Roles Anywhere).',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/7-long-lived-secrets/',
    ],
    maturity: 'stable',
    messages: {
      old: 'Access key {{slot}} of {{name}} was last rotated {{days}} days ago ({{rotated}}); the window is {{maxDays}} days',
    },
    options: {
      maxAgeDays: { default: 90, description: 'days since the last rotation after which an active key is reported (CIS AWS Foundations 1.14: 90)' },
    },
  },
  evaluates: { types: ['aws-iam-user'], where: isMachine, requires: ['aws.credentialReport'] },
  check(user, ctx) {
    // Users created after the report was generated have no row: their keys and password are not known.
    if (user.lastUsedAt === undefined) return ctx.unknown('the user has no row in the credential report');
    const maxDays = Number(ctx.options.maxAgeDays);
    for (const key of credentialsOf(ctx.graph, user)) {
      if (key.type !== 'aws-access-key' || key.status !== 'active') continue;
      const days = daysSince(key.createdAt, ctx.now);
      if (days === undefined) {
        ctx.unknown('the credential report gives no rotation date for an active key');
        continue;
      }
      if (days <= maxDays) continue;
      ctx.report({
        messageId: 'old',
        key: key.id,
        args: { slot: String(key.attrs.slot ?? '?'), days, rotated: day(key.createdAt), maxDays },
        evidence: { credential: key.id, lastRotated: key.createdAt, lastUsedAt: key.lastUsedAt, ageDays: days },
      });
    }
  },
});
