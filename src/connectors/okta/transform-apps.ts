import { createHash } from 'node:crypto';
import { ids } from '../../graph/ids.js';
import type { GraphNode } from '../../graph/model.js';
import { Reader } from '../../snapshot/shape.js';
import { at, markNamedAgent, type OktaContext } from './transform-context.js';
import { oktaPath, warnOrphanKeys } from './transform-read.js';
import { ensureScope, readRole } from './transform-privileges.js';
import { readAwsApp, readAwsSsoApp } from './transform-aws.js';
import { SECRET_AUTH_METHODS, scopeLevel } from './transform-tiers.js';
import { quoteInput } from '../../reporters/sanitize.js';

type Item = Record<string, unknown>;

/**
 * Reads apps.json. OIDC service apps (client credentials) become `okta-service-app` identities;
 * `amazon_aws` apps become the federation bridge; of `amazon_aws_sso` (IAM Identity Center) apps
 * only the assignments are read (see OktaContext.awsSsoApps); other apps (browser SSO, SPA) act only for the
 * signed-in user and are not machine identities.
 */
export function addApps(ctx: OktaContext): void {
  const r = new Reader(oktaPath('apps'));
  const seen = new Set<string>();
  (ctx.files.apps ?? []).forEach((app, i) => {
    const path = at('$', i);
    const id = r.str(app, 'id', path);
    if (seen.has(id)) {
      ctx.b.warn(`${oktaPath('apps')}: duplicate app id ${quoteInput(id)} at ${path}; first one kept`);
      return;
    }
    seen.add(id);
    const name = r.optStr(app, 'name', path);
    if (name !== undefined) ctx.appNames.set(id, name);
    if (name === 'amazon_aws') {
      readAwsApp(ctx, r, app, path);
      return;
    }
    if (name === 'amazon_aws_sso') {
      readAwsSsoApp(ctx, id);
      return;
    }
    const settings = r.optObject(app, 'settings', path);
    const oauth = settings ? r.optObject(settings, 'oauthClient', `${path}.settings`) : undefined;
    if (!oauth) return;
    const oauthPath = `${path}.settings.oauthClient`;
    const appType = r.optStr(oauth, 'application_type', oauthPath);
    const grantTypes = r
      .optArray(oauth, 'grant_types', oauthPath)
      .map((g, j) => (typeof g === 'string' ? g : r.fail(`${oauthPath}.grant_types[${j}]`, 'expected a string')));
    if (appType !== 'service' && !grantTypes.includes('client_credentials')) return;
    addServiceApp(ctx, r, app, path, id, { appType, grantTypes, oauth, oauthPath });
  });
  // Without apps.json no key names a known app: the coverage record and its warning say that
  // apps.json was not read, once, rather than one warning per file keyed by app.
  if (ctx.files.apps) {
    const known = (id: string): boolean => seen.has(id);
    warnOrphanKeys(ctx.b, 'appSecrets', ctx.files.appSecrets, known, 'an app');
    warnOrphanKeys(ctx.b, 'appJwks', ctx.files.appJwks, known, 'an app');
    warnOrphanKeys(ctx.b, 'appGrants', ctx.files.appGrants, known, 'an app');
  }
  addClientRoles(ctx);
}

interface OAuthFacts {
  appType: string | undefined;
  grantTypes: string[];
  oauth: Item;
  oauthPath: string;
}

function addServiceApp(ctx: OktaContext, r: Reader, app: Item, path: string, id: string, f: OAuthFacts): void {
  const creds = r.optObject(app, 'credentials', path);
  const oc = creds ? r.optObject(creds, 'oauthClient', `${path}.credentials`) : undefined;
  const ocPath = `${path}.credentials.oauthClient`;
  const clientId = oc ? r.optStr(oc, 'client_id', ocPath) : undefined;
  // Okta's documented default when the field is absent.
  const authMethod = (oc ? r.optStr(oc, 'token_endpoint_auth_method', ocPath) : undefined) ?? 'client_secret_basic';
  const status = r.optStr(app, 'status', path);
  const node: GraphNode = {
    id: ids.oktaApp(ctx.org, id),
    kind: 'identity',
    provider: 'okta',
    type: 'okta-service-app',
    name: r.optStr(app, 'label', path) ?? id,
    nativeId: id,
    scope: ctx.org,
    enabled: status === undefined ? undefined : status === 'ACTIVE',
    createdAt: r.optDate(app, 'created', path),
    attrs: {
      clientId,
      status,
      applicationType: f.appType,
      grantTypes: f.grantTypes,
      tokenEndpointAuthMethod: authMethod,
      credentialsCollected: false,
      grantsCollected: ctx.files.appGrants?.has(id) ?? false,
      clientRolesCollected: clientId !== undefined && (ctx.files.clientRoles?.has(clientId) ?? false),
    },
  };
  markNamedAgent(ctx, node);
  ctx.b.addNode(node);
  ctx.serviceApps.set(id, node);
  if (clientId) {
    if (ctx.clientIds.has(clientId)) ctx.b.warn(`${oktaPath('apps')}: client_id ${quoteInput(clientId)} is used by more than one app (${path})`);
    else ctx.clientIds.set(clientId, id);
  }
  node.attrs.credentialsCollected = addAppCredentials(ctx, r, node, authMethod, f);
  addGrants(ctx, node);
}

/** Returns whether the credentials that matter for this app's auth method were read. */
function addAppCredentials(ctx: OktaContext, r: Reader, app: GraphNode, authMethod: string, f: OAuthFacts): boolean {
  const appId = app.nativeId;
  if (SECRET_AUTH_METHODS.has(authMethod)) {
    const list = ctx.files.appSecrets?.get(appId);
    if (!list) return false;
    const rs = new Reader(oktaPath('appSecrets'));
    list.forEach((s, j) => {
      const p = at(`$[${quoteInput(appId)}]`, j);
      const secretId = rs.str(s, 'id', p);
      addCredential(ctx, app, {
        key: `secret/${appId}/${secretId}`,
        type: 'okta-client-secret',
        credentialType: 'client-secret',
        name: `client secret ${secretId}`,
        status: rs.optStr(s, 'status', p),
        created: rs.optDate(s, 'created', p),
        attrs: { secretId, lastUpdated: rs.optDate(s, 'lastUpdated', p) },
        reason: `${app.name} authenticates to Okta with client secret ${secretId}`,
      });
    });
    return true;
  }
  if (authMethod === 'private_key_jwt') {
    const list = ctx.files.appJwks?.get(appId);
    const rj = new Reader(oktaPath('appJwks'));
    let base = `$[${quoteInput(appId)}]`;
    let keys = list;
    if (!keys) {
      // Older apps keep their public keys inline in settings.oauthClient.jwks instead. That copy
      // has no key id, status or creation date and need not hold every key the JWKS API lists:
      // its keys are recorded (they exist), but the app's keys still count as not read below.
      const inline = r.optObject(f.oauth, 'jwks', f.oauthPath);
      if (!inline) return false;
      base = `${f.oauthPath}.jwks.keys`;
      keys = r.optArray(inline, 'keys', `${f.oauthPath}.jwks`).map((k, j) => {
        if (typeof k !== 'object' || k === null || Array.isArray(k)) r.fail(at(base, j), 'expected an object');
        return k as Item;
      });
    }
    const reader = list ? rj : r;
    // One credential per key. The list may hold one key twice (added again under a new id): an
    // ACTIVE copy is the one that says what the key can do.
    const byIdentity = new Map<string, CredentialInput>();
    keys.forEach((k, j) => {
      const p = at(base, j);
      // Okta allows a key without a kid (null): treat an empty one the same.
      const kid = reader.optStr(k, 'kid', p) || undefined;
      const keyId = reader.optStr(k, 'id', p) || undefined;
      const thumbprint = jwkThumbprint(reader, k, p);
      const identity =
        thumbprint ??
        // Without the public members (never so from Okta's API): the list's own id, which tells two
        // keys apart where a shared kid would merge them, then the kid (inline keys have no id).
        (keyId !== undefined ? `id:${keyId}` : kid !== undefined ? `kid:${kid}` : reader.fail(p, 'expected the public key members (kty, and n and e for RSA), a "kid" or an "id"'));
      const label = kid ?? thumbprint ?? keyId!;
      const status = reader.optStr(k, 'status', p);
      const kept = byIdentity.get(identity);
      if (kept !== undefined && (kept.status === undefined || kept.status === 'ACTIVE' || status === 'INACTIVE')) return;
      byIdentity.set(identity, {
        key: `jwk/${appId}/${identity}`,
        type: 'okta-jwk',
        credentialType: 'private-key-jwt',
        name: `public key ${label}`,
        status,
        created: reader.optDate(k, 'created', p),
        attrs: { kid, keyId, thumbprint, kty: reader.optStr(k, 'kty', p), use: reader.optStr(k, 'use', p) },
        reason: `${app.name} authenticates to Okta with a JWT signed by the private key of ${label}`,
      });
    });
    for (const c of byIdentity.values()) addCredential(ctx, app, c);
    // Read only when appJwks.json has the app: absent, the collector's read of its keys failed
    // or was not made (a coverage record says which), and the inline copy does not stand in.
    return list !== undefined;
  }
  return true;
}

/**
 * The credential id earlier versions gave an app's public key, or undefined when it is the
 * current one: they named it by the JWKS API's id for it, or by its kid when the key was read
 * from the inline copy, which has no id. Findings about the key had fingerprints made with it;
 * src/cli/ci.ts (legacyKeyFingerprints) lets baselines and waivers still match them.
 */
export function earlierJwkCredentialId(cred: GraphNode, app: GraphNode): string | undefined {
  if (cred.type !== 'okta-jwk') return undefined;
  const { keyId, kid } = cred.attrs;
  const named = typeof keyId === 'string' ? keyId : typeof kid === 'string' ? kid : undefined;
  if (named === undefined) return undefined;
  const id = ids.oktaCredential(cred.scope, `jwk/${app.nativeId}/${named}`);
  return id === cred.id ? undefined : id;
}

/** The members RFC 7638 hashes per key type, in the lexicographic order it prescribes. */
const THUMBPRINT_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
};

/**
 * The RFC 7638 thumbprint (SHA-256, base64url) of a public key, or undefined when the key lacks
 * a member its type needs. The JWKS API and the inline copy in the app both carry these members,
 * while the API's key id exists only in the one and the kid is optional in both: the thumbprint
 * is what makes the same key one credential, whichever way a snapshot has it.
 */
function jwkThumbprint(r: Reader, k: Item, p: string): string | undefined {
  const kty = r.optStr(k, 'kty', p);
  const members = kty === undefined ? undefined : THUMBPRINT_MEMBERS[kty];
  if (members === undefined) return undefined;
  const parts: string[] = [];
  for (const m of members) {
    const v = r.optStr(k, m, p);
    if (!v) return undefined;
    parts.push(`${JSON.stringify(m)}:${JSON.stringify(v)}`);
  }
  return createHash('sha256').update(`{${parts.join(',')}}`).digest('base64url');
}

interface CredentialInput {
  key: string;
  type: string;
  credentialType: 'client-secret' | 'private-key-jwt';
  name: string;
  status: string | undefined;
  created: string | undefined;
  attrs: Record<string, unknown>;
  reason: string;
}

function addCredential(ctx: OktaContext, app: GraphNode, c: CredentialInput): void {
  const id = ids.oktaCredential(ctx.org, c.key);
  const cred = ctx.b.addNode({
    id,
    kind: 'credential',
    provider: 'okta',
    type: c.type,
    name: c.name,
    nativeId: c.key,
    scope: ctx.org,
    credentialType: c.credentialType,
    // Okta lists ACTIVE and INACTIVE credentials; an absent status is read as usable.
    status: c.status === 'INACTIVE' ? 'inactive' : 'active',
    createdAt: c.created,
    // Okta client secrets and keys carry no expiry.
    expiresAt: null,
    attrs: { ...c.attrs, oktaStatus: c.status },
  });
  ctx.b.addEdge({ from: app, to: cred, type: 'HAS_CREDENTIAL', reason: c.reason });
}

function addGrants(ctx: OktaContext, app: GraphNode): void {
  const list = ctx.files.appGrants?.get(app.nativeId);
  if (!list) return;
  const r = new Reader(oktaPath('appGrants'));
  let tier = ctx.appTier.get(app.nativeId) ?? 0;
  list.forEach((g, j) => {
    const p = at(`$[${quoteInput(app.nativeId)}]`, j);
    const scopeId = r.str(g, 'scopeId', p);
    const status = r.optStr(g, 'status', p);
    // Revoked or pending consents give no token with that scope.
    if (status !== undefined && status !== 'ACTIVE') return;
    const to = ensureScope(ctx, scopeId);
    (ctx.scopeHolders.get(scopeId) ?? ctx.scopeHolders.set(scopeId, []).get(scopeId)!).push(app.nativeId);
    tier = Math.max(tier, scopeLevel(scopeId).tier);
    ctx.b.addEdge({
      from: app,
      to,
      type: 'GRANTED',
      hidden: true,
      reason: `${app.name} was granted the Okta API scope ${scopeId}: its client-credentials tokens carry it`,
      evidence: { grantId: r.optStr(g, 'id', p), issuer: r.optStr(g, 'issuer', p), created: r.optDate(g, 'created', p), source: r.optStr(g, 'source', p) },
    });
  });
  ctx.appTier.set(app.nativeId, tier);
}

/** clientRoles.json is keyed by OAuth client_id, not app id. */
function addClientRoles(ctx: OktaContext): void {
  const map = ctx.files.clientRoles;
  if (!map) return;
  const r = new Reader(oktaPath('clientRoles'));
  for (const [clientId, list] of map) {
    const appId = ctx.clientIds.get(clientId);
    const app = appId ? ctx.serviceApps.get(appId) : undefined;
    if (!app) continue;
    let tier = ctx.appTier.get(app.nativeId) ?? 0;
    list.forEach((obj, j) => {
      const role = readRole(ctx, r, obj, at(`$[${quoteInput(clientId)}]`, j));
      if (!role) return;
      const level = ctx.b.getNode(role.nodeId)?.tier ?? 0;
      tier = Math.max(tier, level);
      ctx.b.addEdge({ from: app, to: role.nodeId, type: 'HAS_ROLE', reason: `${app.name} holds the Okta admin role ${role.label} as an OAuth client` });
    });
    ctx.appTier.set(app.nativeId, tier);
  }
  if (ctx.files.apps) warnOrphanKeys(ctx.b, 'clientRoles', map, (id) => ctx.clientIds.has(id), 'a service app client_id');
}
