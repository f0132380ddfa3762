import { Chalk, type ChalkInstance } from 'chalk';
import type { IdentitySummary, ScanReport } from '../report/types.js';
import type { Finding, Severity } from '../engine/types.js';
import type { PathHop } from '../analysis/types.js';
import { safeText } from './sanitize.js';
import { tierLabel } from '../report/tier-label.js';
import { wrapLine } from './wrap.js';

/**
 * Hop reasons wrap to this width when the output is not a terminal (a pipe, `--output`), as
 * explain's lines do, so that saved output is the same bytes wherever it was made.
 */
export const TABLE_WIDTH = 100;

/**
 * A hop reason is shown whole up to this many characters: it is the one line that says why an
 * identity reaches a crown jewel, and an analyst needs all of it. Only a reason this long (a
 * hostile name inside it) is cut, with a note saying where the whole text is.
 */
export const REASON_MAX = 4000;

export interface TableOptions {
  color: boolean;
  /** Findings shown per severity before "… and N more"; 0 = all. */
  limitPerSeverity?: number;
  /** Columns hop reasons wrap to: the terminal's, or TABLE_WIDTH. */
  width?: number;
}

const ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

function paint(c: ChalkInstance): Record<Severity, (s: string) => string> {
  return {
    critical: (s) => c.bgRed.white.bold(s),
    high: (s) => c.red.bold(s),
    medium: (s) => c.yellow(s),
    low: (s) => c.cyan(s),
    info: (s) => c.gray(s),
  };
}

/** The analyst's report: findings grouped by severity, paths hop by hop, then the summary. */
export function renderTable(report: ScanReport, opts: TableOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const sev = paint(c);
  const lines: string[] = [];
  const t = safeText;
  lines.push(c.bold(`nhiscan ${report.tool.version}`) + c.gray(` · snapshot ${t(report.snapshot.source)} collected ${t(report.snapshot.collectedAt, 80)} · scanned ${report.scannedAt}`));
  lines.push('');
  const visible = report.findings.filter((f) => f.status !== 'waived');
  const identities = new Map(report.identities.map((i) => [i.id, i]));
  for (const level of ORDER) {
    const group = visible.filter((f) => f.severity === level);
    if (group.length === 0) continue;
    lines.push(sev[level](` ${level.toUpperCase()} `) + c.bold(` ${group.length} finding${group.length === 1 ? '' : 's'}`));
    const limit = opts.limitPerSeverity ?? 0;
    const shown = limit > 0 ? group.slice(0, limit) : group;
    for (const f of shown) lines.push(...renderFinding(f, c, identities.get(f.subject.id), opts.width ?? TABLE_WIDTH));
    if (shown.length < group.length) lines.push(c.gray(`  … and ${group.length - shown.length} more (use --format json for all)`));
    lines.push('');
  }
  const waived = report.findings.filter((f) => f.status === 'waived');
  if (waived.length > 0) {
    lines.push(c.bold(`Waived (${waived.length})`));
    for (const f of waived) {
      lines.push(`  ${c.gray('~')} ${t(f.ruleId)} ${t(f.subject.name)} ${c.gray(`until ${f.waiver?.expires} (${t(f.waiver?.owner)}: ${t(f.waiver?.reason, 120)})`)}`);
    }
    lines.push('');
  }
  if (visible.length === 0) lines.push(c.green('No findings.'), '');
  lines.push(...renderSummary(report, c));
  return lines.join('\n') + '\n';
}

function renderFinding(f: Finding, c: ChalkInstance, identity: IdentitySummary | undefined, width: number): string[] {
  const t = safeText;
  const out: string[] = [];
  // A tier that is only a lower bound reads as one (as on the recert sheet), or an analyst trusts a T0.
  const tiered = f.severity !== f.baseSeverity && f.tier !== undefined ? c.gray(` (base ${f.baseSeverity}, tier ${t(tierLabel(f.tier, f.tierIncomplete), 300)})`) : '';
  const status = f.status === 'new' ? c.magenta(' [new]') : '';
  const profile = identity ? c.gray(` · ${t(tierLabel(identity.tier, identity.tierIncomplete), 300)} · ${identity.strength}${identity.agent ? ' · AI agent' : ''}${identity.machineReasons ? ' · service account' : ''}`) : '';
  out.push(`  ${c.bold(t(f.subject.name, 80))} ${c.gray(`${f.provider} ${f.subject.type}`)}${profile}${status}`);
  out.push(`    ${c.cyan(f.ruleId)} ${c.gray(f.owasp.join(','))}${tiered}`);
  out.push(`    why: ${t(f.message, 400)}`);
  if (f.path && f.path.length > 0) out.push(...renderPath(f.path, c, f.alternatives, { width, whole: `--format json and in nhiscan explain ${f.fingerprint} --format json` }));
  out.push(`    fix: ${c.gray(t(f.remediation, 400))}`);
  out.push(`    id:  ${c.gray(`${f.fingerprint}  ${t(f.subject.id, 200)}`)}`);
  return out;
}

export interface PathLayout {
  /** Columns the reasons wrap to; without it each is one line (explain wraps its whole card). */
  width?: number;
  /** Where a reason cut at REASON_MAX can be read whole, for the note that marks the cut. */
  whole: string;
}

/** A path hop by hop: each hop, then why it holds (its reason, wrapped when `layout.width` is given). */
export function renderPath(path: PathHop[], c: ChalkInstance, alternatives: number | undefined, layout: PathLayout): string[] {
  const t = safeText;
  const out: string[] = [`    path (${path.length} hop${path.length === 1 ? '' : 's'}${alternatives ? `, ${alternatives} alternative route${alternatives === 1 ? '' : 's'}` : ''}):`];
  path.forEach((h, i) => {
    const marks = [h.hidden ? c.magenta('hidden from access reviews') : '', h.conditional ? c.yellow('conditional') : ''].filter(Boolean).join(', ');
    out.push(`      ${i + 1}. ${t(h.fromName, 60)} ${c.bold(`─${h.type}→`)} ${t(h.toName, 60)}${marks ? `  [${marks}]` : ''}`);
    const reason = h.reason.length > REASON_MAX ? `${t(h.reason, REASON_MAX)} [reason cut at ${REASON_MAX} of ${h.reason.length} characters; the whole reason is in ${layout.whole}]` : t(h.reason, REASON_MAX);
    const indent = '         ';
    if (layout.width === undefined) out.push(`${indent}${c.gray(reason)}`);
    // Wrapped before it is coloured, and coloured line by line, so that each line is whole on its
    // own (a pager or a terminal that redraws one line keeps it grey).
    else for (const l of wrapLine(`${indent}${reason}`, layout.width)) out.push(l.replace(/^( *)(.*)$/, (_, sp: string, text: string) => `${sp}${c.gray(text)}`));
  });
  return out;
}

function renderSummary(report: ScanReport, c: ChalkInstance): string[] {
  const t = safeText;
  const s = report.summary;
  const out: string[] = [c.bold('Summary')];
  out.push(`  ${s.identities} machine identities · ${s.nodes} nodes · ${s.edges} edges · ${s.findings} findings`);
  out.push(`  severity: ${ORDER.map((l) => `${l} ${s.bySeverity[l]}`).join(' · ')}`);
  for (const [p, v] of Object.entries(s.byProvider)) {
    out.push(`  ${p.padEnd(9)} ${String(v.identities).padStart(6)} identities · ${v.failing} failing / ${v.evaluated} evaluated / ${v.unknown} unknown`);
  }
  out.push(`  OWASP NHI: ${Object.entries(s.byOwasp).map(([k, v]) => `${k.replace(':2025', '')} ${v}`).join(' · ') || 'none'}`);
  out.push(`  credential strength: ${Object.entries(s.byStrength).map(([k, v]) => `${k} ${v}`).join(' · ')}`);
  // The counts place a lower-bound tier at its floor: say how many are, so T0 is not read as harmless.
  const floors = report.identities.filter((i) => i.tierIncomplete !== undefined).length;
  const floorNote = floors > 0 ? ` (${floors} of them lower bound${floors === 1 ? '' : 's'}: data feeding the tier was not read)` : '';
  out.push(`  capability tiers: ${Object.entries(s.byTier).map(([k, v]) => `${k} ${v}`).join(' · ')}${floorNote}`);
  if (s.baseline) out.push(`  baseline: ${s.baseline.new} new · ${s.baseline.unchanged} unchanged · ${s.baseline.resolved} resolved${s.baseline.unknown > 0 ? ` · ${s.baseline.unknown} unknown (no longer found, not judged)` : ''}`);
  if (s.waived) out.push(`  waived: ${s.waived}`);
  const gaps = report.coverage.filter((r) => r.status !== 'collected');
  if (gaps.length > 0) {
    out.push('', c.yellow.bold(`Coverage: ${gapsHeadline(gaps.length)}`));
    for (const g of gaps) out.push(c.yellow(`  ! ${t(g.provider, 80)} ${t(g.scope, 80)} ${t(g.capability, 120)}: ${t(g.status, 40)}${g.reason ? ` (${t(g.reason, 200)})` : ''}`));
  }
  if (report.warnings.length > 0) {
    out.push('', c.yellow.bold(`Warnings (${report.warnings.length})`));
    for (const w of report.warnings.slice(0, 20)) out.push(c.yellow(`  ! ${t(w, 300)}`));
    if (report.warnings.length > 20) out.push(c.yellow(`  … and ${report.warnings.length - 20} more (see --format json)`));
  }
  return out;
}

/** The line that heads a report's coverage gaps, in the table and on stderr (printGaps). */
export function gapsHeadline(count: number): string {
  return `${count} capabilit${count === 1 ? 'y was' : 'ies were'} not read; rules that need them report unknown, not pass`;
}
