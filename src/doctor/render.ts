import { safeText } from '../reporters/sanitize.js';
import type { CheckResult, ProviderReport } from './types.js';

const LABEL: Record<string, string> = { entra: 'Microsoft Entra ID', okta: 'Okta', aws: 'AWS IAM' };
const MARK: Record<CheckResult['status'], string> = { ok: 'OK     ', missing: 'MISSING', error: 'ERROR  ', skipped: 'SKIPPED' };

function line(c: CheckResult, width: number): string {
  const extra = c.status === 'missing' ? `grant ${c.grant ?? '(see docs)'}${c.detail ? ` (${safeText(c.detail, 160)})` : ''}` : c.detail ? safeText(c.detail, 200) : '';
  return `  ${MARK[c.status]} ${c.name.padEnd(width)}${extra ? `  ${extra}` : ''}`.trimEnd();
}

/** One screen: per provider, the credential and each capability with what to grant. Pure. */
export function renderDoctor(reports: readonly ProviderReport[]): string {
  const out: string[] = [];
  for (const r of reports) {
    const width = Math.max('credential'.length, ...r.checks.map((c) => c.name.length));
    out.push(`${LABEL[r.provider]} (${safeText(r.scope, 100)})`);
    out.push(line(r.credential, width));
    for (const c of r.checks) out.push(line(c, width));
    out.push('');
  }
  const code = doctorExitCode(reports);
  out.push(code === 0 ? 'All checks passed.' : code === 2 ? 'A credential could not be used (refused, or its endpoint could not be reached; see the credential line above): fix that first.' : 'Some capabilities cannot be read: grant what is listed above, or scans will report them as coverage gaps.');
  return out.join('\n') + '\n';
}

/** 0 when everything is OK, 2 when a credential was refused, 3 when a capability is missing or failed. */
export function doctorExitCode(reports: readonly ProviderReport[]): number {
  if (reports.some((r) => r.credential.status !== 'ok')) return 2;
  if (reports.some((r) => r.checks.some((c) => c.status === 'missing' || c.status === 'error'))) return 3;
  return 0;
}
