import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, repoRoot } from '../helpers/cli.js';

// The table's unknown section sends the reader to `nhiscan explain ID --format json` for which
// identities a rule could not judge. The card must then say it: an identity with no finding and
// nine undecided rules read "Findings (0)" and nothing else, a gap that looks like a clean bill.

const NOW = '2026-11-29T00:00:00Z';
const USER = 'dev-integration-tests';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nhiscan-explain-unknown-'));
  cpSync(join(repoRoot, 'fixtures', 'demo'), dir, { recursive: true });
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  const record = manifest.coverage.find((c: { scope: string; capability: string }) => c.scope === '444455556666' && c.capability === 'aws.credentialReport');
  Object.assign(record, { status: 'error', reason: 'GenerateCredentialReport failed' });
  writeFileSync(path, JSON.stringify(manifest, null, 2));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => cli([...args, '--snapshot', dir, '--now', NOW]);

describe('explain: the rules that could not judge the identity', () => {
  it('lists each unknown rule with the coverage gap it rests on, in JSON and in text', () => {
    const scan = JSON.parse(run(['scan', '--format', 'json', '--allow-partial']).stdout);
    const listed: string[] = scan.identities.find((i: { name: string }) => i.name === USER).unknownRuleIds;
    expect(listed.length).toBeGreaterThan(0);

    const json = run(['explain', USER, '--format', 'json']);
    expect(json.code).toBe(0);
    const card = JSON.parse(json.stdout);
    expect(card.findings).toEqual([]);
    // The same rules as the scan report names for the identity, each with its reason.
    expect(card.identity.unknownRuleIds).toEqual(listed);
    expect(card.unknownRules.map((u: { ruleId: string }) => u.ruleId)).toEqual(listed);
    const byRule = new Map<string, string>(card.unknownRules.map((u: { ruleId: string; reason: string }) => [u.ruleId, u.reason]));
    expect(byRule.get('aws-access-key-not-rotated')).toBe(
      'the IAM credential report of account 444455556666 was not read (error: GenerateCredentialReport failed); so whether "Active IAM access key has not been rotated within the rotation window" holds cannot be judged',
    );
    // A rule that calls unknown itself gives its own reason, as the scan's rules[].unknownReasons counts it.
    const own = scan.rules.find((r: { ruleId: string }) => r.ruleId === 'nhi-service-account-weak-auth');
    expect(Object.keys(own.unknownReasons)).toContain(byRule.get('nhi-service-account-weak-auth'));

    const text = run(['explain', USER]);
    expect(text.code).toBe(0);
    const joined = text.stdout.replace(/\n +/g, ' ');
    expect(joined).toContain(`Unknown checks (${listed.length}): could not be judged, not passes`);
    for (const id of listed) expect(joined).toContain(`${id}: ${byRule.get(id)}`);
  });

  it('a card with no unknown rule has no such field or section', () => {
    const card = JSON.parse(run(['explain', 'Ops Agent', '--format', 'json']).stdout);
    const scan = JSON.parse(run(['scan', '--format', 'json', '--allow-partial']).stdout);
    const quiet = scan.identities.find((i: { unknownRuleIds?: string[]; findingIds: string[] }) => i.unknownRuleIds === undefined && i.findingIds.length > 0);
    expect(quiet).toBeDefined();
    const plain = JSON.parse(run(['explain', quiet.id, '--format', 'json']).stdout);
    expect(Object.keys(plain)).not.toContain('unknownRules');
    expect(Object.keys(plain.identity)).not.toContain('unknownRuleIds');
    expect(run(['explain', quiet.id]).stdout).not.toMatch(/Unknown checks/);
    // Near miss: an identity the demo itself leaves undecided (its credential sign-in report denied).
    expect(card.unknownRules?.map((u: { ruleId: string }) => u.ruleId)).toContain('entra-credential-unused');
  });
});
