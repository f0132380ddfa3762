import { cannotJudge, day, daysSince, defineRule, tierEvidenceMissing, type GraphNode, type RuleContext } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-sp-dormant',
    title: 'Enabled service principal has not signed in recently',
    severity: 'medium',
    tiered: true,
    providers: ['entra'],
    owasp: ['NHI1:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'Flags enabled service principals, managed and agent identities with no sign-in for the dormancy window, or none on record when created more than the grace period ago (unknown when the creation date is not known). Only sign-ins of the app as a client count: tokens issued for it as a resource are calls made to it by others, not its own use. An app set up for SAML single sign-on (preferredSingleSignOnMode saml) is used by people signing in to it, so for it their sign-ins (the delegated resource activity) count too. Third-party apps are evaluated only when they hold some permission (tier 1 or more); a dormant one whose permissions were not all read (app-role assignments, delegated grants, directory roles, groups, owners) is unknown.',
    risk: 'Dormant identities keep standing access and credentials that nobody would miss, so a compromise goes unnoticed; they are leftovers of retired projects.',
    remediation: 'Disable the service principal, remove its permissions and credentials, and delete it after a grace period unless an owner re-certifies it.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/',
      'https://learn.microsoft.com/en-us/graph/api/resources/serviceprincipalsigninactivity?view=graph-rest-beta',
    ],
    maturity: 'stable',
    messages: {
      stale: '{{name}} last signed in on {{last}} ({{days}} days ago){{resource}}.',
      never: '{{name}} has no sign-in on record{{created}}{{resource}}.',
    },
    options: {
      dormantDays: { default: 90, description: 'Days without sign-in after which an identity is dormant.' },
      newGraceDays: { default: 30, description: 'Identities created more recently than this are not yet expected to have signed in.' },
    },
  },
  evaluates: {
    types: ['entra-service-principal', 'entra-managed-identity', 'entra-agent-identity'],
    // A third-party app whose permissions were not all read may hold one: it is evaluated, and
    // answers unknown where it would be reported (see unheld), rather than left out unseen.
    where: (n, ctx) =>
      n.firstParty !== true && n.enabled !== false && (n.thirdParty === undefined || ctx.analysis.tier(n) >= 1 || tierEvidenceMissing(ctx.graph, n) !== undefined),
    requires: ['entra.signInActivity'],
  },
  check(subject, ctx) {
    const asResource = typeof subject.attrs.lastResourceSignInAt === 'string' ? subject.attrs.lastResourceSignInAt : undefined;
    // A SAML single sign-on app's last use already counts its users' sign-ins to it (the transform).
    const saml = subject.attrs.preferredSingleSignOnMode === 'saml';
    const resource = asResource && !saml ? `; it was last called as a resource on ${day(asResource)}, which is others' use of it, not its own` : '';
    if (subject.lastUsedAt === undefined) {
      ctx.unknown('sign-in activity not known for this identity');
      return;
    }
    if (subject.lastUsedAt === null) {
      const age = daysSince(subject.createdAt, ctx.now);
      // No creation date (a managed identity has no app registration): the grace period for new
      // identities cannot be judged, as in aws-role-unused.
      if (age === undefined) return ctx.unknown('no sign-in on record and the creation date is not known');
      if (age <= Number(ctx.options.newGraceDays)) return;
      const gap = unheld(subject, ctx);
      if (gap !== undefined) return ctx.unknown(gap);
      ctx.report({
        messageId: 'never',
        args: { created: ` (created ${day(subject.createdAt)})`, resource },
        evidence: { lastUsedAt: null, createdAt: subject.createdAt, lastResourceSignInAt: asResource },
      });
      return;
    }
    const days = daysSince(subject.lastUsedAt, ctx.now);
    if (days !== undefined && days >= Number(ctx.options.dormantDays)) {
      const gap = unheld(subject, ctx);
      if (gap !== undefined) return ctx.unknown(gap);
      ctx.report({ messageId: 'stale', args: { last: day(subject.lastUsedAt), days, resource }, evidence: { lastUsedAt: subject.lastUsedAt, lastResourceSignInAt: asResource } });
    }
  },
});

/**
 * Why a third-party app is judged without knowing it holds a permission (its tier is 0 and the
 * data that would raise it was not read), or undefined: such an app is reported only when it holds
 * one, so a dormant one is unknown.
 */
function unheld(subject: GraphNode, ctx: RuleContext): string | undefined {
  if (subject.thirdParty === undefined || ctx.analysis.tier(subject) >= 1) return undefined;
  const gap = tierEvidenceMissing(ctx.graph, subject);
  return gap === undefined ? undefined : cannotJudge(gap, 'whether this third-party app holds a permission (only one that does is reported)');
}
