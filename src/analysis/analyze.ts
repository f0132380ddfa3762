import { agentBlueprintOf, sponsorMayAnswer } from '../graph/agent-blueprint.js';
import type { Graph, NodeRef } from '../graph/graph.js';
import type { CrownJewelClass, EdgeType, GraphEdge, GraphNode, StrengthClass, Tier } from '../graph/model.js';
import type { NhiConfig } from '../config/types.js';
import type { Accountable, Analysis, Autonomy, CrownJewelPath, OmittedHops, Owner, PathHop, ShownHops, StrengthResult } from './types.js';
import { sortTexts } from '../compare.js';
import { parseDate } from '../iso-date.js';
import { credentialLabel } from '../graph/credential-label.js';

/**
 * Edges along which control flows: holding the source gives the rights of the target. OWNS is
 * not among them on purpose: an owner's power over an object is expressed by the transforms as
 * CAN_ESCALATE_TO where the provider really lets owners add credentials.
 */
export const CONTROL_EDGES: ReadonlySet<EdgeType> = new Set<EdgeType>([
  'GRANTED',
  'DELEGATED_GRANT',
  'HAS_ROLE',
  'MEMBER_OF',
  'ACTS_AS',
  'CAN_ASSUME',
  'CAN_ESCALATE_TO',
  'FEDERATES_TO',
  'SAML_MAPS_TO',
]);

/**
 * Whether holding the source of `e` gives the rights of its target: a control edge, other than an
 * Entra enterprise app's edge to the AWS SAML provider it issues assertions for
 * (`evidence.assertionIssuer`). That edge says the provider is fed by a scanned identity provider;
 * the app's own credentials get no assertion (a user signs in through it, along the edge of that
 * user's assignment), so neither its tier nor a path rests on it.
 */
export function controlEdge(e: GraphEdge): boolean {
  return CONTROL_EDGES.has(e.type) && e.evidence?.assertionIssuer === undefined;
}

const SHARED: ReadonlySet<string> = new Set(['client-secret', 'access-key', 'api-token', 'password']);
const KEYED: ReadonlySet<string> = new Set(['certificate', 'private-key-jwt', 'x509-trust-anchor']);
const STRENGTH_RANK: Record<StrengthClass, number> = { none: 0, 'shared-secret': 1, 'private-key': 2, federated: 3 };
const LONG_LIVED_DAYS = 90;

/**
 * Whether a path may follow `e` into its target. Into a disabled object (an SP with
 * accountEnabled false, a suspended or deactivated Okta user, an inactive app) nobody signs in,
 * federates, assumes or inherits today; only an edge that can change the object (CAN_ESCALATE_TO:
 * an owner or admin who can add a credential, reset or reactivate it) still gives its rights.
 * Tiers are capability and keep counting it: a token whose suspended owner is an admin is an
 * admin token again the day the owner is reactivated.
 */
export function flowsInto(e: GraphEdge, target: GraphNode | undefined): boolean {
  return target?.enabled !== false || e.type === 'CAN_ESCALATE_TO';
}

/**
 * Whether a path may follow `e` today: into an object that is not disabled (flowsInto), and not
 * along a trust that no token can meet today (the link stage marks it `dormant`: an Entra trust
 * whose audience apps are all disabled; or `dead`: one whose aud condition no token of its apps
 * meets, such as an app id in upper case under StringEquals; the AWS transform marks `dead` an OIDC
 * trust whose sub condition no token meets, such as StringEquals X beside StringNotEquals X). Tiers count the latent capability
 * all the same; their reason says when it rests on such a trust (see latentTrust).
 */
function pathFollows(e: GraphEdge, target: GraphNode | undefined): boolean {
  return flowsInto(e, target) && latentTrust(e) === undefined;
}

/**
 * Why no token passes the trust `e` today (its `dormant` or `dead` mark), or undefined when one can.
 * explain marks such an edge of the card with it, as the tier reason names it.
 */
export function latentTrust(e: GraphEdge): string | undefined {
  const ev = e.evidence;
  if (ev === undefined) return undefined;
  const why = ev.dormant ?? ev.dead;
  return why === undefined ? undefined : String(why);
}

/**
 * The latent hop a tier reason names for a node whose route goes along `e` into the node at index
 * `cur` (`target`): the nearest one, so the edge's own when it has one (`cur` when it enters a
 * disabled object; the edge when it is a trust no token passes today), else the one `cur`'s route
 * names (`via`, -1 for none, and `trust`).
 */
function nearestLatent(e: GraphEdge, target: GraphNode | undefined, cur: number, via: number, trust: GraphEdge | undefined): { via: number; trust: GraphEdge | undefined } {
  if (!flowsInto(e, target)) return { via: cur, trust: undefined };
  if (latentTrust(e) !== undefined) return { via: -1, trust: e };
  return { via, trust };
}

/**
 * How many hops of a path hold only under a condition (or are turned away today): a "may reach"
 * when any. With `omitted` (a long path's ShownHops.omittedHops), the listed hops and those left out.
 */
export function conditionalHopCount(hops: readonly { conditional?: boolean }[], omitted?: OmittedHops): number {
  let count = omitted?.conditional ?? 0;
  for (const h of hops) if (h.conditional === true) count++;
  return count;
}

/** How many hops a path has: those listed and those its evidence leaves out (see ShownHops). */
export function pathLength(route: { hops: readonly unknown[]; omittedHops?: OmittedHops }): number {
  return route.hops.length + (route.omittedHops?.count ?? 0);
}

/**
 * How many hops of a long path its evidence lists (ShownHops): the first PATH_HEAD_HOPS and the
 * last PATH_TAIL_HOPS. A path of up to both together is listed whole. The first hops name the
 * entry and the hop to cut (report/cut.ts: always the first or the second, every edge a path
 * follows being a kind it advises on); the last ones, how the jewel is reached. Twenty hops is
 * far past any path of the demo and of the 10k bench estate (7 hops at most), so their reports
 * list every hop; a longer one is a chain of roles or a loop, whose middle repeats one
 * kind of hop. `nhiscan explain` shows every hop of an identity's paths (Analysis.wholeHops).
 */
export const PATH_HEAD_HOPS = 10;
export const PATH_TAIL_HOPS = 10;

export interface AnalyzeOptions {
  now: Date;
  config: NhiConfig;
}

interface JewelGroup {
  key: string;
  cls: CrownJewelClass;
  /**
   * By node index: distance (hops) to the nearest jewel of the group, -1 where it is not reached.
   * Arrays of numbers, not maps by id: the groups of the 100k estate held about a million entries
   * for the whole scan, and a path's walk looked up each hop's ends by id.
   */
  dist: Int32Array;
  /**
   * By node index: the edge to follow toward the jewel, as the index of the node it leads to
   * (-1 for none) and its position among that node's incoming edges ({@link Graph.inAt}).
   */
  nextNode: Int32Array;
  nextEdge: Int32Array;
  /** Whether the group follows only unconditional edges (the firm groups). */
  firmOnly: boolean;
}

/**
 * The crown-jewel groups of one analysis and which of them each node reaches: every route, and
 * the firm routes only (built on first use).
 */
interface JewelSets {
  full: { groups: JewelGroup[]; reach: (number[] | undefined)[] };
  firm: () => { groups: JewelGroup[]; reach: (number[] | undefined)[] };
}

/**
 * Scratch space for {@link reachesAvoiding}, shared by every question of one analysis: by node
 * index, the number of the search that saw the node last.
 */
interface Detours {
  seen: Int32Array;
  search: number;
  queue: Int32Array;
}

/**
 * Computes tiers, strength, autonomy and crown-jewel reachability once. Every pass is linear in
 * the part of the graph it touches: tiers by one reverse breadth-first pass per tier level, crown
 * jewels by one multi-source reverse pass per (provider, class) group, visiting only nodes that
 * can reach that group. The number of groups does not grow with the estate, so the whole
 * analysis is O(groups x (nodes + edges)).
 */
export function analyze(graph: Graph, opts: AnalyzeOptions): Analysis {
  // Per node, by the graph's node index (see Graph.indexOf): arrays, not maps keyed by id.
  const n = graph.size;
  const tierOf = new Int8Array(n).fill(-1);
  const tierSource = new Int32Array(n).fill(-1);
  /**
   * Nodes that reach their tier only through a latent hop, the one nearest them when that is a
   * disabled object: that object. When it is a trust no token passes today, tierTrust holds it.
   */
  const tierVia = new Int32Array(n).fill(-1);
  /**
   * Nodes first reached by a firm route a path may follow (the first round, below): the next node
   * on that route (-1 for none) and the edge to it, as its position among that node's incoming
   * edges. What tierRoute walks.
   */
  const tierNext = new Int32Array(n).fill(-1);
  const tierNextEdge = new Int32Array(n);
  /** Nodes whose nearest latent hop is a trust no token passes today: that trust edge (rare, so a map). */
  const tierTrust = new Map<number, GraphEdge>();
  /**
   * 1 for nodes whose tier rests on a route with a conditional hop: no firm route without a latent
   * hop reaches a privilege of their tier (and, when a latent hop is named, no firm route at all).
   */
  const tierConditional = new Uint8Array(n);
  /** 1 for nodes a firm route (with a latent hop or not) takes to a privilege of their tier. */
  const firmReach = new Uint8Array(n);
  /**
   * Nodes a route with a conditional hop reaches a privilege of their tier by, today, that also
   * have a firm route through a latent hop: that route's privilege and latent hop (a disabled
   * object, or a trust), which their reason does not name but nodes reached through them do.
   * Rare: a map.
   */
  const firmAside = new Map<number, { seed: number; via: number; trust: GraphEdge | undefined }>();
  /**
   * Per node, what a later round may still find among its in-edges (bits below), so that rounds
   * pass over the many nodes whose in-edges the first reading used up: their sources are all
   * reached, and reading them again would find nothing.
   */
  const left = new Uint8Array(n);
  /** Not read yet. */
  const UNREAD = 4;
  /** A control edge passed over at the last reading came from a node not reached then. */
  const LOOSE = 1;
  /**
   * Round 1 passed over a firm latent edge into it (it is disabled, or the edge is a trust no
   * token passes today) from a node not reached then.
   */
  const LATENT_IN = 2;
  const privileges = graph.ofKind('privilege');
  // The tier passes start from the privileges in the order of their ids, not the graph's (the
  // order the snapshot happened to list them in): a node equally near two privileges of its tier
  // takes its reason from the one started first (each breadth-first layer holds the nodes of one
  // starting privilege before the next's), so the same estate listed in another order names the
  // same privilege.
  const seeds = [...privileges].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const level of [4, 3, 2, 1] as Tier[]) {
    const queue: number[] = [];
    const visit = (node: number, seed: number): boolean => {
      if (tierOf[node] >= 0) return false;
      tierOf[node] = level;
      tierSource[node] = seed;
      left[node] = UNREAD;
      queue.push(node);
      return true;
    };
    for (const p of seeds) {
      if (p.tier !== level) continue;
      const i = graph.indexOf(p);
      visit(i, i);
    }
    // Tiers count the latent capability (see flowsInto) and conditional edges, but the reason
    // should name a privilege reached by a route that holds today when there is one, and say
    // when there is none. So the routes are taken in four rounds: firm routes paths may follow
    // (see pathFollows); then those with conditional hops; then firm routes through a latent hop
    // (a disabled object, or a trust no token passes today); then the rest. A node first reached in a later round has no route of an earlier kind. Rounds 2 and
    // 4 go on from everything reached before them; round 3 from what round 1 reached.
    const spread = (conditional: boolean, latent: boolean): void => {
      for (let q = 0; q < queue.length; q++) {
        const cur = queue[q];
        if ((left[cur] & (UNREAD | LOOSE)) === 0) continue;
        const target = graph.nodeAt(cur);
        const seed = tierSource[cur];
        const { edges, from } = graph.inAt(cur);
        let still = left[cur] & LATENT_IN;
        for (let k = 0; k < edges.length; k++) {
          const e = edges[k];
          // A source reached already gains nothing from the edge, whatever its kind: asked first,
          // it spares most edges the questions below.
          if (tierOf[from[k]] >= 0 || !controlEdge(e)) continue;
          const open = pathFollows(e, target);
          if ((!conditional && e.conditional) || (!latent && !open)) {
            still |= !conditional && !e.conditional ? LOOSE | LATENT_IN : LOOSE;
            continue;
          }
          visit(from[k], seed);
          if (!conditional) {
            tierNext[from[k]] = cur;
            tierNextEdge[from[k]] = k;
          }
          if (latent) {
            const hop = nearestLatent(e, target, cur, tierVia[cur], tierTrust.get(cur));
            tierVia[from[k]] = hop.via;
            if (hop.trust !== undefined) tierTrust.set(from[k], hop.trust);
          }
          if (tierConditional[cur] === 1 || e.conditional) tierConditional[from[k]] = 1;
        }
        left[cur] = still;
      }
    };
    // Round 3 goes through the nodes round 2 reached as well: such a node may have a firm route
    // through a latent hop beside its conditional one, and a node whose firm edge leads only
    // into it (when it is disabled, or along a latent trust) then has a firm route too. The node keeps its round-2 reason;
    // its firm route is kept aside for the nodes behind it. Each round reads each node's in-edges
    // at most once, and rounds 2 to 4 only those of nodes an earlier reading left something in
    // (see left): on an estate most nodes are read once.
    const firmRound = (firmQueue: number[]): void => {
      for (let q = 0; q < firmQueue.length; q++) {
        const cur = firmQueue[q];
        const aside = tierConditional[cur] === 1 ? firmAside.get(cur) : undefined;
        const seed = aside ? aside.seed : tierSource[cur];
        const via = aside ? aside.via : tierVia[cur];
        const trust = aside ? aside.trust : tierTrust.get(cur);
        const target = graph.nodeAt(cur);
        const { edges, from } = graph.inAt(cur);
        for (let k = 0; k < edges.length; k++) {
          const e = edges[k];
          if (!controlEdge(e) || e.conditional) continue;
          const s = from[k];
          // Reached by a firm route already, or of a higher tier (which no route here decides).
          if (firmReach[s] === 1 || (tierOf[s] >= 0 && tierOf[s] !== level)) continue;
          const hop = nearestLatent(e, target, cur, via, trust);
          if (visit(s, seed)) {
            tierVia[s] = hop.via;
            if (hop.trust !== undefined) tierTrust.set(s, hop.trust);
          } else firmAside.set(s, { seed, ...hop });
          firmReach[s] = 1;
          firmQueue.push(s);
        }
      }
    };
    spread(false, false);
    // Round 3 need only read, of what round 1 reached, the nodes a firm edge enters unfollowed.
    const firmOpen: number[] = [];
    for (const x of queue) {
      firmReach[x] = 1;
      if ((left[x] & LATENT_IN) !== 0) firmOpen.push(x);
    }
    spread(true, false);
    firmRound(firmOpen);
    spread(true, true);
  }

  // Routes made only of unconditional edges, built on first use (the escalation rule asks when
  // the shortest route depends on a condition, and a firm path with other routes counts the firm
  // ones): one more reverse pass per group, not a search per principal.
  let firmSet: { groups: JewelGroup[]; reach: (number[] | undefined)[] } | undefined;
  const inEdges = followIndex(graph);
  const sets: JewelSets = {
    full: buildJewelGroups(graph, inEdges, privileges),
    firm: () => {
      if (!firmSet) firmSet = buildJewelGroups(graph, inEdges, privileges, true);
      return firmSet;
    },
  };
  // The report and several rules ask for the same identity's answers; each is computed once, in
  // an array by node index. Callers copy before sorting.
  const firmCache: (CrownJewelPath[] | undefined)[] = new Array(n);
  const strengthCache: (StrengthResult | undefined)[] = new Array(n);
  const autonomyCache: ({ level: Autonomy; reason: string } | undefined)[] = new Array(n);
  const pathCache: (CrownJewelPath[] | undefined)[] = new Array(n);
  // The identity summaries ask for every identity's accountable humans, after several rules
  // asked for many of the same: each walk of a node's incoming edges (~330,000 on the 100k
  // estate, scattered in memory) is done once.
  const ownersCache: (readonly Owner[] | undefined)[] = new Array(n);
  const accountableCache: (readonly Accountable[] | undefined)[] = new Array(n);
  /** The cached answer for a node of the graph; computed each time for one that is not. */
  const cached = <T>(cache: (T | undefined)[], ref: NodeRef, compute: (ref: NodeRef, id: string) => T): T => {
    const i = graph.indexOf(ref);
    if (i < 0) return compute(ref, typeof ref === 'string' ? ref : ref.id);
    let v = cache[i];
    if (v === undefined) {
      const node = graph.nodeAt(i);
      v = compute(node, node.id);
      cache[i] = v;
    }
    return v;
  };
  // How to walk again each route whose evidence leaves hops out (wholeHops), by its listed hops:
  // a finding holds the same list as its path, so the finding asked for by `nhiscan explain` finds
  // its route. Weak: a route the report keeps (an identity's paths) does not keep the graph alive
  // through it.
  const wholes = new WeakMap<readonly PathHop[], () => PathHop[]>();
  // Allocated when a next identity first needs the search (see reachesAvoiding).
  let detours: Detours | undefined;
  const detourSpace = (): Detours => (detours ??= { seen: new Int32Array(n), search: 0, queue: new Int32Array(n) });
  const reachesPrivilege = (id: string): boolean => {
    const i = graph.indexOf(id);
    return i >= 0 && tierOf[i] > 0;
  };
  // An Entra app role the resource disabled (isEnabled false) is in no token today: it is no power
  // of anyone's own, agent or not (ownAutonomyOf leaves it out).
  const ownAutonomyCache: ({ level: Autonomy; reason: string } | undefined)[] = new Array(n);
  const ownAutonomyCached = (ref: NodeRef): { level: Autonomy; reason: string } => cached(ownAutonomyCache, ref, (r) => ownAutonomyOf(graph, r, reachesPrivilege));
  const autonomyCached = (ref: NodeRef): { level: Autonomy; reason: string } => cached(autonomyCache, ref, (r) => {
    const agent = graph.node(r)?.agent;
    return agent ? { level: 'autonomous-agent', reason: `AI agent (${agent.confidence}): ${agent.reasons.join('; ')}` } : ownAutonomyCached(r);
  });

  const analysis: Analysis = {
    tier: (ref) => {
      const i = graph.indexOf(ref);
      return i < 0 || tierOf[i] < 0 ? 0 : (tierOf[i] as Tier);
    },
    tierReasons: (ref) => {
      const i = graph.indexOf(ref);
      const src = i < 0 ? -1 : tierSource[i];
      if (src < 0) return ['reaches no privilege the scanner knows of'];
      const p = graph.nodeAt(src);
      if (src === i) return [`is ${p.name}`];
      const via = tierVia[i];
      // A tier given only by routes with a conditional hop is still counted (latent capability),
      // but worded as nhi-path-to-crown-jewel words such a path: "may reach".
      const reaches = `${tierConditional[i] === 1 ? 'may reach' : 'reaches'} ${p.name} (T${p.tier ?? '?'})`;
      // A trust no token passes today opens only when something changes (an app re-enabled, the
      // policy edited): a "may reach", as the path rule calls such a trust latent.
      const trust = tierTrust.get(i);
      if (trust !== undefined) {
        const trusted = trust.from === graph.nodeAt(i).id ? 'it' : (graph.node(trust.from)?.name ?? trust.from);
        return [`may reach ${p.name} (T${p.tier ?? '?'}) only through a latent trust: ${graph.node(trust.to)?.name ?? trust.to} trusts ${trusted}, but no token passes today (${latentTrust(trust)})`];
      }
      if (via < 0) return [reaches];
      if (via === src) return [`${reaches}, which is disabled`];
      return [`${reaches} only through ${graph.nodeAt(via).name}, which is disabled`];
    },
    tierSource: (ref) => {
      const i = graph.indexOf(ref);
      const src = i < 0 ? -1 : tierSource[i];
      return src < 0 ? undefined : graph.nodeAt(src);
    },
    tierRoute: (ref) => {
      const i = graph.indexOf(ref);
      if (i < 0 || tierNext[i] < 0) return undefined;
      let length = 0;
      for (let cur = i; tierNext[cur] >= 0; cur = tierNext[cur]) length++;
      const { route } = walkRoute(graph, tierNext, tierNextEdge, i, length, false);
      if (route.omittedHops) wholes.set(route.hops, () => walkRoute(graph, tierNext, tierNextEdge, i, length, true).route.hops);
      return route;
    },
    wholeHops: (route) => {
      if (route.omittedHops === undefined) return route.hops;
      const whole = analysis.wholeHopsOf(route.hops);
      // Hops another analysis gave (or a copy of the list) have no walk here: they would be taken for the whole.
      if (whole === undefined) throw new Error('wholeHops: a route this analysis did not give');
      return whole;
    },
    wholeHopsOf: (hops) => wholes.get(hops)?.(),
    autonomy: (ref) => autonomyCached(ref).level,
    autonomyReason: (ref) => autonomyCached(ref).reason,
    ownAutonomy: (ref) => ownAutonomyCached(ref).level,
    ownAutonomyReason: (ref) => ownAutonomyCached(ref).reason,
    strength: (ref) => cached(strengthCache, ref, (r) => strengthOf(graph, r, opts.now)),
    firmCrownJewelPaths: (ref) => cached(firmCache, ref, (r) => pathsFrom(graph, sets, true, r, detourSpace, wholes)),
    crownJewelPaths: (ref) => cached(pathCache, ref, (r) => pathsFrom(graph, sets, false, r, detourSpace, wholes)),
    shownCrownJewelPaths: (ref) => {
      const shortest = analysis.crownJewelPaths(ref);
      const mayReach = (p: CrownJewelPath) => conditionalHopCount(p.hops, p.omittedHops) > 0;
      if (!shortest.some(mayReach)) return shortest;
      const firm = analysis.firmCrownJewelPaths(ref);
      return shortest.map((p) => (mayReach(p) ? (firm.find((f) => f.group === p.group) ?? p) : p));
    },
    owners: (ref) => {
      const i = graph.indexOf(ref);
      if (i < 0) return NO_ONE;
      let v = ownersCache[i];
      if (v === undefined) ownersCache[i] = v = ownersAt(graph, i);
      return v;
    },
    accountable: (ref) => {
      const i = graph.indexOf(ref);
      if (i < 0) return NO_ONE;
      let v = accountableCache[i];
      if (v === undefined) {
        const all = analysis.owners(ref);
        // Usually every owner is a person: the same frozen list, not a copy.
        accountableCache[i] = v = all.every((o) => o.note === undefined) ? all : Object.freeze(all.filter((o) => o.note === undefined));
      }
      return v;
    },
  };
  return analysis;
}

/**
 * Up to this many owners, a list is checked for one listed already by scanning it (ownersAt, and
 * ownersOf in the rule kit); past it, with a set.
 */
export const FEW_OWNERS = 16;

/** Nobody accountable: shared by every node without owners, sponsors or managers. */
const NO_ONE: readonly Owner[] = Object.freeze([]);

/**
 * Why an owner that is not a person answers for nothing. Only a person (a node of kind `human`)
 * can be held to account: a service-account user, a service principal, a role or a group has no
 * one behind it who reviews, rotates or offboards, so naming it as owner names nobody.
 */
function notAccountable(n: GraphNode): string {
  if (n.kind === 'group') return 'group, not accountable';
  if (n.machineReasons && n.machineReasons.length > 0) return 'service account, not accountable';
  if (n.type === 'entra-service-principal' || n.type === 'entra-application') return 'service principal, not accountable';
  return n.kind === 'identity' ? 'machine identity, not accountable' : 'not a person, not accountable';
}

/**
 * The owners, sponsors and managers of the node at index `i` (see {@link Analysis.owners}),
 * frozen: the analysis hands the same list to every caller (rules and the identity summary), so
 * none may change it.
 *
 * The chain through a machine owner is followed in one case only: an identity that acts as its
 * machine owner (an Okta API token, which works with its creator's rights and only while that
 * user is active) is that account's credential, so the people who answer for the account answer
 * for it too. Other ownership (a service principal owning an app) is not followed: the owning
 * workload's people answer for that workload, and nobody has taken on the owned one.
 */
function ownersAt(graph: Graph, i: number): readonly Owner[] {
  const out: Owner[] = [];
  // Whether `out` lists that owner already. The earlier entries are few: scanning them beats a
  // set of keys built per node. A long list (an app of 20,000 owners) gets the set once it
  // passes FEW_OWNERS, as the scan grows with the square of its length.
  let keys: Set<string> | undefined;
  const keyOf = (id: string, relation: string, via: string | undefined): string => JSON.stringify([relation, via ?? null, id]);
  const listed = (id: string, relation: string, via: string | undefined): boolean => {
    if (out.length <= FEW_OWNERS) return out.some((o) => o.id === id && o.relation === relation && o.via === via);
    keys ??= new Set(out.map((o) => keyOf(o.id, o.relation, o.via)));
    return keys.has(keyOf(id, relation, via));
  };
  const add = (o: Owner): void => {
    out.push(o);
    keys?.add(keyOf(o.id, o.relation, o.via));
  };
  // Each edge's source by its index (kept with the edge), not looked up by id.
  const { edges, from } = graph.inAt(i);
  let ownSponsor = false;
  for (let k = 0; k < edges.length; k++) {
    const e = edges[k];
    const relation = relationOf(e);
    if (relation === undefined) continue;
    const n = graph.nodeAt(from[k]);
    if (e.type === 'SPONSORS' && n && sponsorMayAnswer(n)) ownSponsor = true;
    // An owner of both the app registration and its service principal is one person.
    if (!n || listed(n.id, relation, undefined)) continue;
    const entry: Owner = { id: n.id, name: n.name, relation };
    if (n.enabled !== undefined) entry.enabled = n.enabled;
    if (n.kind === 'human') {
      add(entry);
      continue;
    }
    entry.note = notAccountable(n);
    add(entry);
    // Machine owners are rare: asking for the subject's outgoing edges only then costs nothing.
    if (n.kind !== 'identity' || !graph.out(graph.nodeAt(i), 'ACTS_AS').some((a) => a.to === n.id)) continue;
    const behind = graph.inAt(from[k]);
    for (let j = 0; j < behind.edges.length; j++) {
      const r = relationOf(behind.edges[j]);
      const p = graph.nodeAt(behind.from[j]);
      if (r === undefined || !p || p.kind !== 'human' || p.id === graph.nodeAt(i).id) continue;
      if (listed(p.id, r, n.name)) continue;
      const inherited: Owner = { id: p.id, name: p.name, relation: r };
      if (p.enabled !== undefined) inherited.enabled = p.enabled;
      inherited.via = n.name;
      add(inherited);
    }
  }
  // An Entra agent identity with no sponsor of its own that may answer: the sponsors of its
  // blueprint, accountable for the lifecycle of the agents created from it, answer for it
  // (entra-agent-no-sponsor reports the missing own sponsor, at medium when they do).
  const subject = graph.nodeAt(i);
  if (!ownSponsor && subject.attrs.agentKind === 'agent-identity' && subject.provider === 'entra') {
    const blueprint = agentBlueprintOf(graph, subject);
    if (blueprint) {
      const via = `blueprint ${blueprint.name}`;
      for (const p of graph.sources(blueprint, 'SPONSORS')) {
        if (p.id === subject.id || listed(p.id, 'sponsors', via)) continue;
        const inherited: Owner = { id: p.id, name: p.name, relation: 'sponsors', via };
        if (p.enabled !== undefined) inherited.enabled = p.enabled;
        if (p.kind !== 'human') inherited.note = notAccountable(p);
        add(inherited);
      }
    }
  }
  return out.length === 0 ? NO_ONE : Object.freeze(out);
}

function relationOf(e: GraphEdge): string | undefined {
  return e.type === 'OWNS' ? 'owns' : e.type === 'SPONSORS' ? 'sponsors' : e.type === 'MANAGES' ? 'manages' : undefined;
}

/** The key of a group of crown jewels (`aws|admin`): the provider and the kind of jewel. */
export function jewelGroup(provider: string, cls: CrownJewelClass): string {
  return `${provider}|${cls}`;
}

/**
 * Incoming edges as the crown-jewel search reads them, in flat arrays by node index: the edges of
 * node `u` are positions `start[u]` to `start[u + 1] - 1`, in the order of {@link Graph.inAt},
 * each with its source's index (`from`) and what the search asks of it (`flags`: {@link FOLLOWS},
 * {@link CONDITIONAL}, {@link HIDDEN}). A node's part is filled the first time a search reads it
 * (`ready`), and serves every (provider, class) group and both sets of groups after that: each
 * search asked the edge objects and their target whether a path may follow them every time it
 * read them, and those objects lie scattered over the heap.
 */
interface FollowIndex {
  start: Int32Array;
  from: Int32Array;
  flags: Uint8Array;
  ready: Uint8Array;
}

/** A path may follow the edge into its target ({@link controlEdge} and {@link pathFollows}). */
const FOLLOWS = 1;
/** The edge holds only under a condition (`conditional`). */
const CONDITIONAL = 2;
/** The edge is invisible to access reviews (`hidden`). */
const HIDDEN = 4;

function followIndex(graph: Graph): FollowIndex {
  const n = graph.size;
  const start = new Int32Array(n + 1);
  for (let u = 0; u < n; u++) start[u + 1] = start[u] + graph.inAt(u).edges.length;
  return { start, from: new Int32Array(start[n]), flags: new Uint8Array(start[n]), ready: new Uint8Array(n) };
}

/** Fills node `u`'s part of the index (see {@link FollowIndex}). */
function readIncoming(graph: Graph, index: FollowIndex, u: number): void {
  const { from, flags } = index;
  const target = graph.nodeAt(u);
  const { edges, from: sources } = graph.inAt(u);
  for (let k = 0, at = index.start[u]; k < edges.length; k++, at++) {
    const e = edges[k];
    from[at] = sources[k];
    flags[at] = (controlEdge(e) && pathFollows(e, target) ? FOLLOWS : 0) | (e.conditional ? CONDITIONAL : 0) | (e.hidden ? HIDDEN : 0);
  }
  index.ready[u] = 1;
}

/**
 * The crown-jewel groups, in key order, and which of them each node reaches (`reach`: by node
 * index, the indexes of the groups at distance 1 or more, ascending; undefined for none), so a
 * path query touches only those instead of testing every (provider, class) group. The lists are
 * filled as each group's search finds its nodes: a pass over every node for each group read
 * 1.8 million distances on the 100k estate, most of them -1.
 */
function buildJewelGroups(graph: Graph, inEdges: FollowIndex, privileges: readonly GraphNode[], firmOnly = false): { groups: JewelGroup[]; reach: (number[] | undefined)[] } {
  const bySeedKey = new Map<string, { cls: CrownJewelClass; seeds: number[] }>();
  for (const p of privileges) {
    if (!p.crownJewel) continue;
    // One group per provider and class, not per scope: an estate of many AWS accounts whose roles
    // trust each other would otherwise give every identity a path to every account (quadratic
    // in the number of accounts). Each identity gets the nearest jewel of each class instead.
    const key = jewelGroup(p.provider, p.crownJewel);
    const g = bySeedKey.get(key) ?? { cls: p.crownJewel, seeds: [] };
    g.seeds.push(graph.indexOf(p));
    bySeedKey.set(key, g);
  }
  // The search works on node indexes, with arrays the groups share: per node, the hidden and
  // undecided hops of its route and, while it is a candidate of the next layer, the best edge
  // found so far (its position among the in-edges of the node it leads to) and that node.
  // `round` tells this layer's candidates from older ones. Each group keeps its own distances.
  const n = graph.size;
  const { start, from, flags, ready } = inEdges;
  const hidden = new Int32Array(n);
  const conditional = new Int32Array(n);
  const via = new Int32Array(n);
  const round = new Int32Array(n);
  const bestAt = new Int32Array(n);
  let rounds = 0;
  const groups: JewelGroup[] = [];
  const reach: (number[] | undefined)[] = new Array(n).fill(undefined);
  for (const key of [...bySeedKey.keys()].sort()) {
    const { cls, seeds } = bySeedKey.get(key)!;
    const dist = new Int32Array(n).fill(-1);
    const nextNode = new Int32Array(n).fill(-1);
    const nextEdge = new Int32Array(n).fill(-1);
    let layer = seeds;
    for (const s of layer) {
      dist[s] = 0;
      hidden[s] = 0;
      conditional[s] = 0;
    }
    let d = 0;
    while (layer.length > 0) {
      const r = ++rounds;
      const found: number[] = [];
      for (const u of layer) {
        const hu = hidden[u];
        const cu = conditional[u];
        if (ready[u] === 0) readIncoming(graph, inEdges, u);
        const first = start[u];
        for (let at = first, end = start[u + 1]; at < end; at++) {
          const v = from[at];
          const f = flags[at];
          // groupFollows, from the flags.
          if (dist[v] >= 0 || (f & FOLLOWS) === 0 || (firmOnly && (f & CONDITIONAL) !== 0)) continue;
          const h = hu + ((f & HIDDEN) !== 0 ? 1 : 0);
          const c = cu + ((f & CONDITIONAL) !== 0 ? 1 : 0);
          // Undecided conditions on the chosen route: among shortest routes, the fewest wins (a
          // route that surely holds is the claim to make), then the most hidden hops, then the
          // route through the node of the lowest id (within one node, its first edge).
          if (round[v] !== r) {
            round[v] = r;
            found.push(v);
          } else if (!(c < conditional[v] || (c === conditional[v] && (h > hidden[v] || (h === hidden[v] && u !== via[v] && graph.nodeAt(u).id < graph.nodeAt(via[v]).id))))) {
            continue;
          }
          bestAt[v] = at - first;
          via[v] = u;
          hidden[v] = h;
          conditional[v] = c;
        }
      }
      d++;
      // This group's index, after those of every group built before it: each list stays ascending.
      const index = groups.length;
      for (const v of found) {
        dist[v] = d;
        nextNode[v] = via[v];
        nextEdge[v] = bestAt[v];
        const list = reach[v];
        if (list) list.push(index);
        else reach[v] = [index];
      }
      layer = found;
    }
    groups.push({ key, cls, dist, nextNode, nextEdge, firmOnly });
  }
  return { groups, reach };
}

/**
 * The paths from the graph's node `ref` into the groups it reaches (see buildJewelGroups): groups of
 * `sets.full` or, with `firm`, of the firm ones. Both sets hold the same keys in the same order
 * (buildJewelGroups), so a group's index names it in either.
 */
function pathsFrom(graph: Graph, sets: JewelSets, firm: boolean, ref: NodeRef, detours: () => Detours, wholes: WeakMap<readonly PathHop[], () => PathHop[]>): CrownJewelPath[] {
  const out: CrownJewelPath[] = [];
  const { groups, reach } = firm ? sets.firm() : sets.full;
  const at = graph.indexOf(ref);
  const reached = at < 0 ? undefined : reach[at];
  if (reached === undefined) return out;
  // The subject's control edges that a path may follow, by the index of their targets: the same
  // for every group, so worked out once instead of once per group. `firmFirst` marks those with
  // an edge that holds without a condition.
  let first: number[] | undefined;
  let firmFirst: boolean[] | undefined;
  for (let i = 0; i < reached.length; i++) {
    const g = groups[reached[i]];
    const d = g.dist[at];
    if (d <= 0) continue;
    // Each step lowers the distance by one, so the walk ends at a jewel after exactly d hops.
    const { route, hidden, crosses, target } = walkRoute(graph, g.nextNode, g.nextEdge, at, d, false);
    if (first === undefined || firmFirst === undefined) {
      first = [];
      firmFirst = [];
      const { edges, to } = graph.outAt(at);
      for (let k = 0; k < edges.length; k++) {
        if (!controlEdge(edges[k]) || !pathFollows(edges[k], graph.nodeAt(to[k]))) continue;
        first.push(to[k]);
        firmFirst.push(!edges[k].conditional);
      }
    }
    // Every other route, firm or not, as the whole group counts them. A path that holds without
    // a condition counts apart the other routes that do too: "revoke this hop and N others still
    // reach it" is about what surely remains after the cut, and a route that needs a condition
    // (a claim, a delegated grant, a shared SAML provider) is only a possibility.
    const all = nextHops(graph, sets.full.groups[reached[i]], at, first, undefined, detours);
    const path: CrownJewelPath = {
      group: g.key,
      target: target.id,
      targetName: target.name,
      crownJewel: g.cls,
      hops: route.hops,
      // Only on a long path, so that every other path is written as it always was.
      ...(route.omittedHops ? { omittedHops: route.omittedHops } : {}),
      hiddenHops: hidden,
      alternatives: Math.max(0, all.size - 1),
      crossesProviders: crosses,
    };
    if (route.omittedHops) wholes.set(path.hops, () => walkRoute(graph, g.nextNode, g.nextEdge, at, d, true).route.hops);
    // With one next identity (the path's own) there is no other route to sort.
    if (all.size > 1 && conditionalHopCount(route.hops, route.omittedHops) === 0) {
      const sure = nextHops(graph, sets.firm().groups[reached[i]], at, first, firmFirst, detours);
      let conditional = 0;
      for (const x of all) if (!sure.has(x)) conditional++;
      path.alternatives = Math.max(0, sure.size - 1);
      if (conditional > 0) path.conditionalAlternatives = conditional;
    }
    out.push(path);
  }
  return out;
}

/**
 * The distinct next identities of the node at index `at` (among `first`, its control edges'
 * targets) that lead into group `g`: two edges to the same one (a role held and also escalated
 * to) are one route. One whose every route passes back through the subject (or the subject
 * itself, along an edge to itself) gives no route of its own. With `firm` (by position in
 * `first`), only the edges it marks count.
 */
function nextHops(graph: Graph, g: JewelGroup, at: number, first: readonly number[], firm: readonly boolean[] | undefined, detours: () => Detours): Set<number> {
  const out = new Set<number>();
  const d = g.dist[at];
  let search = 0;
  for (let k = 0; k < first.length; k++) {
    const x = first[k];
    if ((firm !== undefined && !firm[k]) || g.dist[x] < 0 || out.has(x) || x === at) continue;
    if (g.dist[x] > d) {
      const scratch = detours();
      if (search === 0) search = ++scratch.search;
      if (!reachesAvoiding(graph, g, x, at, scratch, search)) continue;
    }
    out.add(x);
  }
  return out;
}

/** Whether a group's routes follow `e` into its target (`target`). */
function groupFollows(e: GraphEdge, target: GraphNode, firmOnly: boolean): boolean {
  return controlEdge(e) && !(firmOnly && e.conditional) && pathFollows(e, target);
}

/**
 * Whether the node at index `x` has a route into group `g` that does not pass the node at index
 * `s`, for an `x` further from the group than `s` (one no further has: a route through s is
 * longer than s's own). A search forward from x that never enters s, ending at the first node
 * whose kept route (nextNode) reaches the distance of s somewhere other than at s. Every node the
 * search goes on from has its kept route through s, so it stays in the part of the tree of kept
 * routes that hangs from s, and each node is in as many such parts as its route has hops.
 * `search` numbers the questions about one s: the nodes a search found with no way round are
 * left marked with it, so another next identity of s does not search them again.
 */
function reachesAvoiding(graph: Graph, g: JewelGroup, x: number, s: number, scratch: Detours, search: number): boolean {
  const { dist, nextNode } = g;
  const ds = dist[s];
  let cur = x;
  for (let step = dist[x] - ds; step > 0; step--) cur = nextNode[cur];
  if (cur !== s) return true;
  const { seen, queue } = scratch;
  if (seen[x] === search) return false;
  seen[s] = search;
  seen[x] = search;
  queue[0] = x;
  let tail = 1;
  for (let head = 0; head < tail; head++) {
    const { edges, to } = graph.outAt(queue[head]);
    for (let k = 0; k < edges.length; k++) {
      const w = to[k];
      if (seen[w] === search || dist[w] < 0 || !groupFollows(edges[k], graph.nodeAt(w), g.firmOnly)) continue;
      // Judged when found, so a node with many next hops is left at the first good one.
      cur = w;
      for (let step = dist[w] - ds; step > 0; step--) cur = nextNode[cur];
      if (cur !== s) {
        // What this search saw may still lead round s: only a search that found nothing marks.
        for (let i = 0; i < tail; i++) seen[queue[i]] = 0;
        return true;
      }
      seen[w] = search;
      queue[tail++] = w;
    }
  }
  return false;
}

/**
 * The route of `length` hops from the node at index `at` along `nextNode` and `nextEdge` (by node
 * index: the next node on the route, and the edge to it as its position among that node's
 * incoming edges, {@link Graph.inAt}): its hops as its evidence lists them (ShownHops; with
 * `whole`, every one), how many of all its hops are hidden, whether their ends belong to more
 * than one provider, and the node it ends at. Every hop is walked, for the counts, but only the
 * listed ones are made into hop objects: a path of N hops costs N array reads and a bounded
 * evidence, where it cost N objects held by the report (a chain of N roles, N x N). The reads
 * stay: the roles of a chain of N read N x N / 2 edges in all, as reachesAvoiding does, which
 * is 8 million at N = 4,000 and nothing on an estate whose paths are a few hops long.
 */
function walkRoute(graph: Graph, nextNode: Int32Array, nextEdge: Int32Array, at: number, length: number, whole: boolean): { route: ShownHops; hidden: number; crosses: boolean; target: GraphNode } {
  const hops: PathHop[] = [];
  const long = !whole && length > PATH_HEAD_HOPS + PATH_TAIL_HOPS;
  let omitted = 0;
  let omittedConditional = 0;
  let hidden = 0;
  // Whether the hops' ends belong to more than one provider (external ends and unknown nodes
  // do not count). Each hop starts where the one before it ended, so the ends are the hops'
  // sources and the last hop's target.
  let seen: string | undefined;
  let crosses = false;
  // The walk goes by node index: each hop's edge is found among the in-edges of the node it
  // leads to, and its ends are nodes of the graph (no lookup by id).
  let cur = at;
  let from = graph.nodeAt(at);
  let target = from;
  for (let k = 0; k < length; k++) {
    const to = nextNode[cur];
    if (to < 0) break;
    const e = graph.inAt(to).edges[nextEdge[cur]];
    target = graph.nodeAt(to);
    if (e.hidden === true) hidden++;
    if (!long || k < PATH_HEAD_HOPS || k >= length - PATH_TAIL_HOPS) hops.push(hopOf(e, from, target));
    else {
      omitted++;
      if (e.conditional === true) omittedConditional++;
    }
    for (let j = 0; j < 2 && !crosses; j++) {
      const provider = (j === 0 ? from : target).provider;
      if (provider === 'external') continue;
      if (seen === undefined) seen = provider;
      else if (provider !== seen) crosses = true;
    }
    cur = to;
    from = target;
  }
  const route: ShownHops = { hops };
  if (omitted > 0) route.omittedHops = { count: omitted, after: PATH_HEAD_HOPS, conditional: omittedConditional };
  return { route, hidden, crosses, target };
}

export function toHop(graph: Graph, e: GraphEdge): PathHop {
  return hopOf(e, graph.node(e.from), graph.node(e.to));
}

/** {@link toHop} with the edge's ends already looked up (undefined: not in the graph). */
function hopOf(e: GraphEdge, from: GraphNode | undefined, to: GraphNode | undefined): PathHop {
  return {
    from: e.from,
    fromName: from?.name ?? e.from,
    to: e.to,
    toName: to?.name ?? e.to,
    type: e.type,
    reason: e.reason,
    hidden: e.hidden === true,
    conditional: e.conditional === true,
    provider: from?.provider ?? 'external',
    ...(typeof e.evidence?.method === 'string' ? { method: e.evidence.method } : {}),
    ...(e.type === 'FEDERATES_TO' ? federationMatch(e, from) : {}),
  };
}

const SUBJECT_MATCHES: ReadonlySet<unknown> = new Set(['exact', 'wildcard', 'missing']);

/**
 * The subject match of a federation edge, as the linker reads it (src/connectors/link.ts): each
 * trust states its own on its edge (the issuer node is shared by every trust naming the same issuer
 * and subject, and keeps the first one's); the node's only for an edge that states none. Nothing
 * when neither states one.
 */
function federationMatch(e: GraphEdge, from: GraphNode | undefined): { subjectMatch?: NonNullable<PathHop['subjectMatch']> } {
  const m = SUBJECT_MATCHES.has(e.evidence?.subjectMatch) ? e.evidence!.subjectMatch : from?.attrs.subjectMatch;
  return SUBJECT_MATCHES.has(m) ? { subjectMatch: m as NonNullable<PathHop['subjectMatch']> } : {};
}

/** The strength class of one credential; an identity's strength is that of its weakest active one. */
export function credentialClass(c: GraphNode): StrengthClass {
  const t = c.credentialType ?? '';
  // Any trust that does not pin the subject (OIDC sub, certificate subject) admits every token
  // or certificate of its issuer: as weak as a shared secret.
  if (c.federation && c.federation.subjectMatch !== 'exact') return 'shared-secret';
  if (SHARED.has(t)) return 'shared-secret';
  if (KEYED.has(t)) return 'private-key';
  if (t === 'federated-oidc' || t === 'federated-saml') return 'federated';
  if (t === 'managed') return 'federated';
  return 'none';
}

/**
 * How a trust matches its subject, in words. `wildcard` covers every subject that admits more than
 * one workload; only a subject with a `*` in it is called a wildcard (a GitHub
 * `repo:org/app:pull_request` subject has none, yet admits every pull-request workflow).
 */
function subjectNote(f: NonNullable<GraphNode['federation']>): string {
  if (f.subject === undefined || f.subjectMatch === 'missing') return f.subjectMatch === 'missing' ? 'no subject condition: every identity the issuer vouches for' : `${f.subjectMatch} subject`;
  if (f.subjectMatch === 'wildcard' && !f.subject.includes('*')) return `broad subject ${f.subject}`;
  return `${f.subjectMatch} subject ${f.subject}`;
}

/** How strength evidence names a credential: type, name and, for a trust, how it matches the subject. */
export function credentialEvidence(c: GraphNode): string {
  return `${credentialLabel(c.credentialType, c.name)}${c.federation ? ` (${subjectNote(c.federation)})` : ''}`;
}

function strengthOf(graph: Graph, ref: NodeRef, now: Date): StrengthResult {
  let cls: StrengthClass | undefined;
  const evidence: string[] = [];
  let longLived = false;
  for (const c of graph.targets(ref, 'HAS_CREDENTIAL')) {
    if (c.status === 'inactive' || c.status === 'expired') continue;
    if (c.expiresAt && parseDate(c.expiresAt) <= now.getTime()) continue;
    // Not valid yet (an Entra start date in the future): it cannot sign in now. Same test as
    // isActiveCredential in rule-kit.
    if (c.createdAt && parseDate(c.createdAt) > now.getTime()) continue;
    const k = credentialClass(c);
    evidence.push(credentialEvidence(c));
    if (cls === undefined || STRENGTH_RANK[k] < STRENGTH_RANK[cls]) cls = k;
    // Trust-based credentials (role trust, federation) hand out sessions that expire within
    // hours; the trust itself has no expiry but is not a long-lived secret.
    const sessionBased = c.attrs.sessionSeconds !== undefined;
    if (!sessionBased && (k === 'shared-secret' || k === 'private-key')) {
      const start = c.createdAt ? parseDate(c.createdAt) : undefined;
      const end = c.expiresAt ? parseDate(c.expiresAt) : undefined;
      if (c.expiresAt === null || (start !== undefined && end !== undefined && end - start > LONG_LIVED_DAYS * 86_400_000)) {
        longLived = true;
      } else if (end === undefined && start !== undefined && now.getTime() - start > LONG_LIVED_DAYS * 86_400_000) {
        longLived = true;
      }
    }
  }
  sortTexts(evidence);
  return { class: cls ?? 'none', evidence, longLived };
}

/** A GRANTED edge to an Entra app role its resource disabled (isEnabled false): in no token today. */
function disabledAppRoleGrant(graph: Graph, e: GraphEdge): boolean {
  if (e.type !== 'GRANTED') return false;
  const t = graph.node(e.to);
  return t?.type === 'entra-app-role' && t.enabled === false;
}

/**
 * How independently an identity acts by what it holds, whether or not it is recognised as an AI
 * agent (autonomy() calls every agent autonomous-agent; this is what its grants show: an agent
 * with only delegated grants acts for a signed-in user, human-triggered).
 * `reaches`: whether a node reaches a privilege of tier 1 or more (the tier pass has run).
 * An Entra app role the resource disabled (isEnabled false, in no token today) is left out, as if
 * not held.
 */
function ownAutonomyOf(graph: Graph, ref: NodeRef, reaches: (id: string) => boolean): { level: Autonomy; reason: string } {
  const n = graph.node(ref);
  // A privilege (an Okta app that signs people in to AWS, a role, a scope) does nothing by itself:
  // whoever holds it or signs in through it acts. What it reaches is what it grants them.
  if (n?.kind === 'privilege') return { level: 'human-triggered', reason: 'a privilege, not an identity: used only by whoever holds it or signs in through it' };
  const all = graph.out(ref);
  // Most identities hold no disabled app role: their own edge list, not a copy.
  const outs = all.some((e) => disabledAppRoleGrant(graph, e)) ? all.filter((e) => !disabledAppRoleGrant(graph, e)) : all;
  const appOnly = outs.some((e) => e.type === 'GRANTED' || e.type === 'HAS_ROLE' || e.type === 'CAN_ASSUME');
  // Power held through another object is the identity's own too: a group it is a member of (one
  // holding Global Administrator), an identity it can take over or acts as. Such an edge counts
  // when its target reaches a privilege; a membership of a group that holds nothing does not.
  const indirect = appOnly ? undefined : outs.find((e) => e.type !== 'DELEGATED_GRANT' && controlEdge(e) && reaches(e.to));
  const delegatedOnly = !appOnly && !indirect && outs.some((e) => e.type === 'DELEGATED_GRANT');
  if (delegatedOnly) return { level: 'human-triggered', reason: 'acts only through delegated grants for signed-in users' };
  if (n?.type === 'aws-root-user') {
    // The account owner's login, for the few tasks that need it: a person signs in to it with its
    // password and MFA. An access key on it is automation using that login.
    if (typeof n.attrs.activeAccessKeys === 'number' && n.attrs.activeAccessKeys > 0) return { level: 'scheduled', reason: 'root user with an active access key (programmatic use of the root login)' };
    // Whether that sign-in needs MFA is in the same report row: said here, where the card shows it.
    const mfa = n.attrs.mfaActive === true ? ', MFA on' : n.attrs.mfaActive === false ? ', NO MFA' : '';
    return { level: 'human-triggered', reason: `root user: a person's break-glass sign-in${mfa}, not an automation` };
  }
  if (n?.type === 'okta-api-token' || n?.type === 'aws-iam-user' || n?.machineReasons) {
    // An IAM user's keys and password are in its credential report row: without the row (or the
    // report) it is automation by what classified it, but what it signs in with was not read.
    if (n.type === 'aws-iam-user' && n.attrs.credentialReportRow === false) {
      const why = n.attrs.credentialReportUnread === true ? 'the credential report of its account was not read' : 'the user has no row in the credential report';
      return { level: 'scheduled', reason: `automation; whether it holds a standing credential is not known: ${why}` };
    }
    return { level: 'scheduled', reason: 'automation holding a standing credential' };
  }
  if (indirect) {
    const via = indirect.type === 'MEMBER_OF' ? 'member of' : indirect.type === 'ACTS_AS' ? 'acts as' : indirect.type === 'CAN_ESCALATE_TO' ? 'can take over' : indirect.type;
    return { level: 'scheduled', reason: `holds power of its own without a signed-in user (${via} ${graph.node(indirect.to)?.name ?? indirect.to})` };
  }
  return { level: 'scheduled', reason: appOnly ? 'holds app-only permissions or roles' : 'automation identity' };
}
