import { GenerateCredentialReportCommand, GetCredentialReportCommand, type IAMClient } from '@aws-sdk/client-iam';
import { failed, errorName, type Outcome } from './safe-error.js';

export interface CredentialReportPolling {
  /** Upper bound on GenerateCredentialReport calls. */
  maxPolls: number;
  delayMs: number;
  sleep: (ms: number) => Promise<void>;
}

/** While IAM builds the report, Get answers ReportInProgress (404) or, just after Generate, ReportNotPresent (410). */
const NOT_READY = new Set(['CredentialReportNotReadyException', 'CredentialReportNotPresentException', 'ReportInProgress', 'ReportNotPresent']);

/**
 * GenerateCredentialReport until it says COMPLETE (IAM reuses a report younger than four
 * hours, so this is usually one call), then GetCredentialReport. Permissions:
 * `iam:GenerateCredentialReport`, `iam:GetCredentialReport`. Returns the CSV text; the SDK hands
 * `Content` over as bytes already base64-decoded.
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
        return { ok: true, value: Buffer.from(report.Content).toString('utf8') };
      } catch (error) {
        if (!NOT_READY.has(errorName(error))) throw error;
        lastState = errorName(error);
      }
    }
    if (poll < polling.maxPolls) await polling.sleep(polling.delayMs);
  }
  return failed('error', `credential report not ready after ${polling.maxPolls} polls (last state ${lastState})`);
}
