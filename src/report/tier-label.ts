/**
 * A capability tier as a person reads it: `T2`, or `T0 or higher (not read: …)` when data feeding
 * the tier was not read (`notRead`: what was missing), so that a lower bound is not taken for the
 * exact tier and a T0 for harmless. The one wording of every human-facing output (terminal table,
 * recertification sheet, finding messages), so they cannot drift apart.
 */
export function tierLabel(tier: number, notRead?: string): string {
  return notRead === undefined ? `T${tier}` : `T${tier} or higher (not read: ${notRead})`;
}

/**
 * An identity's credential strength as a person reads it: `none` only when its credentials were
 * all read; with some not read (`notRead`: why), "no credential" is no evidence of none, so
 * `unknown`. The one wording of the terminal table and the recertification sheet.
 */
export function strengthLabel(strength: string, notRead?: string): string {
  return strength === 'none' && notRead !== undefined ? 'unknown' : strength;
}
