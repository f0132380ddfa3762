import type { Finding, Severity } from '../engine/types.js';
import { isSeverity, SEVERITY_RANK } from '../engine/severity.js';
import { InputError } from '../errors.js';
import { compareText } from '../compare.js';

/** One accepted finding, identified by its fingerprint; rule and subject are kept for humans reading the file. */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  subjectId: string;
  /**
   * The (tiered) severity accepted with it. A later scan that finds it at a higher severity (the
   * identity gained privileges) reports it as new again. Absent in baselines written before 0.1.
   */
  severity?: Severity;
}

/** The baseline file (`--write-baseline`, `nhiscan baseline write`). */
export interface Baseline {
  schemaVersion: 1;
  tool: 'nhiscan';
  createdAt: string;
  findings: BaselineEntry[];
}

/** How the current findings compare with a baseline. */
export interface BaselineCounts {
  new: number;
  unchanged: number;
  /** In the baseline, no longer found. */
  resolved: number;
}

/** Builds a baseline from a scan's findings, sorted by fingerprint so the file diffs cleanly. */
export function createBaseline(findings: readonly Finding[], createdAt: string): Baseline {
  const byFp = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const known = byFp.get(f.fingerprint);
    if (!known) byFp.set(f.fingerprint, { fingerprint: f.fingerprint, ruleId: f.ruleId, subjectId: f.subject.id, severity: f.severity });
    else if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[known.severity!]) known.severity = f.severity;
  }
  const entries = [...byFp.values()].sort((a, b) => compareText(a.fingerprint, b.fingerprint));
  return { schemaVersion: 1, tool: 'nhiscan', createdAt, findings: entries };
}

export function serializeBaseline(baseline: Baseline): string {
  return JSON.stringify(baseline, null, 2) + '\n';
}

/** Validates a parsed baseline file; errors name the JSON path of the bad value. */
export function parseBaseline(value: unknown, file: string): Baseline {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError('expected a baseline object', file, '$');
  const v = value as Record<string, unknown>;
  if (v.schemaVersion !== 1) throw new InputError('unsupported baseline schemaVersion (expected 1)', file, '$.schemaVersion');
  if (v.tool !== 'nhiscan') throw new InputError('not an nhiscan baseline (tool must be "nhiscan")', file, '$.tool');
  if (!Array.isArray(v.findings)) throw new InputError('expected an array', file, '$.findings');
  const findings: BaselineEntry[] = v.findings.map((e: unknown, i: number) => {
    const at = `$.findings[${i}]`;
    if (typeof e !== 'object' || e === null) throw new InputError('expected an object', file, at);
    const r = e as Record<string, unknown>;
    if (typeof r.fingerprint !== 'string' || r.fingerprint === '') throw new InputError('expected a fingerprint string', file, `${at}.fingerprint`);
    const entry: BaselineEntry = { fingerprint: r.fingerprint, ruleId: String(r.ruleId ?? ''), subjectId: String(r.subjectId ?? '') };
    if (r.severity !== undefined) {
      if (typeof r.severity !== 'string' || !isSeverity(r.severity)) throw new InputError('expected critical, high, medium, low or info', file, `${at}.severity`);
      entry.severity = r.severity;
    }
    return entry;
  });
  return { schemaVersion: 1, tool: 'nhiscan', createdAt: String(v.createdAt ?? ''), findings };
}

/**
 * Marks each finding `new` or `unchanged` by fingerprint and counts the baseline entries that
 * are gone. A known finding whose severity is now above the one in the baseline is `new`: the
 * risk that was accepted is not the one found. Sets both `status` and `baselineState` (which
 * waivers leave alone). Returns new finding objects; the input is not modified.
 */
export function compareWithBaseline(findings: readonly Finding[], baseline: Baseline): { findings: Finding[]; counts: BaselineCounts } {
  const known = new Map(baseline.findings.map((e) => [e.fingerprint, e]));
  const seen = new Set<string>();
  const counts: BaselineCounts = { new: 0, unchanged: 0, resolved: 0 };
  const out = findings.map((f): Finding => {
    seen.add(f.fingerprint);
    const entry = known.get(f.fingerprint);
    const escalated = entry?.severity !== undefined && SEVERITY_RANK[f.severity] > SEVERITY_RANK[entry.severity];
    const status = entry !== undefined && !escalated ? 'unchanged' : 'new';
    counts[status]++;
    return { ...f, status, baselineState: status };
  });
  for (const fp of known.keys()) if (!seen.has(fp)) counts.resolved++;
  return { findings: out, counts };
}
