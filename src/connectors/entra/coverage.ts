import type { CoverageRecord } from '../../snapshot/types.js';
import type { GraphFailure } from './graph-http.js';

/**
 * Coverage of one capability from the failures of the reads behind it. No failure: collected.
 * Only permission/licence refusals: missing-permission. Anything else: error. `of` describes a
 * partial relationship read ("3 of 250 application owners"); its `unreadKeys`, when given, name
 * the parents those failures cost (see CoverageRecord.unreadKeys).
 */
export function coverageRecord(
  scope: string,
  capability: string,
  failures: readonly GraphFailure[],
  of?: { attempted: number; what: string; unreadKeys?: string[] },
): CoverageRecord {
  if (failures.length === 0) return { provider: 'entra', scope, capability, status: 'collected' };
  const status = failures.every((f) => f.kind === 'missing-permission') ? 'missing-permission' : 'error';
  const distinct = [...new Set(failures.map((f) => f.reason))];
  const first = distinct[0] + (distinct.length > 1 ? ` (and ${distinct.length - 1} other reasons)` : '');
  const reason = of && of.attempted > 1 ? `${failures.length} of ${of.attempted} ${of.what} not read: ${first}` : first;
  return { provider: 'entra', scope, capability, status, reason, ...(of?.unreadKeys ? { unreadKeys: of.unreadKeys } : {}) };
}

/** The failure recorded for a read that could not start because its parent list was not read. */
export function dependsOn(parent: string, failure: GraphFailure): GraphFailure {
  return { kind: failure.kind, reason: `not attempted because ${parent} was not read (${failure.reason})` };
}
