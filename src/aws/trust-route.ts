import { trustDenial, trustStatementCovers, type RoleTrustFacts, type TrustDenial, type TrustStatementFact, type TrustedPrincipal } from './trust.js';

/** How a trust policy treats one principal of one of its Allow statements, for one action. */
export interface TrustRoute {
  /** Does the Allow statement's Action (or NotAction) cover the action? */
  covers: boolean;
  /** The Deny statements that apply to the principal for the action: `none` or `conditional`. */
  denial: TrustDenial;
}

/**
 * The route one principal of an Allow statement gives for the action it needs
 * (sts:AssumeRoleWithWebIdentity for OIDC, sts:AssumeRoleWithSAML for SAML, sts:AssumeRole for
 * AWS principals): null when an unconditional Deny of the same trust policy covers it (no route
 * at all). The transform builds its edges from it and the trust rules skip statements it rejects,
 * so a graph edge and a finding never disagree about whether a statement lets anyone in.
 */
export function trustRoute(facts: RoleTrustFacts, st: TrustStatementFact, principal: TrustedPrincipal, action: string): TrustRoute | null {
  const denial = trustDenial(facts, principal, action);
  if (denial.status === 'always') return null;
  return { covers: trustStatementCovers(st, action), denial };
}
