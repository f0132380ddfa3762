import { defineRule, credentialsOf, daysSince, day, isMachine } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'aws-access-key-unused',
    title: 'Active IAM access key is never or no longer used',
    severity: 'medium',
    tiered: true,
    providers: ['aws'],
    owasp: ['NHI1:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'Reads `access_key_N_last_used_date` of every active key in the credential report. Reports keys never used and created at least 45 days ago, and keys whose last use is at least 45 days old (both thresholds are options; 45 days is what CIS AWS Foundations recommends for both).',
    risk: 'An active key that nobody uses is a credential without an owner: the integration it belonged to is gone, yet anyone holding a copy can still sign requests with it, and its use would not be missed by anyone.',
    remediation:
      'Confirm no consumer remains (CloudTrail, the key\'s last used service), deactivate the key, and delete it after a waiting period. Delete the IAM user if it has no other purpose.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/',
    ],
    maturity: 'stable',
    messages: {
      never: 'Access key {{slot}} of {{name}} is active but has never been used since {{rotated}} ({{days}} days)',
      stale: 'Access key {{slot}} of {{name}} is active but was last used {{days}} days ago ({{lastUsed}})',
    },
    options: {
      unusedDays: { default: 45, description: 'days without use after which an active key is reported (CIS AWS Foundations: 45)' },
      neverUsedGraceDays: { default: 45, description: 'a key never used is reported once it was created at least this many days ago (CIS AWS Foundations: 45)' },
    },
  },
  evaluates: { types: ['aws-iam-user'], where: isMachine, requires: ['aws.credentialReport'] },
  check(user, ctx) {
    // Users created after the report was generated have no row: their keys and password are not known.
    if (user.lastUsedAt === undefined) return ctx.unknown('the user has no row in the credential report');
    const unusedDays = Number(ctx.options.unusedDays);
    const grace = Number(ctx.options.neverUsedGraceDays);
    for (const key of credentialsOf(ctx.graph, user)) {
      if (key.type !== 'aws-access-key' || key.status !== 'active') continue;
      const slot = String(key.attrs.slot ?? '?');
      const evidence = { credential: key.id, lastRotated: key.createdAt, lastUsedAt: key.lastUsedAt, lastUsedService: key.attrs.lastUsedService };
      if (key.lastUsedAt === null) {
        const age = daysSince(key.createdAt, ctx.now);
        if (age === undefined) {
          ctx.unknown('the credential report gives neither a last use nor a rotation date for an active key');
          continue;
        }
        // CIS AWS Foundations (and the reference catalog) report a never used key created 45 days
        // ago or more, the same threshold as for a key last used that long ago.
        if (age >= grace) ctx.report({ messageId: 'never', key: key.id, args: { slot, rotated: day(key.createdAt), days: age }, evidence });
        continue;
      }
      const days = daysSince(key.lastUsedAt, ctx.now);
      if (days === undefined) {
        ctx.unknown('last use of an active key was not collected');
        continue;
      }
      if (days >= unusedDays) ctx.report({ messageId: 'stale', key: key.id, args: { slot, days, lastUsed: day(key.lastUsedAt) }, evidence });
    }
  },
});
