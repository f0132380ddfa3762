import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { scanSnapshot, type ScanResult } from '../../src/scan.js';
import { allRules } from '../../rules/index.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { explain } from '../../src/explain.js';
import * as analysisModule from '../../src/analysis/analyze.js';
import type { PathHop } from '../../src/analysis/types.js';
import { renderJson } from '../../src/reporters/json.js';
import { renderSarif } from '../../src/reporters/sarif.js';
import { renderTable } from '../../src/reporters/table.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { renderCsv } from '../../src/reporters/csv.js';
import { renderRecertCsv } from '../../src/reporters/recert.js';
import { renderExplain } from '../../src/reporters/explain.js';
import { ACCT, NOW, allow, awsSnapshot, daysAgo, doc, roleArn, roleId, trust, userArn, userId, type AccountSpec } from '../helpers/aws-builders.js';

/**
 * A chain of `n` roles, each of which may assume the next (each trusts the one before it), the
 * last an administrator, entered by a user with an access key. Every role's path to administrator
 * runs down the rest of the chain: up to n hops each, n x n in all, which every report format
 * listed (1.2 GB of JSON at n = 1,000). `conditionalAt`: the trust of that role holds only under
 * a condition the scanner cannot decide.
 */
function chain(n: number, conditionalAt?: number): AccountSpec {
  const roles = Array.from({ length: n }, (_, i) => ({
    name: `c-${i}`,
    trust: trust.principal(i === 0 ? userArn('entry') : roleArn(`c-${i - 1}`), i === conditionalAt ? { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } } : {}),
    inline: i < n - 1 ? [doc(allow('sts:AssumeRole', roleArn(`c-${i + 1}`)))] : [],
    managed: i === n - 1 ? ['AdministratorAccess'] : [],
  }));
  const entry = { name: 'entry', inline: [doc(allow('sts:AssumeRole', roleArn('c-0')))], report: { keys: [{ rotated: daysAgo(400), lastUsed: daysAgo(1) }] } };
  return { roles, users: [entry] };
}

const scan = (spec: AccountSpec): ScanResult => scanSnapshot(awsSnapshot({ [ACCT]: spec }), { now: new Date(NOW), config: DEFAULT_CONFIG, rules: allRules, version: 'test' });
/** The hops a long path lists: its first ten and its last ten (PATH_HEAD_HOPS, PATH_TAIL_HOPS). */
const PATH_HEAD_HOPS = 10;
const PATH_TAIL_HOPS = 10;
const LISTED = PATH_HEAD_HOPS + PATH_TAIL_HOPS;
const pathLength = (p: { hops: readonly unknown[]; omittedHops?: { count: number } }) => p.hops.length + (p.omittedHops?.count ?? 0);
const joined = (hops: readonly PathHop[]) => hops.every((h, i) => i === 0 || hops[i - 1].to === h.from);

describe('a path longer than the evidence lists (a chain of 60 roles)', () => {
  const n = 60;
  let result: ScanResult;
  beforeAll(() => {
    result = scan(chain(n));
  });
  const escalation = (role: string) => result.report.findings.find((f) => f.ruleId === 'aws-principal-can-escalate' && f.subject.id === roleId(role))!;

  it('keeps the bound the reports document (docs/ci.md, report.schema.json)', () => {
    expect([analysisModule.PATH_HEAD_HOPS, analysisModule.PATH_TAIL_HOPS]).toEqual([PATH_HEAD_HOPS, PATH_TAIL_HOPS]);
  });

  it('lists the first and last hops of each finding and says how many are left out; the counts are the whole path\'s', () => {
    const f = escalation('c-0');
    expect(f.path).toHaveLength(LISTED);
    expect(f.omittedHops).toEqual({ count: n - LISTED, after: PATH_HEAD_HOPS, conditional: 0 });
    // The listed hops are the path's first ones and its last ones, the gap between them.
    expect(f.path![0].fromName).toBe('c-0');
    expect(f.path![PATH_HEAD_HOPS - 1].toName).toBe(`c-${PATH_HEAD_HOPS}`);
    expect(f.path![PATH_HEAD_HOPS].fromName).toBe(`c-${n - PATH_TAIL_HOPS}`);
    expect(f.path!.at(-1)!.to).toBe(f.evidence.target);
    expect(joined(f.path!.slice(0, PATH_HEAD_HOPS)) && joined(f.path!.slice(PATH_HEAD_HOPS))).toBe(true);
    expect(f.args.hops).toBe(n);
    expect(f.severity).toBe('high');
    expect(f.message).toContain(`in ${n} step(s): sts-assume-role -> c-1,`);
    expect(f.message).toContain(`… ${n - LISTED} more steps (nhiscan explain lists every one) …, sts-assume-role -> c-${n - PATH_TAIL_HOPS + 1},`);
    expect((f.evidence.methods as string[]).length).toBeLessThanOrEqual(LISTED);
  });

  it('bounds every finding and every identity\'s paths, whatever the role\'s place on the chain', () => {
    let long = 0;
    for (const f of result.report.findings) {
      if (!f.path) continue;
      expect(f.path.length, f.message).toBeLessThanOrEqual(LISTED);
      if (f.omittedHops) long++;
    }
    for (const i of result.report.identities) {
      for (const p of i.crownJewels) {
        expect(p.hops.length).toBeLessThanOrEqual(LISTED);
        // A path of 20 hops or fewer is listed whole, with no omittedHops.
        expect(p.omittedHops === undefined).toBe(pathLength(p) <= LISTED);
      }
    }
    // The escalations of c-0 to c-39 (paths of 60 down to 21 hops) and of the entry user, and the
    // entry user's paths to each kind of jewel.
    expect(long).toBe(n - LISTED + 1 + result.report.findings.filter((f) => f.ruleId === 'nhi-path-to-crown-jewel').length);
    const short = escalation(`c-${n - LISTED}`);
    expect(short.path).toHaveLength(LISTED);
    expect(short.omittedHops).toBeUndefined();
    expect(escalation(`c-${n - LISTED - 1}`).omittedHops).toEqual({ count: 1, after: PATH_HEAD_HOPS, conditional: 0 });
  });

  it('the path finding of the entry point counts every hop, hidden ones too', () => {
    const f = result.report.findings.find((x) => x.ruleId === 'nhi-path-to-crown-jewel' && x.subject.id === userId('entry'))!;
    expect(f.args.hops).toBe(n + 1);
    expect(f.omittedHops?.count).toBe(n + 1 - LISTED);
    expect(f.message).toContain(`in ${n + 1} hops`);
    expect(f.args.hidden).toBe(result.analysis.wholeHops(result.analysis.crownJewelPaths(userId('entry'))[0]).filter((h) => h.hidden).length);
  });

  it('explain lists every hop of the path, and the whole walk is the listed hops with the gap filled', () => {
    const p = result.analysis.crownJewelPaths(roleId('c-0'))[0];
    const whole = result.analysis.wholeHops(p);
    expect(whole).toHaveLength(n);
    expect(joined(whole)).toBe(true);
    expect([...whole.slice(0, PATH_HEAD_HOPS), ...whole.slice(n - PATH_TAIL_HOPS)]).toEqual(p.hops);
    const match = explain(result, 'c-0');
    if (match.kind !== 'card') throw new Error(match.kind);
    const cj = match.card.identity.crownJewels[0];
    expect(cj.hops).toEqual(whole);
    expect(cj.omittedHops).toBeUndefined();
    const text = renderExplain(match.card, false);
    expect(text).toContain(`path (${n} hops):`);
    expect(text).toContain(`${n}. c-${n - 1} ─GRANTED→`);
    expect(text).not.toContain('not listed');
  });

  it('the table, Markdown, CSV and recertification sheet put one line for the hops not listed, and number the rest as in the whole path', () => {
    const report = result.report;
    const table = renderTable(report, { color: false, limitPerSeverity: 1000 });
    expect(table).toContain(`path (${n} hops):`);
    // Wrapped to the table's width after the fingerprint.
    expect(table).toContain(`      … ${n - LISTED} hops not listed (hops ${PATH_HEAD_HOPS + 1} to ${n - PATH_TAIL_HOPS}): nhiscan explain ${escalation('c-0').fingerprint} lists\n`);
    expect(table).toContain(`${n - PATH_TAIL_HOPS + 1}. c-${n - PATH_TAIL_HOPS} ─CAN_ASSUME→ c-${n - PATH_TAIL_HOPS + 1}`);
    expect(table).toContain('cut: hop 1 (CAN_ASSUME)');
    const md = renderMarkdown(report);
    // At the depth of the next hop, nhiscan's own words (Markdown-escaped).
    expect(md).toContain(`${'  '.repeat(PATH_HEAD_HOPS + 1)}- _… ${n - LISTED} hops not listed \\(hops ${PATH_HEAD_HOPS + 1} to ${n - PATH_TAIL_HOPS}\\): nhiscan explain ${escalation('c-0').fingerprint} lists every hop_\n${'  '.repeat(PATH_HEAD_HOPS + 1)}- CAN\\_ASSUME → **\`c-${n - PATH_TAIL_HOPS + 1}\`**`);
    const csv = renderCsv(report);
    expect(csv).toContain(`c-0 -[CAN_ASSUME]-> c-1`);
    expect(csv).toContain(`c-${PATH_HEAD_HOPS} -[… ${n - LISTED} hops not listed …]-> c-${n - PATH_TAIL_HOPS} -[CAN_ASSUME]-> c-${n - PATH_TAIL_HOPS + 1}`);
    expect(renderRecertCsv(report)).toContain(`(admin, ${n} hops)`);
  });

  it('the JSON report validates against docs/report.schema.json and the SARIF against SARIF 2.1.0', () => {
    const addFormats = addFormatsImport as unknown as (a: Ajv) => Ajv;
    const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
    const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../docs/report.schema.json', import.meta.url)), 'utf8'));
    const validate = ajv.compile(schema);
    const doc = JSON.parse(renderJson(result.report));
    expect(doc.findings.some((f: { omittedHops?: unknown }) => f.omittedHops !== undefined)).toBe(true);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const raw = JSON.parse(readFileSync(fileURLToPath(new URL('../../../shared/data/sarif-schema-2.1.0.json', import.meta.url)), 'utf8'));
    const { $schema: _s, id, ...rest } = raw;
    const sarifAjv = addFormats(new Ajv({ strict: false, allErrors: true }));
    const validateSarif = sarifAjv.compile({ $id: id, ...rest });
    const sarif = JSON.parse(renderSarif(result.report, new Map(allRules.map((r) => [r.meta.id, r.meta]))));
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors)).toBe(true);
    expect(JSON.stringify(sarif)).toContain(`hops not listed`);
  });
});

describe('a long path with a conditional hop among those not listed', () => {
  const n = 60;
  let result: ScanResult;
  beforeAll(() => {
    result = scan(chain(n, 30));
  });

  it('is still a "may reach", counts that hop, and says what it depends on', () => {
    const f = result.report.findings.find((x) => x.ruleId === 'nhi-path-to-crown-jewel' && x.subject.id === userId('entry'))!;
    expect(f.omittedHops).toEqual({ count: n + 1 - LISTED, after: PATH_HEAD_HOPS, conditional: 1 });
    expect(f.path!.some((h) => h.conditional)).toBe(false);
    expect(f.messageId).toBe('conditional');
    expect(f.severity).toBe('high');
    expect(f.message).toContain('1 hop(s) depend on a condition the scanner could not decide');
    expect(f.evidence.conditional).toBe(true);
    const esc = result.report.findings.find((x) => x.ruleId === 'aws-principal-can-escalate' && x.subject.id === roleId('c-0'))!;
    expect(esc.messageId).toBe('conditional');
    expect(esc.severity).toBe('medium');
    expect(renderRecertCsv(result.report)).toContain(`(admin, ${n} hops, may reach: 1 hop conditional)`);
  });
});
