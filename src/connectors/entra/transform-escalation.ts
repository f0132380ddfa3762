import { ids } from '../../graph/ids.js';
import type { GraphNode } from '../../graph/model.js';
import {
  AAD_GRAPH_APP_ID,
  ADD_APP_SECRET_ROLES,
  ADD_OWNER_ROLES,
  ADD_SECRET_ROLES,
  GLOBAL_ADMIN,
  GRAPH_APP_ID,
  PARTNER_TIER2,
  PRIVILEGED_AUTH_ADMIN,
  PRIVILEGED_ROLE_ADMIN,
  appActionsOf,
  type AppAction,
} from './permissions.js';
import type { EntraContext, IdentityRef } from './transform-context.js';
import { APP_IDENTITY_TYPES } from './transform-identities.js';
import { microsoftDisabled } from './transform-status.js';
import { firstFewText } from '../../compare.js';

/** The tenant's crown jewel: Global Administrator power. */
export function addCrown(ctx: EntraContext): string {
  const id = ids.crownJewel('entra', ctx.tenant, 'global-admin');
  ctx.b.addNode({
    id,
    kind: 'privilege',
    provider: 'entra',
    type: 'entra-crown',
    name: 'Global Administrator of the tenant',
    nativeId: 'global-admin',
    scope: ctx.tenant,
    tier: 4,
    crownJewel: 'admin',
    attrs: {},
  });
  return id;
}

type Reach = { kind: 'crown' | 'all-apps' | 'all-sps' | 'app-registrations' | 'blueprints'; method: string; why: string; conditional?: boolean };

/**
 * Application permissions under which an app may call `addPassword`/`addKey` on an application or
 * service principal, the least privileged first (Microsoft Graph permission tables of
 * application-addpassword and serviceprincipal-addpassword). Owning an object is not enough on its
 * own: an app that owns one adds a credential to it only with one of these.
 */
const ADD_CREDENTIAL_PERMISSIONS: readonly string[] = ['Application.ReadWrite.OwnedBy', 'Application.ReadWrite.All', 'Directory.ReadWrite.All'];
/** ADD_CREDENTIAL_PERMISSIONS as text: "A, B or C". */
const ADD_CREDENTIAL_TEXT = `${ADD_CREDENTIAL_PERMISSIONS.slice(0, -1).join(', ')} or ${ADD_CREDENTIAL_PERMISSIONS[ADD_CREDENTIAL_PERMISSIONS.length - 1]}`;
/** Why an add-owner route is conditional. */
const OWNER_THEN_CREDENTIAL = `a person who is owner adds a credential, an application only with ${ADD_CREDENTIAL_TEXT}`;

/**
 * For each identity, the Microsoft Graph application permissions it holds (by name) among those
 * the escalation step combines: one pass over the GRANTED edges. `held` has the live ones;
 * `disabled` those whose app role the resource marks disabled (isEnabled false): in no token until
 * the role is re-enabled, so they give no firm route, only a conditional one that names them.
 */
function graphPermissionsByHolder(ctx: EntraContext, names: ReadonlySet<string>): { held: Map<string, Set<string>>; disabled: Map<string, Set<string>> } {
  const held = new Map<string, Set<string>>();
  const disabled = new Map<string, Set<string>>();
  // Indexed: a for..of here allocated an iterator result per edge of the tenant.
  const edges = ctx.b.edgeList();
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i];
    if (e.type !== 'GRANTED' || !e.hidden) continue;
    const priv = ctx.privileges.get(e.to);
    if (!priv || priv.type !== 'entra-app-role') continue;
    const app = priv.attrs.resourceAppId;
    const name = priv.attrs.permission as string;
    if ((app !== GRAPH_APP_ID && app !== AAD_GRAPH_APP_ID) || !names.has(name)) continue;
    const out = priv.enabled === false ? disabled : held;
    let set = out.get(e.from);
    if (!set) out.set(e.from, (set = new Set()));
    set.add(name);
  }
  return { held, disabled };
}

/**
 * Whether a credential added to this identity would give its tokens: an application identity,
 * not an Entra Agent ID agent identity (`@odata.type` agentIdentity: it holds no credential, its
 * blueprint does), and not disabled by Microsoft (no token whatever its credentials).
 */
function takesCredential(node: GraphNode): boolean {
  return APP_IDENTITY_TYPES.has(node.type) && node.attrs.agentKind !== 'agent-identity' && !microsoftDisabled(node);
}

/** Node ids of the agent identity blueprints in the snapshot, by appId. */
function blueprintNodes(ctx: EntraContext): Map<string, string> {
  const out = new Map<string, string>();
  for (const ref of ctx.apps.values()) {
    const node = ref.node;
    if (ref.appId && (node.attrs.agentKind === 'blueprint-principal' || node.agent?.reasons.includes('application @odata.type agentIdentityBlueprint'))) out.set(ref.appId, ref.nodeId);
  }
  for (const ref of ctx.sps.values()) {
    if (ref.appId && ref.node.attrs.agentKind === 'blueprint-principal') out.set(ref.appId, ref.nodeId);
  }
  return out;
}

/**
 * Agent ID: an agent identity (`agentIdentityBlueprintId` = the blueprint's appId) has no
 * credentials; its blueprint, with the blueprint's own credentials, obtains tokens as each of its
 * agent identities. CAN_ASSUME blueprint -> agent identity, so whoever controls a blueprint's
 * credentials reaches its agents. Returns the highest direct tier of each blueprint's agents, and
 * whether an agent identity names no blueprint (agentIdentityBlueprintId not read): any blueprint
 * may then obtain its tokens, so each blueprint's tier is only a lower bound.
 */
function addBlueprintEdges(ctx: EntraContext): { tiers: Map<string, number>; unnamed: boolean } {
  const tiers = new Map<string, number>();
  const blueprints = blueprintNodes(ctx);
  if (blueprints.size === 0) return { tiers, unnamed: false };
  // Agent identities whose blueprint is not named (a collector that did not select
  // agentIdentityBlueprintId, or a Graph that refused it): any blueprint here may be theirs.
  const unnamed: string[] = [];
  for (const ref of [...ctx.sps.values()].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0))) {
    const agent = ref.node;
    if (agent.attrs.agentKind !== 'agent-identity') continue;
    const bpAppId = agent.attrs.agentBlueprintId;
    if (typeof bpAppId !== 'string') unnamed.push(agent.nativeId);
    const bp = typeof bpAppId === 'string' ? blueprints.get(bpAppId) : undefined;
    if (!bp || bp === ref.nodeId) continue;
    ctx.b.addEdge({
      from: bp,
      to: ref.node,
      type: 'CAN_ASSUME',
      reason: `${ctx.node(bp)?.name ?? bp} is the agent identity blueprint of ${agent.name} and obtains its tokens with the blueprint's own credentials`,
      hidden: true,
      evidence: { method: 'AgentIdentityBlueprint', agentIdentityBlueprintId: bpAppId },
    });
    tiers.set(bp, Math.max(tiers.get(bp) ?? 0, ctx.directTier.get(ref.nodeId) ?? 0));
  }
  if (unnamed.length > 0) {
    ctx.b.warn(
      `entra/servicePrincipals.json: ${unnamed.length} agent identit${unnamed.length === 1 ? 'y has' : 'ies have'} no agentIdentityBlueprintId (${firstFewText(unnamed, 3)}): which blueprint obtains their tokens is not known, so no blueprint of the snapshot is shown reaching them`,
    );
  }
  return { tiers, unnamed: unnamed.length > 0 };
}

/**
 * CAN_ESCALATE_TO edges, named after BloodHound's Entra edges (RULES-CATALOG §5).
 *
 * Edges start at the privilege node (the app role or directory role), not at each holder: every
 * holder reaches them over GRANTED/HAS_ROLE/MEMBER_OF, and the number of edges stays
 * (escalating privileges, a handful) x (privileged targets) however many principals hold them.
 *
 * "Can add a credential to every app" does not fan out to every app: it points at the identities
 * whose own direct privileges are T3 or more (computed locally from app roles, tenant-wide
 * consent and directory roles, including those of role-assignable groups they are in; transitive
 * escalation is left to the analysis). Managed identities (no credentials can be added), agent
 * identities (their blueprint holds the credentials and is the target instead) and Microsoft
 * first-party SPs are not targets. A role scoped to one object reaches only that object.
 */
export function addEscalation(ctx: EntraContext, crownId: string): void {
  for (const [groupNode, members] of ctx.groupMembers) {
    const t = ctx.directTier.get(groupNode);
    for (const m of members) ctx.raiseTier(m, t);
  }
  // Agent identities hold no credentials: their blueprint obtains their tokens. A blueprint is a
  // target when it or one of its agent identities is privileged; agent identities never are.
  const { tiers: agentTier, unnamed } = addBlueprintEdges(ctx);
  // With agents whose blueprint is not named, any blueprint may obtain a privileged agent's
  // tokens: every blueprint is a target, so that who can add a credential to one is shown reaching
  // it, and its tier (a lower bound: rule-kit tierEvidenceMissing) is theirs too.
  const blueprintIds = new Set(blueprintNodes(ctx).values());
  const targets: IdentityRef[] = [];
  const seen = new Set<string>();
  for (const ref of [...ctx.sps.values(), ...ctx.apps.values()]) {
    if (seen.has(ref.nodeId)) continue;
    seen.add(ref.nodeId);
    if (ref.firstParty || !takesCredential(ref.node)) continue;
    if (Math.max(ctx.directTier.get(ref.nodeId) ?? 0, agentTier.get(ref.nodeId) ?? 0) >= 3 || (unnamed && blueprintIds.has(ref.nodeId))) targets.push(ref);
  }
  targets.sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  const { held, disabled } = graphPermissionsByHolder(ctx, new Set([...ADD_CREDENTIAL_PERMISSIONS, SP_ENDPOINT]));
  addOwnerEscalation(ctx, held, disabled);
  addSpEndpointEscalation(ctx, held, targets);

  let nodes: ObjectNodes | undefined;
  const objectNodes = (): ObjectNodes => (nodes ??= { app: new Set([...ctx.apps.values()].map((r) => r.nodeId)), sp: new Set([...ctx.sps.values()].map((r) => r.nodeId)) });
  // Add-owner routes (privilege -> target), for the holders' own firm routes (addOwnerMakerRoutes).
  const ownerRoutes: OwnerRoute[] = [];
  for (const priv of [...ctx.privileges.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const reach = reachOf(priv);
    if (reach) {
      if (reach.kind === 'crown') {
        ctx.b.addEdge({
          from: priv,
          to: crownId,
          type: 'CAN_ESCALATE_TO',
          reason: `${priv.name}: ${reach.why}`,
          hidden: true,
          evidence: { method: reach.method },
        });
        continue;
      }
      for (const t of targets) {
        if (reach.kind === 'all-sps' && t.kind !== 'sp') continue;
        if (reach.kind === 'app-registrations' && !objectNodes().app.has(t.nodeId)) continue;
        if (reach.kind === 'blueprints' && !blueprintIds.has(t.nodeId)) continue;
        ctx.b.addEdge({
          from: priv,
          to: t.node,
          type: 'CAN_ESCALATE_TO',
          reason: `${priv.name}: ${reach.why}, including ${t.name}`,
          hidden: true,
          conditional: reach.conditional || undefined,
          evidence: { method: reach.method, scope: 'tenant' },
        });
        if (reach.method === 'AZAddOwner') ownerRoutes.push({ priv, target: t });
      }
      continue;
    }
    if (Array.isArray(priv.attrs.appActions)) {
      roleActionEscalation(ctx, priv, targets, objectNodes(), ownerRoutes);
      continue;
    }
    scopedEscalation(ctx, priv);
  }
  addOwnerMakerRoutes(ctx, held, ownerRoutes);
}

/** A role's route to a target through making itself owner (AZAddOwner). */
type OwnerRoute = { priv: GraphNode; target: IdentityRef };

/**
 * A role that makes its holder owner of an app gives a machine holder a credential on it only
 * with one of ADD_CREDENTIAL_PERMISSIONS (see addOwnerEscalation), so the role's own route is
 * conditional. Holders that hold the role themselves (firm, not through a group or PIM) get a
 * firm route to each of the role's targets when they can add the credential: users (an owner
 * adds one), and applications holding one of those permissions.
 */
function addOwnerMakerRoutes(ctx: EntraContext, held: ReadonlyMap<string, ReadonlySet<string>>, routes: readonly OwnerRoute[]): void {
  if (routes.length === 0) return;
  const privs = new Set(routes.map((r) => r.priv.id));
  const holders = new Map<string, string[]>();
  const edges = ctx.b.edgeList();
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i];
    if (e.type !== 'HAS_ROLE' || e.conditional || !privs.has(e.to)) continue;
    const n = ctx.node(e.from);
    if (!n || (n.kind !== 'identity' && n.kind !== 'human')) continue;
    const list = holders.get(e.to);
    if (list) list.push(e.from);
    else holders.set(e.to, [e.from]);
  }
  for (const { priv, target } of routes) {
    for (const h of holders.get(priv.id) ?? []) {
      if (h === target.nodeId) continue;
      const holder = ctx.node(h);
      const name = holder?.name ?? h;
      // A user (a person or a service account signed in as one) who is owner adds a credential.
      if (holder?.type === 'entra-user') {
        ctx.b.addEdge({
          from: h,
          to: target.node,
          type: 'CAN_ESCALATE_TO',
          reason: `${name} holds ${priv.name}, which can make it owner of ${target.name}, and an owner who signs in as a user adds a credential`,
          hidden: true,
          evidence: { method: 'AZAddOwner', via: 'ownership' },
        });
        continue;
      }
      const via = ADD_CREDENTIAL_PERMISSIONS.find((p) => held.get(h)?.has(p));
      if (!via) continue;
      ctx.b.addEdge({
        from: h,
        to: target.node,
        type: 'CAN_ESCALATE_TO',
        reason: `${name} holds ${priv.name}, which can make it owner of ${target.name}, and ${via}, with which an application adds a credential to what it owns`,
        hidden: true,
        evidence: { method: 'AZAddOwner', via: 'ownership', permission: via },
      });
    }
  }
}

/** Node ids of identities with an app registration in the tenant (`app`) and with a service principal (`sp`). */
type ObjectNodes = { app: ReadonlySet<string>; sp: ReadonlySet<string> };

/**
 * A custom role (or a built-in one outside the table) whose definition allows
 * `microsoft.directory/applications|servicePrincipals[.myOrganization]/credentials/update` (add a
 * credential) or `.../owners/update` (make itself owner), assigned tenant-wide (`/`: every
 * privileged target of that kind) or to one object (`/<objectId>`: that object).
 */
function roleActionEscalation(ctx: EntraContext, priv: GraphNode, targets: readonly IdentityRef[], nodes: ObjectNodes, ownerRoutes: OwnerRoute[]): void {
  const acts = appActionsOf(priv.attrs.appActions as string[]);
  const scope = priv.attrs.directoryScopeId as string;
  // Tenant-wide, an action on applications reaches nodes with an app registration here, one on
  // service principals nodes with a service principal; scoped to one object, that object's kind.
  const applies = (a: AppAction, t: IdentityRef, entity?: AppAction['entity']): boolean =>
    (entity !== undefined ? a.entity === entity : (a.entity === 'applications' ? nodes.app : nodes.sp).has(t.nodeId)) &&
    (!a.ownOrgOnly || nodes.app.has(t.nodeId));
  const edge = (t: IdentityRef, entity?: AppAction['entity']): void => {
    const a = acts.find((x) => x.method === 'AZAddSecret' && applies(x, t, entity)) ?? acts.find((x) => applies(x, t, entity));
    if (!a) return;
    ctx.b.addEdge({
      from: priv,
      to: t.node,
      type: 'CAN_ESCALATE_TO',
      reason:
        a.method === 'AZAddSecret'
          ? `${priv.name}: its role definition allows ${a.action}, so it can add a credential to ${t.name}`
          : `${priv.name}: its role definition allows ${a.action}, so it can make itself owner of ${t.name}; ${OWNER_THEN_CREDENTIAL}`,
      hidden: true,
      conditional: a.method === 'AZAddOwner' || undefined,
      evidence: { method: a.method, action: a.action, scope: scope === '/' ? 'tenant' : scope },
    });
    if (a.method === 'AZAddOwner') ownerRoutes.push({ priv, target: t });
  };
  if (scope === '/') {
    for (const t of targets) edge(t);
    return;
  }
  if (!/^\/[^/]+$/.test(scope)) return;
  const objectId = scope.slice(1);
  const app = ctx.apps.get(objectId);
  const sp = ctx.sps.get(objectId);
  const target = app ?? sp;
  if (!target) {
    ctx.b.warn(`entra: ${priv.name} is scoped to object ${objectId}, which is not an app or service principal in the snapshot`);
    return;
  }
  if (!takesCredential(target.node)) return;
  edge(target, app ? 'applications' : 'servicePrincipals');
}

const SP_ENDPOINT = 'ServicePrincipalEndpoint.ReadWrite.All';

/**
 * Owners can add credentials to what they own (BloodHound AZOwns -> AZAddSecret). Only machine
 * owners get an edge: the analysis tiers identities, and a person's path starts at the person
 * anyway. A user account classified as a service account adds one as any user owner does: a firm
 * edge. An app calls addPassword/addKey only under one of ADD_CREDENTIAL_PERMISSIONS: the edge
 * is firm when the owner holds one, conditional otherwise (its permissions may not all have been
 * read, it may act through a directory role or a user, or it holds one only through a disabled
 * app role, which works again once the role is re-enabled).
 */
function addOwnerEscalation(ctx: EntraContext, held: ReadonlyMap<string, ReadonlySet<string>>, disabled: ReadonlyMap<string, ReadonlySet<string>>): void {
  const owns = ctx.b.edgeList().filter((e) => e.type === 'OWNS');
  for (const e of owns) {
    const owner = ctx.node(e.from);
    const target = ctx.node(e.to);
    // An agent identity takes no credential: its owner reaches it only through the blueprint.
    if (!owner || !target || owner.kind !== 'identity' || e.from === e.to || !takesCredential(target)) continue;
    const what = e.evidence?.on === 'servicePrincipal' ? 'service principal' : 'application registration';
    if (owner.type === 'entra-user') {
      // A user account run as a service account: owners manage the credentials of what they own
      // in the admin center, or through Graph with a client holding the delegated right, so the
      // application-permission condition below is not theirs.
      ctx.b.addEdge({
        from: e.from,
        to: e.to,
        type: 'CAN_ESCALATE_TO',
        reason: `${owner.name} owns the ${what} of ${target.name} and, as a user owner, can add a client secret or certificate to it`,
        hidden: true,
        evidence: { method: 'AZAddSecret', via: 'ownership', owner: 'user' },
      });
      continue;
    }
    const perms = held.get(e.from);
    const via = ADD_CREDENTIAL_PERMISSIONS.find((p) => perms?.has(p));
    // Held only through a disabled app role: no token carries it, so the route waits on the role
    // being re-enabled, as it waits on an unread permission: conditional, and the reason says which.
    const off = via ? undefined : ADD_CREDENTIAL_PERMISSIONS.find((p) => disabled.get(e.from)?.has(p));
    ctx.b.addEdge({
      from: e.from,
      to: e.to,
      type: 'CAN_ESCALATE_TO',
      reason: via
        ? `${owner.name} owns the ${what} of ${target.name} and, holding ${via}, can add a credential to it`
        : `${owner.name} owns the ${what} of ${target.name}, but an application adds a credential only with ${ADD_CREDENTIAL_TEXT}, and ${
            off ? `it holds ${off} only through an app role that is disabled (no token carries it until it is re-enabled)` : 'none was read for it'
          }`,
      hidden: true,
      conditional: via ? undefined : true,
      evidence: via
        ? { method: 'AZAddSecret', via: 'ownership', permission: via }
        : { method: 'AZAddSecret', via: 'ownership', needs: ADD_CREDENTIAL_PERMISSIONS, ...(off ? { disabledPermission: off } : {}) },
    });
  }
}

/** ServicePrincipalEndpoint.ReadWrite.All together with Application.ReadWrite.OwnedBy: take ownership, then add a credential. */
function addSpEndpointEscalation(ctx: EntraContext, held: ReadonlyMap<string, ReadonlySet<string>>, targets: readonly IdentityRef[]): void {
  for (const [holder, perms] of [...held].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!perms.has(SP_ENDPOINT) || !perms.has('Application.ReadWrite.OwnedBy')) continue;
    const name = ctx.node(holder)?.name ?? holder;
    for (const t of targets) {
      if (t.kind !== 'sp' || t.nodeId === holder) continue;
      ctx.b.addEdge({
        from: holder,
        to: t.node,
        type: 'CAN_ESCALATE_TO',
        reason: `${name} holds ServicePrincipalEndpoint.ReadWrite.All and Application.ReadWrite.OwnedBy: it can make itself owner of every service principal, ${t.name} included, then add a credential to it`,
        hidden: true,
        evidence: { method: 'AZMGAddOwner', via: 'ownership', scope: 'tenant' },
      });
    }
  }
}

function reachOf(priv: GraphNode): Reach | undefined {
  if (priv.type === 'entra-app-role') {
    const app = priv.attrs.resourceAppId;
    if (app !== GRAPH_APP_ID && app !== AAD_GRAPH_APP_ID) return undefined;
    switch (priv.attrs.permission) {
      case 'Application.ReadWrite.All':
        return { kind: 'all-apps', method: 'AZMGAddSecret', why: 'can add a secret to every application and service principal' };
      case 'Directory.ReadWrite.All':
        // The addPassword/addKey permission tables list it as a higher-privileged permission, but
        // its own description in the permissions reference names users and groups, not
        // credentials: the route is kept conditional until it is confirmed in a tenant.
        return {
          kind: 'all-apps',
          method: 'AZMGAddSecret',
          why: 'may add a secret to every application and service principal (listed for addPassword/addKey, not confirmed in a tenant)',
          conditional: true,
        };
      case SP_ENDPOINT:
        // Ownership alone adds no credential (see ADD_CREDENTIAL_PERMISSIONS); holders that also
        // hold Application.ReadWrite.OwnedBy get firm edges of their own (addSpEndpointEscalation).
        return {
          kind: 'all-sps',
          method: 'AZMGAddOwner',
          why: 'can take ownership of every service principal, but adds a credential to one only if it also holds Application.ReadWrite.OwnedBy, which this permission does not give',
          conditional: true,
        };
      case 'AgentIdentityBlueprint.AddRemoveCreds.All':
      case 'AgentIdentityBlueprint.ReadWrite.All':
        return { kind: 'blueprints', method: 'AZMGAddSecret', why: 'can add a credential to every agent identity blueprint, and through it act as its agent identities' };
      case 'AppRoleAssignment.ReadWrite.All':
        return { kind: 'crown', method: 'AZMGGrantAppRoles', why: 'can grant itself RoleManagement.ReadWrite.Directory, then assign Global Administrator' };
      case 'RoleManagement.ReadWrite.Directory':
        return { kind: 'crown', method: 'AZMGGrantRole', why: 'can assign any directory role, Global Administrator included' };
      default:
        return undefined;
    }
  }
  if (priv.type === 'entra-directory-role' && priv.attrs.directoryScopeId === '/') {
    const t = priv.attrs.templateId as string;
    if (ADD_SECRET_ROLES.has(t)) {
      return { kind: 'all-apps', method: 'AZAddSecret', why: 'can add a credential to every application and service principal' };
    }
    if (ADD_APP_SECRET_ROLES.has(t)) {
      return { kind: 'app-registrations', method: 'AZAddSecret', why: 'can add a credential to every application registration' };
    }
    if (ADD_OWNER_ROLES.has(t)) {
      return { kind: 'all-apps', method: 'AZAddOwner', why: `can make itself owner of every application and service principal; ${OWNER_THEN_CREDENTIAL}`, conditional: true };
    }
    if (t === PRIVILEGED_ROLE_ADMIN) return { kind: 'crown', method: 'AZPrivilegedRoleAdmin', why: 'can assign Global Administrator' };
    if (t === PRIVILEGED_AUTH_ADMIN) {
      return { kind: 'crown', method: 'AZPrivilegedAuthAdmin', why: "can reset a Global Administrator's credentials" };
    }
    if (t === PARTNER_TIER2) {
      return { kind: 'crown', method: 'AZPartnerTier2Support', why: "can assign any directory role and reset a Global Administrator's password" };
    }
    if (t === GLOBAL_ADMIN) return { kind: 'crown', method: 'AZGlobalAdmin', why: 'is Global Administrator' };
  }
  return undefined;
}

/** Application/Cloud Application Administrator scoped to one app or SP (`/<objectId>`). */
function scopedEscalation(ctx: EntraContext, priv: GraphNode): void {
  if (priv.type !== 'entra-directory-role') return;
  const scope = priv.attrs.directoryScopeId as string;
  if (!ADD_SECRET_ROLES.has(priv.attrs.templateId as string) || !/^\/[^/]+$/.test(scope)) return;
  const objectId = scope.slice(1);
  const target = ctx.apps.get(objectId) ?? ctx.sps.get(objectId);
  if (!target) {
    ctx.b.warn(`entra: ${priv.name} is scoped to object ${objectId}, which is not an app or service principal in the snapshot`);
    return;
  }
  if (!takesCredential(target.node)) return;
  ctx.b.addEdge({
    from: priv,
    to: target.node,
    type: 'CAN_ESCALATE_TO',
    reason: `${priv.name}: can add a credential to ${target.name}`,
    hidden: true,
    evidence: { method: 'AZAddSecret', scope: scope },
  });
}
