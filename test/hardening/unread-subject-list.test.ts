import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { renderJson } from '../../src/reporters/json.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { renderTable } from '../../src/reporters/table.js';
import { copyDemo, readJsonFile, reportOf, scratch, writeJsonFile } from './demo-copy.js';

/*
 * The Okta API token list refused (403): the token rules have no subject in that org. "0
 * evaluated" reads like a clean pass, so each rule on tokens counts the org as one unknown with
 * the coverage record's reason, in every format that lists unknowns (SARIF shows the coverage gap
 * itself, not per-rule counts).
 */

const tmp = scratch('unread-subject-list');
afterAll(() => tmp.cleanup());

const ORG = 'https://northwind.okta.example';
const WHY = '403 E0000006 on GET /api/v1/api-tokens';
// The cross-provider rules that select every identity (and service-account user) by kind: an Okta
// API token is an identity, and owning one can make a user a service account.
const KIND_RULES = [
  'nhi-ai-agent-delegated-high-impact',
  'nhi-ai-agent-privileged',
  'nhi-credential-no-expiry',
  'nhi-federation-with-active-secret',
  'nhi-human-use-of-machine-account',
  'nhi-path-to-crown-jewel',
  'nhi-service-account-no-owner',
  'nhi-service-account-weak-auth',
  'nhi-shared-secret-high-tier',
  'nhi-tier-policy-violation',
];
const TOKEN_RULES = ['okta-api-token-admin-owner', 'okta-api-token-age', 'okta-api-token-any-network', 'okta-api-token-human-owner', 'okta-api-token-owner-inactive', 'okta-api-token-shared', 'okta-api-token-unused'];

function tokensDenied(): string {
  const dir = copyDemo(tmp.dir, 'denied');
  const m = readJsonFile(dir, 'manifest.json');
  const rec = m.coverage.find((c: { provider: string; capability: string }) => c.provider === 'okta' && c.capability === 'okta.apiTokens');
  rec.status = 'missing-permission';
  rec.reason = WHY;
  writeJsonFile(dir, 'manifest.json', m);
  rmSync(join(dir, 'okta/apiTokens.json'));
  return dir;
}

describe('a subject list not read', () => {
  const report = reportOf(tokensDenied());
  const reasonOf = (title: string) => `the API token list of org ${ORG} was not read (denied: ${WHY}); so whether "${title}" holds cannot be judged`;

  it('is one unknown of every rule on that subject type, with the coverage reason', () => {
    for (const id of TOKEN_RULES) {
      const st = report.rules.find((r) => r.ruleId === id)!;
      expect(st, id).toBeDefined();
      const reasons = Object.keys(st.unknownReasons);
      expect(st.unknown, id).toBe(1);
      expect(st.failing, id).toBe(0);
      expect(reasons.length, id).toBe(1);
      expect(reasons[0].startsWith(`the API token list of org ${ORG} was not read (denied: ${WHY})`), id).toBe(true);
    }
  });

  it('shows in the table, JSON and markdown unknown sections', () => {
    const st = report.rules.find((r) => r.ruleId === 'okta-api-token-age')!;
    const reason = Object.keys(st.unknownReasons)[0];
    expect(reason).toBe(reasonOf(reason.split('"')[1]));
    const json = JSON.parse(renderJson(report));
    expect(json.rules.find((r: { ruleId: string }) => r.ruleId === 'okta-api-token-age')).toMatchObject({ evaluated: 1, unknown: 1, unknownReasons: { [reason]: 1 } });
    // The table lists the ten rules with most unknowns; the nhi-* rules on identities now count
    // the same gap and come first, so the token rules are looked for among themselves.
    const table = renderTable({ ...report, rules: report.rules.filter((r) => TOKEN_RULES.includes(r.ruleId)) }, { color: false, width: 1000 });
    expect(table).toContain(`okta-api-token-age: 1 unknown: ${reason}`);
    expect(renderMarkdown(report)).toContain(`- okta-api-token-age: 1 unknown: \`${reason}\``);
  });

  it('is one unknown of every rule that selects its subjects by kind, with the coverage reason', () => {
    for (const id of KIND_RULES) {
      const st = report.rules.find((r) => r.ruleId === id)!;
      expect(st, id).toBeDefined();
      const reason = reasonOf(titleOf(id));
      expect(st.unknownReasons[reason], id).toBe(1);
      expect(st.byProvider.okta?.unknown ?? 0, id).toBeGreaterThanOrEqual(1);
    }
  });

  it('shows the kind rules\' unknown in the table, JSON and markdown unknown sections', () => {
    const reason = reasonOf(titleOf('nhi-ai-agent-privileged'));
    const json = JSON.parse(renderJson(report));
    expect(json.rules.find((r: { ruleId: string }) => r.ruleId === 'nhi-ai-agent-privileged').unknownReasons[reason]).toBe(1);
    expect(renderTable(report, { color: false, width: 1000 })).toContain(`nhi-ai-agent-privileged: 1 unknown: ${reason}`);
    expect(renderMarkdown(report)).toContain(`- nhi-ai-agent-privileged: 1 unknown: \`${reason}\``);
  });
});

function titleOf(id: string): string {
  return allRules.find((r) => r.meta.id === id)!.meta.title;
}
