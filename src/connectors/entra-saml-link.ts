import type { GraphBuilder } from '../graph/graph.js';
import type { GraphEdge, GraphNode } from '../graph/model.js';
import { providerClaims } from './okta/saml-claims.js';

/**
 * Entra enterprise apps that sign users in to AWS by SAML (the AWS gallery apps): the Entra
 * transform leaves each assignment of an app role naming an AWS role as a SAML_MAPS_TO edge to the
 * SAML provider's node, with the role ARN in its evidence. Here that edge becomes an edge to the
 * role itself, as AWS decides it:
 *
 * - the role was scanned and its trust policy lets the provider in (a FEDERATES_TO edge from the
 *   provider): an edge to the role, conditional when the trust or the assignment is;
 * - the role's account was scanned but no role of that ARN trusts the provider: AWS refuses the
 *   assertion ("Not authorized to perform sts:AssumeRoleWithSAML"), so no edge is left;
 * - the account was not scanned, or its IAM was not read: the edge to the provider stays, for what
 *   cannot be checked (conditional when another app names the provider, as below).
 *
 * An IAM SAML provider holds one identity provider's metadata (its issuer and signing
 * certificate), which the snapshot does not hold. When another scanned app (Okta, or another
 * enabled Entra app whose app roles name it, assigned or not: the transform's app edges) also
 * names the provider, which one it was made for is not known, and the route is conditional. The
 * app edges themselves stay: they are what feeds the provider.
 *
 * Linear: one pass over the edges, one over the Entra SAML edges found.
 */
export function linkEntraSaml(b: GraphBuilder): void {
  /** Roles trusting each SAML provider node, by role ARN, with their trust edge. */
  const trusting = new Map<string, Map<string, GraphEdge>>();
  const assignments: GraphEdge[] = [];
  /** The Entra apps naming each provider ARN (node ids). */
  const entraApps = new Map<string, Set<string>>();
  const edges = b.edgeList();
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i];
    if (e.type === 'FEDERATES_TO') {
      const trust = liveSamlTrust(b, e);
      if (!trust) continue;
      const { hub, role } = trust;
      // Statements of one policy may each name the provider: a firm one is kept over one that
      // holds only under a condition, whichever comes first.
      const byArn = trusting.get(hub.id) ?? trusting.set(hub.id, new Map()).get(hub.id)!;
      const prior = byArn.get(role.nativeId);
      if (prior === undefined || (prior.conditional && !e.conditional)) byArn.set(role.nativeId, e);
    } else if (noteEntraSamlApp(e, entraApps)) {
      // An app's own edge to the provider (no roleArn: it stays) or an assignment's.
      if (typeof e.evidence!.roleArn === 'string') assignments.push(e);
    }
  }
  if (assignments.length === 0) return;
  const okta: GraphNode[] = [];
  for (let i = 0; i < b.nodeCount; i++) {
    const n = b.nodeAt(i);
    if (n.type === 'okta-aws-federation-app') okta.push(n);
  }
  const oktaClaims = providerClaims(okta);
  const scanned = iamReadAccounts(b);
  const drop = new Set<GraphEdge>();
  const add: GraphEdge[] = [];
  for (const e of assignments) {
    const roleArn = e.evidence!.roleArn as string;
    const providerArn = e.evidence!.providerArn as string;
    const account = roleArn.split(':')[4];
    // Compared as written: IAM role names are unique regardless of case, but "when a role name is
    // used in a policy or as part of an ARN, the role name is case sensitive" (IAM User Guide,
    // creating a role; only the console's display of it, at sign-in, ignores case), and the SAML
    // Role attribute names the role by its ARN. A value differing in case names no role AWS finds.
    const trust = trusting.get(e.to)?.get(roleArn);
    const doubt = () => sharedProvider(providerArn, e.evidence!.entraApp as string, entraApps, oktaClaims.get(providerArn) ?? [], b);
    if (!trust) {
      if (scanned.has(account)) {
        drop.add(e);
        continue;
      }
      // The account was not scanned: the edge to the provider stays, with the same doubt as a route
      // to a role when another scanned app names the provider (as the Okta side's route does).
      const shared = doubt();
      if (shared) {
        drop.add(e);
        add.push({ ...e, conditional: true, reason: `${e.reason}; ${shared}` });
      }
      continue;
    }
    drop.add(e);
    const role = b.getNode(trust.to)!;
    const shared = doubt();
    add.push({
      ...e,
      ...(e.conditional || trust.conditional || shared ? { conditional: true } : {}),
      to: role.id,
      reason: `${e.reason}, and ${trust.conditional ? `the ${trust.reason}` : `${role.name} accepts SAML sign-in through it`}${shared ? `; ${shared}` : ''}`,
      evidence: { ...e.evidence, via: e.to },
    });
  }
  b.removeEdges(drop);
  for (const e of add) b.addEdge(e);
}

/**
 * Whether `e` is an Entra SAML edge (an enterprise app's own edge to an AWS SAML provider, or an
 * assignment's): then the app it names is added to `into`, the Entra apps naming each provider
 * ARN (node ids). Both SAML linkers read them alike: this one and the Okta side (link.ts).
 */
export function noteEntraSamlApp(e: GraphEdge, into: Map<string, Set<string>>): boolean {
  const app = e.evidence?.entraApp;
  const arn = e.evidence?.providerArn;
  if (e.type !== 'SAML_MAPS_TO' || typeof app !== 'string' || typeof arn !== 'string') return false;
  (into.get(arn) ?? into.set(arn, new Set()).get(arn)!).add(app);
  return true;
}

/**
 * The AWS accounts whose IAM was read. A listed account whose authorization details were not
 * (refused, failed, missing) is a scope with no roles, and what its roles trust is unknown there:
 * a SAML route into it ends at the provider. Shared with the Okta side (link.ts).
 */
export function iamReadAccounts(b: GraphBuilder): Set<string> {
  const scanned = new Set<string>();
  for (const c of b.coverageRecords()) if (c.provider === 'aws' && c.capability === 'aws.iam' && c.status === 'collected') scanned.add(c.scope);
  return scanned;
}

/**
 * The SAML provider node and the role of a FEDERATES_TO edge that lets SAML sign-in into the
 * role, unless the trust is dead (the AWS transform's evidence.dead: a SAML:aud that is no AWS
 * sign-in endpoint), which takes no assertion. Shared with the Okta side (link.ts).
 */
export function liveSamlTrust(b: GraphBuilder, e: GraphEdge): { hub: GraphNode; role: GraphNode } | undefined {
  const hub = b.getNode(e.from);
  const role = b.getNode(e.to);
  if (hub?.type !== 'aws-saml-provider-ref' || !role || e.evidence?.dead !== undefined) return undefined;
  return { hub, role };
}

/** Why the provider may hold another app's metadata: another scanned app names it too. */
function sharedProvider(arn: string, app: string, entra: Map<string, Set<string>>, okta: GraphNode[], b: GraphBuilder): string | undefined {
  const others: string[] = [];
  for (const id of entra.get(arn) ?? []) if (id !== app) others.push(`the Entra app ${b.getNode(id)?.name ?? id}`);
  for (const n of okta) others.push(`the Okta app ${n.name}`);
  if (others.length === 0) return undefined;
  others.sort();
  return `${others.join(' and ')} also name${others.length === 1 ? 's' : ''} that provider, which holds one identity provider's metadata (not read), so it may not accept this app's assertions`;
}
