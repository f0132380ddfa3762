import type { GraphBuilder } from '../graph/graph.js';
import type { ProviderName } from './types.js';

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
}

/** Records `missing` (ids or names of parents absent from the file), if there are any. */
export function recordRelationshipGap(b: GraphBuilder, gap: RelationshipGap, missing: Iterable<string>): void {
  const absent = [...new Set(missing)].sort();
  if (absent.length === 0) return;
  const reason = `${absent.length} of ${gap.total} ${gap.parents} ${absent.length === 1 ? 'is' : 'are'} not in ${gap.file}: ${gap.lost} (first: ${absent.slice(0, 3).join(', ')})`;
  b.addCoverage({ provider: gap.provider, scope: gap.scope, capability: `${gap.capability}@${gap.file}`, status: 'error', reason });
  b.warn(`${gap.path}: ${reason}`);
}
