import type { GraphBuilder } from '../graph/graph.js';
import type { GraphEdge, GraphNode, OktaAccessPolicy, OktaAccessRule, OktaAuthServer } from '../graph/model.js';
import { ids, oktaOrigin } from '../graph/ids.js';
import { ENTRA_ISSUER } from '../graph/entra-issuer.js';
import { audienceVerdict, isTokenExchangeAudience, subjectFilter, subjectPositives, tokenVersionVerdict, trustClientIds } from '../graph/entra-audience.js';
import { firstFewText, sortTexts, uniqueSortedTexts } from '../compare.js';
import { compileWildcard, globTokens } from '../aws/policy/wildcard.js';
import { claimEntries, clientIdCaseDoubt, entryAccepts, unlistedAudience } from '../aws/trust.js';
import { appFilterAdmits, appFilterDoubt, oktaGroupFilter } from './okta/transform-aws.js';
import { iamReadAccounts, linkEntraSaml, liveSamlTrust, noteEntraSamlApp } from './entra-saml-link.js';
import { awsSamlRole, patternPart, providerAccepts, providerClaims, samlProviderRef, type ProviderClaims } from './okta/saml-claims.js';
import { deadTrustReason, oidcTrustKey } from './aws/transform.js';
import { deadFicReason } from './entra/transform-credentials.js';

/**
 * Entra token issuers, `<host>/<tenant>/` (v1 tokens) or `<host>/<tenant>/v2.0`. Per cloud
 * (Microsoft Q&A, "What are the token issuers for the sovereign clouds"): v1 `sts.windows.net`
 * (global and US Government) or `sts.chinacloudapi.cn` (21Vianet); v2 `login.microsoftonline.com`,
 * `login.microsoftonline.us` or `login.partner.microsoftonline.cn`.
 */

/**
 * Joins the providers' graphs where one provider's configuration trusts another's identities.
 * The transforms leave each foreign trust as an external node (an OIDC issuer + subject that
 * FEDERATES_TO a role); here, when the issuer is a tenant or org that was also scanned, the
 * identities that can obtain such a token get their own edge to the trusting identity.
 *
 * Linear: one pass over nodes builds indexes, one pass over federation edges uses them.
 */
export function linkProviders(b: GraphBuilder): void {
  narrowSamlAssignments(b);
  linkEntraSaml(b);
  const oktaByClientId = new Map<string, GraphNode>();
  /** Each scanned Entra tenant (lower case) by what an issuer names it by: its scope id, and its id when the scope is a domain name. */
  const entraTenants = new Map<string, string>();
  const oktaOrgs = new Map<string, string>();
  /** The Okta identities with a client id (service apps), per org origin, in node order. */
  const oktaApps = new Map<string, GraphNode[]>();
  /** The Entra identities, in node order: the three indexes below are built from them on first use. */
  const entraIdentities: GraphNode[] = [];
  // Indexed loops over the builder's nodes and edges here and below: these passes run once, and
  // their for..of loops allocated an iterator result per node or edge (about 90 MB at 100k).
  for (let i = 0; i < b.nodeCount; i++) {
    const n = b.nodeAt(i);
    if (n.provider === 'entra' && n.kind === 'identity') {
      const t = n.scope.toLowerCase();
      entraTenants.set(t, t);
      entraIdentities.push(n);
    }
    if (n.provider === 'okta' && n.kind === 'identity') {
      // As its origin, as in the node ids: `HTTPS://Acme.okta.com:443/` is the issuer `https://acme.okta.com`.
      const org = oktaOrigin(n.scope);
      oktaOrgs.set(org, n.scope);
      const clientId = n.attrs.clientId;
      if (typeof clientId === 'string') {
        oktaByClientId.set(`${org}|${clientId}`, n);
        (oktaApps.get(org) ?? oktaApps.set(org, []).get(org)!).push(n);
      }
    }
  }

  // A tenant scanned under a domain name is named by its id in token issuers.
  for (const scope of b.scopesOf('entra')) {
    const t = scope.id.toLowerCase();
    if (scope.tenantId !== undefined && entraTenants.has(t)) entraTenants.set(scope.tenantId, t);
  }

  // Each index is made when a trust first needs it (a key per identity of a large tenant costs;
  // many estates need one index or none). Only edges are added from here (and the credentials of
  // trusts no token passes marked dead, which no index reads), so the nodes and their attributes
  // are those a pass made up front would have read.
  const index = (keysOf: (n: GraphNode) => readonly string[]): Map<string, GraphNode> => {
    const m = new Map<string, GraphNode>();
    for (const n of entraIdentities) for (const k of keysOf(n)) m.set(k, n);
    return m;
  };
  let byAppId: Map<string, GraphNode> | undefined;
  let byObjectId: Map<string, GraphNode> | undefined;
  let byIdentifierUri: Map<string, GraphNode> | undefined;
  const entraByAppId = () => (byAppId ??= index((n) => (typeof n.attrs.appId === 'string' ? [`${n.scope}|${n.attrs.appId}`.toLowerCase()] : [])));
  const entraByObjectId = () => (byObjectId ??= index((n) => [`${n.scope}|${n.nativeId}`.toLowerCase()]));
  const entraByIdentifierUri = () =>
    (byIdentifierUri ??= index((n) => {
      const names = n.attrs.servicePrincipalNames ?? n.attrs.identifierUris;
      return Array.isArray(names) ? names.filter((u): u is string => typeof u === 'string').map((u) => `${n.scope}|${u}`.toLowerCase()) : [];
    }));

  // The service principals (managed identities and agent identities included) that can get an
  // app-only token an Entra trust accepts. In such a token `aud` names the resource app (its app id,
  // or in a v1 token the App ID URI the caller asked for) and `sub`, like `oid`, is the object id of
  // the calling service principal (Microsoft identity platform, "Access token claims reference").
  // Any service principal of the tenant can get a token for an app, unless the app's service
  // principal sets appRoleAssignmentRequired: then only those granted an app-role assignment to it
  // can (Microsoft Graph, servicePrincipal resource type). The open case (no sub condition, no
  // assignment required) names only the audience app itself: every other service principal is the
  // trust's external node ("any subject"), which keeps its own edge to the role.
  let assigned: Map<string, Set<GraphNode>> | undefined;
  /**
   * Of the holders in `assigned`, those whose every assignment to the resource is of an app role
   * it marks disabled (isEnabled false), by the same key; made in the same pass (rare: usually empty).
   */
  const disabledOnly = new Map<string, Set<GraphNode>>();
  /**
   * The resources a user or group (anything but a service principal) holds an app-role assignment
   * to, by the same key; made in the same pass. Such a user, or a member of such a group, can get a
   * delegated token for the resource, whose sub is no object id (a pairwise id).
   */
  const heldByPeople = new Set<string>();
  /** Per tenant, the resource ids as written already put in heldByPeople (one key made per resource). */
  const peopleWritten = new Map<string, Set<string>>();
  /** Whether a user or group holds an app-role assignment to the resource `app` (see heldByPeople). */
  const peopleHold = (tenant: string, app: GraphNode): boolean => {
    assigneesIndex();
    return heldByPeople.has(`${tenant}|${app.nativeId}`.toLowerCase());
  };
  /** The SPs holding an app-role assignment to a resource SP, by `tenant|resource object id`; one pass over the edges. */
  const assigneesIndex = (): Map<string, Set<GraphNode>> => {
    if (assigned) return assigned;
    const byKey = new Map<string, Set<GraphNode>>();
    // Per holder set (one per resource), its holders with an assignment of a disabled role.
    const off = new Map<Set<GraphNode>, Set<GraphNode>>();
    // Per tenant and resource id as written, the set of its lower-cased key: about 88,000
    // assignments name some 1,450 resources on the 100k estate, and a key string made, lower-cased
    // and hashed per assignment was half of this pass (~100 -> ~45 ms, measured alone).
    const byWritten = new Map<string, Map<string, Set<GraphNode>>>();
    const edges = b.edgeList();
    for (let i = 0; i < edges.length; i++) {
      const g = edges[i];
      const resourceId = g.type === 'GRANTED' ? g.evidence?.resourceId : undefined;
      if (typeof resourceId !== 'string') continue;
      const holder = b.getNode(g.from);
      const role = b.getNode(g.to);
      if (!holder || holder.provider !== 'entra' || role?.type !== 'entra-app-role') continue;
      if (!CALLER_TYPES.has(holder.type)) {
        let written = peopleWritten.get(holder.scope);
        if (written === undefined) peopleWritten.set(holder.scope, (written = new Set()));
        if (!written.has(resourceId)) {
          written.add(resourceId);
          heldByPeople.add(`${holder.scope}|${resourceId}`.toLowerCase());
        }
        continue;
      }
      let inTenant = byWritten.get(holder.scope);
      if (inTenant === undefined) byWritten.set(holder.scope, (inTenant = new Map()));
      let holders = inTenant.get(resourceId);
      if (holders === undefined) {
        const key = `${holder.scope}|${resourceId}`.toLowerCase();
        holders = byKey.get(key);
        if (holders === undefined) byKey.set(key, (holders = new Set()));
        inTenant.set(resourceId, holders);
      }
      holders.add(holder);
      if (role.enabled === false) (off.get(holders) ?? off.set(holders, new Set()).get(holders)!).add(holder);
    }
    if (off.size > 0) {
      // Rare: a second pass takes out those that also hold an enabled role of the same resource.
      for (let i = 0; i < edges.length; i++) {
        const g = edges[i];
        const resourceId = g.type === 'GRANTED' ? g.evidence?.resourceId : undefined;
        if (typeof resourceId !== 'string' || b.getNode(g.to)?.enabled === false) continue;
        const holder = b.getNode(g.from);
        const holders = holder && byWritten.get(holder.scope)?.get(resourceId);
        if (holders) off.get(holders)?.delete(holder);
      }
      for (const [key, holders] of byKey) {
        const only = off.get(holders);
        if (only !== undefined && only.size > 0) disabledOnly.set(key, only);
      }
    }
    return (assigned = byKey);
  };
  const capabilitiesRead = new Map<string, boolean>();
  /** Whether an Entra capability of a tenant was read (the last coverage record of the capability). */
  const collected = (tenant: string, capability: string): boolean => {
    const key = `${capability}|${tenant}`;
    let read = capabilitiesRead.get(key);
    if (read === undefined) {
      read = false;
      for (const c of b.coverageRecords()) {
        if (c.provider === 'entra' && c.capability === capability && c.scope.toLowerCase() === tenant) read = c.status === 'collected';
      }
      capabilitiesRead.set(key, read);
    }
    return read;
  };
  /** Whether a tenant's app-role assignments were read. */
  const readAssignments = (tenant: string): boolean => collected(tenant, 'entra.appRoleAssignments');
  /** The SPs of a tenant whose object id a sub pattern matches (patternMatcher). */
  const matching = patternMatcher(() => {
    const byTenant = new Map<string, GraphNode[]>();
    for (const n of entraIdentities) {
      if (!CALLER_TYPES.has(n.type)) continue;
      const t = n.scope.toLowerCase();
      (byTenant.get(t) ?? byTenant.set(t, []).get(t)!).push(n);
    }
    return byTenant;
  }, (n) => n.nativeId);
  /**
   * Per tenant, the callers whose object id is not one Entra issues (a lower-case version-4 GUID,
   * ENTRA_OBJECT_ID): only a hand-made or made-up snapshot holds one. Made on the first sub pattern
   * that matches every object id Entra issues.
   */
  let oddObjectIds: Map<string, GraphNode[]> | undefined;
  const admitsAll = new Map<string, boolean>();
  /**
   * Whether a sub pattern admits every service principal of the tenant: it matches every object id
   * Entra issues (matchesEveryObjectId: `*-*`, `????????-*`, `*-4*`), and each caller of the
   * snapshot whose id is not one of those. Such a trust is no narrower than one with no sub condition and
   * is linked as one: matching it against each service principal gave every such trust an edge
   * from each of them (trusts x service principals edges, 3.7 million for 2,000 of each).
   */
  const patternAdmitsAll = (tenant: string, subject: string): boolean => {
    const key = `${tenant}|${subject}`;
    let all = admitsAll.get(key);
    if (all === undefined) {
      all = matchesEveryObjectId(subject);
      if (all) {
        if (oddObjectIds === undefined) {
          oddObjectIds = new Map();
          for (const n of entraIdentities) {
            if (!CALLER_TYPES.has(n.type) || ENTRA_OBJECT_ID.test(n.nativeId)) continue;
            const t = n.scope.toLowerCase();
            (oddObjectIds.get(t) ?? oddObjectIds.set(t, []).get(t)!).push(n);
          }
        }
        const pattern = compileWildcard(globTokens(subject));
        all = (oddObjectIds.get(tenant) ?? []).every((n) => pattern.test(n.nativeId));
      }
      admitsAll.set(key, all);
    }
    return all;
  };
  /**
   * Whether one positive operator on an AWS trust's sub key admits every service principal of the
   * tenant: a StringLike one (its IfExists and ForAnyValue:/ForAllValues: forms change nothing for a
   * sub, which every token carries once) with a value that does (patternAdmitsAll). Values are
   * alternatives, but several that cover the object ids only together are not looked for: the trust
   * is then linked one service principal at a time, which is larger but as correct.
   */
  const admitsEveryId = (tenant: string, entry: { op: string; values: readonly string[] }): boolean =>
    STRING_LIKE.test(entry.op) && entry.values.some((v) => patternAdmitsAll(tenant, v));
  /**
   * The service principals of the tenant a sub pattern admits, when they are more than
   * BROAD_PATTERN_LINKS (else undefined), in object id order: those whose object id it matches and
   * that `filter` (the trust's other operators on sub, when it has any) lets through. Such a trust is
   * linked as one that admits every object id is: its own edge stands for them, saying how many and
   * which first. One link per service principal gave trusts x service principals edges for a broad
   * pattern (`*0*`, `*a*`, `*-8*` each admit most object ids): 2,000 of each, millions of edges.
   */
  const broadAdmitted = (tenant: string, subject: string, fact: unknown, filter: ((objectId: string) => boolean) | undefined): GraphNode[] | undefined => {
    const all = matching(tenant, subject);
    if (all.length <= BROAD_PATTERN_LINKS) return undefined;
    const admitted = filter === undefined ? all : narrowed(`entra|${tenant}|${subject}`, all, fact, (n) => filter(n.nativeId));
    return admitted.length > BROAD_PATTERN_LINKS ? admitted : undefined;
  };
  const narrowedBy = new Map<string, GraphNode[]>();
  /**
   * `list` (what `listKey` names) held to a trust's other operators on sub (`fact`, its evidence.subject):
   * worked out once per list and set of operators. Roles made from one template share them, and
   * filtering the service principals a broad pattern matches again for each such trust made the
   * work trusts x identities (2,000 trusts and 100,000 of them: minutes).
   */
  const narrowed = (listKey: string, list: readonly GraphNode[], fact: unknown, admits: (n: GraphNode) => boolean): GraphNode[] => {
    const key = `${listKey}|${JSON.stringify(fact ?? null)}`;
    let found = narrowedBy.get(key);
    if (found === undefined) {
      found = list.filter(admits);
      narrowedBy.set(key, found);
    }
    return found;
  };
  /** The service apps of an Okta org whose client id a sub pattern matches (patternMatcher). */
  const oktaMatching = patternMatcher(() => new Map([...oktaApps].map(([o, list]) => [o, [...list]])), (n) => n.attrs.clientId as string);
  const servedMatching = new Map<string, GraphNode[]>();
  /**
   * Of the service apps a sub pattern matches (oktaMatching), those the custom authorization
   * server's access policies do not refuse a client credentials token (policyVerdict not dormant):
   * worked out once per server and pattern, however many trusts use them.
   */
  const oktaServed = (org: string, server: OktaAuthServer, subject: string): GraphNode[] => {
    const key = `${org}|${server.id}|${subject}`;
    let served = servedMatching.get(key);
    if (served === undefined) {
      served = oktaMatching(org, subject).filter((a) => policyVerdict(server, a).dormant === undefined);
      servedMatching.set(key, served);
    }
    return served;
  };
  /**
   * The app of the tenant a token audience names: by app id, or by an App ID URI of its service
   * principal. Either in any case: whether a token of the app meets the trust in the case it is
   * written in is the audience's verdict (audienceVerdict), not a miss here.
   */
  const audienceApp = (tenant: string, aud: string): GraphNode | undefined =>
    isTokenExchangeAudience(aud) ? undefined : entraByAppId().get(`${tenant}|${aud}`.toLowerCase()) ?? entraByIdentifierUri().get(`${tenant}|${aud}`.toLowerCase());
  /**
   * Who can get a token for one of the audiences that also meets the sub condition, each with why,
   * and with `doubt` when that rests on something not read (then the edge is conditional).
   * `everyId`: the sub is a pattern every service principal's object id matches (patternAdmitsAll),
   * linked as no sub condition is, its reason saying so. `broad`: a pattern that admits more than
   * BROAD_PATTERN_LINKS of them (broadAdmitted): the trust's own edge stands for them, as for
   * `everyId`, but only the service principals the pattern matches are linked on their own (the
   * audience app itself, or the holders of an assignment the app requires).
   */
  const entraCallers = (
    tenant: string,
    subject: string | undefined,
    exact: boolean,
    everyId: boolean,
    broad: boolean,
    audiences: readonly EntraAudience[],
    subAdmits: (objectId: string) => boolean,
  ): Map<string, EntraCaller> => {
    const found = new Map<string, EntraCaller>();
    // A caller reached through several audiences keeps its best way in: one that holds today over
    // one resting on a doubt, and either over one STS turns away today.
    const rank = (c: { doubt?: string; blocked?: string }) => (c.blocked !== undefined ? 2 : c.doubt !== undefined ? 1 : 0);
    const keep = (node: GraphNode, why: string, doubt: string | undefined, blocked: string | undefined): void => {
      // Every operator on the trust's sub key must take the caller's object id, negated ones too.
      if (!subAdmits(node.nativeId)) return;
      const prior = found.get(node.id);
      const next: EntraCaller = blocked !== undefined ? { node, why, doubt, blocked } : { node, why, doubt };
      if (!prior || rank(next) < rank(prior)) found.set(node.id, next);
    };
    const pinned = subject && exact ? entraByObjectId().get(`${tenant}|${subject}`.toLowerCase()) : undefined;
    // A sub no service principal of the tenant has: no token of the tenant carries it.
    if (subject && exact && (!pinned || !CALLER_TYPES.has(pinned.type))) return found;
    const pattern = subject && !exact && !everyId ? compileWildcard(globTokens(subject)) : undefined;
    const admits = (n: GraphNode): boolean => (pinned ? n === pinned : pattern ? pattern.test(n.nativeId) : true);
    // The service principals the pattern matches, one by one: not for a broad one, whose trust edge stands for them.
    const each = pattern && !broad;
    const subWhy = pinned
      ? `sub pins its object id ${subject}`
      : pattern
        ? `sub pattern ${subject} matches its object id`
        : everyId
          ? `sub pattern ${subject} admits every object id Entra issues`
          : 'no sub condition';
    for (const { aud, app, bar, doubts, refused } of audiences) {
      // STS turns every token for the audience away today (its client id list does not hold it),
      // as it does every token of a trust whose list holds none of its audiences (the transform's
      // evidence.blocked): Entra issues the token all the same, and adding the client id opens the
      // role with the trust policy untouched. Its callers get the same latent link as there,
      // conditional and saying why (`refused`), not a doubt and not no link; a barred audience or
      // a disabled app gives none, as no token for it is issued or meets the condition at all.
      const add = (node: GraphNode, why: string, doubt: string | undefined): void => keep(node, why, doubt, refused);
      // No token of the issuer carries the audience (its app's token version) or meets the trust's
      // aud condition (the case of its app id, a pattern no casing of it meets): it names no one.
      if (bar !== undefined) continue;
      if (!app) {
        // Not an app of the scanned tenant (another tenant's app, Entra's token exchange audience):
        // whether it requires assignment is not known. The SPs the sub condition names may each get
        // a token for it, a pattern's as a pinned one; with no sub condition the trust's own entry
        // point stands for them.
        const unknown = `Entra gives it a token for aud ${aud}, which is no app of the scanned tenant, so whether that requires an app-role assignment is not known`;
        if (pinned) add(pinned, `${subWhy}, for aud ${aud}`, unknown);
        else if (each) for (const sp of matching(tenant, subject!)) add(sp, `${subWhy}, for aud ${aud}`, unknown);
        continue;
      }
      // Entra refuses a token for a resource whose service principal is disabled (AADSTS500014):
      // until it is re-enabled the audience gives no one a token, as an inactive Okta AWS app
      // federates no one (narrowSamlAssignments). nhi-entra-token-any-app-assumes-aws-role reports
      // an open trust on it as dormant all the same.
      if (app.enabled === false) continue;
      // What every token for the audience rests on (its version not read, the client id list's case).
      const audienceDoubt = doubts.length > 0 ? doubts.join(', and ') : undefined;
      const required = app.attrs.appRoleAssignmentRequired;
      // Read for the tenant, and for this app: a resource whose own list was not read
      // (markUnreadResources) leaves its holders unknown, as the tenant's unread list does.
      const tenantRead = readAssignments(tenant);
      const readOk = tenantRead && app.attrs.appRoleAssignmentsUnread !== true;
      // The index of every app-role assignment (one pass over the grants) only when an app may
      // require them: most audiences do not, and their callers need no list of holders.
      const key = `${tenant}|${app.nativeId}`.toLowerCase();
      const holders = readOk && required !== false ? assigneesIndex().get(key) : undefined;
      // Holders whose only assignments to the app are of disabled app roles: whether Entra lets
      // such an assignment meet appRoleAssignmentRequired is not documented (the role goes into no
      // token, the assignment object stays), so their way in is a doubt, not a firm one.
      const offOnly = holders !== undefined ? disabledOnly.get(key) : undefined;
      if (required === true) {
        const audWhy = `aud ${aud} is ${app.name}, which requires an app-role assignment`;
        if (!readOk) {
          // Which SPs hold one is not known: those the sub condition names may, each conditionally.
          // Without a sub condition the trust's own entry point stands for them.
          const unread = joinDoubts(`it holds an app-role assignment to ${app.name} (${tenantRead ? `the app-role assignments of ${app.name}` : "the tenant's app-role assignments"} were not read)`, audienceDoubt);
          if (pinned) add(pinned, `${subWhy}; ${audWhy}`, unread);
          else if (each) for (const sp of matching(tenant, subject!)) add(sp, `${subWhy}; ${audWhy}`, unread);
          continue;
        }
        for (const sp of holders ?? []) {
          if (!admits(sp)) continue;
          if (offOnly?.has(sp)) {
            add(sp, `${subWhy}; ${audWhy}, and it holds one, of an app role that is disabled`, joinDoubts(`Entra takes an assignment of a disabled app role as the assignment ${app.name} requires`, audienceDoubt));
          } else add(sp, `${subWhy}; ${audWhy}, and it holds one`, audienceDoubt);
        }
        continue;
      }
      // Not required, or not known: any SP can get the token, if it is not required. One holding an
      // assignment to the app can either way.
      const open = (sp: GraphNode): string | undefined =>
        joinDoubts(required === undefined && (!holders?.has(sp) || offOnly?.has(sp) === true) ? `${app.name} does not require app-role assignment (its appRoleAssignmentRequired was not read)` : undefined, audienceDoubt);
      const audWhy = `aud ${aud} is ${app.name}${required === false ? ', which does not require app-role assignment' : ''}`;
      if (pinned) add(pinned, `${subWhy}; ${audWhy}`, open(pinned));
      else if (each) for (const sp of matching(tenant, subject!)) add(sp, `${subWhy}; ${audWhy}`, open(sp));
      else if (CALLER_TYPES.has(app.type) && admits(app)) {
        const like = pattern ? 'any other service principal whose object id the pattern matches' : 'any service principal of the tenant';
        add(app, `${subWhy}; ${audWhy}, so it, like ${like}, can get one`, open(app));
      }
    }
    return found;
  };

  // The edges present now: those added below are not visited (the builder only appends them).
  const edges = b.edgeList();
  let heldBy: Map<string, GraphEdge> | undefined;
  /**
   * Marks the credential record of a trust in an Entra tenant that no token passes inactive, with
   * why (attrs.dead), and its HAS_CREDENTIAL edge says so, as addFederatedCredential makes an IAM
   * role's dead trust. Found by the id its transform gave it: an IAM role's trust by the edge's
   * statement and provider and the node's sub (oidcTrustKey); an Entra app's federated identity
   * credential by the edge's ficId. The edges holding credentials are indexed once, on the first
   * such trust.
   */
  const markTrustDead = (e: GraphEdge, target: GraphNode, subject: string | undefined, dead: string): void => {
    let cred: GraphNode | undefined;
    let reason: string;
    if (target.provider === 'aws') {
      const statement = e.evidence?.statement;
      const provider = e.evidence?.provider;
      if (typeof statement !== 'number' || typeof provider !== 'string') return;
      cred = b.getNode(ids.awsCredential(target.scope, `${target.nativeId}#${oidcTrustKey(statement, provider, subject ?? '*')}`));
      if (cred === undefined || cred.type !== 'aws-role-trust') return;
      reason = deadTrustReason(target.name, cred.credentialType ?? 'federated-oidc', dead);
    } else {
      const ficId = e.evidence?.ficId;
      if (typeof ficId !== 'string') return;
      cred = b.getNode(ids.entraCredential(target.scope, ficId));
      if (cred === undefined || cred.type !== 'entra-federated-credential' || cred.federation === undefined) return;
      reason = deadFicReason(cred.name, target.name, cred.federation.issuer, dead);
    }
    cred.status = 'inactive';
    cred.attrs = { ...cred.attrs, dead };
    if (heldBy === undefined) {
      heldBy = new Map();
      for (let i = 0; i < edges.length; i++) if (edges[i].type === 'HAS_CREDENTIAL') heldBy.set(edges[i].to, edges[i]);
    }
    const held = heldBy.get(cred.id);
    if (held !== undefined && held.from === target.id) held.reason = reason;
  };
  /**
   * Per Okta org (origin): its custom authorization servers by id and by their issuer's path
   * (`byKey`), and by each iss their tokens may carry (`byIss`, see {@link serverIssuers}); or why
   * they were not read.
   */
  const serversOf = new Map<string, { byKey: Map<string, OktaAuthServer>; byIss: Map<string, OktaAuthServer>; noIssuer: OktaAuthServer[] } | { unread: string }>();
  const serverIndex = (org: string) => {
    let entry = serversOf.get(org);
    if (entry === undefined) {
      const list = b.scopesOf('okta').find((x) => oktaOrigin(x.id) === org)?.authorizationServers;
      if (list === undefined) {
        let status = 'not-collected';
        let why: string | undefined;
        for (const c of b.coverageRecords()) {
          if (c.provider === 'okta' && c.capability === 'okta.authorizationServers' && oktaOrigin(c.scope) === org) {
            status = c.status;
            why = c.reason;
          }
        }
        // An error says what went wrong: a file of the three missing from a snapshot whose manifest
        // records them collected ("recorded as collected, but okta/authServerPolicyRules.json is not
        // in the snapshot"), or the collector's failure; the status alone named none.
        const detail = status === 'error' && why !== undefined ? `: ${why}` : '';
        entry = { unread: `the custom authorization servers and their access policies were not read (okta.authorizationServers ${status}${detail})` };
      } else {
        const byKey = new Map<string, OktaAuthServer>();
        const byIss = new Map<string, OktaAuthServer>();
        // Servers whose issuer was not read: any of them may write an iss no other server does.
        const noIssuer = list.filter((srv) => srv.issuer === undefined);
        for (const srv of list) if (!byKey.has(srv.id)) byKey.set(srv.id, srv);
        for (const srv of list) {
          const path = /\/oauth2\/([^/]+)\/?$/.exec(srv.issuer ?? '');
          if (path && !byKey.has(path[1])) byKey.set(path[1], srv);
          for (const iss of serverIssuers(org, srv)) if (!byIss.has(iss)) byIss.set(iss, srv);
        }
        entry = { byKey, byIss, noIssuer };
      }
      serversOf.set(org, entry);
    }
    return entry;
  };
  /**
   * The org whose custom authorization server writes `iss` on a custom URL domain (a host that is
   * no org's own), by an index of every read server's issuers built on the first such question.
   */
  let customDomains: Map<string, string> | undefined;
  const orgOfCustomIss = (iss: string): string | undefined => {
    if (customDomains === undefined) {
      customDomains = new Map();
      for (const scope of b.scopesOf('okta')) {
        const org = oktaOrigin(scope.id);
        for (const srv of scope.authorizationServers ?? []) {
          for (const x of serverIssuers(org, srv)) if (!x.startsWith(`${org}/`) && !customDomains.has(x)) customDomains.set(x, org);
        }
      }
    }
    return customDomains.get(iss);
  };
  /**
   * The custom authorization server of `org` whose tokens carry iss `{host}/oauth2/{key}`, the
   * trust's issuer. Found by that iss (byIss), with a doubt when the server's issuerMode is DYNAMIC.
   * Otherwise, on the org's own host, the server the path names (by id, or its issuer's last
   * segment): when its issuer and issuerMode were read, its tokens carry another iss (`dead`: a
   * CUSTOM_URL server's carry its custom domain, the default server's `.../oauth2/default`), else
   * a doubt. `unread` when the org's servers were not read, or when none is that one but some
   * server's issuer was not read (its iss may be the trust's); none of these when they were and
   * none is that one.
   */
  const customServer = (org: string, host: string, key: string): { server?: OktaAuthServer; unread?: string; doubt?: string; dead?: string } => {
    const entry = serverIndex(org);
    if ('unread' in entry) return { unread: entry.unread };
    const iss = `${host}/oauth2/${key}`;
    const found = entry.byIss.get(iss);
    if (found !== undefined) {
      return found.issuerMode === 'DYNAMIC'
        ? { server: found, doubt: `the token request goes to ${host}: the custom authorization server ${found.name} has issuerMode DYNAMIC, so the iss of its tokens follows the domain the request is sent to` }
        : { server: found };
    }
    const named = host === org ? entry.byKey.get(key) : undefined;
    if (named === undefined) {
      // The iss of a server whose issuer was not read is not known (the default server's ends in
      // /oauth2/default, not in its id): it may be this one, so the trust is not dead.
      if (host !== org || entry.noIssuer.length === 0) return {};
      const names = firstFewText(entry.noIssuer.map((srv) => `${srv.name} (${srv.id})`), 3);
      return { unread: `the issuer of the custom authorization server${entry.noIssuer.length === 1 ? '' : 's'} ${names} was not read, and ${entry.noIssuer.length === 1 ? 'it' : 'one of them'} may carry iss ${iss}` };
    }
    const mode = named.issuerMode;
    if (named.issuer === undefined || (mode !== undefined && mode !== 'ORG_URL' && mode !== 'CUSTOM_URL' && mode !== 'DYNAMIC')) {
      const what = named.issuer === undefined ? 'its issuer was not read' : `its issuerMode ${mode} is none Okta documents`;
      return { server: named, doubt: `the tokens of the custom authorization server ${named.name} carry iss ${iss}: ${what}` };
    }
    const why = mode === undefined ? 'no issuerMode: the org has no custom URL domain' : `issuerMode ${mode}`;
    return { server: named, dead: `the tokens of the custom authorization server ${named.name} (${named.id}) carry iss ${serverIssuers(org, named).join(' or ') || named.issuer} (${why}), not ${iss}` };
  };
  for (let i = 0, count = edges.length; i < count; i++) {
    const e = edges[i];
    if (e.type !== 'FEDERATES_TO') continue;
    const ext = b.getNode(e.from);
    const target = b.getNode(e.to);
    if (!ext || !target || ext.kind !== 'external') continue;
    const issuer = typeof ext.attrs.issuer === 'string' ? ext.attrs.issuer : undefined;
    if (!issuer) continue;
    // The AWS transform found that no token meets the trust's sub condition: it names no one.
    if (e.evidence?.dead !== undefined) continue;
    // The node's subject, but a `*` an IAM role's trust compares literally is on its edge (`sub`):
    // the node, shared with trusts that have no sub condition, names none for it.
    const subject = typeof ext.attrs.subject === 'string' ? ext.attrs.subject : typeof e.evidence?.sub === 'string' ? e.evidence.sub : undefined;
    // Each trust states its own match on its edge (an Entra federated credential, an IAM role's
    // trust): the node is shared by every trust naming this issuer and subject, and one role may
    // take the value as a literal (StringEquals) where another takes it as a pattern (StringLike).
    // The node's is read only for an edge that states none.
    const subjectMatch = typeof e.evidence?.subjectMatch === 'string' ? e.evidence.subjectMatch : ext.attrs.subjectMatch;
    // The node is shared by every role trusting this issuer and subject: the audiences are the
    // edge's (this role's condition, or its account's provider client ids), not the node's.
    const own = e.evidence?.audiences;
    const audiences = (Array.isArray(own) ? own : Array.isArray(ext.attrs.audiences) ? ext.attrs.audiences : []).filter((a): a is string => typeof a === 'string');

    const entra = ENTRA_ISSUER.exec(issuer);
    const tenant = entra ? entraTenants.get(entra[1].toLowerCase()) : undefined;
    // An Entra app's federated credential is matched by Entra against the token's iss and sub as
    // written, case included (Graph, federatedIdentityCredential: the issuer "must match the issuer
    // claim of the external token"; a trailing slash fails with AADSTS70021; Entra's breaking
    // changes: "Federated identity credentials now use case-sensitive matching"). One that writes the
    // issuer otherwise than the tokens carry it (a slash, a case, no scheme) takes no token of it.
    // The trust is dead (no path follows it, its credential record is inactive), as one whose
    // audiences no token carries: no issuer writes that iss.
    const fic = target.provider === 'entra';
    const misWritten = (iss: string | undefined): void => {
      const dead =
        iss === undefined
          ? `the issuer is written ${issuer}, which no Entra token carries (v1 tokens come from an sts. host ending in /, v2 tokens from a login. host ending in /v2.0), and Entra matches a federated credential's issuer as written`
          : `the issuer is written ${issuer}, but the tokens of that issuer carry iss ${iss}, and Entra matches a federated credential's issuer as written`;
      e.reason = `${e.reason}; but ${dead}`;
      e.evidence = { ...e.evidence, dead };
      markTrustDead(e, target, subject, dead);
    };
    const iss = tenant !== undefined && fic ? entraTokenIss(issuer) : issuer;
    if (issuer !== iss) {
      misWritten(iss);
      continue;
    }
    if (tenant !== undefined) {
      // Each audience with the app it names; whether a token of the issuer carries it at all (the
      // app's token version); and, for an IAM role's trust, whether a token of that app meets its
      // aud condition (operator, case) and the provider's client id list (read on the role). An
      // Entra app's federated credential is matched by Entra, not by the AWS rules.
      const aws = target.provider === 'aws';
      const v2 = /\/v2\.0\/?$/i.test(issuer);
      const clientIds = trustClientIds(target, e.evidence);
      const resolved = audiences.map((aud): EntraAudience => {
        const app = audienceApp(tenant, aud);
        // An audience of no scanned app is still one STS must find in the client id list, and one the
        // aud condition must take (a pattern no casing of the client id meets bars it, whichever app
        // it names): the client id list decides whether any token is accepted at all.
        if (!app) {
          const verdict = aws ? audienceVerdict(aud, undefined, aud, e.evidence?.audience, clientIds) : {};
          return { aud, bar: verdict.bar, doubts: [], refused: verdict.bar === undefined ? verdict.refused : undefined };
        }
        // An app registration with no service principal in the tenant (the SP list was read, and
        // none has its app id) is no resource Entra issues a token for: a request for it fails
        // (AADSTS500011, the resource principal was not found in the tenant) until one is created.
        if (app.type === 'entra-application' && collected(tenant, 'entra.servicePrincipals')) {
          return { aud, app, bar: `aud ${aud} is ${app.name}, an app registration with no service principal in the tenant, so Entra issues no token for it`, doubts: [] };
        }
        const appId = typeof app.attrs.appId === 'string' ? app.attrs.appId : undefined;
        const version = tokenVersionVerdict(aud, app, v2);
        const condition = aws ? audienceVerdict(aud, appId, app.name, e.evidence?.audience, clientIds) : {};
        // A token of the other version never reaches the aud condition: its bar is the one said.
        const doubts = [version.doubt, condition.doubt].filter((d): d is string => d !== undefined);
        const bar = version.bar ?? condition.bar;
        return { aud, app, bar, doubts, refused: bar === undefined ? condition.refused : undefined };
      });
      // A doubt the trust edge already carries (the transform's, for a pinned aud the client id
      // list holds only in another case) reaches each link through `e.conditional` and its reason:
      // it is not said a second time.
      const said = new Set(Array.isArray(e.evidence?.undecided) ? (e.evidence.undecided as unknown[]) : []);
      const own = resolved.map((r) => ({ ...r, doubts: r.doubts.filter((d) => !said.has(d)) }));
      // The object id is found ignoring case: a pinned sub is then held to the trust's own match
      // (the IAM operators, or a credential's case-sensitive subject).
      const subAdmits = aws ? subjectFilter(e.evidence?.subject) : subject !== undefined && subjectMatch === 'exact' ? (oid: string) => oid === subject : () => true;
      const exact = subjectMatch === 'exact';
      // A pattern every object id matches names every service principal of the tenant: the trust's
      // own edge stands for them, as for no sub condition, and says why (the rules read the mark).
      // IAM ANDs the operators on the key: another positive one (ForAnyValue:StringLike `abc*` beside
      // StringLike `*-*`) narrows the pattern, so each must admit every object id as well.
      const everyId = !exact && subject !== undefined && patternAdmitsAll(tenant, subject) && (!aws || subjectPositives(e.evidence?.subject).every((x) => admitsEveryId(tenant, x)));
      if (everyId) {
        e.reason = `${e.reason}; sub pattern ${subject} admits every object id Entra issues (a version-4 GUID), so every service principal of the tenant meets it`;
        e.evidence = { ...e.evidence, everyObjectId: true };
      }
      // A pattern that admits more service principals than are worth a link each (broadAdmitted):
      // the trust's edge stands for them, as for everyId, and says how many and which first. The
      // path search starts at the issuer for them ("service principals of the tenant (subject
      // pattern)"), as it does for those of any pattern.
      const broad = !everyId && !exact && subject !== undefined ? broadAdmitted(tenant, subject, e.evidence?.subject, ownSubFilter(aws, e.evidence?.subject, subAdmits)) : undefined;
      if (broad !== undefined) {
        const first = broad.slice(0, BROAD_PATTERN_SHOWN);
        e.reason = `${e.reason}; sub pattern ${subject} admits ${broad.length} service principals of the tenant today (${firstNames(broad)}), more than ${BROAD_PATTERN_LINKS}, so this trust stands for them rather than a link from each`;
        e.evidence = { ...e.evidence, patternAdmits: broad.length, patternAdmitsFirst: first.map((n) => n.nativeId) };
      }
      const callers = entraCallers(tenant, subject, exact, everyId, broad !== undefined, own, subAdmits);
      for (const { node, why, doubt, blocked } of callers.values()) {
        // The account turns every such token away today (the transform's evidence.blocked), or
        // every token for the audience this caller comes through: the link is latent for that
        // reason, and the path rule says so for a path through it.
        const turnedAway = typeof e.evidence?.blocked === 'string' ? e.evidence.blocked : blocked;
        b.addEdge({
          from: node.id,
          to: target.id,
          type: 'CAN_ASSUME',
          reason: `${target.name} trusts Entra tenant ${tenant} tokens (${why}); ${node.name} can obtain one with its own credentials${doubt ? ` (only if ${doubt})` : ''}${blocked !== undefined ? `; but ${blocked}` : ''}${e.conditional ? ` (only if: ${e.reason})` : ''}`,
          hidden: true,
          conditional: e.conditional === true || doubt !== undefined || blocked !== undefined,
          evidence: { issuer, subject: subject ?? null, audiences, via: ext.id, ...(turnedAway !== undefined ? { blocked: turnedAway } : {}) },
        });
      }
      // An audience no token meets (its app's tokens are the other version, or the aud condition
      // turns the app id away: in upper case under StringEquals) is a fact of the trust worth saying
      // where the trust is shown. An app whose service principal is disabled gives no one a token
      // (AADSTS500014) until it is re-enabled. When every audience is one or the other, no path
      // starts at the issuer through the trust: dormant if re-enabling an app opens it, otherwise
      // dead until the trust policy or an app's token version is edited. The edge stays (the trust
      // is a fact, and the rule judging it reports it as dormant); the path search reads either
      // mark (pathFollows, analyze.ts).
      const bars = uniqueSortedTexts(resolved.flatMap((r) => (r.bar !== undefined ? [r.bar] : [])));
      // An audience the provider's client id list does not hold is said there too.
      const refusals = refusedTexts(resolved);
      const disabled = (list: readonly (GraphNode | undefined)[]) => `Entra issues no token for ${uniqueSortedTexts(list.map((app) => app!.name)).join(', ')}: disabled`;
      if (bars.length + refusals.length > 0) e.reason = `${e.reason}; but ${[...bars, ...refusals].join('; ')}`;
      if (resolved.length > 0 && resolved.every((r) => r.bar !== undefined || r.app?.enabled === false)) {
        const offAudiences = resolved.filter((r) => r.bar === undefined);
        const off = offAudiences.map((r) => r.app);
        const barred = bars.length > 0 ? `; ${bars.join('; ')}` : '';
        // A disabled app's audience the client id list does not hold stays shut once the app is
        // re-enabled, until the id is listed: the mark says both.
        const unlisted = refusedTexts(offAudiences);
        const refusedOff = unlisted.length > 0 ? `; and ${unlisted.join('; ')}` : '';
        e.evidence = off.length > 0 ? { ...e.evidence, dormant: `${disabled(off)}${refusedOff}${barred}` } : { ...e.evidence, dead: bars.join('; ') };
        // Dead, the role or app is not entered through the trust: its record (the IAM role's trust,
        // the app's federated identity credential) is inactive, as the AWS transform makes it for a
        // sub no token meets. A dormant one stays active: re-enabling an app opens it with the
        // trust untouched, as a blocked trust opens once its OIDC provider is created.
        if (off.length === 0) markTrustDead(e, target, subject, bars.join('; '));
      }
      // Every audience a token can meet today rests on a doubt of the audience itself (its app's
      // token version was not read, or the client id list holds the app id only in another case
      // than Entra writes it): then so does every token of the issuer the trust takes, whoever
      // holds it, and the trust edge (the entry point of "any other service principal") is as
      // conditional as the links above. Doubts of a caller (assignments not read) are not the
      // trust's and stay on the links. One the edge already says (the transform's) is not repeated.
      const open = resolved.filter((r) => r.bar === undefined && r.app?.enabled !== false);
      // Every audience a token can meet today is one STS turns away (the client id list does not
      // hold it, though it holds another audience of the trust): the trust is latent, as the AWS
      // transform marks one whose list holds none of its audiences (a conditional edge, why in
      // evidence.blocked), so paths from the issuer say "may reach" and the rule judging the trust
      // reports it as one that adding a client id opens. Only the others can open it today.
      const reachable = open.filter((r) => r.refused === undefined);
      if (open.length > 0 && reachable.length === 0) {
        e.conditional = true;
        e.evidence = { ...e.evidence, blocked: refusedTexts(open).join('; ') };
      }
      if (reachable.length > 0 && reachable.every((r) => r.doubts.length > 0)) {
        const unsaid = reachable.map((r) => r.doubts.filter((d) => !said.has(d)));
        const doubts = uniqueSortedTexts(unsaid.flatMap((d) => (d.length > 0 ? [d.join(', and ')] : [])));
        if (doubts.length > 0) {
          e.conditional = true;
          e.reason = `${e.reason}; only if ${doubts.join(', or if ')}`;
          e.evidence = { ...e.evidence, undecided: [...said, ...doubts] };
        }
      }
      // A pinned sub stands for one service principal of the tenant, and the issuer's own edge is
      // the entry point the path rule names for it ("one service principal of the scanned Entra
      // tenant"). When no service principal can present that sub (none has the object id, or the
      // trust's sub condition refuses it as Entra writes it, in lower case), no token passes: dead,
      // as an aud no token carries. When the one it names is disabled, Entra gives it no token
      // until it is re-enabled: dormant. Only with the tenant's service principals read, and for a
      // sub shaped as an object id (a user's delegated token carries a pairwise sub of another shape).
      const pinsObjectId = exact && subject !== undefined && OBJECT_ID.test(subject);
      if (pinsObjectId && e.evidence?.dead === undefined && e.evidence?.dormant === undefined && collected(tenant, 'entra.servicePrincipals')) {
        const sp = entraByObjectId().get(`${tenant}|${subject}`.toLowerCase());
        const caller = sp !== undefined && CALLER_TYPES.has(sp.type) ? sp : undefined;
        if (caller === undefined || !subAdmits(caller.nativeId)) {
          const dead =
            caller === undefined
              ? `sub ${subject} is the object id of no service principal of the tenant, so no token of it carries that sub`
              : `the sub condition does not take the object id of ${caller.name} as Entra writes it in its tokens (${caller.nativeId}), so no token of the tenant meets it`;
          e.reason = `${e.reason}; but ${dead}`;
          e.evidence = { ...e.evidence, dead };
          markTrustDead(e, target, subject, dead);
        } else if (caller.enabled === false) {
          const dormant = `Entra issues no token to ${caller.name}, the one service principal the sub names: disabled`;
          e.reason = `${e.reason}; but ${dormant}`;
          e.evidence = { ...e.evidence, dormant };
        }
      }
      // Every audience a token can meet (`open`) names an app that requires an app-role assignment and the
      // assignments were read: Entra issues such a token only to a service principal holding one,
      // and each holder the sub admits has its own link above. The trust's own edge stands for the
      // service principals that are not linked, and none of them gets a token: dormant (granting an
      // assignment opens it, the trust untouched). With holders, a path from the issuer would name
      // "any service principal of the tenant" where only they can get in, beside their own paths.
      // A user or group assigned to such an app gets a delegated token for it (its sub a pairwise id,
      // never an object id): unless the sub condition pins an object id, the trust may take it, and
      // the issuer's edge stands for those users too.
      if (
        open.length > 0 &&
        readAssignments(tenant) &&
        open.every((r) => r.app !== undefined && r.app.attrs.appRoleAssignmentRequired === true && r.app.attrs.appRoleAssignmentsUnread !== true) &&
        (pinsObjectId || open.every((r) => !peopleHold(tenant, r.app!))) &&
        e.evidence?.dead === undefined &&
        e.evidence?.dormant === undefined
      ) {
        const names = uniqueSortedTexts(open.map((r) => r.app!.name));
        const requires = `${names.join(', ')} require${names.length === 1 ? 's' : ''} an app-role assignment`;
        const linked = uniqueSortedTexts([...callers.values()].map((c) => c.node.name));
        const dormant =
          linked.length === 0
            ? `${requires}, and no service principal ${subject === undefined ? '' : 'the sub admits '}holds one, so Entra issues such a token to no one today`
            : `${requires}, and only ${firstFewText(linked, 3)}, linked on ${linked.length === 1 ? 'its' : 'their'} own, ${linked.length === 1 ? 'holds' : 'hold'} one, so Entra issues such a token to no other service principal today`;
        e.reason = `${e.reason}; but ${dormant}`;
        e.evidence = { ...e.evidence, dormant };
      }
      continue;
    }

    const okta = /^(https:\/\/[^/]+)(\/oauth2\/[^/]+)?\/?$/i.exec(issuer);
    const host = okta ? oktaOrigin(okta[1]) : undefined;
    // A custom authorization server may write its iss on a custom URL domain of the org (issuerMode
    // CUSTOM_URL or DYNAMIC): a trust naming that issuer is one of the org's, found by the iss.
    const org = okta && host !== undefined && !oktaOrgs.has(host) && okta[2] !== undefined ? (orgOfCustomIss(`${host}${okta[2]}`) ?? host) : host;
    // A federated credential's issuer must be the iss Okta writes: the org's origin, then the
    // custom authorization server's path, with no trailing slash (see the Entra case above).
    const oktaIss = okta && host !== undefined ? `${host}${okta[2] === undefined ? '' : `/oauth2/${okta[2].slice('/oauth2/'.length)}`}` : undefined;
    if (okta && org !== undefined && oktaOrgs.has(org) && fic && oktaIss !== undefined && issuer !== oktaIss) {
      misWritten(oktaIss);
      continue;
    }
    if (okta && org !== undefined && oktaOrgs.has(org) && subject && (subjectMatch === 'exact' || subjectMatch === 'wildcard')) {
      // A token whose sub is an app's client id is its client credentials access token (Okta's
      // client credentials flow: sub is the client_id), whose aud is the authorization server's
      // audience: the org URL for the org server; for a custom server, the audiences configured on
      // it. Whether a custom server gives the app such a token at all is its own: it must exist
      // and be active, and its access policies must let the app use the grant (customServer).
      // When they were not read, the trust's aud is taken as that audience and the link is
      // conditional. Audiences unknown: not judged. A sub pattern is met by every service app of
      // the org whose client id it matches, as a pinned sub by the one it names.
      const orgServer = okta[2] === undefined;
      const aws = target.provider === 'aws';
      const clientIds = aws ? trustClientIds(target, e.evidence) : undefined;
      const serverKey = orgServer ? undefined : okta[2].slice('/oauth2/'.length);
      const custom = serverKey === undefined ? undefined : customServer(org, host!, serverKey);
      if (custom !== undefined && ((custom.server === undefined && custom.unread === undefined) || custom.dead !== undefined)) {
        // The servers were read, and none of the org writes the trust's issuer in its tokens: the
        // org has no server of that id, or the one it names writes another iss (an AWS OIDC
        // provider, as an Entra federated credential, takes a token only when its iss is the
        // provider's URL). No token of the org meets the trust.
        const dead = custom.dead !== undefined ? `${custom.dead}, so none of its tokens meets the trust` : `no custom authorization server of the Okta org ${org} has the id ${serverKey}, so no token carries iss ${oktaIss}`;
        e.reason = `${e.reason}; but ${dead}`;
        e.evidence = { ...e.evidence, dead };
        markTrustDead(e, target, subject, dead);
        continue;
      }
      const server = custom?.server;
      if (server !== undefined && server.active === false) {
        // Reactivating the server opens the trust with nothing else edited: dormant, as an Entra
        // trust whose audience apps are all disabled.
        const dormant = `Okta issues no token from the custom authorization server ${server.name} (${server.id}): inactive`;
        e.reason = `${e.reason}; but ${dormant}`;
        e.evidence = { ...e.evidence, dormant };
        continue;
      }
      const aud: AudienceVerdict = server !== undefined ? serverAudience(server, audiences, aws ? e.evidence : undefined, clientIds) : orgServer ? oktaAudience(org, audiences, aws ? e.evidence : undefined, clientIds) : { met: true };
      if (!aud.met) {
        if (server !== undefined) {
          // Every token of the server carries its audience, which the trust does not take.
          const dead = `the tokens of the custom authorization server ${server.name} carry aud ${server.audiences!.length > 0 ? server.audiences!.join(', ') : '(none configured)'}, which the trust does not take`;
          e.reason = `${e.reason}; but ${dead}`;
          e.evidence = { ...e.evidence, dead };
          markTrustDead(e, target, subject, dead);
        }
        continue;
      }
      // Every operator on the sub key must take the client id (negated ones too), as for Entra.
      const subAdmits = aws ? subjectFilter(e.evidence?.subject) : () => true;
      const exact = subjectMatch === 'exact';
      let apps = exact ? [oktaByClientId.get(`${org}|${subject}`)].filter((a): a is GraphNode => a !== undefined) : oktaMatching(org, subject);
      // A pattern every app's client id may match (`0oa*`: Okta gives every app a client id of that
      // shape) or most of them: past BROAD_PATTERN_LINKS apps the trust's own edge stands for them,
      // as on the Entra side, and says how many and which first; the path search starts at the issuer.
      // Counted are the apps Okta may give such a token: a custom server's access policies often
      // take a few named clients only, and those few are linked each on its own (as the Entra
      // holders of an assignment an app requires are), the apps the policies refuse not at all
      // (a dormant link from each made trusts x apps edges again).
      if (!exact && apps.length > BROAD_PATTERN_LINKS) {
        const served = server !== undefined ? oktaServed(org, server, subject) : apps;
        const filter = ownSubFilter(aws, e.evidence?.subject, subAdmits);
        const admitted = filter === undefined ? served : narrowed(`okta|${org}|${server?.id ?? ''}|${subject}`, served, e.evidence?.subject, (a) => filter(a.attrs.clientId as string));
        if (admitted.length > BROAD_PATTERN_LINKS) {
          const names = firstNames(admitted);
          const policies = server !== undefined ? ` that the access policies of ${server.name} do not refuse a token` : '';
          e.reason = `${e.reason}; sub pattern ${subject} admits the client ids of ${admitted.length} service apps of the org${policies} today (${names}), more than ${BROAD_PATTERN_LINKS}, so this trust stands for them rather than a link from each`;
          e.evidence = { ...e.evidence, patternAdmits: admitted.length, patternAdmitsFirst: admitted.slice(0, BROAD_PATTERN_SHOWN).map((a) => a.attrs.clientId as string) };
          continue;
        }
        apps = admitted;
      }
      const audWhy =
        server !== undefined && aud.aud !== undefined
          ? `, for aud ${aud.aud}, which the custom authorization server ${server.name} puts in its tokens`
          : audiences.length === 0
            ? ''
            : orgServer
              ? `, for aud ${org}, which the org authorization server's tokens carry`
              : `, for aud ${audiences.join(', ')}`;
      for (const app of apps) {
        const clientId = app.attrs.clientId as string;
        if (!subAdmits(clientId)) continue;
        const subWhy = exact ? `with sub ${subject}, the client id of ${app.name}` : `with a sub pattern ${subject} that matches ${clientId}, the client id of ${app.name}`;
        // What the custom server's access policies say of this app: a rule that lets it use the
        // grant (why), one that may (doubt), none (dormant); not read (unread).
        const policy = server !== undefined ? policyVerdict(server, app) : undefined;
        const unread = custom?.unread !== undefined ? `the custom authorization server ${serverKey} exists, is active, issues tokens for that aud and lets ${app.name} use the client_credentials grant: ${custom.unread}` : undefined;
        // A server whose status was not read may be inactive: a doubt, not a refusal.
        const status = server !== undefined && server.active === undefined ? `the custom authorization server ${server.name} is active: its status was not read` : undefined;
        const doubts = [custom?.doubt, status, aud.doubt, policy?.doubt, unread].filter((d): d is string => d !== undefined);
        const only = doubts.length > 0 ? ` (only if ${doubts.join(', and if ')})` : '';
        const granted = policy?.why !== undefined ? `; ${policy.why}` : '';
        const but = [aud.refused, policy?.dormant].filter((d): d is string => d !== undefined).map((d) => `; but ${d}`).join('');
        b.addEdge({
          from: app.id,
          to: target.id,
          type: 'CAN_ASSUME',
          reason: `${target.name} trusts Okta issuer ${issuer} ${subWhy}${audWhy}${granted}${only}${but}${e.conditional ? ` (only if: ${e.reason})` : ''}`,
          hidden: true,
          conditional: doubts.length > 0 || aud.refused !== undefined ? true : e.conditional,
          evidence: {
            issuer,
            subject,
            audiences,
            via: ext.id,
            ...(aud.refused !== undefined ? { blocked: aud.refused } : {}),
            // Okta refuses the app the token today (pathFollows reads the mark): editing the
            // access policy opens the link, the trust untouched.
            ...(policy?.dormant !== undefined ? { dormant: policy.dormant } : {}),
          },
        });
      }
    }
  }
}

/**
 * The iss values the access tokens of a custom authorization server of `org` may carry, each as
 * `{origin}/oauth2/{key}` (the origin as oktaOrigin writes it, no trailing slash). The server's
 * `issuer` is what its access tokens carry as iss (Okta Management API, "Authorization Servers",
 * fields issuer and issuerMode;
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/AuthorizationServer/):
 * on the org URL under ORG_URL (or with no issuerMode, a field Okta shows only when the org has a
 * custom URL domain or dynamic issuers), on the custom domain under CUSTOM_URL. Under DYNAMIC the
 * iss takes the domain the token request was sent to, the org's or a custom one (Okta help,
 * "Create an authorization server", the Issuer setting;
 * https://help.okta.com/en-us/Content/topics/security/api-config-auth-server.htm): the issuer as
 * listed and the org URL with its path. Which custom domains a DYNAMIC server
 * answers on beyond the one its issuer names is not read.
 */
function serverIssuers(org: string, srv: OktaAuthServer): string[] {
  const m = /^(https:\/\/[^/]+)(\/oauth2\/[^/]+)\/?$/i.exec(srv.issuer ?? '');
  const listed = m ? `${oktaOrigin(m[1])}${m[2]}` : undefined;
  const out = listed !== undefined ? [listed] : [];
  const orgForm = `${org}${m ? m[2] : `/oauth2/${srv.id}`}`;
  if (srv.issuerMode === 'DYNAMIC' && orgForm !== listed) out.push(orgForm);
  return out;
}

/** Whether an Okta token meets a trust's audience; `aud` names the one of a custom server that does. */
type AudienceVerdict = { met: false } | { met: true; aud?: string; doubt?: string; refused?: string };

/**
 * Which access policy of an active custom authorization server decides a client credentials
 * token for `app`, and what it says. Okta evaluates the active policies in priority order and
 * applies the first policy and rule that match the request; a client that matches no policy gets
 * no token (Okta help, "Create access policies",
 * https://help.okta.com/en-us/Content/Topics/Security/api-config-access-policies.htm). A policy
 * takes the app when its `conditions.clients.include` holds `ALL_CLIENTS` or the app's client id
 * (Okta Management API, "Authorization Server Policies"); a rule of it lets the app use the grant
 * when it is active and its `conditions.grantTypes.include` holds `client_credentials`
 * ("Authorization Server Rules"). Whether Okta moves on to a later policy when the first one that
 * takes the client has no rule for the request is not documented: a later policy that would
 * allow it is a doubt, not a way in and not a refusal.
 */
function policyVerdict(server: OktaAuthServer, app: GraphNode): { why: string; doubt?: undefined; dormant?: undefined } | { doubt: string; why?: undefined; dormant?: undefined } | { dormant: string; why?: undefined; doubt?: undefined } {
  if (server.policies === undefined) {
    return { doubt: `an access policy of the custom authorization server ${server.name} lets ${app.name} use the client_credentials grant: its access policies were not read (okta/authServerPolicies.json has no entry for ${server.id})` };
  }
  const clientId = app.attrs.clientId as string;
  // Each policy that takes or may take the app, with whether it does and whether a rule of it
  // allows the grant: true, false, or undefined when what decides it was not read.
  const candidates: { policy: OktaAccessPolicy; takes: boolean | undefined; grant: Grant }[] = [];
  for (const policy of server.policies) {
    const takes = policyTakes(policy, clientId);
    if (takes !== false) candidates.push({ policy, takes, grant: policyGrant(policy) });
  }
  if (candidates.length === 0) return { dormant: `no active access policy of the custom authorization server ${server.name} takes ${app.name}, so Okta issues it no token from that server` };
  // Okta applies the first policy that takes the app: any of those up to the first one sure to
  // take it may be that one (one whose status or clients were not read may or may not take it).
  const sure = candidates.findIndex((c) => c.takes === true);
  const deciders = sure < 0 ? candidates : candidates.slice(0, sure + 1);
  if (sure >= 0 && deciders.every((c) => c.grant.allows === true)) {
    const first = candidates[sure];
    return { why: `its access policy ${first.policy.name} takes ${app.name}, and the rule ${first.grant.rule!.name} allows the client_credentials grant` };
  }
  if (candidates.every((c) => c.grant.allows === false)) {
    const names = firstFewText(uniqueSortedTexts(candidates.map((c) => c.policy.name)), 3);
    const take = candidates.every((c) => c.takes === true) ? 'take' : 'take or may take';
    const oidc = uniqueSortedTexts(candidates.flatMap((c) => c.grant.oidc));
    const named = uniqueSortedTexts(candidates.flatMap((c) => c.grant.named));
    const notes = [
      ...(oidc.length === 0 ? [] : [`${firstFewText(oidc, 3)} ${oidc.length === 1 ? 'allows' : 'allow'} it for OpenID Connect scopes only, which a client credentials request cannot ask for`]),
      ...(named.length === 0 ? [] : [`${firstFewText(named, 3)} ${named.length === 1 ? 'admits' : 'admit'} only the users or groups ${named.length === 1 ? 'it names' : 'they name'}, and a client credentials request has no user`]),
    ];
    const only = notes.length === 0 ? '' : ` (${notes.join('; ')})`;
    return { dormant: `no active rule of the access policies of ${server.name} that ${take} ${app.name} (${names}) allows the client_credentials grant${only}, so Okta issues it no token from that server` };
  }
  const unread = candidates.flatMap((c) => [...(c.takes === undefined ? unreadTakes(c.policy) : []), ...c.grant.unread]);
  if (unread.length === 0 && sure >= 0) {
    // All read: the first policy has no rule for the grant, a later one has.
    const first = candidates[sure].policy;
    const later = candidates.slice(sure + 1).find((c) => c.grant.allows === true)!;
    return { doubt: `Okta moves past the access policy ${first.name}, which takes ${app.name} first but has no active rule for the client_credentials grant, to ${later.policy.name}, whose rule ${later.grant.rule!.name} allows it` };
  }
  return { doubt: `the access policies of ${server.name} let ${app.name} use the client_credentials grant: ${firstFewText(unread, 3)} ${unread.length === 1 ? 'was' : 'were'} not read` };
}

/** Whether a rule of an access policy allows the client_credentials grant, which rule, and what of them was not read. */
interface Grant {
  allows: boolean | undefined;
  rule?: OktaAccessRule;
  unread: string[];
  /** Active rules for the grant that name OIDC scopes only: they match no client credentials request. */
  oidc: string[];
  /** Active rules for the grant, with a scope it can ask for, that admit named users or groups only: they match no request without a user. */
  named: string[];
}

/**
 * Whether an access policy takes a client: active, and `ALL_CLIENTS` or its client id among its
 * clients. Undefined when it may (its status or its clients were not read), false when either
 * read says no.
 */
function policyTakes(p: OktaAccessPolicy, clientId: string): boolean | undefined {
  if (p.active === false) return false;
  if (p.clients !== undefined && !p.clients.includes('ALL_CLIENTS') && !p.clients.includes(clientId)) return false;
  return p.active === undefined || p.clients === undefined ? undefined : true;
}

/** What of a policy that may take the app was not read. */
function unreadTakes(p: OktaAccessPolicy): string[] {
  return [...(p.active === undefined ? [`the status of the access policy ${p.name}`] : []), ...(p.clients === undefined ? [`the clients of the access policy ${p.name}`] : [])];
}

/**
 * Whether a rule of `p` allows the client_credentials grant: one active rule that has it in its
 * grant types allows it; none, with every rule read, does not; otherwise (the rules, or a rule's
 * status or grant types, not read) it is not known.
 */
function policyGrant(p: OktaAccessPolicy): Grant {
  if (p.rules === undefined) return { allows: undefined, unread: [`the rules of the access policy ${p.name}`], oidc: [], named: [] };
  const unread: string[] = [];
  const oidc: string[] = [];
  const named: string[] = [];
  for (const r of p.rules) {
    const allows = ruleAllows(r);
    if (allows === true) return { allows, rule: r, unread: [], oidc: [], named: [] };
    if (allows === undefined) {
      unread.push(
        ...[
          ...(r.active === undefined ? [`the status of the rule ${r.name}`] : []),
          ...(r.grantTypes === undefined ? [`the grant types of the rule ${r.name}`] : []),
          ...(r.scopes === undefined ? [`the scopes of the rule ${r.name}`] : []),
          ...(r.people === undefined ? [`whom the rule ${r.name} admits`] : []),
        ],
      );
    }
    if (allows === false && oidcOnly(r)) oidc.push(r.name);
    if (allows === false && namedOnly(r)) named.push(r.name);
  }
  return { allows: unread.length > 0 ? undefined : false, unread, oidc, named };
}

/**
 * The OpenID Connect scopes: a client credentials request cannot ask for them, having no user
 * (Okta developer docs, "Implement the Client Credentials flow": the scope "must be at least one
 * custom scope that you create", https://developer.okta.com/docs/guides/implement-client-creds/;
 * Okta support, "Cannot request 'openid' scopes using client credentials":
 * https://support.okta.com/help/s/article/cannot-request-openid-scopes-using-client-credentials).
 */
const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);

/** Whether a rule's scopes let a client credentials request through: `*` (every scope) or any custom scope. */
function scopesAllowClientCredentials(scopes: readonly string[]): boolean {
  return scopes.some((x) => x === '*' || !OIDC_SCOPES.has(x));
}

/** An active rule for client_credentials whose scopes are OIDC ones only (or none): it matches no client credentials request. */
function oidcOnly(r: OktaAccessRule): boolean {
  return r.active === true && r.grantTypes?.includes('client_credentials') === true && r.scopes !== undefined && !scopesAllowClientCredentials(r.scopes);
}

/**
 * An active rule for client_credentials, with a scope such a request can ask for, whose people
 * condition admits only named users or groups: a client credentials request, having no user, never
 * meets it (see peopleOf in transform-auth-servers.ts for the sources).
 */
function namedOnly(r: OktaAccessRule): boolean {
  return r.active === true && r.grantTypes?.includes('client_credentials') === true && r.scopes !== undefined && scopesAllowClientCredentials(r.scopes) && r.people === 'named';
}

/**
 * Whether one rule lets the app have a client credentials token: active, `client_credentials` among
 * its grant types, a scope such a request can ask for among its scopes (`*` or a custom one; OIDC
 * scopes alone match no such request), and a people condition a request with no user meets (none,
 * or every user: the EVERYONE group; one naming users or groups only is never met, Okta support,
 * "Okta Access Policy Rules with 'AND User is' Filter Do Not Apply to API Service Apps/Client
 * Credentials Flow"). Undefined when what decides it was not read.
 */
function ruleAllows(r: OktaAccessRule): boolean | undefined {
  if (r.active === false) return false;
  if (r.grantTypes !== undefined && !r.grantTypes.includes('client_credentials')) return false;
  if (r.scopes !== undefined && !scopesAllowClientCredentials(r.scopes)) return false;
  if (r.people === 'named') return false;
  return r.active === undefined || r.grantTypes === undefined || r.scopes === undefined || r.people === undefined ? undefined : true;
}

/**
 * Whether the tokens of a custom authorization server meet a trust's audience: each of its
 * audiences as {@link oktaAudience} judges the org URL for the org server; the best one counts (one
 * met without doubt, then one met with a doubt, then one STS turns away).
 */
function serverAudience(server: OktaAuthServer, audiences: readonly string[], evidence: Record<string, unknown> | undefined, clientIds: readonly string[] | undefined): AudienceVerdict {
  if (server.audiences === undefined) {
    return { met: true, doubt: `the tokens of the custom authorization server ${server.name} carry an aud the trust takes: its audiences were not read` };
  }
  let best: { met: true; aud?: string; doubt?: string; refused?: string } | undefined;
  const rank = (v: { doubt?: string; refused?: string }) => (v.refused !== undefined ? 2 : v.doubt !== undefined ? 1 : 0);
  for (const aud of server.audiences) {
    const v = oktaAudience(aud, audiences, evidence, clientIds);
    if (v.met && (best === undefined || rank(v) < rank(best))) best = { ...v, aud };
  }
  return best ?? { met: false };
}

/** Two texts in UTF-16 code unit order, the order `<` compares them in. */
function codeUnitOrder(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * What `(scope, pattern)` matches among the nodes `lists` gives by scope, keyed by `keyOf`: the
 * lists are made and sorted by key on the first question; a pattern's literal prefix (before its
 * first wildcard) narrows each list to one range, found by binary search (prefixMatches), and each
 * pattern is matched once however many trusts use it. Only a pattern that starts with a wildcard
 * reads a whole list.
 */
function patternMatcher(lists: () => Map<string, GraphNode[]>, keyOf: (n: GraphNode) => string): (scope: string, pattern: string) => GraphNode[] {
  let sorted: Map<string, GraphNode[]> | undefined;
  const matched = new Map<string, GraphNode[]>();
  return (scope, pattern) => {
    const key = `${scope}|${pattern}`;
    const known = matched.get(key);
    if (known) return known;
    if (!sorted) {
      sorted = lists();
      for (const list of sorted.values()) list.sort((x, y) => codeUnitOrder(keyOf(x), keyOf(y)));
    }
    const found = prefixMatches(sorted.get(scope) ?? [], keyOf, pattern);
    matched.set(key, found);
    return found;
  };
}

/**
 * The items of `sorted` (in code unit order of `keyOf`) whose key a StringLike pattern matches: the
 * pattern's literal prefix (before its first wildcard) narrows them to one range, found by binary
 * search; only a pattern that starts with a wildcard reads them all.
 */
function prefixMatches(sorted: readonly GraphNode[], keyOf: (n: GraphNode) => string, subject: string): GraphNode[] {
  const prefix = subject.split(/[*?]/, 1)[0];
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(sorted[mid]) < prefix) lo = mid + 1;
    else hi = mid;
  }
  const pattern = compileWildcard(globTokens(subject));
  const found: GraphNode[] = [];
  for (let i = lo; i < sorted.length && keyOf(sorted[i]).startsWith(prefix); i++) if (pattern.test(keyOf(sorted[i]))) found.push(sorted[i]);
  return found;
}

/**
 * Whether an Okta token whose aud is `org` meets a trust's audience. The org authorization server's
 * access token's aud is the org URL, `https://{yourOktaDomain}` (Okta developer docs, "Authorization
 * servers": the org authorization server), written as the org's origin (as its iss is), so it is
 * compared as that text, not as a URL: a trailing slash, a port or another case is another value. A
 * custom authorization server's token carries an audience configured on it (serverAudience), judged
 * the same way. For an IAM role's
 * trust (`evidence` and the provider's `clientIds` given) every operator on the aud key must take it
 * (IAM ANDs them; StringEquals and StringLike compare case, StringEqualsIgnoreCase does not), and STS
 * must find it in the provider's client id list: one holding it only in another case is a doubt (STS's
 * comparison is not documented), one not holding it while it holds another audience of the condition
 * turns the token away today (`refused`: latent). With no aud condition the audiences are the client
 * ids themselves. For another trust (an Entra app's federated credential), one of its audiences must
 * be the org URL as written. No audiences known: not judged.
 */
function oktaAudience(org: string, audiences: readonly string[], evidence: Record<string, unknown> | undefined, clientIds: readonly string[] | undefined): AudienceVerdict {
  if (audiences.length === 0) return { met: true };
  if (evidence === undefined) return audiences.includes(org) ? { met: true } : { met: false };
  const fact = (evidence.audience ?? {}) as { status?: unknown; values?: unknown; operators?: unknown; entries?: unknown };
  const texts = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const entries = claimEntries({
    values: texts(fact.values),
    operators: texts(fact.operators),
    entries: Array.isArray(fact.entries) ? (fact.entries as { op?: unknown; values?: unknown }[]).flatMap((x) => (typeof x.op === 'string' ? [{ op: x.op, values: texts(x.values) }] : [])) : undefined,
  });
  if (!entries.every((x) => entryAccepts(x, org))) return { met: false };
  const pinned = fact.status === 'pinned';
  const list = pinned ? clientIds : audiences;
  if (list === undefined || list.includes(org)) return { met: true };
  const doubt = clientIdCaseDoubt(org, list);
  if (doubt !== undefined) return { met: true, doubt };
  if (!pinned) return { met: false };
  // The transform already marks a trust whose list holds none of its audiences (evidence.blocked,
  // a conditional edge), which the link's `e.conditional` carries.
  const refused = unlistedAudience(org, { status: 'pinned', values: texts(fact.values) }, list);
  return refused !== undefined ? { met: true, refused } : { met: true };
}

/**
 * The iss of an Entra token of the issuer `issuer` (one ENTRA_ISSUER matches), as Entra writes it:
 * https, host and tenant id in lower case, a v1 issuer ending in `/`, a v2 one in `/v2.0`; undefined
 * when no Entra token carries such an issuer (a v1 path on a login.* host, a v2 path on an sts.* one).
 */
function entraTokenIss(issuer: string): string | undefined {
  const m = /^(?:https:\/\/)?([^/]+)\/([^/]+)(\/v2\.0)?\/?$/i.exec(issuer);
  if (!m) return issuer;
  const host = m[1].toLowerCase();
  // v1 tokens come from an sts.* host with a trailing slash, v2 tokens from a login.* host with /v2.0
  // (access token claims reference): the other pairings are no issuer at all.
  if (host.startsWith('sts.') === (m[3] !== undefined)) return undefined;
  return `https://${host}/${m[2].toLowerCase()}${m[3] ? '/v2.0' : '/'}`;
}

/** An Entra object id (a GUID), as an app-only token's sub carries a service principal's. */
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An object id as Entra writes it in a token's sub: a version-4 GUID (a `4` right after the second
 * dash, one of 8, 9, a, b right after the third: RFC 9562, section 5.4) in lower case. Entra draws
 * every object id it issues at random, so every one is of that form.
 */
const ENTRA_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The characters each of the 36 places of an object id Entra writes can hold (ENTRA_OBJECT_ID). */
const OBJECT_ID_PLACES: readonly string[] = Array.from({ length: 36 }, (_, i) => ([8, 13, 18, 23].includes(i) ? '-' : i === 14 ? '4' : i === 19 ? '89ab' : '0123456789abcdef'));
/** The sets of pattern positions matchesEveryObjectId keeps at one place of an object id, at most: a real pattern keeps a handful. */
const MAX_PATTERN_STATE_SETS = 64;

/**
 * Whether a StringLike pattern (`*` any run, `?` one character, case compared) matches every object
 * id Entra issues (ENTRA_OBJECT_ID, a lower-case version-4 GUID): `*-*`, `????????-*`, `*-4*`,
 * `*-*-4*`, `?*`. Decided on the pattern's automaton, walking the 36 places of an object id with
 * every set of pattern positions some id can have reached there: the characters a place can hold
 * that the pattern does not write all move it alike, so at each place only those it writes and one
 * other are tried, and no id is enumerated. An id that leaves it in no position, or in none at its
 * end, is one the pattern does not match. A contrived pattern whose walk keeps more than
 * MAX_PATTERN_STATE_SETS sets is answered no: it is then matched against each object id, as any
 * other pattern, which is slower but as correct.
 */
export function matchesEveryObjectId(pattern: string): boolean {
  // A run of stars matches what one does; a match of 36 characters uses at most 36 of the others.
  const tokens = [...pattern.replace(/\*+/g, '*')];
  if (tokens.filter((t) => t !== '*').length > 36) return false;
  const end = tokens.length;
  // Positions, sorted and unique, with those a star lets the pattern skip to.
  const closed = (from: readonly number[]): number[] => {
    const seen = new Set<number>();
    for (let i of from) {
      for (; !seen.has(i); i++) {
        seen.add(i);
        if (tokens[i] !== '*') break;
      }
    }
    return [...seen].sort((x, y) => x - y);
  };
  const written = new Set(tokens);
  // At each place, the characters it can hold that the pattern writes, and one it does not.
  const tried = OBJECT_ID_PLACES.map((held) => {
    const chars = [...held];
    const unwritten = chars.find((c) => !written.has(c));
    const named = chars.filter((c) => written.has(c));
    return unwritten === undefined ? named : [...named, unwritten];
  });
  let sets = new Map<string, number[]>([['start', closed([0])]]);
  for (let place = 0; place < 36; place++) {
    const next = new Map<string, number[]>();
    for (const set of sets.values()) {
      for (const ch of tried[place]) {
        const moved: number[] = [];
        for (const i of set) {
          if (i === end) continue;
          if (tokens[i] === '*') moved.push(i);
          else if (tokens[i] === '?' || tokens[i] === ch) moved.push(i + 1);
        }
        const after = closed(moved);
        if (after.length === 0) return false;
        next.set(after.join(','), after);
      }
    }
    if (next.size > MAX_PATTERN_STATE_SETS) return false;
    sets = next;
  }
  for (const set of sets.values()) if (!set.includes(end)) return false;
  return true;
}

/**
 * How many service principals (or Okta service apps) a sub pattern may admit and still give each a
 * link of its own to the trusting role. Past it the trust's edge stands for them (broadAdmitted), so
 * a trust adds at most this many links and the links grow with the trusts, not trusts x identities.
 */
export const BROAD_PATTERN_LINKS = 100;
/** How many of those a broad pattern admits the trust edge names by id (evidence.patternAdmitsFirst). */
const BROAD_PATTERN_SHOWN = 10;

/** The names of the first three of a long list, then how many more (firstFewText, without mapping the whole list). */
function firstNames(list: readonly GraphNode[]): string {
  const names = list
    .slice(0, 3)
    .map((n) => n.name)
    .join(', ');
  return list.length > 3 ? `${names} and ${list.length - 3} more` : names;
}

/**
 * The trust's own filter on sub beyond the pattern, when it has one: an IAM trust with several
 * operators on the key (its fact's `entries`) or a pinned fact; undefined when the pattern alone
 * decides (`subAdmits` then lets every id through).
 */
function ownSubFilter(aws: boolean, fact: unknown, subAdmits: (id: string) => boolean): ((id: string) => boolean) | undefined {
  if (!aws) return undefined;
  const f = (fact ?? {}) as { status?: unknown; entries?: unknown };
  return f.status === 'pinned' || Array.isArray(f.entries) ? subAdmits : undefined;
}

/** StringLike and its IfExists, ForAnyValue: and ForAllValues: forms: `*` and `?` are wildcards, case is compared. */
const STRING_LIKE = /^(?:for(?:all|any)values?:)?stringlike(?:ifexists)?$/i;

/** Entra identity types that can get an app-only token: service principals of every kind, not app registrations or users. */
const CALLER_TYPES: ReadonlySet<string> = new Set(['entra-service-principal', 'entra-managed-identity', 'entra-agent-identity']);

/** A service principal that can get a token an Entra trust accepts: why, and what that rests on that was not read. */
interface EntraCaller {
  node: GraphNode;
  why: string;
  doubt?: string;
  /** Why STS turns its token away today (its audience is not in the provider's client id list): the link is latent. */
  blocked?: string;
}

/**
 * One audience of an Entra trust: the app of the scanned tenant it names, and its verdict
 * (tokenVersionVerdict, then audienceVerdict): why no token meets it, or what every token for it
 * rests on that is not known.
 */
interface EntraAudience {
  aud: string;
  app?: GraphNode;
  bar?: string;
  doubts: string[];
  /** Why STS turns away every token for it today (the client id list does not hold it): latent, not a bar. */
  refused?: string;
}

/** The audiences' refusals, each once, sorted: as the edge's reason, its dormant mark and its `blocked` evidence say them. */
function refusedTexts(audiences: readonly EntraAudience[]): string[] {
  return uniqueSortedTexts(audiences.flatMap((r) => (r.refused !== undefined ? [r.refused] : [])));
}

/** Two reasons an edge may not hold, either or both absent. */
function joinDoubts(a: string | undefined, b: string | undefined): string | undefined {
  return a && b ? `${a}, and ${b}` : (a ?? b);
}

/**
 * An Okta AWS app's assignment (a user or group) reaches only the roles its mapping names, not
 * every role that trusts the app's SAML provider: with group mapping, the role a group's name
 * gives through the app's group filter; otherwise the assignment's SAML roles. The transforms
 * join each assignment to the shared SAML provider node (which FEDERATES_TO every role trusting
 * it); here, once the AWS roles are known, each such edge is replaced by edges to the roles the
 * mapping names. With group mapping the roles are those of the account a group's name gives that
 * trust the SAML provider the role value pattern names for that account, which in Okta's
 * multi-account setup is that account's own, not the app's (see rolesOfGroupName). With group
 * mapping, an assigned user gets the role of every group of theirs the
 * filter matches, assigned to the app or not: a matching group assigned to the app carries it
 * (MEMBER_OF, then the group's edge), and the others (listed on the user's edge as `roleGroups`)
 * give the user its own edge to the role. Membership rights into such an unassigned group (an
 * Okta CAN_ESCALATE_TO edge to the provider naming the group as `roleGroup`) become edges to the
 * role(s) the group's name gives, or are dropped when it gives none. A group the app's App Filter
 * leaves out maps no role, and one it may leave out (its type or source app not read) a conditional
 * one (appFilterAdmits). When the mapping, or part of
 * it, cannot be read, the edge to the provider stays, marked conditional. A role the mapping names
 * in an account whose IAM was not read (not scanned, or its authorization details missing) cannot
 * be checked against its trust policy: the route ends at the SAML provider the role value names,
 * as on the Entra side (linkEntraSaml), conditional only for what would make the route to the
 * role conditional (the App Filter, a provider another app names or no scanned app names), not for
 * the account. The app node keeps the list of its assignees in
 * `attrs.assignees` for the rules that judge the assignments themselves.
 *
 * Linear: one pass over the edges builds the indexes, one pass over the assignment edges (and
 * each user's listed role groups) and the role-group escalations uses them.
 */
function narrowSamlAssignments(b: GraphBuilder): void {
  const rolesOf = new Map<string, RoleIndex>();
  /** Role trusts that hold only under a condition (the provider is missing), by hub and role id. */
  const doubtful = new Map<string, GraphEdge>();
  /** Hub and role pairs some trust statement lets in outright. */
  const firm = new Set<string>();
  const groupsOf = new Map<string, GraphNode[]>();
  const assignments: GraphEdge[] = [];
  const roleGroupEscalations: GraphEdge[] = [];
  const createGroupEscalations: GraphEdge[] = [];
  /** The Entra apps (node ids) naming each SAML provider ARN (noteEntraSamlApp). */
  const entraNaming = new Map<string, Set<string>>();
  const edges = b.edgeList();
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i];
    if (e.type === 'FEDERATES_TO') {
      // A dead trust is no role an assignment can be mapped to (liveSamlTrust).
      const trust = liveSamlTrust(b, e);
      if (trust) {
        const { hub, role } = trust;
        let index = rolesOf.get(hub.id);
        if (!index) rolesOf.set(hub.id, (index = { hub, byArn: new Map(), byName: new Map() }));
        index.byArn.set(role.nativeId, role);
        (index.byName.get(role.name) ?? index.byName.set(role.name, []).get(role.name)!).push(role);
        // Statements of one policy may each name the provider: the trust is doubtful only when
        // none of them lets it in outright (IAM allows when any Allow matches).
        const key = `${hub.id}\u0000${role.id}`;
        if (!e.conditional) firm.add(key);
        else if (!firm.has(key)) doubtful.set(key, e);
      }
    } else if (e.type === 'MEMBER_OF') {
      const g = b.getNode(e.to);
      if (g?.type === 'okta-group') (groupsOf.get(e.from) ?? groupsOf.set(e.from, []).get(e.from)!).push(g);
    } else if (e.type === 'SAML_MAPS_TO' && typeof e.evidence?.appId === 'string') {
      const from = b.getNode(e.from);
      if (from && from.provider === 'okta' && (from.kind === 'group' || from.type === 'okta-user')) assignments.push(e);
    } else if (noteEntraSamlApp(e, entraNaming)) {
      // An Entra enterprise app naming the provider (its own edge, or an assignment's): the
      // provider holds one IdP's metadata, so it may be Entra's rather than the Okta app's.
    } else if (e.type === 'CAN_ESCALATE_TO' && typeof e.evidence?.roleGroup === 'string' && typeof e.evidence.appId === 'string') {
      roleGroupEscalations.push(e);
    } else if (e.type === 'CAN_ESCALATE_TO' && typeof e.evidence?.createGroup === 'string' && typeof e.evidence.appId === 'string') {
      createGroupEscalations.push(e);
    }
  }
  for (const key of firm) doubtful.delete(key);
  const apps: GraphNode[] = [];
  for (let i = 0; i < b.nodeCount; i++) {
    const n = b.nodeAt(i);
    if (n.type === 'okta-aws-federation-app') apps.push(n);
  }
  const claims = providerClaims(apps);
  const scanned = iamReadAccounts(b);
  /** The names of the Entra apps naming a provider, sorted. */
  const entraNames = (arn: string): string[] => sortTexts([...(entraNaming.get(arn) ?? [])].map((id) => b.getNode(id)?.name ?? id));
  // Per app: why its own provider may not take its assertions (ownProviderDoubt), computed once.
  const doubts = new Map<GraphNode, string | undefined>();
  const providers = (hub: GraphNode, app: GraphNode): Providers => {
    if (!doubts.has(app)) doubts.set(app, ownProviderDoubt(claims, hub, app, entraNames(hub.nativeId)));
    return { hub, rolesOf, app, claims, ownDoubt: doubts.get(app), scanned };
  };
  /** The node of a provider an unchecked route ends at: the app's own, or one the pattern names. */
  const providerNode = (hub: GraphNode, arn: string): string => (arn === hub.nativeId ? hub.id : b.addNode(samlProviderRef(arn)).id);
  const drop = new Set<GraphEdge>();
  const add: GraphEdge[] = [];
  const assignees = new Map<GraphNode, Set<string>>();
  // Apps with Join all roles off (per-assignment roles): the users assigned directly with roles of
  // their own, and each group assignment's edges to its roles (separateRoles).
  const direct = new Map<GraphNode, Set<string>>();
  const groupRoutes: GroupRoute[] = [];
  for (const e of assignments) {
    const from = b.getNode(e.from)!;
    const hub = b.getNode(e.to);
    const app = b.getNode(ids.oktaApp(from.scope, e.evidence!.appId as string));
    if (!hub || !app) continue;
    (assignees.get(app) ?? assignees.set(app, new Set()).get(app)!).add(from.id);
    drop.add(e);
    const roles = providers(hub, app);
    // An inactive app issues no assertion: its assignments reach no role.
    const mapped = app.enabled === false ? { found: [] } : mappedRoles(app, from, e, roles, groupsOf.get(from.id) ?? []);
    const separate = app.attrs.joinAllRoles === false && app.attrs.useGroupMapping !== true;
    if (separate && from.kind !== 'group' && e.evidence?.assignment === 'USER' && Array.isArray(e.evidence.samlRoles) && e.evidence.samlRoles.length > 0) {
      (direct.get(app) ?? direct.set(app, new Set()).get(app)!).add(from.id);
    }
    if (mapped === undefined || mapped.unread !== undefined) {
      const what = `which of the roles trusting it the app maps ${from.kind === 'group' ? 'the group' : 'the user'} to could not be read`;
      add.push({ ...e, conditional: true, reason: `${e.reason}; ${what}${mapped?.unread ? ` (${mapped.unread})` : ''}` });
      if (mapped === undefined) continue;
    }
    const first = add.length;
    if (separate && from.kind === 'group' && mapped.found.length > 0) groupRoutes.push({ app, group: from, first, count: mapped.found.length });
    for (const { role, why, via, note, unsure, doubt } of mapped.found) {
      const trust = doubtful.get(`${via.id}\u0000${role.id}`);
      add.push({
        ...(trust || unsure ? { conditional: true } : {}),
        from: from.id,
        to: role.id,
        type: 'SAML_MAPS_TO',
        hidden: true,
        reason: `${from.kind === 'group' ? `members of group ${from.name} are` : `${from.name} is`} assigned to the AWS app ${app.name}, whose ${why} names role ${role.name}, and ${trust ? `the ${trust.reason}` : `${role.name} accepts SAML sign-in through ${via.nativeId}`}${note ?? ''}${doubt ? `; ${doubt}` : ''}`,
        evidence: { ...e.evidence, via: via.id },
      });
    }
    for (const u of mapped.unchecked ?? []) {
      add.push({
        ...(u.unsure ? { conditional: true } : {}),
        from: from.id,
        to: providerNode(hub, u.arn),
        type: 'SAML_MAPS_TO',
        hidden: true,
        reason: `${from.kind === 'group' ? `members of group ${from.name} are` : `${from.name} is`} assigned to the AWS app ${app.name}, whose ${u.why} names role ${u.role} through ${u.arn}; ${uncheckedText(u)}${u.note ?? ''}${u.doubt ? `; ${u.doubt}` : ''}`,
        evidence: { ...e.evidence },
      });
    }
  }
  // Membership rights into a group the app's filter maps, not assigned to the app (see the Okta
  // transform's addRoleGroupEscalations): to the role(s) the group's name gives, or to none.
  for (const e of roleGroupEscalations) {
    const from = b.getNode(e.from);
    const hub = b.getNode(e.to);
    if (!from || hub?.type !== 'aws-saml-provider-ref') continue;
    const app = b.getNode(ids.oktaApp(from.scope, e.evidence!.appId as string));
    drop.add(e);
    const filter = app && app.enabled !== false ? oktaGroupFilter(app.attrs.groupFilter) : undefined;
    if (!app || !filter) continue;
    const name = e.evidence!.roleGroup as string;
    const unchecked: Unchecked[] = [];
    for (const { role, via, note, unsure } of rolesOfGroupName(filter, app.attrs.roleValuePattern, name, providers(hub, app), unchecked)) {
      const trust = doubtful.get(`${via.id}\u0000${role.id}`);
      add.push({
        ...(e.conditional || trust || unsure ? { conditional: true } : {}),
        from: from.id,
        to: role.id,
        type: 'CAN_ESCALATE_TO',
        hidden: true,
        reason: `${e.reason}; the filter maps ${name} to role ${role.name}, and ${trust ? `the ${trust.reason}` : `${role.name} accepts SAML sign-in through ${via.nativeId}`}${note ?? ''}`,
        evidence: { ...e.evidence, via: via.id },
      });
    }
    for (const u of unchecked) {
      add.push({
        ...(e.conditional || u.unsure ? { conditional: true } : {}),
        from: from.id,
        to: providerNode(hub, u.arn),
        type: 'CAN_ESCALATE_TO',
        hidden: true,
        reason: `${e.reason}; the filter maps ${name} to role ${u.role} through ${u.arn}; ${uncheckedText(u)}${u.note ?? ''}`,
        evidence: { ...e.evidence },
      });
    }
  }
  // Rights to create or rename a group the app's filter maps (the Okta transform's
  // addRoleGroupEscalations): the group can name any account, so the route leads to every SAML
  // provider the role value pattern names for its own account, and on to the roles trusting it.
  // Without a provider in the pattern, the edge to the app's own provider stays. The providers are
  // indexed once by the shape of the pattern part that names them (providersByShape): one look-up
  // per such edge (one per app and holder).
  let shapes: Map<string, RoleIndex[]> | undefined;
  for (const e of createGroupEscalations) {
    const from = b.getNode(e.from);
    const hub = b.getNode(e.to);
    if (!from || hub?.type !== 'aws-saml-provider-ref') continue;
    const app = b.getNode(ids.oktaApp(from.scope, e.evidence!.appId as string));
    const pattern = app?.attrs.roleValuePattern;
    const providerPart = typeof pattern === 'string' ? pattern.split(',').find((x) => x.includes(':saml-provider/')) : undefined;
    if (providerPart === undefined) continue;
    // A pattern whose provider names ${accountid} reaches other accounts only through the group
    // filter's accountid capture; without one (Okta has no account to write in), no group name
    // picks an account, and the edge to the app's own provider stays as it is.
    if (providerPart.includes('${accountid}') && !String(app!.attrs.groupFilter).includes('{{accountid}}')) continue;
    let own = false;
    const shape = providerPart.replaceAll('${role}', '').trim();
    const named = shape.includes('${accountid}') ? (shapes ??= providersByShape(rolesOf)).get(shape) : [rolesOf.get(ids.external('saml-provider', shape))];
    for (const index of named ?? []) {
      if (!index) continue;
      const arn = index.hub?.nativeId;
      const account = arn?.match(ACCOUNT_FIELD)?.[1];
      if (!index.hub || !arn || patternPart(pattern, ':saml-provider/', account, '') !== arn) continue;
      if (index.hub.id === hub.id) own = true;
      else {
        // Another app's provider: only when it accepts this app's assertions (providerAccepts).
        const { accepts, why } = providerAccepts(claims, arn, app!);
        if (accepts !== 'no') add.push({ ...e, ...(accepts === 'maybe' ? { conditional: true } : {}), to: index.hub.id, reason: `${e.reason}; the app's role value pattern names ${arn} for account ${account}${why}`, evidence: { ...e.evidence, via: index.hub.id } });
      }
    }
    // The app's own provider in an account whose IAM was not read: a group naming that account
    // reaches it, and what its roles trust is not known (the edge stays, as for an assignment).
    const hubAccount = hub.nativeId.match(ACCOUNT_FIELD)?.[1];
    if (!own && (hubAccount === undefined || scanned.has(hubAccount))) drop.add(e);
  }
  const replaced = direct.size > 0 && groupRoutes.length > 0 ? separateRoles(b, edges, direct, groupRoutes, add) : undefined;
  b.removeEdges(drop);
  for (const e of add) if (!replaced?.has(e)) b.addEdge(e);
  for (const [app, set] of assignees) app.attrs.assignees = [...set].sort();
}

/** How many of a group's members assigned to the app directly a Join all roles reason names. */
const NAMED_DIRECT = 3;

/** A group's assignment to an AWS app with Join all roles off: its edges to roles, `add[first .. first + count)`. */
interface GroupRoute {
  app: GraphNode;
  group: GraphNode;
  first: number;
  count: number;
}

/**
 * Join all roles off (Okta help, "Configure the Amazon Web Services Account Federation app in
 * Okta"): a user assigned to the app directly gets the roles of that assignment only, not those of
 * the groups it is in that are assigned to the app ("Join all roles OFF: Role1 and Role2 are
 * available", the direct ones; on, the group's RoleA and RoleB as well). Only with per-assignment
 * roles: under Use Group Mapping the roles come from the groups' names. A group's edge to a role
 * would give it to every member, so for a group that has a member assigned directly (with roles of
 * its own; one with none may get the group's, which is not documented, and keeps them), the
 * group's edges to its roles are replaced by one per member not assigned directly, and one per
 * edge into the group that gives control of a member to be (membership rights: a user added to it
 * who is not assigned directly gets them). Which of several groups' roles a user assigned only
 * through groups gets (group priority, or combined values, set per attribute in the profile editor)
 * is not read: each group's edge stays. Returns the edges of `add` replaced; the new ones are
 * appended to it. One pass over the edges, only when such a group exists.
 */
function separateRoles(b: GraphBuilder, edges: readonly GraphEdge[], direct: Map<GraphNode, Set<string>>, routes: GroupRoute[], add: GraphEdge[]): Set<GraphEdge> {
  const replaced = new Set<GraphEdge>();
  const groups = new Set(routes.filter((r) => direct.has(r.app)).map((r) => r.group.id));
  if (groups.size === 0) return replaced;
  // Per such group, the edges into it that give what it has: memberships and membership rights.
  const into = new Map<string, GraphEdge[]>();
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i];
    if ((e.type === 'MEMBER_OF' || e.type === 'CAN_ESCALATE_TO') && groups.has(e.to)) (into.get(e.to) ?? into.set(e.to, []).get(e.to)!).push(e);
  }
  for (const { app, group, first, count } of routes) {
    const own = direct.get(app);
    const incoming = into.get(group.id) ?? [];
    if (!own || !incoming.some((e) => e.type === 'MEMBER_OF' && own.has(e.from))) continue;
    // A few of the members assigned directly are named: every edge below carries this text, and a
    // list of them all would grow each edge with the group (their number times the others').
    const names = sortTexts(incoming.filter((e) => e.type === 'MEMBER_OF' && own.has(e.from)).map((e) => b.getNode(e.from)?.name ?? e.from));
    const shown = names.length > NAMED_DIRECT ? `${names.slice(0, NAMED_DIRECT).join(', ')} and ${names.length - NAMED_DIRECT} more` : names.join(', ');
    const off = `the app's Join all roles is off, so a member assigned to it directly (${shown}) gets the roles of that assignment only`;
    for (const r of add.slice(first, first + count)) {
      replaced.add(r);
      const role = b.getNode(r.to);
      for (const e of incoming) {
        if (e.type === 'MEMBER_OF' && own.has(e.from)) continue;
        const member = e.type === 'MEMBER_OF';
        const who = member ? b.getNode(e.from)?.name ?? e.from : undefined;
        add.push({
          ...(r.conditional || e.conditional ? { conditional: true } : {}),
          from: e.from,
          to: r.to,
          type: member ? 'SAML_MAPS_TO' : 'CAN_ESCALATE_TO',
          hidden: true,
          reason: member
            ? `${who} is a member of group ${group.name}, and ${r.reason}; ${off}, and ${who} is not assigned to it directly`
            : `${e.reason}; a user it adds to group ${group.name} who is not assigned to ${app.name} directly gets role ${role?.name ?? r.to}, as ${r.reason}; ${off}`,
          evidence: { ...(member ? r.evidence : e.evidence), group: group.id, via: r.evidence?.via },
        });
      }
    }
  }
  return replaced;
}

/**
 * The roles an assignment maps to, with why and the SAML provider each is reached through;
 * `undefined` when the mapping cannot be read, and `unread` (with the roles that could be read)
 * when part of it cannot.
 */
function mappedRoles(app: GraphNode, from: GraphNode, e: GraphEdge, roles: Providers, groups: GraphNode[]): Mapped | undefined {
  const a = app.attrs;
  if (a.useGroupMapping === true) {
    const filter = oktaGroupFilter(a.groupFilter);
    if (!filter) return undefined;
    if (from.kind === 'group') {
      // A group without its name (groups.json not read) cannot be matched.
      if (from.name === from.nativeId) return undefined;
      // The App Filter decides which groups the app maps at all.
      const admits = appFilterAdmits(a.appFilter, from.attrs.groupType, from.attrs.sourceApp);
      if (admits === 'no') return { found: [] };
      const doubt = admits === 'maybe' ? { unsure: true, doubt: appFilterDoubt(a.appFilter, from.name) } : {};
      const why = `group filter (applied to the group's name)`;
      const unchecked: Unchecked[] = [];
      const found = rolesOfGroupName(filter, a.roleValuePattern, from.name, roles, unchecked).map((r) => ({ ...r, ...doubt, why }));
      return { found, unchecked: unchecked.map((u) => ({ ...u, ...doubt, why })) };
    }
    // A user's roles come from every group of theirs the filter matches. Those assigned to the app
    // carry theirs (MEMBER_OF, then the group's own edge); the others are listed on the edge.
    if (from.attrs.groupsCollected !== true || !Array.isArray(e.evidence?.roleGroups)) return undefined;
    const found = new Map<GraphNode, Found>();
    const unchecked: Unchecked[] = [];
    const named = (list: unknown, unsure: boolean): void => {
      for (const name of Array.isArray(list) ? (list as unknown[]) : []) {
        if (typeof name !== 'string') continue;
        const why = `group filter (applied to the name of its group ${name}, which is not itself assigned to the app)`;
        const elsewhere: Unchecked[] = [];
        for (const r of rolesOfGroupName(filter, a.roleValuePattern, name, roles, elsewhere)) {
          // A role some group surely maps wins over one a group the App Filter may leave out maps.
          if (!found.has(r.role)) found.set(r.role, unsure ? { ...r, why, unsure: true, doubt: appFilterDoubt(a.appFilter, name) } : { ...r, why });
        }
        for (const u of elsewhere) unchecked.push(unsure ? { ...u, why, unsure: true, doubt: appFilterDoubt(a.appFilter, name) } : { ...u, why });
      }
    };
    named(e.evidence!.roleGroups, false);
    named(e.evidence?.roleGroupsUnsure, true);
    const unnamed = Array.isArray(e.evidence?.roleGroupsUnnamed) ? (e.evidence!.roleGroupsUnnamed as unknown[]) : [];
    const list = [...found.values()];
    const mapped: Mapped = unchecked.length > 0 ? { found: list, unchecked } : { found: list };
    return unnamed.length > 0 ? { ...mapped, unread: `the name of its group(s) ${unnamed.join(', ')} was not read, so the group filter could not be applied to them` } : mapped;
  }
  const own = Array.isArray(e.evidence?.samlRoles) ? (e.evidence!.samlRoles as unknown[]).filter((x): x is string => typeof x === 'string') : [];
  if (own.length === 0) {
    // Assigned through a group: the group's own assignment names its roles.
    if (from.kind !== 'group' && e.evidence?.assignment === 'GROUP' && from.attrs.groupsCollected === true && groups.length > 0) return { found: [] };
    return undefined;
  }
  const index = roles.rolesOf.get(roles.hub.id) ?? NO_ROLES;
  const found = new Set<GraphNode>();
  /** Values naming no role trusting the provider, in an account whose IAM was not read. */
  const elsewhere: string[] = [];
  const accounts = new Set<string>();
  const hubAccount = roles.hub.nativeId.match(ACCOUNT_FIELD)?.[1];
  /** Roles reached through the provider a value names itself, and the routes that end there. */
  const named: Omit<Found, 'why'>[] = [];
  const unchecked: Unchecked[] = [];
  for (const v of own) {
    // A value that is a whole Role attribute value (a role ARN and a provider ARN) names the
    // provider AWS is asked to take the assertion through: the role is reached through that one,
    // as a group mapping's pattern names one, not through the app's own.
    const pair = awsSamlRole(v);
    if (pair) {
      const names = 'the assignment names that provider';
      named.push(...roleThroughProvider(roles, pair.roleArn, pair.providerArn, names, unchecked, names));
      continue;
    }
    const byArn = index.byArn.get(v);
    if (byArn) found.add(byArn);
    const byName = index.byName.get(v) ?? [];
    for (const r of byName) found.add(r);
    // A role ARN names its account; a role name is one of the provider's account.
    const account = byArn || byName.length > 0 ? undefined : (v.includes(':role/') ? v.match(ACCOUNT_FIELD)?.[1] : hubAccount);
    if (account !== undefined && !roles.scanned.has(account)) {
      elsewhere.push(v);
      accounts.add(account);
    }
  }
  const why = `assignment (SAML roles ${own.join(', ')})`;
  const mapped: Mapped = { found: [...found].map((r) => ({ ...ownRoute(roles, r), why })) };
  // A role named twice through the same provider is one route.
  for (const r of named) if (!mapped.found.some((f) => f.role === r.role && f.via === r.via)) mapped.found.push({ ...r, why });
  for (const u of unchecked) u.why = why;
  const doubt = roles.ownDoubt === undefined ? {} : { note: roles.ownDoubt, unsure: true };
  if (elsewhere.length > 0) unchecked.unshift({ arn: roles.hub.nativeId, role: elsewhere.join(', '), account: [...accounts].sort().join(', '), why, ...doubt });
  return unchecked.length === 0 ? mapped : { ...mapped, unchecked };
}

/** One role an assignment maps to: why, and the SAML provider (hub node) it is reached through. */
interface Found {
  role: GraphNode;
  via: GraphNode;
  why: string;
  /** Said of the provider when the role value pattern named one other than the app's own. */
  note?: string;
  /**
   * The route holds only if that other provider trusts this app's signing certificate, which the
   * snapshot does not show (the provider's metadata document is not read), or only if the App
   * Filter admits the group (`doubt` says so): the edge is conditional.
   */
  unsure?: boolean;
  /** Why the mapping itself may not hold, when it is not the provider (the App Filter). */
  doubt?: string;
}

/** What an assignment maps to: the roles found, and what could not be read, if anything. */
interface Mapped {
  found: Found[];
  unread?: string;
  /** Routes to roles in an account whose IAM was not read: they end at the SAML provider. */
  unchecked?: Unchecked[];
}

/**
 * A role the mapping names in an account whose IAM was not read, through a SAML provider: whether
 * the role trusts that provider is not known, so the route ends at the provider (the Entra side
 * keeps its edge to the provider alike, linkEntraSaml).
 */
interface Unchecked {
  /** The SAML provider's ARN. */
  arn: string;
  /** The role (its ARN, or name) the mapping names, or several, joined. */
  role: string;
  /** The role's account, or several, joined. */
  account: string;
  /** What names the role, as Found.why; set by the caller of rolesOfGroupName. */
  why?: string;
  note?: string;
  unsure?: boolean;
  doubt?: string;
}

/** Why an unchecked route ends at the provider. */
function uncheckedText(u: Unchecked): string {
  return `the role's account ${u.account} was not scanned (or its IAM not read), so whether the role trusts that provider is not known`;
}

/**
 * Records a route rolesOfGroupName found no role for, when the role's account was not scanned:
 * through the app's own provider, doubtful as a route to a role through it would be (ownRoute);
 * through another provider, only when it may take the app's assertions (providerAccepts).
 */
function uncheckedRoute(p: Providers, providerArn: string, role: string, account: string | undefined, out: Unchecked[] | undefined, names = `the app's role value pattern names that provider for account ${account}`): void {
  if (out === undefined || account === undefined || p.scanned.has(account)) return;
  if (providerArn === p.hub.nativeId) {
    out.push({ arn: providerArn, role, account, ...(p.ownDoubt === undefined ? {} : { note: p.ownDoubt, unsure: true }) });
    return;
  }
  const { accepts, why } = providerAccepts(p.claims, providerArn, p.app);
  if (accepts === 'no') return;
  const note = `; ${names}${why}`;
  out.push({ arn: providerArn, role, account, note, ...(accepts === 'maybe' ? { unsure: true } : {}) });
}

/** The app's own SAML provider (hub), and the roles trusting each SAML provider, by provider node id. */
interface Providers {
  hub: GraphNode;
  rolesOf: Map<string, RoleIndex>;
  /** The app the assignment or the group is for. */
  app: GraphNode;
  /** Per SAML provider ARN, the active Okta AWS apps that name it as their own provider. */
  claims: ProviderClaims;
  /** Why the app's own provider may not take its assertions (ownProviderDoubt), if it may not. */
  ownDoubt?: string;
  /** The AWS accounts whose IAM was read (iamReadAccounts). */
  scanned: Set<string>;
}

/** A role reached through the app's own provider: conditional when another app names it too. */
function ownRoute(p: Providers, role: GraphNode): Omit<Found, 'why'> {
  return p.ownDoubt === undefined ? { role, via: p.hub } : { role, via: p.hub, note: p.ownDoubt, unsure: true };
}

/**
 * Why the app's own SAML provider may not take its assertions: another active scanned app names
 * the same provider as its own, or an enabled Entra enterprise app's app role names it. The provider holds one IdP's metadata, one issuer and its signing
 * certificate, and AWS checks both (see providerAccepts); the metadata is not read, so which of
 * the apps it was created for is not known, whatever their keys. Undefined when no other app
 * names it.
 */
function ownProviderDoubt(claims: ProviderClaims, hub: GraphNode, app: GraphNode, entraApps: readonly string[]): string | undefined {
  const others = (claims.get(hub.nativeId) ?? []).filter((a) => a !== app);
  // An Entra enterprise app whose app roles name the provider (entra-saml-link.ts makes its own
  // routes through it conditional for the Okta app alike): the metadata is Entra's or Okta's.
  const entra =
    entraApps.length === 0
      ? ''
      : `; the Entra app${entraApps.length > 1 ? 's' : ''} ${entraApps.join(', ')} also name${entraApps.length > 1 ? '' : 's'} ${hub.nativeId}, and a SAML provider holds the metadata of one identity provider (not read): it takes ${app.name}'s assertions only if it was created from ${app.name}'s, not Entra's`;
  if (others.length === 0) return entra === '' ? undefined : entra;
  const kid = app.attrs.signingKid;
  const unread = typeof kid !== 'string' ? app : others.find((a) => typeof a.attrs.signingKid !== 'string');
  const keys = unread
    ? `the signing key of ${unread.name} was not read`
    : others.some((a) => a.attrs.signingKid !== kid)
      ? 'they sign with different keys'
      : 'they sign with the same key, but AWS also checks the issuer, which differs per app';
  const names = others.map((a) => a.name).join(', ');
  return `; the AWS app${others.length > 1 ? 's' : ''} ${names} also name${others.length > 1 ? '' : 's'} ${hub.nativeId} as ${others.length > 1 ? 'their' : 'its'} own, and a SAML provider holds the metadata of one app (not read): it takes ${app.name}'s assertions only if it was created from ${app.name}'s (${keys})${entra}`;
}

/**
 * The roles one group name gives through the app's group filter, each with the SAML provider it
 * is reached through. With "Use Group Mapping" Okta writes the filter's `accountid` and `role` into
 * the role value pattern, and the result is the assertion's Role value: a provider ARN and a role
 * ARN, which AWS accepts only for a role whose trust policy names that provider (AWS IAM User Guide,
 * "Configure SAML assertions for the authentication response", the Role attribute). Okta's
 * multi-account setup has a provider in every account, named in the pattern
 * `arn:aws:iam::${accountid}:saml-provider/[SAML Provider Name],arn:aws:iam::${accountid}:role/${role}`
 * (Okta help, "Enable group-based role mapping in Okta", aws-enable-role-based.htm, and "Integrate
 * multiple AWS instances", aws-multiple-architecture.htm: "Configure each AWS account for SAML
 * access ... Repeat these steps across all of your accounts"), so a group of another account reaches
 * the roles trusting that account's provider, not the app's own `identityProviderArn` (the Okta
 * support article "Troubleshooting SAML AWS IAM Group Matching Login Error in Okta": sign-in fails
 * when the provider the pattern names does not match the one in IAM). The pattern is read from the
 * app object's `settings.app.roleValuePattern` (key names as in the Okta Terraform/Pulumi provider's
 * `app_settings_json` for `amazon_aws`). A pattern without a provider part, or without the account
 * it needs, falls back to the roles trusting the app's own provider. The role ARN is compared as
 * written, case included: a role name in an ARN is case sensitive (IAM User Guide, creating a role:
 * names are unique regardless of case, but "when a role name is used in a policy or as part of an
 * ARN, the role name is case sensitive"), so `aws_<account>_Admin` names no role `admin`, as on the
 * Entra side (linkEntraSaml). Two map look-ups per name.
 */
function rolesOfGroupName(filter: RegExp, roleValuePattern: unknown, name: string, p: Providers, unchecked?: Unchecked[]): Omit<Found, 'why'>[] {
  const m = filter.exec(name);
  const role = m?.groups?.role;
  if (!role) return [];
  const account = m.groups?.accountid;
  const arn = patternPart(roleValuePattern, ':role/', account, role);
  const provider = arn ? patternPart(roleValuePattern, ':saml-provider/', account, role) : undefined;
  // (An unchecked route's note names the role's account, as it always did.)
  if (arn && provider) return roleThroughProvider(p, arn, provider, `the app's role value pattern names that provider${account === undefined ? '' : ` for account ${account}`}`, unchecked);
  const roles = p.rolesOf.get(p.hub.id) ?? NO_ROLES;
  const found = (arn ? [roles.byArn.get(arn)].filter((r): r is GraphNode => r !== undefined) : (roles.byName.get(role) ?? []).filter((r) => account === undefined || r.scope === account)).map((r) => ownRoute(p, r));
  if (found.length === 0) uncheckedRoute(p, p.hub.nativeId, arn ?? role, arn ? arn.match(ACCOUNT_FIELD)?.[1] : (account ?? p.hub.nativeId.match(ACCOUNT_FIELD)?.[1]), unchecked);
  return found;
}

/**
 * The role `arn` through the SAML provider `provider` that a Role value names (the app's pattern
 * for a group, or an assignment's own value; `names` says which, for a provider not the app's
 * own): found among the roles trusting that provider, or, in an account whose IAM was not read,
 * a route that ends at the provider (uncheckedRoute). A provider that refuses the app's
 * assertions (providerAccepts) gives nothing, one that may take them a conditional route.
 */
function roleThroughProvider(p: Providers, arn: string, provider: string, names: string, unchecked: Unchecked[] | undefined, uncheckedNames?: string): Omit<Found, 'why'>[] {
  const index = p.rolesOf.get(ids.external('saml-provider', provider));
  const r = index?.byArn.get(arn);
  if (!index?.hub || !r) {
    uncheckedRoute(p, provider, arn, arn.match(ACCOUNT_FIELD)?.[1], unchecked, uncheckedNames);
    return [];
  }
  if (index.hub.id === p.hub.id) return [ownRoute(p, r)];
  const { accepts, why } = providerAccepts(p.claims, index.hub.nativeId, p.app);
  if (accepts === 'no') return [];
  const note = `; ${names}${why}`;
  return [accepts === 'maybe' ? { role: r, via: index.hub, note, unsure: true } : { role: r, via: index.hub, note }];
}

/** The account field of an IAM ARN. */
const ACCOUNT_FIELD = /::(\d{12}):/;

/**
 * The SAML providers some role trusts, by the shape of a role value pattern part naming them: the
 * ARN with its account written `${accountid}`, in the account field alone and, when the account
 * also appears elsewhere (a name such as Okta-<account>), everywhere. A part that writes the
 * account literally in one place and as `${accountid}` in another is not found. Each list keeps
 * the order of `rolesOf`. One pass over the providers.
 */
function providersByShape(rolesOf: Map<string, RoleIndex>): Map<string, RoleIndex[]> {
  const shapes = new Map<string, RoleIndex[]>();
  const put = (key: string, index: RoleIndex): void => void (shapes.get(key) ?? shapes.set(key, []).get(key)!).push(index);
  for (const index of rolesOf.values()) {
    const arn = index.hub?.nativeId;
    const account = arn?.match(ACCOUNT_FIELD)?.[1];
    if (!arn || !account) continue;
    const field = arn.replace(ACCOUNT_FIELD, '::${accountid}:');
    const everywhere = arn.replaceAll(account, '${accountid}');
    put(field, index);
    if (everywhere !== field) put(everywhere, index);
  }
  return shapes;
}

/** The roles trusting one SAML provider (its hub node), by ARN and by name. */
interface RoleIndex {
  hub?: GraphNode;
  byArn: Map<string, GraphNode>;
  byName: Map<string, GraphNode[]>;
}
const NO_ROLES: RoleIndex = { byArn: new Map(), byName: new Map() };
