import { cannotJudge } from '../engine/missing-capability.js';

/**
 * A capability tier as a person reads it: `T2`, or `T0 or higher (<what was not read>; so whether
 * it reaches a tier above T0 cannot be judged)` when data feeding the tier was not read
 * (`notRead`: the clause of rule-kit's tierLowerBound), so that a lower bound is not taken for
 * the exact tier and a T0 for harmless. The one wording of every human-facing output (terminal
 * table, recertification sheet, explain, finding messages), so they cannot drift apart.
 */
export function tierLabel(tier: number, notRead?: string): string {
  return notRead === undefined ? `T${tier}` : `T${tier} or higher (${lowerBoundNote(tier, notRead)})`;
}

/**
 * The tier reason an identity summary adds when its tier is a lower bound, for readers of
 * `tierReasons` alone (the JSON report, explain --format json). The explain card leaves it out:
 * its tier label (`tierLabel`) already says the same, and is read first.
 */
export function lowerBoundReason(tier: number, notRead: string): string {
  return `may reach more: ${lowerBoundNote(tier, notRead)} (the tier is a lower bound)`;
}

/** What was not read (`notRead`) and that a tier above `tier` cannot be ruled out, as one sentence. */
export function lowerBoundNote(tier: number, notRead: string): string {
  return cannotJudge(notRead, `whether it reaches a tier above T${tier}`);
}

/**
 * An identity's credential strength as a person reads it: `none` only when its credentials were
 * all read; with some not read (`notRead`: why), "no credential" is no evidence of none, so
 * `unknown`. The one wording of the terminal table and the recertification sheet.
 */
export function strengthLabel(strength: string, notRead?: string): string {
  return strength === 'none' && notRead !== undefined ? 'unknown' : strength;
}
