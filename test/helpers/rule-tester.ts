import type { Graph } from '../../src/graph/graph.js';
import type { RuleDefinition, Finding, RuleStats, Verdict } from '../../src/engine/types.js';
import { runRules } from '../../src/engine/run.js';
import { analyze } from '../../src/analysis/analyze.js';
import { DEFAULT_CONFIG, type NhiConfig } from '../../src/config/types.js';

export interface RuleRun {
  findings: Finding[];
  stats: RuleStats;
  verdicts: Map<string, Verdict>;
}

/** Runs one rule over a small graph, the way the engine would, and returns per-subject verdicts. */
export function runRule(
  rule: RuleDefinition,
  graph: Graph,
  opts: { now: Date | string; options?: Record<string, unknown>; config?: Partial<NhiConfig> },
): RuleRun {
  const now = typeof opts.now === 'string' ? new Date(opts.now) : opts.now;
  const config = { ...DEFAULT_CONFIG, ...opts.config };
  const analysis = analyze(graph, { now, config });
  const result = runRules(graph, analysis, [rule], {
    now,
    ruleOptions: opts.options ? { [rule.meta.id]: opts.options } : undefined,
    collectVerdicts: true,
  });
  // Two findings with one fingerprint would be one entry to a CI baseline and one alert to code
  // scanning, and a waiver of one would waive both: the engine keeps both without complaint, so
  // every rule test checks that a rule's keys tell its findings on one subject apart.
  const seen = new Map<string, Finding>();
  for (const f of result.findings) {
    const other = seen.get(f.fingerprint);
    if (other) throw new Error(`${rule.meta.id} reported two findings on ${f.subject.id} with one fingerprint: "${other.message}" and "${f.message}"`);
    seen.set(f.fingerprint, f);
  }
  return { findings: result.findings, stats: result.stats[0], verdicts: result.verdicts ?? new Map() };
}
