import { safeJsonText } from './sanitize.js';
import type { ScanReport } from '../report/types.js';
import { shownScope } from '../report/scope-shown.js';

/**
 * The versioned JSON envelope (docs/report.schema.json). Key order is fixed by construction and
 * arrays are sorted upstream, so the same input and `--now` give the same bytes.
 */
export function renderJson(report: ScanReport): string {
  // A coverage scope that is no id is not echoed (shownScope); the others keep their objects, so
  // a report whose scopes are all ids is the same bytes as before.
  const hidden = report.coverage.some((c) => shownScope(c.provider, c.scope) !== c.scope);
  const shown = hidden ? { ...report, coverage: report.coverage.map((c) => ({ ...c, scope: shownScope(c.provider, c.scope) })) } : report;
  return safeJsonText(JSON.stringify(shown, null, 2)) + '\n';
}
