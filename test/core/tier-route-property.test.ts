import { describe, expect, it } from 'vitest';
import { analyze, CONTROL_EDGES } from '../../src/analysis/analyze.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import type { EdgeType, GraphEdge, GraphNode } from '../../src/graph/model.js';
import { edge, graphOf, node } from '../helpers/graph.js';

const opts = { now: new Date('2026-11-20T00:00:00Z'), config: DEFAULT_CONFIG };

/** A deterministic pseudo-random generator (the same graphs on every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * The kinds of route the tier reason tells apart. A route is firm when none of its hops is
 * conditional, and open when every hop may be followed today: into an enabled object (or an
 * escalation, which can change a disabled one), and not along a latent trust.
 */
type RouteKind = { firm: boolean; open: boolean };
const KINDS: Record<'firmOpen' | 'open' | 'firm' | 'any', RouteKind> = {
  firmOpen: { firm: true, open: true },
  open: { firm: false, open: true },
  firm: { firm: true, open: false },
  any: { firm: false, open: false },
};

/** A trust no token passes today: the link stage marks it dormant or dead. */
const latent = (e: GraphEdge): boolean => e.evidence?.dormant !== undefined || e.evidence?.dead !== undefined;

/**
 * The reference: from `from`, the nodes reached by routes of the kind asked, a plain forward
 * search over the edges, each hop checked on its own. Reflexive.
 */
function reachable(nodes: Map<string, GraphNode>, edges: readonly GraphEdge[], from: string, kind: RouteKind): Set<string> {
  const seen = new Set([from]);
  const todo = [from];
  while (todo.length > 0) {
    const cur = todo.pop()!;
    for (const e of edges) {
      if (e.from !== cur || seen.has(e.to) || !CONTROL_EDGES.has(e.type)) continue;
      if (kind.firm && e.conditional) continue;
      if (kind.open && ((nodes.get(e.to)!.enabled === false && e.type !== 'CAN_ESCALATE_TO') || latent(e))) continue;
      seen.add(e.to);
      todo.push(e.to);
    }
  }
  return seen;
}

const TYPES: EdgeType[] = ['GRANTED', 'HAS_ROLE', 'CAN_ASSUME', 'CAN_ESCALATE_TO', 'FEDERATES_TO', 'MEMBER_OF', 'OWNS'];

describe('tier reasons against a reference search (seeded random graphs)', () => {
  it('gives the tier of the best reachable privilege, and names one reached by the best kind of route there is', () => {
    const r = rng(18);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    let checked = 0;
    const seen = new Set<string>();
    let seenTrust = false;
    for (let round = 0; round < 6000; round++) {
      const ni = 2 + Math.floor(r() * 7);
      const np = 1 + Math.floor(r() * 3);
      const nodes: GraphNode[] = [];
      for (let k = 0; k < ni; k++) nodes.push(node(`n${k}`, { enabled: r() < 0.3 ? false : undefined }));
      for (let k = 0; k < np; k++) {
        nodes.push(node(`p${k}`, { kind: 'privilege', type: 'p', name: `P${k}`, tier: (1 + Math.floor(r() * 4)) as 1 | 2 | 3 | 4, enabled: r() < 0.2 ? false : undefined }));
      }
      // Identities point anywhere (cycles included); privileges now and then point on too.
      const drawn: GraphEdge[] = [];
      const ne = Math.floor(r() * (ni + np) * 2);
      for (let k = 0; k < ne; k++) {
        const from = r() < 0.9 ? pick(nodes.slice(0, ni)) : pick(nodes.slice(ni));
        const to = pick(nodes);
        if (from === to) continue;
        const conditional = r() < 0.35 ? true : undefined;
        // Now and then a trust no token passes today, marked as the link stage marks one.
        const t = r();
        const evidence = t < 0.1 ? { dormant: `${from.id} off` } : t < 0.15 ? { dead: `${from.id} barred` } : undefined;
        drawn.push(edge(from.id, to.id, pick(TYPES), { conditional, evidence }));
      }
      // The reference reads the edges the graph kept (it keeps one of two with the same reason).
      const g = graphOf(nodes, drawn);
      const edges = nodes.flatMap((x) => g.out(x.id));
      const a = analyze(g, opts);
      const byId = new Map(nodes.map((x) => [x.id, x]));
      const byName = new Map(nodes.map((x) => [x.name, x]));
      const tierOf = (id: string): number => byId.get(id)!.tier ?? 0;
      for (const v of nodes) {
        const all = reachable(byId, edges, v.id, KINDS.any);
        const tier = Math.max(0, ...[...all].filter((id) => byId.get(id)!.kind === 'privilege').map(tierOf));
        const where = `round ${round}, ${v.id}: ${JSON.stringify(nodes.filter((x) => x.kind === 'privilege' || x.enabled === false).map((x) => [x.id, x.tier ?? 0, x.enabled ?? true]))} ${JSON.stringify(edges.map((e) => [e.from, e.to, e.type, e.conditional ?? false, latent(e)]))}`;
        expect(a.tier(v.id), where).toBe(tier);
        const reasons = a.tierReasons(v.id);
        expect(reasons.length, where).toBe(1);
        const reason = reasons[0];
        if (tier === 0) {
          expect(reason, where).toBe('reaches no privilege the scanner knows of');
          continue;
        }
        if (v.kind === 'privilege' && tierOf(v.id) === tier) {
          expect(reason, where).toBe(`is ${v.name}`);
          continue;
        }
        // The first kind of route that reaches a privilege of the tier decides the wording.
        const order = ['firmOpen', 'open', 'firm', 'any'] as const;
        const hits = (kind: RouteKind): GraphNode[] => [...reachable(byId, edges, v.id, kind)].map((id) => byId.get(id)!).filter((x) => x.kind === 'privilege' && x.tier === tier);
        const best = order.find((k) => hits(KINDS[k]).length > 0)!;
        const kind = KINDS[best];
        const m = /^(reaches|may reach) (P\d) \(T(\d)\)(?:, which is disabled| only through ([nP]\d), which is disabled| only through a latent trust: ([nP]\d) trusts (it|[nP]\d), but no token passes today \((.*)\))?$/.exec(reason);
        expect(m, `${where}: ${reason}`).not.toBeNull();
        const [, verb, named, t, via, role, trusted, why] = m!;
        expect(Number(t), where).toBe(tier);
        // "reaches" only when a firm route passes no disabled object and no latent trust, or
        // passes a disabled object (and says so); a trust no token passes today is a "may reach".
        expect(verb, `${where}: ${reason} (${best})`).toBe(kind.firm && role === undefined ? 'reaches' : 'may reach');
        // A route that is not open names its latent hop: a disabled object or a latent trust.
        expect(reason.endsWith('which is disabled') || role !== undefined, `${where}: ${reason} (${best})`).toBe(!kind.open);
        // The privilege named is one of the tier that a route of that kind reaches.
        const target = hits(kind).find((x) => x.name === named);
        expect(target, `${where}: ${reason} (${best})`).toBeDefined();
        if (via !== undefined) {
          // The disabled object named lies on a route of that kind to the privilege named.
          const x = byName.get(via)!;
          expect(x.enabled, where).toBe(false);
          expect(reachable(byId, edges, v.id, { ...kind, open: false }).has(x.id), where).toBe(true);
          expect(reachable(byId, edges, x.id, { ...kind, open: false }).has(target!.id), where).toBe(true);
        } else if (role !== undefined) {
          // The latent trust named lies on a route of that kind to the privilege named.
          const truster = trusted === 'it' ? v : byName.get(trusted)!;
          const r2 = byName.get(role)!;
          const trust = edges.find((e) => e.from === truster.id && e.to === r2.id && latent(e) && CONTROL_EDGES.has(e.type) && !(kind.firm && e.conditional) && String(e.evidence!.dormant ?? e.evidence!.dead) === why);
          expect(trust, `${where}: ${reason} (${best})`).toBeDefined();
          expect(trusted === 'it' || truster.id !== v.id, where).toBe(true);
          expect(reachable(byId, edges, v.id, { ...kind, open: false }).has(truster.id), where).toBe(true);
          expect(reachable(byId, edges, r2.id, { ...kind, open: false }).has(target!.id), where).toBe(true);
          seenTrust = true;
        } else if (!kind.open) {
          expect(target!.enabled, where).toBe(false);
        }
        seen.add(best);
        checked++;
      }
    }
    // The graphs drawn exercise every kind of route.
    expect([...seen].sort()).toEqual(['any', 'firm', 'firmOpen', 'open']);
    expect(seenTrust).toBe(true);
    expect(checked).toBeGreaterThan(10000);
  });
});
