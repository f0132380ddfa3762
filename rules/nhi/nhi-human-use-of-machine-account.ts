import { credentialsUnread, daysSince, defineRule, maybeServiceAccount, NOT_USER_IDENTITY_TYPES, oktaIdentityActive, serviceAccountUnclassified } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'nhi-human-use-of-machine-account',
    title: 'A person signs in interactively with a machine account',
    severity: 'medium',
    tiered: true,
    providers: ['entra', 'okta', 'aws'],
    owasp: ['NHI10:2025', 'NHI4:2025'],
    frameworks: { nistCsf: ['PR.AA-02'] },
    description:
      'An account classified as a service account (naming convention, declared type, known list, programmatic credentials) shows interactive use: console password sign-ins (AWS), interactive sign-ins (Entra: `lastSignInDateTime` counts attempts, failed ones too, so an attempt later than `lastSuccessfulSignInDateTime` failed, and then only that last success, of either kind, could be interactive use: unknown when it is recent, no finding when it is not), a last login through the sign-in page (Okta), no older than `interactiveDays`. An older sign-in is not evidence of current use: an account that owns an Okta API token, for one, signed in once to create it. An Okta user that is SUSPENDED or DEPROVISIONED is not evaluated, as okta-svc-user-interactive-or-no-mfa does not evaluate it: nobody signs in with it today.',
    risk: 'Someone is using the integration\'s standing credentials by hand: their actions are logged as the machine, MFA and offboarding are bypassed, and the account cannot be rotated without breaking the person.',
    remediation: 'Give the person their own account with MFA; remove the password (console access) from the machine account and keep only its workload credential.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/10-human-use-of-nhi/', 'https://learn.microsoft.com/en-us/graph/api/resources/signinactivity'],
    maturity: 'stable',
    messages: { human: '{{name}} is a service account ({{why}}) but shows interactive use: {{evidence}}' },
    // 30 days, as okta-svc-user-interactive-or-no-mfa and the catalogue's AWS human-use rule: the two rules
    // then agree on the same Okta account, and a window that long still catches a person who signs in monthly.
    options: { interactiveDays: { default: 30, description: 'only a sign-in this recent (in days, against --now) counts as interactive use' } },
  },
  // Humans too: an Entra user that may be a service account stays a person (serviceAccountUnclassified).
  evaluates: { types: [], kinds: ['identity', 'human'], where: (n) => maybeServiceAccount(n) && oktaIdentityActive(n), skipsTypes: NOT_USER_IDENTITY_TYPES },
  check(subject, ctx) {
    // An account that may not be a service account passes only where one would (no recent
    // interactive use read); recent interactive use is a finding only on a service account.
    const unclassified = serviceAccountUnclassified(subject);
    const v = subject.attrs.interactiveUse;
    // An IAM user's console sign-ins are in its credential report row.
    if (v === undefined) return ctx.unknown(unclassified ?? credentialsUnread(subject) ?? 'interactive sign-in activity was not collected');
    if (v !== true) return;
    // A sign-in with no date cannot be shown to be old, so it still counts.
    const days = daysSince(subject.attrs.interactiveUseAt as string | null | undefined, ctx.now);
    if (days !== undefined && days > Number(ctx.options.interactiveDays)) return;
    if (unclassified) return ctx.unknown(unclassified);
    // Entra: the last interactive attempt failed, and the last success may not have been interactive.
    if (typeof subject.attrs.interactiveUseDoubt === 'string') return ctx.unknown(subject.attrs.interactiveUseDoubt);
    ctx.report({
      messageId: 'human',
      args: { why: subject.machineReasons!.join('; '), evidence: String(subject.attrs.interactiveUseEvidence ?? 'interactive sign-in recorded') },
      evidence: { machineReasons: subject.machineReasons, interactive: subject.attrs.interactiveUseEvidence ?? true },
    });
  },
});
