/**
 * A capability tier as a person reads it: `T2`, or `T0 or higher (not read: …)` when data feeding
 * the tier was not read (`notRead`: what was missing), so that a lower bound is not taken for the
 * exact tier and a T0 for harmless. The one wording of every human-facing output (terminal table,
 * recertification sheet, finding messages), so they cannot drift apart.
 */
export function tierLabel(tier: number, notRead?: string): string {
  return notRead === undefined ? `T${tier}` : `T${tier} or higher (not read: ${notRead})`;
}
