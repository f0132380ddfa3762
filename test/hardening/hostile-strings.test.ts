import { afterAll, describe, expect, it } from 'vitest';
import { FORMATS, render, type Format } from '../../src/reporters/index.js';
import type { ScanResult } from '../../src/scan.js';
import { cli } from '../helpers/cli.js';
import { explain } from '../../src/explain.js';
import { renderExplain } from '../../src/reporters/explain.js';
import { copyDemo, readJsonFile, scanSnapshotDir, scratch, writeJsonFile } from './demo-copy.js';
import { parseCsv } from './csv-parse.js';

/** Strings a tenant admin (or an attacker who can name an app) controls. */
const LONG = 'L'.repeat(100_000);
const tags = (s: string): string => [...s].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
/** The flags of England, Scotland and Wales: a black flag, tag letters, a cancel tag. */
const SUBDIVISION_FLAGS = ['gbeng', 'gbsct', 'gbwls'].map((code) => `\u{1f3f4}${tags(code)}\u{e007f}`).join('');
const LEGIT = `Ops \u{1f468}\u200d\u{1f469}\u200d\u{1f467} \u56e2\u961f \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 ${SUBDIVISION_FLAGS}`;
const PAYLOADS = [
  '\u001b[31mRED-NAME\u001b[0m',
  '\u001b]8;;http://evil.example/\u0007click-here\u001b]8;;\u0007',
  'ctl\u0000\u0007\u0008\r\nnext-line\u009b2J',
  'invoice\u202egpj.exe',
  '=HYPERLINK("http://x")',
  "+cmd|' /C calc'!A0",
  '@SUM(1)',
  '-1+1',
  `long-${LONG}`,
  // A formula behind a leading double quote, and Unicode line and paragraph separators.
  '"=1+HR Sync Service',
  'line\u2028SEPARATED\u2029para',
];
/** Names of Okta apps added to the hostile demo, one each, after the ones that take PAYLOADS. */
const EXTRA = [
  // Characters that draw nothing: a name that looks like another, and text hidden in tag characters.
  `HR Sync\u200b Service\u2060${tags('hidden text')}\ufeff\u00ad`,
  // Text hidden inside what starts as the flag of England.
  `Flag Sync \u{1f3f4}${tags('gbeng hidden')}\u{e007f}`,
  // A formula behind a semicolon, a cell of its own where `;` separates fields.
  "Billing Sync;=2+5*cmd|' /C calc'!A0;x",
  // Legitimate names: an emoji joined by ZWJ (a family), CJK, Persian with a ZWNJ, and the
  // three flags spelled with tag characters.
  LEGIT,
];
const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
const AWS = 'aws/111122223333/authorization-details.json';

const tmp = scratch('hostile-strings');
afterAll(() => tmp.cleanup());

/** A demo copy where every tenant-owned name, tag and Sid a reporter might print is hostile. */
function hostileDemo(): string {
  const dir = copyDemo(tmp.dir, 'demo');
  let n = 0;
  const next = (): string => PAYLOADS[n++ % PAYLOADS.length];
  const sps = readJsonFile(dir, 'entra/servicePrincipals.json');
  for (const sp of sps.value) {
    if (sp.appOwnerOrganizationId !== TENANT) continue;
    sp.displayName = next();
    sp.tags = [next(), next()];
  }
  writeJsonFile(dir, 'entra/servicePrincipals.json', sps);
  const apps = readJsonFile(dir, 'okta/apps.json');
  for (const app of apps) app.label = next();
  // Copies of the second service app (the one without a secret), each with an id of its own.
  EXTRA.forEach((label, i) => {
    const id = `0oaExtraApp${i}`;
    const copy = structuredClone(apps[1]);
    Object.assign(copy, { id, label });
    copy.credentials.oauthClient.client_id = id;
    apps.push(copy);
  });
  writeJsonFile(dir, 'okta/apps.json', apps);
  const authz = readJsonFile(dir, AWS);
  for (const role of authz.RoleDetailList) {
    role.Tags = [...(role.Tags ?? []), { Key: 'owner', Value: next() }];
    for (const p of role.RolePolicyList ?? []) for (const st of [p.PolicyDocument.Statement].flat()) st.Sid = next();
  }
  writeJsonFile(dir, AWS, authz);
  return dir;
}

const dir = hostileDemo();
const result: ScanResult = scanSnapshotDir(dir);

function registered(format: Format): boolean {
  try {
    render(format, result, { color: false });
    return true;
  } catch (e) {
    if (/not available yet/.test((e as Error).message)) return false;
    throw e;
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]/;
const SEPARATORS = /[\u2028\u2029]/;
// What draws nothing; a ZWJ or ZWNJ is checked apart (it is kept inside an emoji sequence or a word).
const INVISIBLE = /[\u00ad\u180e\u200b\u2060-\u2064\ufeff\u{e0000}-\u{e007f}]/u;

/** No invisible character, and the one legitimate name whole (its joiners and flags kept). */
function expectNoInvisible(out: string): void {
  expect(out.replaceAll(LEGIT, '')).not.toMatch(INVISIBLE);
  expect(out.replaceAll(LEGIT, '')).not.toMatch(/[\u200c\u200d]/);
  expect(out).toContain(LEGIT);
}

describe('the hostile demo reaches the reporters', () => {
  it('carries the raw payloads into the report data (so the checks below are not vacuous)', () => {
    const json = JSON.stringify(result.report);
    expect(json).toContain(JSON.stringify(PAYLOADS[4]).slice(1, -1));
    expect(json).toContain('\\u001b[31mRED-NAME');
    expect(result.report.identities.some((i) => PAYLOADS.includes(i.name))).toBe(true);
  });
});

describe.each(['table', 'markdown'] as const)('%s output', (format) => {
  it.skipIf(!registered(format))('has no control or bidi character, keeps the visible text, and cuts long values', () => {
    const out = render(format, result, { color: false });
    expect(out).not.toMatch(CONTROL_EXCEPT_NEWLINE);
    expect(out).not.toMatch(BIDI);
    expect(out).not.toMatch(SEPARATORS);
    expect(out).toContain('RED-NAME');
    expect(out).toContain('SEPARATED');
    expect(out).not.toContain(LONG);
    expect(Math.max(...out.split('\n').map((l) => l.length))).toBeLessThan(10_000);
    expectNoInvisible(out);
    expect(out).toContain('HR Sync\ufffd Service\ufffd');
    // Every tag character of the false flag is shown as one U+FFFD; its black flag stays.
    expect(out).toContain(`Flag Sync \u{1f3f4}${'\ufffd'.repeat(13)}`);
  });
});

describe('table output with colour on', () => {
  it('emits only its own colour codes: no payload escape, no OSC hyperlink', () => {
    const out = render('table', result, { color: true });
    expect(out).not.toContain('\u001b]');
    expect(out).not.toContain('\u001b[31mRED-NAME');
    expect(out).not.toContain('\u009b');
    expect(out).not.toMatch(BIDI);
    // Whatever ESC remains starts an SGR colour sequence.
    expect(out.replace(/\u001b\[[0-9;]*m/g, '')).not.toContain('\u001b');
  });

  it('is the same through the built CLI', () => {
    const r = cli(['scan', '--snapshot', dir, '--now', '2026-11-20T09:00:00Z']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(CONTROL_EXCEPT_NEWLINE);
    expect(r.stdout).not.toMatch(BIDI);
    expect(r.stdout).toContain('RED-NAME');
  });
});

// eslint-disable-next-line no-control-regex
const C0 = /[\u0000-\u0009\u000b-\u001f]/;

describe.each(['json', 'sarif'] as const)('%s output', (format) => {
  it.skipIf(!registered(format))('parses, keeps the values, and holds no raw C0 control character', () => {
    const out = render(format, result, { color: false });
    expect(() => JSON.parse(out)).not.toThrow();
    expect(out).not.toMatch(C0);
    if (format === 'sarif') {
      expect(out).not.toMatch(CONTROL_EXCEPT_NEWLINE);
      expect(out).not.toMatch(BIDI);
    }
    expectNoInvisible(out);
  });
});

// JSON.stringify leaves DEL, C1 controls (U+009B is a one-character CSI) and bidi overrides
// raw; the JSON reporter escapes them as \uXXXX, which keeps the parsed value identical.
describe('json output printed to a terminal', () => {
  it('holds no raw C1 control or bidi character, and parses to the same strings', () => {
    const out = render('json', result, { color: false });
    expect(out).not.toMatch(CONTROL_EXCEPT_NEWLINE);
    expect(out).not.toMatch(BIDI);
    // Invisible characters too, escaped as \uXXXX; the legitimate name's joiners stay raw.
    expectNoInvisible(out);
    expect(out).toContain('HR Sync\\u200b Service\\u2060\\udb40\\udc68');
    expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(result.report)));
  });
});

describe.each(['csv', 'recert-csv'] as const)('%s output', (format) => {
  it.skipIf(!registered(format))('parses as CSV, and no cell starts a formula or holds a control character', () => {
    const out = render(format, result, { color: false });
    const rows = parseCsv(out);
    expect(rows.length).toBeGreaterThan(1);
    const width = rows[0].length;
    const cells = rows.flat();
    for (const row of rows) expect(row).toHaveLength(width);
    for (const cell of cells) {
      expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      // A spreadsheet skips leading blanks and double quotes before it looks for a formula.
      expect(cell).not.toMatch(/^[\s"]+[=+\-@]/);
      expect(cell).not.toMatch(CONTROL_EXCEPT_NEWLINE);
      expect(cell).not.toMatch(BIDI);
      expect(cell).not.toMatch(SEPARATORS);
    }
    // The formula payloads are there, made inert.
    expect(cells.some((c) => c.includes('HYPERLINK') || c.includes('cmd|') || c.includes('SUM(1)'))).toBe(true);
    expect(cells.some((c) => c.includes('=1+HR Sync Service'))).toBe(true);
    // Nor does any piece behind a `;`, which a spreadsheet in a `;` locale makes a cell of its own.
    for (const line of out.split('\r\n')) for (const piece of line.split(';')) expect(piece).not.toMatch(/^[\s"]*[=+\-@]/);
    expect(cells).toContain("Billing Sync;'=2+5*cmd|' /C calc'!A0;x");
    expectNoInvisible(out);
    expect(cells.some((c) => c.includes('HR Sync\ufffd Service\ufffd'))).toBe(true);
    expect(cells.some((c) => c.includes(`Flag Sync \u{1f3f4}${'\ufffd'.repeat(13)}`))).toBe(true);
  });
});

describe('explain output', () => {
  it('has no control, bidi or separator character in the card of a hostile-named identity', () => {
    const named = result.report.identities.filter((i) => i.name.includes('SEPARATED'));
    expect(named.length).toBeGreaterThan(0);
    for (const identity of named) {
      const match = explain(result, identity.id);
      if (match.kind !== 'card') throw new Error(`no card for ${identity.id}`);
      const out = renderExplain(match.card, false);
      expect(out).toContain('SEPARATED');
      expect(out).not.toMatch(CONTROL_EXCEPT_NEWLINE);
      expect(out).not.toMatch(BIDI);
      expect(out).not.toMatch(SEPARATORS);
    }
  });
});

it('lists every format it checks among the registered ones', () => {
  expect([...FORMATS].sort()).toEqual(['csv', 'json', 'markdown', 'recert-csv', 'sarif', 'table']);
});
