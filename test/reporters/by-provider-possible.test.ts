import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/reporters/json.js';
import { renderTable } from '../../src/reporters/table.js';
import { copyDemo, editJson, scanDir } from '../ci/helpers.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

/** The demo plus an Entra user named like a service account whose manager was not read: possible, not verified. */
function withPossible(): string {
  const snap = copyDemo();
  editJson(resolve(snap, 'entra/users.json'), (d) => {
    d.value.push({ id: 'a3c1f0e2-7b4d-4e59-9c1a-5d2e8f6b7a90', userPrincipalName: 'svc-reports@northwind.example', displayName: 'svc-reports', accountEnabled: true, signInActivity: null });
  });
  rmSync(resolve(snap, 'entra/userManagers.json'));
  return snap;
}

const providerLine = (out: string, p: string) => out.split('\n').find((l) => new RegExp(`^  ${p}\\s+\\d+ identities`).test(l));

describe('summary.byProvider counts possible service accounts per provider', () => {
  it('gives the provider its count, apart from its identities; the others have none', () => {
    const plain = scanDir().report;
    const r = scanDir(withPossible()).report;
    expect(r.summary.possibleIdentities).toBe(1);
    expect(r.summary.byProvider.entra).toMatchObject({ identities: plain.summary.byProvider.entra!.identities, possibleIdentities: 1 });
    for (const [p, v] of Object.entries(r.summary.byProvider)) if (p !== 'entra') expect(v.possibleIdentities).toBeUndefined();
    // Per provider, they add up to the overall count.
    expect(Object.values(r.summary.byProvider).reduce((a, v) => a + (v.possibleIdentities ?? 0), 0)).toBe(r.summary.possibleIdentities);
  });

  it('is absent when a provider has none, so a report without any is unchanged', () => {
    const r = scanDir().report;
    expect(r.summary.possibleIdentities).toBeUndefined();
    for (const v of Object.values(r.summary.byProvider)) expect('possibleIdentities' in v).toBe(false);
  });

  it('the report with it validates against docs/report.schema.json, which checks the field', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(resolve(repoRoot, 'docs/report.schema.json'), 'utf8')));
    const doc = JSON.parse(renderJson(scanDir(withPossible()).report));
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    doc.summary.byProvider.entra.possibleIdentities = -1;
    expect(validate(doc)).toBe(false);
  });

  it('the table shows it on that provider\'s line only, and only when there is one', () => {
    const out = renderTable(scanDir(withPossible()).report, { color: false, width: 200 });
    expect(providerLine(out, 'entra')).toMatch(/ identities \(\+ 1 possible\) · \d+ findings? · /);
    for (const p of ['okta', 'aws']) {
      expect(providerLine(out, p)).toBeDefined();
      expect(providerLine(out, p)).not.toMatch(/possible/);
    }
    const plain = renderTable(scanDir().report, { color: false, width: 200 });
    expect(plain).not.toMatch(/possible/);
  });
});
