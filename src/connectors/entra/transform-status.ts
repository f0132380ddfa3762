import type { GraphNode } from '../../graph/model.js';
import type { EntraContext, IdentityRef } from './transform-context.js';

/** Values of disabledByMicrosoftStatus that do not mean "disabled" (servicePrincipal resource). */
const NOT_DISABLED = new Set(['NotDisabled', 'unknownFutureValue']);

/**
 * Service principals Microsoft disabled (`disabledByMicrosoftStatus`, e.g.
 * DisabledDueToViolationOfServicesAgreement) get no tokens whatever their accountEnabled says,
 * and only Microsoft can lift it: the node is disabled (`enabled: false`) so that paths do not
 * count it as an active target and dormancy rules do not evaluate it; the status is kept as an
 * attribute. A missing or null status was not read or is "not disabled": nothing changes.
 *
 * The application object has the same property ("whether Microsoft has disabled the registered
 * application"). Graph does not say in so many words what that does to its service principal; we
 * take a disabled registration to give no tokens for its appId, so its service principal here
 * (one node with the registration) is disabled too, even when the SP's own status is null, as is
 * a registration without one. The application's status is kept apart, as
 * `applicationDisabledByMicrosoftStatus`, so the report says which object carried it.
 */
export function addMicrosoftDisabled(ctx: EntraContext): void {
  markDisabled(ctx, 'servicePrincipals.json', ctx.sps, 'disabledByMicrosoftStatus');
  markDisabled(ctx, 'applications.json', ctx.apps, 'applicationDisabledByMicrosoftStatus');
  disableAgentsOfDisabledBlueprints(ctx);
}

/**
 * An Entra Agent ID agent identity holds no credentials: its blueprint obtains its tokens with
 * the blueprint's own (see addBlueprintEdges). When Microsoft disabled the blueprint, the same
 * reading as above leaves its agent identities no way to get a token, so they are disabled too,
 * with `blueprintDisabledByMicrosoft` naming the blueprint's node. One pass over the identities.
 */
function disableAgentsOfDisabledBlueprints(ctx: EntraContext): void {
  const disabled = new Map<string, GraphNode>();
  for (const ref of [...ctx.sps.values(), ...ctx.apps.values()]) if (ref.appId && microsoftDisabled(ref.node)) disabled.set(ref.appId, ref.node);
  if (disabled.size === 0) return;
  for (const ref of ctx.sps.values()) {
    const agent = ref.node;
    const blueprintAppId = agent.attrs.agentBlueprintId;
    if (agent.attrs.agentKind !== 'agent-identity' || typeof blueprintAppId !== 'string') continue;
    const blueprint = disabled.get(blueprintAppId);
    if (!blueprint || blueprint === agent) continue;
    agent.enabled = false;
    agent.attrs.blueprintDisabledByMicrosoft = blueprint.id;
  }
}

function markDisabled(ctx: EntraContext, file: string, refs: ReadonlyMap<string, IdentityRef>, attr: StatusAttr): void {
  const seen = new Set<string>();
  for (const { obj, path, r } of ctx.items(file) ?? []) {
    const id = r.str(obj, 'id', path);
    // A duplicate id was dropped by addIdentities (the first object is kept): so is its status.
    if (seen.has(id)) continue;
    seen.add(id);
    const status = r.optStr(obj, 'disabledByMicrosoftStatus', path);
    const ref = refs.get(id);
    if (status === undefined || !ref) continue;
    const node = ref.node;
    node.attrs[attr] = status;
    if (!NOT_DISABLED.has(status)) node.enabled = false;
  }
}

/** The node attributes that keep a disabledByMicrosoftStatus: the SP's own, and its application's. */
type StatusAttr = 'disabledByMicrosoftStatus' | 'applicationDisabledByMicrosoftStatus';
const STATUS_ATTRS: readonly StatusAttr[] = ['disabledByMicrosoftStatus', 'applicationDisabledByMicrosoftStatus'];

/**
 * Whether Microsoft disabled this identity or its application registration (addMicrosoftDisabled
 * ran): no credential added to it and no change in the tenant gives its tokens, so it is no
 * escalation target.
 */
export function microsoftDisabled(node: GraphNode): boolean {
  for (const attr of STATUS_ATTRS) {
    const status = node.attrs[attr];
    if (typeof status === 'string' && !NOT_DISABLED.has(status)) return true;
  }
  return false;
}
