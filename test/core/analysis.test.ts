import { describe, it, expect } from 'vitest';
import { analyze } from '../../src/analysis/analyze.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { summarizeIdentity } from '../../src/scan.js';
import { graphOf, node, edge } from '../helpers/graph.js';

const now = new Date('2026-11-20T00:00:00Z');
const opts = { now, config: DEFAULT_CONFIG };

describe('analysis', () => {
  it('propagates the highest reachable tier backwards over control edges only', () => {
    const g = graphOf(
      [
        node('ext', { kind: 'external', provider: 'external', type: 'github-repo' }),
        node('role'),
        node('user', { type: 'aws-iam-user' }),
        node('owner', { kind: 'human', type: 'entra-user' }),
        node('admin', { kind: 'privilege', type: 'p', tier: 4, crownJewel: 'admin' }),
        node('read', { kind: 'privilege', type: 'p', tier: 1 }),
      ],
      [edge('ext', 'role', 'FEDERATES_TO'), edge('role', 'admin', 'GRANTED'), edge('user', 'read', 'GRANTED'), edge('owner', 'role', 'OWNS')],
    );
    const a = analyze(g, opts);
    expect(a.tier('role')).toBe(4);
    expect(a.tier('ext')).toBe(4);
    expect(a.tier('user')).toBe(1);
    // OWNS is accountability, not control.
    expect(a.tier('owner')).toBe(0);
    expect(a.accountable('role')).toEqual([{ id: 'owner', name: 'owner', relation: 'owns' }]);
  });

  it('hands every caller the same frozen list of accountable humans, in incoming-edge order', () => {
    const g = graphOf(
      [node('sp'), node('zed', { kind: 'human', type: 'entra-user', enabled: false }), node('amy', { kind: 'human', type: 'entra-user' })],
      [edge('zed', 'sp', 'OWNS'), edge('amy', 'sp', 'MANAGES'), edge('zed', 'sp', 'OWNS')],
    );
    const a = analyze(g, opts);
    const people = a.accountable('sp');
    expect(people).toEqual([
      { id: 'zed', name: 'zed', relation: 'owns', enabled: false },
      { id: 'amy', name: 'amy', relation: 'manages' },
    ]);
    // Rules and the identity summary share it: sorting it in place would reorder it for the others.
    expect(Object.isFrozen(people)).toBe(true);
    expect(a.accountable(g.node('sp')!)).toBe(people);
    expect(summarizeIdentity(g, a, 'sp', []).owners.map((o) => o.name)).toEqual(['amy', 'zed']);
    expect(a.accountable('sp').map((o) => o.name)).toEqual(['zed', 'amy']);
    expect(a.accountable('amy')).toEqual([]);
  });

  it('finds the shortest path to a crown jewel, preferring hidden hops among equals, and counts alternatives', () => {
    const g = graphOf(
      [
        node('a'),
        node('b1'),
        node('b2'),
        node('c'),
        node('far'),
        node('jewel', { kind: 'privilege', type: 'p', tier: 4, crownJewel: 'admin' }),
      ],
      [
        edge('a', 'b1', 'CAN_ASSUME'),
        edge('a', 'b2', 'CAN_ASSUME', { hidden: true }),
        edge('b1', 'jewel', 'GRANTED'),
        edge('b2', 'jewel', 'GRANTED'),
        edge('a', 'c', 'CAN_ASSUME'),
        edge('c', 'far', 'CAN_ASSUME'),
        edge('far', 'jewel', 'GRANTED'),
      ],
    );
    const [p] = analyze(g, opts).crownJewelPaths('a');
    expect(p.hops.map((h) => h.to)).toEqual(['b2', 'jewel']);
    expect(p.hiddenHops).toBe(1);
    expect(p.alternatives).toBe(2);
    expect(analyze(g, opts).crownJewelPaths('jewel')).toEqual([]);
  });

  it('among shortest routes, prefers one that holds without an undecided condition over a more hidden one', () => {
    const g = graphOf(
      [node('a'), node('b1'), node('b2'), node('jewel', { kind: 'privilege', type: 'p', tier: 4, crownJewel: 'admin' })],
      [
        edge('a', 'b1', 'CAN_ASSUME', { hidden: true, conditional: true }),
        edge('a', 'b2', 'CAN_ASSUME'),
        edge('b1', 'jewel', 'GRANTED', { hidden: true }),
        edge('b2', 'jewel', 'GRANTED'),
      ],
    );
    const [p] = analyze(g, opts).crownJewelPaths('a');
    expect(p.hops.map((h) => h.to)).toEqual(['b2', 'jewel']);
    expect(p.hops.some((h) => h.conditional)).toBe(false);
  });

  it('follows a long chain to its end: the reported target is always a crown jewel', () => {
    const n = 80;
    const nodes = [node('jewel', { kind: 'privilege', type: 'p', tier: 4, crownJewel: 'admin' })];
    const edges = [edge(`r${n - 1}`, 'jewel', 'GRANTED')];
    for (let i = 0; i < n; i++) nodes.push(node(`r${i}`));
    for (let i = 0; i + 1 < n; i++) edges.push(edge(`r${i}`, `r${i + 1}`, 'CAN_ASSUME'));
    const a = analyze(graphOf(nodes, edges), opts);
    const [p] = a.crownJewelPaths('r0');
    expect(p.target).toBe('jewel');
    // The evidence lists its first and last hops; the path is all n of them.
    expect(p.hops.length + (p.omittedHops?.count ?? 0)).toBe(n);
    const whole = a.wholeHops(p);
    expect(whole).toHaveLength(n);
    expect(whole.at(-1)!.to).toBe('jewel');
  });

  it('counts alternative routes by next identity, not by parallel edges to the same one', () => {
    const g = graphOf(
      [node('a'), node('b'), node('jewel', { kind: 'privilege', type: 'p', tier: 4, crownJewel: 'admin' })],
      [edge('a', 'b', 'CAN_ASSUME'), edge('a', 'b', 'CAN_ESCALATE_TO', { reason: 'a can also rewrite b' }), edge('b', 'jewel', 'GRANTED')],
    );
    expect(analyze(g, opts).crownJewelPaths('a')[0].alternatives).toBe(0);
  });

  it('does not count as another route a next identity that reaches the jewel only back through the subject', () => {
    const jewel = node('jewel', { kind: 'privilege', type: 'p', tier: 4, crownJewel: 'admin' });
    // s -> x -> s -> y -> jewel is no second route: it revisits s. Nor is s's edge to itself.
    const loop = graphOf(
      [node('s'), node('x'), node('y'), jewel],
      [edge('s', 'x', 'CAN_ASSUME'), edge('x', 's', 'CAN_ASSUME'), edge('s', 's', 'CAN_ESCALATE_TO'), edge('s', 'y', 'CAN_ASSUME'), edge('y', 'jewel', 'GRANTED')],
    );
    const [p] = analyze(loop, opts).crownJewelPaths('s');
    expect(p.hops.map((h) => h.to)).toEqual(['y', 'jewel']);
    expect(p.alternatives).toBe(0);
    // x also has a route of its own, longer than the one back through s: s -> x -> w1 -> w2 -> w3
    // -> jewel revisits nothing, so it is another route.
    const longer = graphOf(
      [node('s'), node('x'), node('y'), node('w1'), node('w2'), node('w3'), jewel],
      [
        edge('s', 'x', 'CAN_ASSUME'),
        edge('x', 's', 'CAN_ASSUME'),
        edge('s', 'y', 'CAN_ASSUME'),
        edge('y', 'jewel', 'GRANTED'),
        edge('x', 'w1', 'CAN_ASSUME'),
        edge('w1', 'w2', 'CAN_ASSUME'),
        edge('w2', 'w3', 'CAN_ASSUME'),
        edge('w3', 'jewel', 'GRANTED'),
      ],
    );
    const a = analyze(longer, opts);
    expect(a.crownJewelPaths('s')[0].alternatives).toBe(1);
    // From x, the routes through s and through w1 are two: s's own way on (y) does not pass x.
    expect(a.crownJewelPaths('x')[0].alternatives).toBe(1);
    // A loop further on (through a node other than the subject) takes nothing away.
    const further = graphOf(
      [node('s'), node('x'), node('y'), jewel],
      [edge('s', 'x', 'CAN_ASSUME'), edge('x', 'y', 'CAN_ASSUME'), edge('y', 'x', 'CAN_ASSUME'), edge('s', 'y', 'CAN_ASSUME'), edge('y', 'jewel', 'GRANTED')],
    );
    expect(analyze(further, opts).crownJewelPaths('s')[0].alternatives).toBe(1);
  });

  it('counts apart the other routes of a firm path that hold only under a condition', () => {
    const jewel = node('jewel', { kind: 'privilege', type: 'p', tier: 4, crownJewel: 'admin' });
    // s's firm path is through a. Its other next identities: d (firm), b (a conditional first
    // hop) and c (a firm first hop, but a conditional way on).
    const g = graphOf(
      [node('s'), node('a'), node('b'), node('c'), node('c2'), node('d'), jewel],
      [
        edge('s', 'a', 'CAN_ASSUME'),
        edge('a', 'jewel', 'GRANTED'),
        edge('s', 'b', 'CAN_ASSUME', { conditional: true }),
        edge('b', 'jewel', 'GRANTED'),
        edge('s', 'c', 'CAN_ASSUME'),
        edge('c', 'c2', 'CAN_ASSUME', { conditional: true }),
        edge('c2', 'jewel', 'GRANTED'),
        edge('s', 'd', 'CAN_ASSUME'),
        edge('d', 'jewel', 'GRANTED'),
      ],
    );
    const a = analyze(g, opts);
    for (const p of [a.crownJewelPaths('s')[0], a.firmCrownJewelPaths('s')[0], a.shownCrownJewelPaths('s')[0]]) {
      expect(p.hops.map((h) => h.to)).toEqual(['a', 'jewel']);
      expect(p.alternatives).toBe(1);
      expect(p.conditionalAlternatives).toBe(2);
    }
    // A "may reach" counts every other route, as firm as it or firmer, and nothing apart: x's
    // shortest route is conditional (through b), its other one (through c) too.
    const x = graphOf(
      [node('x'), node('b'), node('c'), node('c2'), jewel],
      [edge('x', 'b', 'CAN_ASSUME', { conditional: true }), edge('b', 'jewel', 'GRANTED'), edge('x', 'c', 'CAN_ASSUME'), edge('c', 'c2', 'CAN_ASSUME', { conditional: true }), edge('c2', 'jewel', 'GRANTED')],
    );
    const [may] = analyze(x, opts).shownCrownJewelPaths('x');
    expect(may.hops.map((h) => h.to)).toEqual(['b', 'jewel']);
    expect(may.alternatives).toBe(1);
    expect(may.conditionalAlternatives).toBeUndefined();
    // The firm route shown over a shorter conditional one still counts that one, apart.
    const y = graphOf(
      [node('y'), node('b'), node('c'), node('c2'), jewel],
      [edge('y', 'b', 'CAN_ASSUME', { conditional: true }), edge('b', 'jewel', 'GRANTED'), edge('y', 'c', 'CAN_ASSUME'), edge('c', 'c2', 'CAN_ASSUME'), edge('c2', 'jewel', 'GRANTED')],
    );
    const [firm] = analyze(y, opts).shownCrownJewelPaths('y');
    expect(firm.hops.map((h) => h.to)).toEqual(['c', 'c2', 'jewel']);
    expect(firm.alternatives).toBe(0);
    expect(firm.conditionalAlternatives).toBe(1);
  });

  it('counts firm and conditional other routes as searches that avoid the subject do, on small tangled graphs', () => {
    let seed = 11;
    let split = 0;
    let mayReach = 0;
    // The high bits: the low ones of this sequence repeat with a short period.
    const rand = (m: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor(seed / 65536) % m;
    };
    for (let round = 0; round < 200; round++) {
      const size = 3 + rand(8);
      const nodes = [node('j1', { kind: 'privilege', type: 'p', tier: 4, crownJewel: 'admin' })];
      for (let i = 0; i < size; i++) nodes.push(node(`n${i}`));
      const edges = [];
      const out = new Map<string, { to: string; conditional: boolean }[]>();
      for (let k = 0, m = size * 2 + rand(size); k < m; k++) {
        const from = `n${rand(size)}`;
        // One edge in four is a grant of the jewel.
        const to = rand(4) === 0 ? 'j1' : `n${rand(size)}`;
        const conditional = rand(3) === 0;
        // A reason of its own: the graph keeps one of two edges alike in ends, type and reason.
        edges.push(edge(from, to, to === 'j1' ? 'GRANTED' : 'CAN_ASSUME', { reason: `e${k}`, ...(conditional ? { conditional: true } : {}) }));
        out.set(from, [...(out.get(from) ?? []), { to, conditional }]);
      }
      const reachesAvoiding = (start: string, avoid: string, firmOnly: boolean): boolean => {
        const seen = new Set([start, avoid]);
        const queue = [start];
        for (let q = 0; q < queue.length; q++) {
          if (queue[q] === 'j1') return true;
          for (const e of out.get(queue[q]) ?? []) if (!(firmOnly && e.conditional) && !seen.has(e.to)) seen.add(e.to), queue.push(e.to);
        }
        return false;
      };
      const a = analyze(graphOf(nodes, edges), opts);
      for (let i = 0; i < size; i++) {
        const s = `n${i}`;
        const [p] = a.shownCrownJewelPaths(s);
        const firstHops = (out.get(s) ?? []).filter((e) => e.to !== s);
        const every = new Set(firstHops.filter((e) => reachesAvoiding(e.to, s, false)).map((e) => e.to));
        const sure = new Set(firstHops.filter((e) => !e.conditional && reachesAvoiding(e.to, s, true)).map((e) => e.to));
        if (!p) {
          expect(every.size).toBe(0);
          continue;
        }
        if (p.hops.some((h) => h.conditional)) {
          mayReach++;
          // Shown only when no firm route exists.
          expect(sure.size).toBe(0);
          expect(p.alternatives).toBe(every.size - 1);
          expect(p.conditionalAlternatives).toBeUndefined();
        } else {
          expect(p.alternatives).toBe(sure.size - 1);
          expect(p.conditionalAlternatives ?? 0).toBe(every.size - sure.size);
          if (every.size > sure.size) split++;
        }
      }
    }
    // Not vacuous: many firm paths have other routes that hold only under a condition, and many
    // subjects only a "may reach".
    expect(split).toBeGreaterThan(20);
    expect(mayReach).toBeGreaterThan(20);
  });

  it('gives the firm route the tier came by, to the privilege its reason names, and none for a "may reach"', () => {
    const g = graphOf(
      [node('a'), node('b'), node('c'), node('x'), node('admin', { kind: 'privilege', type: 'p', tier: 4, name: 'Admin' })],
      [edge('a', 'b', 'CAN_ASSUME'), edge('b', 'admin', 'GRANTED'), edge('c', 'b', 'CAN_ASSUME', { conditional: true }), edge('x', 'admin', 'GRANTED', { conditional: true })],
    );
    const a = analyze(g, opts);
    expect(a.tierSource('a')?.id).toBe('admin');
    expect(a.tierRoute('a')!.hops.map((h) => `${h.from}>${h.to}`)).toEqual(['a>b', 'b>admin']);
    expect(a.tierReasons('c')).toEqual(['may reach Admin (T4)']);
    expect(a.tierRoute('c')).toBeUndefined();
    expect(a.tierRoute('admin')).toBeUndefined();
    expect(a.tierSource('admin')?.id).toBe('admin');
  });

  it('counts other routes as a search that avoids the subject does, on small tangled graphs', () => {
    // A fixed pseudo-random sequence: the same graphs on every run.
    let seed = 7;
    const rand = (m: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % m;
    };
    for (let round = 0; round < 200; round++) {
      const size = 4 + rand(9);
      const nodes = [node('j1', { kind: 'privilege', type: 'p', tier: 4, crownJewel: 'admin' }), node('j2', { kind: 'privilege', type: 'p', tier: 4, crownJewel: 'admin' })];
      for (let i = 0; i < size; i++) nodes.push(node(`n${i}`));
      const edges = [];
      const out = new Map<string, string[]>();
      for (let k = 0, m = size * 2 + rand(size); k < m; k++) {
        const from = `n${rand(size)}`;
        const pick = rand(size + 2);
        const to = pick < size ? `n${pick}` : `j${pick - size + 1}`;
        edges.push(edge(from, to, to.startsWith('j') ? 'GRANTED' : 'CAN_ASSUME'));
        out.set(from, [...(out.get(from) ?? []), to]);
      }
      const reachesAvoiding = (start: string, avoid: string): boolean => {
        const seen = new Set([start, avoid]);
        const queue = [start];
        for (let q = 0; q < queue.length; q++) {
          if (queue[q].startsWith('j')) return true;
          for (const t of out.get(queue[q]) ?? []) if (!seen.has(t)) seen.add(t), queue.push(t);
        }
        return false;
      };
      const a = analyze(graphOf(nodes, edges), opts);
      for (let i = 0; i < size; i++) {
        const s = `n${i}`;
        const [p] = a.crownJewelPaths(s);
        const next = new Set((out.get(s) ?? []).filter((x) => x !== s && reachesAvoiding(x, s)));
        if (!p) expect(next.size).toBe(0);
        else expect(p.alternatives).toBe(next.size - 1);
      }
    }
  });

  it('does not sign in through a disabled identity; control that can re-enable it (an owner adding a credential) still counts', () => {
    const g = graphOf(
      [
        node('gh', { kind: 'external', provider: 'external', type: 'github-repo' }),
        node('owner'),
        node('sp', { provider: 'entra', type: 'entra-service-principal', enabled: false }),
        node('jewel', { kind: 'privilege', type: 'p', tier: 4, crownJewel: 'admin' }),
      ],
      [edge('gh', 'sp', 'FEDERATES_TO', { hidden: true }), edge('owner', 'sp', 'CAN_ESCALATE_TO'), edge('sp', 'jewel', 'HAS_ROLE')],
    );
    const a = analyze(g, opts);
    expect(a.crownJewelPaths('gh')).toEqual([]);
    expect(a.crownJewelPaths('owner').map((p) => p.hops.map((h) => h.to))).toEqual([['sp', 'jewel']]);
    expect(a.tier('sp')).toBe(4);
  });

  it('the tier reason of an identity that reaches its tier only through a disabled object says so', () => {
    const g = graphOf(
      [
        node('gh', { kind: 'external', provider: 'external', type: 'github-repo' }),
        node('via-live'),
        node('live'),
        node('sp', { provider: 'entra', type: 'entra-service-principal', name: 'Old Sync', enabled: false }),
        node('jewel', { kind: 'privilege', type: 'p', name: 'Global Administrator', tier: 4, crownJewel: 'admin' }),
      ],
      [
        edge('gh', 'sp', 'FEDERATES_TO', { hidden: true }),
        edge('sp', 'jewel', 'HAS_ROLE'),
        // Near miss: also reaches the jewel by a route of enabled objects.
        edge('via-live', 'sp', 'CAN_ASSUME'),
        edge('via-live', 'live', 'CAN_ASSUME'),
        edge('live', 'jewel', 'HAS_ROLE'),
      ],
    );
    const a = analyze(g, opts);
    // Tiers still count the latent capability.
    expect(a.tier('gh')).toBe(4);
    expect(a.tierReasons('gh')).toEqual(['reaches Global Administrator (T4) only through Old Sync, which is disabled']);
    expect(a.tierReasons('via-live')).toEqual(['reaches Global Administrator (T4)']);
    expect(a.tierReasons('sp')).toEqual(['reaches Global Administrator (T4)']);
  });

  it('a tier reason resting only on conditional hops says "may reach"; a firm route, even a longer one, says "reaches"', () => {
    const g = graphOf(
      [
        node('cond'),
        node('both'),
        node('hop'),
        node('role'),
        node('old', { provider: 'entra', type: 'entra-service-principal', name: 'Old Sync', enabled: false }),
        node('gh', { kind: 'external', provider: 'external', type: 'github-repo' }),
        node('jewel', { kind: 'privilege', type: 'p', name: 'Global Administrator', tier: 4, crownJewel: 'admin' }),
      ],
      [
        edge('role', 'jewel', 'HAS_ROLE'),
        edge('cond', 'role', 'CAN_ASSUME', { conditional: true }),
        // Near miss: the same conditional hop beside a longer firm route.
        edge('both', 'role', 'CAN_ASSUME', { conditional: true }),
        edge('both', 'hop', 'CAN_ASSUME'),
        edge('hop', 'role', 'CAN_ASSUME'),
        // Conditional and through a disabled object: both are said.
        edge('old', 'jewel', 'HAS_ROLE'),
        edge('gh', 'old', 'FEDERATES_TO', { conditional: true }),
      ],
    );
    const a = analyze(g, opts);
    // The tier counts the latent capability all the same.
    expect([a.tier('cond'), a.tier('both'), a.tier('gh')]).toEqual([4, 4, 4]);
    expect(a.tierReasons('cond')).toEqual(['may reach Global Administrator (T4)']);
    expect(a.tierReasons('both')).toEqual(['reaches Global Administrator (T4)']);
    expect(a.tierReasons('role')).toEqual(['reaches Global Administrator (T4)']);
    expect(a.tierReasons('gh')).toEqual(['may reach Global Administrator (T4) only through Old Sync, which is disabled']);
  });

  it('a firm route through a disabled object that another node reaches conditionally as well still says "reaches"', () => {
    // Old Sync reaches the jewel today only by a conditional grant, and firmly through Retired
    // Bot, which is disabled; ci's one edge leads into Old Sync (disabled): its only routes are
    // through disabled objects, and one of them is firm.
    const g = graphOf(
      [
        node('ci'),
        node('old', { name: 'Old Sync', enabled: false }),
        node('bot', { name: 'Retired Bot', enabled: false }),
        node('jewel', { kind: 'privilege', type: 'p', name: 'Global Administrator', tier: 4, crownJewel: 'admin' }),
      ],
      [
        edge('old', 'jewel', 'HAS_ROLE', { conditional: true }),
        edge('old', 'bot', 'CAN_ASSUME'),
        edge('bot', 'jewel', 'HAS_ROLE'),
        edge('ci', 'old', 'CAN_ASSUME'),
      ],
    );
    const a = analyze(g, opts);
    expect(a.tierReasons('old')).toEqual(['may reach Global Administrator (T4)']);
    expect(a.tier('ci')).toBe(4);
    expect(a.tierReasons('ci')).toEqual(['reaches Global Administrator (T4) only through Old Sync, which is disabled']);
  });

  it('reports the nearest jewel of each provider and class once, however many accounts chain together', () => {
    // A ring of accounts whose roles trust the next account: every role reaches every account's
    // admin. Per-scope groups would give each role one path per account (quadratic).
    const n = 6;
    const nodes = [];
    const edges = [];
    for (let i = 0; i < n; i++) {
      nodes.push(node(`r${i}`, { provider: 'aws', scope: `acct${i}` }));
      nodes.push(node(`admin${i}`, { kind: 'privilege', provider: 'aws', scope: `acct${i}`, type: 'aws-capability', tier: 4, crownJewel: 'admin' }));
      nodes.push(node(`secrets${i}`, { kind: 'privilege', provider: 'aws', scope: `acct${i}`, type: 'aws-capability', tier: 3, crownJewel: 'secrets' }));
      edges.push(edge(`r${i}`, `r${(i + 1) % n}`, 'CAN_ASSUME'), edge(`r${i}`, `admin${i}`, 'GRANTED'));
    }
    edges.push(edge('r5', 'secrets5', 'GRANTED'));
    const a = analyze(graphOf(nodes, edges), opts);
    const paths = a.crownJewelPaths('r1');
    expect(paths.map((p) => [p.crownJewel, p.target, p.hops.length])).toEqual([
      ['admin', 'admin1', 1],
      ['secrets', 'secrets5', 5],
    ]);
    expect(a.crownJewelPaths('r5').map((p) => p.target)).toEqual(['admin5', 'secrets5']);
  });

  it('ranks strength by the weakest active credential; unpinned federation is as weak as a secret', () => {
    const g = graphOf(
      [
        node('fed'),
        node('mixed'),
        node('wild'),
        node('c1', { kind: 'credential', type: 'c', credentialType: 'federated-oidc', federation: { issuer: 'i', subject: 's', subjectMatch: 'exact' } }),
        node('c2', { kind: 'credential', type: 'c', credentialType: 'client-secret', createdAt: '2025-01-01T00:00:00Z', expiresAt: '2027-01-01T00:00:00Z' }),
        node('c3', { kind: 'credential', type: 'c', credentialType: 'federated-oidc', federation: { issuer: 'i', subject: 'repo:o/*', subjectMatch: 'wildcard' } }),
        node('old', { kind: 'credential', type: 'c', credentialType: 'client-secret', expiresAt: '2020-01-01T00:00:00Z' }),
      ],
      [edge('fed', 'c1', 'HAS_CREDENTIAL'), edge('fed', 'old', 'HAS_CREDENTIAL'), edge('mixed', 'c1', 'HAS_CREDENTIAL'), edge('mixed', 'c2', 'HAS_CREDENTIAL'), edge('wild', 'c3', 'HAS_CREDENTIAL')],
    );
    const a = analyze(g, opts);
    expect(a.strength('fed').class).toBe('federated');
    expect(a.strength('mixed')).toMatchObject({ class: 'shared-secret', longLived: true });
    expect(a.strength('wild').class).toBe('shared-secret');
    expect(a.strength('nothing').class).toBe('none');
  });

  it('leaves a credential that is not valid yet out of the strength: it cannot sign in now', () => {
    const g = graphOf(
      [
        node('fed'),
        node('c1', { kind: 'credential', type: 'c', credentialType: 'federated-oidc', federation: { issuer: 'i', subject: 's', subjectMatch: 'exact' } }),
        node('next', { kind: 'credential', type: 'c', credentialType: 'client-secret', name: 'next', createdAt: '2027-01-01T00:00:00Z', expiresAt: '2027-03-01T00:00:00Z' }),
      ],
      [edge('fed', 'c1', 'HAS_CREDENTIAL'), edge('fed', 'next', 'HAS_CREDENTIAL')],
    );
    expect(analyze(g, opts).strength('fed')).toMatchObject({ class: 'federated', evidence: ['OIDC federation c1 (exact subject s)'] });
    // Near miss: once its start date has passed, it counts.
    expect(analyze(g, { ...opts, now: new Date('2027-01-02T00:00:00Z') }).strength('fed').class).toBe('shared-secret');
  });
});
