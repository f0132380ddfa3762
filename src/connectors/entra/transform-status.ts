import type { GraphNode } from '../../graph/model.js';
import type { EntraContext } from './transform-context.js';

/** Values of disabledByMicrosoftStatus that do not mean "disabled" (servicePrincipal resource). */
const NOT_DISABLED = new Set(['NotDisabled', 'unknownFutureValue']);

/**
 * Service principals Microsoft disabled (`disabledByMicrosoftStatus`, e.g.
 * DisabledDueToViolationOfServicesAgreement) get no tokens whatever their accountEnabled says,
 * and only Microsoft can lift it: the node is disabled (`enabled: false`) so that paths do not
 * count it as an active target and dormancy rules do not evaluate it; the status is kept as an
 * attribute. A missing or null status was not read or is "not disabled": nothing changes.
 */
export function addMicrosoftDisabled(ctx: EntraContext): void {
  const seen = new Set<string>();
  for (const { obj, path, r } of ctx.items('servicePrincipals.json') ?? []) {
    const id = r.str(obj, 'id', path);
    // A duplicate id was dropped by addIdentities (the first object is kept): so is its status.
    if (seen.has(id)) continue;
    seen.add(id);
    const status = r.optStr(obj, 'disabledByMicrosoftStatus', path);
    const ref = ctx.sps.get(id);
    if (status === undefined || !ref) continue;
    const node = ref.node;
    node.attrs.disabledByMicrosoftStatus = status;
    if (!NOT_DISABLED.has(status)) node.enabled = false;
  }
}

/**
 * Whether Microsoft disabled this identity (addMicrosoftDisabled ran): no credential added to it
 * and no change in the tenant gives its tokens, so it is no escalation target.
 */
export function microsoftDisabled(node: GraphNode): boolean {
  const status = node.attrs.disabledByMicrosoftStatus;
  return typeof status === 'string' && !NOT_DISABLED.has(status);
}
