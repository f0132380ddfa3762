import type { GraphBuilder } from '../graph/graph.js';
import type { CoverageStatus, ProviderName } from './types.js';

/**
 * Parents missing from one relationship file (docs/snapshot-format.md, "Two shapes of file"): a
 * parent the collector reads the file for, absent from it, was not read, so its list is unknown,
 * not empty. One coverage record per file (status `error`, capability `<capability>@<file>`, a
 * name of its own: the capability's record would disown the whole file) and one warning, the
 * first three ids sorted so the report is the same bytes for the same data. The transforms mark
 * the parents themselves for the rules, which answer unknown for them.
 */
export interface RelationshipGap {
  provider: ProviderName;
  scope: string;
  /** The capability that reads the file (`entra.owners`). */
  capability: string;
  /** The file's name (`applicationOwners.json`). */
  file: string;
  /** The path the warning names (`entra/applicationOwners.json`, or the file the user gave). */
  path: string;
  /** What the parents are, plural (`applications`). */
  parents: string;
  /** What their absence costs (`their owners were not read`). */
  lost: string;
  /** How many parents the file is read for. */
  total: number;
  /**
   * The collector's own record of the gap (same capability), when the manifest has one that is
   * not `collected`: its status is kept and its reason (why the reads failed: a 403, a 404) is
   * added, since this record stands in for it in the report.
   */
  recorded?: { status: Exclude<CoverageStatus, 'collected'>; reason?: string };
}

/** Records `missing` (ids or names of parents absent from the file), if there are any. */
export function recordRelationshipGap(b: GraphBuilder, gap: RelationshipGap, missing: Iterable<string>): void {
  const absent = [...new Set(missing)].sort();
  if (absent.length === 0) return;
  const first = absent.slice(0, 3).join(', ');
  const why = gap.recorded?.reason ? `; the collector recorded: ${withoutNamed(gap.recorded.reason, gap.parents, absent)}` : '';
  const reason = `${absent.length} of ${gap.total} ${gap.parents} ${absent.length === 1 ? 'is' : 'are'} not in ${gap.file}: ${gap.lost} (first: ${first})${why}`;
  b.addCoverage({ provider: gap.provider, scope: gap.scope, capability: `${gap.capability}@${gap.file}`, status: gap.recorded?.status ?? 'error', reason });
  b.warn(`${gap.path}: ${reason}`);
}

/**
 * The collector's reason without the parents it names at its end (`… (groups: a, b)`, client.ts
 * parentGap) when they are the ones this record names first: the same ids twice in one reason say
 * nothing more. Names that differ (the collector saw other failures than the parents missing
 * here) are kept.
 */
function withoutNamed(reason: string, parents: string, absent: readonly string[]): string {
  const named = namedParents(parents, absent);
  return reason.endsWith(named) ? reason.slice(0, -named.length) : reason;
}

/**
 * The parents a collector's record names at the end of its reason (client.ts parentGap):
 * ` (<parents>: a, b, c, …)`, the first three of `sorted`. One spelling for both sides, so that
 * withoutNamed finds exactly what the collector wrote.
 */
export function namedParents(parents: string, sorted: readonly string[]): string {
  return ` (${parents}: ${sorted.slice(0, 3).join(', ')}${sorted.length > 3 ? ', …' : ''})`;
}
