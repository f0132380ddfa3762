import { GenerateCredentialReportCommand, GetCredentialReportCommand, type IAMClient } from '@aws-sdk/client-iam';
import { InputError } from '../../errors.js';
import { failed, errorName, type Outcome } from './safe-error.js';
import { parseCsv } from './transform-csv.js';

export interface CredentialReportPolling {
  /** Upper bound on GenerateCredentialReport calls. */
  maxPolls: number;
  delayMs: number;
  sleep: (ms: number) => Promise<void>;
}

/** While IAM builds the report, Get answers ReportInProgress (404) or, just after Generate, ReportNotPresent (410). */
const NOT_READY = new Set(['CredentialReportNotReadyException', 'CredentialReportNotPresentException', 'ReportInProgress', 'ReportNotPresent']);

/**
 * Why `csv` does not parse the way the scan will parse it (a row cut off mid-line, an unterminated
 * quote), or undefined. A report that arrived damaged is an error record at collection time rather
 * than a stored file that later stops the whole scan. The scan's own parser is used, so the check
 * and the scan cannot disagree. Its messages name line numbers and field counts, never values.
 */
function csvProblem(csv: string): string | undefined {
  try {
    parseCsv(csv, 'credential report');
    return undefined;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.location ? `${error.location}: ${error.message}` : error.message;
  }
}

/**
 * GenerateCredentialReport until it says COMPLETE (IAM reuses a report younger than four
 * hours, so this is usually one call), then GetCredentialReport. Permissions:
 * `iam:GenerateCredentialReport`, `iam:GetCredentialReport`. Returns the CSV text; the SDK hands
 * `Content` over as bytes already base64-decoded. A report that does not parse as CSV with the
 * header's field count in every row is an error, not a collected file.
 */
export async function readCredentialReport(iam: IAMClient, polling: CredentialReportPolling): Promise<Outcome<string>> {
  let lastState = 'none';
  for (let poll = 1; poll <= polling.maxPolls; poll++) {
    const generated = await iam.send(new GenerateCredentialReportCommand({}));
    lastState = generated.State ?? 'unknown';
    if (generated.State === 'COMPLETE') {
      try {
        const report = await iam.send(new GetCredentialReportCommand({}));
        if (!report.Content) return failed('error', 'GetCredentialReport returned no Content');
        if (report.ReportFormat && report.ReportFormat !== 'text/csv') {
          return failed('error', `GetCredentialReport returned an unexpected ReportFormat`);
        }
        const csv = Buffer.from(report.Content).toString('utf8');
        const malformed = csvProblem(csv);
        if (malformed !== undefined) return failed('error', `GetCredentialReport returned a malformed report (${malformed}); not used`);
        return { ok: true, value: csv };
      } catch (error) {
        if (!NOT_READY.has(errorName(error))) throw error;
        lastState = errorName(error);
      }
    }
    if (poll < polling.maxPolls) await polling.sleep(polling.delayMs);
  }
  return failed('error', `credential report not ready after ${polling.maxPolls} polls (last state ${lastState})`);
}
