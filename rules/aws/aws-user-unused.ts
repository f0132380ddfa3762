import { defineRule, daysSince, day, credentialsOf, isActiveCredential, isMachine } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'aws-user-unused',
    title: 'IAM user has not signed in or used an access key for a long time',
    severity: 'medium',
    tiered: true,
    providers: ['aws'],
    owasp: ['NHI1:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'Takes the latest of the console password and access key last-use dates from the credential report. Reports IAM users whose last use is older than the threshold, and users never used that are older than the grace period.',
    risk: 'A dormant IAM user keeps its permissions and any credential it still has; the integration or person it served is gone, so nobody notices when someone else starts using it.',
    remediation:
      'Confirm with the owner that the user is no longer needed, deactivate its access keys and remove its console password, then delete it. Replace any remaining workload use with a role.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/',
    ],
    maturity: 'stable',
    messages: {
      stale: '{{name}} was last used {{days}} days ago ({{lastUsed}}); it still has {{credentials}} active credential(s)',
      never: '{{name}} has never been used since it was created {{age}} days ago ({{created}}); it has {{credentials}} active credential(s)',
    },
    options: {
      unusedDays: { default: 90, description: 'days since the last password or key use after which a user is reported' },
      newUserGraceDays: { default: 30, description: 'a never-used user is reported only once it is older than this' },
    },
  },
  evaluates: { types: ['aws-iam-user'], where: isMachine, requires: ['aws.credentialReport'] },
  check(user, ctx) {
    if (user.lastUsedAt === undefined) {
      ctx.unknown('the user has no row in the credential report');
      return;
    }
    const credentials = credentialsOf(ctx.graph, user).filter((c) => isActiveCredential(c, ctx.now)).length;
    if (user.lastUsedAt === null) {
      const age = daysSince(user.createdAt, ctx.now);
      if (age === undefined) {
        ctx.unknown('the user has no creation date');
        return;
      }
      if (age > Number(ctx.options.newUserGraceDays)) {
        ctx.report({ messageId: 'never', args: { age, created: day(user.createdAt), credentials }, evidence: { createdAt: user.createdAt, lastUsedAt: null, activeCredentials: credentials } });
      }
      return;
    }
    const days = daysSince(user.lastUsedAt, ctx.now);
    if (days === undefined) {
      ctx.unknown('the last use date is unreadable');
      return;
    }
    if (days >= Number(ctx.options.unusedDays)) {
      ctx.report({ messageId: 'stale', args: { days, lastUsed: day(user.lastUsedAt), credentials }, evidence: { lastUsedAt: user.lastUsedAt, activeCredentials: credentials } });
    }
  },
});
