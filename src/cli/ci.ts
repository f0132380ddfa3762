import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScanReport } from '../report/types.js';
import { InputError } from '../errors.js';
import { baselineJudge, compareScopes, compareWithBaseline, createBaseline, judgedKey, parseBaseline, serializeBaseline, type Baseline, type BaselineEntry, type ScanEvidence } from '../ci/baseline.js';
import type { RuleContext } from '../engine/types.js';
import { resolveOptions } from '../engine/run.js';
import type { ScanResult } from '../scan.js';
import { allRules } from '../../rules/index.js';
import { applyWaivers, parseWaivers, type Waiver } from '../ci/waivers.js';
import { parseJson, readText } from './io.js';

export interface CiOptions {
  baseline?: string;
  writeBaseline?: string;
  waivers?: string;
}

export interface CiOutcome {
  messages: string[];
  /** An expired waiver makes the run fail again. */
  staleOrExpiredFail: boolean;
}

/** Looked up in the working directory when `--waivers` is not given. */
export const DEFAULT_WAIVER_FILES = ['.nhiscan/waivers.yaml', '.nhiscan/waivers.yml', '.nhiscan/waivers.json'];

/**
 * Baselines and waivers: marks findings new/unchanged/waived before rendering (the report is
 * updated in place), writes `--write-baseline`, and returns the lines to print on stderr.
 */
export function applyCiLayer(report: ScanReport, opts: CiOptions, now: string, cwd = process.cwd(), read?: BaselineRead): CiOutcome {
  const messages: string[] = [];
  if (opts.baseline) {
    const file = opts.baseline;
    const baseline = read?.baseline ?? readBaseline(file);
    const evidence = read?.evidence;
    const scopes = compareScopes(baseline, report.scopes);
    // A baseline of other scopes is compared as an empty one: fingerprints that carry no scope (a
    // path from an external issuer) would otherwise match risk in this estate to risk accepted in
    // another. Its entries were not judged by this scan, so none is resolved.
    const compared = scopes.foreign ? { ...baseline, findings: [] } : baseline;
    const { findings, counts } = compareWithBaseline(report.findings, compared, evidence ? baselineJudge(evidence) : undefined);
    if (scopes.foreign) counts.unknown = new Set(baseline.findings.map((e) => e.fingerprint)).size;
    report.findings = findings;
    report.summary.baseline = counts;
    if (scopes.foreign) {
      const read = listScopes(report.scopes.map((s) => `${s.provider}:${s.id}`));
      const then = scopes.recorded ? `was written for ${listScopes(baseline.scopes!.map((s) => `${s.provider}:${s.id}`))}, none of which this scan read` : 'names subjects in none of the scopes this scan read';
      messages.push(`${file}: the baseline ${then} (${read}); all ${findings.length} findings are new (a baseline of another tenant, or the wrong file?)`);
    } else {
      // Not an error (every finding counts, which fails safe), but a gate failing on the whole
      // estate usually means a baseline of another tenant or the wrong file.
      const known = new Set(baseline.findings.map((e) => e.fingerprint));
      if (known.size > 0 && findings.length > 0 && !findings.some((f) => known.has(f.fingerprint))) {
        messages.push(`${file}: the baseline matches none of the ${findings.length} findings, so all are new (a baseline of another tenant, or the wrong file?)`);
      }
      if (scopes.added.length > 0) messages.push(`${file}: the baseline does not cover ${listScopes(scopes.added)}: findings there are new, except those whose fingerprint names no scope (paths from external issuers), which may match a finding accepted elsewhere`);
      if (scopes.dropped.length > 0) messages.push(`${file}: this scan did not read ${listScopes(scopes.dropped)}, which the baseline covers: its findings count as unknown, not resolved`);
    }
    if (counts.unknown > 0 && !scopes.foreign) {
      messages.push(`${file}: ${counts.unknown} baseline finding${counts.unknown === 1 ? ' is' : 's are'} no longer found but could not be judged (rule unknown, or data not read): counted as unknown, not resolved`);
    }
  }
  // Written after the comparison, so `--baseline F --write-baseline F` compares, then updates.
  if (opts.writeBaseline) writeBaselineFile(report, opts.writeBaseline, now);
  const waivers = loadWaivers(opts.waivers, cwd);
  let staleOrExpiredFail = false;
  if (waivers !== undefined) {
    const incomplete = report.coverage.some((c) => c.status !== 'collected');
    const outcome = applyWaivers(report.findings, waivers, new Date(now), incomplete);
    report.findings = outcome.findings;
    report.summary.waived = outcome.waived;
    messages.push(...outcome.messages);
    staleOrExpiredFail = outcome.expiredFail;
  }
  // Every format shows warnings, so expired and stale waivers stay visible outside stderr too.
  report.warnings = [...report.warnings, ...messages];
  return { messages, staleOrExpiredFail };
}

/** The `--baseline` file as read once for the scan (scanEvidence), and what the scan knew of its entries. */
export interface BaselineRead {
  baseline: Baseline;
  evidence: ScanEvidence;
}

/** Up to five scopes, then how many more. */
function listScopes(keys: readonly string[]): string {
  const shown = keys.slice(0, 5).join(', ');
  return keys.length > 5 ? `${shown} and ${keys.length - 5} more` : shown || 'no scope';
}

/**
 * What a baseline comparison needs of a scan beyond its report: the rules that ran and what
 * they require, which subjects were unknown, and which of the baseline's subjects each rule
 * evaluated (its types and `where` asked again of the graph). Taken before the graph is let go.
 */
export function scanEvidence(result: ScanResult, entries: readonly BaselineEntry[], now: Date): ScanEvidence {
  const byId = new Map(allRules.map((r) => [r.meta.id, r]));
  const ruleRequires = new Map(result.report.rules.map((st) => [st.ruleId, byId.get(st.ruleId)?.evaluates.requires ?? []]));
  const ran = new Set(result.report.rules.map((st) => st.ruleId));
  const { graph, analysis } = result;
  const evaluated = new Set<string>();
  // One context per rule, not per entry: a baseline of a large estate has a hundred thousand entries.
  const contexts = new Map<string, RuleContext>();
  for (const e of entries) {
    const rule = byId.get(e.ruleId);
    const node = graph.node(e.subjectId);
    if (!rule || !node || !ran.has(e.ruleId)) continue;
    const { types, kinds = [], where } = rule.evaluates;
    if (!types.includes(node.type) && !kinds.includes(node.kind)) continue;
    let ctx = contexts.get(e.ruleId);
    if (ctx === undefined) contexts.set(e.ruleId, (ctx = { graph, now, analysis, options: resolveOptions(rule), report: () => undefined, unknown: () => undefined }));
    if (where && !where(node, ctx)) continue;
    evaluated.add(judgedKey(e.ruleId, e.subjectId));
  }
  return { scopes: result.report.scopes, coverage: result.report.coverage, ruleRequires, unknownBySubject: result.unknownBySubject, evaluated };
}

/** Reads and checks the baseline file named by `--baseline`. */
export function readBaseline(file: string): Baseline {
  return parseBaseline(parseJson(readText(file), file), file);
}

/** The waivers file read when `--waivers` is not given: the first default name present in `cwd`. */
export function defaultWaiversFile(cwd: string): string | undefined {
  return DEFAULT_WAIVER_FILES.find((f) => existsSync(join(cwd, f)));
}

/** The waivers named by `--waivers`, else the default file when present, else none. */
export function loadWaivers(file: string | undefined, cwd: string): Waiver[] | undefined {
  // The default file is named as the user would type it (relative to the working directory), not
  // by its absolute path: messages, warnings and every report format would otherwise depend on
  // where the runner checked the repository out.
  const name = file ?? defaultWaiversFile(cwd);
  if (name === undefined) return undefined;
  const path = file ?? join(cwd, name);
  let text: string;
  try {
    text = readText(path);
  } catch (e) {
    if (!(e instanceof InputError) || e.file !== path) throw e;
    throw new InputError(e.message, name, e.location);
  }
  // JSON is checked by the JSON parser first for its precise syntax errors; the YAML parser then
  // gives every entry its line.
  if (name.toLowerCase().endsWith('.json')) parseJson(text, name);
  return parseWaivers(text, name);
}

export function writeBaselineFile(report: ScanReport, file: string, createdAt: string): void {
  try {
    writeFileSync(file, serializeBaseline(createBaseline(report.findings, createdAt, report.scopes)));
  } catch (e) {
    throw new InputError(`cannot write baseline: ${(e as Error).message}`, file);
  }
}
