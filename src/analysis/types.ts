import type { CrownJewelClass, GraphEdge, GraphNode, StrengthClass, Tier } from '../graph/model.js';
import type { NodeRef } from '../graph/graph.js';

/** How independently an identity acts (RULES-CATALOG §4.2). */
export type Autonomy = 'human-triggered' | 'scheduled' | 'autonomous-agent';

/** One hop of a path, with the edge that justifies it. */
export interface PathHop {
  from: string;
  fromName: string;
  to: string;
  toName: string;
  type: GraphEdge['type'];
  reason: string;
  /** The provider's own access-review screens would not show this hop. */
  hidden: boolean;
  conditional: boolean;
  provider: string;
  /** The escalation or grant method of the edge, when it names one (e.g. `iam:PassRole+lambda`). */
  method?: string;
  /**
   * For a FEDERATES_TO hop, how the trust matches the token's subject (the edge's own statement,
   * else its issuer node's). `exact` names one workload: the path's cut then lies further on.
   */
  subjectMatch?: 'exact' | 'wildcard' | 'missing';
}

/** One accountable human of an identity (see {@link Analysis.accountable}): a person. */
export interface Accountable {
  id: string;
  name: string;
  relation: string;
  enabled?: boolean;
  /**
   * The machine owner through which this person answers for the identity: they own, sponsor or
   * manage the service account an API token acts as; or `blueprint <name>`: they sponsor the
   * Entra Agent ID blueprint of an agent identity that has no sponsor of its own (see
   * {@link Analysis.owners}).
   */
  via?: string;
}

/** One owner, sponsor or manager of an identity, a person or not (see {@link Analysis.owners}). */
export interface Owner extends Accountable {
  /** Set when the owner is not a person and so not accountable, e.g. `service account, not accountable`. */
  note?: string;
}

/**
 * The hops a long path's evidence leaves out (see {@link ShownHops}). A path is listed hop by hop,
 * but one finding's evidence must stay bounded whatever the estate: a chain of N roles that may
 * each assume the next gave each of them a path of up to N hops, and every format listed them
 * all (N x N hops: 1.2 GB of JSON at N = 1,000).
 */
export interface OmittedHops {
  /** How many hops are left out. */
  count: number;
  /**
   * How many hops are listed before them: the omitted hops follow `hops[after - 1]` and end where
   * `hops[after]` starts. Always PATH_HEAD_HOPS (analysis/analyze.ts), said here so that a reader
   * of the report need not know it.
   */
  after: number;
  /** Of those, how many hold only under a condition: with the listed ones, whether and how far the path is a "may reach". */
  conditional: number;
}

/**
 * A route as its evidence lists it: every hop, unless it has more than PATH_HEAD_HOPS +
 * PATH_TAIL_HOPS (analysis/analyze.ts); then the first and the last of them, and `omittedHops`
 * says how many are left out between. Its real length is `hops.length + omittedHops.count`
 * (pathLength). The whole route is `Analysis.wholeHops`, what `nhiscan explain` shows.
 */
export interface ShownHops {
  hops: PathHop[];
  /** Absent when every hop is listed. Since report schema 1.9.0. */
  omittedHops?: OmittedHops;
}

/** A path from an identity to a crown jewel. */
export interface CrownJewelPath extends ShownHops {
  /** The (provider, class) group of crown jewels this path reaches. */
  group: string;
  target: string;
  targetName: string;
  crownJewel: CrownJewelClass;
  /** Of the whole path, the omitted hops too. */
  hiddenHops: number;
  /**
   * Other distinct routes (next identities) into the same group, as firm as this path or firmer:
   * for a path that holds without a condition, those that do too (what surely remains when one
   * of its hops is revoked); for a "may reach", every other route.
   */
  alternatives: number;
  /**
   * On a path that holds without a condition, the other routes that hold only under one (a
   * conditional first hop, or no firm way on); absent when none, and on a "may reach".
   */
  conditionalAlternatives?: number;
  crossesProviders: boolean;
}

export interface StrengthResult {
  class: StrengthClass;
  evidence: string[];
  longLived: boolean;
}

/**
 * Derived facts computed once per scan, before rules run. Each question takes a node or its id;
 * given the node object of the scanned graph, the answer is found without hashing its id.
 */
export interface Analysis {
  /** Capability tier (T0..T4) from everything the identity can reach, with the reasons. */
  tier(ref: NodeRef): Tier;
  /**
   * The privilege that gives the tier, named by the first kind of route to a privilege of the
   * tier there is: firm and into no disabled object ("reaches NAME (Tn)"); with a conditional hop
   * ("may reach NAME (Tn)"); firm through a disabled object ("reaches NAME (Tn) only through X,
   * which is disabled"); both ("may reach ... only through X, which is disabled"); through a
   * trust no token passes today, dormant or dead ("may reach NAME (Tn) only through a latent
   * trust: R trusts it, but no token passes today (why)"). The tier counts every kind.
   */
  tierReasons(ref: NodeRef): string[];
  /** The privilege {@link tierReasons} names (the node itself when it is one); undefined at T0. */
  tierSource(ref: NodeRef): GraphNode | undefined;
  /**
   * The route to {@link tierSource} when the reason says plainly "reaches NAME (Tn)": a firm route
   * into no disabled object and along no latent trust, one a path may follow. Undefined for other
   * reasons, and for a node that is its own source.
   */
  tierRoute(ref: NodeRef): ShownHops | undefined;
  /**
   * Every hop of a route this analysis gave (a crown-jewel path, a tier route), the ones its
   * evidence leaves out (`omittedHops`) too. Walked again on each call, so asked for one route
   * at a time: the one `nhiscan explain` shows, or the words of a long conditional path.
   */
  wholeHops(route: ShownHops): PathHop[];
  /**
   * Every hop of the route whose listed hops are `hops` (a finding's path is that very list), or
   * undefined when this analysis gave no route that leaves hops out with that list.
   */
  wholeHopsOf(hops: readonly PathHop[]): PathHop[] | undefined;
  autonomy(ref: NodeRef): Autonomy;
  autonomyReason(ref: NodeRef): string;
  /**
   * The autonomy the identity's own grants show, without the AI-agent label: {@link autonomy}
   * calls every recognised agent autonomous-agent, while here an agent that holds only delegated
   * grants is human-triggered (it acts for a user signed in to it) and one with app-only
   * permissions, roles or power through another object is scheduled. An Entra app role its
   * resource disabled (in no token today) is left out, here and in autonomy(), which for an
   * identity that is no agent is the same.
   */
  ownAutonomy(ref: NodeRef): Autonomy;
  ownAutonomyReason(ref: NodeRef): string;
  strength(ref: NodeRef): StrengthResult;
  /** Shortest paths to each crown jewel the identity reaches (hops > 0), deduplicated per target. */
  crownJewelPaths(ref: NodeRef): CrownJewelPath[];
  /** The same, using only edges that hold without an undecided condition. */
  firmCrownJewelPaths(ref: NodeRef): CrownJewelPath[];
  /**
   * The route shown for each kind of crown jewel: the shortest, unless it depends on an
   * undecided condition and a firm route of the same kind exists. What path findings report and
   * identity summaries (explain, the recert sheet) show.
   */
  shownCrownJewelPaths(ref: NodeRef): CrownJewelPath[];
  /**
   * Every owner, sponsor and manager and their state, in incoming-edge order: people, and the
   * machine identities, service-account users and groups recorded as owners, each of those with
   * a `note` saying it is not accountable. After a machine owner that the identity acts as (an
   * Okta API token's service account) come that owner's own people, with `via`. An Entra agent
   * identity with no sponsor of its own that may answer (a person not disabled, or a group) lists
   * its blueprint's sponsors last, with `via` `blueprint <name>`. Frozen: copy to sort.
   */
  owners(ref: NodeRef): readonly Owner[];
  /**
   * The accountable humans: the entries of {@link owners} that are people (nodes of kind `human`),
   * whatever their account state. The one answer rules, summaries, explain and the recert sheet
   * give to "who answers for this identity". Frozen: copy to sort.
   */
  accountable(ref: NodeRef): readonly Accountable[];
}
