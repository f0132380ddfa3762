import { ids } from '../../graph/ids.js';
import type { CredentialType, GraphNode } from '../../graph/model.js';
import type { Reader } from '../../snapshot/shape.js';
import { inFieldOrder, isObject } from '../../snapshot/shape.js';
import { assessSubject } from './fic.js';
import { oidcSubjectNode } from '../../graph/workloads.js';
import { warnUnknownParents, type EntraContext, type IdentityRef } from './transform-context.js';
import { parseDate } from '../../iso-date.js';
import { collectedAtMs } from '../../snapshot/snapshot.js';

type Location = 'application' | 'servicePrincipal';

/**
 * Last use of each credential key id, from the beta appCredentialSignInActivities report, or
 * undefined when that report was not (fully) read.
 */
export function credentialUse(ctx: EntraContext): Map<string, string> | undefined {
  if (!ctx.collected('entra.credentialSignInActivity')) return undefined;
  const out = new Map<string, string>();
  for (const { obj, path, r } of ctx.items('appCredentialSignInActivities.json') ?? []) {
    const keyId = r.str(obj, 'keyId', path);
    const act = r.optObject(obj, 'signInActivity', path);
    const when = act ? r.optDate(act, 'lastSignInDateTime', `${path}.signInActivity`) : undefined;
    if (when && (!out.has(keyId) || parseDate(when) > parseDate(out.get(keyId)!))) out.set(keyId, when);
  }
  return out;
}

/**
 * Adds the password and key credentials of an application or service principal object. Only
 * keys with usage `Verify` authenticate the app; `Sign` keys (token signing) are counted, and on
 * SAML SSO service principals the `Verify` half of a signing pair (same thumbprint) is skipped too.
 * So is the password of a signing certificate: addTokenSigningCertificate (Graph v1.0) stores the
 * certificate as a Sign key, a Verify key and a passwordCredential that opens the private key
 * (PFX) and carries the Sign key's keyId. Entra makes and keeps that password (the action returns
 * only the public part): no client can sign in with it. Only a password matching a Sign key on
 * both keyId and customKeyIdentifier is taken for such a password (see below).
 */
export function addObjectCredentials(
  ctx: EntraContext,
  owner: IdentityRef,
  obj: Record<string, unknown>,
  path: string,
  r: Reader,
  location: Location,
  use: Map<string, string> | undefined,
  saml: boolean,
): void {
  const keys = r.optArray(obj, 'keyCredentials', path);
  // Both made at the first Sign key: most objects have none, and two sets for each of the
  // ~100,000 objects of the 100k estate were about 20 MB of allocation.
  let signing: Set<string> | undefined;
  // keyId + customKeyIdentifier of each Sign key: together they name a signing certificate.
  let signKeys: Set<string> | undefined;
  keys.forEach((kc, i) => {
    const p = `${path}.keyCredentials[${i}]`;
    if (!isObject(kc)) r.fail(p, 'expected an object');
    if (r.optStr(kc, 'usage', p) === 'Sign') {
      const thumbprint = r.optStr(kc, 'customKeyIdentifier', p);
      (signing ??= new Set()).add(thumbprint ?? '');
      const keyId = r.optStr(kc, 'keyId', p);
      if (keyId && thumbprint) (signKeys ??= new Set()).add(`${keyId}\n${thumbprint}`);
    }
  });
  let skipped = 0;

  const passwords = r.optArray(obj, 'passwordCredentials', path);
  inFieldOrder(passwords, 'keyId').forEach(([pc, i]) => {
    const p = `${path}.passwordCredentials[${i}]`;
    if (!isObject(pc)) r.fail(p, 'expected an object');
    const keyId = r.str(pc, 'keyId', p);
    // addTokenSigningCertificate gives the password the Sign key's keyId AND its customKeyIdentifier.
    // Neither alone is enough: whoever may update the object can PATCH in a Sign key with any keyId
    // (so keyId alone would let them hide a real secret), and a thumbprint is shared by the whole
    // certificate. A secret from addPassword has no customKeyIdentifier (passwordCredential v1.0:
    // "Do not use"), so a password without one, or with another, is reported: when in doubt we
    // report a secret rather than hide one. preferredSingleSignOnMode is not required here: the same
    // update right can set it, and custom signing keys also exist outside SAML SSO.
    const passwordThumbprint = r.optStr(pc, 'customKeyIdentifier', p);
    if (passwordThumbprint && signKeys?.has(`${keyId}\n${passwordThumbprint}`) === true) {
      skipped++;
      return;
    }
    const hint = r.optStr(pc, 'hint', p);
    const display = r.optStr(pc, 'displayName', p);
    const createdAt = r.optDate(pc, 'startDateTime', p);
    const ends = expiry(ctx, createdAt, r.optDate(pc, 'endDateTime', p));
    addCredential(ctx, owner, {
      keyId,
      type: 'entra-client-secret',
      credentialType: 'client-secret',
      name: display ?? (hint ? `secret ${hint}…` : `secret ${keyId}`),
      createdAt,
      expiresAt: ends.expiresAt,
      endDateTime: ends.endDateTime,
      location,
      use,
      attrs: { hint },
    });
  });

  inFieldOrder(keys, 'keyId').forEach(([kc, i]) => {
    const p = `${path}.keyCredentials[${i}]`;
    const k = kc as Record<string, unknown>;
    const usage = r.optStr(k, 'usage', p);
    const thumbprint = r.optStr(k, 'customKeyIdentifier', p);
    if (usage !== 'Verify' || (saml && signing?.has(thumbprint ?? '') === true)) {
      skipped++;
      return;
    }
    const keyId = r.str(k, 'keyId', p);
    const keyType = r.optStr(k, 'type', p);
    // keyCredential.type (Graph v1.0) is e.g. AsymmetricX509Cert or the legacy Symmetric: the
    // same key bytes on both sides, so a shared secret like a client secret, not a certificate.
    const symmetric = keyType === 'Symmetric';
    const name = r.optStr(k, 'displayName', p) ?? `${symmetric ? 'symmetric key' : 'certificate'} ${keyId}`;
    const createdAt = r.optDate(k, 'startDateTime', p);
    const ends = expiry(ctx, createdAt, r.optDate(k, 'endDateTime', p));
    addCredential(ctx, owner, {
      keyId,
      type: symmetric ? 'entra-symmetric-key' : 'entra-certificate',
      credentialType: symmetric ? 'client-secret' : 'certificate',
      name,
      createdAt,
      expiresAt: ends.expiresAt,
      endDateTime: ends.endDateTime,
      location,
      use,
      attrs: { keyType, thumbprint },
    });
  });
  if (skipped > 0) {
    owner.node.attrs[`${location}SigningKeysSkipped`] = skipped;
  }
}

/** Lifetimes longer than this are the old "never expires" option, not a real end date. */
const NO_EXPIRY_MS = 90 * 365.25 * 86_400_000;

/**
 * The graph's expiry of a password or key credential. Graph always returns `endDateTime` (the
 * portal and API default is two years, passwordCredential / keyCredential resources); the old
 * "never" choice wrote an end date about 99 years out (2299 in older apps), so a lifetime over
 * ~90 years is no expiry (null), with the written date kept as `endDateTime`. A missing
 * endDateTime was not read: undefined, never "never expires". Without a start date the lifetime
 * is measured from the collection time.
 */
function expiry(ctx: EntraContext, start: string | undefined, end: string | undefined): { expiresAt: string | null | undefined; endDateTime?: string } {
  if (end === undefined) return { expiresAt: undefined };
  const from = start !== undefined ? parseDate(start) : collectedAtMs(ctx.snapshot.manifest);
  if (!Number.isNaN(from) && parseDate(end) - from > NO_EXPIRY_MS) return { expiresAt: null, endDateTime: end };
  return { expiresAt: end };
}

interface CredentialInput {
  keyId: string;
  type: string;
  credentialType: CredentialType;
  name: string;
  createdAt: string | undefined;
  /** undefined: end date not read; null: no real end date (see expiry). */
  expiresAt: string | null | undefined;
  /** The end date Graph wrote when it counts as no expiry. */
  endDateTime?: string;
  location: Location;
  use: Map<string, string> | undefined;
  attrs: Record<string, unknown>;
}

/**
 * The credential node's attributes: the caller's (`c.attrs`, a literal made for this credential
 * alone, so it is completed in place), then where it is set. Key order as the caller's keys
 * followed by these, as a spread into a new literal gave; assigned one by one, for a spread
 * beside other keys goes through the runtime's generic copy (~1.5 us a credential).
 */
function credentialAttrs(c: CredentialInput, owner: IdentityRef): Record<string, unknown> {
  const attrs = c.attrs;
  attrs.keyId = c.keyId;
  attrs.location = c.location;
  attrs.identity = owner.nodeId;
  if (c.endDateTime) attrs.endDateTime = c.endDateTime;
  return attrs;
}

function addCredential(ctx: EntraContext, owner: IdentityRef, c: CredentialInput): void {
  const id = ids.entraCredential(ctx.tenant, c.keyId);
  if (ctx.b.hasNode(id)) {
    ctx.b.warn(`entra: credential key id ${c.keyId} appears more than once (again on ${owner.name}); the first one is kept`);
    return;
  }
  const node: GraphNode = {
    id,
    kind: 'credential',
    provider: 'entra',
    type: c.type,
    name: c.name,
    nativeId: c.keyId,
    scope: ctx.tenant,
    credentialType: c.credentialType,
    createdAt: c.createdAt,
    expiresAt: c.expiresAt,
    // The report lists only credentials that signed in: once read, absence means "never used".
    lastUsedAt: c.use ? (c.use.get(c.keyId) ?? null) : undefined,
    attrs: credentialAttrs(c, owner),
  };
  const cred = ctx.b.addNode(node);
  const what = c.type === 'entra-symmetric-key' ? 'symmetric key' : c.credentialType === 'client-secret' ? 'client secret' : 'certificate';
  const where = c.location === 'application' ? 'application registration' : 'service principal object';
  ctx.b.addEdge({
    from: owner.node,
    to: cred,
    type: 'HAS_CREDENTIAL',
    reason: `${what} "${c.name}" (key ${c.keyId}) is set on the ${where} of ${owner.name}`,
    // The portal lists app-registration secrets, but has no tab for credentials on the SP object.
    hidden: c.location === 'servicePrincipal',
  });
}

/** Federated identity credentials of app registrations, with the external workload they trust. */
export function addFederatedCredentials(ctx: EntraContext): void {
  const rel = ctx.relation('federatedIdentityCredentials.json');
  if (!rel) return;
  const unknown: string[] = [];
  for (const [appObjectId, fics] of rel) {
    const owner = ctx.apps.get(appObjectId);
    if (!owner) {
      unknown.push(appObjectId);
      continue;
    }
    // An application missing from the file was not read (snapshot format), whatever the coverage says.
    owner.node.attrs.ficsCollected = true;
    for (const { obj, path, r } of fics) {
      const ficId = r.str(obj, 'id', path);
      const issuer = r.str(obj, 'issuer', path);
      const subject = r.optStr(obj, 'subject', path) || undefined;
      const exprObj = r.optObject(obj, 'claimsMatchingExpression', path);
      const expression = exprObj ? r.str(exprObj, 'value', `${path}.claimsMatchingExpression`) : undefined;
      const audiences = r.optArray(obj, 'audiences', path).map((a, i): string => {
        if (typeof a !== 'string') return r.fail(`${path}.audiences[${i}]`, 'expected a string');
        return a;
      });
      const name = r.optStr(obj, 'name', path) ?? ficId;
      const verdict = assessSubject(issuer, subject, expression);
      const credId = ids.entraCredential(ctx.tenant, ficId);
      if (ctx.b.hasNode(credId)) {
        ctx.b.warn(`entra/federatedIdentityCredentials.json: duplicate federated credential id ${ficId} at ${path}`);
        continue;
      }
      const cred = ctx.b.addNode({
        id: credId,
        kind: 'credential',
        provider: 'entra',
        type: 'entra-federated-credential',
        name,
        nativeId: ficId,
        scope: ctx.tenant,
        credentialType: 'federated-oidc',
        federation: { issuer, subject: subject ?? expression, subjectMatch: verdict.match, audiences },
        attrs: {
          location: 'application',
          identity: owner.nodeId,
          description: r.optStr(obj, 'description', path),
          claimsMatchingExpression: expression,
          subjectNote: verdict.note,
          subjectUndecided: verdict.undecided,
        },
      });
      ctx.b.addEdge({
        from: owner.node,
        to: cred,
        type: 'HAS_CREDENTIAL',
        reason: `federated credential "${name}" on ${owner.name} trusts ${issuer} (${verdict.note})`,
        hidden: true,
      });
      // Named from issuer and subject as the AWS transform names the subject an IAM role trusts
      // (oidcSubjectNode): the node is shared by id, and the first to add it would name it. A
      // credential with neither subject nor expression was not read (Entra requires one).
      const workload = oidcSubjectNode(issuer, subject, expression ?? (subject === undefined ? '(subject not read)' : undefined));
      // The native id is the pair a trust names, issuer and subject (the tail of the id), as the
      // AWS transform writes it for the workload an IAM role trusts: the node is shared by id, so
      // the first transform to add it decided which form a report showed; and a subject alone
      // does not say whose token it is.
      const key = `${issuer}|${subject ?? expression ?? ''}`;
      const extId = ids.external('oidc', key);
      const ext = ctx.b.addNode({
        id: extId,
        kind: 'external',
        provider: 'external',
        type: workload.type,
        name: workload.name,
        nativeId: key,
        scope: issuer,
        attrs: { issuer, subject, claimsMatchingExpression: expression },
      });
      ctx.b.addEdge({
        from: ext,
        to: owner.node,
        type: 'FEDERATES_TO',
        // The note is a clause of its own ("subject … is issued to every …"): it follows a colon.
        reason: `a token from ${issuer} signs in as ${owner.name} (federated credential "${name}"): ${verdict.note}`,
        hidden: true,
        evidence: { method: 'AZAuthenticatesTo', ficId, subjectMatch: verdict.match, audiences },
      });
    }
  }
  warnUnknownParents(ctx, 'federatedIdentityCredentials.json', unknown, 'an application registration', 'applications.json');
}

/**
 * The HAS_CREDENTIAL reason of a federated identity credential no token passes: the linker finds
 * it so when the issuer is a scanned tenant none of whose tokens carries any of its audiences
 * (src/connectors/link.ts), and marks the credential inactive with `dead` as its attrs.dead.
 */
export function deadFicReason(name: string, ownerName: string, issuer: string, dead: string): string {
  return `federated credential "${name}" on ${ownerName} trusts ${issuer}, which no token passes: ${dead}`;
}
