import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { parseCsv } from './csv-parse.js';
import { copyDemoFullyCollected, readJsonFile, reportOf, scratch, writeJsonFile } from './demo-copy.js';

/*
 * A relationship file that lacks a parent's key did not read that parent's list
 * (docs/snapshot-format.md, "Two shapes of file"). Each case copies the demo with every
 * capability recorded as collected, deletes one key, and checks that the gap is a coverage
 * record, a warning, unknown verdicts, and an exit 3 from the CI gate, never a silent pass.
 */

const tmp = scratch('entra-rel-gaps');
afterAll(() => tmp.cleanup());

const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
const INFRA_APP = '19e384e6-da58-40e3-9635-d6c27d5fd81e';
const INFRA_SP = '17d50a4b-dc01-45d2-ba56-482d3a428ff6';
const GRAPH_SP = 'a42eec4b-8a89-4632-add4-799005465768';
/** Legacy Provisioning Sync: nobody owns it (entra-app-no-owner fails on the full copy). */
const LEGACY_APP = '521b7fa3-4460-40d3-a6b0-1a5287a47071';
const LEGACY_SP = 'c808fcb1-fee2-48fe-8a05-cac58233ce37';
const GROUP = '279d6280-f5dd-4915-89c8-029e03337b50';

/** A copy of the demo whose manifest records every capability as collected (and is right to). */
const fullCopy = (name: string): string => copyDemoFullyCollected(tmp.dir, name);

/** `fullCopy` with `edit` applied to each named relationship file. */
function gapCopy(name: string, edits: Record<string, (doc: Record<string, unknown>) => void>): string {
  const dir = fullCopy(name);
  for (const [file, edit] of Object.entries(edits)) {
    const doc = readJsonFile(dir, `entra/${file}`);
    edit(doc);
    writeJsonFile(dir, `entra/${file}`, doc);
  }
  return dir;
}

const drop = (key: string) => (doc: Record<string, unknown>) => {
  expect(doc).toHaveProperty([key]);
  delete doc[key];
};

/** The rule ids that failed and that could not decide on the identity named `name`. */
function verdicts(dir: string, name: string): { failing: string[]; unknown: string[] } {
  const report = reportOf(dir);
  const id = report.identities.find((i) => i.name === name);
  expect(id, name).toBeDefined();
  const failing = [...new Set(report.findings.filter((f) => f.subject.name === name).map((f) => f.ruleId))].sort();
  return { failing, unknown: [...(id!.unknownRuleIds ?? [])].sort() };
}

function explain(dir: string): string {
  const r = cli(['explain', '--snapshot', dir, '--now', '2026-11-20T09:00:00Z', 'Infra Deployer']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** The row of `name` in the recertification sheet (`certify`), by column. */
function recertRow(dir: string, name: string): Record<string, string> {
  const r = cli(['certify', '--snapshot', dir, '--now', '2026-11-20T09:00:00Z']);
  expect(r.code, r.stderr).toBe(0);
  const [header, ...rows] = parseCsv(r.stdout);
  const row = rows.find((cells) => cells[header.indexOf('name')] === name);
  expect(row, name).toBeDefined();
  return Object.fromEntries(header.map((h, k) => [h, row![k]]));
}

function entraGapRecords(dir: string) {
  return reportOf(dir).coverage.filter((c) => c.provider === 'entra' && c.capability.includes('@'));
}

let baseline: string;
beforeAll(() => {
  const dir = fullCopy('baseline-source');
  baseline = join(tmp.dir, 'baseline.json');
  const r = cli(['scan', '--snapshot', dir, '--now', '2026-11-20T09:00:00Z', '--format', 'json', '--write-baseline', baseline, '--output', join(tmp.dir, 'base-report.json')]);
  expect(r.code, r.stderr).toBe(0);
});

/** `scan --fail-on high` against the baseline of the full copy: only new findings count. */
function gate(dir: string): number {
  return cli(['scan', '--snapshot', dir, '--now', '2026-11-20T09:00:00Z', '--format', 'json', '--baseline', baseline, '--fail-on', 'high', '--output', `${dir}.report.json`]).code;
}

describe('an application missing from federatedIdentityCredentials.json', () => {
  it('is a coverage record and a warning naming the file, and the CI gate exits 3', () => {
    const dir = gapCopy('fic-gap', { 'federatedIdentityCredentials.json': drop(INFRA_APP) });
    const report = reportOf(dir);
    const reason = `1 of 8 applications is not in federatedIdentityCredentials.json: their federated credentials were not read (first: ${INFRA_APP})`;
    expect(entraGapRecords(dir)).toEqual([
      { provider: 'entra', scope: TENANT, capability: 'entra.federatedIdentityCredentials@federatedIdentityCredentials.json', status: 'error', reason },
    ]);
    // The capability's own record stands: the rest of the file is read.
    expect(report.coverage.find((c) => c.capability === 'entra.federatedIdentityCredentials')?.status).toBe('collected');
    expect(report.warnings).toContain(`entra/federatedIdentityCredentials.json: ${reason}`);
    expect(gate(dir)).toBe(3);
  });

  it('leaves the rules that read those credentials unknown for the app, the path rule included', () => {
    const full = verdicts(fullCopy('fic-full'), 'Infra Deployer');
    expect(full.failing).toEqual(expect.arrayContaining(['entra-fic-weak-subject', 'nhi-path-to-crown-jewel', 'nhi-shared-secret-high-tier']));
    const gap = verdicts(gapCopy('fic-gap-verdicts', { 'federatedIdentityCredentials.json': drop(INFRA_APP) }), 'Infra Deployer');
    expect(gap.failing).not.toEqual(expect.arrayContaining(['entra-fic-weak-subject']));
    // Its unpinned GitHub trust made it an entry point: with the trusts unread, whether it is one is unknown.
    expect(gap.unknown).toEqual(expect.arrayContaining(['entra-fic-weak-subject', 'nhi-path-to-crown-jewel', 'nhi-shared-secret-high-tier']));
  });

  it('near miss: the application mapped to [] has no federated credential, and there is no record', () => {
    const dir = gapCopy('fic-empty', { 'federatedIdentityCredentials.json': (doc) => void (doc[INFRA_APP] = []) });
    expect(entraGapRecords(dir)).toEqual([]);
    const report = reportOf(dir);
    expect(report.warnings.some((w) => w.includes('were not read'))).toBe(false);
    expect(report.identities.find((i) => i.name === 'Infra Deployer')?.credentialsIncomplete).toBeUndefined();
    expect(explain(dir)).toContain('no credentials recorded on the object');
    expect(recertRow(dir, 'Infra Deployer').credential_types).toBe('none');
  });

  it('explain, the JSON summary and the recert sheet say the credentials were not read, not "none"', () => {
    const dir = gapCopy('fic-gap-wording', { 'federatedIdentityCredentials.json': drop(INFRA_APP) });
    expect(reportOf(dir).identities.find((i) => i.name === 'Infra Deployer')?.credentialsIncomplete).toBe('federated credentials not read');
    const card = explain(dir);
    expect(card).toContain('unknown: federated credentials not read');
    expect(card).not.toContain('no credentials recorded');
    const row = recertRow(dir, 'Infra Deployer');
    expect([row.credential_types, row.oldest_credential_age_days, row.next_expiry]).toEqual(['unknown', 'unknown', 'unknown']);
    expect(row.unknown_checks).toContain('nhi-path-to-crown-jewel');
  });
});

describe('owner lists missing from applicationOwners.json / servicePrincipalOwners.json', () => {
  it('gives one record per file, and the gate fails on the one finding it makes new', () => {
    const dir = gapCopy('owners-gap', { 'applicationOwners.json': drop(LEGACY_APP), 'servicePrincipalOwners.json': drop(LEGACY_SP) });
    expect(entraGapRecords(dir).map((c) => [c.capability, c.status, c.reason])).toEqual([
      ['entra.owners@applicationOwners.json', 'error', `1 of 8 applications is not in applicationOwners.json: their owners were not read (first: ${LEGACY_APP})`],
      // Microsoft Graph and SharePoint Online are first-party: the collector never reads their owners.
      ['entra.owners@servicePrincipalOwners.json', 'error', `1 of 9 service principals is not in servicePrincipalOwners.json: their owners were not read (first: ${LEGACY_SP})`],
    ]);
    // Exit 1, not 3: a failing finding goes before incomplete collection, and one is new. The
    // Helpdesk assistant's tenant-wide consent (high in the baseline: it held nothing of its own)
    // is critical once that T4 app's owners are not read, as the assistant may be one of them.
    expect(gate(dir)).toBe(1);
    const report = JSON.parse(readFileSync(`${dir}.report.json`, 'utf8'));
    expect(report.findings.filter((f: { baselineState?: string; severity: string }) => f.baselineState === 'new' && (f.severity === 'high' || f.severity === 'critical')).map((f: { ruleId: string; subject: { name: string } }) => [f.ruleId, f.subject.name])).toEqual([
      ['nhi-ai-agent-delegated-high-impact', 'Helpdesk AI Assistant'],
    ]);
    const v = verdicts(dir, 'Legacy Provisioning Sync');
    expect(v.failing).not.toContain('entra-app-no-owner');
    expect(v.unknown).toContain('entra-app-no-owner');
  });

  it('near miss: owner lists mapped to [] are "no owner", and entra-app-no-owner fails', () => {
    const empty = (key: string) => (doc: Record<string, unknown>) => void (doc[key] = []);
    const dir = gapCopy('owners-empty', { 'applicationOwners.json': empty(LEGACY_APP), 'servicePrincipalOwners.json': empty(LEGACY_SP) });
    expect(entraGapRecords(dir)).toEqual([]);
    expect(verdicts(dir, 'Legacy Provisioning Sync').failing).toContain('entra-app-no-owner');
  });

  // An owner can add a credential to what it owns and take its tier: with the owners of a T4
  // identity not read, any user or service principal of the tenant below T4 may be one of them.
  it('makes the tier of every identity below that of the unowned-unknown one a lower bound, naming it', () => {
    const dir = gapCopy('owners-tier', { 'applicationOwners.json': drop(LEGACY_APP), 'servicePrincipalOwners.json': drop(LEGACY_SP) });
    const report = reportOf(dir);
    const summary = (name: string) => report.identities.find((i) => i.name === name)!;
    expect(summary('Legacy Provisioning Sync').tier).toBe(4);
    for (const name of ['Docs Summarizer', 'Ops Agent', 'AWS Dev Console']) {
      expect(summary(name).tier, name).toBeLessThan(4);
      expect(summary(name).tierIncomplete, name).toMatch(/^the owners of service principal Legacy Provisioning Sync of tenant .* were not read \(error: 1 of 8 applications is not in applicationOwners.json.*; error: 1 of 9 service principals is not in servicePrincipalOwners.json/);
    }
    // T4 is the top; and the unread identity does not lift itself.
    expect(summary('Infra Deployer').tierIncomplete).toBeUndefined();
    expect(summary('Legacy Provisioning Sync').tierIncomplete).toBeUndefined();
  });

  it('near miss: the owners of a T0 identity not read lift nobody: no tier becomes a lower bound', () => {
    const dir = gapCopy('owners-t0', { 'servicePrincipalOwners.json': drop('b2d4f6a8-1c3e-4a5b-9d7f-0e2c4a6b8d13') });
    const report = reportOf(dir);
    expect(report.identities.find((i) => i.name === 'AWS Dev Console')!.tier).toBe(0);
    expect(entraGapRecords(dir).map((c) => c.capability)).toEqual(['entra.owners@servicePrincipalOwners.json']);
    expect(report.identities.filter((i) => i.provider === 'entra' && i.tierIncomplete !== undefined).map((i) => i.name)).toEqual([]);
  });

  it("near miss: a first-party service principal's owners are never read, so its absence is no gap", () => {
    const dir = gapCopy('owners-first-party', { 'servicePrincipalOwners.json': drop(GRAPH_SP) });
    expect(entraGapRecords(dir)).toEqual([]);
  });
});

describe('a group missing from groupMembers.json', () => {
  it('is a record and a warning', () => {
    const dir = gapCopy('members-gap', { 'groupMembers.json': drop(GROUP) });
    const reason = `1 of 1 groups is not in groupMembers.json: their members were not read (first: ${GROUP})`;
    expect(entraGapRecords(dir)).toEqual([{ provider: 'entra', scope: TENANT, capability: 'entra.groups@groupMembers.json', status: 'error', reason }]);
    expect(reportOf(dir).warnings).toContain(`entra/groupMembers.json: ${reason}`);
  });
});

describe('agentSponsors.json', () => {
  it('is checked for agent identities only: the demo has none, so an empty file is complete', () => {
    expect(entraGapRecords(fullCopy('sponsors-none'))).toEqual([]);
  });

  it('an agent identity missing from it is a record', () => {
    const dir = fullCopy('sponsors-gap');
    const sps = readJsonFile(dir, 'entra/servicePrincipals.json');
    const agent = sps.value.find((s: { id: string }) => s.id === INFRA_SP);
    agent['@odata.type'] = '#microsoft.graph.agentIdentity';
    writeJsonFile(dir, 'entra/servicePrincipals.json', sps);
    expect(entraGapRecords(dir).map((c) => c.reason)).toEqual([
      `1 of 1 agent identities, blueprints and blueprint principals is not in agentSponsors.json: their sponsors were not read (first: ${INFRA_SP})`,
    ]);
  });
});

describe('the full copy', () => {
  it('has no gap record and passes the gate against its own baseline', () => {
    const dir = fullCopy('complete');
    expect(entraGapRecords(dir)).toEqual([]);
    expect(gate(dir)).toBe(0);
  });
});

describe('userManagers.json', () => {
  const SVC_BACKUP = '46bd9401-490b-406d-b5a6-1db96bfd7d7f';
  const ALICE = '5125ad0d-dc18-40a5-8165-4fc7f25883d6';

  /** svc-backup's manager not read: one record and warning for the file, and its owner rule unknown. */
  function expectManagerGap(dir: string): void {
    const reason = `1 of 1 users that look like service accounts is not in userManagers.json: their managers were not read (first: ${SVC_BACKUP})`;
    expect(entraGapRecords(dir)).toEqual([{ provider: 'entra', scope: TENANT, capability: 'entra.userManagers@userManagers.json', status: 'error', reason }]);
    expect(reportOf(dir).warnings).toContain(`entra/userManagers.json: ${reason}`);
    const v = verdicts(dir, 'svc-backup');
    expect(v.failing).not.toContain('nhi-service-account-no-owner');
    expect(v.unknown).toContain('nhi-service-account-no-owner');
  }

  it('a user that looks like a service account and is missing from it is a record, and its owner rule is unknown', () => {
    expectManagerGap(gapCopy('managers-gap', { 'userManagers.json': drop(SVC_BACKUP) }));
  });

  it('near miss: a person the collector never looks up is no gap', () => {
    expect(entraGapRecords(gapCopy('managers-person', { 'userManagers.json': drop(ALICE) }))).toEqual([]);
  });

  it('absent entirely while a user looks like a service account (the collector then writes it): a record, unknown, exit 3', () => {
    const dir = fullCopy('managers-absent');
    rmSync(join(dir, 'entra/userManagers.json'));
    expectManagerGap(dir);
    expect(gate(dir)).toBe(3);
    // Neither the card nor the sheet says "no manager".
    const card = cli(['explain', '--snapshot', dir, '--now', '2026-11-20T09:00:00Z', '--no-color', 'svc-backup']);
    expect(card.code, card.stderr).toBe(0);
    const accountable = card.stdout.slice(card.stdout.indexOf('1. Accountable humans'), card.stdout.indexOf('2. Workload identity'));
    expect(accountable).not.toContain('none: no owner, sponsor or manager is recorded');
    expect(accountable).toContain('unknown: none recorded, but its owner, sponsor or manager data was not read');
    expect(recertRow(dir, 'svc-backup').owner_status).toBe('unknown');
  });

  it('near miss: absent while no user looks like a service account (the collector writes none): no record', () => {
    const dir = fullCopy('managers-none-needed');
    rmSync(join(dir, 'entra/userManagers.json'));
    const users = readJsonFile(dir, 'entra/users.json');
    users.value = users.value.filter((u: { id: string }) => u.id !== SVC_BACKUP);
    writeJsonFile(dir, 'entra/users.json', users);
    expect(entraGapRecords(dir)).toEqual([]);
  });

  it('a user the manifest names in unreadKeys stays on that record alone, as before', () => {
    const dir = gapCopy('managers-unread-keys', { 'userManagers.json': drop(SVC_BACKUP) });
    const m = readJsonFile(dir, 'manifest.json');
    const rec = m.coverage.find((c: { capability: string }) => c.capability === 'entra.userManagers');
    Object.assign(rec, { status: 'error', reason: '1 of 1 manager lookups not read: 503', unreadKeys: [SVC_BACKUP] });
    writeJsonFile(dir, 'manifest.json', m);
    expect(entraGapRecords(dir)).toEqual([]);
    expect(reportOf(dir).coverage.find((c) => c.capability === 'entra.userManagers')?.status).toBe('error');
    expect(verdicts(dir, 'svc-backup').unknown).toContain('nhi-service-account-no-owner');
    expect(gate(dir)).toBe(3);
  });
});

describe('userRegistrationDetails.json', () => {
  const SVC_BACKUP = '46bd9401-490b-406d-b5a6-1db96bfd7d7f';
  const ALICE = '5125ad0d-dc18-40a5-8165-4fc7f25883d6';
  /** Ben Ortiz: accountEnabled false, and the report is not served for disabled users. */
  const BEN = '7da04c59-13ed-404c-bfb2-48fda1f318c9';
  const dropUser = (id: string) => (doc: Record<string, unknown>) => {
    const list = doc.value as { id: string }[];
    expect(list.some((u) => u.id === id)).toBe(true);
    doc.value = list.filter((u) => u.id !== id);
  };
  const weakAuthReasons = (dir: string) => reportOf(dir).rules.find((s) => s.ruleId === 'nhi-service-account-weak-auth')!.unknownReasons;

  it('an enabled service account missing from it is a record, a warning, unknown weak-auth naming the file, exit 3', () => {
    // Read as not registered, the password with no second factor fails.
    expect(verdicts(fullCopy('mfa-full'), 'svc-backup').failing).toContain('nhi-service-account-weak-auth');
    const dir = gapCopy('mfa-gap', { 'userRegistrationDetails.json': dropUser(SVC_BACKUP) });
    const reason = `1 of 5 enabled users is not in userRegistrationDetails.json: their MFA registration was not read (first: ${SVC_BACKUP})`;
    expect(entraGapRecords(dir)).toEqual([{ provider: 'entra', scope: TENANT, capability: 'entra.mfaRegistration@userRegistrationDetails.json', status: 'error', reason }]);
    const report = reportOf(dir);
    expect(report.coverage.find((c) => c.capability === 'entra.mfaRegistration')?.status).toBe('collected');
    expect(report.warnings).toContain(`entra/userRegistrationDetails.json: ${reason}`);
    const v = verdicts(dir, 'svc-backup');
    expect(v.failing).not.toContain('nhi-service-account-weak-auth');
    expect(v.unknown).toContain('nhi-service-account-weak-auth');
    expect(weakAuthReasons(dir)).toEqual({ 'the user is not in userRegistrationDetails.json: its MFA registration was not read': 1 });
    expect(gate(dir)).toBe(3);
  });

  it('a person missing from it is a gap too: the collector reads the report for every enabled user', () => {
    const dir = gapCopy('mfa-person', { 'userRegistrationDetails.json': dropUser(ALICE) });
    expect(entraGapRecords(dir).map((c) => c.reason)).toEqual([
      `1 of 5 enabled users is not in userRegistrationDetails.json: their MFA registration was not read (first: ${ALICE})`,
    ]);
  });

  it('near miss: a disabled user missing from it is no gap (the report is not served for disabled users)', () => {
    const dir = gapCopy('mfa-disabled', { 'userRegistrationDetails.json': dropUser(BEN) });
    expect(entraGapRecords(dir)).toEqual([]);
    expect(reportOf(dir).warnings.some((w) => w.startsWith('entra/userRegistrationDetails.json'))).toBe(false);
  });

  it('near miss: with the report not collected there is no per-user record (the capability record says it)', () => {
    const dir = fullCopy('mfa-not-collected');
    const m = readJsonFile(dir, 'manifest.json');
    Object.assign(m.coverage.find((c: { capability: string }) => c.capability === 'entra.mfaRegistration'), { status: 'not-collected', reason: '403 Forbidden' });
    writeJsonFile(dir, 'manifest.json', m);
    rmSync(join(dir, 'entra/userRegistrationDetails.json'));
    expect(entraGapRecords(dir)).toEqual([]);
    expect(weakAuthReasons(dir)).toEqual({ 'MFA registration was not collected': 1 });
  });
});
