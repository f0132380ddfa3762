import type { Tier } from '../graph/model.js';
import type { Severity } from './types.js';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
const BY_RANK: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/**
 * Hygiene severity rises with what the identity can reach (RULES-CATALOG §3.0): one level for
 * T3, two for T4, one lower for T0 (nothing reachable), capped at critical and floored at low.
 */
export function escalateSeverity(base: Severity, tier: Tier): Severity {
  const delta = tier === 4 ? 2 : tier === 3 ? 1 : tier === 0 ? -1 : 0;
  const rank = Math.min(4, Math.max(1, SEVERITY_RANK[base] + delta));
  return BY_RANK[rank];
}

export function atLeast(sev: Severity, threshold: Severity | 'none'): boolean {
  if (threshold === 'none') return false;
  return SEVERITY_RANK[sev] >= SEVERITY_RANK[threshold];
}

/** Own keys only: `in` would also accept `constructor`, `toString`, `__proto__` (Object.prototype's). */
export function isSeverity(s: string): s is Severity {
  return Object.hasOwn(SEVERITY_RANK, s);
}
