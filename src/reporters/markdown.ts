import type { ScanReport } from '../report/types.js';
import type { Finding, Severity } from '../engine/types.js';
import { CUT, cutLine, cutText, findingWhole, markdownCode, REPORT_WHOLE, safeMarkdown } from './sanitize.js';

const ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const ICON: Record<Severity, string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', info: '⬜' };

export interface MarkdownOptions {
  /** Table rows per severity before "… and N more"; GitHub caps a step summary at 1 MiB. */
  limitPerSeverity?: number;
}

// Two treatments, one per origin of the text. `code`: everything that came from a provider (names,
// ids, messages and reasons that quote them, coverage scopes and errors, warnings) and the snapshot
// source, as code spans, the one form in which GitHub and GitLab neither ping an `@name` nor
// link a URL (see markdownCode). `m`: nhiscan's own words (rule ids, types, statuses,
// fingerprints, dates) and the team's own waiver file, escaped as Markdown prose.
const m = safeMarkdown;

/**
 * Provider text as a code span, cut only past `max` (a CUT limit), and then followed by the note
 * that says so and where the whole value is: outside the span, as nhiscan's own words.
 */
function code(value: unknown, max: number, what: string, where: string, table = true): string {
  const { text, note } = cutText(value, max, what, where);
  return `${markdownCode(text, table)}${note ? ` ${m(note, Infinity)}` : ''}`;
}

/**
 * The display name, then the stable id a waiver's `subject` may name (escaped like the name, so it
 * renders as itself; not cut at a length a real id reaches, since a cut id cannot be copied).
 */
function subjectOf(f: Finding): string {
  return `${code(f.subject.name, CUT.name, 'name', findingWhole(f.fingerprint))} (${code(f.subject.id, CUT.text, 'id', findingWhole(f.fingerprint))})`;
}

function statusOf(f: Finding): string {
  if (f.status === 'waived') return `waived until ${m(f.waiver?.expires ?? '')}`;
  return f.status ?? '';
}

/**
 * `--format markdown`: fits `$GITHUB_STEP_SUMMARY` and merge-request comments. Every string that
 * came from a provider is a code span (`markdownCode`), so a display name cannot break the table,
 * add a link, mention a user or inject HTML.
 */
export function renderMarkdown(report: ScanReport, opts: MarkdownOptions = {}): string {
  const limit = opts.limitPerSeverity ?? 50;
  const s = report.summary;
  const counted = report.findings.filter((f) => f.status !== 'waived');
  const waived = report.findings.filter((f) => f.status === 'waived');
  const out: string[] = [];
  const sevCounts = ORDER.map((l) => `${l} ${counted.filter((f) => f.severity === l).length}`).join(' · ');
  out.push(`## nhiscan: ${counted.length} finding${counted.length === 1 ? '' : 's'}${waived.length ? ` (+${waived.length} waived)` : ''}`, '');
  out.push(`**${s.identities}** machine identities scanned · ${sevCounts}`, '');
  if (s.baseline) out.push(`Baseline: **${s.baseline.new} new** · ${s.baseline.unchanged} unchanged · ${s.baseline.resolved} resolved${s.baseline.unknown > 0 ? ` · ${s.baseline.unknown} unknown (no longer found, not judged)` : ''}`, '');
  out.push(`Snapshot ${code(report.snapshot.source, CUT.text, 'source', REPORT_WHOLE, false)} collected ${m(report.snapshot.collectedAt)}, scanned ${m(report.scannedAt)}.`, '');

  for (const level of ORDER) {
    const group = counted.filter((f) => f.severity === level);
    if (group.length === 0) continue;
    out.push(`### ${ICON[level]} ${level} (${group.length})`, '');
    // The fingerprint too: docs/ci.md tells users to copy it into a waiver from any format.
    out.push('| Rule | Subject | Provider | Status | Why | Fingerprint |', '|---|---|---|---|---|---|');
    for (const f of group.slice(0, limit)) {
      out.push(`| ${m(f.ruleId)} | ${subjectOf(f)} | ${m(f.provider)} ${m(f.subject.type)} | ${statusOf(f)} | ${code(f.message, CUT.text, 'message', findingWhole(f.fingerprint))} | ${m(f.fingerprint)} |`);
    }
    if (group.length > limit) out.push('', `… and ${group.length - limit} more (see the JSON or SARIF output).`);
    out.push('');
  }
  if (counted.length === 0) out.push('No findings.', '');

  const withPaths = counted.filter((f) => f.path && f.path.length > 0).slice(0, limit);
  if (withPaths.length > 0) {
    out.push('### Paths', '');
    for (const f of withPaths) {
      out.push(`- **${code(f.subject.name, CUT.name, 'name', findingWhole(f.fingerprint), false)}** (${m(f.ruleId)})`);
      f.path!.forEach((h, i) => {
        const marks = [h.hidden ? 'hidden from access reviews' : '', h.conditional ? 'conditional' : ''].filter(Boolean).join(', ');
        out.push(`${'  '.repeat(i + 1)}- ${m(h.type)} → **${code(h.toName, CUT.name, 'name', findingWhole(f.fingerprint), false)}**${marks ? ` _(${marks})_` : ''}: ${code(h.reason, CUT.text, 'reason', findingWhole(f.fingerprint), false)}`);
      });
    }
    out.push('');
  }

  if (waived.length > 0) {
    out.push(`### Waived (${waived.length})`, '', '| Rule | Subject | Owner | Expires | Reason | Fingerprint |', '|---|---|---|---|---|---|');
    for (const f of waived.slice(0, limit)) {
      const w = f.waiver;
      out.push(`| ${m(f.ruleId)} | ${subjectOf(f)} | ${m(w?.owner)} | ${m(w?.expires)} | ${m(cutLine(w?.reason, CUT.text, 'reason', findingWhole(f.fingerprint)), Infinity)}${w?.ticket ? ` (${m(w.ticket)})` : ''} | ${m(f.fingerprint)} |`);
    }
    out.push('');
  }

  const gaps = report.coverage.filter((c) => c.status !== 'collected');
  if (gaps.length > 0) {
    out.push(`### ⚠️ Coverage gaps (${gaps.length})`, '', 'Rules that need these report **unknown**, not pass.', '');
    for (const g of gaps) out.push(`- ${m(g.provider)} ${code(g.scope, CUT.name, 'name', REPORT_WHOLE, false)} ${code(g.capability, CUT.name, 'capability', REPORT_WHOLE, false)}: ${m(g.status)}${g.reason ? ` (${code(g.reason, CUT.text, 'error', REPORT_WHOLE, false)})` : ''}`);
    out.push('');
  }
  if (report.warnings.length > 0) {
    out.push(`### Warnings (${report.warnings.length})`, '');
    for (const w of report.warnings.slice(0, 20)) out.push(`- ${code(w, CUT.text, 'warning', REPORT_WHOLE, false)}`);
    if (report.warnings.length > 20) out.push(`- … and ${report.warnings.length - 20} more`);
    out.push('');
  }
  return out.join('\n');
}
