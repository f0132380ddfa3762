import { ids } from '../../graph/ids.js';
import type { GraphNode, Tier } from '../../graph/model.js';
import { isObject, type Reader } from '../../snapshot/shape.js';
import {
  APP_ROLE_DISABLED,
  DIRECTORY_ROLES,
  WELL_KNOWN_APP_ROLES,
  appActionsOf,
  capForUserConsent,
  classifyPermission,
  tierFromRoleActions,
} from './permissions.js';
import { SetAside, type EntraContext } from './transform-context.js';
import { awsSamlRole, samlProviderRef, type AwsSamlPair } from '../okta/saml-claims.js';
import { quoteInput } from '../../reporters/sanitize.js';

/** The all-zero app role id: "default access", an assignment with no specific role. */
const DEFAULT_ACCESS = '00000000-0000-0000-0000-000000000000';

/**
 * App-role assignments: one `entra-app-role` privilege per (resource appId, appRoleId), named from
 * the resource SP's `appRoles`; only when the resource SP was not collected does a static table of
 * well-known Microsoft ids name it (`attrs.nameSource` records which).
 */
export function addAppRoleAssignments(ctx: EntraContext): void {
  // The privilege of a (resource, app role) pair, once added: a large tenant has a few hundred
  // pairs over a hundred thousand assignments, and adding the same node again changes nothing
  // (see addedOnce).
  const added = new Map<string, Map<string, AddedPrivilege>>();
  const file = 'appRoleAssignments.json';
  const noHolder = new SetAside(file, 'assignment(s)', 'name', 'principal(s) that are not in the snapshot', 'ignored');
  const unnamedRole = new SetAside(file, 'assignment(s)', 'name', 'app role(s) that are not among the appRoles of their resource', 'left unnamed');
  const noResource = new SetAside(file, 'assignment(s)', 'name', 'resource(s) that are not in the snapshot', 'their app roles left unnamed');
  for (const { obj, path, r } of ctx.items(file) ?? []) {
    const principalId = r.str(obj, 'principalId', path);
    const resourceId = r.str(obj, 'resourceId', path);
    const appRoleId = r.str(obj, 'appRoleId', path);
    const principalType = r.optStr(obj, 'principalType', path);
    const assignmentId = r.optStr(obj, 'id', path);
    // Most holders are service principals: their node comes with their entry.
    const sp = ctx.sps.get(principalId);
    const holderNode = sp !== undefined ? sp.node : ctx.principal(principalId);
    if (!holderNode) {
      noHolder.add(path, principalId);
      continue;
    }
    const resource = ctx.resources.get(resourceId);
    let resourceAppId: string;
    let resourceName: string;
    let permission: string;
    let nameSource: 'resource-sp' | 'static-table' | 'unresolved';
    const known = WELL_KNOWN_APP_ROLES.get(appRoleId);
    if (resource) {
      resourceAppId = resource.appId;
      resourceName = resource.name;
      const value = appRoleId === DEFAULT_ACCESS ? 'default access' : resource.roles.get(appRoleId);
      permission = value ?? appRoleId;
      nameSource = value ? 'resource-sp' : 'unresolved';
      if (!value) unnamedRole.add(path, `${appRoleId} of ${resource.name}`);
    } else if (known) {
      resourceAppId = known.resourceAppId;
      resourceName = known.resourceName;
      permission = known.name;
      nameSource = 'static-table';
    } else {
      resourceAppId = resourceId;
      resourceName = r.optStr(obj, 'resourceDisplayName', path) ?? resourceId;
      permission = appRoleId === DEFAULT_ACCESS ? 'default access' : appRoleId;
      nameSource = 'unresolved';
      noResource.add(path, resourceId);
    }
    // Everything the privilege is made of follows from the resource id and the app role id,
    // except the name of a resource that is neither collected nor well known (from the item).
    const roleDisabled = resource?.disabled?.has(appRoleId) === true;
    const privilege = addedOnce(added, resource || known ? resourceId : undefined, appRoleId, () => {
      const cls =
        appRoleId === DEFAULT_ACCESS
          ? { tier: 0 as Tier, category: 'other' as const, crownJewel: undefined }
          : nameSource === 'unresolved'
            ? { tier: 1 as Tier, category: 'other' as const, crownJewel: undefined }
            : classifyPermission(permission, resourceAppId);
      const priv: GraphNode = {
        id: ids.entraAppRole(ctx.tenant, resourceAppId, appRoleId),
        kind: 'privilege',
        provider: 'entra',
        type: 'entra-app-role',
        name: `${permission} (${resourceName})`,
        nativeId: `${resourceAppId}/${appRoleId}`,
        scope: ctx.tenant,
        tier: cls.tier,
        attrs: { permission, resourceAppId, resourceName, appRoleId, category: cls.category, nameSource },
      };
      if (cls.crownJewel) priv.crownJewel = cls.crownJewel;
      // A disabled app role (isEnabled false, the step before deleting it) goes into no token until
      // it is re-enabled: a disabled object, as a disabled service principal is. Its holders keep
      // the capability in their tier, with a reason that says so, but no path passes into it.
      if (roleDisabled) priv.enabled = false;
      return { node: ctx.addPrivilege(priv), tier: cls.tier, uncappedTier: cls.tier };
    });
    const appOnly = principalType === 'ServicePrincipal' || sp !== undefined;
    const from = holderNode.id;
    const holder = holderNode.name;
    // The ends as nodes: the builder finds them without hashing their ids (one edge per assignment).
    ctx.b.addEdge({
      from: holderNode,
      to: privilege.node,
      type: 'GRANTED',
      reason:
        (appOnly
          ? `${holder} holds the application permission ${permission} on ${resourceName}`
          : `${holder} is assigned the app role ${permission} of ${resourceName}`) +
        (roleDisabled ? `; ${APP_ROLE_DISABLED}` : ''),
      // Application permissions live in Graph's parallel permission system; the portal's role and
      // access reviews of the principal do not show them. User/group assignments are on the app's
      // "Users and groups" page.
      hidden: appOnly,
      evidence: { assignmentId, resourceId, appRoleId, createdDateTime: r.optStr(obj, 'createdDateTime', path) },
    });
    ctx.raiseTier(from, privilege.tier);
    // A disabled app role, or one with no value, puts nothing in the assertion's Role attribute.
    if (!appOnly && resource && resource.unissued?.has(appRoleId) !== true) {
      const pair = awsSamlRole(permission);
      const app = ctx.sps.get(resourceId)?.node;
      if (pair && app) addAwsSamlMapping(ctx, holderNode, app, pair, appRoleId);
    }
  }
  for (const w of [noHolder, unnamedRole, noResource]) w.warn(ctx);
}

/**
 * A user or group assigned an app role whose value names an AWS role and SAML provider can sign in
 * to AWS as that role through the enterprise app: an edge to the provider's node, with the role in
 * its evidence. The cross-provider link (entra-saml-link.ts) turns it into an edge to the role
 * when the role's trust policy names the provider. A disabled app signs nobody in: no edge (nor
 * does a disabled app role or one with no value, which the caller leaves out). An app
 * whose single sign-on mode is not SAML may issue no assertion (the mode is what the portal
 * launches; Graph's SAML set-up sets it to `saml`), so that route is conditional.
 */
function addAwsSamlMapping(ctx: EntraContext, holder: GraphNode, app: GraphNode, pair: AwsSamlPair, appRoleId: string): void {
  if (app.enabled === false) return;
  const hubId = ctx.b.addNode(samlProviderRef(pair.providerArn)).id;
  const mode = app.attrs.preferredSingleSignOnMode;
  const saml = mode === 'saml';
  const role = pair.roleArn.slice(pair.roleArn.indexOf(':role/') + 6);
  ctx.b.addEdge({
    from: holder,
    to: hubId,
    type: 'SAML_MAPS_TO',
    hidden: true,
    ...(saml ? {} : { conditional: true }),
    reason: `${holder.kind === 'group' ? `members of group ${holder.name} are` : `${holder.name} is`} assigned the app role ${role} of the enterprise app ${app.name}, which names the AWS role ${pair.roleArn} through the SAML provider ${pair.providerArn}${saml ? '' : `; the app's single sign-on mode is ${typeof mode === 'string' ? `"${mode}"` : 'not set'}, not SAML, so whether Entra signs it an assertion is not known`}`,
    evidence: { entraApp: app.id, appRoleId, roleArn: pair.roleArn, providerArn: pair.providerArn },
  });
}

/**
 * Each enterprise app whose app roles name an AWS SAML provider issues the assertions that provider
 * may accept, as an Okta AWS app does: an edge from the app's service principal to the provider's
 * node, whether or not anyone is assigned. The provider is then fed by a scanned IdP rather than
 * an outsider (the path rule's external entry), and the cross-provider link counts the app among
 * those naming it (entra-saml-link.ts). It carries no control (evidence.assertionIssuer): holding
 * the app's own credentials gets no assertion, so its tier and paths do not rest on it; the users
 * assigned its roles reach the roles along their own edges. Only enabled roles with a value count (the caller's
 * `unissued`); a disabled app issues nothing (no edge); an app whose single sign-on mode is not
 * SAML may issue none (conditional, as its assignments' routes). Roles are read in the order of
 * the service principal's appRoles, providers in the order first named.
 */
export function addAwsSamlApps(ctx: EntraContext): void {
  for (const [spId, resource] of ctx.resources) {
    let named: Map<string, string[]> | undefined;
    for (const [roleId, value] of resource.roles) {
      if (resource.unissued?.has(roleId) === true || !value.includes(':saml-provider/')) continue;
      const pair = awsSamlRole(value);
      if (!pair) continue;
      named ??= new Map();
      (named.get(pair.providerArn) ?? named.set(pair.providerArn, []).get(pair.providerArn)!).push(pair.roleArn);
    }
    const app = named && ctx.sps.get(spId)?.node;
    if (!named || !app || app.enabled === false) continue;
    const mode = app.attrs.preferredSingleSignOnMode;
    const saml = mode === 'saml';
    for (const [providerArn, roleArns] of named) {
      const hub = ctx.b.addNode(samlProviderRef(providerArn));
      ctx.b.addEdge({
        from: app,
        to: hub,
        type: 'SAML_MAPS_TO',
        hidden: true,
        ...(saml ? {} : { conditional: true }),
        reason: `the enterprise app ${app.name} issues the SAML assertions AWS accepts through ${providerArn} (its app roles name ${roleArns.join(', ')})${saml ? '' : `; its single sign-on mode is ${typeof mode === 'string' ? `"${mode}"` : 'not set'}, not SAML, so whether Entra signs it an assertion is not known`}`,
        // Not a control edge (analysis controlEdge): the app's credentials get no assertion.
        evidence: { entraApp: app.id, providerArn, roleArns, assertionIssuer: true },
      });
    }
  }
}

/** A privilege node a grant step added, with the tier it gave. */
interface AddedPrivilege {
  node: GraphNode;
  tier: Tier;
  /** For a per-user consent, the scope's tier before the cap. */
  uncappedTier: Tier;
}

/**
 * The privilege made by `add` for a (group, key) pair, made and added on its first use only.
 * Within one grant step this is exact: adding a node equal to one already merged into the graph
 * changes nothing (every field it sets is set by then, and its attributes are all present).
 * Without a group (the privilege also depends on something else), `add` is called every time.
 */
function addedOnce(
  added: Map<string, Map<string, AddedPrivilege>>,
  group: string | undefined,
  key: string,
  add: () => AddedPrivilege,
): AddedPrivilege {
  if (group === undefined) return add();
  let byKey = added.get(group);
  if (byKey === undefined) added.set(group, (byKey = new Map()));
  let found = byKey.get(key);
  if (found === undefined) byKey.set(key, (found = add()));
  return found;
}

/**
 * Delegated grants. AllPrincipals consent counts at the scope's own tier (admins will sign in);
 * per-user consent is capped at T2 and, for scopes that can exercise admin rights (T3+), adds an
 * ACTS_AS edge to the consenting user so paths run through that user's roles. Because the two
 * consent kinds have different tiers, each gets its own privilege node per (resource, scope).
 */
export function addDelegatedGrants(ctx: EntraContext): void {
  // The privilege of each (resource, scope), per consent kind, once added (see addedOnce): it
  // follows from the resource id, the scope and the consent kind alone.
  const allConsent = new Map<string, Map<string, AddedPrivilege>>();
  const userConsent = new Map<string, Map<string, AddedPrivilege>>();
  const file = 'oauth2PermissionGrants.json';
  const noClient = new SetAside(file, 'grant(s)', 'name', 'client(s) that are not in the snapshot', 'ignored');
  const noResource = new SetAside(file, 'grant(s)', 'name', 'resource(s) that are not in the snapshot', "their scopes keyed by the resource's object id");
  const noUser = new SetAside(file, 'per-user grant(s)', 'name', 'consenting user(s) that are not in the snapshot', 'read without that user');
  for (const { obj, path, r } of ctx.items(file) ?? []) {
    const clientId = r.str(obj, 'clientId', path);
    const resourceId = r.str(obj, 'resourceId', path);
    const consentType = r.str(obj, 'consentType', path);
    if (consentType !== 'AllPrincipals' && consentType !== 'Principal') {
      r.fail(`${path}.consentType`, `expected "AllPrincipals" or "Principal", got ${quoteInput(consentType.slice(0, 40))}`);
    }
    const principalId = r.optStr(obj, 'principalId', path);
    const grantId = r.optStr(obj, 'id', path);
    const scopes = (r.optStr(obj, 'scope', path) ?? '').split(/\s+/).filter(Boolean);
    const client = ctx.sps.get(clientId);
    if (!client) {
      noClient.add(path, clientId);
      continue;
    }
    const resource = ctx.resources.get(resourceId);
    if (!resource) noResource.add(path, resourceId);
    const resourceAppId = resource?.appId ?? resourceId;
    const resourceName = resource?.name ?? resourceId;
    const all = consentType === 'AllPrincipals';
    let user: GraphNode | undefined;
    if (!all) {
      user = principalId ? ctx.users.get(principalId) : undefined;
      if (!user) noUser.add(path, principalId ?? '(none)');
    }
    const userName = all ? undefined : (user?.name ?? principalId);
    // The same for each scope of the grant: one object, shared by its edges (nothing changes an
    // edge's evidence once added).
    const evidence = { consentType, principalId, grantId, resourceId };
    let maxUncapped = 0;
    for (const scope of scopes) {
      const privilege = addedOnce(all ? allConsent : userConsent, resourceId, scope, () => {
        // Without the resource SP its appId is unknown: classify by scope name alone.
        const full = classifyPermission(scope, resource ? resourceAppId : undefined);
        const cls = all ? full : capForUserConsent(full);
        const priv: GraphNode = {
          id: ids.entraScope(ctx.tenant, resourceAppId, all ? scope : `${scope}#user-consent`),
          kind: 'privilege',
          provider: 'entra',
          type: 'entra-delegated-scope',
          name: `${scope} (${resourceName}, ${all ? 'all users' : 'per-user consent'})`,
          nativeId: `${resourceAppId}/${scope}`,
          scope: ctx.tenant,
          tier: cls.tier,
          // Without the resource SP, resourceAppId is the resource's object id, not its appId:
          // `resourceUnread` says so, for rules that ask which resource a scope belongs to.
          attrs: { permission: scope, resourceAppId, resourceName, category: cls.category, consent: consentType, uncappedTier: full.tier, ...(resource ? {} : { resourceUnread: true }) },
        };
        if (cls.crownJewel) priv.crownJewel = cls.crownJewel;
        return { node: ctx.addPrivilege(priv), tier: cls.tier, uncappedTier: full.tier };
      });
      maxUncapped = Math.max(maxUncapped, privilege.uncappedTier);
      // Conditional: a delegated scope is in a token only when a user signs in to the app, and
      // then does only what that user may do; the app's own credential (a secret, a federated
      // token) gets an app-only token without it. The tier counts it (an admin may sign in), but
      // no path says the app reaches it on its own.
      ctx.b.addEdge({
        from: client.node,
        to: privilege.node,
        type: 'DELEGATED_GRANT',
        reason: all
          ? `${client.name} may act as any user with ${scope} on ${resourceName} (consent for all users)`
          : `${client.name} may act as ${userName} with ${scope} on ${resourceName}`,
        conditional: true,
        evidence,
      });
      if (all) ctx.raiseTier(client.nodeId, privilege.tier);
    }
    if (!all && user && maxUncapped >= 3) {
      ctx.b.addEdge({
        from: client.node,
        to: user,
        type: 'ACTS_AS',
        reason: `${client.name} holds ${scopes.join(' ')} for ${userName} and inherits that user's rights in tokens it obtains (token inheritance)`,
        hidden: true,
        // Only in a token issued while that user signs in to it, as the delegated grants above.
        conditional: true,
        evidence: { method: 'delegated-token', grantId, scopes },
      });
    }
  }
  for (const w of [noClient, noResource, noUser]) w.warn(ctx);
}

/** Directory roles (active assignments and PIM eligibility) by template id. */
export function addDirectoryRoles(ctx: EntraContext): void {
  const defs = new Map<string, { templateId: string; name?: string; actions: string[] }>();
  for (const { obj, path, r } of ctx.items('roleDefinitions.json') ?? []) {
    const id = r.str(obj, 'id', path);
    const actions: string[] = [];
    r.optArray(obj, 'rolePermissions', path).forEach((rp, i) => {
      const p = `${path}.rolePermissions[${i}]`;
      if (!isObject(rp)) return r.fail(p, 'expected an object');
      r.optArray(rp, 'allowedResourceActions', p).forEach((a) => typeof a === 'string' && actions.push(a));
    });
    defs.set(id, { templateId: r.optStr(obj, 'templateId', path) ?? id, name: r.optStr(obj, 'displayName', path), actions });
  }
  const sources: [string, boolean][] = [
    ['roleAssignments.json', false],
    ['roleEligibilitySchedules.json', true],
  ];
  for (const [file, eligible] of sources) {
    const noHolder = new SetAside(file, eligible ? 'eligibility schedule(s)' : 'assignment(s)', 'give a role to', 'principal(s) that are not in the snapshot', 'ignored');
    for (const { obj, path, r } of ctx.items(file) ?? []) {
      const principalId = r.str(obj, 'principalId', path);
      const roleDefinitionId = r.str(obj, 'roleDefinitionId', path);
      // Without a directoryScopeId the scope is unknown: the role is modelled tenant-wide (the
      // widest case) but the holder's HAS_ROLE edge is conditional, so no firm path rests on it.
      const scopeRead = r.optStr(obj, 'directoryScopeId', path);
      const directoryScopeId = scopeRead ?? '/';
      // A PIM eligibility holds only within its schedule: one that ended, or has not begun, at the
      // scan's clock grants nothing (as an expired credential signs nobody in).
      const window = eligible ? eligibilityWindow(obj, path, r) : undefined;
      if (window && !Number.isNaN(ctx.now) && ((window.start !== undefined && Date.parse(window.start) > ctx.now) || (window.end !== undefined && Date.parse(window.end) <= ctx.now))) {
        continue;
      }
      const holderNode = ctx.principal(principalId);
      if (!holderNode) {
        noHolder.add(path, principalId);
        continue;
      }
      // Built-in role definition ids equal their template ids; custom ones are looked up.
      const def = defs.get(roleDefinitionId);
      const templateId = def?.templateId ?? roleDefinitionId;
      const builtIn = DIRECTORY_ROLES.get(templateId);
      const roleName = builtIn?.name ?? def?.name ?? `directory role ${templateId}`;
      const baseTier: Tier = builtIn?.tier ?? (def ? tierFromRoleActions(def.actions) : 2);
      const tenantWide = directoryScopeId === '/';
      // A role scoped to one object or administrative unit is a different, narrower privilege:
      // what it reaches is expressed by escalation edges to that object, not by the role's tier.
      const privId = ids.entraDirectoryRole(ctx.tenant, tenantWide ? templateId : `${templateId}${directoryScopeId}`);
      const tier: Tier = tenantWide ? baseTier : (Math.min(baseTier, 2) as Tier);
      const priv: GraphNode = {
        id: privId,
        kind: 'privilege',
        provider: 'entra',
        type: 'entra-directory-role',
        name: tenantWide ? roleName : `${roleName} (scoped to ${directoryScopeId})`,
        nativeId: templateId,
        scope: ctx.tenant,
        tier,
        attrs: {
          templateId,
          roleName,
          directoryScopeId,
          builtIn: builtIn !== undefined,
          tierSource: builtIn ? 'table' : def ? 'role-actions' : 'default',
        },
      };
      if (tenantWide && builtIn?.crownJewel) priv.crownJewel = builtIn.crownJewel;
      // The role's own tier, kept for a scoped assignment whose node tier is capped above: a
      // privileged role over an administrative unit or one object is still reported
      // (entra-privileged-directory-role).
      if (!tenantWide) priv.attrs.roleTier = baseTier;
      // A role outside the table escalates by what its definition allows (transform-escalation).
      const appActions = !builtIn && def ? appActionsOf(def.actions).map((a) => a.action) : [];
      if (appActions.length > 0) priv.attrs.appActions = appActions;
      ctx.addPrivilege(priv);
      const from = holderNode.id;
      const holder = holderNode.name;
      ctx.b.addEdge({
        from,
        to: privId,
        type: 'HAS_ROLE',
        reason:
          (eligible ? `${holder} is eligible (PIM) for ${roleName}` : `${holder} holds ${roleName}`) +
          (scopeRead === undefined ? ' at an unknown scope (the assignment has no directoryScopeId; tenant-wide assumed)' : ` at scope ${directoryScopeId}`),
        conditional: eligible || scopeRead === undefined || undefined,
        evidence: {
          directoryScopeId: scopeRead,
          eligible,
          roleDefinitionId,
          assignmentId: r.optStr(obj, 'id', path),
          ...(window?.start !== undefined && { startDateTime: window.start }),
          ...(window?.end !== undefined && { endDateTime: window.end }),
        },
      });
      ctx.raiseTier(from, tier);
    }
    noHolder.warn(ctx);
  }
}

/**
 * The window of a PIM eligibility (unifiedRoleEligibilitySchedule, Graph v1.0): `scheduleInfo`
 * holds `startDateTime` and `expiration` (expirationPattern: `type` noExpiration, afterDateTime
 * with `endDateTime`, or afterDuration with an ISO 8601 `duration`). A bound that is absent or
 * cannot be read is left undefined: the eligibility then counts (reported rather than hidden).
 */
function eligibilityWindow(obj: Record<string, unknown>, path: string, r: Reader): { start?: string; end?: string } {
  const info = r.optObject(obj, 'scheduleInfo', path);
  if (!info) return {};
  const p = `${path}.scheduleInfo`;
  const start = r.optDate(info, 'startDateTime', p);
  const exp = r.optObject(info, 'expiration', p);
  if (!exp) return { start };
  const ep = `${p}.expiration`;
  if (r.optStr(exp, 'type', ep) === 'noExpiration') return { start };
  let end = r.optDate(exp, 'endDateTime', ep);
  if (end === undefined && start !== undefined) {
    const ms = durationMs(r.optStr(exp, 'duration', ep));
    if (ms !== undefined) end = new Date(Date.parse(start) + ms).toISOString();
  }
  return { start, end };
}

/**
 * An ISO 8601 duration of days and time (P10D, PT8H, P1DT2H30M), in ms. Years, months and weeks
 * have no fixed length here: undefined, like anything else unreadable.
 */
function durationMs(d: string | undefined): number | undefined {
  const m = d === undefined ? null : /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(d);
  if (!m || d === 'P' || d === 'PT' || d!.endsWith('T')) return undefined;
  return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 + Number(m[4] ?? 0) * 1000;
}
