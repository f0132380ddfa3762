import { ids } from '../../graph/ids.js';
import type { GraphNode } from '../../graph/model.js';
import { Reader } from '../../snapshot/shape.js';
import { at, markNamedAgent, type OktaContext } from './transform-context.js';
import { oktaPath } from './transform-read.js';
import { quoteInput } from '../../reporters/sanitize.js';

/** Counts API tokens per owner before users are classified (owning tokens is a machine signal). */
export function countTokenOwners(ctx: OktaContext): void {
  const r = new Reader(oktaPath('apiTokens'));
  (ctx.files.apiTokens ?? []).forEach((t, i) => {
    const userId = r.optStr(t, 'userId', at('$', i));
    if (userId) ctx.tokenOwners.set(userId, (ctx.tokenOwners.get(userId) ?? 0) + 1);
  });
}

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Milliseconds of an ISO-8601 duration such as `P30D` or `PT720H` (months as 30 days, years as 365). */
export function durationMs(iso: string): number | undefined {
  const m = DURATION.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) return undefined;
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  const days = y * 365 + mo * 30 + w * 7 + d;
  return ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000;
}

/**
 * Reads apiTokens.json. A token acts with its creator's full, current admin rights (Okta: "generated
 * with the permissions of the user that created the token"), so it gets an ACTS_AS edge to that user.
 *
 * Last use: Okta documents no last-use field, and `lastUpdated` is not documented to move on use,
 * so `lastUsedAt` stays undefined. What is documented is that a token stays valid for `tokenWindow`
 * and renews on every use, so `expiresAt − tokenWindow` estimates the last use; it is kept as
 * `attrs.lastUseEstimate` and rules say it is an estimate.
 */
export function addTokens(ctx: OktaContext): void {
  const r = new Reader(oktaPath('apiTokens'));
  const seen = new Set<string>();
  const missingOwners: string[] = [];
  (ctx.files.apiTokens ?? []).forEach((t, i) => {
    const path = at('$', i);
    const id = r.str(t, 'id', path);
    if (seen.has(id)) {
      ctx.b.warn(`${oktaPath('apiTokens')}: duplicate token id ${quoteInput(id)} at ${path}; first one kept`);
      return;
    }
    seen.add(id);
    const userId = r.optStr(t, 'userId', path);
    const created = r.optDate(t, 'created', path);
    const expiresAt = r.optDate(t, 'expiresAt', path);
    const tokenWindow = r.optStr(t, 'tokenWindow', path);
    const windowMs = tokenWindow ? durationMs(tokenWindow) : undefined;
    if (tokenWindow && windowMs === undefined) r.fail(`${path}.tokenWindow`, `not an ISO-8601 duration: ${quoteInput(tokenWindow.slice(0, 20))}`);
    const net = r.optObject(t, 'network', path);
    const strings = (key: string): string[] =>
      net
        ? r.optArray(net, key, `${path}.network`).map((z, j) => (typeof z === 'string' ? z : r.fail(`${path}.network.${key}[${j}]`, 'expected a string')))
        : [];
    const network = net ? { connection: r.optStr(net, 'connection', `${path}.network`), include: strings('include'), exclude: strings('exclude') } : undefined;
    const name = r.optStr(t, 'name', path) ?? id;
    const node: GraphNode = {
      id: ids.oktaToken(ctx.org, id),
      kind: 'identity',
      provider: 'okta',
      type: 'okta-api-token',
      name,
      nativeId: id,
      scope: ctx.org,
      createdAt: created,
      expiresAt,
      attrs: {
        userId,
        clientName: r.optStr(t, 'clientName', path),
        tokenWindow,
        network,
        lastUpdated: r.optDate(t, 'lastUpdated', path),
        lastUseEstimate: expiresAt && windowMs !== undefined ? new Date(Date.parse(expiresAt) - windowMs).toISOString() : undefined,
      },
    };
    markNamedAgent(ctx, node);
    const token = ctx.b.addNode(node);
    const credId = ids.oktaCredential(ctx.org, `token/${id}`);
    const cred = ctx.b.addNode({
      id: credId,
      kind: 'credential',
      provider: 'okta',
      type: 'okta-api-token-secret',
      name: `SSWS token ${name}`,
      nativeId: `token/${id}`,
      scope: ctx.org,
      credentialType: 'api-token',
      // Okta lists only tokens that are still valid.
      status: 'active',
      createdAt: created,
      expiresAt,
      attrs: { tokenWindow, network },
    });
    ctx.b.addEdge({ from: token, to: cred, type: 'HAS_CREDENTIAL', reason: `API token ${name} is an SSWS bearer secret` });
    if (!userId) {
      ctx.b.warn(`${oktaPath('apiTokens')}: token ${quoteInput(id)} at ${path} has no userId; its rights are unknown`);
      return;
    }
    const owner = ctx.users.get(userId) ?? placeholderOwner(ctx, userId);
    if (!ctx.users.has(userId) && ctx.files.users) missingOwners.push(userId);
    ctx.b.addEdge({
      from: token,
      to: owner,
      type: 'ACTS_AS',
      hidden: true,
      reason: `API token ${name} acts with the full, current admin rights of its creator ${owner.name}`,
    });
    ctx.b.addEdge({ from: token, to: owner, type: 'CREATED_BY', reason: `API token ${name} was created by ${owner.name}` });
    ctx.b.addEdge({ from: owner, to: token, type: 'OWNS', reason: `API tokens are personal: ${owner.name} answers for ${name}` });
  });
  if (missingOwners.length > 0) {
    const shown = missingOwners.slice(0, 3).map((x) => quoteInput(x)).join(', ');
    ctx.b.warn(
      `${oktaPath('apiTokens')}: ${missingOwners.length} token owner(s) not in ${oktaPath('users')} (${shown}); the default user listing omits DEPROVISIONED users`,
    );
  }
}

/** An owner known only by id: users.json was not read, or does not list them. */
function placeholderOwner(ctx: OktaContext, userId: string): GraphNode {
  const id = ids.oktaUser(ctx.org, userId);
  const existing = ctx.b.getNode(id);
  if (existing) return existing;
  return ctx.b.addNode({
    id,
    kind: 'human',
    provider: 'okta',
    type: 'okta-user',
    name: userId,
    nativeId: userId,
    scope: ctx.org,
    attrs: { placeholder: true, listed: ctx.files.users ? false : undefined },
  });
}
