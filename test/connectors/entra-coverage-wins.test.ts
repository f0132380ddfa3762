import { describe, expect, it } from 'vitest';
import { readSnapshotDir, demoDir } from '../../src/cli/io.js';
import { buildGraph } from '../../src/scan.js';
import { analyze } from '../../src/analysis/analyze.js';
import { runRules } from '../../src/engine/run.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { ENTRA_CAPABILITIES } from '../../src/connectors/entra/transform.js';
import { allRules } from '../../rules/index.js';
import type { Verdict } from '../../src/engine/types.js';

/**
 * docs/snapshot-format.md: a coverage entry wins over the files. Over the demo snapshot, a
 * manifest that records one Entra capability as not read (its files left in place, every other
 * record unchanged) may turn a verdict into `unknown`, never into another pass or fail.
 */
function verdicts(disown?: string): Map<string, Verdict> {
  const snap = readSnapshotDir(demoDir());
  if (disown) {
    for (const c of snap.manifest.coverage) if (c.provider === 'entra' && c.capability === disown) Object.assign(c, { status: 'missing-permission', reason: 'test: disowned' });
  }
  const now = new Date('2026-11-29T00:00:00Z');
  const graph = buildGraph(snap, DEFAULT_CONFIG);
  const analysis = analyze(graph, { now, config: DEFAULT_CONFIG });
  const out = new Map<string, Verdict>();
  for (const rule of allRules) {
    const r = runRules(graph, analysis, [rule], { now, collectVerdicts: true });
    for (const [subject, v] of r.verdicts ?? []) out.set(`${rule.meta.id} ${subject}`, v);
  }
  return out;
}

describe('an Entra capability the manifest disowns gives no verdict from its files', () => {
  const base = verdicts();
  for (const [cap] of ENTRA_CAPABILITIES) {
    it(cap, () => {
      const changed: string[] = [];
      for (const [key, v] of verdicts(cap)) {
        const was = base.get(key);
        if (was !== undefined && v !== was && v !== 'unknown') changed.push(`${key}: ${was} -> ${v}`);
      }
      expect(changed).toEqual([]);
    });
  }
});
