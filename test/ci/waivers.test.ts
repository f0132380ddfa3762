import { describe, it, expect } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyWaivers, compileGlob, expiryInstant, parseWaivers, type Waiver } from '../../src/ci/waivers.js';
import { applyCiLayer, loadWaivers } from '../../src/cli/ci.js';
import { InputError } from '../../src/errors.js';
import { finding, report } from './helpers.js';

const NOW = new Date('2026-11-20T09:00:00Z');
const src = { file: 'w.yaml', line: 1 };

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('parseWaivers', () => {
  it('reads YAML entries with their line numbers', () => {
    const text = [
      'waivers:',
      '  - fingerprint: abc',
      '    reason: accepted until the migration',
      '    owner: alice@northwind.example',
      '    ticket: 1234',
      '    expires: 2026-12-31',
      '  - ruleId: entra-secret-long-lived',
      '    subject: "Legacy *"',
      '    reason: vendor limitation',
      '    owner: marco',
      '    expires: 2027-01-01T00:00:00Z',
    ].join('\n');
    const ws = parseWaivers(text, 'w.yaml');
    expect(ws).toEqual([
      { fingerprint: 'abc', reason: 'accepted until the migration', owner: 'alice@northwind.example', ticket: '1234', expires: '2026-12-31', source: { file: 'w.yaml', line: 2 } },
      { ruleId: 'entra-secret-long-lived', subject: 'Legacy *', reason: 'vendor limitation', owner: 'marco', expires: '2027-01-01T00:00:00Z', source: { file: 'w.yaml', line: 7 } },
    ]);
  });

  it('accepts a bare list and an empty file', () => {
    expect(parseWaivers('- fingerprint: a\n  reason: r\n  owner: o\n  expires: 2030-01-01\n', 'w.yaml')).toHaveLength(1);
    expect(parseWaivers('', 'w.yaml')).toEqual([]);
  });

  const good = ['  - ruleId: r1', '    subject: s', '    reason: r', '    owner: o', '    expires: 2030-01-01'];
  it.each([
    ['a missing reason', ['waivers:', ...good, '  - fingerprint: x', '    owner: o', '    expires: 2030-01-01'], 7, /missing "reason"/],
    ['an impossible date', ['waivers:', '  - fingerprint: x', '    reason: r', '    owner: o', '    expires: 2026-02-30'], 5, /"expires" must be a date/],
    ['a date that is not a date', ['waivers:', '  - fingerprint: x', '    reason: r', '    owner: o', '    expires: next year'], 5, /"expires" must be a date/],
    ['an unknown key', ['waivers:', '  - fingerprint: x', '    reason: r', '    owner: o', '    expires: 2030-01-01', '    expiry: 2030-01-01'], 6, /unknown key "expiry"/],
    ['a rule without a subject', ['waivers:', '  - ruleId: r1', '    reason: r', '    owner: o', '    expires: 2030-01-01'], 2, /"ruleId" together with a "subject"/],
    ['an empty owner', ['waivers:', '  - fingerprint: x', '    reason: r', '    owner: ""', '    expires: 2030-01-01'], 4, /"owner" must be a non-empty string/],
    ['a severity Object.prototype has', ['waivers:', '  - fingerprint: x', '    reason: r', '    owner: o', '    expires: 2030-01-01', '    severity: constructor'], 6, /"severity" must be critical/],
    // Rule ids are matched exactly: "*" would waive nothing while looking like "every rule".
    ['a rule id written as a pattern', ['waivers:', '  - ruleId: "*"', '    subject: s', '    reason: r', '    owner: o', '    expires: 2030-01-01'], 2, /"ruleId" names one rule exactly/],
    ['a rule id with a ?', ['waivers:', '  - ruleId: aws-role-unuse?', '    subject: s', '    reason: r', '    owner: o', '    expires: 2030-01-01'], 2, /"ruleId" names one rule exactly/],
    ['a severity named __proto__', ['waivers:', '  - fingerprint: x', '    reason: r', '    owner: o', '    expires: 2030-01-01', '    severity: __proto__'], 6, /"severity" must be critical/],
  ])('names the file and line of %s', (_what, lines, line, msg) => {
    const e = errorOf(() => parseWaivers(lines.join('\n'), '.nhiscan/waivers.yaml'));
    expect(e.file).toBe('.nhiscan/waivers.yaml');
    expect(e.location).toBe(`line ${line}`);
    expect(e.message).toMatch(msg);
  });

  it('gives JSON entries their line too', () => {
    const json = JSON.stringify({ waivers: [{ fingerprint: 'a', reason: 'r', owner: 'o', expires: '2030-01-01' }, { fingerprint: 'b', owner: 'o', expires: '2030-01-01' }] }, null, 2);
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-w-'));
    const file = join(dir, 'waivers.json');
    writeFileSync(file, json);
    const e = errorOf(() => loadWaivers(file, dir));
    const expected = json.split('\n').findIndex((l) => l.includes('"b"'));
    // The entry's opening brace is the line before its first key.
    expect(e.location).toBe(`line ${expected}`);
    expect(e.oneLine()).toContain(file);
  });

  it.each([
    ['a key given twice', ['waivers:', '  - fingerprint: a', '    fingerprint: b'], 'line 3 column 5', 'cannot parse waivers (Map keys must be unique)'],
    ['a tab as indentation', ['waivers:', '\t- fingerprint: a'], 'line 2 column 1', 'cannot parse waivers (Tabs are not allowed as indentation)'],
    ['an unclosed flow map', ['waivers:', '  - {fingerprint: a'], 'line 2 column 20', /^cannot parse waivers \(Flow map in block collection must be sufficiently indented and end with a \}\)$/],
    // As in the config file: the library would read the tagged value some other way than written.
    ['an unknown tag', ['waivers:', '  - fingerprint: !custom a', '    reason: r', '    owner: o', '    expires: 2030-01-01'], 'line 2 column 18', 'cannot parse waivers (Unresolved tag: !custom)'],
  ])('a YAML syntax problem (%s) is one line with its place, said once', (_what, lines, location, msg) => {
    const e = errorOf(() => parseWaivers(lines.join('\n'), 'w.yaml'));
    expect(e.location).toBe(location);
    if (typeof msg === 'string') expect(e.message).toBe(msg);
    else expect(e.message).toMatch(msg);
    // The parser's own "at line 3, column 5:" (the start of a code frame) is not repeated.
    expect(e.oneLine()).not.toMatch(/at line \d+|:$/);
  });

  it('reports JSON syntax errors with the JSON parser position', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-w-'));
    const file = join(dir, 'waivers.json');
    writeFileSync(file, '{\n "waivers": [\n  {"fingerprint": "a",}\n ]\n}');
    expect(errorOf(() => loadWaivers(file, dir)).location).toMatch(/^line 3/);
  });
});

describe('expiry and globs', () => {
  it('a date waives through the end of that UTC day', () => {
    const end = expiryInstant('2026-11-20')!;
    expect(end).toBe(Date.parse('2026-11-21T00:00:00Z'));
    expect(expiryInstant('2026-11-20T12:00:00Z')).toBe(Date.parse('2026-11-20T12:00:00Z'));
    expect(expiryInstant('20261120')).toBeUndefined();
  });

  it('globs match * and ? and treat everything else literally', () => {
    expect(compileGlob('Legacy *')('Legacy Provisioning Sync')).toBe(true);
    expect(compileGlob('app-?')('app-1')).toBe(true);
    expect(compileGlob('app-?')('app-12')).toBe(false);
    expect(compileGlob('a.b')('axb')).toBe(false);
    expect(compileGlob('arn:aws:iam::1:role/(x)')('arn:aws:iam::1:role/(x)')).toBe(true);
    expect(compileGlob('*')('')).toBe(true);
    expect(compileGlob('a*b*c')('a-b-b-c')).toBe(true);
    expect(compileGlob('a*b*c')('a-b-b-c-')).toBe(false);
    expect(compileGlob('*sync**')('Legacy sync')).toBe(true);
    expect(compileGlob('line*end')('line\nend')).toBe(true);
    expect(compileGlob('?')('')).toBe(false);
  });

  it('answers a pattern with several stars against a long provider name that does not match', () => {
    // A regex of .* runs backtracks for minutes here (display names are provider-controlled); a
    // backtracking matcher would not finish within the test timeout. No wall time is asserted.
    const name = 'x-'.repeat(128);
    expect(compileGlob('*-*-*-*-*-*-*-breakglass')(name)).toBe(false);
    expect(compileGlob('*-*-*-*-*-*-*-breakglass')(`${name}breakglass`)).toBe(true);
    expect(compileGlob('*a*a*a*a*a*a*b')('a'.repeat(256))).toBe(false);
    expect(compileGlob('*a*a*a*a*a*a*b')(`${'a'.repeat(256)}b`)).toBe(true);
  });
});

describe('applyWaivers', () => {
  const w = (over: Partial<Waiver>): Waiver => ({ reason: 'accepted', owner: 'alice', expires: '2030-01-01', source: src, ...over });

  it('with 3,000 entries of one rule on exact subjects, gives each finding the first entry that matches its id, native id or app id, and reports the rest', () => {
    // Entries whose subject is an exact value are looked up by it; patterns are still tested one
    // by one. The answer is the file order's, as when every entry was tested.
    const n = 3000;
    const R = 'entra-secret-long-lived';
    const fs = Array.from({ length: n }, (_, i) =>
      finding({ name: `App ${i}`, subject: { id: `entra:t1:sp:${i}`, name: `App ${i}`, type: 'entra-service-principal', scope: 't1', nativeId: `n-${i}`, ...(i % 5 === 0 ? { appId: `app-${i}` } : {}) } }),
    );
    const entries: Waiver[] = [];
    const at = (over: Partial<Waiver>) => entries.push(w({ ruleId: R, ...over, source: { file: 'w.yaml', line: entries.length + 1 } }));
    for (let i = 0; i < n; i += 2) at({ subject: `entra:t1:sp:${i}`, reason: `id ${i}` });
    for (let i = 0; i < n; i += 3) at({ subject: `n-${i}`, reason: `native ${i}` });
    for (let i = 0; i < n; i += 5) at({ subject: `app-${i}`, reason: `app ${i}` });
    // By display name only: waives nothing, and says so (7 and 49 are matched by nothing else).
    at({ subject: 'App 7', reason: 'name 7' });
    at({ subject: 'App 49', reason: 'name 49' });
    // Another rule's entry on a subject of this one, and one on no subject: stale.
    at({ ruleId: 'entra-app-no-owner', subject: 'entra:t1:sp:4', reason: 'other rule' });
    at({ subject: 'entra:t1:sp:99999', reason: 'gone' });
    // Expired, on a subject nothing else waives: the run fails on it.
    at({ subject: 'entra:t1:sp:1', reason: 'expired', expires: '2020-01-01' });
    // A pattern after them all: it waives what no exact entry does.
    at({ subject: 'entra:t1:sp:29?', reason: 'pattern' });
    const out = applyWaivers(fs, entries, NOW);
    const expected = fs.map((_, i) =>
      i % 2 === 0 ? `id ${i}` : i % 3 === 0 ? `native ${i}` : i % 5 === 0 ? `app ${i}` : i >= 290 && i <= 299 ? 'pattern' : undefined,
    );
    expect(out.findings.map((f) => f.waiver?.reason)).toEqual(expected);
    expect(out.waived).toBe(expected.filter((r) => r !== undefined).length);
    expect(out.expiredFail).toBe(true);
    expect(out.expired.map((e) => [e.waiver.reason, e.matched])).toEqual([['expired', 1]]);
    expect(out.stale.map((x) => x.reason)).toEqual(['other rule', 'gone']);
    const nameOnly = out.messages.filter((m) => m.includes('by display name only'));
    expect(nameOnly.map((m) => m.slice(0, m.indexOf(':', 8)))).toEqual([`w.yaml:${entries.length - 5}`, `w.yaml:${entries.length - 4}`]);
  });

  it('waives by fingerprint and keeps the finding visible with its waiver', () => {
    const [a, b] = [finding(), finding()];
    const out = applyWaivers([a, b], [w({ fingerprint: a.fingerprint, ticket: 'SEC-1' })], NOW);
    expect(out.waived).toBe(1);
    expect(out.findings).toHaveLength(2);
    expect(out.findings[0]).toMatchObject({ status: 'waived', waiver: { reason: 'accepted', owner: 'alice', ticket: 'SEC-1', expires: '2030-01-01' } });
    expect(out.findings[1].status).toBeUndefined();
    expect(out.messages).toEqual([]);
    expect(out.expiredFail).toBe(false);
  });

  it('waives by rule id plus a subject pattern on the stable id or the native id', () => {
    const byId = finding({ subject: { id: 'entra:t1:sp:4f1c', name: 'Legacy Sync', type: 'entra-service-principal', scope: 't1', nativeId: '4f1c' } });
    const byNative = finding({ subject: { id: 'aws:1:role:arn:aws:iam::1:role/ci', name: 'ci', type: 'aws-iam-role', scope: '1', nativeId: 'arn:aws:iam::1:role/ci' } });
    const otherRule = finding({ ruleId: 'entra-app-no-owner', subject: { id: 'entra:t1:sp:77', name: 'x', type: 'entra-service-principal', scope: 't1', nativeId: '77' } });
    const unmatched = finding({ name: 'Modern Sync' });
    const out = applyWaivers(
      [byId, byNative, otherRule, unmatched],
      [w({ ruleId: 'entra-secret-long-lived', subject: 'entra:t1:sp:4f1c' }), w({ ruleId: 'entra-secret-long-lived', subject: 'arn:aws:iam::1:role/*' }), w({ ruleId: 'entra-app-no-owner', subject: '7?' })],
      NOW,
    );
    expect(out.findings.map((f) => f.status ?? '-')).toEqual(['waived', 'waived', 'waived', '-']);
    expect(out.messages).toEqual([]);
  });

  it('waives a trusted AWS account outside the scan by its bare id as well as its root ARN', () => {
    // Its native id is arn:aws:iam::<id>:root; earlier versions gave the bare id, which waivers name.
    const outside = (acct: string) =>
      finding({ provider: 'external', ruleId: 'nhi-path-to-crown-jewel', subject: { id: `external:aws-account:ext:${acct}`, name: `AWS account ${acct} (not scanned)`, type: 'aws-account', scope: acct, nativeId: `arn:aws:iam::${acct}:root` } });
    // An identity of a scanned account is not waived by its account id (its scope).
    const inside = finding({ provider: 'aws', ruleId: 'nhi-path-to-crown-jewel', subject: { id: 'aws:012345678901:role:ci', name: 'ci', type: 'aws-iam-role', scope: '012345678901', nativeId: 'arn:aws:iam::012345678901:role/ci' } });
    const out = applyWaivers(
      [outside('012345678901'), outside('999988887777'), outside('111122223333'), inside],
      [w({ ruleId: 'nhi-path-to-crown-jewel', subject: '012345678901' }), w({ ruleId: 'nhi-path-to-crown-jewel', subject: 'arn:aws:iam::9999*:root' })],
      NOW,
    );
    expect(out.findings.map((f) => f.status ?? '-')).toEqual(['waived', 'waived', '-', '-']);
  });

  it('waives an Entra app by its app id (client id), a native id as the docs list it', () => {
    const sp = finding({ subject: { id: 'entra:t1:sp:4f1c', name: 'Legacy Sync', type: 'entra-service-principal', scope: 't1', nativeId: '4f1c', appId: '8541c25c-aaaa' } });
    const other = finding({ subject: { id: 'entra:t1:sp:77', name: 'Other', type: 'entra-service-principal', scope: 't1', nativeId: '77', appId: '1111-bbbb' } });
    const out = applyWaivers([sp, other], [w({ ruleId: 'entra-secret-long-lived', subject: '8541c25c-*' })], NOW);
    expect(out.findings.map((f) => f.status ?? '-')).toEqual(['waived', '-']);
    expect(out.messages).toEqual([]);
  });

  it('does not waive on a display name, which the provider controls: the finding counts, and a message says why', () => {
    // Anyone who can create or rename an app can give it a name a waiver pattern matches.
    const renamed = finding({ name: 'Legacy Sync (attacker)' });
    const also = finding({ name: 'Legacy Tools' });
    const out = applyWaivers([renamed, also], [w({ ruleId: 'entra-secret-long-lived', subject: 'Legacy*', source: { file: 'w.yaml', line: 12 } })], NOW);
    expect(out.findings.map((f) => f.status ?? '-')).toEqual(['-', '-']);
    expect(out.waived).toBe(0);
    expect(out.expiredFail).toBe(false);
    // Not "stale; remove it": the entry is there to be rewritten with ids.
    expect(out.stale).toEqual([]);
    expect(out.messages).toEqual([
      `w.yaml:12: waiver for entra-secret-long-lived on "Legacy*" matches 2 findings by display name only, which does not waive them: names are provider-controlled (whoever can create or rename an app could match the pattern); write the subject's id or ARN instead, e.g. "${renamed.subject.id}", or its fingerprint`,
    ]);
  });

  it('an entry that waives by id and would match others by name waives the former, and names the latter', () => {
    const byId = finding({ subject: { id: 'entra:t1:sp:legacy-1', name: 'Legacy One', type: 'entra-service-principal', scope: 't1', nativeId: 'legacy-1' } });
    const byName = finding({ name: 'Legacy Two' });
    const out = applyWaivers([byId, byName], [w({ ruleId: 'entra-secret-long-lived', subject: '*egacy*' })], NOW);
    expect(out.findings.map((f) => f.status ?? '-')).toEqual(['waived', '-']);
    expect(out.messages).toHaveLength(1);
    expect(out.messages[0]).toMatch(/matches 1 finding by display name only, which does not waive it: .* e\.g\. "entra:t1:sp:\d+"/);
  });

  it('a name-only match that another entry waives is not called unwaived', () => {
    const legacy = finding({ name: 'Legacy Sync' });
    const other = finding({ name: 'Legacy Tools' });
    const byName = w({ ruleId: legacy.ruleId, subject: 'Legacy *', source: { file: 'w.yaml', line: 2 } });
    const byId = w({ ruleId: legacy.ruleId, subject: legacy.subject.id, source: { file: 'w.yaml', line: 8 } });
    const one = applyWaivers([legacy], [byName, byId], NOW);
    expect(one.findings[0].status).toBe('waived');
    expect(one.messages).toEqual([
      `w.yaml:2: waiver for entra-secret-long-lived on "Legacy *" matches 1 finding by display name only, which does not waive it (another entry does): names are provider-controlled (whoever can create or rename an app could match the pattern); write the subject's id or ARN instead, e.g. "${legacy.subject.id}", or its fingerprint`,
    ]);
    // Two name-only matches, one of them waived by the other entry.
    const two = applyWaivers([legacy, other], [byName, byId], NOW);
    expect(two.findings.map((f) => f.status ?? '-')).toEqual(['waived', '-']);
    expect(two.messages[0]).toMatch(/^w\.yaml:2: .* matches 2 findings by display name only, which does not waive them \(another entry waives 1 of them\): names are/);
  });

  it('an expired entry that would match by name only says it expired, nothing about names', () => {
    const a = finding({ name: 'Legacy Sync' });
    const out = applyWaivers([a], [w({ ruleId: a.ruleId, subject: 'Legacy*', expires: '2020-01-01' })], NOW);
    expect(out.messages).toEqual(['w.yaml:1: waiver for entra-secret-long-lived on "Legacy*" expired on 2020-01-01 and matches no finding; remove it']);
  });

  it('an expired waiver stops waiving, is reported, and fails the run', () => {
    const a = finding();
    const out = applyWaivers([a], [w({ fingerprint: a.fingerprint, expires: '2026-11-19', source: { file: 'w.yaml', line: 7 } })], NOW);
    expect(out.findings[0].status).toBeUndefined();
    expect(out.waived).toBe(0);
    expect(out.expiredFail).toBe(true);
    expect(out.messages).toEqual([`w.yaml:7: waiver for fingerprint ${a.fingerprint} expired on 2026-11-19; 1 finding counts again`]);
  });

  it('a waiver valid on its expiry day still waives', () => {
    const a = finding();
    const out = applyWaivers([a], [w({ fingerprint: a.fingerprint, expires: '2026-11-20' })], NOW);
    expect(out.findings[0].status).toBe('waived');
  });

  it('an entry that matches nothing is reported as stale without failing', () => {
    const out = applyWaivers([finding()], [w({ ruleId: 'aws-role-unused', subject: 'nothing-*', source: { file: 'w.yaml', line: 3 } })], NOW);
    expect(out.stale).toHaveLength(1);
    expect(out.expiredFail).toBe(false);
    expect(out.messages).toEqual(['w.yaml:3: waiver for aws-role-unused on "nothing-*" matches no finding (stale); remove it']);
  });

  it('an active waiver wins over an expired one for the same finding', () => {
    const a = finding();
    const out = applyWaivers([a], [w({ fingerprint: a.fingerprint, expires: '2020-01-01' }), w({ ruleId: a.ruleId, subject: a.subject.id })], NOW);
    expect(out.findings[0].status).toBe('waived');
    expect(out.expiredFail).toBe(false);
    // The message does not say the finding counts again: the active entry still waives it.
    expect(out.messages).toEqual([`w.yaml:1: waiver for fingerprint ${a.fingerprint} expired on 2020-01-01; the finding it matches is waived by another entry; remove it`]);
    // Of two findings an expired rule-wide entry matches, one still waived by another entry.
    const [b, c] = [finding({ ruleId: 'entra-app-no-owner' }), finding({ ruleId: 'entra-app-no-owner' })];
    const two = applyWaivers([b, c], [w({ ruleId: 'entra-app-no-owner', subject: 'entra:t1:sp:*', expires: '2020-01-01' }), w({ fingerprint: c.fingerprint })], NOW);
    expect(two.findings.map((f) => f.status ?? '-')).toEqual(['-', 'waived']);
    expect(two.messages).toEqual(['w.yaml:1: waiver for entra-app-no-owner on "entra:t1:sp:*" expired on 2020-01-01; 1 finding counts again (another entry waives 1 more)']);
  });
});

describe('applyCiLayer', () => {
  it('finds .nhiscan/waivers.yaml in the working directory, marks findings and adds warnings', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'nhiscan-cwd-'));
    mkdirSync(join(cwd, '.nhiscan'));
    const [a, b] = [finding(), finding()];
    writeFileSync(
      join(cwd, '.nhiscan/waivers.yaml'),
      // Quoted: the helper's fingerprints may be all digits, which YAML would read as a number.
      `- fingerprint: "${a.fingerprint}"\n  reason: r\n  owner: o\n  expires: 2030-01-01\n- fingerprint: deadbeef\n  reason: r\n  owner: o\n  expires: 2030-01-01\n`,
    );
    const r = report([a, b]);
    const out = applyCiLayer(r, {}, r.scannedAt, cwd);
    expect(r.findings.map((f) => f.status)).toEqual(['waived', undefined]);
    expect(r.summary.waived).toBe(1);
    expect(out.staleOrExpiredFail).toBe(false);
    expect(out.messages).toHaveLength(1);
    // Named as the user would type it, not by the runner's checkout path: reports stay the same
    // whichever directory the repository was cloned to.
    expect(out.messages[0]).toMatch(/^\.nhiscan\/waivers\.yaml:5: /);
    expect(r.warnings).toEqual(out.messages);
  });

  it('names a bad entry in the default waivers file relative to the working directory', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'nhiscan-cwd-'));
    mkdirSync(join(cwd, '.nhiscan'));
    writeFileSync(join(cwd, '.nhiscan/waivers.yml'), '- fingerprint: a\n  owner: o\n  expires: 2030-01-01\n');
    const e = errorOf(() => applyCiLayer(report([]), {}, '2026-11-20T09:00:00Z', cwd));
    expect(e.oneLine()).toBe('.nhiscan/waivers.yml: line 1: waiver is missing "reason"');
    // A file that cannot be read is named the same way.
    const other = mkdtempSync(join(tmpdir(), 'nhiscan-cwd-'));
    mkdirSync(join(other, '.nhiscan/waivers.yaml'), { recursive: true });
    expect(errorOf(() => applyCiLayer(report([]), {}, '2026-11-20T09:00:00Z', other)).oneLine()).toBe('.nhiscan/waivers.yaml: is a folder, expected a file');
  });

  it('without a waivers file leaves findings alone; with a baseline marks and counts them', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'nhiscan-cwd-'));
    const [a, b] = [finding(), finding()];
    const first = report([a]);
    const file = join(cwd, 'baseline.json');
    applyCiLayer(first, { writeBaseline: file }, first.scannedAt, cwd);
    expect(JSON.parse(readFileSync(file, 'utf8')).findings).toEqual([{ fingerprint: a.fingerprint, ruleId: a.ruleId, subjectId: a.subject.id, severity: a.severity }]);
    expect(first.summary.waived).toBeUndefined();
    const second = report([a, b]);
    applyCiLayer(second, { baseline: file }, second.scannedAt, cwd);
    expect(second.summary.baseline).toEqual({ new: 1, unchanged: 1, resolved: 0, unknown: 0 });
    expect(second.findings.map((f) => f.status)).toEqual(['unchanged', 'new']);
  });

  it('says so when the baseline matches none of the findings (another tenant, or the wrong file)', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'nhiscan-cwd-'));
    const file = join(cwd, 'baseline.json');
    const other = report([finding(), finding()]);
    applyCiLayer(other, { writeBaseline: file }, other.scannedAt, cwd);
    const r = report([finding(), finding(), finding()]);
    const out = applyCiLayer(r, { baseline: file }, r.scannedAt, cwd);
    expect(r.summary.baseline).toEqual({ new: 3, unchanged: 0, resolved: 2, unknown: 0 });
    expect(out.messages).toEqual([`${file}: the baseline matches none of the 3 findings, so all are new (a baseline of another tenant, or the wrong file?)`]);
    expect(r.warnings).toEqual(out.messages);
    // Control: one known finding is enough to stay quiet.
    const some = report([other.findings[0], finding()]);
    expect(applyCiLayer(some, { baseline: file }, some.scannedAt, cwd).messages).toEqual([]);
  });

  it('does not tell to remove a waiver that matches nothing when collection was incomplete', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'nhiscan-cwd-'));
    const file = join(cwd, 'w.yaml');
    writeFileSync(file, '- fingerprint: deadbeef\n  reason: r\n  owner: o\n  expires: 2030-01-01\n');
    const gap = { provider: 'entra' as const, scope: 't1', capability: 'entra.owners', status: 'missing-permission' as const };
    const partial = report([finding()], { coverage: [gap] });
    expect(applyCiLayer(partial, { waivers: file }, partial.scannedAt, cwd).messages).toEqual([
      `${file}:1: waiver for fingerprint deadbeef matches no finding, but collection was incomplete (not collected: entra.owners in entra t1; see coverage): its finding may be unknown in this scan; keep it until a complete scan`,
    ]);
    const complete = report([finding()]);
    expect(applyCiLayer(complete, { waivers: file }, complete.scannedAt, cwd).messages).toEqual([`${file}:1: waiver for fingerprint deadbeef matches no finding (stale); remove it`]);
  });

  it('the same file as --baseline and --write-baseline compares first, then updates', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'nhiscan-cwd-'));
    const file = join(cwd, 'baseline.json');
    const [a, b] = [finding(), finding()];
    const first = report([a]);
    applyCiLayer(first, { writeBaseline: file }, first.scannedAt, cwd);
    const second = report([a, b]);
    applyCiLayer(second, { baseline: file, writeBaseline: file }, second.scannedAt, cwd);
    expect(second.summary.baseline).toEqual({ new: 1, unchanged: 1, resolved: 0, unknown: 0 });
    expect(JSON.parse(readFileSync(file, 'utf8')).findings).toHaveLength(2);
  });

  it('a named waivers file that does not exist is an input error', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'nhiscan-cwd-'));
    expect(errorOf(() => applyCiLayer(report([]), { waivers: join(cwd, 'nope.yaml') }, '2026-11-20T09:00:00Z', cwd)).message).toMatch(/no such file/);
  });
});

describe('a waiver that records the severity it accepted', () => {
  const w = (over: Partial<Waiver>): Waiver => ({ reason: 'accepted', owner: 'alice', expires: '2030-01-01', source: { file: 'w.yaml', line: 4 }, ...over });

  it('parses an optional severity and rejects a value that is not one', () => {
    const base = ['- fingerprint: a', '  reason: r', '  owner: o', '  expires: 2030-01-01'];
    expect(parseWaivers([...base, '  severity: medium'].join('\n'), 'w.yaml')[0].severity).toBe('medium');
    expect(parseWaivers(base.join('\n'), 'w.yaml')[0].severity).toBeUndefined();
    const e = errorOf(() => parseWaivers([...base, '  severity: severe'].join('\n'), 'w.yaml'));
    expect(e.message).toMatch(/severity/);
    expect(e.message).toMatch(/critical, high, medium, low or info/);
  });

  it('covers its finding at that severity or lower; a higher severity counts again, with a message', () => {
    const same = finding({ severity: 'high' });
    const lower = finding({ severity: 'medium', ruleId: 'entra-app-no-owner' });
    const risen = finding({ severity: 'critical' });
    const out = applyWaivers(
      [same, lower, risen],
      [w({ fingerprint: same.fingerprint, severity: 'high' }), w({ fingerprint: lower.fingerprint, severity: 'high' }), w({ fingerprint: risen.fingerprint, severity: 'high', source: { file: 'w.yaml', line: 9 } })],
      NOW,
    );
    expect(out.findings.map((f) => f.status ?? '-')).toEqual(['waived', 'waived', '-']);
    expect(out.waived).toBe(2);
    expect(out.stale).toEqual([]);
    expect(out.messages).toHaveLength(1);
    expect(out.messages[0]).toMatch(/^w\.yaml:9: waiver for fingerprint .* accepted severity high, but 1 finding it matches is now critical: it no longer waives that finding/);
  });

  it('a finding above an unexpired waiver\'s severity counts like any other, but does not fail the run by itself', () => {
    // Only an expired waiver fails a gating run whatever the severity; an outgrown one makes its
    // finding count again, so the finding fails the gate only at or above --fail-on.
    const risen = finding({ severity: 'low' });
    const out = applyWaivers([risen], [w({ fingerprint: risen.fingerprint, severity: 'info' })], NOW);
    expect(out.findings[0].status).toBeUndefined();
    expect(out.expiredFail).toBe(false);
    // The same entry by rule and subject glob.
    const glob = applyWaivers([risen], [w({ ruleId: risen.ruleId, subject: 'entra:t1:*', severity: 'info' })], NOW);
    expect(glob.findings[0].status).toBeUndefined();
    expect(glob.expiredFail).toBe(false);
  });

  it('an expired waiver still fails the run when an unexpired one matches the finding but not its severity', () => {
    const risen = finding({ severity: 'high' });
    const out = applyWaivers([risen], [w({ fingerprint: risen.fingerprint, expires: '2020-01-01' }), w({ ruleId: risen.ruleId, subject: risen.subject.id, severity: 'low' })], NOW);
    expect(out.findings[0].status).toBeUndefined();
    expect(out.expiredFail).toBe(true);
  });

  it('without the field a waiver keeps covering its finding whatever its severity', () => {
    const risen = finding({ severity: 'critical' });
    const out = applyWaivers([risen], [w({ fingerprint: risen.fingerprint })], NOW);
    expect(out.findings[0].status).toBe('waived');
    expect(out.messages).toEqual([]);
  });
});
