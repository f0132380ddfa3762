import { ids } from '../../graph/ids.js';
import type { Reader } from '../../snapshot/shape.js';
import type { OktaContext } from './transform-context.js';
import { roleLevel, scopeLevel } from './transform-tiers.js';

/** One admin-role assignment as `/users/{id}/roles`, `/groups/{id}/roles` and `/oauth2/v1/clients/{id}/roles` return it. */
export interface RoleAssignment {
  /** `SUPER_ADMIN`, …, or `CUSTOM`. */
  type: string;
  /** Node id of the role's privilege node. */
  nodeId: string;
  label: string;
}

/**
 * Reads one role object and makes sure its privilege node exists. Built-in roles get one node per
 * role type; custom roles one per custom role id, since two custom roles share nothing but the name.
 * Returns undefined for an assignment that is not ACTIVE.
 */
export function readRole(ctx: OktaContext, r: Reader, obj: Record<string, unknown>, path: string): RoleAssignment | undefined {
  const type = r.str(obj, 'type', path);
  const status = r.optStr(obj, 'status', path);
  if (status !== undefined && status !== 'ACTIVE') return undefined;
  const customId = type === 'CUSTOM' ? (r.optStr(obj, 'role', path) ?? r.optStr(obj, 'id', path)) : undefined;
  const key = customId ? `CUSTOM/${customId}` : type;
  const label = r.optStr(obj, 'label', path) ?? type;
  const nodeId = ids.oktaRole(ctx.org, key);
  if (!ctx.b.hasNode(nodeId)) {
    const level = roleLevel(type);
    ctx.b.addNode({
      id: nodeId,
      kind: 'privilege',
      provider: 'okta',
      type: 'okta-admin-role',
      name: customId ? `${label} (custom role)` : label,
      nativeId: key,
      scope: ctx.org,
      tier: level.tier,
      ...(level.crownJewel ? { crownJewel: level.crownJewel } : {}),
      attrs: { roleType: type, ...(customId ? { customRoleId: customId, resourceSet: obj['resource-set'] } : {}) },
    });
  }
  return { type, nodeId, label };
}

/** The privilege node of an Okta OAuth scope (`okta.users.manage`), created on first use. */
export function ensureScope(ctx: OktaContext, scopeId: string): string {
  const nodeId = ids.oktaScope(ctx.org, scopeId);
  if (!ctx.b.hasNode(nodeId)) {
    const level = scopeLevel(scopeId);
    ctx.b.addNode({
      id: nodeId,
      kind: 'privilege',
      provider: 'okta',
      type: 'okta-scope',
      name: scopeId,
      nativeId: scopeId,
      scope: ctx.org,
      tier: level.tier,
      ...(level.crownJewel ? { crownJewel: level.crownJewel } : {}),
      attrs: { scopeId },
    });
  }
  return nodeId;
}

/** Org administration itself: the target of escalations that end in "can make anyone SUPER_ADMIN". */
export function ensureCrown(ctx: OktaContext): string {
  const nodeId = ids.crownJewel('okta', ctx.org, 'super-admin');
  if (!ctx.b.hasNode(nodeId)) {
    ctx.b.addNode({
      id: nodeId,
      kind: 'privilege',
      provider: 'okta',
      type: 'okta-crown',
      name: `Okta org administration (${ctx.org})`,
      nativeId: 'super-admin',
      scope: ctx.org,
      tier: 4,
      crownJewel: 'admin',
      attrs: {},
    });
  }
  return nodeId;
}
