import { defineRule, globMatches, uniqueKeys } from '../../src/rule-kit.js';

interface Statement {
  statementIndex: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  actions: string[];
  notAction: boolean;
  notPrincipal: boolean;
  principals: { type: string }[];
  conditionKeys: string[];
  /** Its conditions on the request are decided false (a time window that has closed): set by the transform. */
  requestClosed?: true;
  restrictingKeys: string[];
  /** Restricting keys that would narrow but for a policy variable the scan cannot resolve (`${aws:SourceAccount}` in the account part). */
  doubtfulKeys?: string[];
  /** Restricting keys under a negated operator: in a Deny ("deny unless aws:PrincipalOrgID is o-…") they narrow who may assume. */
  negatedRestrictingKeys?: string[];
  /** For a Deny with a condition: every condition entry holds for every caller outside what those keys name (none lets one escape). */
  outsidersDenied?: boolean;
  /** Negated restricting keys that would narrow but for a policy variable whose value is not known. */
  negatedDoubtfulKeys?: string[];
  /** For a Deny with a condition: it would deny every outsider if its values on negatedDoubtfulKeys narrowed. */
  outsidersDoubt?: true;
}
interface TrustFacts {
  unusable?: { problem: string };
  statements: Statement[];
}

const ASSUME = ['sts:assumerole', 'sts:assumerolewithwebidentity', 'sts:assumerolewithsaml'];

/** The AssumeRole actions the statement covers (NotAction: those it does not exclude). */
function assumeActions(st: Statement): string[] {
  return ASSUME.filter((a) => st.actions.some((p) => globMatches(p.toLowerCase(), a)) !== st.notAction);
}

/**
 * Whether Deny statements covering every principal, each applying always or narrowing by a
 * negated restricting key (StringNotEquals aws:PrincipalOrgID, ArnNotLike aws:PrincipalArn…),
 * cover every AssumeRole action the Allow grants: with them, "*" no longer means anyone. A Deny
 * of sts:AssumeRoleWithSAML leaves an Allow of sts:AssumeRole as open as it was. A Deny whose
 * other conditions some outsider can fail (aws:SourceIp beside aws:PrincipalOrgID: IAM ANDs
 * them) does not narrow: that outsider escapes it (outsidersDenied false).
 */
function narrowedByDeny(statements: Statement[], allowed: string[]): { narrowed: boolean; doubtKeys: string[] } {
  const denied = new Set<string>();
  // What Denies would cover if their values with a policy variable whose value is not known narrowed.
  const doubted = new Set<string>();
  const doubtKeys = new Set<string>();
  for (const d of statements) {
    if (d.effect !== 'Deny' || !(d.notPrincipal || d.principals.some((p) => p.type === 'any'))) continue;
    if (d.conditionKeys.length > 0 && d.outsidersDoubt === true) {
      for (const a of assumeActions(d)) doubted.add(a);
      for (const k of d.negatedDoubtfulKeys ?? []) doubtKeys.add(k);
      continue;
    }
    if (d.conditionKeys.length > 0 && ((d.negatedRestrictingKeys ?? []).length === 0 || d.outsidersDenied === false)) continue;
    for (const a of assumeActions(d)) denied.add(a);
  }
  if (allowed.every((a) => denied.has(a))) return { narrowed: true, doubtKeys: [] };
  // Narrowed only if a doubtful Deny narrows: not known.
  return { narrowed: false, doubtKeys: allowed.every((a) => denied.has(a) || doubted.has(a)) ? [...doubtKeys] : [] };
}

export default defineRule({
  meta: {
    id: 'aws-trust-any-principal',
    title: 'Role trust policy lets any AWS principal assume the role',
    severity: 'critical',
    providers: ['aws'],
    owasp: ['NHI6:2025', 'NHI3:2025'],
    frameworks: { nistCsf: ['PR.AA-04', 'PR.AA-05'] },
    description:
      'Reports roles whose trust policy allows an AssumeRole action to `Principal: "*"` (or `{"AWS": "*"}`) without a condition that narrows who may call it (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount, aws:SourceArn, sts:ExternalId and the like), and without a Deny on every principal, for the same AssumeRole actions, that narrows it instead (StringNotEquals aws:PrincipalOrgID and the like). A condition counts only if it excludes callers that lack the key (not `...IfExists`, not `ForAllValues:`) and its values pin an account, organisation or principal (no wildcard in the account or organisation part; `aws:username` never does); a Deny under `ForAnyValue:` does not cover callers outside any organisation, and a Deny counts only when each of its conditions holds for every caller outside what it names (IAM ANDs them: beside `aws:SourceIp`, a role name of any account or a tag the caller sets, an outsider can escape it; `aws:PrincipalIsAWSService` false holds for every IAM caller). Policy variables in condition values are read as IAM fills them in: `${aws:ResourceAccount}` is the account of the role itself (it pins it), `${aws:PrincipalAccount}` and `${aws:PrincipalTag/...}` are those of the caller (they pin nothing); with another variable in the part naming the account, the answer is unknown; so it is when a Deny narrows `*` only if a negated condition on such a variable does. An `sts:ExternalId` value with a variable whose value is not known is unknown too, and an `aws:SourceArn` whose account (or, with none, resource name) is the caller\'s own (`${aws:PrincipalAccount}`) pins nothing, as `aws:SourceAccount` `${aws:PrincipalAccount}` does not; nor does one with a wildcard in its account field (`arn:aws:sns:us-east-1:*:topic`) or, for an ARN without one, in its bucket name (`arn:aws:s3:::logs-*`), or under `StringLike` anywhere before the account (its `*` crosses colons; ARN operators compare field by field, so `arn:aws:sns:*:111122223333:topic` under `ArnLike` still pins the account). A trust policy using `NotPrincipal`, which IAM does not accept in role trust policies, is unknown.',
    risk: 'Any authenticated AWS identity in any account, including an attacker\'s own free account, can assume the role by knowing its ARN, and role ARNs are easy to guess or find.',
    remediation:
      'Name the principals that need the role, or keep `*` only together with a condition such as `aws:PrincipalOrgID` (your organisation) or `aws:PrincipalAccount`.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/6-insecure-cloud-deployment-configurations/',
    ],
    maturity: 'stable',
    messages: {
      any: 'The trust policy of {{name}} (statement {{statement}}) allows {{who}} to assume it with no narrowing condition{{other}}',
    },
  },
  evaluates: { types: ['aws-iam-role'], requires: ['aws.iam'] },
  check(role, ctx) {
    const facts = role.attrs.trust as TrustFacts | undefined;
    if (!facts) {
      ctx.unknown('the trust policy was not analysed');
      return;
    }
    if (facts.unusable) {
      ctx.unknown(`the trust policy could not be read (${facts.unusable.problem})`);
      return;
    }
    const unique = uniqueKeys();
    for (const st of facts.statements) {
      // A time window that has closed admits nobody (the transform marks it; no route is drawn).
      if (st.requestClosed === true) continue;
      const allowed = st.effect === 'Allow' && st.restrictingKeys.length === 0 ? assumeActions(st) : [];
      if (allowed.length === 0) continue;
      const anyone = !st.notPrincipal && st.principals.some((p) => p.type === 'any');
      if (!anyone && !st.notPrincipal) continue;
      const byDeny = narrowedByDeny(facts.statements, allowed);
      if (byDeny.narrowed) continue;
      if (byDeny.doubtKeys.length > 0) {
        ctx.unknown(`a Deny on ${byDeny.doubtKeys.join(', ')} names whom it spares through a policy variable whose value is not known`);
        continue;
      }
      // A condition naming the account through a variable whose value is not known may or may not
      // narrow: neither "any account" nor pinned. A statement open for sure still fails the role.
      if (st.doubtfulKeys && st.doubtfulKeys.length > 0) {
        ctx.unknown(`a condition on ${st.doubtfulKeys.join(', ')} names the account through a policy variable whose value is not known`);
        continue;
      }
      const other = st.conditionKeys.length > 0 ? ` (its conditions use only ${st.conditionKeys.join(', ')})` : '';
      ctx.report({
        messageId: 'any',
        key: unique(st.notPrincipal ? 'not-principal' : 'any'),
        args: { statement: st.sid ?? String(st.statementIndex), who: st.notPrincipal ? 'everyone except the NotPrincipal list' : 'any AWS principal ("*")', other },
        evidence: { statement: st.statementIndex, sid: st.sid, notPrincipal: st.notPrincipal, actions: st.actions, conditionKeys: st.conditionKeys },
      });
    }
  },
});
