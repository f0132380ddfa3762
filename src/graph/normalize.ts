import type { GraphBuilder } from './graph.js';
import type { NhiConfig } from '../config/types.js';
import type { GraphNode } from './model.js';

/**
 * One vocabulary for service accounts that are user objects, whatever the provider: after the
 * transforms, each such identity, and each person node that may be one (`serviceAccountUnread`:
 * the service-account rules judge it too), gets `attrs.mfa` (a second factor is
 * registered/active), `attrs.interactiveUse` (+ `interactiveUseAt`, the date of the latest such
 * sign-in, and evidence) where the provider's evidence allows, and the organisation's declared
 * agents are marked. `undefined` stays "not collected".
 */
export function normalizeServiceAccounts(b: GraphBuilder, config: NhiConfig): void {
  markModelInvokers(b);
  // Indexed loops here and below: see GraphBuilder.nodeCount.
  for (let i = 0; i < b.nodeCount; i++) {
    const n = b.nodeAt(i);
    const unread = n.attrs.serviceAccountUnread;
    const maybe = n.kind === 'human' && Array.isArray(unread) && unread.length > 0;
    if (n.kind !== 'identity' && !maybe) continue;
    // The configuration outranks a name match (the transforms mark names; Okta's config here).
    if (n.kind === 'identity' && (!n.agent || n.agent.confidence === 'name') && (config.knownAgents.includes(n.nativeId) || config.knownAgents.includes(n.name) || config.knownAgents.includes(n.id))) {
      n.agent = { confidence: 'config', reasons: ['declared an AI agent in the configuration'] };
    }
    if (!n.machineReasons && !maybe) continue;
    const a = n.attrs;
    if (a.mfa === undefined) {
      if (typeof a.mfaRegistered === 'boolean') a.mfa = a.mfaRegistered;
      else if (typeof a.activeFactors === 'number') a.mfa = a.activeFactors > 0;
      else if (typeof a.mfaActive === 'boolean') a.mfa = a.mfaActive;
    }
    // Okta's lastLogin moves on sign-in through the login flow, not on API-token use. null is
    // "never signed in"; a record without the field (or with one that could not be read) says
    // nothing, and leaves interactive use not collected rather than "none".
    if (a.interactiveUse === undefined && n.provider === 'okta' && a.lastLogin !== undefined) {
      a.interactiveUse = a.lastLogin !== null && a.lastLogin !== undefined;
      if (a.interactiveUse) {
        a.interactiveUseAt = a.lastLogin;
        a.interactiveUseEvidence = `Okta sign-in ${String(a.lastLogin).slice(0, 10)}`;
      }
    }
  }
}

/** Resource names of model-serving APIs whose permissions mark an identity as an AI workload. */
const MODEL_API = /\b(azure openai|openai|cognitive services|azure ai services|azure machine learning|bedrock|sagemaker runtime)\b/i;

/**
 * Entra identities granted a permission on a model-serving API (Azure OpenAI / Cognitive
 * Services) are AI workloads by permission, like AWS principals that may call Bedrock.
 */
function markModelInvokers(b: GraphBuilder): void {
  // The privileges on model-serving APIs, found once: a few thousand privilege nodes, against
  // hundreds of thousands of grant edges.
  const modelPrivileges = new Map<string, GraphNode>();
  for (let i = 0; i < b.nodeCount; i++) {
    const n = b.nodeAt(i);
    if (n.kind !== 'privilege') continue;
    if (MODEL_API.test(String(n.attrs.resourceDisplayName ?? n.attrs.resourceName ?? n.name))) modelPrivileges.set(n.id, n);
  }
  if (modelPrivileges.size === 0) return;
  const edges = b.edgeList();
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i];
    if (e.type !== 'GRANTED' && e.type !== 'DELEGATED_GRANT') continue;
    const to = modelPrivileges.get(e.to);
    if (!to) continue;
    const from = b.getNode(e.from);
    if (!from || from.kind !== 'identity') continue;
    if (from.agent && from.agent.confidence !== 'name') continue;
    from.agent = { confidence: 'permission', reasons: [`holds ${to.name} on a model-serving API`, ...(from.agent?.reasons ?? [])] };
  }
}
