import { InputError } from '../../errors.js';
import { quoteInput } from '../../reporters/sanitize.js';

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) into records keyed by header. */
export function parseCsv(text: string, file: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  while (i < src.length) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
      if (ch === '\r' && src[i + 1] === '\n') i++;
    } else {
      field += ch;
    }
    i++;
  }
  if (quoted) throw new InputError('unterminated quoted field', file, `line ${rows.length + 1}`);
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  // IAM's credential report always has its header row (and a row for the root user): an empty
  // file is a report that was not written, never an account without users.
  if (rows.length === 0) throw new InputError('the file is empty; a credential report has a header row and a row for <root_account>', file);
  const header = rows[0];
  return rows.slice(1).map((r, n) => {
    if (r.length !== header.length) throw new InputError(`expected ${header.length} fields, found ${r.length}`, file, `line ${n + 2}`);
    const rec: Record<string, string> = {};
    header.forEach((h, j) => (rec[h] = r[j]));
    return rec;
  });
}

const REPORT_ARN = /^arn:[^:]+:iam::(\d{12}):/;

/**
 * The rows of the credential report of `account`. IAM writes a row for the root user
 * (`<root_account>`) in every report (IAM User Guide, "Getting credential reports for your AWS
 * account"), and every row's `arn` names the account the report was generated in. A report
 * without the root row, or with a row of another account (the wrong file copied into the folder),
 * would read as "no keys, no passwords" for the users it does not describe, so it is an input
 * error naming the line. A missing `arn` column is left to the column check of the reader.
 */
export function parseCredentialReport(text: string, file: string, account: string): Record<string, string>[] {
  const rows = parseCsv(text, file);
  rows.forEach((row, i) => {
    if (row.arn === undefined) return;
    const named = REPORT_ARN.exec(row.arn)?.[1];
    if (named !== account) {
      const found = named ? `account ${named}` : quoteInput(row.arn.slice(0, 80));
      throw new InputError(`expected an IAM ARN of account ${account}, found ${found}`, file, `line ${i + 2}, column arn`);
    }
  });
  if (rows.length > 0 && !('user' in rows[0])) return rows;
  if (!rows.some((row) => row.user === '<root_account>')) throw new InputError('no <root_account> row; IAM writes one in every credential report', file);
  return rows;
}
