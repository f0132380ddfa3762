import { defineRule, fromOptions, trustStatementAllows, uniqueKeys } from '../../src/rule-kit.js';

/** The organisation's own account ids, from the options. */
const ownAccounts = (options: Readonly<Record<string, unknown>>) => new Set((options.ownAccounts as string[]).map(String));

interface Principal {
  type: string;
  accountId?: string;
  arn?: string;
  sameAccount?: boolean;
  thirdParty?: boolean;
}
interface Statement {
  statementIndex: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  notPrincipal: boolean;
  principals: Principal[];
  restrictingKeys: string[];
  externalId: boolean;
  /** For `*`: whom its aws:PrincipalArn / aws:PrincipalAccount conditions narrow it to. */
  conditionPrincipals?: Principal[];
}
interface TrustFacts {
  unusable?: { problem: string };
  statements: Statement[];
}

const AWS_TYPES = new Set(['account', 'iam-user', 'iam-role', 'assumed-role', 'iam-other']);
/** An organisation condition proves the foreign account is one of yours, not a vendor's. */
const ORG_KEYS = new Set(['aws:principalorgid', 'aws:principalorgpaths']);

export default defineRule({
  meta: {
    id: 'aws-trust-third-party-no-external-id',
    title: 'Role trusts an account outside the scanned ones without requiring an external ID',
    severity: 'high',
    providers: ['aws'],
    owasp: ['NHI3:2025'],
    frameworks: { nistCsf: ['PR.AA-04'] },
    description:
      'Reports roles whose trust policy allows a principal of an AWS account that is neither scanned nor listed as your own, without a positive `sts:ExternalId` condition (and without an organisation condition), including `Principal: "*"` narrowed to such an account or principal by `aws:PrincipalAccount` or `aws:PrincipalArn`. Conditions under `...IfExists` or `ForAllValues:` hold when the caller sends no value, so they do not count. Such trusts are how SaaS vendors reach customer accounts. A statement whose Action does not cover `sts:AssumeRole`, or that an unconditional Deny of the same policy overrides, gives no way in and is not reported.',
    risk: 'Confused deputy: the vendor assumes roles for all of its customers with the same identity, so anyone who can make the vendor act for them (another customer entering your role ARN) reaches your account. A compromise of the vendor reaches you directly.',
    remediation:
      'Add `"Condition": {"StringEquals": {"sts:ExternalId": "<id the vendor issued for you>"}}` to the statement, review what the role allows, and list your own accounts that are not scanned in the `ownAccounts` option.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/3-vulnerable-third-party-nhi/',
    ],
    maturity: 'stable',
    messages: {
      noExternalId: 'The trust policy of {{name}} lets account {{account}} ({{principal}}) assume it without an sts:ExternalId condition',
    },
    options: {
      ownAccounts: { default: [], description: 'account ids that belong to you but are not in the snapshot (they are not third parties)' },
    },
  },
  evaluates: { types: ['aws-iam-role'], requires: ['aws.iam'] },
  check(role, ctx) {
    const facts = role.attrs.trust as TrustFacts | undefined;
    if (!facts || facts.unusable) {
      ctx.unknown('the trust policy could not be read');
      return;
    }
    const own = fromOptions(ctx.options, ownAccounts);
    const unique = uniqueKeys();
    for (const st of facts.statements) {
      if (st.effect !== 'Allow' || st.notPrincipal || st.externalId) continue;
      if (st.restrictingKeys.some((k) => ORG_KEYS.has(k.toLowerCase()))) continue;
      // "*" narrowed by a condition to a vendor's account or role trusts that vendor the same way.
      // Once per principal: one also listed beside "*" is reported as listed.
      const listed = new Set(st.principals.map((p) => p.arn ?? p.accountId));
      const narrowed = (st.conditionPrincipals ?? []).filter((p) => !listed.has(p.arn ?? p.accountId));
      for (const p of [...st.principals, ...narrowed]) {
        if (!AWS_TYPES.has(p.type) || p.thirdParty !== true || !p.accountId || own.has(p.accountId)) continue;
        // A statement that does not allow sts:AssumeRole, or one an unconditional Deny overrides
        // (the transform draws no edge for it), gives the vendor no way in.
        if (!trustStatementAllows(facts, st, p, 'sts:AssumeRole')) continue;
        ctx.report({
          messageId: 'noExternalId',
          key: unique(p.arn ?? p.accountId),
          args: { account: p.accountId, principal: p.arn ?? 'the whole account' },
          evidence: { statement: st.statementIndex, sid: st.sid, accountId: p.accountId, principal: p.arn ?? null, restrictingKeys: st.restrictingKeys },
        });
      }
    }
  },
});
