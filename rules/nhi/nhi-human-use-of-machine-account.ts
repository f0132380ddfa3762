import { defineRule } from '../../src/rule-kit.js';

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
      'An account classified as a service account (naming convention, declared type, known list, programmatic credentials) shows interactive use: console password sign-ins (AWS), interactive sign-ins (Entra), a last login through the sign-in page (Okta).',
    risk: 'Someone is using the integration\'s standing credentials by hand: their actions are logged as the machine, MFA and offboarding are bypassed, and the account cannot be rotated without breaking the person.',
    remediation: 'Give the person their own account with MFA; remove the password (console access) from the machine account and keep only its workload credential.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/10-human-use-of-nhi/'],
    maturity: 'stable',
    messages: { human: '{{name}} is a service account ({{why}}) but shows interactive use: {{evidence}}' },
  },
  evaluates: { types: [], kinds: ['identity'], where: (n) => n.machineReasons !== undefined && n.machineReasons.length > 0 },
  check(subject, ctx) {
    const v = subject.attrs.interactiveUse;
    if (v === undefined) return ctx.unknown('interactive sign-in activity was not collected');
    if (v !== true) return;
    ctx.report({
      messageId: 'human',
      args: { why: subject.machineReasons!.join('; '), evidence: String(subject.attrs.interactiveUseEvidence ?? 'interactive sign-in recorded') },
      evidence: { machineReasons: subject.machineReasons, interactive: subject.attrs.interactiveUseEvidence ?? true },
    });
  },
});
