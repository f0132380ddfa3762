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
});
