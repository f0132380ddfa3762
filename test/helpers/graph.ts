import { GraphBuilder } from '../../src/graph/graph.js';
import type { GraphEdge, GraphNode } from '../../src/graph/model.js';
import type { CoverageRecord } from '../../src/snapshot/types.js';

/** Small graphs for engine, analysis and cross-provider rule tests. */
export function node(id: string, over: Partial<GraphNode> = {}): GraphNode {
  return { id, kind: 'identity', provider: 'aws', type: 'aws-iam-role', name: id, nativeId: id, scope: 'acct', attrs: {}, ...over };
}

export function edge(from: string, to: string, type: GraphEdge['type'], over: Partial<GraphEdge> = {}): GraphEdge {
  return { from, to, type, reason: `${from} ${type} ${to}`, ...over };
}

export function graphOf(nodes: GraphNode[], edges: GraphEdge[] = [], coverage: CoverageRecord[] = []) {
  const b = new GraphBuilder();
  for (const n of nodes) b.addNode(n);
  for (const e of edges) b.addEdge(e);
  for (const c of coverage) b.addCoverage(c);
  return b.build();
}
