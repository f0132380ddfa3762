import { stringify } from 'csv-stringify/sync';
import type { ScanReport } from '../report/types.js';
import type { Finding } from '../engine/types.js';
import type { PathHop } from '../analysis/types.js';
import { safeCell } from './sanitize.js';

/**
 * Columns of `--format csv`, in order (documented in docs/ci.md). Append new columns at the end
 * only: spreadsheets and scripts address them by position.
 */
export const FINDING_COLUMNS = [
  'severity',
  'base_severity',
  'rule_id',
  'owasp',
  'provider',
  'subject_type',
  'subject_name',
  'subject_id',
  'message',
  'remediation',
  'status',
  'fingerprint',
  'path',
] as const;

// Quoted besides a comma: a semicolon, the list separator of spreadsheets in many locales (so
// that one reading RFC 4180 keeps the cell whole there too), and a tab, CR, LF or double quote
// (safeCell leaves none of the first three; quoting them anyway costs nothing).
const QUOTED = /[;\t\r\n"]/;

/**
 * RFC 4180: comma, CRLF, a header row, fields quoted when they hold a comma, quote or
 * semicolon. Every cell, header included, goes through `safeCell`, so no provider-controlled
 * name can start a formula, at the start of the cell or behind a `;` or `,` in it, and no
 * control character can split a row.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const records = [header, ...rows].map((r) => r.map((v) => safeCell(v)));
  return stringify(records, { delimiter: ',', record_delimiter: '\r\n', quote: '"', escape: '"', quoted_match: QUOTED, eof: true });
}

/** One hop list as `A -[CAN_ASSUME]-> B -[HAS_ROLE]-> C`. */
export function pathText(path: readonly PathHop[] | undefined): string {
  if (!path || path.length === 0) return '';
  return [path[0].fromName, ...path.map((h) => `-[${h.type}]-> ${h.toName}`)].join(' ');
}

function row(f: Finding): unknown[] {
  return [
    f.severity,
    f.baseSeverity,
    f.ruleId,
    f.owasp.join(' '),
    f.provider,
    f.subject.type,
    f.subject.name,
    f.subject.id,
    f.message,
    f.remediation,
    f.status ?? '',
    f.fingerprint,
    pathText(f.path),
  ];
}

/** `--format csv`: findings, one row each, waived ones included with status `waived`. */
export function renderCsv(report: ScanReport): string {
  return toCsv(FINDING_COLUMNS, report.findings.map(row));
}
