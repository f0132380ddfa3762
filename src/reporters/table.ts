import { Chalk, type ChalkInstance } from 'chalk';
import type { IdentitySummary, ScanReport } from '../report/types.js';
import type { Finding, Severity } from '../engine/types.js';
import type { OmittedHops, PathHop } from '../analysis/types.js';
import { CUT, cutLine, everyHop, findingWhole, REPORT_WHOLE, safeText } from './sanitize.js';
import { hopNumber, omittedHopsText, pathCut } from '../report/cut.js';
import { strengthLabel, tierLabel } from '../report/tier-label.js';
import { wrapLine } from './wrap.js';
import { unknownRules, unknownTail } from '../report/unknown-rules.js';
import { shownScope } from '../report/scope-shown.js';
import { newFirst } from '../report/new-first.js';
import { appendAll } from '../append-all.js';

/**
 * Long lines (a finding's why and fix, hop reasons, coverage gaps, warnings) wrap to this width
 * when the output is not a terminal (a pipe, `--output`), as explain's lines do, so that saved
 * output is the same bytes wherever it was made.
 */
export const TABLE_WIDTH = 100;

/**
 * In place of "collected <date>" in the table and Markdown headers, for input that records no
 * collection time (an `--aws-authz-details` file): the date there is only the run's own.
 */
export const NO_COLLECTION_TIME = '(the file records no collection time)';


/**
 * `lead` then `text`, wrapped to `width` (continuation lines indented two deeper; one line when
 * no width is given), and the text painted line by line, after wrapping, so that each line is
 * whole on its own (a pager or a terminal that redraws one line keeps its colour).
 */
function wrapped(lead: string, text: string, width: number | undefined, paint: (s: string) => string = (s) => s): string[] {
  const lines = width === undefined ? [`${lead}${text}`] : wrapLine(`${lead}${text}`, width);
  return lines.map((l, i) => {
    const start = i === 0 ? lead.length : /^ */.exec(l)![0].length;
    const rest = l.slice(start);
    return `${l.slice(0, start)}${rest === '' ? '' : paint(rest)}`;
  });
}

export interface TableOptions {
  color: boolean;
  /** Findings shown per severity before "… and N more"; 0 = all. */
  limitPerSeverity?: number;
  /** Columns long lines wrap to: the terminal's, or TABLE_WIDTH. */
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
  lines.push(c.bold(`nhiscan ${report.tool.version}`) + c.gray(` · snapshot ${cutLine(report.snapshot.source, CUT.text, 'source', REPORT_WHOLE)} ${report.snapshot.collectedAtUnknown ? NO_COLLECTION_TIME : `collected ${cutLine(report.snapshot.collectedAt, CUT.name, 'date', REPORT_WHOLE)}`} · evaluated as of ${report.scannedAt}`));
  lines.push('');
  const visible = report.findings.filter((f) => f.status !== 'waived');
  const identities = new Map(report.identities.map((i) => [i.id, i]));
  for (const level of ORDER) {
    // New findings (with --baseline) first: what failed the gate is never past the limit.
    const group = newFirst(visible.filter((f) => f.severity === level));
    if (group.length === 0) continue;
    lines.push(sev[level](` ${level.toUpperCase()} `) + c.bold(` ${group.length} finding${group.length === 1 ? '' : 's'}`));
    const limit = opts.limitPerSeverity ?? 0;
    const shown = limit > 0 ? group.slice(0, limit) : group;
    for (const f of shown) appendAll(lines, renderFinding(f, c, identities.get(f.subject.id), opts.width ?? TABLE_WIDTH));
    if (shown.length < group.length) lines.push(c.gray(`  … and ${group.length - shown.length} more (use --format json for all)`));
    lines.push('');
  }
  const waived = report.findings.filter((f) => f.status === 'waived');
  if (waived.length > 0) {
    lines.push(c.bold(`Waived (${waived.length})`));
    for (const f of waived) {
      const whole = findingWhole(f.fingerprint);
      lines.push(`  ${c.gray('~')} ${t(f.ruleId)} ${cutLine(f.subject.name, CUT.name, 'name', whole)} ${c.gray(`until ${t(f.waiver?.expires)} (${cutLine(f.waiver?.owner, CUT.name, 'owner', whole)}: ${cutLine(f.waiver?.reason, CUT.text, 'reason', whole)})`)}`);
    }
    lines.push('');
  }
  if (visible.length === 0) lines.push(c.green('No findings.'), '');
  // One line (or more) per coverage gap: as many as the scan has.
  appendAll(lines, renderSummary(report, c, opts.width ?? TABLE_WIDTH));
  return lines.join('\n') + '\n';
}

function renderFinding(f: Finding, c: ChalkInstance, identity: IdentitySummary | undefined, width: number): string[] {
  const t = safeText;
  const whole = findingWhole(f.fingerprint);
  const out: string[] = [];
  // A tier that is only a lower bound reads as one (as on the recert sheet), or an analyst trusts a T0.
  const tiered = f.severity !== f.baseSeverity && f.tier !== undefined ? c.gray(` (base ${f.baseSeverity}, tier ${cutLine(tierLabel(f.tier, f.tierIncomplete), CUT.text, 'tier', whole)})`) : '';
  const status = f.status === 'new' ? c.magenta(' [new]') : '';
  const profile = identity ? c.gray(` · ${cutLine(tierLabel(identity.tier, identity.tierIncomplete), CUT.text, 'tier', whole)} · ${strengthLabel(identity.strength, identity.credentialsIncomplete)}${identity.agent ? ' · AI agent' : ''}${identity.machineReasons ? ' · service account' : ''}${identity.possibleServiceAccount ? ' · possible service account, not verified' : ''}`) : '';
  out.push(`  ${c.bold(cutLine(f.subject.name, CUT.name, 'name', whole))} ${c.gray(`${f.provider} ${f.subject.type}`)}${profile}${status}`);
  out.push(`    ${c.cyan(f.ruleId)} ${c.gray(f.owasp.join(','))}${tiered}`);
  // The message is the rule's words around the names it quotes: whole, unless a name in it is
  // pathological. The remediation is the rule's own text only: never cut.
  out.push(...wrapped('    why: ', cutLine(f.message, CUT.text, 'message', whole), width));
  if (f.path && f.path.length > 0) {
    appendAll(out, renderPath(f.path, c, f, { width, whole, everyHop: everyHop(f.fingerprint) }));
    // The hop to cut, as explain names it: the fix below lists every way, this says where.
    const cut = pathCut(f.path, f.omittedHops);
    if (cut !== undefined) out.push(...wrapped('    cut: ', cut, width));
  }
  out.push(...wrapped('    fix: ', t(f.remediation, Infinity), width, c.gray));
  // Not wrapped, and cut only past CUT.text: an id is copied into waivers and queries whole.
  out.push(`    id:  ${c.gray(`${f.fingerprint}  ${cutLine(f.subject.id, CUT.text, 'id', whole)}`)}`);
  return out;
}

export interface PathLayout {
  /** Columns the reasons wrap to; without it each is one line (explain wraps its whole card). */
  width?: number;
  /** Where a name or reason that is cut (CUT) can be read whole, for the note that marks the cut. */
  whole: string;
  /** Where every hop of a long path can be read, for the line that stands for the hops not listed (ShownHops). */
  everyHop?: string;
}

/**
 * A path hop by hop: each hop, then why it holds (its reason, wrapped when `layout.width` is
 * given). The hop line itself is not wrapped: its two names are capped at CUT.name instead. The
 * heading counts the hops (a long path's not listed too: `others.omittedHops`, whose place one
 * line takes) and the other routes (`others`), those of a firm path that hold only under a
 * condition apart.
 */
export function renderPath(path: PathHop[], c: ChalkInstance, others: { alternatives?: number; conditionalAlternatives?: number; omittedHops?: OmittedHops }, layout: PathLayout): string[] {
  const firm = others.alternatives ?? 0;
  const maybe = others.conditionalAlternatives ?? 0;
  const gap = others.omittedHops;
  const routes = (k: number, kind: string) => `, ${k} ${kind}alternative route${k === 1 ? '' : 's'}`;
  const counted = firm > 0 ? `${routes(firm, '')}${maybe > 0 ? ` (and ${maybe} conditional)` : ''}` : maybe > 0 ? routes(maybe, 'conditional ') : '';
  const length = path.length + (gap?.count ?? 0);
  const out: string[] = [`    path (${length} hop${length === 1 ? '' : 's'}${counted}):`];
  path.forEach((h, i) => {
    if (gap !== undefined && i === gap.after) out.push(...wrapped('      ', omittedHopsText(gap, layout.everyHop ?? 'nhiscan explain'), layout.width, c.gray));
    const marks = [h.hidden ? c.magenta('hidden from access reviews') : '', h.conditional ? c.yellow('conditional') : ''].filter(Boolean).join(', ');
    const name = (n: string) => cutLine(n, CUT.name, 'name', layout.whole);
    out.push(`      ${hopNumber(i, gap)}. ${name(h.fromName)} ${c.bold(`─${h.type}→`)} ${name(h.toName)}${marks ? `  [${marks}]` : ''}`);
    out.push(...wrapped('         ', cutLine(h.reason, CUT.text, 'reason', layout.whole), layout.width, c.gray));
  });
  return out;
}

/**
 * The summary's finding counts as the table shows them: those that count (not waived), as its
 * severity headings and the Markdown count them, and how many are waived. The JSON's summary
 * keeps counting every finding, waived ones included (docs/ci.md).
 */
function countedSummary(report: ScanReport): { s: ScanReport['summary']; waived: number; waivedBy: Map<string, number> } {
  const waivedBy = new Map<string, number>();
  const waived = report.findings.filter((f) => f.status === 'waived');
  // Without waived findings the report's own counts are these: the same bytes as ever.
  if (waived.length === 0) return { s: report.summary, waived: 0, waivedBy };
  const bySeverity = { ...report.summary.bySeverity };
  const byOwasp = { ...report.summary.byOwasp };
  const byProvider = Object.fromEntries(Object.entries(report.summary.byProvider).map(([p, v]) => [p, { ...v }]));
  for (const f of waived) {
    bySeverity[f.severity]--;
    for (const o of f.owasp) if (--byOwasp[o] === 0) delete byOwasp[o];
    const p = byProvider[f.provider];
    if (p) p.findings--;
    waivedBy.set(f.provider, (waivedBy.get(f.provider) ?? 0) + 1);
  }
  return { s: { ...report.summary, findings: report.summary.findings - waived.length, bySeverity, byOwasp, byProvider }, waived: waived.length, waivedBy };
}

function renderSummary(report: ScanReport, c: ChalkInstance, width: number): string[] {
  const { s, waived, waivedBy } = countedSummary(report);
  const plus = (n: number | undefined) => (n ? ` (+${n} waived)` : '');
  const out: string[] = [c.bold('Summary')];
  out.push(`  ${s.identities} machine identities · ${s.nodes} nodes · ${s.edges} edges · ${s.findings} findings${plus(waived)}`);
  // Users that may be service accounts are in the inventory, never in the counts of machine identities.
  const possible = s.possibleIdentities ?? 0;
  if (possible > 0) {
    const one = possible === 1;
    out.push(...wrapped('  ', `+ ${possible} possible service account${one ? '' : 's'}, not verified (data that decides ${one ? 'it' : 'them'} was not read): listed in the JSON identities and the recertification sheet, not counted above`, width));
  }
  out.push(`  severity: ${ORDER.map((l) => `${l} ${s.bySeverity[l]}`).join(' · ')}`);
  for (const [p, v] of Object.entries(s.byProvider)) {
    // Said only when there is one, so a scan without any shows what it always did.
    const maybe = v.possibleIdentities ? ` (+ ${v.possibleIdentities} possible)` : '';
    out.push(`  ${p.padEnd(9)} ${String(v.identities).padStart(6)} identities${maybe} · ${v.findings} finding${v.findings === 1 ? '' : 's'}${plus(waivedBy.get(p))} · ${v.evaluated} check${v.evaluated === 1 ? '' : 's'} (rule × subject): ${v.failing} failing, ${v.unknown} unknown`);
  }
  // In the Top 10's own order (NHI1 … NHI10): the report's keys sort as text, NHI10 before NHI1.
  const owasp = Object.entries(s.byOwasp).sort(([a], [b]) => owaspRank(a) - owaspRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  out.push(`  OWASP NHI: ${owasp.map(([k, v]) => `${k.replace(':2025', '')} ${v}`).join(' · ') || 'none'}`);
  out.push(`  credential strength: ${Object.entries(s.byStrength).map(([k, v]) => `${k} ${v}`).join(' · ')}`);
  // The counts place a lower-bound tier at its floor: say how many are, so T0 is not read as harmless.
  const floors = report.identities.filter((i) => i.tierIncomplete !== undefined && i.possibleServiceAccount === undefined).length;
  const floorNote = floors > 0 ? ` (${floors} of them lower bound${floors === 1 ? '' : 's'}: data feeding the tier was not read)` : '';
  out.push(`  capability tiers: ${Object.entries(s.byTier).map(([k, v]) => `${k} ${v}`).join(' · ')}${floorNote}`);
  if (s.baseline) out.push(`  baseline: ${s.baseline.new} new · ${s.baseline.unchanged} unchanged · ${s.baseline.resolved} resolved${s.baseline.unknown > 0 ? ` · ${s.baseline.unknown} unknown (no longer found, not judged)` : ''}`);
  out.push(...renderResolved(report, c));
  out.push(...renderUnknown(report, c, width));
  const gaps = report.coverage.filter((r) => r.status !== 'collected');
  if (gaps.length > 0) {
    out.push('', c.yellow.bold(`Coverage: ${gapsHeadline(gaps.length)}`));
    const name = (v: string) => cutLine(v, CUT.name, 'name', REPORT_WHOLE);
    for (const g of gaps) out.push(...wrapped('  ', `! ${name(g.provider)} ${name(shownScope(g.provider, g.scope))} ${name(g.capability)}: ${name(g.status)}${g.reason ? ` (${cutLine(g.reason, CUT.text, 'error', REPORT_WHOLE)})` : ''}`, width, c.yellow));
  }
  if (report.warnings.length > 0) {
    out.push('', c.yellow.bold(`Warnings (${report.warnings.length})`));
    for (const w of report.warnings.slice(0, 20)) out.push(...wrapped('  ', `! ${cutLine(w, CUT.text, 'warning', REPORT_WHOLE)}`, width, c.yellow));
    if (report.warnings.length > 20) out.push(c.yellow(`  … and ${report.warnings.length - 20} more (see --format json)`));
  }
  return out;
}

/** The number of an OWASP NHI id (`NHI7:2025` is 7); an id of another form sorts after them. */
function owaspRank(id: string): number {
  const m = /^NHI(\d+)(?::|$)/.exec(id);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

/** Resolved baseline entries listed under the baseline line; the JSON report lists them all. */
const RESOLVED_SHOWN = 10;

/** The baseline's findings this scan judged gone, by rule and subject (the name when the scan still has it), capped. */
function renderResolved(report: ScanReport, c: ChalkInstance): string[] {
  const resolved = report.baseline?.resolved ?? [];
  const out = resolved.slice(0, RESOLVED_SHOWN).map((e) => {
    const who = e.subjectName !== undefined ? `${cutLine(e.subjectName, CUT.name, 'name', REPORT_WHOLE)} (${cutLine(e.subjectId, CUT.text, 'id', REPORT_WHOLE)})` : cutLine(e.subjectId, CUT.text, 'id', REPORT_WHOLE);
    return `  resolved: ${safeText(e.ruleId)} ${who} ${c.gray(safeText(e.fingerprint))}`;
  });
  if (resolved.length > RESOLVED_SHOWN) out.push(c.gray(`  … and ${resolved.length - RESOLVED_SHOWN} more resolved (see --format json: baseline.resolved)`));
  return out;
}

/** Rules listed in the table's Unknown section; the JSON report has every rule's reasons. */
const UNKNOWN_RULES_SHOWN = 10;

/**
 * The rules that answered unknown, most unknowns first, each with the reason it gave most:
 * the per-provider counts say how many checks were unknown, this says which rule and why.
 */
function renderUnknown(report: ScanReport, c: ChalkInstance, width: number): string[] {
  const rules = unknownRules(report);
  if (rules.length === 0) return [];
  const total = rules.reduce((n, r) => n + r.unknown, 0);
  const out = ['', c.yellow.bold(`Unknown: ${total} rule check${total === 1 ? '' : 's'} could not be judged (not passes)`)];
  for (const r of rules.slice(0, UNKNOWN_RULES_SHOWN)) {
    out.push(...wrapped('  ', `${safeText(r.ruleId)}: ${r.unknown} unknown: ${cutLine(r.reason, CUT.text, 'reason', REPORT_WHOLE)}${unknownTail(r)}`, width));
  }
  const more = rules.length - UNKNOWN_RULES_SHOWN;
  if (more > 0) out.push(c.gray(`  … and ${more} more rule${more === 1 ? '' : 's'}`));
  out.push(...wrapped('  ', 'every reason: --format json (rules[].unknownReasons); which identities: its identities[].unknownRuleIds, or nhiscan explain ID --format json', width, c.gray));
  return out;
}

/** The line that heads a report's coverage gaps, in the table and on stderr (printGaps). */
export function gapsHeadline(count: number): string {
  return `${count} capabilit${count === 1 ? 'y was' : 'ies were'} not read; rules that need them report unknown, not pass`;
}
