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

// A federation that already names one workload (an exact subject) cannot be pinned further: its
// cut would only offer removing it. The cut moves to the next hop that can be cut; a broad
// subject keeps the cut on the federation (a user review of the demo).
describe('the cut of a path from a pinned federation', () => {
  it('moves past a FEDERATES_TO hop with an exact subject to the next hop that can be cut', () => {
    expect(cutHopIndex([hop('FEDERATES_TO', { subjectMatch: 'exact' }), hop('HAS_ROLE'), hop('GRANTED')])).toBe(1);
    expect(cutHopIndex([hop('FEDERATES_TO', { subjectMatch: 'wildcard' }), hop('HAS_ROLE')])).toBe(0);
    expect(cutHopIndex([hop('FEDERATES_TO', { subjectMatch: 'missing' }), hop('HAS_ROLE')])).toBe(0);
    expect(cutHopIndex([hop('FEDERATES_TO'), hop('HAS_ROLE')])).toBe(0);
  });

  it('stays on the pinned federation when nothing after it can be cut, without advising to pin it', () => {
    const only = [hop('FEDERATES_TO', { subjectMatch: 'exact' }), hop('OWNS')];
    expect(cutHopIndex(only)).toBe(0);
    expect(pathCut(only)).toMatch(/^hop 1 \(FEDERATES_TO\): /);
    expect(pathCut(only)).not.toContain('pin the federation');
  });

  const pinned = report.findings.find((f) => f.fingerprint.startsWith('0c5d8ed4'))!;
  const broad = report.findings.find((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.subject.name === 'GitHub repo:northwind/*')!;

  it('the demo: the main-branch workflow path carries its exact subject, the broad one does not', () => {
    expect(pinned.subject.name).toBe('GitHub repo:northwind/infra:ref:refs/heads/main');
    expect(pinned.path![0]).toMatchObject({ type: 'FEDERATES_TO', subjectMatch: 'exact' });
    expect(pinned.path![1]).toMatchObject({ type: 'HAS_ROLE', fromName: 'Infra Deployer', toName: 'Application Administrator' });
    expect(broad.path![0]).toMatchObject({ type: 'FEDERATES_TO', subjectMatch: 'wildcard' });
  });

  it('the table, the Markdown and explain cut hop 2 of the pinned path and hop 1 of the broad one', () => {
    const table = renderTable(report, { color: false, width: 200 });
    const blockOf = (fp: string) => {
      const at = table.indexOf(`id:  ${fp}`);
      return table.slice(table.lastIndexOf('why: ', at), at);
    };
    expect(blockOf(pinned.fingerprint)).toMatch(/ {4}cut: hop 2 \(HAS_ROLE\): remove the role assignment/);
    expect(blockOf(broad.fingerprint)).toMatch(/ {4}cut: hop 1 \(FEDERATES_TO\): pin the federation to one workload \(an exact subject\), or remove it/);

    const md = renderMarkdown(report);
    const entryOf = (fp: string) => {
      const at = md.indexOf(`, ${fp})`);
      const end = md.indexOf('\n- ', at);
      return md.slice(at, end < 0 ? undefined : end);
    };
    expect(entryOf(pinned.fingerprint)).toMatch(/_Cut:_ hop 2 \\\(HAS\\_ROLE\\\): remove the role assignment/);
    expect(entryOf(broad.fingerprint)).toMatch(/_Cut:_ hop 1 \\\(FEDERATES\\_TO\\\): pin the federation/);

    const card = explain(result, pinned.fingerprint);
    if (card.kind !== 'card') throw new Error('no card');
    const h = pinned.path![1];
    expect(card.card.cuts.map((c) => c.revoke)).toContain(`Infra Deployer HAS_ROLE Application Administrator: ${h.reason}`);
    expect(card.card.cuts.map((c) => c.revoke).some((r) => r.includes('FEDERATES_TO'))).toBe(false);
  });
});
