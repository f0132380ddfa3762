import { describe, it, expect } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { renderSarif, SECURITY_SEVERITY, artifactUri, SARIF_MAX_RESULTS } from '../../src/reporters/sarif.js';
import { renderJson } from '../../src/reporters/json.js';
import { applyWaivers } from '../../src/ci/waivers.js';
import { compareWithBaseline, createBaseline } from '../../src/ci/baseline.js';
import { allRules } from '../../rules/index.js';
import type { ScanReport } from '../../src/report/types.js';
import { DEMO_NOW, copyDemo, editJson, finding, report as reportOf, scanDir } from '../ci/helpers.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

function validator(schema: object) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** The demo scan with a baseline (all but two findings known) and two waivers, one expired. */
function demoWithCi(): ScanReport {
  const r = scanDir().report;
  const [w1, w2, ...rest] = r.findings;
  const cmp = compareWithBaseline(r.findings, createBaseline(rest.slice(1), 'x'));
  const src = { file: 'w.yaml', line: 1 };
  const out = applyWaivers(
    cmp.findings,
    [
      { fingerprint: w1.fingerprint, reason: 'accepted', owner: 'alice', ticket: 'SEC-1', expires: '2030-01-01', source: src },
      { fingerprint: w2.fingerprint, reason: 'old', owner: 'bob', expires: '2020-01-01', source: src },
    ],
    DEMO_NOW,
  );
  // One resolved entry, named as applyCiLayer names it (the subject's name when the scan still has it).
  const resolved = [{ fingerprint: 'f'.repeat(32), ruleId: w1.ruleId, subjectId: w1.subject.id, subjectName: w1.subject.name, severity: w1.severity }];
  return { ...r, findings: out.findings, summary: { ...r.summary, baseline: cmp.counts, waived: out.waived }, warnings: [...r.warnings, ...out.messages], baseline: { resolved } };
}

describe('--format sarif', () => {
  // The OASIS file is written as draft-04 ("id", not "$id"); without exclusiveMinimum/Maximum it
  // validates the same under Ajv's draft-07 once the id keyword is renamed.
  const raw = JSON.parse(readFileSync(resolve(repoRoot, '../shared/data/sarif-schema-2.1.0.json'), 'utf8'));
  const { $schema: _s, id, ...rest } = raw;
  const validate = validator({ $id: id, ...rest });
  const metas = new Map(allRules.map((r) => [r.meta.id, r.meta]));
  const report = demoWithCi();
  const sarif = JSON.parse(renderSarif(report, metas));

  it('validates against the SARIF 2.1.0 schema', () => {
    const ok = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check is not vacuous', () => {
    const broken = structuredClone(sarif);
    broken.runs[0].results[0].level = 'fatal';
    expect(validate(broken)).toBe(false);
  });

  it('lists each rule once with help, security-severity and OWASP tags', () => {
    const rules = sarif.runs[0].tool.driver.rules;
    const ids = rules.map((r: any) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual([...new Set(report.findings.map((f) => f.ruleId))].sort());
    for (const r of rules) {
      const meta = metas.get(r.id)!;
      expect(r.shortDescription.text).toBe(meta.title);
      expect(r.help.text).toContain(meta.remediation);
      expect(r.help.markdown).toContain('**Remediation.**');
      expect(Object.values(SECURITY_SEVERITY)).toContain(r.properties['security-severity']);
      expect(r.properties.tags).toEqual(expect.arrayContaining(meta.owasp));
    }
  });

  it('each result has a level, a location GitHub accepts, a fingerprint and the right rule index', () => {
    const rules = sarif.runs[0].tool.driver.rules;
    const results = sarif.runs[0].results;
    expect(results).toHaveLength(report.findings.length);
    results.forEach((res: any, i: number) => {
      const f = report.findings[i];
      expect(rules[res.ruleIndex].id).toBe(res.ruleId);
      expect(res.partialFingerprints['nhiscanFingerprint/v1']).toBe(f.fingerprint);
      const loc = res.locations[0];
      expect(loc.physicalLocation.artifactLocation.uri).toBe(artifactUri(f.provider, f.subject.scope));
      // Repository-relative: no scheme, no leading slash, no "..".
      expect(loc.physicalLocation.artifactLocation.uri).toMatch(/^nhiscan\/[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/);
      expect(loc.logicalLocations[0].fullyQualifiedName).toBe(f.subject.id);
      expect(res.level).toBe({ critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' }[f.severity]);
    });
  });

  // A review: SARIF plain-text messages may embed links, [text](url), which viewers render, so a
  // provider-controlled name in a message became a link. Every bracket is escaped (SARIF 3.11.6).
  it('escapes square brackets in every message built from provider text, so no name makes a link', () => {
    const evil = '[Approve](https://evil.example/)';
    const r = reportOf([finding({ name: evil, message: `${evil} has a secret` })], {
      coverage: [{ provider: 'okta', scope: 'https://x.okta.com', capability: 'okta.users', status: 'error', reason: `timeout on ${evil}` }],
      warnings: [`group ${evil} unreadable`],
    });
    const out = JSON.parse(renderSarif(r, metas));
    const texts: string[] = [out.runs[0].results[0].message.text, ...out.runs[0].invocations[0].toolExecutionNotifications.map((n: any) => n.message.text)];
    expect(texts.filter((t) => t.includes('Approve'))).toHaveLength(3);
    for (const t of texts) {
      expect(t).not.toMatch(/(^|[^\\])[[\]]/);
      if (t.includes('Approve')) expect(t).toContain('\\[Approve\\](https://evil.example/)');
    }
    expect(validate(out)).toBe(true);
  });

  it('a name that brings its own backslashes makes no link either (a backslash is escaped too)', () => {
    // SARIF 2.1.0, 3.11.6: in a plain-text message `\\` is a literal backslash and `\[` `\]`
    // literal brackets; an unescaped `[text](url)` is a link. Read the text as that grammar does.
    const links = (text: string): string[] => {
      const out: string[] = [];
      let plain = '';
      const marks: number[] = [];
      for (let i = 0; i < text.length; i++) {
        if (text[i] === '\\' && i + 1 < text.length) {
          plain += ' ';
          i++;
          continue;
        }
        if (text[i] === '[') marks.push(plain.length);
        plain += text[i];
      }
      for (const at of marks) {
        const m = /^\[[^\]]*\]\([^)]*\)/.exec(plain.slice(at));
        if (m) out.push(m[0]);
      }
      return out;
    };
    for (const evil of ['\\[Approve\\](https://evil.example/)', '\\\\[Approve\\\\](https://evil.example/)', 'C:\\[x](https://evil.example/)']) {
      const out = JSON.parse(renderSarif(reportOf([finding({ name: evil, message: `${evil} has a secret` })]), metas));
      const text: string = out.runs[0].results[0].message.text;
      expect(links(text), text).toEqual([]);
      // And the reader gets the name back as written.
      expect(text.replace(/\\(.)/g, '$1')).toContain(evil);
    }
    // The reader above does find a link the escaping would not stop.
    expect(links('[Approve](https://evil.example/)')).toHaveLength(1);
  });

  it('a path finding reads as two sentences: the message, then the path', () => {
    const withPath = sarif.runs[0].results.filter((r: any) => / Path: /.test(r.message.text));
    expect(withPath.length).toBeGreaterThan(0);
    for (const r of withPath) expect(r.message.text).toMatch(/[.!?] Path: \S/);
  });

  it('waived findings are accepted suppressions; baseline state is carried', () => {
    const results = sarif.runs[0].results;
    const suppressed = results.filter((r: any) => r.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0].suppressions[0]).toEqual({ kind: 'external', status: 'accepted', justification: 'accepted (owner alice, ticket SEC-1, until 2030-01-01)' });
    // A waived finding keeps its baseline state (here new: the baseline leaves it out) beside its
    // suppression, and with a baseline every result has one.
    expect(suppressed[0].baselineState).toBe('new');
    const states = results.map((r: any) => r.baselineState);
    expect(states.every((s: string) => s === 'new' || s === 'unchanged')).toBe(true);
    expect(states.filter((s: string) => s === 'new').length).toBe(report.summary.baseline!.new);
    expect(sarif.runs[0].invocations[0].toolExecutionNotifications.some((n: any) => /expired on 2020-01-01/.test(n.message.text))).toBe(true);
  });

  it('stays within GitHub code scanning\'s 25,000 results per run, keeping the most severe and saying what it left out', () => {
    expect(SARIF_MAX_RESULTS).toBe(25_000);
    // Findings come sorted most severe first; the last one is the only low.
    const many = Array.from({ length: SARIF_MAX_RESULTS + 1 }, (_, i) => finding({ ruleId: i === SARIF_MAX_RESULTS ? 'okta-api-token-age' : 'entra-secret-long-lived', severity: i === SARIF_MAX_RESULTS ? 'low' : 'high' }));
    const big = JSON.parse(renderSarif(reportOf(many), metas));
    const run = big.runs[0];
    expect(run.results).toHaveLength(SARIF_MAX_RESULTS);
    expect(run.results.every((r: any) => r.ruleId === 'entra-secret-long-lived')).toBe(true);
    expect(run.tool.driver.rules.map((r: any) => r.id)).toEqual(['entra-secret-long-lived']);
    expect(run.invocations[0].toolExecutionNotifications.map((n: any) => n.message.text)).toContainEqual(expect.stringMatching(/^1 finding .*not in this SARIF file.*25,000/));
    expect(validate(big)).toBe(true);
  });

  it('when it must leave findings out, keeps those new against the baseline before unchanged ones of the same severity', () => {
    // The one new finding comes last among equally severe unchanged ones: it must survive the cap.
    const many = Array.from({ length: SARIF_MAX_RESULTS + 1 }, (_, i) =>
      finding({ ruleId: i === SARIF_MAX_RESULTS ? 'okta-api-token-age' : 'entra-secret-long-lived', severity: 'high', ...(i === SARIF_MAX_RESULTS ? { status: 'new', baselineState: 'new' } : { status: 'unchanged', baselineState: 'unchanged' }) }),
    );
    const run = JSON.parse(renderSarif(reportOf(many), metas)).runs[0];
    expect(run.results).toHaveLength(SARIF_MAX_RESULTS);
    expect(run.results.filter((r: any) => r.baselineState === 'new').map((r: any) => r.ruleId)).toEqual(['okta-api-token-age']);
  });

  it('security-severity follows the worst finding of the rule', () => {
    const worst = new Map<string, string>();
    const rank = { info: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;
    for (const f of report.findings) {
      const cur = worst.get(f.ruleId);
      if (!cur || rank[f.severity] > rank[cur as keyof typeof rank]) worst.set(f.ruleId, f.severity);
    }
    // The rule's default severity does not count (docs/ci.md): a rule whose findings are all
    // below it shows as its worst finding. The demo has such a rule, so this is not vacuous.
    let belowDefault = 0;
    for (const r of sarif.runs[0].tool.driver.rules) {
      const expected = worst.get(r.id)!;
      if (rank[metas.get(r.id)!.severity] > rank[expected as keyof typeof rank]) belowDefault++;
      expect(r.properties['security-severity']).toBe(SECURITY_SEVERITY[expected as keyof typeof SECURITY_SEVERITY]);
      expect(r.defaultConfiguration.level).toBe(expected === 'critical' || expected === 'high' ? 'error' : expected === 'medium' ? 'warning' : 'note');
    }
    expect(belowDefault).toBeGreaterThan(0);
  });
});

describe('--format json', () => {
  const schema = JSON.parse(readFileSync(resolve(repoRoot, 'docs/report.schema.json'), 'utf8'));
  const validate = validator(schema);

  it('validates against docs/report.schema.json, with baseline and waivers applied', () => {
    const doc = JSON.parse(renderJson(demoWithCi()));
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(doc.findings.some((f: any) => f.status === 'waived')).toBe(true);
  });

  it('is byte-identical when the providers list owners in another order', () => {
    const snap = copyDemo();
    for (const f of ['applicationOwners.json', 'servicePrincipalOwners.json']) {
      editJson(resolve(snap, 'entra', f), (d) => {
        for (const k of Object.keys(d)) d[k].reverse();
      });
    }
    const before = scanDir().report;
    const after = scanDir(snap).report;
    // The reversal reaches an identity with two owners, or this test would prove nothing.
    expect(before.identities.some((i) => i.owners.length > 1)).toBe(true);
    expect(renderJson({ ...after, snapshot: before.snapshot })).toBe(renderJson(before));
  });

  it('a report listing a possible service account validates, and the schema checks that entry', () => {
    // A user named like a service account whose manager was not read: listed, not verified.
    const snap = copyDemo();
    editJson(resolve(snap, 'entra/users.json'), (d) => {
      d.value.push({ id: 'a3c1f0e2-7b4d-4e59-9c1a-5d2e8f6b7a90', userPrincipalName: 'svc-reports@northwind.example', displayName: 'svc-reports', accountEnabled: true, signInActivity: null });
    });
    rmSync(resolve(snap, 'entra/userManagers.json'));
    const doc = JSON.parse(renderJson(scanDir(snap).report));
    const possible = doc.identities.filter((i: any) => i.possibleServiceAccount !== undefined);
    expect(possible.map((i: any) => i.name)).toEqual(['svc-reports']);
    expect(doc.summary.possibleIdentities).toBe(1);
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    possible[0].possibleServiceAccount.notRead = [];
    expect(validate(doc)).toBe(false);
  });

  it('the plain demo report validates too', () => {
    expect(validate(JSON.parse(renderJson(scanDir().report)))).toBe(true);
  });

  it.each([
    ['an unknown severity', (d: any) => (d.findings[0].severity = 'severe')],
    ['a waived finding without its waiver', (d: any) => (d.findings[0].status = 'waived')],
    ['a missing fingerprint', (d: any) => delete d.findings[0].fingerprint],
    ['an unknown top-level key', (d: any) => (d.extra = 1)],
  ])('rejects %s', (_what, mutate) => {
    const doc = JSON.parse(renderJson(scanDir().report));
    delete doc.findings[0].status;
    mutate(doc);
    expect(validate(doc)).toBe(false);
  });
});
