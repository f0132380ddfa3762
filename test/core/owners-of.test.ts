import { describe, it, expect } from 'vitest';
import { GraphBuilder } from '../../src/graph/graph.js';
import { ownersOf } from '../../src/rule-kit.js';
import { node, edge } from '../helpers/graph.js';

describe('ownersOf', () => {
  it('lists each owner once, in edge order, whether or not one owns the object twice', () => {
    const b = new GraphBuilder();
    for (const id of ['app', 'solo', 'alice', 'bob', 'carol']) b.addNode(node(id, { kind: id === 'app' || id === 'solo' ? 'identity' : 'human' }));
    // Alice owns both the app registration and its service principal, merged into one node: two edges.
    b.addEdge(edge('alice', 'app', 'OWNS', { reason: 'alice owns the app registration' }));
    b.addEdge(edge('bob', 'app', 'OWNS'));
    b.addEdge(edge('alice', 'app', 'OWNS', { reason: 'alice owns the service principal' }));
    b.addEdge(edge('carol', 'app', 'OWNS'));
    b.addEdge(edge('bob', 'solo', 'OWNS'));
    b.addEdge(edge('carol', 'solo', 'OWNS'));
    const g = b.build();
    expect(g.sources('app', 'OWNS').map((n) => n.id)).toEqual(['alice', 'bob', 'alice', 'carol']);
    expect(ownersOf(g, 'app').map((n) => n.id)).toEqual(['alice', 'bob', 'carol']);
    expect(ownersOf(g, 'solo').map((n) => n.id)).toEqual(['bob', 'carol']);
    expect(ownersOf(g, 'alice')).toEqual([]);
  });

  it('lists each of 20,000 owners once, in edge order, with some owning the object twice', () => {
    // Past a few owners the repeats are found with a set: the same answer as the scan.
    const b = new GraphBuilder();
    b.addNode(node('app'));
    b.addNode(node('plain'));
    const n = 20000;
    for (let i = 0; i < n; i++) b.addNode(node(`p${i}`, { kind: 'human' }));
    for (let i = 0; i < n; i++) {
      b.addEdge(edge(`p${i}`, 'app', 'OWNS'));
      b.addEdge(edge(`p${i}`, 'plain', 'OWNS'));
      // Every thousandth person also owns the service principal merged into the app's node.
      if (i % 1000 === 999) b.addEdge(edge(`p${i - 500}`, 'app', 'OWNS', { reason: 'owns the service principal' }));
    }
    const g = b.build();
    expect(g.sources('app', 'OWNS')).toHaveLength(n + 20);
    const owners = ownersOf(g, 'app').map((o) => o.id);
    expect(owners).toEqual(Array.from({ length: n }, (_, i) => `p${i}`));
    // None twice: the graph's own list.
    expect(ownersOf(g, 'plain')).toBe(g.sources('plain', 'OWNS'));
  });
});
