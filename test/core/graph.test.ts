import { describe, it, expect } from 'vitest';
import { GraphBuilder } from '../../src/graph/graph.js';
import { node, edge } from '../helpers/graph.js';

describe('GraphBuilder', () => {
  it('drops dangling edges with a warning and keeps the rest', () => {
    const b = new GraphBuilder();
    b.addNode(node('a'));
    b.addNode(node('b'));
    b.addEdge(edge('a', 'b', 'CAN_ASSUME'));
    b.addEdge(edge('a', 'ghost', 'GRANTED'));
    b.addEdge(edge('a', 'b', 'CAN_ASSUME'));
    const g = b.build();
    expect(g.edgeCount).toBe(1);
    expect(g.out('a')).toHaveLength(1);
    expect(g.in('b', 'CAN_ASSUME')).toHaveLength(1);
    expect(g.warnings.join()).toMatch(/ghost/);
  });

  it('keeps node order as nodes were added, even for ids that edges named first', () => {
    const b = new GraphBuilder();
    // Edges name 'late' and 'ghost' before any node exists; 'late' is added last.
    b.addEdge(edge('early', 'late', 'OWNS'));
    b.addEdge(edge('late', 'ghost', 'GRANTED'));
    b.addNode(node('early'));
    b.addNode(node('middle'));
    b.addNode(node('late'));
    // The same edge again, its ends spelled by equal strings built anew: a duplicate.
    b.addEdge(edge(['ear', 'ly'].join(''), ['la', 'te'].join(''), 'OWNS', { reason: 'early OWNS late' }));
    expect([...b.nodeList()].map((n) => n.id)).toEqual(['early', 'middle', 'late']);
    const g = b.build();
    expect([0, 1, 2].map((i) => g.nodeAt(i).id)).toEqual(['early', 'middle', 'late']);
    expect([...g.nodes.keys()]).toEqual(['early', 'middle', 'late']);
    expect(g.edgeCount).toBe(1);
    expect(g.out('early').map((e) => [e.from, e.to])).toEqual([['early', 'late']]);
    expect(g.sources('late', 'OWNS').map((n) => n.id)).toEqual(['early']);
    expect(g.warnings.join()).toMatch(/late -> ghost/);
  });

  it('merges a placeholder node with the full object, first value winning', () => {
    const b = new GraphBuilder();
    b.addNode(node('u', { name: 'u', attrs: { a: 1 } }));
    b.addNode(node('u', { name: 'Real Name', enabled: false, attrs: { a: 2, b: 3 } }));
    const g = b.build();
    expect(g.node('u')).toMatchObject({ name: 'Real Name', enabled: false, attrs: { a: 1, b: 3 } });
  });

  it('answers coverage per provider, scope and capability; absent means not collected', () => {
    const b = new GraphBuilder();
    b.addCoverage({ provider: 'okta', scope: 'org', capability: 'okta.apps', status: 'missing-permission', reason: '403' });
    const g = b.build();
    expect(g.capability('okta', 'org', 'okta.apps')).toBe('missing-permission');
    expect(g.capability('okta', 'org', 'okta.users')).toBe('not-collected');
  });
});

describe('GraphBuilder.finish', () => {
  /** The same small estate twice: ids named by edges before their nodes, a dangling end, merged nodes. */
  function fill(b: GraphBuilder): void {
    b.addEdge(edge('early', 'late', 'OWNS'));
    b.addEdge(edge('late', 'ghost', 'GRANTED'));
    b.addNode(node('early'));
    b.addNode(node('middle'));
    b.addNode(node('late'));
    b.addNode(node('middle', { name: 'merged' }));
    b.addEdge(edge('middle', 'late', 'CAN_ASSUME'));
  }

  it('gives the graph build() gives, its lookups by id through the builder\'s own table', () => {
    const a = new GraphBuilder();
    fill(a);
    const built = a.build();
    const b = new GraphBuilder();
    fill(b);
    const finished = b.finish();
    for (const id of ['early', 'middle', 'late', 'ghost', 'nothing']) {
      expect(finished.node(id)).toEqual(built.node(id));
      expect(finished.node(id) === undefined ? -1 : finished.indexOf(finished.node(id)!)).toBe(built.node(id) === undefined ? -1 : built.indexOf(built.node(id)!));
      expect(finished.out(id)).toEqual(built.out(id));
      expect(finished.in(id)).toEqual(built.in(id));
    }
    // An id only an edge named (no node) is no node of the graph, as in build()'s own table.
    expect(finished.node('ghost')).toBeUndefined();
    expect([...finished.nodes.keys()]).toEqual(['early', 'middle', 'late']);
    expect(finished.warnings).toEqual(built.warnings);
  });

  it('leaves a builder that takes no more nodes or edges', () => {
    const b = new GraphBuilder();
    fill(b);
    const g = b.finish();
    expect(() => b.addNode(node('later'))).toThrow(/after finish/);
    expect(() => b.addEdge(edge('early', 'middle', 'OWNS'))).toThrow(/after finish/);
    expect(g.node('later')).toBeUndefined();
    expect(g.edgeCount).toBe(2);
  });
});

describe('Graph lookups by node object', () => {
  const build = (ids: string[], edges: [string, string, Parameters<typeof edge>[2]][]) => {
    const b = new GraphBuilder();
    for (const id of ids) b.addNode(node(id, { name: id.toUpperCase() }));
    for (const [f, t, type] of edges) b.addEdge(edge(f, t, type));
    return b.build();
  };

  it('give the same answers as lookups by id', () => {
    const g = build(['a', 'b', 'c'], [['a', 'b', 'HAS_CREDENTIAL'], ['a', 'c', 'HAS_CREDENTIAL'], ['c', 'a', 'OWNS']]);
    const a = g.node('a')!;
    expect(g.node(a)).toBe(a);
    expect(g.out(a)).toEqual(g.out('a'));
    expect(g.in(a, 'OWNS')).toEqual(g.in('a', 'OWNS'));
    expect(g.targets(a, 'HAS_CREDENTIAL').map((n) => n.id)).toEqual(['b', 'c']);
    expect(g.sources(a, 'OWNS').map((n) => n.id)).toEqual(['c']);
  });

  it('look up a node object of another graph by its id, never through its hidden slot', () => {
    const g1 = build(['a', 'b'], [['a', 'b', 'GRANTED']]);
    const g2 = build(['b', 'a'], [['b', 'a', 'GRANTED']]);
    const a1 = g1.node('a')!;
    // Same id, other graph: g2's own node and edges, not g1's.
    expect(g2.node(a1)).toBe(g2.node('a'));
    expect(g2.out(a1)).toHaveLength(0);
    expect(g2.in(a1).map((e) => e.from)).toEqual(['b']);
    expect(g2.indexOf(a1)).toBe(g2.indexOf('a'));
    // A node object no graph built.
    expect(g1.node(node('zzz'))).toBeUndefined();
    expect(g1.indexOf(node('zzz'))).toBe(-1);
  });

  it('keep the slot out of JSON, key lists and spreads, and never trust it on another object', () => {
    const g = build(['a', 'b'], [['a', 'b', 'GRANTED']]);
    const a = g.node('a')!;
    expect(Object.keys(a)).toEqual(Object.keys({ ...a }));
    expect(JSON.stringify(a)).toBe(JSON.stringify({ ...a }));
    expect(Object.getOwnPropertySymbols({ ...a })).toHaveLength(0);
    // Even an object that carries the link (copied on purpose) is looked up by its own id.
    const renamed = Object.defineProperties({ ...a, id: 'b' }, Object.getOwnPropertyDescriptors(a));
    Object.defineProperty(renamed, 'id', { value: 'b' });
    expect(g.node(renamed)).toBe(g.node('b'));
    expect(g.out(renamed)).toHaveLength(0);
    expect(g.indexOf(renamed)).toBe(g.indexOf('b'));
  });

  it('index nodes 0 to size - 1 in node order, with each edge end at its index', () => {
    const g = build(['x', 'y', 'z'], [['x', 'z', 'GRANTED'], ['y', 'z', 'MEMBER_OF']]);
    expect(g.size).toBe(3);
    expect([0, 1, 2].map((i) => g.nodeAt(i).id)).toEqual(['x', 'y', 'z']);
    const into = g.inAt(g.indexOf('z'));
    expect(into.edges.map((e) => e.from)).toEqual(['x', 'y']);
    expect(into.from.map((i) => g.nodeAt(i).id)).toEqual(['x', 'y']);
    expect(g.targets('x', 'GRANTED').map((n) => n.id)).toEqual(['z']);
  });

  it('gives a node\'s outgoing edges with the index of each target, as its incoming ones with their sources', () => {
    const g = build(['x', 'y', 'z'], [['y', 'z', 'GRANTED'], ['y', 'x', 'MEMBER_OF'], ['x', 'z', 'OWNS']]);
    const from = g.outAt(g.indexOf('y'));
    expect(from.edges.map((e) => e.to)).toEqual(['z', 'x']);
    expect(from.to.map((i) => g.nodeAt(i).id)).toEqual(['z', 'x']);
    expect(g.outAt(g.indexOf('z')).edges).toHaveLength(0);
  });
});

describe('GraphBuilder with many edges between the same two nodes', () => {
  it('keeps each distinct one once, drops repeats, and can remove and re-add them', () => {
    const b = new GraphBuilder();
    b.addNode(node('holder'));
    b.addNode(node('hub'));
    const reasons = Array.from({ length: 50 }, (_, i) => `can add a user to group aws_${i}_admin`);
    for (const r of reasons) b.addEdge(edge('holder', 'hub', 'CAN_ESCALATE_TO', { reason: r }));
    // Repeats (same type and reason) are dropped; the same reason under another type is not.
    for (const r of reasons) b.addEdge(edge('holder', 'hub', 'CAN_ESCALATE_TO', { reason: r }));
    b.addEdge(edge('holder', 'hub', 'GRANTED', { reason: reasons[0] }));
    expect(b.edgeList()).toHaveLength(51);
    const drop = new Set(b.edgeList().filter((e) => e.type === 'CAN_ESCALATE_TO' && /aws_(1|2)\d?_/.test(e.reason)));
    b.removeEdges(drop);
    expect(b.edgeList()).toHaveLength(51 - drop.size);
    // A removed edge can be added again; one still present cannot.
    for (const e of drop) b.addEdge(edge('holder', 'hub', 'CAN_ESCALATE_TO', { reason: e.reason }));
    b.addEdge(edge('holder', 'hub', 'CAN_ESCALATE_TO', { reason: reasons[0] }));
    expect(b.edgeList()).toHaveLength(51);
    expect(b.build().out('holder', 'CAN_ESCALATE_TO')).toHaveLength(50);
  });
});

describe('GraphBuilder edges whose ends are given as node objects', () => {
  const ends = (b: GraphBuilder) => b.edgeList().map((e) => `${e.from}>${e.to}:${e.type}`);

  it('resolve to the same nodes as ids do, and the two forms are duplicates of each other', () => {
    const b = new GraphBuilder();
    const a = b.addNode(node('a'));
    const c = b.addNode(node('c'));
    b.addEdge(edge('a', 'c', 'GRANTED', { reason: 'r' }));
    // The same edge by object, by object and id, by id and object: all three are repeats.
    b.addEdge({ ...edge('a', 'c', 'GRANTED', { reason: 'r' }), from: a, to: c });
    b.addEdge({ ...edge('a', 'c', 'GRANTED', { reason: 'r' }), from: a });
    b.addEdge({ ...edge('a', 'c', 'GRANTED', { reason: 'r' }), to: c });
    // By object first, then by id.
    b.addEdge({ ...edge('c', 'a', 'OWNS', { reason: 'o' }), from: c, to: a });
    b.addEdge(edge('c', 'a', 'OWNS', { reason: 'o' }));
    expect(ends(b)).toEqual(['a>c:GRANTED', 'c>a:OWNS']);
    // The edges hold the ids, never the objects.
    for (const e of b.edgeList()) expect([typeof e.from, typeof e.to]).toEqual(['string', 'string']);
    const g = b.build();
    expect(g.edgeCount).toBe(2);
    expect(g.warnings).toEqual([]);
    expect(g.targets('a', 'GRANTED').map((n) => n.id)).toEqual(['c']);
    expect(g.sources('a', 'OWNS').map((n) => n.id)).toEqual(['c']);
  });

  it('reach the merged node after a second addNode of the same id, whichever object is given', () => {
    const b = new GraphBuilder();
    const first = b.addNode(node('u', { name: 'u' }));
    const later = node('u', { name: 'Real Name', enabled: false });
    const merged = b.addNode(later);
    expect(merged).toBe(first);
    b.addNode(node('p'));
    b.addEdge({ ...edge('u', 'p', 'GRANTED', { reason: 'one' }), from: merged });
    // The object handed to the merging addNode is not the builder's node: found by its id.
    b.addEdge({ ...edge('u', 'p', 'GRANTED', { reason: 'two' }), from: later });
    b.addEdge({ ...edge('u', 'p', 'GRANTED', { reason: 'two' }), from: first });
    expect(ends(b)).toEqual(['u>p:GRANTED', 'u>p:GRANTED']);
    const g = b.build();
    expect(g.warnings).toEqual([]);
    expect(g.size).toBe(2);
    expect(g.out('u').map((e) => e.reason)).toEqual(['one', 'two']);
    expect(g.node('u')).toMatchObject({ name: 'Real Name', enabled: false });
  });

  it('name a node of another builder, or one not added yet, by its id', () => {
    const other = new GraphBuilder();
    const foreign = other.addNode(node('a'));
    const b = new GraphBuilder();
    const own = b.addNode(node('a'));
    // An object this builder never saw: its id names the ends (and a node added later).
    const pending = node('late');
    b.addEdge({ ...edge('a', 'late', 'OWNS'), from: foreign, to: pending });
    b.addEdge({ ...edge('a', 'ghost', 'OWNS'), from: own, to: node('ghost') });
    b.addNode(pending);
    // One object added to both builders: each resolves it to its own entry.
    const shared = node('s');
    b.addNode(shared);
    other.addNode(shared);
    b.addEdge({ ...edge('s', 'a', 'GRANTED'), from: shared, to: foreign });
    other.addEdge({ ...edge('s', 'a', 'GRANTED'), from: shared, to: own });
    expect(ends(b)).toEqual(['a>late:OWNS', 'a>ghost:OWNS', 's>a:GRANTED']);
    const g = b.build();
    expect([0, 1, 2].map((i) => g.nodeAt(i).id)).toEqual(['a', 'late', 's']);
    expect(g.edgeCount).toBe(2);
    expect(g.warnings.join()).toMatch(/a -> ghost dropped/);
    expect(g.sources('a', 'GRANTED').map((n) => n.id)).toEqual(['s']);
    const og = other.build();
    expect(og.edgeCount).toBe(1);
    expect(og.targets('s', 'GRANTED').map((n) => n.id)).toEqual(['a']);
  });

  it('can be removed and added again; a copy of a node is found by its own id', () => {
    const b = new GraphBuilder();
    const h = b.addNode(node('h'));
    const t = b.addNode(node('t'));
    for (let i = 0; i < 20; i++) b.addEdge({ ...edge('h', `t`, 'GRANTED', { reason: `r${i}` }), from: h, to: t });
    const drop = new Set(b.edgeList().slice(0, 5));
    b.removeEdges(drop);
    expect(b.edgeList()).toHaveLength(15);
    b.addEdge({ ...edge('h', 't', 'GRANTED', { reason: 'r0' }), from: h, to: t });
    b.addEdge(edge('h', 't', 'GRANTED', { reason: 'r5' }));
    expect(b.edgeList()).toHaveLength(16);
    // Whatever the builder keeps on its node objects stays out of keys and JSON.
    expect(Object.keys(h)).toEqual(Object.keys(node('h')));
    expect(JSON.stringify(h)).toBe(JSON.stringify(node('h')));
    // A spread copies it; the copy, under another id, still names its own id (a dangling end).
    b.addEdge({ ...edge('h', 't', 'GRANTED', { reason: 'r1' }), from: { ...h, id: 'copy' }, to: t });
    b.addEdge({ ...edge('h', 'h2', 'OWNS'), from: h, to: { ...t, id: 'h2' } });
    expect(b.edgeList().slice(-2).map((e) => `${e.from}>${e.to}`)).toEqual(['copy>t', 'h>h2']);
    expect(b.build().warnings).toEqual(['dangling GRANTED edge copy -> t dropped (one end was not found)', 'dangling OWNS edge h -> h2 dropped (one end was not found)']);
  });

  it('keeps each edge with its own ends through a growing edge list, removals and ends named before their nodes', () => {
    const b = new GraphBuilder();
    // 2,000 edges (the builder's list of ends starts with room for 512 and grows); every other
    // target is named before its node exists, and some never get one (dangling).
    for (let i = 0; i < 2000; i++) {
      if (i % 2 === 0) b.addNode(node(`t${i}`));
      b.addEdge(edge(`s${i % 7}`, `t${i}`, 'GRANTED', { reason: `r${i}` }));
    }
    for (let i = 0; i < 7; i++) b.addNode(node(`s${i}`));
    for (let i = 1; i < 2000; i += 2) if (i % 3 !== 0) b.addNode(node(`t${i}`));
    b.removeEdges(new Set(b.edgeList().filter((e) => Number(e.reason.slice(1)) % 5 === 0)));
    const g = b.build();
    const kept = [...Array(2000).keys()].filter((i) => i % 5 !== 0 && (i % 2 === 0 || i % 3 !== 0));
    expect(g.edgeCount).toBe(kept.length);
    for (const i of kept) {
      expect(g.in(`t${i}`).map((e) => `${e.from}>${e.reason}`)).toEqual([`s${i % 7}>r${i}`]);
      expect(g.sources(`t${i}`, 'GRANTED').map((n) => n.id)).toEqual([`s${i % 7}`]);
    }
    // The targets never added: odd multiples of 3, less those removed (multiples of 5).
    expect(g.warnings).toHaveLength([...Array(2000).keys()].filter((i) => i % 2 === 1 && i % 3 === 0 && i % 5 !== 0).length);
  });
});
