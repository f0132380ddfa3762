import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScanReport } from '../report/types.js';
import { InputError } from '../errors.js';
import { compareWithBaseline, createBaseline, parseBaseline, serializeBaseline } from '../ci/baseline.js';
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
export function applyCiLayer(report: ScanReport, opts: CiOptions, now: string, cwd = process.cwd()): CiOutcome {
  const messages: string[] = [];
  if (opts.baseline) {
    const baseline = parseBaseline(parseJson(readText(opts.baseline), opts.baseline), opts.baseline);
    const { findings, counts } = compareWithBaseline(report.findings, baseline);
    report.findings = findings;
    report.summary.baseline = counts;
    // Not an error (every finding counts, which fails safe), but a gate failing on the whole
    // estate usually means a baseline of another tenant or the wrong file.
    const known = new Set(baseline.findings.map((e) => e.fingerprint));
    if (known.size > 0 && findings.length > 0 && !findings.some((f) => known.has(f.fingerprint))) {
      messages.push(`${opts.baseline}: the baseline matches none of the ${findings.length} findings, so all are new (a baseline of another tenant, or the wrong file?)`);
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
    writeFileSync(file, serializeBaseline(createBaseline(report.findings, createdAt)));
  } catch (e) {
    throw new InputError(`cannot write baseline: ${(e as Error).message}`, file);
  }
}
