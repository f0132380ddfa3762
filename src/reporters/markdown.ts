import type { ScanReport } from '../report/types.js';
import type { Finding, Severity } from '../engine/types.js';
import { CUT, cutLine, cutText, everyHop, findingWhole, markdownCode, REPORT_WHOLE, safeMarkdown } from './sanitize.js';
import { omittedHopsText, pathCut } from '../report/cut.js';
import { unknownRules, unknownTail } from '../report/unknown-rules.js';
import { shownScope } from '../report/scope-shown.js';
import { andList } from '../report/and-list.js';
import { newFirst } from '../report/new-first.js';
import { NO_COLLECTION_TIME } from './table.js';

const ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const ICON: Record<Severity, string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', info: '⬜' };

/**
 * The byte budget of the whole summary by default: GitHub shows a step summary of at most 1 MiB
 * (1,048,576 bytes) and fails the step past it; the rest is room for whatever else a workflow
 * appends to `$GITHUB_STEP_SUMMARY`.
 */
export const MARKDOWN_BUDGET = 1_000_000;

export interface MarkdownOptions {
  /** Table rows per severity before "… and N more"; GitHub caps a step summary at 1 MiB. */
  limitPerSeverity?: number;
  /** At most this many UTF-8 bytes in all (MARKDOWN_BUDGET by default; Infinity: no limit). */
  budget?: number;
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
 * One part of the summary below the header. The budget leaves out whole items, never part of one,
 * so no code span and no character is ever cut.
 */
interface Section {
  /** Always written: the heading with its count, which stays when every item is left out. */
  head: string[];
  /** Written before the first item only when an item is kept (a table's header). */
  lead: string[];
  /** One string per table row or list entry (a path entry spans lines). */
  items: string[];
  /** Entries that are not among `items` at all, past the per-section limit. */
  beyond: number;
  /** The line(s) that say how many entries are not shown, when some are not. */
  more: (hidden: number, kept: number) => string[];
  /** Which the budget keeps first: lower ranks, then earlier sections, then earlier items. */
  rank: number;
  /** What one item is, for the closing note ("path", "coverage gap"; a severity for finding rows). */
  noun: string;
  /** Items are finding rows: the note counts them together ("2 high and 5 medium finding rows"). */
  findingRows?: boolean;
}

// The order in which the budget keeps items: the rows that fail a CI run first; then the coverage
// gaps, without which a clean result reads as a pass; then the milder rows; then the rules that
// answered unknown, the warnings, the resolved baseline findings, the waived findings, and last
// the paths, which detail findings whose rows are already shown.
const RANK = { critical: 0, high: 1, gaps: 2, medium: 3, low: 4, info: 5, unknown: 6, warnings: 7, resolved: 8, waived: 9, paths: 10 } as const;

/** `… and N more (see …)` under a table, or `N not shown (see …)` when the budget kept no row. */
function moreRows(where: string): Section['more'] {
  return (hidden, kept) => (kept > 0 ? ['', `… and ${hidden} more (see ${where}).`] : [`${hidden} not shown (see ${where}).`]);
}

/** The same as the last entry of a list. */
function moreEntries(where: string): Section['more'] {
  return (hidden, kept) => [kept > 0 ? `- … and ${hidden} more (see ${where}).` : `- ${hidden} not shown (see ${where}).`];
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

function compose(header: string[], sections: Section[], kept: number[], note: string): string {
  const out = [...header];
  sections.forEach((s, i) => {
    const k = kept[i]!;
    out.push(...s.head);
    if (k > 0) {
      out.push(...s.lead);
      // Items are as many as the section has (every coverage gap): one push each.
      for (let j = 0; j < k; j++) out.push(s.items[j]!);
    }
    const hidden = s.items.length - k + s.beyond;
    if (hidden > 0) out.push(...s.more(hidden, k));
    out.push('');
  });
  if (note) out.push(note, '');
  return out.join('\n');
}

/** `n thing`, or `n things`. */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}


/**
 * The closing line when the budget left items out: how many of each, in the order of the
 * sections, and where the whole report is. Only what the budget left out is counted; what the
 * per-section limits leave out is said where it happens and would be there without a budget.
 */
function budgetNote(sections: Section[], kept: number[], budget: number): string {
  const rows: string[] = [];
  const others: string[] = [];
  let rowCount = 0;
  sections.forEach((s, i) => {
    const left = s.items.length - kept[i]!;
    if (left === 0) return;
    if (s.findingRows) {
      rows.push(`${left} ${s.noun}`);
      rowCount += left;
    } else others.push(plural(left, s.noun));
  });
  const rowPart = rows.length > 0 ? [`${andList(rows)} finding row${rowCount === 1 ? '' : 's'}`] : [];
  return `**Shortened to fit:** GitHub shows at most 1 MiB of a step summary, so this one is kept within ${budget} bytes and leaves out ${andList([...rowPart, ...others])}. The same scan with \`--format json\` writes the whole report.`;
}

/**
 * The summary within `budget` bytes. Under it, the summary as it is. Over it, items are kept in
 * rank order until the next one does not fit, and the rest are left out: everything shown
 * outranks everything left out, even where a smaller item further down would still fit.
 * The header, the section headings and the closing note are always written; they are small
 * (bounded by the CUT limits) and far below the default budget.
 */
function fit(header: string[], sections: Section[], budget: number): string {
  const all = sections.map((s) => s.items.length);
  const whole = compose(header, sections, all, '');
  if (bytes(whole) <= budget) return whole;

  const order = sections
    .flatMap((s, si) => s.items.map((item, i) => ({ si, i, size: bytes(item) + 1, rank: s.rank })))
    .sort((a, b) => a.rank - b.rank || a.si - b.si || a.i - b.i);
  const kept = sections.map(() => 0);
  // What is written whatever is kept, with the closing note at its longest (every item left out).
  let used = bytes(compose(header, sections, kept, budgetNote(sections, kept, budget)));
  let taken = 0;
  for (const o of order) {
    const s = sections[o.si]!;
    // A section's first kept item brings its lead and a longer "… and N more" line with it.
    const extra = kept[o.si] === 0 ? bytes(s.lead.join('\n')) + 1 + 8 : 0;
    if (used + o.size + extra > budget) break;
    used += o.size + extra;
    kept[o.si]!++;
    taken++;
  }
  // The estimate above errs on the large side; this makes the bound exact whatever the
  // estimate missed, by giving back the last items kept.
  for (;;) {
    const md = compose(header, sections, kept, budgetNote(sections, kept, budget));
    if (bytes(md) <= budget || taken === 0) return md;
    kept[order[--taken]!.si]!--;
  }
}

/**
 * `--format markdown`: fits `$GITHUB_STEP_SUMMARY` and merge-request comments. Every string that
 * came from a provider is a code span (`markdownCode`), so a display name cannot break the table,
 * add a link, mention a user or inject HTML. The whole text stays within `opts.budget` UTF-8
 * bytes (see `fit`), so that GitHub still shows it when a scan's findings or texts are many.
 */
export function renderMarkdown(report: ScanReport, opts: MarkdownOptions = {}): string {
  const limit = opts.limitPerSeverity ?? 50;
  const s = report.summary;
  const counted = report.findings.filter((f) => f.status !== 'waived');
  const waived = report.findings.filter((f) => f.status === 'waived');
  const header: string[] = [];
  const sevCounts = ORDER.map((l) => `${l} ${counted.filter((f) => f.severity === l).length}`).join(' · ');
  header.push(`## nhiscan: ${counted.length} finding${counted.length === 1 ? '' : 's'}${waived.length ? ` (+${waived.length} waived)` : ''}`, '');
  // Users that may be service accounts are counted apart, never as machine identities.
  const possible = s.possibleIdentities ?? 0;
  const unverified = possible > 0 ? ` (+ **${possible}** possible service account${possible === 1 ? '' : 's'}, not verified)` : '';
  header.push(`**${s.identities}** machine identities scanned${unverified} · ${sevCounts}`, '');
  if (s.baseline) header.push(`Baseline: **${s.baseline.new} new** · ${s.baseline.unchanged} unchanged · ${s.baseline.resolved} resolved${s.baseline.unknown > 0 ? ` · ${s.baseline.unknown} unknown (no longer found, not judged)` : ''}`, '');
  header.push(`Snapshot ${code(report.snapshot.source, CUT.text, 'source', REPORT_WHOLE, false)} ${report.snapshot.collectedAtUnknown ? NO_COLLECTION_TIME : `collected ${m(report.snapshot.collectedAt)}`}, evaluated as of ${m(report.scannedAt)}.`, '');

  const sections: Section[] = [];
  /** A section of at most `max` entries: those become items, the rest are counted in its "more" line. */
  const add = <T>(entries: T[], max: number, item: (e: T) => string, rest: Omit<Section, 'items' | 'beyond'>): void => {
    sections.push({ ...rest, items: entries.slice(0, max).map(item), beyond: Math.max(0, entries.length - max) });
  };
  // The findings by severity as the tables and the paths list them.
  const listed: Finding[] = [];
  for (const level of ORDER) {
    // New findings (with --baseline) first, so that the rows kept (the limit, the budget) show
    // what failed the gate.
    const group = newFirst(counted.filter((f) => f.severity === level));
    if (group.length === 0) continue;
    for (const f of group) listed.push(f);
    add(group, limit, (f) => `| ${m(f.ruleId)} | ${subjectOf(f)} | ${m(f.provider)} ${m(f.subject.type)} | ${statusOf(f)} | ${code(f.message, CUT.text, 'message', findingWhole(f.fingerprint))} | ${m(f.fingerprint)} |`, {
      head: [`### ${ICON[level]} ${level} (${group.length})`, ''],
      // The fingerprint too: docs/ci.md tells users to copy it into a waiver from any format.
      lead: ['| Rule | Subject | Provider | Status | Why | Fingerprint |', '|---|---|---|---|---|---|'],
      more: moreRows('the JSON or SARIF output'),
      rank: RANK[level],
      noun: level,
      findingRows: true,
    });
  }
  if (counted.length === 0) sections.push({ head: ['No findings.'], lead: [], items: [], beyond: 0, more: () => [], rank: 0, noun: '' });

  const withPaths = listed.filter((f) => f.path && f.path.length > 0);
  if (withPaths.length > 0) {
    const entry = (f: Finding): string => pathEntry(f, pathCut(f.path!, f.omittedHops));
    const pathEntry = (f: Finding, cut: string | undefined): string =>
      [
        `- **${code(f.subject.name, CUT.name, 'name', findingWhole(f.fingerprint), false)}** (${m(f.ruleId)}, ${f.severity}, ${m(f.fingerprint)})`,
        ...f.path!.flatMap((h, i) => {
          const marks = [h.hidden ? 'hidden from access reviews' : '', h.conditional ? 'conditional' : ''].filter(Boolean).join(', ');
          const hop = `${'  '.repeat(i + 1)}- ${m(h.type)} → **${code(h.toName, CUT.name, 'name', findingWhole(f.fingerprint), false)}**${marks ? ` _(${marks})_` : ''}: ${code(h.reason, CUT.text, 'reason', findingWhole(f.fingerprint), false)}`;
          // A long path's hops not listed (ShownHops) take one item, at the depth of the next hop;
          // nhiscan's own words and the fingerprint, nothing provider-controlled.
          const gap = f.omittedHops;
          return gap !== undefined && i === gap.after ? [`${'  '.repeat(i + 1)}- _${m(omittedHopsText(gap, everyHop(f.fingerprint)))}_`, hop] : [hop];
        }),
        // nhiscan's own words and an edge type: nothing provider-controlled.
        ...(cut === undefined ? [] : [`  - _Cut:_ ${m(cut)}`]),
      ].join('\n');
    add(withPaths, limit, entry, { head: ['### Paths', ''], lead: [], more: moreEntries('the JSON output'), rank: RANK.paths, noun: 'path' });
  }

  if (waived.length > 0) {
    const row = (f: Finding): string => {
      const w = f.waiver;
      // Owner and ticket come from the team's waiver file and may be long: cut with a note, as the reason.
      const whole = findingWhole(f.fingerprint);
      return `| ${m(f.ruleId)} | ${subjectOf(f)} | ${m(cutLine(w?.owner, CUT.name, 'owner', whole), Infinity)} | ${m(w?.expires)} | ${m(cutLine(w?.reason, CUT.text, 'reason', whole), Infinity)}${w?.ticket ? ` (${m(cutLine(w.ticket, CUT.name, 'ticket', whole), Infinity)})` : ''} | ${m(f.fingerprint)} |`;
    };
    add(waived, limit, row, {
      head: [`### Waived (${waived.length})`, ''],
      lead: ['| Rule | Subject | Owner | Expires | Reason | Fingerprint |', '|---|---|---|---|---|---|'],
      more: moreRows('the JSON or SARIF output'),
      rank: RANK.waived,
      noun: 'waived finding',
    });
  }

  const resolved = report.baseline?.resolved ?? [];
  if (resolved.length > 0) {
    const entry = (e: (typeof resolved)[number]): string => {
      const who = e.subjectName !== undefined ? `${code(e.subjectName, CUT.name, 'name', REPORT_WHOLE, false)} (${code(e.subjectId, CUT.text, 'id', REPORT_WHOLE, false)})` : code(e.subjectId, CUT.text, 'id', REPORT_WHOLE, false);
      return `- ${m(e.ruleId)} ${who} ${m(e.fingerprint)}`;
    };
    add(resolved, 20, entry, {
      head: [`### Resolved since the baseline (${resolved.length})`, '', 'In the baseline, no longer found, and judged gone by this scan.', ''],
      lead: [],
      more: moreEntries('the JSON output'),
      rank: RANK.resolved,
      noun: 'resolved finding',
    });
  }

  const gaps = report.coverage.filter((c) => c.status !== 'collected');
  if (gaps.length > 0) {
    const entry = (g: (typeof gaps)[number]): string =>
      `- ${m(g.provider)} ${code(shownScope(g.provider, g.scope), CUT.name, 'name', REPORT_WHOLE, false)} ${code(g.capability, CUT.name, 'capability', REPORT_WHOLE, false)}: ${m(g.status)}${g.reason ? ` (${code(g.reason, CUT.text, 'error', REPORT_WHOLE, false)})` : ''}`;
    add(gaps, Infinity, entry, {
      head: [`### ⚠️ Coverage gaps (${gaps.length})`, '', 'Rules that need these report **unknown**, not pass.', ''],
      lead: [],
      more: moreEntries('the JSON output'),
      rank: RANK.gaps,
      noun: 'coverage gap',
    });
  }
  const unknown = unknownRules(report);
  if (unknown.length > 0) {
    const total = unknown.reduce((n, r) => n + r.unknown, 0);
    add(unknown, 20, (r) => `- ${m(r.ruleId)}: ${r.unknown} unknown: ${code(r.reason, CUT.text, 'reason', REPORT_WHOLE, false)}${m(unknownTail(r))}`, {
      head: [`### Unknown checks (${total})`, '', 'Rules that could not judge a subject (data not read) report **unknown**, not pass. Each rule with the reason it gave most; every reason is in the JSON output (`rules[].unknownReasons`), and which identities in `identities[].unknownRuleIds`.', ''],
      lead: [],
      more: moreEntries('the JSON output'),
      rank: RANK.unknown,
      noun: 'unknown rule',
    });
  }
  if (report.warnings.length > 0) {
    add(report.warnings, 20, (w) => `- ${code(w, CUT.text, 'warning', REPORT_WHOLE, false)}`, {
      head: [`### Warnings (${report.warnings.length})`, ''],
      lead: [],
      more: moreEntries('the JSON output'),
      rank: RANK.warnings,
      noun: 'warning',
    });
  }
  return fit(header, sections, opts.budget ?? MARKDOWN_BUDGET);
}
