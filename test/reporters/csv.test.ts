import { describe, it, expect } from 'vitest';
import { parseCsv } from '../../src/connectors/aws/transform-csv.js';
import { stringify } from 'csv-stringify/sync';
import { FINDING_COLUMNS, csvChunks, renderCsv } from '../../src/reporters/csv.js';
import { RECERT_COLUMNS, recommendActions, renderRecertCsv } from '../../src/reporters/recert.js';
import { renderChunks } from '../../src/reporters/index.js';
import { safeCell } from '../../src/reporters/sanitize.js';
import type { IdentitySummary } from '../../src/report/types.js';
import { identitySummary } from '../helpers/identity-summary.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { copyDemo, editJson, finding, report, scanDir } from '../ci/helpers.js';

// The last three start with a double quote: a spreadsheet drops it and reads the formula behind.
const FORMULAS = ['=HYPERLINK("http://evil.example","x")', '+cmd|\' /C calc\'!A0', '-2+3', '@SUM(1+1)*cmd', '\t=1+1', ' =1', '"=1+HR Sync Service', '"" @SUM(1)', ' "-2+3'];

/** What a spreadsheet would execute: a cell starting with = + - @ (after blanks and double quotes). */
const dangerous = (cell: string) => /^[\s"]*[=+\-@]/.test(cell);

describe('--format csv', () => {
  it('is RFC 4180 with CRLF, a fixed header and one row per finding', () => {
    const out = renderCsv(report([finding(), finding({ status: 'waived', waiver: { reason: 'r', owner: 'o', expires: '2030-01-01' } })]));
    expect(out.endsWith('\r\n')).toBe(true);
    expect(out.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(out.split('\r\n')[0]).toBe(FINDING_COLUMNS.join(','));
    const rows = parseCsv(out, 'out.csv');
    expect(rows).toHaveLength(2);
    expect(rows[1].status).toBe('waived');
    expect(rows[0].severity).toBe('high');
    expect(rows[0].base_severity).toBe('medium');
  });

  it('neutralizes formula-looking provider names in every cell', () => {
    const findings = FORMULAS.map((name) => finding({ name, ruleId: 'okta-api-token-age', remediation: name }));
    const rows = parseCsv(renderCsv(report(findings)), 'out.csv');
    expect(rows).toHaveLength(FORMULAS.length);
    for (const r of rows) for (const [col, cell] of Object.entries(r)) expect(dangerous(cell), `${col}: ${cell}`).toBe(false);
    // The text is kept behind the apostrophe, not dropped.
    expect(rows[0].subject_name).toBe(`'${FORMULAS[0]}`);
    expect(rows[2].subject_name).toBe("'-2+3");
    // After a leading double quote too, in the name, the message and the path alike.
    expect(rows[6].subject_name).toBe(`'${FORMULAS[6]}`);
    expect(rows[6].message).toBe(`'${FORMULAS[6]} has a secret valid for 730 days`);
  });

  it('neutralizes a path that starts with a quoted formula-looking name', () => {
    const hop = { from: 'a', fromName: '"=1+HR Sync Service', to: 'b', toName: 'Admin', type: 'GRANTED' as const, reason: 'r', hidden: false, conditional: false, provider: 'aws' };
    const rows = parseCsv(renderCsv(report([finding({ path: [hop] })])), 'x');
    expect(rows[0].path).toBe(`'"=1+HR Sync Service -[GRANTED]-> Admin`);
  });

  it('round-trips commas and quotes; a newline cannot split a row', () => {
    const names = ['Acme, Inc. "sync" app', 'a""b', 'line one\nline two', 'tab\tinside'];
    const rows = parseCsv(renderCsv(report(names.map((name) => finding({ name })))), 'out.csv');
    expect(rows).toHaveLength(names.length);
    expect(rows[0].subject_name).toBe('Acme, Inc. "sync" app');
    expect(rows[1].subject_name).toBe('a""b');
    expect(rows[2].subject_name).toBe('line one line two');
    expect(rows[3].subject_name).toBe('tab inside');
    expect(rows[0].message).toBe('Acme, Inc. "sync" app has a secret valid for 730 days');
  });

  it('writes the path as one readable cell', () => {
    const hop = { from: 'a', fromName: 'Repo', to: 'b', toName: 'deploy-role', type: 'FEDERATES_TO' as const, reason: 'r', hidden: true, conditional: false, provider: 'aws' };
    const rows = parseCsv(renderCsv(report([finding({ path: [hop, { ...hop, from: 'b', fromName: 'deploy-role', toName: 'Admin', type: 'GRANTED' }] })])), 'x');
    expect(rows[0].path).toBe('Repo -[FEDERATES_TO]-> deploy-role -[GRANTED]-> Admin');
  });
});

// In locales whose list separator is `;` (German, French, Dutch…), Excel splits a line of a
// CSV file at every `;` and ignores the RFC 4180 quotes around a cell that does not start a
// field: whatever follows a `;` inside a cell starts a cell of its own.
const SEMICOLON = ["Billing Sync;=2+5*cmd|' /C calc'!A0;x", 'a; @SUM(1)', 'a;"-2+3', 'a, +1', 'x;\uff1d1+1', '\uff20SUM(1)'];

/** The fields a spreadsheet splitting at `;` (or at `,` without honouring quotes) makes of a CSV text. */
const pieces = (text: string) => text.split('\r\n').flatMap((line) => line.split(/[;,]/));
const formulaStart = /^[\s"]*[=+\-@\uff1d\uff0b\uff0d\uff20]/;

describe('CSV sheets written in pieces', () => {
  // Cells that need quoting and sanitising, so that a piece boundary that dropped or doubled a
  // record delimiter, or quoted by another rule than the whole sheet, would show.
  const rows = Array.from({ length: 2_345 }, (_, n) => [`id-${n}`, n % 3 === 0 ? `a;b "${n}"` : `=cmd${n}`, n % 7 === 0 ? '' : `x,${n}`]);
  const header = ['id', 'name', 'note'];

  it('joined, are the sheet stringified whole', () => {
    const pieces = [...csvChunks(header, rows)];
    expect(pieces.length).toBe(3);
    const whole = stringify([header, ...rows].map((r) => r.map((v) => safeCell(v))), { delimiter: ',', record_delimiter: '\r\n', quote: '"', escape: '"', quoted_match: /[;\t\r\n"]/, eof: true });
    expect(pieces.join('')).toBe(whole);
    // Each piece ends a record.
    for (const p of pieces) expect(p.endsWith('\r\n')).toBe(true);
  });

  it('makes each row only when its piece is written', () => {
    let made = 0;
    function* lazy() {
      for (const r of rows) {
        made++;
        yield r;
      }
    }
    const it = csvChunks(header, lazy());
    it.next();
    // The header and 999 rows: one piece, not the whole sheet.
    expect(made).toBe(999);
  });

  it('renders the findings and recert sheets in pieces, the same text as render', () => {
    const findings = Array.from({ length: 2_100 }, (_, n) => finding({ name: `app ${n}` }));
    const r = report(findings, { identities: findings.slice(0, 1_500).map((_, n) => identitySummary({ id: `x:${n}`, name: `app ${n}` })) });
    const csv = [...renderChunks('csv', { report: r }, { color: false })];
    expect(csv.length).toBeGreaterThan(1);
    expect(csv.join('')).toBe(renderCsv(r));
    const recert = [...renderChunks('recert-csv', { report: r }, { color: false })];
    expect(recert.length).toBeGreaterThan(1);
    expect(recert.join('')).toBe(renderRecertCsv(r));
    expect(parseCsv(recert.join(''), 'x').slice(0, 1_500).map((x) => x.id)).toEqual(r.identities.map((i) => i.id));
  });
});

describe('CSV cells under other list separators', () => {
  it('neutralises a formula behind a semicolon or comma inside a cell, in --format csv', () => {
    const out = renderCsv(report(SEMICOLON.map((name) => finding({ name }))));
    for (const piece of pieces(out)) expect(piece, piece).not.toMatch(formulaStart);
    const rows = parseCsv(out, 'out.csv');
    expect(rows.map((r) => r.subject_name)).toEqual(["Billing Sync;'=2+5*cmd|' /C calc'!A0;x", "a;' @SUM(1)", `a;'"-2+3`, "a,' +1", "x;'\uff1d1+1", "'\uff20SUM(1)"]);
    expect(rows[0].message).toBe("Billing Sync;'=2+5*cmd|' /C calc'!A0;x has a secret valid for 730 days");
  });

  it('neutralises it in the recertification sheet (an Okta app label)', () => {
    const r = report([], { identities: SEMICOLON.map((name, n) => identity({ name, id: `x:${n}` })) });
    const out = renderRecertCsv(r);
    for (const piece of pieces(out)) expect(piece, piece).not.toMatch(formulaStart);
    expect(parseCsv(out, 'x')[0].name).toBe("Billing Sync;'=2+5*cmd|' /C calc'!A0;x");
  });

  it('quotes every cell that holds a semicolon, so a spreadsheet reading RFC 4180 keeps it one cell', () => {
    const out = renderCsv(report([finding({ name: 'a;b' })]));
    expect(out).toContain(',"a;b",');
    expect(out).toContain(',"a;b has a secret valid for 730 days",');
  });
});

const identity = identitySummary;

describe('--format recert-csv', () => {
  const now = Date.parse('2026-11-20T09:00:00Z');
  it.each([
    ['keep', identity()],
    ['revoke', identity({ lastUsedAt: null })],
    ['revoke', identity({ lastUsedAt: '2026-05-01T00:00:00Z', owners: [{ name: 'Ben', relation: 'owner', enabled: false }] })],
    ['rotate', identity({ credentials: [{ type: 'client-secret', name: 's', createdAt: '2025-01-01T00:00:00Z', status: 'active' }] })],
    ['keep', identity({ credentials: [{ type: 'client-secret', name: 's', createdAt: '2026-10-01T00:00:00Z' }] })],
    ['keep', identity({ credentials: [{ type: 'certificate', name: 'c', createdAt: '2020-01-01T00:00:00Z' }] })],
    ['re-scope', identity({ tier: 4, findingIds: ['nhi-path-to-crown-jewel'] })],
    ['keep', identity({ tier: 4 })],
    ['assign owner', identity({ owners: [] })],
    ['assign owner', identity({ owners: [{ name: 'Ben', relation: 'owner', enabled: false }] })],
    ['keep', identity({ lastUsedAt: undefined })],
  ])('recommends %s', (action, i) => {
    expect(recommendActions(i, now)[0]?.action ?? 'keep').toBe(action);
  });

  it('has one row per identity of the demo, then per other subject with findings, safe cells and empty reviewer columns', () => {
    const r = scanDir().report;
    const text = renderRecertCsv(r);
    expect(text.split('\r\n')[0]).toBe(RECERT_COLUMNS.join(','));
    const rows = parseCsv(text, 'recert.csv');
    // The inventory first, in its order; the external subjects and the like after it (recert-subjects.test.ts).
    expect(rows.slice(0, r.identities.length).map((x) => x.id)).toEqual(r.identities.map((i) => i.id));
    expect(rows.length).toBeGreaterThan(r.identities.length);
    for (const row of rows) {
      expect(row.decision + row.reviewer + row.justification).toBe('');
      expect(['revoke', 'remove expired', 'rotate', 're-scope', 'assign owner', 'keep']).toContain(row.recommended_action);
      for (const cell of Object.values(row)) expect(dangerous(cell)).toBe(false);
    }
    // The demo's ownerless legacy app (STORY.md) should not be recommended "keep".
    const legacy = rows.find((x) => x.name === 'Legacy Provisioning Sync')!;
    expect(legacy.owner_status).toBe('none');
    expect(legacy.action_reasons).toContain('assign owner');
  });

  it('neutralizes formula-looking identity names', () => {
    const r = report([], { identities: FORMULAS.map((name, n) => identity({ name, id: `x:${n}` })) });
    const rows = parseCsv(renderRecertCsv(r), 'x');
    expect(rows.map((x) => x.name)).toEqual(FORMULAS.map((f) => `'${f.replace(/\t/g, ' ')}`));
  });

  it('neutralizes an owners cell that starts with a quoted formula-looking name', () => {
    const r = report([], { identities: [identity({ owners: [{ name: '"=1+HR Sync Service', relation: 'owner', enabled: true }] })] });
    const [row] = parseCsv(renderRecertCsv(r), 'x');
    expect(row.owners.startsWith(`'"=1+HR Sync Service`)).toBe(true);
    for (const [col, cell] of Object.entries(row)) expect(dangerous(cell), `${col}: ${cell}`).toBe(false);
  });
});

describe('--format recert-csv: scope', () => {
  const cells = (...identities: IdentitySummary[]) => parseCsv(renderRecertCsv(report([], { identities })), 'x').map((x) => x.scope);

  it('writes an AWS account id as text a spreadsheet keeps whole (no 7.72824E+11, no lost leading zero)', () => {
    // A bare 12-digit cell is read as a number: shown in scientific notation, and an account id
    // that starts with 0 loses it. Qualified by the provider, the cell is text, as in the id column.
    const aws = (scope: string) => identity({ provider: 'aws', type: 'aws-iam-role', id: `aws:${scope}:principal:r`, nativeId: 'r', scope });
    expect(cells(aws('772824165852'), aws('012345678901'))).toEqual(['aws:772824165852', 'aws:012345678901']);
    // Every provider in the same form, so the column sorts and filters alike.
    const okta = identity({ provider: 'okta', type: 'okta-service-app', id: 'okta:https://x.okta.example:app:1', scope: 'https://x.okta.example' });
    expect(cells(identity({ scope: '691d0d64-52fb-4de1-ae87-2e52cdd26449' }), okta)).toEqual([
      'entra:691d0d64-52fb-4de1-ae87-2e52cdd26449',
      'okta:https://x.okta.example',
    ]);
  });

  it('never leaves a number-looking or formula-looking scope cell in the demo sheet', () => {
    const rows = parseCsv(renderRecertCsv(scanDir().report), 'recert.csv');
    expect(rows.filter((x) => x.provider === 'aws').map((x) => x.scope)).toContain('aws:111122223333');
    for (const x of rows) {
      expect(x.scope, x.id).not.toMatch(/^\s*[-+]?[\d.,]+(e[-+]?\d+)?\s*$/i);
      expect(x.scope.startsWith(`${x.provider}:`), x.id).toBe(true);
    }
    // A scope a snapshot could make look like a formula stays inert behind the provider name.
    expect(cells(identity({ scope: '=1+1' }))).toEqual(['entra:=1+1']);
  });
});

describe('--format recert-csv: data that was not collected', () => {
  it('shows unread Entra owner lists as unknown, not as "no owner" to assign', () => {
    const snap = copyDemo();
    rmSync(join(snap, 'entra/applicationOwners.json'));
    rmSync(join(snap, 'entra/servicePrincipalOwners.json'));
    editJson(join(snap, 'manifest.json'), (m) => {
      for (const c of m.coverage) if (c.capability === 'entra.owners') Object.assign(c, { status: 'missing-permission', reason: '403' });
    });
    const r = scanDir(snap).report;
    const rows = parseCsv(renderRecertCsv(r), 'recert.csv').filter((x) => x.type === 'entra-service-principal');
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) {
      expect(row.owners, row.name).toBe('unknown');
      expect(row.owner_status, row.name).toBe('unknown');
      expect(row.action_reasons, row.name).not.toContain('assign owner');
    }
    expect(r.identities.find((i) => i.name === 'Docs Summarizer')!.ownersIncomplete).toBe(true);
    // Control: with the owner lists read, the ownerless legacy app is still "none".
    const legacy = parseCsv(renderRecertCsv(scanDir().report), 'x').find((x) => x.name === 'Legacy Provisioning Sync')!;
    expect([legacy.owners, legacy.owner_status]).toEqual(['none', 'none']);
    expect(legacy.action_reasons).toContain('assign owner');
  });

  it('a tier that is only a lower bound says so, with what was not read', () => {
    const rows = parseCsv(
      renderRecertCsv(report([], { identities: [identity({ id: 'a', tier: 0, tierIncomplete: 'the admin role assignments of org https://o.example were not read (denied: 403 E0000006)' }), identity({ id: 'b', tier: 2 })] })),
      'x',
    );
    expect(rows.map((x) => x.capability_tier)).toEqual(['T0 or higher (the admin role assignments of org https://o.example were not read (denied: 403 E0000006); so whether it reaches a tier above T0 cannot be judged)', 'T2']);
  });

  it('the re-scope reason states a lower-bound tier as one, in the same words', () => {
    const rows = parseCsv(
      renderRecertCsv(report([], { identities: [identity({ id: 'a', tier: 3, tierIncomplete: 'the PIM role eligibilities of tenant t were not read (denied)', findingIds: ['x'] }), identity({ id: 'b', tier: 3, findingIds: ['x'] })] })),
      'x',
    );
    expect(rows[0].action_reasons).toContain('capability tier T3 or higher (the PIM role eligibilities of tenant t were not read (denied); so whether it reaches a tier above T3 cannot be judged) with 1 finding rule');
    expect(rows[1].action_reasons).toContain('capability tier T3 with 1 finding rule');
  });

  it('an account status that was not read is "unknown", never blank', () => {
    const rows = parseCsv(renderRecertCsv(report([], { identities: [identity({ enabled: undefined, id: 'a' }), identity({ enabled: false, id: 'b' })] })), 'x');
    expect(rows.map((x) => x.enabled)).toEqual(['unknown', 'no']);
  });
});

describe('--format recert-csv: checks that answered unknown', () => {
  it('lists, per identity, the rules that could not decide, so "no findings" is not read as "all checked"', () => {
    const snap = copyDemo();
    rmSync(join(snap, 'entra/applicationOwners.json'));
    rmSync(join(snap, 'entra/servicePrincipalOwners.json'));
    editJson(join(snap, 'manifest.json'), (m) => {
      for (const c of m.coverage) if (c.capability === 'entra.owners') Object.assign(c, { status: 'missing-permission', reason: '403' });
    });
    const r = scanDir(snap).report;
    const text = renderRecertCsv(r);
    // Existing columns keep their place; the new ones come after them (classification, then the findings).
    expect(text.split('\r\n')[0]).toBe(RECERT_COLUMNS.join(','));
    expect(RECERT_COLUMNS.indexOf('unknown_checks')).toBe(RECERT_COLUMNS.indexOf('justification') + 1);
    expect(RECERT_COLUMNS.slice(RECERT_COLUMNS.indexOf('unknown_checks') + 1)).toEqual(['classification', 'highest_severity', 'finding_fingerprints', 'privileges']);
    const rows = parseCsv(text, 'recert.csv');
    const unread = rows.filter((x) => x.type === 'entra-service-principal' && x.finding_ids === '');
    expect(unread.length).toBeGreaterThan(0);
    for (const row of unread) expect(row.unknown_checks, row.name).toMatch(/entra-app-no-owner|nhi-service-account-no-owner|owner/);
    const ids = r.identities.find((i) => i.id === unread[0].id)!.unknownRuleIds!;
    expect(unread[0].unknown_checks).toBe(ids.join('; '));
    // Near miss: with everything read, an identity no rule was unsure about says so explicitly.
    const full = parseCsv(renderRecertCsv(scanDir().report), 'x');
    expect(full.some((x) => x.unknown_checks === 'none')).toBe(true);
    for (const x of full) expect(x.unknown_checks).not.toBe('');
  });

  it('neutralizes a formula-looking value', () => {
    const rows = parseCsv(renderRecertCsv(report([], { identities: [identity({ id: 'a', unknownRuleIds: ['=HYPERLINK("http://evil.example")'] }), identity({ id: 'b' })] })), 'x');
    expect(rows.map((x) => x.unknown_checks)).toEqual(['\'=HYPERLINK("http://evil.example")', 'none']);
  });
});

describe('--format recert-csv: last use', () => {
  const now = Date.parse('2026-11-20T09:00:00Z');
  // The identity's own sign-in activity was not read; one credential has no recorded use, the other's use was not read.
  const mixed = identity({
    lastUsedAt: undefined,
    credentials: [
      { type: 'client-secret', name: 's', createdAt: '2026-10-01T00:00:00Z', lastUsedAt: null },
      { type: 'federated-oidc', name: 'github' },
    ],
  });

  it('is not "never" when the use of one credential was not read', () => {
    const row = parseCsv(renderRecertCsv(report([], { identities: [mixed] })), 'x')[0];
    expect(row.last_used).toBe('not collected');
    expect(recommendActions(mixed, now).map((a) => a.action)).not.toContain('revoke');
  });

  it('is an ISO 8601 instant in UTC, like next_expiry', () => {
    const i = identity({ lastUsedAt: '2026-11-19T10:00:00+02:00', credentials: [{ type: 'certificate', name: 'c', createdAt: '2026-01-01T00:00:00Z', expiresAt: '2027-01-01T01:00:00+01:00' }] });
    const row = parseCsv(renderRecertCsv(report([], { identities: [i] })), 'x')[0];
    expect([row.last_used, row.next_expiry]).toEqual(['2026-11-19T08:00:00.000Z', '2027-01-01T00:00:00.000Z']);
  });

  it('is "never" when no credential use is recorded and every one was read', () => {
    const never = identity({ lastUsedAt: undefined, credentials: [{ type: 'client-secret', name: 's', createdAt: '2026-10-01T00:00:00Z', lastUsedAt: null }] });
    expect(parseCsv(renderRecertCsv(report([], { identities: [never] })), 'x')[0].last_used).toBe('never');
    expect(recommendActions(never, now)[0].action).toBe('revoke');
  });
});

describe('--format recert-csv: credential columns', () => {
  const cell = (i: IdentitySummary) => parseCsv(renderRecertCsv(report([], { identities: [i] })), 'x')[0];
  const cols = (i: IdentitySummary) => {
    const r = cell(i);
    return [r.credential_types, r.oldest_credential_age_days, r.next_expiry];
  };

  it('says "none" for an identity without credentials, not blank cells', () => {
    expect(cols(identity({ credentials: [] }))).toEqual(['none', 'none', 'none']);
  });

  it('says "unknown" when a creation or expiry date was not read', () => {
    // An Okta service account's password: neither its last change nor its expiry is known.
    expect(cols(identity({ credentials: [{ type: 'password', name: 'p', status: 'active' }] }))).toEqual(['password', 'unknown', 'unknown']);
    // One dated credential does not make the other's age known.
    const mixed = identity({ credentials: [{ type: 'client-secret', name: 'a', createdAt: '2026-11-10T00:00:00Z', expiresAt: null }, { type: 'password', name: 'p' }] });
    expect(cols(mixed)).toEqual(['client-secret; password', 'unknown', 'never']);
  });

  it('gives the age in days and the earliest future expiry when known; "expired" when all are', () => {
    const known = identity({ credentials: [{ type: 'certificate', name: 'c', createdAt: '2026-11-10T00:00:00Z', expiresAt: '2027-01-01T00:00:00.000Z' }] });
    expect(cols(known)).toEqual(['certificate', '10', '2027-01-01T00:00:00.000Z']);
    // An expired credential no longer counts for the age (nothing usable is left to age).
    const old = identity({ credentials: [{ type: 'certificate', name: 'c', createdAt: '2024-11-10T00:00:00Z', expiresAt: '2025-11-10T00:00:00.000Z' }] });
    expect(cols(old)).toEqual(['certificate (1 expired)', 'none', 'expired']);
  });
});

describe('--format recert-csv: never used', () => {
  const now = Date.parse('2026-11-20T09:00:00Z');
  it('does not recommend revoking an identity created within the idle window', () => {
    const fresh = identity({ lastUsedAt: null, createdAt: '2026-11-18T00:00:00Z' });
    expect(recommendActions(fresh, now).map((a) => a.action)).not.toContain('revoke');
  });

  it('recommends revoking one that was never used in 90 days or more, or whose creation date is unknown', () => {
    expect(recommendActions(identity({ lastUsedAt: null, createdAt: '2026-01-01T00:00:00Z' }), now)[0]).toEqual({ action: 'revoke', reason: 'never used (created 323 days ago)' });
    expect(recommendActions(identity({ lastUsedAt: null }), now)[0]).toEqual({ action: 'revoke', reason: 'never used' });
  });

  it('the JSON identity carries its creation date', () => {
    const r = scanDir().report;
    const sp = r.identities.find((i) => i.name === 'Legacy Provisioning Sync')!;
    expect(typeof sp.createdAt).toBe('string');
  });
});

