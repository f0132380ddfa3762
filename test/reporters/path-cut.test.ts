import { describe, it, expect } from 'vitest';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { renderTable } from '../../src/reporters/table.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { pathCut, cutHopIndex } from '../../src/report/cut.js';
import { explain } from '../../src/explain.js';
import type { PathHop } from '../../src/analysis/types.js';

const result = scan(demoSnapshot());
const report = result.report;

const hop = (type: PathHop['type'], over: Partial<PathHop> = {}): PathHop => ({ from: 'a', fromName: 'a', to: 'b', toName: 'b', type, reason: 'r', hidden: false, conditional: false, provider: 'aws', ...over });

describe('where to cut a path', () => {
  it('is the first grant, trust, membership or escalation, not a credential or ownership before it', () => {
    expect(cutHopIndex([hop('HAS_CREDENTIAL'), hop('OWNS'), hop('CAN_ASSUME'), hop('GRANTED')])).toBe(2);
    expect(pathCut([hop('FEDERATES_TO'), hop('GRANTED')])).toBe('hop 1 (FEDERATES_TO): pin the federation to one workload (an exact subject), or remove it');
  });

  it('falls back to the first hop when no hop is of a kind it knows, and says nothing for no hops', () => {
    expect(pathCut([hop('OWNS'), hop('HAS_CREDENTIAL')])).toMatch(/^hop 1 \(OWNS\): /);
    expect(pathCut([])).toBeUndefined();
  });

  it('names the hop explain names, for every path finding of the demo', () => {
    const paths = report.findings.filter((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.path);
    expect(paths.length).toBeGreaterThan(5);
    for (const f of paths) {
      const m = explain(result, f.fingerprint);
      if (m.kind !== 'card') throw new Error(`no card for ${f.fingerprint}`);
      const at = cutHopIndex(f.path!);
      const h = f.path![Math.max(0, at)];
      // explain writes "from TYPE to: reason" for the hop it would revoke.
      expect(m.card.cuts.map((c) => c.revoke)).toContain(`${h.fromName} ${h.type} ${h.toName}: ${h.reason}`);
    }
  });
});

describe('the cut in the reports', () => {
  const zapier = report.findings.find((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.subject.name === 'zapier-prod')!;

  it('the table says which hop of a path to cut, after the path and before the fix', () => {
    const table = renderTable(report, { color: false, width: 200 });
    const at = table.indexOf(`id:  ${zapier.fingerprint}`);
    const block = table.slice(table.lastIndexOf('why: ', at), at);
    expect(block).toMatch(/ {4}cut: hop 1 \(ACTS_AS\): stop the identity acting with another account's rights[^\n]*\n {4}fix: /);
  });

  it('Markdown path entries carry severity, fingerprint and the cut', () => {
    const md = renderMarkdown(report);
    const entry = md.slice(md.indexOf('### Paths'));
    expect(entry).toContain(`(nhi-path-to-crown-jewel, critical, ${zapier.fingerprint})`);
    expect(entry).toMatch(/ {2}- _Cut:_ hop 1 \\\(ACTS\\_AS\\\): stop the identity/);
  });
});
