import type { Graph } from './graph.js';
import type { GraphNode, ScopeInfo } from './model.js';

/** An Entra token issuer (v1 or v2, public and sovereign clouds): its tenant id is group 1. */
export const ENTRA_ISSUER = /^(?:https:\/\/)?(?:sts\.windows\.net|login\.microsoftonline\.com|login\.microsoftonline\.us|sts\.chinacloudapi\.cn|login\.partner\.microsoftonline\.cn)\/([0-9a-f-]{36})(?:\/v2\.0)?\/?$/i;

/**
 * The scanned Entra tenant whose tokens an external issuer node stands for, if any. Such an
 * issuer is no outside workload: every service principal of that tenant can get a token from it
 * with its own credentials (the linker joins them, src/connectors/link.ts).
 */
export function scannedEntraTenant(graph: Graph, n: GraphNode): ScopeInfo | undefined {
  if (n.kind !== 'external' || typeof n.attrs.issuer !== 'string') return undefined;
  return scannedIssuerTenant(n.attrs.issuer, graph.scopes);
}

/** The scanned Entra tenant (among `scopes`) whose token issuer `issuer` is, if it is one. */
export function scannedIssuerTenant(issuer: string, scopes: readonly ScopeInfo[]): ScopeInfo | undefined {
  const m = ENTRA_ISSUER.exec(issuer);
  if (!m) return undefined;
  const tenant = m[1].toLowerCase();
  // A tenant scanned under a domain name is found by the id it carries (ScopeInfo.tenantId).
  return scopes.find((s) => s.provider === 'entra' && (s.id.toLowerCase() === tenant || s.tenantId === tenant));
}
