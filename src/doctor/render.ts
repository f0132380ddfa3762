import { CUT, cutLine } from '../reporters/sanitize.js';
import type { CheckResult, ProviderReport } from './types.js';

const LABEL: Record<string, string> = { entra: 'Microsoft Entra ID', okta: 'Okta', aws: 'AWS IAM' };
const MARK: Record<CheckResult['status'], string> = { ok: 'OK       ', missing: 'MISSING  ', error: 'ERROR    ', skipped: 'SKIPPED  ', throttled: 'THROTTLED' };

// A provider's reason is shown whole up to the CUT limits: its end often names what to fix (an
// AWS refusal ends with the policy that denied it). Past them it is cut, and says so; no other
// output holds the doctor's checks, so the note names no place to read the rest.
const detailOf = (c: CheckResult): string => cutLine(c.detail, CUT.text, 'detail');

function line(c: CheckResult, width: number): string {
  const extra = c.status === 'missing' ? `grant ${c.grant ?? '(see docs)'}${c.detail ? ` (${detailOf(c)})` : ''}` : c.detail ? detailOf(c) : '';
  return `  ${MARK[c.status]} ${c.name.padEnd(width)}${extra ? `  ${extra}` : ''}`.trimEnd();
}

/** One screen: per provider, the credential and each capability with what to grant. Pure. */
export function renderDoctor(reports: readonly ProviderReport[]): string {
  const out: string[] = [];
  for (const r of reports) {
    const width = Math.max('credential'.length, ...r.checks.map((c) => c.name.length));
    out.push(`${LABEL[r.provider]} (${cutLine(r.scope, CUT.name, 'scope')})`);
    out.push(line(r.credential, width));
    for (const c of r.checks) out.push(line(c, width));
    out.push('');
  }
  if (reports.some(refused)) out.push('A credential was refused or could not be used (see the credential line above): fix that first.');
  if (reports.some(unreachable)) out.push('A provider could not be reached (see its credential line above): check network access, the endpoint settings and any proxy, then run doctor again.');
  if (reports.some(serverFailed)) out.push("A provider answered with a server error (see its credential line above): the credential was not checked; run doctor again later, and check the provider's status page if it persists.");
  if (reports.some(throttled)) out.push("A provider limited doctor's requests (THROTTLED above): those permissions were not checked; run doctor again later.");
  // By cause: a MISSING line names what to grant; an ERROR line is a read that failed (a server
  // error, a timeout, an answer we could not use), where granting anything would change nothing.
  if (reports.some(missing)) out.push('Some capabilities cannot be read: grant what is listed above (MISSING), or scans will report them as coverage gaps.');
  if (reports.some(readFailed)) out.push('A capability read failed (ERROR above): nothing to grant for it; run doctor again later, and if it persists, see the error on its line. Until then scans will report it as a coverage gap.');
  if (doctorExitCode(reports) === 0) out.push('All checks passed.');
  return out.join('\n') + '\n';
}

// A credential check that was throttled, got no answer or a server error was not refused:
// nothing was decided about it.
const refused = (r: ProviderReport): boolean => r.credential.status !== 'ok' && r.credential.status !== 'throttled' && !r.credential.unreachable && !r.credential.serverError;
const unreachable = (r: ProviderReport): boolean => r.credential.status !== 'ok' && r.credential.unreachable === true;
const serverFailed = (r: ProviderReport): boolean => r.credential.status !== 'ok' && r.credential.serverError === true;
const incomplete = (r: ProviderReport): boolean => r.checks.some((c) => c.status === 'missing' || c.status === 'error');
const missing = (r: ProviderReport): boolean => r.checks.some((c) => c.status === 'missing');
const readFailed = (r: ProviderReport): boolean => r.checks.some((c) => c.status === 'error');
const throttled = (r: ProviderReport): boolean => r.credential.status === 'throttled' || r.checks.some((c) => c.status === 'throttled');

/**
 * 0 when everything is OK; 2 when a credential was refused or unusable (the user's to fix, as a
 * configuration error); 3 when a capability is missing or failed, a provider could not be
 * reached at all (connection refused, DNS, TLS, timeout), answered the credential check with a
 * server error (5xx) or kept throttling: as `collect`, whose
 * coverage records such failures and which exits 3 for them, a network failure is not an input error.
 */
export function doctorExitCode(reports: readonly ProviderReport[]): number {
  if (reports.some(refused)) return 2;
  if (reports.some((r) => unreachable(r) || serverFailed(r) || incomplete(r) || throttled(r))) return 3;
  return 0;
}
