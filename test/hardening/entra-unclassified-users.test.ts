import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { parseCsv } from './csv-parse.js';
import { DEMO, copyDemoFullyCollected, readJsonFile, reportOf, scanSnapshotDir, scratch, writeJsonFile } from './demo-copy.js';

/*
 * An Entra user named like a service account is one only with a supporting signal (no manager,
 * no MFA, password never expires, only non-interactive sign-ins, synced from AD). When the data
 * a signal comes from was not read, the user cannot be called a person: the service-account
 * rules must still see it and answer unknown where their answer depends on what it is, and a
 * warning must count it. Never a silent "person".
 */

const tmp = scratch('entra-unclassified');
afterAll(() => tmp.cleanup());

const SVC = 'a3c1f0e2-7b4d-4e59-9c1a-5d2e8f6b7a90';
const NAME = 'svc-reports';
const ALICE = '5125ad0d-dc18-40a5-8165-4fc7f25883d6';
const RULES = ['nhi-service-account-no-owner', 'nhi-service-account-weak-auth', 'nhi-human-use-of-machine-account'] as const;

/**
 * The demo with every capability recorded as collected, plus svc-reports: named like a service
 * account and nothing else machine-like read in users.json (password expires, interactive
 * sign-ins, MFA registered unless `mfa` says otherwise). Its manager is `manager` (null: none).
 */
let n = 0;
function withSvc(name: string, opts: { manager: string | null; mfa?: boolean }): string {
  const dir = copyDemoFullyCollected(tmp.dir, `${name}-${n++}`);
  const users = readJsonFile(dir, 'entra/users.json');
  users.value.push({
    id: SVC,
    userPrincipalName: `${NAME}@northwind.example`,
    displayName: NAME,
    accountEnabled: true,
    userType: 'Member',
    employeeType: null,
    passwordPolicies: null,
    createdDateTime: '2025-03-01T10:00:00Z',
    signInActivity: { lastSignInDateTime: '2026-11-19T10:00:00Z', lastNonInteractiveSignInDateTime: '2026-11-19T11:00:00Z' },
  });
  writeJsonFile(dir, 'entra/users.json', users);
  const reg = readJsonFile(dir, 'entra/userRegistrationDetails.json');
  reg.value.push({ id: SVC, userPrincipalName: `${NAME}@northwind.example`, isMfaRegistered: opts.mfa ?? true });
  writeJsonFile(dir, 'entra/userRegistrationDetails.json', reg);
  const managers = readJsonFile(dir, 'entra/userManagers.json');
  managers[SVC] = opts.manager === null ? null : { '@odata.type': '#microsoft.graph.user', id: opts.manager, displayName: 'Alice Chen', userPrincipalName: 'alice.chen@northwind.example' };
  writeJsonFile(dir, 'entra/userManagers.json', managers);
  return dir;
}

/** Marks the MFA registration report as not read, as a collector refused it would. */
function mfaNotRead(dir: string): void {
  const m = readJsonFile(dir, 'manifest.json');
  const rec = m.coverage.find((c: { capability: string }) => c.capability === 'entra.mfaRegistration');
  rec.status = 'not-collected';
  rec.reason = '403 Forbidden';
  writeJsonFile(dir, 'manifest.json', m);
  rmSync(join(dir, 'entra/userRegistrationDetails.json'));
}

type Report = ReturnType<typeof reportOf>;
const stats = (r: Report, rule: string) => r.rules.find((s) => s.ruleId === rule)!;
const onSvc = (r: Report) => r.findings.filter((f) => f.subject.name === NAME).map((f) => f.ruleId);
const unclassifiedReasons = (r: Report, rule: string) => Object.entries(stats(r, rule).unknownReasons).filter(([k]) => k.startsWith('whether it is a service account is not known'));

describe('an Entra user named like a service account whose deciding data was not read', () => {
  it('control: with its manager read as none, it is a service account and the rules judge it', () => {
    const r = reportOf(withSvc('control', { manager: null }));
    const svc = r.identities.find((i) => i.name === NAME);
    expect(svc?.machineReasons).toEqual([`name "${NAME}" matches /^(svc|sa|srv|app|bot|svc_|integration|sync|api)[-_.]/`, 'no manager']);
    expect(onSvc(r)).toContain('nhi-service-account-no-owner');
  });

  it('userManagers.json absent: the service-account rules evaluate it and answer unknown, no finding, one warning counts it', () => {
    const present = reportOf(withSvc('managers-present', { manager: ALICE }));
    const dir = withSvc('managers-absent', { manager: null });
    rmSync(join(dir, 'entra/userManagers.json'));
    const r = reportOf(dir);
    // Not classified either way: no finding, and in the inventory only as a possible service
    // account (see 'the inventory' below), not counted as a machine identity.
    expect(r.identities.find((i) => i.name === NAME)?.possibleServiceAccount?.notRead).toEqual(['manager']);
    expect(r.summary.identities).toBe(present.summary.identities);
    expect(onSvc(r)).toEqual([]);
    // Each rule counts one evaluation more than with the manager read (a person, not evaluated)
    // and that one is unknown, saying why.
    for (const rule of RULES) expect(stats(r, rule).evaluated, rule).toBe(stats(present, rule).evaluated + 1);
    // No manager read and a recent interactive sign-in: each a finding only on a service account.
    for (const rule of ['nhi-service-account-no-owner', 'nhi-human-use-of-machine-account']) {
      expect(unclassifiedReasons(r, rule), rule).toEqual([['whether it is a service account is not known: its name looks like one and its manager was not read', 1]]);
    }
    // MFA registered: weak-auth would pass it as a service account too, so it passes.
    expect(unclassifiedReasons(r, 'nhi-service-account-weak-auth')).toEqual([]);
    expect(stats(r, 'nhi-service-account-weak-auth').unknown).toBe(stats(present, 'nhi-service-account-weak-auth').unknown);
    expect(r.warnings).toContain(
      'entra/users.json: 1 user named like a service account could not be classified, because data that decides it was not read: the service-account rules answer unknown for it (first: svc-reports: its manager was not read)',
    );
  });

  it('MFA registration not read while its manager is read: the ownership rule passes on that manager, the others are unknown', () => {
    // With MFA read as not registered, it is a service account that fails weak-auth.
    const control = reportOf(withSvc('mfa-false', { manager: ALICE, mfa: false }));
    expect(control.identities.find((i) => i.name === NAME)?.machineReasons).toContain('no MFA method registered');
    expect(onSvc(control)).toContain('nhi-service-account-weak-auth');

    const dir = withSvc('mfa-unread', { manager: ALICE, mfa: false });
    mfaNotRead(dir);
    const r = reportOf(dir);
    expect(onSvc(r)).toEqual([]);
    // An accountable person who has not left answers the ownership rule whatever the account is.
    expect(unclassifiedReasons(r, 'nhi-service-account-no-owner')).toEqual([]);
    expect(stats(r, 'nhi-service-account-no-owner').evaluated).toBe(stats(control, 'nhi-service-account-no-owner').evaluated);
    // A recent interactive sign-in is a finding only on a service account.
    for (const rule of ['nhi-service-account-weak-auth', 'nhi-human-use-of-machine-account']) {
      expect(unclassifiedReasons(r, rule), rule).toEqual([['whether it is a service account is not known: its name looks like one and its MFA registration was not read', 1]]);
    }
    expect(r.warnings.some((w) => w.startsWith('entra/users.json: 1 user named like a service account could not be classified'))).toBe(true);
  });

  it('an old interactive sign-in only: human-use passes it, as it would a service account', () => {
    const dir = withSvc('old-sign-in', { manager: ALICE });
    mfaNotRead(dir);
    const users = readJsonFile(dir, 'entra/users.json');
    users.value.find((u: { id: string }) => u.id === SVC).signInActivity.lastSignInDateTime = '2026-01-05T10:00:00Z';
    writeJsonFile(dir, 'entra/users.json', users);
    const r = reportOf(dir);
    expect(unclassifiedReasons(r, 'nhi-human-use-of-machine-account')).toEqual([]);
    expect(unclassifiedReasons(r, 'nhi-service-account-weak-auth')).toHaveLength(1);
    expect(onSvc(r)).toEqual([]);
  });

  it('near miss: everything read, a manager and MFA: a person, not evaluated, no warning', () => {
    const r = reportOf(withSvc('person', { manager: ALICE }));
    expect(r.identities.find((i) => i.name === NAME)).toBeUndefined();
    expect(r.summary.possibleIdentities).toBeUndefined();
    for (const rule of RULES) expect(unclassifiedReasons(r, rule), rule).toEqual([]);
    expect(r.warnings.filter((w) => w.includes('could not be classified'))).toEqual([]);
  });

  it('near miss: data unread but a supporting signal read (password never expires): a service account, not unclassified', () => {
    const dir = withSvc('pwd-never', { manager: null });
    const users = readJsonFile(dir, 'entra/users.json');
    users.value.find((u: { id: string }) => u.id === SVC).passwordPolicies = 'DisablePasswordExpiration';
    writeJsonFile(dir, 'entra/users.json', users);
    rmSync(join(dir, 'entra/userManagers.json'));
    const r = reportOf(dir);
    expect(r.identities.find((i) => i.name === NAME)?.machineReasons).toContain('password never expires');
    expect(r.warnings.filter((w) => w.includes('could not be classified'))).toEqual([]);
  });
});

/*
 * The inventory (the JSON identities, the recertification sheet, the table) is the evidence a
 * compliance team exports. A user that may be a service account must be in it, marked as not
 * verified and filled only with what was read: never left out (nobody would review it), never
 * counted or shown as a confirmed machine identity.
 */
describe('the inventory: a user that may be a service account', () => {
  const NOW = '2026-11-20T09:00:00Z';
  const managersAbsent = (name: string): string => {
    const dir = withSvc(name, { manager: null });
    rmSync(join(dir, 'entra/userManagers.json'));
    return dir;
  };
  const sheet = (dir: string): Record<string, string>[] => {
    const r = cli(['certify', '--snapshot', dir, '--now', NOW]);
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = parseCsv(r.stdout);
    return rows.filter((cells) => cells.length === header.length).map((cells) => Object.fromEntries(header.map((h, k) => [h, cells[k]])));
  };

  it('is listed in the JSON identities, marked unverified, with the owner data that was not read said to be unknown', () => {
    const present = reportOf(withSvc('inv-present', { manager: ALICE }));
    const dir = managersAbsent('inv-json');
    const r = reportOf(dir);
    const svc = r.identities.find((i) => i.name === NAME)!;
    expect(svc).toBeDefined();
    expect(svc.possibleServiceAccount).toEqual({
      notRead: ['manager'],
      reason: 'whether it is a service account is not known: its name looks like one and its manager was not read',
      signals: [`name "${NAME}" matches /^(svc|sa|srv|app|bot|svc_|integration|sync|api)[-_.]/`],
    });
    expect(svc.machineReasons).toBeUndefined();
    expect(svc.type).toBe('entra-user');
    // What was read is there; what was not is not "none".
    expect(svc.owners).toEqual([]);
    expect(svc.ownersIncomplete).toBe(true);
    expect(svc.lastUsedAt).toBe('2026-11-19T11:00:00.000Z');
    expect(svc.credentials).toEqual([]);
    expect(svc.credentialsIncomplete).toMatch(/not known to be a service account/);
    expect(svc.autonomy).toBe('unknown');
    expect(svc.unknownRuleIds).toEqual(expect.arrayContaining(['nhi-human-use-of-machine-account', 'nhi-service-account-no-owner']));
    // Counted apart: the machine-identity counts are those of the scan that read the manager.
    expect(r.summary.identities).toBe(present.summary.identities);
    expect(r.summary.possibleIdentities).toBe(1);
    expect(present.summary.possibleIdentities).toBeUndefined();
    expect(r.summary.byProvider.entra.identities).toBe(present.summary.byProvider.entra.identities);
    expect(r.summary.byTier).toEqual(present.summary.byTier);
    expect(r.summary.byStrength).toEqual(present.summary.byStrength);
    expect(r.identities.filter((i) => i.possibleServiceAccount === undefined)).toHaveLength(r.summary.identities);
    // Still a person in the graph: ownership and paths are as before.
    const node = scanSnapshotDir(dir).graph.ofKind('human').find((n) => n.name === NAME);
    expect(node?.kind).toBe('human');
  });

  it('has a recertification row marked unverified, asking to confirm what it is first', () => {
    const rows = sheet(managersAbsent('inv-csv'));
    const row = rows.find((x) => x.name === NAME)!;
    expect(row).toBeDefined();
    expect(row.classification).toBe('unverified: possible service account (not read: manager)');
    expect(row.recommended_action).toBe('confirm classification');
    expect(row.action_reasons).toMatch(/^confirm classification: whether it is a service account is not known: its name looks like one and its manager was not read/);
    expect(row.owners).toBe('unknown');
    expect(row.owner_status).toBe('unknown');
    expect(row.credential_types).toMatch(/^unknown/);
    expect(row.strength).toBe('unknown');
    expect(row.autonomy).toBe('unknown');
    expect(row.last_used).toBe('2026-11-19T11:00:00.000Z');
    expect(row.unknown_checks).toContain('nhi-service-account-no-owner');
    // Every other row of the inventory is a machine identity, and says so; the AWS root users
    // (listed for review, signed in to by a person) say what they are. The rows of subjects with
    // findings that are no identity (external workloads, an Okta AWS app) have values of their own.
    const others = rows.filter((x) => x.name !== NAME && x.provider !== 'external' && x.type !== 'okta-aws-federation-app');
    expect(others.length).toBeGreaterThan(0);
    for (const x of others) expect(x.classification, x.name).toBe(x.type === 'aws-root-user' ? 'root user (break-glass login)' : 'machine identity');
  });

  it('the table and the markdown summary count it apart from the machine identities', () => {
    const dir = managersAbsent('inv-table');
    const table = cli(['scan', '--snapshot', dir, '--now', NOW, '--no-color']);
    expect(table.stdout).toMatch(/\n  \d+ machine identities · .*\n  \+ 1 possible service account, not verified \(data that decides it was not read\): listed in the JSON\n    identities and the recertification sheet, not counted above\n/);
    const md = cli(['scan', '--snapshot', dir, '--now', NOW, '--format', 'markdown']);
    expect(md.stdout).toContain('machine identities scanned (+ **1** possible service account, not verified)');
  });

  it('explain gives its card, marked unverified, not "is a person"', () => {
    const card = cli(['explain', '--snapshot', managersAbsent('inv-explain'), '--now', NOW, '--no-color', NAME]);
    expect(card.code, card.stderr).toBe(0);
    expect(card.stdout).toContain('  possible service account, not verified: whether it is a service account is not known:');
    expect(card.stdout).toContain('unknown: none recorded, but its owner, sponsor or manager data was not read');
  });

  it('near miss: explain still refuses a person whose data was all read', () => {
    const r = cli(['explain', '--snapshot', withSvc('inv-explain-person', { manager: ALICE }), '--now', NOW, NAME]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is a person');
  });

  it('the demo as shipped has none: its inventory and counts are those of confirmed machine identities', () => {
    const r = reportOf(DEMO);
    expect(r.summary.possibleIdentities).toBeUndefined();
    expect(r.identities.filter((i) => i.possibleServiceAccount !== undefined)).toEqual([]);
    expect(r.identities).toHaveLength(r.summary.identities);
  });

  it('near miss: with everything read it is a service account, listed as a machine identity, no possible count', () => {
    const r = reportOf(withSvc('inv-control', { manager: null }));
    const svc = r.identities.find((i) => i.name === NAME)!;
    expect(svc.possibleServiceAccount).toBeUndefined();
    expect(svc.machineReasons).toBeDefined();
    expect(r.summary.possibleIdentities).toBeUndefined();
  });
});
