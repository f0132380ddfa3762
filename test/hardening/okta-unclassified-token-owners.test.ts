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

/** The demo with svc.zapier (owner of the zapier-prod token, no active factor) renamed so no pattern matches it. */
let n = 0;
function renamed(name: string): string {
  const dir = copyDemo(tmp.dir, `${name}-${n++}`);
  const users = readJsonFile(dir, 'okta/users.json');
  const u = users.find((x: { id: string }) => x.id === ZAPIER);
  u.profile.login = LOGIN;
  u.profile.email = LOGIN;
  writeJsonFile(dir, 'okta/users.json', users);
  return dir;
}

type Report = ReturnType<typeof reportOf>;
const stats = (r: Report, rule: string) => r.rules.find((s) => s.ruleId === rule)!;
const humanOwner = (r: Report) => r.findings.filter((f) => f.ruleId === 'okta-api-token-human-owner').map((f) => f.subject.name);
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
});
