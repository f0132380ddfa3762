import type { ScanReport } from '../report/types.js';
import type { Finding, RuleMeta, Severity } from '../engine/types.js';
import { SEVERITY_RANK } from '../engine/severity.js';
import { cutLine, safeJsonText } from './sanitize.js';
import { pathText } from './csv.js';
import { shownScope } from '../report/scope-shown.js';

/** GitHub code scanning reads `security-severity` (0-10) to rank alerts as critical/high/medium/low. */
export const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** GitHub code scanning rejects a whole upload whose run has more results than this (a hard limit). */
export const SARIF_MAX_RESULTS = 25_000;

/** Among equally severe findings: new (against a baseline) first, then the rest, waived last. */
const STATUS_ORDER = (f: Finding): number => (f.status === 'new' ? 0 : f.status === 'waived' ? 2 : 1);

/**
 * At most `SARIF_MAX_RESULTS` findings: the most severe; among equally severe ones, those new
 * against the baseline (what fails a CI run) before unchanged ones, and unwaived before waived.
 * The order is kept otherwise.
 */
function capResults(findings: readonly Finding[]): readonly Finding[] {
  if (findings.length <= SARIF_MAX_RESULTS) return findings;
  return [...findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || STATUS_ORDER(a) - STATUS_ORDER(b)).slice(0, SARIF_MAX_RESULTS);
}

/**
 * The artifact a result points at. Code scanning needs a repository-relative path that stays the
 * same across runs to match alerts, and these findings live in a tenant rather than in a file, so
 * each result points at a stable logical path per provider scope instead of wherever the
 * snapshot happened to be stored.
 */
export function artifactUri(provider: string, scope: string): string {
  const safe = (s: string) => s.replace(/^[a-z]+:\/\//i, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || '_';
  return `nhiscan/${safe(provider)}/${safe(scope)}`;
}

function ruleDescriptor(ruleId: string, findings: Finding[], meta: RuleMeta | undefined): Record<string, unknown> {
  const first = findings[0];
  // The worst finding of this run, not the rule's default: code scanning gives every alert of a
  // rule the rule's security-severity, so a rule whose findings here are all low must not show as
  // medium because its default is.
  const worst = findings.reduce<Severity>((s, f) => (SEVERITY_RANK[f.severity] > SEVERITY_RANK[s] ? f.severity : s), first.severity);
  const title = meta?.title ?? first.title;
  const remediation = meta?.remediation ?? first.remediation;
  const description = meta ? `${meta.description} Risk: ${meta.risk}` : title;
  const owasp = meta?.owasp ?? first.owasp;
  const refs = meta?.references ?? [];
  const markdown = [
    `**${title}**`,
    '',
    meta ? meta.description : '',
    meta ? `\n**Risk.** ${meta.risk}` : '',
    `\n**Remediation.** ${remediation}`,
    owasp.length > 0 ? `\n**OWASP NHI Top 10 (2025):** ${owasp.join(', ')}` : '',
    refs.length > 0 ? `\n**References**\n${refs.map((r) => `- ${r}`).join('\n')}` : '',
  ]
    .filter((s) => s !== '')
    .join('\n');
  const d: Record<string, unknown> = {
    id: ruleId,
    name: ruleId.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: title },
    fullDescription: { text: description },
    help: { text: `${remediation}${refs.length > 0 ? ` References: ${refs.join(' ')}` : ''}`, markdown },
    defaultConfiguration: { level: LEVEL[worst] },
    properties: {
      'security-severity': SECURITY_SEVERITY[worst],
      precision: meta?.maturity === 'experimental' ? 'medium' : 'high',
      tags: ['security', 'non-human-identity', ...owasp],
    },
  };
  if (refs.length > 0 && /^https:\/\//.test(refs[0])) d.helpUri = refs[0];
  return d;
}

/**
 * How long provider text may get before it is cut, as in the human-readable outputs (`cutLine`,
 * sanitize.ts): a cut says what was cut, of how many characters, and where the whole value is, so
 * that an alert never reads as if a truncated name or reason were the whole of it. A finding's
 * message may quote names and a path; a name sits in a location's one line; a reason inside a
 * suppression or a notification sits beside nhiscan's own words, which stay whole after it.
 */
const MAX = { message: 4000, name: 200, reason: 1000 } as const;
/** Where the whole of the report's text can be read. */
const REPORT_WHOLE = 'nhiscan scan --format json';
/** Where the whole of a finding's text can be read. */
const findingWhole = (fingerprint: string): string => `${REPORT_WHOLE} and in nhiscan explain ${fingerprint} --format json`;

/**
 * A SARIF plain-text message made of provider text, cut already (`cutLine`). SARIF 2.1.0 (3.11.6)
 * lets a plain-text message embed links, `[text](url)`, which viewers such as GitHub code scanning
 * render: an app named `[Approve](https://evil.example)` would become a link in the alert. Literal
 * brackets are escaped as `\[` and `\]`, as that section asks, so no name, reason or warning makes
 * one (nor the brackets of a cut note). A backslash is escaped too (`\\`): in that grammar `\\`
 * is a literal backslash, so a name written `\[Approve\](…)` would otherwise have its own
 * backslash escaped by ours and its brackets left to make the link. Escaped after the cut, so a
 * cut never splits an escape.
 */
function messageText(text: string): string {
  return text.replace(/[\\[\]]/g, '\\$&');
}

function result(f: Finding, ruleIndex: number): Record<string, unknown> {
  const path = pathText(f.path, f.omittedHops);
  const whole = findingWhole(f.fingerprint);
  const r: Record<string, unknown> = {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: messageText(cutLine(path ? `${f.message}${/[.!?]$/.test(f.message) ? '' : '.'} Path: ${path}` : f.message, MAX.message, 'message', whole)) },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: artifactUri(f.provider, f.subject.scope) }, region: { startLine: 1 } },
        logicalLocations: [{ name: cutLine(f.subject.name, MAX.name, 'name', whole), fullyQualifiedName: f.subject.id, kind: 'object' }],
      },
    ],
    partialFingerprints: { 'nhiscanFingerprint/v1': f.fingerprint },
    properties: {
      severity: f.severity,
      baseSeverity: f.baseSeverity,
      provider: f.provider,
      subjectType: f.subject.type,
      nativeId: f.subject.nativeId,
      ...(f.tier !== undefined ? { tier: f.tier } : {}),
      ...(f.tierIncomplete !== undefined ? { tierIncomplete: f.tierIncomplete } : {}),
    },
  };
  // Independent of the suppression: a waived finding is still new or unchanged against the baseline.
  if (f.baselineState !== undefined) r.baselineState = f.baselineState;
  if (f.status === 'waived' && f.waiver) {
    const w = f.waiver;
    r.suppressions = [
      {
        kind: 'external',
        status: 'accepted',
        // Each part cut on its own, so that a long reason leaves the owner and expiry in sight.
        justification: `${cutLine(w.reason, MAX.reason, 'reason', whole)} (owner ${cutLine(w.owner, MAX.name, 'owner', whole)}${w.ticket ? `, ticket ${cutLine(w.ticket, MAX.name, 'ticket', whole)}` : ''}, until ${cutLine(w.expires, MAX.name, 'date', whole)})`,
      },
    ];
  }
  return r;
}

/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. Rules are the ones that produced
 * a finding (a run with 0 findings lists none); waived findings appear as accepted suppressions;
 * coverage gaps become tool notifications so "not read" is never shown as "clean".
 */
/** The SARIF log as an object (see `renderSarif`); `renderChunks` streams it for large estates. */
export function buildSarif(report: ScanReport, metas?: ReadonlyMap<string, RuleMeta>): Record<string, unknown> {
  const findings = capResults(report.findings);
  const omitted = report.findings.length - findings.length;
  const byRule = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byRule.get(f.ruleId);
    if (list) list.push(f);
    else byRule.set(f.ruleId, [f]);
  }
  const ruleIds = [...byRule.keys()].sort();
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  const gaps = report.coverage.filter((c) => c.status !== 'collected');
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'nhiscan',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            rules: ruleIds.map((id) => ruleDescriptor(id, byRule.get(id)!, metas?.get(id))),
          },
        },
        automationDetails: { id: 'nhiscan/' },
        invocations: [
          {
            executionSuccessful: true,
            endTimeUtc: report.scannedAt,
            toolExecutionNotifications: [
              ...(omitted > 0
                ? [
                    {
                      level: 'warning',
                      message: {
                        text: `${omitted} finding${omitted === 1 ? ' is' : 's are'} not in this SARIF file: GitHub code scanning rejects a run with more than ${String(SARIF_MAX_RESULTS).replace(/\B(?=(\d{3})+$)/g, ',')} results, so only the most severe are included; the JSON and CSV reports list every finding`,
                      },
                    },
                  ]
                : []),
              ...gaps.map((g) => ({
                level: 'warning',
                // Each part cut on its own, so that a long error leaves the end of the sentence in sight.
                message: {
                  text: messageText(
                    `${cutLine(g.provider, MAX.name, 'provider', REPORT_WHOLE)} ${cutLine(shownScope(g.provider, g.scope), MAX.name, 'scope', REPORT_WHOLE)} ${cutLine(g.capability, MAX.name, 'capability', REPORT_WHOLE)}: ${cutLine(g.status, MAX.name, 'status', REPORT_WHOLE)}${g.reason ? ` (${cutLine(g.reason, MAX.reason, 'error', REPORT_WHOLE)})` : ''}; rules that need it report unknown`,
                  ),
                },
              })),
              ...report.warnings.map((w) => ({ level: 'note', message: { text: messageText(cutLine(w, MAX.reason, 'warning', REPORT_WHOLE)) } })),
            ],
          },
        ],
        results: findings.map((f) => result(f, index.get(f.ruleId)!)),
        // Input that records no collection time (an --aws-authz-details file): snapshotCollectedAt is
        // then only the time evaluated as of, which the flag says, as the JSON report's does.
        properties: {
          snapshotCollectedAt: report.snapshot.collectedAt,
          ...(report.snapshot.collectedAtUnknown ? { snapshotCollectedAtUnknown: true } : {}),
          scannedAt: report.scannedAt,
          reportSchemaVersion: report.schemaVersion,
        },
      },
    ],
  };
  return sarif;
}

export function renderSarif(report: ScanReport, metas?: ReadonlyMap<string, RuleMeta>): string {
  return safeJsonText(JSON.stringify(buildSarif(report, metas), null, 2)) + '\n';
}
