import { defineRule, daysSince, day } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'aws-role-unused',
    title: 'IAM role has not been assumed for a long time',
    severity: 'medium',
    tiered: true,
    providers: ['aws'],
    owasp: ['NHI1:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'Reads `RoleLastUsed.LastUsedDate` from the authorization details. Reports roles last used longer ago than the threshold, and roles never used (within the 400 days AWS tracks) that are older than the grace period (90 days by default, the same as the unused threshold). Service-linked roles are skipped: AWS manages them.',
    risk: 'A role that nothing assumes still carries its permissions and its trust policy: the workload it served is gone, nobody watches it, and whoever can still satisfy its trust policy (a CI repository, a partner account, a federated IdP) keeps a way in.',
    remediation:
      'Confirm with the owner and CloudTrail that nothing assumes it, then remove the principals from its trust policy, detach its policies and delete it.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html',
      'https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleLastUsed.html',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/',
    ],
    maturity: 'stable',
    messages: {
      stale: 'Role {{name}} was last assumed {{days}} days ago ({{lastUsed}})',
      never: 'Role {{name}} has never been assumed in the period AWS tracks (created {{created}}, {{age}} days ago)',
    },
    options: {
      unusedDays: { default: 90, description: 'days since the last use after which a role is reported' },
      newRoleGraceDays: { default: 90, description: 'a never-used role is reported only once it is older than this' },
    },
  },
  evaluates: { types: ['aws-iam-role'], where: (n) => n.firstParty !== true, requires: ['aws.iam'] },
  check(role, ctx) {
    if (role.lastUsedAt === undefined) {
      ctx.unknown('RoleLastUsed is not in the authorization details');
      return;
    }
    if (role.lastUsedAt === null) {
      const age = daysSince(role.createdAt, ctx.now);
      if (age === undefined) {
        ctx.unknown('the role has no creation date');
        return;
      }
      if (age > Number(ctx.options.newRoleGraceDays)) {
        ctx.report({ messageId: 'never', args: { created: day(role.createdAt), age }, evidence: { createdAt: role.createdAt, lastUsedAt: null } });
      }
      return;
    }
    const days = daysSince(role.lastUsedAt, ctx.now);
    if (days === undefined) {
      ctx.unknown('RoleLastUsed has an unreadable date');
      return;
    }
    if (days >= Number(ctx.options.unusedDays)) {
      ctx.report({ messageId: 'stale', args: { days, lastUsed: day(role.lastUsedAt) }, evidence: { createdAt: role.createdAt, lastUsedAt: role.lastUsedAt } });
    }
  },
});
