import { defineRule, maybeServiceAccount, NOT_USER_IDENTITY_TYPES, oktaIdentityActive, serviceAccountUnclassified } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'nhi-service-account-no-owner',
    title: 'Service account that is a user object has no accountable human, or only ones who left',
    severity: 'medium',
    tiered: true,
    providers: ['entra', 'okta', 'aws'],
    owasp: ['NHI1:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'A user object classified as a service account has no manager, owner, sponsor or owner tag that is a person, or every such person is disabled. A manager or owner that is itself a service account, service principal or group is no accountable human (it is named in the message). One rule for Entra users (manager), Okta users (profile managerId / manager; token ownership is not accountability) and IAM users (owner tags). An Okta user that is SUSPENDED or DEPROVISIONED is not evaluated, as the Okta service-user rules do not evaluate it.',
    risk: 'Nobody rotates, reviews or offboards an account that belongs to no one; when the integration is retired the account stays, with its rights.',
    remediation: 'Record an accountable owner (manager attribute, sponsor, `owner` tag) for every service account and review it when that person changes role or leaves.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/'],
    maturity: 'stable',
    messages: {
      none: '{{name}} is a service account with no accountable human recorded',
      machinesOnly: '{{name}} is a service account with no accountable human recorded: its only owners or managers are not people ({{owners}})',
      left: '{{name}} is a service account whose accountable humans are all disabled ({{owners}})',
    },
  },
  // Humans too: an Entra user that may be a service account stays a person (serviceAccountUnclassified).
  evaluates: { types: [], kinds: ['identity', 'human'], where: (n) => maybeServiceAccount(n) && n.type !== 'okta-api-token' && oktaIdentityActive(n), skipsTypes: NOT_USER_IDENTITY_TYPES },
  check(subject, ctx) {
    const people = ctx.analysis.accountable(subject);
    // An account that may not be a service account passes only on what would pass one anyway:
    // an accountable person who has not left (an owner tag has no account to check).
    const unclassified = serviceAccountUnclassified(subject);
    if (unclassified) {
      if (people.some((p) => p.enabled === true || ctx.graph.node(p.id)?.type === 'aws-owner-tag')) return;
      return ctx.unknown(unclassified);
    }
    if (people.length === 0) {
      if (subject.provider === 'entra' && subject.attrs.hasManager === undefined) return ctx.unknown('managers were not collected');
      // An IAM user's owner is an owner tag; with a tag entry that could not be read, one may be missing.
      if (subject.attrs.tagsIncomplete === true) return ctx.unknown('some tags could not be read');
      // No key on any of these findings: "none", "machines only" and "all left" are states of the
      // one finding this rule makes per account, so a change between them keeps the fingerprint a
      // CI baseline holds. Owned or managed only by machine identities: the same finding, naming them.
      const machines = ctx.analysis.owners(subject).filter((o) => o.note !== undefined && o.id !== subject.id);
      if (machines.length > 0) return ctx.report({ messageId: 'machinesOnly', args: { owners: machines.map((o) => o.name).join(', ') } });
      return ctx.report({ messageId: 'none' });
    }
    if (people.every((p) => p.enabled === false)) {
      ctx.report({ messageId: 'left', severity: 'high', args: { owners: people.map((p) => p.name).join(', ') } });
      return;
    }
    // An owner tag names a person with no account to check; a user whose status was not read
    // (a manager outside users.json) may have left: not evidence of an active owner.
    const active = people.filter((p) => p.enabled === true || ctx.graph.node(p.id)?.type === 'aws-owner-tag');
    if (active.length === 0) ctx.unknown('the account status of its accountable humans is not known');
  },
});
