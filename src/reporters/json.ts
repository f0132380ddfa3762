import { safeJsonText } from './sanitize.js';
import type { ScanReport } from '../report/types.js';

/**
 * The versioned JSON envelope (docs/report.schema.json). Key order is fixed by construction and
 * arrays are sorted upstream, so the same input and `--now` give the same bytes.
 */
export function renderJson(report: ScanReport): string {
  return safeJsonText(JSON.stringify(report, null, 2)) + '\n';
}
