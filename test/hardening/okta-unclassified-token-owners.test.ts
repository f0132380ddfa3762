import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyDemo, readJsonFile, reportOf, scratch, writeJsonFile } from './demo-copy.js';

/*
 * An Okta user no configured convention names a service account is still one when it owns API
 * tokens and has no active MFA factor. Its factors decide it: when they were not read, the user
 * cannot be called a person (okta-api-token-human-owner would blame a "personal account" on data
 * nobody read), so it is judged like an Entra user whose deciding signal was not read.
 */

const tmp = scratch('okta-unclassified');
afterAll(() => tmp.cleanup());

const ZAPIER = '00uAYHkZlcSjTxjsy5uw';
const LOGIN = 'zapier.owner@northwind.example';
const RULES = ['nhi-service-account-no-owner', 'nhi-service-account-weak-auth', 'nhi-human-use-of-machine-account'] as const;

/** The demo with svc.zapier (owner of the zapier-prod token, no active factor) renamed so no pattern matches it; `edit` changes its users.json record further. */
let n = 0;
function renamed(name: string, edit?: (u: any) => void): string {
  const dir = copyDemo(tmp.dir, `${name}-${n++}`);
  const users = readJsonFile(dir, 'okta/users.json');
  const u = users.find((x: { id: string }) => x.id === ZAPIER);
  u.profile.login = LOGIN;
  u.profile.email = LOGIN;
  edit?.(u);
  writeJsonFile(dir, 'okta/users.json', users);
  return dir;
}

/** As {@link renamed}, with its factors missing from userFactors.json: a token owner that cannot be classified. */
function unclassifiedOwner(name: string, edit?: (u: any) => void): string {
  const dir = renamed(name, edit);
  const factors = readJsonFile(dir, 'okta/userFactors.json');
  delete factors[ZAPIER];
  writeJsonFile(dir, 'okta/userFactors.json', factors);
  return dir;
}

const ALICE = '00u64WsCeWG0NUJEXKGT'; // ACTIVE
const BEN = '00uc5zzCNwhDP29G2Gpm'; // DEPROVISIONED

type Report = ReturnType<typeof reportOf>;
const stats = (r: Report, rule: string) => r.rules.find((s) => s.ruleId === rule)!;
const humanOwner = (r: Report) => r.findings.filter((f) => f.ruleId === 'okta-api-token-human-owner').map((f) => f.subject.name);
const UNCLASSIFIED = 'whether it is a service account is not known: it owns API tokens and its MFA factors were not read';
const unclassifiedReasons = (r: Report, rule: string) => Object.entries(stats(r, rule).unknownReasons).filter(([k]) => k.startsWith('whether it is a service account is not known'));

describe('an Okta token owner whose MFA factors were not read', () => {
  it('control: factors read (none active), it is a service account and its token is no personal one', () => {
    const r = reportOf(renamed('control'));
    expect(r.identities.find((i) => i.name === LOGIN)?.machineReasons).toEqual(['owns 1 API token(s)', 'has no active MFA factor']);
    expect(humanOwner(r)).not.toContain('zapier-prod');
  });

  it('missing from userFactors.json: no "personal account" finding, the rules answer unknown, one warning', () => {
    const control = reportOf(renamed('control-2'));
    const dir = renamed('factors-gap');
    const factors = readJsonFile(dir, 'okta/userFactors.json');
    delete factors[ZAPIER];
    writeJsonFile(dir, 'okta/userFactors.json', factors);
    const r = reportOf(dir);
    expect(humanOwner(r)).not.toContain('zapier-prod');
    expect(stats(r, 'okta-api-token-human-owner').unknownReasons).toMatchObject({
      'the owner may be a service account: it owns API tokens and its MFA factors were not read': 1,
    });
    // In the inventory only as a possible service account, not counted as a machine identity, and
    // judged by the service-account rules with unknowns.
    const listed = r.identities.find((i) => i.name === LOGIN);
    expect(listed?.possibleServiceAccount).toEqual({ notRead: ['MFA factors'], reason: 'whether it is a service account is not known: it owns API tokens and its MFA factors were not read' });
    expect(listed?.machineReasons).toBeUndefined();
    expect(r.summary.identities).toBe(control.summary.identities - 1);
    expect(r.summary.possibleIdentities).toBe(1);
    for (const rule of RULES) {
      expect(unclassifiedReasons(r, rule), rule).toEqual([['whether it is a service account is not known: it owns API tokens and its MFA factors were not read', 1]]);
      expect(stats(r, rule).evaluated, rule).toBe(stats(control, rule).evaluated);
    }
    expect(r.warnings).toContain(
      `okta/users.json: 1 user owning API tokens could not be classified, because its MFA factors were not read: the service-account rules answer unknown for it (first: ${LOGIN})`,
    );
  });

  it('okta.factors not collected: the same, for the same reason', () => {
    const dir = renamed('factors-not-collected');
    const m = readJsonFile(dir, 'manifest.json');
    Object.assign(m.coverage.find((c: { capability: string }) => c.capability === 'okta.factors'), { status: 'missing-permission', reason: '403' });
    writeJsonFile(dir, 'manifest.json', m);
    rmSync(join(dir, 'okta/userFactors.json'));
    const r = reportOf(dir);
    expect(humanOwner(r)).not.toContain('zapier-prod');
    expect(r.warnings.some((w) => w.startsWith('okta/users.json: 1 user owning API tokens could not be classified'))).toBe(true);
  });

  it('near miss: factors read with one active: a person, its token a personal one, no warning', () => {
    const dir = renamed('person');
    const factors = readJsonFile(dir, 'okta/userFactors.json');
    factors[ZAPIER] = [{ id: 'mfa1', factorType: 'token:software:totp', status: 'ACTIVE' }];
    writeJsonFile(dir, 'okta/userFactors.json', factors);
    const r = reportOf(dir);
    expect(humanOwner(r)).toContain('zapier-prod');
    expect(r.identities.find((i) => i.name === LOGIN)).toBeUndefined();
    expect(r.summary.possibleIdentities).toBeUndefined();
    for (const rule of RULES) expect(unclassifiedReasons(r, rule), rule).toEqual([]);
    expect(r.warnings.filter((w) => w.includes('could not be classified'))).toEqual([]);
  });

  // What was read still decides what it decides for a service account, and the answer does not
  // depend on whether it is one: an enabled manager recorded on the profile is an accountable
  // human either way, and no recent sign-in through the login flow is no human use either way.
  describe('the evidence read is used as for a service account', () => {
    const noOwner = 'nhi-service-account-no-owner';
    const humanUse = 'nhi-human-use-of-machine-account';

    it('an enabled profile manager: no-owner passes (it did not, without the edge)', () => {
      const r = reportOf(unclassifiedOwner('manager-active', (u) => (u.profile.managerId = ALICE)));
      expect(unclassifiedReasons(r, noOwner)).toEqual([]);
      expect(stats(r, noOwner).failing).toBe(stats(reportOf(unclassifiedOwner('manager-none')), noOwner).failing);
    });

    it('a departed or unlisted manager, or none: still unknown, never a finding', () => {
      for (const [name, edit] of [
        ['manager-left', (u: any) => (u.profile.managerId = BEN)],
        ['manager-free-text', (u: any) => (u.profile.manager = 'Pat Doe')],
        ['manager-none', undefined],
      ] as const) {
        const r = reportOf(unclassifiedOwner(name, edit));
        expect(unclassifiedReasons(r, noOwner), name).toEqual([[UNCLASSIFIED, 1]]);
      }
    });

    it('never signed in, or last signed in long ago: human use passes', () => {
      for (const [name, lastLogin] of [
        ['never', null],
        ['long-ago', '2025-03-01T10:00:00.000Z'],
      ] as const) {
        const r = reportOf(unclassifiedOwner(name, (u) => (u.lastLogin = lastLogin)));
        expect(unclassifiedReasons(r, humanUse), name).toEqual([]);
        expect(r.findings.filter((f) => f.ruleId === humanUse && f.subject.name === LOGIN), name).toEqual([]);
      }
    });

    it('a recent sign-in, or no lastLogin field: still unknown', () => {
      for (const [name, edit] of [
        ['recent', (u: any) => (u.lastLogin = '2026-11-12T16:41:07.000Z')],
        ['no-field', (u: any) => delete u.lastLogin],
      ] as const) {
        const r = reportOf(unclassifiedOwner(name, edit));
        expect(unclassifiedReasons(r, humanUse), name).toEqual([[UNCLASSIFIED, 1]]);
      }
    });
  });

  // The same absent field on a classified service account: "not collected", not "never signed in".
  it('control: a service account whose users.json record has no lastLogin field is unknown for human use, not a pass', () => {
    const r = reportOf(renamed('control-no-last-login', (u) => delete u.lastLogin));
    const id = r.identities.find((i) => i.name === LOGIN)!;
    expect(id.machineReasons).toEqual(['owns 1 API token(s)', 'has no active MFA factor']);
    expect(id.unknownRuleIds).toContain('nhi-human-use-of-machine-account');
  });
});
