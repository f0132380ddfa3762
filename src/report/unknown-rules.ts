import type { ScanReport } from './types.js';
import { compareText } from '../compare.js';

// The rules that answered unknown, as the table and the Markdown summary list them: the counts per
// provider say how many checks were unknown, these say which rule and why.

/** A rule that answered unknown, with the reason it gave most often (ties: the first in text order, as the report sorts them). */
export interface UnknownRule {
  ruleId: string;
  unknown: number;
  reason: string;
  /** How many of its unknowns gave `reason`, and how many other reasons there were. */
  reasonCount: number;
  otherReasons: number;
}

/** The rules that answered unknown, most unknowns first, then by rule id. */
export function unknownRules(report: ScanReport): UnknownRule[] {
  return report.rules
    .filter((r) => r.unknown > 0)
    .map((r) => {
      const reasons = Object.entries(r.unknownReasons);
      let [reason, reasonCount] = reasons[0] ?? ['no reason given', r.unknown];
      for (const [text, n] of reasons) if (n > reasonCount) [reason, reasonCount] = [text, n];
      return { ruleId: r.ruleId, unknown: r.unknown, reason, reasonCount, otherReasons: Math.max(0, reasons.length - 1) };
    })
    .sort((a, b) => b.unknown - a.unknown || compareText(a.ruleId, b.ruleId));
}

/** ` (3 of 4; 1 other reason)` when the leading reason is not the only one. */
export function unknownTail(r: UnknownRule): string {
  return r.otherReasons > 0 ? ` (${r.reasonCount} of ${r.unknown}; ${r.otherReasons} other reason${r.otherReasons === 1 ? '' : 's'})` : '';
}
