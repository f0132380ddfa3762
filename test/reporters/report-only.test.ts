import { describe, it, expect } from 'vitest';
import { FORMATS, renderChunks } from '../../src/reporters/index.js';
import { demoDir, readSnapshotDir } from '../../src/cli/io.js';
import { scanSnapshot } from '../../src/scan.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { allRules } from '../../rules/index.js';

// `nhiscan scan` keeps only the report once the scan is done, so the graph and the analysis
// (most of the heap on a large estate) can be freed before the report is written. That holds
// only while no report format reads them.
describe('report formats', () => {
  const snapshot = readSnapshotDir(demoDir());
  const result = scanSnapshot(snapshot, { now: new Date('2026-11-20T09:00:00Z'), config: DEFAULT_CONFIG, rules: allRules, version: 'test' });
  const reportOnly = {
    report: result.report,
    get graph(): never {
      throw new Error('a report format read the graph');
    },
    get analysis(): never {
      throw new Error('a report format read the analysis');
    },
  };

  for (const format of FORMATS) {
    it(`${format} renders from the report alone, the same as from the whole scan result`, () => {
      const alone = [...renderChunks(format, reportOnly, { color: false })].join('');
      expect(alone.length).toBeGreaterThan(100);
      expect(alone).toBe([...renderChunks(format, result, { color: false })].join(''));
    });
  }
});
