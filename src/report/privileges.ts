import type { Graph } from '../graph/graph.js';
import type { GraphEdge, GraphNode } from '../graph/model.js';
import { flowsInto, latentTrust } from '../analysis/analyze.js';

/**
 * One thing an identity holds, as the explain card lists it and the recert sheet names it: the
 * target of one of its out-edges (a role, an app permission, a scope, a capability, a trust).
 * `conditional` is set (true) only on an edge that holds under a condition the scanner could not
 * decide or that turns it away today; `latent` (true) only on a trust no token passes today (its
 * audience apps disabled, or no token meeting its aud condition), which opens only when something
 * changes; `reason` says which. `targetDisabled` (true) only on an edge into a disabled object that
 * the analysis does not follow today (anything but an escalation, which can re-enable it).
 * `signsInOthers` (true) only on an Entra app's edge to an AWS SAML provider its app roles name:
 * the app issues the assertions its assignees sign in with, and holds nothing there itself (the
 * analysis gives it no tier or path through it). `group` (recert sheet only): the group it is held
 * through, for a grant of a group the identity is a member of.
 */
export interface Privilege {
  name: string;
  via: string;
  tier?: number;
  hidden: boolean;
  reason: string;
  conditional?: true;
  latent?: true;
  targetDisabled?: true;
  signsInOthers?: true;
  group?: string;
}

/** Edges that are no privilege of their source: what it holds to prove itself, what it owns, who made it. */
const NOT_HELD: ReadonlySet<string> = new Set(['HAS_CREDENTIAL', 'OWNS', 'CREATED_BY']);

/** The privilege out-edge `e` (into `t`) gives its source, or undefined for an edge that gives none. */
export function privilegeOf(e: GraphEdge, t: GraphNode): Privilege | undefined {
  if (NOT_HELD.has(e.type)) return undefined;
  const p: Privilege = { name: t.name, via: e.type, hidden: e.hidden === true, reason: e.reason };
  if (t.tier !== undefined) p.tier = t.tier;
  // A trust no token passes today (dormant or dead) is a latent hop, as the tier reason calls it,
  // not a firm entry beside it; its reason says why after "but".
  if (latentTrust(e) !== undefined) p.latent = true;
  else if (e.conditional) p.conditional = true;
  // Nothing passes into a disabled object until it is re-enabled, as the tier reason says
  // ("which is disabled"); an escalation still gives its rights: it can reactivate or reset it.
  // The analysis' own test, so the card and the sheet cannot drift from the paths and tiers.
  if (!flowsInto(e, t)) p.targetDisabled = true;
  if (e.evidence?.assertionIssuer === true) p.signsInOthers = true;
  return p;
}

/**
 * The order of the card and the sheet: highest tier first (an entry without one counts as T0),
 * then by name; the edge type and the group only break ties, so the order is total.
 */
export function comparePrivileges(a: Privilege, b: Privilege): number {
  return (b.tier ?? 0) - (a.tier ?? 0) || textOrder(a.name, b.name) || textOrder(a.via, b.via) || textOrder(a.group ?? '', b.group ?? '');
}

const textOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** How many privileges an identity's summary keeps, most powerful first: the recert sheet names that many. */
export const PRIVILEGES_KEPT = 10;

/**
 * The first PRIVILEGES_KEPT of an identity's privileges in comparePrivileges order, and how many
 * it has in all: a role with thousands of grants keeps ten small objects, not thousands.
 */
export interface HeldPrivileges {
  top: Privilege[];
  total: number;
  /**
   * What was not read of the data that names them (a capability feeding the tier, an unread group
   * the identity may be in), as a gap clause, when some was: the list may be short. Asked whatever
   * the tier: a T4 tier is exact, but a T4 identity's list can still miss grants.
   */
  notRead?: string;
}

/** Adds `p` to `held`, keeping its top list sorted and at most PRIVILEGES_KEPT long (an insertion into ten). */
function keep(held: HeldPrivileges, p: Privilege): void {
  held.total++;
  const top = held.top;
  if (top.length === PRIVILEGES_KEPT && comparePrivileges(p, top[top.length - 1]) >= 0) return;
  let i = top.length;
  while (i > 0 && comparePrivileges(p, top[i - 1]) < 0) i--;
  top.splice(i, 0, p);
  if (top.length > PRIVILEGES_KEPT) top.pop();
}

/**
 * The IAM policies of an AWS principal or group, by name (`attrs.policies`: the attached ones, then
 * the inline ones marked ` (inline)`, as the AWS transform records them), via `POLICY` or
 * `INLINE_POLICY`. The grants the scan derives from them are the capability edges; a reviewer
 * recertifies the policies themselves, which IAM names (AdministratorAccess): they carry no tier
 * of their own. Empty for any other node.
 */
export function policyPrivileges(n: GraphNode): Privilege[] {
  const policies = n.provider === 'aws' ? n.attrs.policies : undefined;
  if (!Array.isArray(policies)) return [];
  const out: Privilege[] = [];
  for (const x of policies) {
    if (typeof x !== 'string') continue;
    const inline = x.endsWith(INLINE);
    const name = inline ? x.slice(0, -INLINE.length) : x;
    out.push({ name, via: inline ? 'INLINE_POLICY' : 'POLICY', hidden: false, reason: `${name} is ${inline ? 'an inline policy of' : 'attached to'} ${n.name}` });
  }
  return out;
}

const INLINE = ' (inline)';

/**
 * The privileges a node holds itself: by its out-edges (one pass over them), and its IAM policies.
 * `at` is the node's index in the graph (-1: not in it), for a caller that has it already.
 */
function ownPrivileges(graph: Graph, n: GraphNode, at = graph.indexOf(n)): HeldPrivileges {
  const held: HeldPrivileges = { top: [], total: 0 };
  // Each edge's target by its index, not looked up by id: a hash lookup per edge of every identity
  // was most of this function (about 1.4 s of a loaded 100k pipeline profile).
  if (at >= 0) {
    const { edges, to } = graph.outAt(at);
    for (let k = 0; k < edges.length; k++) {
      const p = privilegeOf(edges[k], graph.nodeAt(to[k]));
      if (p) keep(held, p);
    }
  }
  for (const p of policyPrivileges(n)) keep(held, p);
  return held;
}

// Each group's own privileges, once per graph: a group with many members is read once, not per member.
const groupCache = new WeakMap<Graph, Map<string, HeldPrivileges>>();

/**
 * What an identity holds: its own privileges (the explain card's list, and an AWS principal's IAM
 * policies) and those of each group it is a member of (one level: Entra role-assignable groups,
 * Okta groups and IAM groups do not nest), each marked with the group. One pass over the
 * identity's out-edges, and one over each group's the first time it is met; merging a group's
 * kept list costs at most PRIVILEGES_KEPT insertions, however many grants it has.
 */
export function heldPrivileges(graph: Graph, n: GraphNode): HeldPrivileges {
  const at = graph.indexOf(n);
  const held = ownPrivileges(graph, n, at);
  if (at < 0) return held;
  let groups = groupCache.get(graph);
  const { edges, to } = graph.outAt(at);
  for (let k = 0; k < edges.length; k++) {
    if (edges[k].type !== 'MEMBER_OF') continue;
    const t = graph.nodeAt(to[k]);
    if (t.kind !== 'group') continue;
    if (groups === undefined) groupCache.set(graph, (groups = new Map()));
    let of = groups.get(t.id);
    if (of === undefined) groups.set(t.id, (of = ownPrivileges(graph, t)));
    for (const g of of.top) keep(held, { ...g, group: t.name });
    // The ones the group's list left out count too, whether or not they would have been kept.
    held.total += of.total - of.top.length;
  }
  return held;
}
