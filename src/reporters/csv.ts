import { stringify } from 'csv-stringify/sync';
import type { ScanReport } from '../report/types.js';
import type { Finding } from '../engine/types.js';
import type { OmittedHops, PathHop } from '../analysis/types.js';
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
 * Rows per piece of a sheet written in pieces: enough that the stringifier's per-call work does
 * not show, few enough that a piece stays small (a few hundred KB).
 */
const ROWS_PER_CHUNK = 1000;

/**
 * RFC 4180: comma, CRLF, a header row, fields quoted when they hold a comma, quote or
 * semicolon. Every cell, header included, goes through `safeCell`, so no provider-controlled
 * name can start a formula, at the start of the cell or behind a `;` or `,` in it, and no
 * control character can split a row.
 *
 * In pieces of ROWS_PER_CHUNK rows, each row made only when its piece is: at 100,000 identities
 * the sheets are 58 MB (recert) and 91 MB (findings), and holding every row's cells, their
 * sanitised copies, each record's text and the joined text at once made rendering the largest
 * allocation after the scan. Every record ends with the record delimiter (`eof`) and nothing
 * else carries over between records (no header option, no BOM, cells cast as the strings
 * safeCell gives), so the pieces joined are the sheet stringified whole.
 */
export function* csvChunks(header: readonly string[], rows: Iterable<readonly unknown[]>): Generator<string> {
  let records: string[][] = [header.map((v) => safeCell(v))];
  for (const r of rows) {
    records.push(r.map((v) => safeCell(v)));
    if (records.length >= ROWS_PER_CHUNK) {
      yield stringifyRecords(records);
      records = [];
    }
  }
  if (records.length > 0) yield stringifyRecords(records);
}

function stringifyRecords(records: string[][]): string {
  return stringify(records, { delimiter: ',', record_delimiter: '\r\n', quote: '"', escape: '"', quoted_match: QUOTED, eof: true });
}

/**
 * One hop list as `A -[CAN_ASSUME]-> B -[HAS_ROLE]-> C`. The hops a long path's evidence leaves
 * out (`omitted`, see ShownHops) are one link, `B -[… 980 hops not listed …]-> X`, from where the
 * listed ones stop to where they go on.
 */
export function pathText(path: readonly PathHop[] | undefined, omitted?: OmittedHops): string {
  if (!path || path.length === 0) return '';
  const links = path.map((h) => `-[${h.type}]-> ${h.toName}`);
  if (omitted !== undefined) links.splice(omitted.after, 0, `-[… ${omitted.count} hop${omitted.count === 1 ? '' : 's'} not listed …]-> ${path[omitted.after].fromName}`);
  return [path[0].fromName, ...links].join(' ');
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
    pathText(f.path, f.omittedHops),
  ];
}

/** `--format csv`: findings, one row each, waived ones included with status `waived`. */
export function renderCsv(report: ScanReport): string {
  return [...csvFindingChunks(report)].join('');
}

/** The same text as renderCsv, in pieces (see csvChunks). */
export function csvFindingChunks(report: ScanReport): Generator<string> {
  return csvChunks(FINDING_COLUMNS, findingRows(report.findings));
}

function* findingRows(findings: readonly Finding[]): Generator<unknown[]> {
  for (const f of findings) yield row(f);
}
