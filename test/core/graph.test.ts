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
