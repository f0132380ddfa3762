import type { GraphBuilder } from '../graph/graph.js';
import type { GraphNode } from '../graph/model.js';

/** `https://sts.windows.net/<tenant>/` (v1 tokens) or `https://login.microsoftonline.com/<tenant>/v2.0`. */
const ENTRA_ISSUER = /^(?:https:\/\/)?(?:sts\.windows\.net|login\.microsoftonline\.com|login\.microsoftonline\.us|sts\.chinacloudapi\.cn)\/([0-9a-f-]{36})(?:\/v2\.0)?\/?$/i;

/**
 * Joins the providers' graphs where one provider's configuration trusts another's identities.
 * The transforms leave each foreign trust as an external node (an OIDC issuer + subject that
 * FEDERATES_TO a role); here, when the issuer is a tenant or org that was also scanned, the
 * identities that can obtain such a token get their own edge to the trusting identity.
 *
 * Linear: one pass over nodes builds indexes, one pass over federation edges uses them.
 */
export function linkProviders(b: GraphBuilder): void {
  const entraByAppId = new Map<string, GraphNode>();
  const entraByObjectId = new Map<string, GraphNode>();
  const entraByIdentifierUri = new Map<string, GraphNode>();
  const oktaByClientId = new Map<string, GraphNode>();
  const entraTenants = new Set<string>();
  const oktaOrgs = new Map<string, string>();
  for (const n of b.nodeList()) {
    if (n.provider === 'entra' && n.kind === 'identity') {
      entraTenants.add(n.scope.toLowerCase());
      const appId = n.attrs.appId;
      if (typeof appId === 'string') entraByAppId.set(`${n.scope}|${appId}`.toLowerCase(), n);
      entraByObjectId.set(`${n.scope}|${n.nativeId}`.toLowerCase(), n);
      const names = n.attrs.servicePrincipalNames ?? n.attrs.identifierUris;
      if (Array.isArray(names)) for (const u of names) if (typeof u === 'string') entraByIdentifierUri.set(`${n.scope}|${u}`.toLowerCase(), n);
    }
    if (n.provider === 'okta' && n.kind === 'identity') {
      const org = n.scope.replace(/\/+$/, '').toLowerCase();
      oktaOrgs.set(org, n.scope);
      const clientId = n.attrs.clientId;
      if (typeof clientId === 'string') oktaByClientId.set(`${org}|${clientId}`, n);
    }
  }

  for (const e of [...b.edgeList()]) {
    if (e.type !== 'FEDERATES_TO') continue;
    const ext = b.getNode(e.from);
    const target = b.getNode(e.to);
    if (!ext || !target || ext.kind !== 'external') continue;
    const issuer = typeof ext.attrs.issuer === 'string' ? ext.attrs.issuer : undefined;
    if (!issuer) continue;
    const subject = typeof ext.attrs.subject === 'string' ? ext.attrs.subject : undefined;
    const subjectMatch = ext.attrs.subjectMatch;
    const audiences = Array.isArray(ext.attrs.audiences) ? (ext.attrs.audiences as string[]) : [];

    const entra = ENTRA_ISSUER.exec(issuer);
    if (entra && entraTenants.has(entra[1].toLowerCase())) {
      const tenant = entra[1].toLowerCase();
      const holders = new Map<string, { node: GraphNode; why: string }>();
      if (subject && subjectMatch === 'exact') {
        const sp = entraByObjectId.get(`${tenant}|${subject}`.toLowerCase());
        if (sp) holders.set(sp.id, { node: sp, why: `sub pins its object id ${subject}` });
      } else {
        // Audience-only trust: the app the audience names is the intended caller; every other
        // service principal of the tenant can also request a token for it (see nhi rule).
        for (const aud of audiences) {
          const sp = entraByAppId.get(`${tenant}|${aud}`) ?? entraByIdentifierUri.get(`${tenant}|${aud}`.toLowerCase());
          if (sp) holders.set(sp.id, { node: sp, why: `aud ${aud} is its application${subject ? '' : ', and no sub condition narrows it'}` });
        }
      }
      for (const { node, why } of holders.values()) {
        b.addEdge({
          from: node.id,
          to: target.id,
          type: 'CAN_ASSUME',
          reason: `${target.name} trusts Entra tenant ${tenant} tokens (${why}); ${node.name} can obtain one with its own credentials`,
          hidden: true,
          evidence: { issuer, subject: subject ?? null, audiences, via: ext.id },
        });
      }
      continue;
    }

    const okta = /^(https:\/\/[^/]+)(?:\/oauth2\/[^/]+)?\/?$/i.exec(issuer);
    if (okta && oktaOrgs.has(okta[1].toLowerCase()) && subject && subjectMatch === 'exact') {
      const app = oktaByClientId.get(`${okta[1].toLowerCase()}|${subject}`);
      if (app) {
        b.addEdge({
          from: app.id,
          to: target.id,
          type: 'CAN_ASSUME',
          reason: `${target.name} trusts Okta issuer ${issuer} with sub ${subject}, the client id of ${app.name}`,
          hidden: true,
          evidence: { issuer, subject, audiences, via: ext.id },
        });
      }
    }
  }
}
