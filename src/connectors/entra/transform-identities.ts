import { ids } from '../../graph/ids.js';
import type { GraphNode } from '../../graph/model.js';
import { isObject, type Reader } from '../../snapshot/shape.js';
import { MICROSOFT_TENANTS } from './permissions.js';
import { addObjectCredentials, credentialUse } from './transform-credentials.js';
import { type EntraContext, type IdentityRef, latest, odataType, warnUnknownParents } from './transform-context.js';
import { directoryObject } from './transform-users.js';
import { agentNameReasons } from '../../config/types.js';
import { parseDate } from '../../iso-date.js';

const AGENT_SP_TYPES = new Set(['agentIdentity', 'agentIdentityBlueprintPrincipal']);
/** Identity node types an owner can add credentials to (managed identities take none). */
export const APP_IDENTITY_TYPES: ReadonlySet<string> = new Set([
  'entra-service-principal',
  'entra-agent-identity',
  'entra-application',
]);

/**
 * The version of the access tokens issued for this app as a resource: its
 * `api.requestedAccessTokenVersion` (Microsoft Graph, apiApplication resource type) decides it,
 * whichever endpoint the caller used; null means 1. v1 tokens are issued by
 * `sts.windows.net/<tenant>/`, v2 tokens by `login.microsoftonline.com/<tenant>/v2.0` (Microsoft
 * identity platform, access token claims reference, `iss`). Undefined when `api` or the field was
 * not read (snapshots from before it was collected), or holds something else.
 */
function accessTokenVersion(ctx: EntraContext, obj: Record<string, unknown>, path: string, r: Reader): 1 | 2 | undefined {
  const api = r.optObject(obj, 'api', path);
  if (!api || !('requestedAccessTokenVersion' in api)) return undefined;
  const v = api.requestedAccessTokenVersion;
  if (v === null || v === 1) return 1;
  if (v === 2) return 2;
  ctx.b.warn(`entra/applications.json: ${path}.api.requestedAccessTokenVersion is ${JSON.stringify(v)}, not 1, 2 or null; the version of the app's tokens is taken as unknown`);
  return undefined;
}

/** Service principals (all kinds), then app registrations joined to them by appId. */
/** `home`: the tenant's id in lower case, when known (homeTenantId). */
export function addIdentities(ctx: EntraContext, home: string | undefined): void {
  const use = credentialUse(ctx);
  const signIns = spSignIns(ctx);
  const pending: { ref: IdentityRef; obj: Record<string, unknown>; path: string; r: Reader; saml: boolean }[] = [];

  for (const { obj, path, r } of ctx.items('servicePrincipals.json') ?? []) {
    const id = r.str(obj, 'id', path);
    if (ctx.sps.has(id)) {
      ctx.b.warn(`entra/servicePrincipals.json: duplicate service principal id ${id} at ${path}; the first one is kept`);
      continue;
    }
    const appId = r.optStr(obj, 'appId', path);
    const odata = odataType(r, obj, path);
    const spType = r.optStr(obj, 'servicePrincipalType', path);
    const ownerOrg = r.optStr(obj, 'appOwnerOrganizationId', path);
    const isAgent = odata !== undefined && AGENT_SP_TYPES.has(odata);
    const managed = spType === 'ManagedIdentity';
    const type = isAgent ? 'entra-agent-identity' : managed ? 'entra-managed-identity' : 'entra-service-principal';
    const firstParty = !managed && ownerOrg !== undefined && MICROSOFT_TENANTS.has(ownerOrg);
    const tenantOwned = ownerOrg !== undefined && ownerOrg.toLowerCase() === home;
    const publisher = r.optObject(obj, 'verifiedPublisher', path);
    const verified = !!(publisher && r.optStr(publisher, 'verifiedPublisherId', `${path}.verifiedPublisher`));
    const name = r.optStr(obj, 'displayName', path) ?? appId ?? id;
    const tags = r.optStrings(obj, 'tags', path);
    const sso = r.optStr(obj, 'preferredSingleSignOnMode', path);
    const node: GraphNode = {
      id: ids.entraSp(ctx.tenant, id),
      kind: 'identity',
      provider: 'entra',
      type,
      name,
      nativeId: id,
      scope: ctx.tenant,
      enabled: r.optBool(obj, 'accountEnabled', path),
      createdAt: r.optDate(obj, 'createdDateTime', path),
      // Sign-in data only when the beta report was read; then absence is "no sign-in on record".
      lastUsedAt: signIns ? clientUse(appId ? signIns.get(appId) : undefined, sso === 'saml') : undefined,
      tags,
      attrs: {
        appId,
        odataType: odata,
        servicePrincipalType: spType,
        appOwnerOrganizationId: ownerOrg,
        tenantOwned,
        appRoleAssignmentRequired: r.optBool(obj, 'appRoleAssignmentRequired', path),
        preferredSingleSignOnMode: sso,
        signInAudience: r.optStr(obj, 'signInAudience', path),
        notes: r.optStr(obj, 'notes', path),
        alternativeNames: managed ? r.optStrings(obj, 'alternativeNames', path) : undefined,
        // The app id and App ID URIs a token for this app may carry as aud (an AWS trust may name either).
        servicePrincipalNames: nonEmpty(r.optStrings(obj, 'servicePrincipalNames', path)),
        verifiedPublisher: publisher ? r.optStr(publisher, 'displayName', `${path}.verifiedPublisher`) : undefined,
        agentBlueprintId: r.optStr(obj, 'agentIdentityBlueprintId', path),
        // Tokens issued for this app as a resource: others' use of it, not its own.
        lastResourceSignInAt: appId ? signIns?.get(appId)?.resource : undefined,
      },
    };
    if (firstParty) node.firstParty = true;
    else if (!managed && ownerOrg !== undefined && !tenantOwned) {
      node.thirdParty = { ownerScope: ownerOrg, verifiedPublisher: verified };
    }
    if (isAgent) {
      node.agent = { confidence: 'authoritative', reasons: [`@odata.type ${odata}`] };
      node.attrs.agentKind = odata === 'agentIdentity' ? 'agent-identity' : 'blueprint-principal';
    }
    const ref: IdentityRef = { nodeId: node.id, node: ctx.b.addNode(node), objectId: id, appId, kind: 'sp', type, firstParty, name };
    ctx.sps.set(id, ref);
    if (appId) {
      if (ctx.spByAppId.has(appId)) ctx.b.warn(`entra/servicePrincipals.json: two service principals share appId ${appId}`);
      else ctx.spByAppId.set(appId, id);
    }
    recordAppRoles(ctx, id, appId, name, obj, path, r);
    pending.push({ ref, obj, path, r, saml: sso === 'saml' });
  }

  for (const { obj, path, r } of ctx.items('applications.json') ?? []) {
    const id = r.str(obj, 'id', path);
    if (ctx.apps.has(id)) {
      ctx.b.warn(`entra/applications.json: duplicate application id ${id} at ${path}; the first one is kept`);
      continue;
    }
    const appId = r.str(obj, 'appId', path);
    const spObjectId = ctx.spByAppId.get(appId);
    const web = r.optObject(obj, 'web', path);
    const implicit = web ? r.optObject(web, 'implicitGrantSettings', `${path}.web`) : undefined;
    const ip = `${path}.web.implicitGrantSettings`;
    const lock = r.optObject(obj, 'servicePrincipalLockConfiguration', path);
    const appAttrs: Record<string, unknown> = {
      applicationObjectId: id,
      appId,
      signInAudience: r.optStr(obj, 'signInAudience', path),
      implicitAccessToken: implicit ? r.optBool(implicit, 'enableAccessTokenIssuance', ip) : undefined,
      implicitIdToken: implicit ? r.optBool(implicit, 'enableIdTokenIssuance', ip) : undefined,
      isFallbackPublicClient: r.optBool(obj, 'isFallbackPublicClient', path),
      spLockEnabled: lock ? r.optBool(lock, 'isEnabled', `${path}.servicePrincipalLockConfiguration`) : undefined,
      appNotes: r.optStr(obj, 'notes', path),
      appOdataType: odataType(r, obj, path),
      accessTokenVersion: accessTokenVersion(ctx, obj, path, r),
      // Registered in this tenant, whatever the SP says.
      tenantOwned: true,
    };
    const createdAt = r.optDate(obj, 'createdDateTime', path);
    const tags = r.optStrings(obj, 'tags', path);
    let ref: IdentityRef;
    if (spObjectId) {
      ref = ctx.sps.get(spObjectId)!;
      const node = ref.node;
      Object.assign(node.attrs, appAttrs);
      if (createdAt) node.createdAt = createdAt;
      node.tags = [...new Set([...(node.tags ?? []), ...tags])];
    } else {
      const name = r.optStr(obj, 'displayName', path) ?? appId;
      const node: GraphNode = {
        id: ids.entraApp(ctx.tenant, id),
        kind: 'identity',
        provider: 'entra',
        type: 'entra-application',
        name,
        nativeId: id,
        scope: ctx.tenant,
        createdAt,
        tags,
        attrs: appAttrs,
      };
      ref = { nodeId: node.id, node: ctx.b.addNode(node), objectId: id, appId, kind: 'app', type: node.type, firstParty: false, name };
    }
    if (odataType(r, obj, path) === 'agentIdentityBlueprint') {
      const node = ref.node;
      node.agent ??= { confidence: 'authoritative', reasons: ['application @odata.type agentIdentityBlueprint'] };
    }
    ctx.apps.set(id, ref);
    addObjectCredentials(ctx, ref, obj, path, r, 'application', use, false);
  }

  for (const p of pending) addObjectCredentials(ctx, p.ref, p.obj, p.path, p.r, 'servicePrincipal', use, p.saml);
  for (const ref of [...ctx.sps.values(), ...ctx.apps.values()]) markHeuristicAgent(ctx, ref);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The tenant's id in lower case, as Graph writes it in `appOwnerOrganizationId`, to tell the
 * tenant's own apps from other tenants'. The snapshot names the tenant by its id when
 * /organization was read; without it the collector keeps AZURE_TENANT_ID as given: a GUID in any
 * case, or a domain name when the access token did not name the tenant (docs/entra-permissions.md). For a domain name the id is learned from the
 * service principals of the app registrations (applications.json lists only apps registered in
 * this tenant, so their owner organization is this tenant). When that cannot be done (no
 * registration read, or they disagree), undefined, with a warning: every non-Microsoft app is
 * then taken as another tenant's, as the data alone says.
 */
export function homeTenantId(ctx: EntraContext): string | undefined {
  if (GUID.test(ctx.tenant)) return ctx.tenant.toLowerCase();
  const appIds = new Set<string>();
  for (const { obj } of ctx.items('applications.json') ?? []) if (typeof obj.appId === 'string') appIds.add(obj.appId);
  const owners = new Set<string>();
  if (appIds.size > 0) {
    for (const { obj } of ctx.items('servicePrincipals.json') ?? []) {
      const owner = obj.appOwnerOrganizationId;
      if (typeof obj.appId === 'string' && appIds.has(obj.appId) && typeof owner === 'string' && GUID.test(owner)) owners.add(owner.toLowerCase());
    }
  }
  if (owners.size === 1) return [...owners][0];
  ctx.b.warn(
    `entra: the tenant is named ${ctx.tenant}, not by its id, and its id could not be learned from its app registrations' service principals` +
      `${owners.size > 1 ? ` (they name ${owners.size} different owner organizations)` : ''}; service principals owned by any tenant but Microsoft are taken as third-party apps (grant Organization.Read.All so that /organization gives the id)`,
  );
  return undefined;
}

/**
 * Whether every owner list of a node was read: an app registration and its service principal are
 * one node with two owner lists (applicationOwners.json, servicePrincipalOwners.json), and an
 * owner of either can add credentials, so "no owner" needs both; a partial read leaves it unset.
 */
function ownersRead(ctx: EntraContext, ref: IdentityRef, node: GraphNode): boolean {
  const appObjectId = node.attrs.applicationObjectId;
  // With the app registrations not read, a service principal of this tenant may have one whose
  // owners are owners too (they were never seen): its owner list is then not complete.
  const appsUnread = ref.kind === 'sp' && node.attrs.tenantOwned === true && !ctx.collected('entra.applications');
  const needsApp = ref.kind === 'app' || appsUnread || (typeof appObjectId === 'string' && ctx.apps.get(appObjectId) === ref);
  const needsSp = ref.kind === 'sp';
  return (!needsApp || node.attrs.appOwnersCollected === true) && (!needsSp || node.attrs.spOwnersCollected === true);
}

/** Owners of app registrations and of service principals (OWNS). */
export function addOwners(ctx: EntraContext): void {
  const sources: [string, Map<string, IdentityRef>, string, string][] = [
    ['applicationOwners.json', ctx.apps, 'application registration', 'applications.json'],
    ['servicePrincipalOwners.json', ctx.sps, 'service principal', 'servicePrincipals.json'],
  ];
  for (const [file, index, what, listFile] of sources) {
    const rel = ctx.relation(file);
    if (!rel) continue;
    const unknown: string[] = [];
    for (const [parentId, owners] of rel) {
      const target = index.get(parentId);
      if (!target) {
        unknown.push(parentId);
        continue;
      }
      const node = target.node;
      node.attrs[what === 'service principal' ? 'spOwnersCollected' : 'appOwnersCollected'] = true;
      if (ownersRead(ctx, target, node)) node.attrs.ownersCollected = true;
      for (const it of owners) {
        const owner = directoryObject(ctx, it);
        if (!owner) continue;
        ctx.b.addEdge({
          from: owner,
          to: node,
          type: 'OWNS',
          reason: `${owner.name} is an owner of the ${what} of ${target.name}`,
          evidence: { on: what === 'service principal' ? 'servicePrincipal' : 'application' },
        });
        // The escalation edge an owner gets (AZOwns -> AZAddSecret) depends on the owner's own
        // application permissions, read later: see addOwnerEscalation.
      }
    }
    warnUnknownParents(ctx, file, unknown, `an ${what}`, listFile);
  }
}

/**
 * Sponsors of agent identities, blueprint principals and blueprints (beta). A blueprint registered
 * in this tenant and its blueprint principal are one node with two sponsor lists (Agent ID sets
 * sponsors per object); like owners (ownersRead), `sponsorsCollected` is set once every list the
 * node has was read, so a list that was not read leaves it unknown, not judged on the other one.
 */
export function addSponsors(ctx: EntraContext): void {
  const rel = ctx.relation('agentSponsors.json');
  if (!rel) return;
  for (const [parentId, sponsors] of rel) {
    const target = ctx.sps.get(parentId) ?? ctx.apps.get(parentId);
    if (!target) {
      ctx.b.warn(`entra/agentSponsors.json: sponsors of unknown agent ${parentId} ignored`);
      continue;
    }
    const attrs = target.node.attrs;
    attrs[parentId === attrs.applicationObjectId ? 'appSponsorsCollected' : 'spSponsorsCollected'] = true;
    if (sponsorsRead(target.node)) attrs.sponsorsCollected = true;
    for (const it of sponsors) {
      const sponsor = directoryObject(ctx, it);
      if (!sponsor) continue;
      ctx.b.addEdge({
        from: sponsor,
        to: target.node,
        type: 'SPONSORS',
        reason: `${sponsor.name} sponsors agent ${target.name}`,
      });
    }
  }
}

/**
 * Whether each sponsor list the node has was read: its service principal's when it is an agent
 * identity or a blueprint principal, its application's when it is a blueprint registered here. A
 * node that is neither (a sponsor list given for another object) has only the list it was given.
 */
function sponsorsRead(node: GraphNode): boolean {
  const a = node.attrs;
  const needsSp = a.odataType === 'agentIdentity' || a.odataType === 'agentIdentityBlueprintPrincipal';
  const needsApp = a.appOdataType === 'agentIdentityBlueprint';
  return (!needsSp || a.spSponsorsCollected === true) && (!needsApp || a.appSponsorsCollected === true);
}

/** Per appId, from the servicePrincipalSignInActivities report (beta). */
interface SpSignIn {
  /** Latest sign-in of the app as a client (app-only or delegated): its own use. */
  client?: string;
  /** Latest token issued for the app as a resource: calls made to it by others. */
  resource?: string;
  /** Of those, the latest issued while a user signed in (delegatedResourceSignInActivity). */
  userResource?: string;
  /** A lastSignInActivity later than every detailed field: not known to be client or resource. */
  unattributed?: boolean;
}

const CLIENT_ACTIVITIES = ['applicationAuthenticationClientSignInActivity', 'delegatedClientSignInActivity'];
const RESOURCE_ACTIVITIES = ['applicationAuthenticationResourceSignInActivity', 'delegatedResourceSignInActivity'];

/**
 * The SP's own last use: its client activities only. The resource activities record tokens
 * other apps obtained to call this one (servicePrincipalSignInActivity, Microsoft Graph beta),
 * which say nothing about whether its own credentials are still in use. An app set up for SAML
 * single sign-on (`saml`) is used by people signing in to it: that is the delegated resource
 * activity (a user's sign-in whose resource is the app), which counts as its use too; tokens
 * other apps get for it without a user still do not. With the report read,
 * no row is "no client sign-in on record" (null); a row whose lastSignInActivity cannot be
 * attributed is not known (undefined).
 */
function clientUse(s: SpSignIn | undefined, saml: boolean): string | null | undefined {
  if (s?.unattributed) return undefined;
  return (saml ? latest(s?.client, s?.userResource) : s?.client) ?? null;
}

function spSignIns(ctx: EntraContext): Map<string, SpSignIn> | undefined {
  if (!ctx.collected('entra.signInActivity')) return undefined;
  const out = new Map<string, SpSignIn>();
  for (const { obj, path, r } of ctx.items('servicePrincipalSignInActivities.json') ?? []) {
    const appId = r.str(obj, 'appId', path);
    const at = (k: string): string | undefined => {
      const act = r.optObject(obj, k, path);
      return act ? r.optDate(act, 'lastSignInDateTime', `${path}.${k}`) : undefined;
    };
    let client: string | undefined;
    for (const k of CLIENT_ACTIVITIES) client = latest(client, at(k));
    let resource: string | undefined;
    for (const k of RESOURCE_ACTIVITIES) resource = latest(resource, at(k));
    const userResource = at('delegatedResourceSignInActivity');
    // lastSignInActivity is the latest of the four; one later than all of them (the detailed
    // fields missing) may have been the app's own sign-in or a call to it.
    const last = at('lastSignInActivity');
    const known = latest(client, resource);
    const unattributed = last !== undefined && (known === undefined || parseDate(last) > parseDate(known));
    const prev = out.get(appId) ?? {};
    out.set(appId, {
      client: latest(prev.client, client),
      resource: latest(prev.resource, resource),
      userResource: latest(prev.userResource, userResource),
      unattributed: prev.unattributed || unattributed || undefined,
    });
  }
  return out;
}

function recordAppRoles(
  ctx: EntraContext,
  id: string,
  appId: string | undefined,
  name: string,
  obj: Record<string, unknown>,
  path: string,
  r: Reader,
): void {
  const roles = new Map<string, string>();
  let unissued: Set<string> | undefined;
  let disabled: Set<string> | undefined;
  r.optArray(obj, 'appRoles', path).forEach((ar, i) => {
    const p = `${path}.appRoles[${i}]`;
    if (!isObject(ar)) return r.fail(p, 'expected an object');
    const roleId = r.str(ar, 'id', p);
    const value = r.optStr(ar, 'value', p);
    // The display name only names a role with no value; it is never sent in a token.
    const label = value ?? r.optStr(ar, 'displayName', p);
    if (label) roles.set(roleId, label);
    // Only an enabled role's value goes into the roles claim of a token or SAML assertion (appRole,
    // Microsoft Graph: `value` is what the claim carries; `isEnabled` false is a role on its way to
    // deletion, true by default).
    const off = r.optBool(ar, 'isEnabled', p) === false;
    if (off) (disabled ??= new Set()).add(roleId);
    if (!value || off) (unissued ??= new Set()).add(roleId);
  });
  // Set one by one rather than spread into the literal: a conditional spread goes through the
  // runtime's generic property copy, about 1.5 us for each of the tenant's service principals.
  const resource: { appId: string; name: string; roles: Map<string, string>; unissued?: Set<string>; disabled?: Set<string> } = { appId: appId ?? id, name, roles };
  if (unissued) resource.unissued = unissued;
  if (disabled) resource.disabled = disabled;
  ctx.resources.set(id, resource);
}

function markHeuristicAgent(ctx: EntraContext, ref: IdentityRef): void {
  const node = ref.node;
  if (node.agent) return;
  // Most configurations list no agents: the lower-cased keys are only made to compare with some.
  if (ctx.config.knownAgents.length > 0) {
    const keys = [ref.objectId, ref.appId, node.name].filter((x): x is string => !!x).map((x) => x.toLowerCase());
    if (ctx.config.knownAgents.some((k) => keys.includes(k.toLowerCase()))) {
      node.agent = { confidence: 'config', reasons: ['listed in knownAgents'] };
      return;
    }
  }
  const reasons = agentNameReasons(ctx.config, [
    ['name', node.name],
    ['tag', (node.tags ?? []).join(' ')],
    ['notes', (node.attrs.notes as string | undefined) ?? (node.attrs.appNotes as string | undefined)],
  ]);
  if (reasons) node.agent = { confidence: 'name', reasons };
}

function nonEmpty(list: string[]): string[] | undefined {
  return list.length > 0 ? list : undefined;
}

