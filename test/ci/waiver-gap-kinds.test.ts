import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyCiLayer, waiverGaps } from '../../src/cli/ci.js';
import { applyWaivers, parseWaivers } from '../../src/ci/waivers.js';
import { defineRule } from '../../src/rule-kit.js';
import type { CoverageRecord } from '../../src/snapshot/types.js';
import type { Evaluates, RuleStats } from '../../src/engine/types.js';
import { finding, report } from './helpers.js';

const ACCOUNT = '111122223333';
const gap = (provider: CoverageRecord['provider'], capability: string, scope = ACCOUNT): CoverageRecord => ({ provider, scope, capability, status: 'missing-permission' });
const stats = (ruleId: string): RuleStats => ({ ruleId, evaluated: 1, failing: 0, unknown: 0, unknownReasons: {}, byProvider: {} });

/** A cross-provider rule that selects its subjects as `evaluates` says and reports nothing. */
function kindRule(id: string, evaluates: Evaluates) {
  return defineRule({
    meta: {
      id,
      title: 'Identity is a test subject',
      severity: 'low',
      providers: ['entra', 'okta', 'aws'],
      owasp: ['NHI7:2025'],
      description: 'test rule selecting subjects by kind',
      risk: 'none, a test',
      remediation: 'none, a test',
      references: ['https://example.com/x'],
      maturity: 'stable',
      messages: { m: '{{name}}' },
    },
    evaluates,
    check() {},
  });
}

/**
 * Whether a waiver of `rule` on `subject` that matches no finding is kept (not called stale)
 * with `coverage` not collected and the rule answering no unknown: the CI layer's own gaps
 * (waiverGaps) and waiver logic, with `rule` among the rules.
 */
function kept(rule: ReturnType<typeof kindRule>, subject: string, coverage: CoverageRecord[]): boolean {
  const r = report([finding()], { coverage, rules: [stats(rule.meta.id)] });
  const waivers = parseWaivers(`- ruleId: ${rule.meta.id}\n  subject: "${subject}"\n  reason: r\n  owner: o\n  expires: 2030-01-01\n`, 'w.yaml');
  const [message] = applyWaivers(r.findings, waivers, new Date(r.scannedAt), waiverGaps(r, [rule])).messages;
  if (/keep it until a complete scan$/.test(message)) return true;
  expect(message).toMatch(/\(stale\); remove it$/);
  return false;
}

describe('a waiver of a rule that selects its subjects by kind', () => {
  // Requires the owners; its subjects are every identity (the lists of every identity type).
  const onIdentities = kindRule('nhi-test-identities', { types: [], kinds: ['identity'], requires: ['entra.owners'] });
  const roles = `arn:aws:iam::${ACCOUNT}:role/*`;

  it('is kept by a gap in a list of its kind’s subjects, in the scope its subject names', () => {
    expect(kept(onIdentities, roles, [gap('aws', 'aws.iam')])).toBe(true);
    // An Okta token is an identity too: its list not read hides tokens of that org.
    expect(kept(onIdentities, 'okta:https://a.okta.example:token:*', [gap('okta', 'okta.apiTokens', 'https://a.okta.example')])).toBe(true);
    // A capability it requires, as for a rule on types.
    expect(kept(onIdentities, 'entra:t1:sp:*', [gap('entra', 'entra.owners', 't1')])).toBe(true);
  });

  it('is stale when the gap lists none of its subjects and it requires none of it, or is in another scope', () => {
    // The roles' session durations list no identity; neither does aws.iam of another account.
    expect(kept(onIdentities, roles, [gap('aws', 'aws.roleSessions')])).toBe(false);
    expect(kept(onIdentities, roles, [gap('aws', 'aws.iam', '444455556666')])).toBe(false);
    expect(kept(onIdentities, 'okta:https://a.okta.example:token:*', [gap('okta', 'okta.apiTokens', 'https://b.okta.example')])).toBe(false);
  });

  it('is not kept by the list of a type its filter never takes (skipsTypes), and is by it otherwise', () => {
    // The credential report lists the root user alone (LISTED_BY); a rule skipping it has no subject there.
    const skipsRoot = kindRule('nhi-test-no-root', { types: [], kinds: ['identity'], requires: ['entra.owners'], skipsTypes: ['aws-root-user'] });
    expect(kept(skipsRoot, `aws:${ACCOUNT}:*`, [gap('aws', 'aws.credentialReport')])).toBe(false);
    expect(kept(onIdentities, `aws:${ACCOUNT}:*`, [gap('aws', 'aws.credentialReport')])).toBe(true);
  });

  it('of humans is kept by the data that decides who is a service account', () => {
    const onHumans = kindRule('nhi-test-humans', { types: [], kinds: ['human'], requires: ['entra.owners'] });
    expect(kept(onHumans, 'entra:t1:user:*', [gap('entra', 'entra.mfaRegistration', 't1')])).toBe(true);
    expect(kept(onHumans, 'entra:t1:user:*', [gap('entra', 'entra.servicePrincipals', 't1')])).toBe(false);
  });

  it('keeps the provider excuse for a kind whose subject lists are not known, and for a rule requiring nothing', () => {
    // An external workload is found in trusts, not listed: any gap in the rule's providers may hide one.
    const onExternal = kindRule('nhi-test-external', { types: [], kinds: ['identity', 'external'], requires: ['entra.owners'] });
    expect(kept(onExternal, roles, [gap('aws', 'aws.roleSessions')])).toBe(true);
    const requiresNothing = kindRule('nhi-test-nothing', { types: [], kinds: ['identity'] });
    expect(kept(requiresNothing, roles, [gap('aws', 'aws.roleSessions')])).toBe(true);
  });

  it('of a shipped kind rule (each requires nothing) is kept by any gap in its providers, through the CI layer', () => {
    // nhi-credential-no-expiry declares no capability to rule a gap out: the session durations of
    // another account still keep an entry for a role of this one.
    const cwd = mkdtempSync(join(tmpdir(), 'nhiscan-wk-'));
    const file = join(cwd, 'w.yaml');
    writeFileSync(file, `- ruleId: nhi-credential-no-expiry\n  subject: "${roles}"\n  reason: r\n  owner: o\n  expires: 2030-01-01\n`);
    const r = report([finding()], { coverage: [gap('aws', 'aws.roleSessions', '444455556666')], rules: [stats('nhi-credential-no-expiry')] });
    expect(applyCiLayer(r, { waivers: file }, r.scannedAt, cwd).messages[0]).toMatch(/keep it until a complete scan$/);
  });
});
