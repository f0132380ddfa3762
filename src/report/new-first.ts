import type { Finding } from '../engine/types.js';

/**
 * The findings of one severity as the table and the Markdown list them: those new against the
 * baseline first, then the others, each part in the report's order. Both formats show a limited
 * number of findings per severity, and a gate that fails on new findings must show them: listed
 * in the report's order, they came after hundreds of unchanged ones and were cut off, so the log
 * said "3 new findings at or above high" and showed none of the three. SARIF keeps them first
 * among equally severe findings for the same reason. Without a baseline no finding is new and
 * the order is the report's.
 */
export function newFirst(findings: readonly Finding[]): Finding[] {
  const fresh: Finding[] = [];
  const rest: Finding[] = [];
  for (const f of findings) (f.status === 'new' ? fresh : rest).push(f);
  return fresh.length === 0 ? rest : [...fresh, ...rest];
}
