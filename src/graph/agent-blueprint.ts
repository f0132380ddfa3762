import type { Graph, NodeRef } from './graph.js';
import type { GraphNode } from './model.js';

/**
 * The Entra Agent ID blueprint of an agent identity: the blueprint principal (or the blueprint
 * registered here, one node with its principal) whose credentials obtain the agent's tokens, as
 * the transform links them (CAN_ASSUME, method AgentIdentityBlueprint). Undefined when the agent
 * names no blueprint (agentIdentityBlueprintId not read) or its blueprint is not in the snapshot.
 */
export function agentBlueprintOf(graph: Graph, agent: NodeRef): GraphNode | undefined {
  const edges = graph.in(agent, 'CAN_ASSUME');
  for (let i = 0; i < edges.length; i++) {
    if (edges[i].evidence?.method === 'AgentIdentityBlueprint') return graph.node(edges[i].from);
  }
  return undefined;
}

/**
 * Whether a sponsor may answer for an Agent ID object, as entra-agent-no-sponsor counts one: a
 * person who is not disabled, or a group (it has no account status). A service principal, which
 * a blueprint principal may have as sponsor, or a service-account user (a machine identity, not
 * a person node) answers for nothing.
 */
export function sponsorMayAnswer(s: GraphNode): boolean {
  return s.enabled !== false && (s.kind === 'human' || s.kind === 'group');
}

/** Whether a sponsor that may answer (sponsorMayAnswer) surely does: an enabled person, or a group. */
export function sponsorAnswers(s: GraphNode): boolean {
  return sponsorMayAnswer(s) && (s.enabled === true || s.kind === 'group');
}
