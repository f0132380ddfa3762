import type { OmittedHops, PathHop } from '../analysis/types.js';

/**
 * Where to cut a path, and how. The first hop that is a grant, a trust, a membership or an
 * escalation is the one to cut: the hops before it (a credential, an ownership) belong to the
 * identity itself, and cutting later leaves the identity holding a step toward the same jewel.
 * A federation already pinned to one workload is the exception (see cutHopIndex).
 * explain, the terminal table and the Markdown report name the same hop.
 */
const ADVICE: Partial<Record<PathHop['type'], string>> = {
  GRANTED: 'remove the grant, or narrow it to the resources the workload uses',
  DELEGATED_GRANT: 'revoke the consent, or narrow it to the scopes the client needs',
  HAS_ROLE: 'remove the role assignment, or replace it with a role scoped to what the workload does',
  CAN_ASSUME: 'remove the trust, or narrow it to the one principal that needs to assume the role',
  FEDERATES_TO: 'pin the federation to one workload (an exact subject), or remove it',
  ACTS_AS: 'stop the identity acting with another account\'s rights: revoke the credential or consent, and reissue it from an account that holds only what the integration needs',
  SAML_MAPS_TO: 'remove the SAML role mapping, or map it to a less privileged role',
  CAN_ESCALATE_TO: 'remove the permission that allows this escalation, or restrict it to the resources it must manage',
  MEMBER_OF: 'remove the membership, or move the identity to a group without the privilege',
};

/** A federation that already names one workload: pinning it is done, and removing it only takes the workload's own deploy access. */
const pinnedFederation = (h: PathHop): boolean => h.type === 'FEDERATES_TO' && h.subjectMatch === 'exact';

/**
 * The index of the hop to cut, or -1 for a path with none of the kinds above (cut its first hop
 * then). A pinned federation is passed over for the next hop of those kinds, when there is one:
 * that hop is where the workload's reach to the jewel can be narrowed without taking its access.
 * Every edge a path follows (analysis CONTROL_EDGES) is of those kinds, so the hop to cut is the
 * first or the second: a long path's listed hops (ShownHops) always hold it.
 */
export function cutHopIndex(hops: readonly PathHop[]): number {
  const at = hops.findIndex((h) => ADVICE[h.type] !== undefined);
  if (at < 0 || !pinnedFederation(hops[at])) return at;
  const next = hops.findIndex((h, i) => i > at && ADVICE[h.type] !== undefined);
  return next < 0 ? at : next;
}

/** What to do at the cut hop, in nhiscan's own words (no provider-controlled text). */
export function cutAdvice(hop: PathHop): string {
  if (pinnedFederation(hop)) return 'the federation already names one workload (an exact subject): remove it, or move what that workload needs to an identity that holds less';
  return ADVICE[hop.type] ?? 'remove this link, or make it conditional on a reviewed owner';
}

/**
 * `hop 2 (HAS_ROLE): remove the role assignment, …` for a path, or undefined when it has no hops.
 * `omitted`: the hops a long path's evidence leaves out, which the hop's number counts.
 */
export function pathCut(hops: readonly PathHop[], omitted?: OmittedHops): string | undefined {
  if (hops.length === 0) return undefined;
  const at = Math.max(0, cutHopIndex(hops));
  return `hop ${hopNumber(at, omitted)} (${hops[at].type}): ${cutAdvice(hops[at])}`;
}

/** The number (from 1) of the listed hop at index `at` among all the path's hops, those `omitted` included. */
export function hopNumber(at: number, omitted?: OmittedHops): number {
  return at + 1 + (omitted !== undefined && at >= omitted.after ? omitted.count : 0);
}

/**
 * What stands in a listing of a long path for the hops its evidence leaves out: how many, which,
 * how many of them are conditional, and where (`where`) every hop can be read.
 */
export function omittedHopsText(omitted: OmittedHops, where: string): string {
  const { count, after, conditional } = omitted;
  const which = count === 1 ? `hop ${after + 1}` : `hops ${after + 1} to ${after + count}`;
  return `… ${count} hop${count === 1 ? '' : 's'} not listed (${which}${conditional > 0 ? `, ${conditional} of them conditional` : ''}): ${where} lists every hop`;
}
