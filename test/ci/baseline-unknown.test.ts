import { describe, it, expect, afterEach } from 'vitest';
import { readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { baselineJudge, compareWithBaseline, judgedKey, createBaseline, parseBaseline, type ScanEvidence } from '../../src/ci/baseline.js';
import { cliInProcess as cli, copyDemo, editJson, finding, LEGACY_APP_ID, LEGACY_SP_ID } from './helpers.js';
import { writeFileSync } from 'node:fs';
import { InputError } from '../../src/errors.js';

afterEach(() => {
  process.exitCode = 0;
});

const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
/** The application object of Infra Deployer, the app with the two GitHub federated credentials. */
const INFRA_APP_ID = '19e384e6-da58-40e3-9635-d6c27d5fd81e';
const json = ['--format', 'json', '--allow-partial'];

/** A demo copy with a baseline of it written next to it. */
async function demoWithBaseline(): Promise<{ snap: string; work: string; baseline: string }> {
  const snap = copyDemo();
  const work = dirname(snap);
  const baseline = join(work, 'baseline.json');
  expect((await cli('baseline', 'write', baseline, '--snapshot', snap)).code).toBe(0);
  return { snap, work, baseline };
}

async function scanJson(snap: string, ...args: string[]): Promise<{ report: any; stderr: string; code: number }> {
  const out = join(dirname(snap), `r-${Math.random().toString(36).slice(2)}.json`);
  const r = await cli('scan', '--snapshot', snap, '-o', out, ...json, ...args);
  return { report: JSON.parse(readFileSync(out, 'utf8')), stderr: r.stderr, code: r.code };
}

describe('a baseline finding the scan could not judge is unknown, not resolved', () => {
  it('unit: entries the judge calls unjudged are counted apart', () => {
    const [a, gone, blind] = [finding(), finding(), finding()];
    const bl = createBaseline([a, gone, blind], 'now');
    const { counts } = compareWithBaseline([a], bl, (e) => e.subjectId === blind.subject.id);
    expect(counts).toEqual({ new: 0, unchanged: 1, resolved: 1, unknown: 1 });
  });

  it('unit: the judge', () => {
    const evidence: ScanEvidence = {
      scopes: [{ provider: 'entra', id: 't1' }, { provider: 'okta', id: 'https://o.example' }],
      coverage: [
        { provider: 'okta', scope: 'https://o.example', capability: 'okta.users', status: 'error' },
        { provider: 'entra', scope: 't1', capability: 'entra.credentialSignInActivity', status: 'missing-permission' },
      ],
      ruleRequires: new Map([['r', []], ['needs-sign-ins', ['entra.credentialSignInActivity']]]),
      unknownBySubject: new Map([['entra:t1:sp:blind', ['r']]]),
      evaluated: new Set([judgedKey('r', 'entra:t1:sp:fixed'), judgedKey('gone-rule', 'entra:t1:sp:fixed')]),
    };
    const judge = baselineJudge(evidence);
    const e = (ruleId: string, subjectId: string) => judge({ fingerprint: 'x', ruleId, subjectId });
    expect(e('r', 'entra:t1:sp:blind')).toBe(true); // the rule answered unknown for it
    expect(e('r', 'entra:t1:sp:fixed')).toBe(false); // evaluated and not unknown: fixed
    expect(e('gone-rule', 'entra:t1:sp:fixed')).toBe(true); // the rule did not run
    expect(e('r', 'entra:t1:sp:deleted')).toBe(false); // the Entra inventory was read: deleted
    expect(e('needs-sign-ins', 'entra:t1:sp:deleted')).toBe(true); // its rule's data was not read
    expect(e('r', 'okta:https://o.example:user:00u1')).toBe(true); // okta.users not read
    expect(e('r', 'aws:999988887777:principal:x')).toBe(true); // an account not scanned
    expect(e('r', 'external:oidc:x')).toBe(true); // outside every scope, and a scope has an inventory gap
    expect(e('', '')).toBe(true); // a hand-written entry cannot be checked: unknown
  });

  it('owners of the ownerless app not read: its critical entra-app-no-owner finding is unknown', async () => {
    const { snap, baseline } = await demoWithBaseline();
    const before = JSON.parse(readFileSync(baseline, 'utf8')).findings.length;
    editJson(join(snap, 'entra/applicationOwners.json'), (d) => void delete d[LEGACY_APP_ID]);
    editJson(join(snap, 'entra/servicePrincipalOwners.json'), (d) => void delete d[LEGACY_SP_ID]);
    const { report, stderr } = await scanJson(snap, '--baseline', baseline);
    const sp = `entra:${TENANT}:sp:${LEGACY_SP_ID}`;
    expect(report.findings.some((f: any) => f.ruleId === 'entra-app-no-owner' && f.subject.id === sp)).toBe(false);
    expect(report.identities.find((i: any) => i.id === sp).unknownRuleIds).toContain('entra-app-no-owner');
    // Legacy Provisioning Sync is T4: with its owners unread, any identity below T4 may own it and
    // take T4, so their tiers are lower bounds and T0/T1 no longer lower a severity. Three
    // findings accepted at the lowered severity are back at their base one: new (escalated). And
    // the Helpdesk assistant's tenant-wide consent, high while it surely held nothing of its own,
    // is critical: it may be an owner of that T4 app, so whether it acts on its own is not known.
    expect(report.summary.baseline).toEqual({ new: 4, unchanged: before - 5, resolved: 0, unknown: 1 });
    const isNew = report.findings.filter((f: any) => f.baselineState === 'new');
    const delegated = isNew.filter((f: any) => f.ruleId === 'nhi-ai-agent-delegated-high-impact');
    expect(delegated.map((f: any) => [f.subject.name, f.severity, f.messageId])).toEqual([['Helpdesk AI Assistant', 'critical', 'delegatedOwn']]);
    expect(delegated[0].message).toMatch(/whether it also acts on its own is not known: .*Legacy Provisioning Sync/);
    expect(isNew.filter((f: any) => f !== delegated[0]).every((f: any) => f.severity === f.baseSeverity && /owners of service principal Legacy Provisioning Sync/.test(f.tierIncomplete))).toBe(true);
    expect(stderr).toMatch(/1 baseline finding is no longer found but could not be judged .* counted as unknown, not resolved/);
    expect(report.warnings.join('\n')).toMatch(/could not be judged/);

    // The table and Markdown show the count too.
    const table = await cli('scan', '--snapshot', snap, '--baseline', baseline, '--allow-partial', '-o', join(dirname(snap), 't.txt'));
    expect(table.code).toBe(0);
    expect(readFileSync(join(dirname(snap), 't.txt'), 'utf8')).toMatch(/baseline: 4 new · \d+ unchanged · 0 resolved · 1 unknown/);
    await cli('scan', '--snapshot', snap, '--baseline', baseline, '--format', 'markdown', '-o', join(dirname(snap), 'r.md'));
    expect(readFileSync(join(dirname(snap), 'r.md'), 'utf8')).toMatch(/· 0 resolved · 1 unknown/);
  });

  it('control: an owner added to that app resolves the finding', async () => {
    const { snap, baseline } = await demoWithBaseline();
    editJson(join(snap, 'entra/applicationOwners.json'), (d) => {
      d[LEGACY_APP_ID] = [{ '@odata.type': '#microsoft.graph.user', id: '5125ad0d-dc18-40a5-8165-4fc7f25883d6', displayName: 'Alice Chen', userPrincipalName: 'alice.chen@northwind.example' }];
    });
    const { report, stderr } = await scanJson(snap, '--baseline', baseline);
    expect(report.summary.baseline.resolved).toBeGreaterThanOrEqual(1);
    expect(report.summary.baseline.unknown).toBe(0);
    expect(stderr).not.toMatch(/could not be judged/);
  });

  it('unit: a record for part of a capability (`<capability>@<file>`) is a gap in the capability', () => {
    const evidence: ScanEvidence = {
      scopes: [{ provider: 'entra', id: 't1' }],
      coverage: [
        { provider: 'entra', scope: 't1', capability: 'entra.federatedIdentityCredentials@federatedIdentityCredentials.json', status: 'error' },
        { provider: 'entra', scope: 't1', capability: 'entra.groups@groupMembers.json', status: 'error' },
      ],
      ruleRequires: new Map([['r', []], ['needs-groups', ['entra.groups']], ['needs-sign-ins', ['entra.credentialSignInActivity']]]),
      unknownBySubject: new Map(),
      evaluated: new Set([judgedKey('r', 'entra:t1:sp:fixed')]),
    };
    const judge = baselineJudge(evidence);
    const e = (ruleId: string, subjectId: string) => judge({ fingerprint: 'x', ruleId, subjectId });
    expect(e('r', 'external:oidc:ext:https://issuer|sub')).toBe(true); // its credential may be among those not read
    expect(e('r', 'entra:t1:sp:deleted')).toBe(true); // a listing capability was read in part only
    expect(e('needs-groups', 'entra:t1:sp:deleted')).toBe(true);
    expect(e('r', 'entra:t1:sp:fixed')).toBe(false); // evaluated: judged by the rule, whatever the gaps
    // A gap in another tenant's data says nothing about this one.
    const other = baselineJudge({ ...evidence, coverage: evidence.coverage.map((c) => ({ ...c, scope: 't2' })) });
    expect(other({ fingerprint: 'x', ruleId: 'needs-sign-ins', subjectId: 'entra:t1:sp:deleted' })).toBe(false);
  });

  it('one app missing from federatedIdentityCredentials.json: the paths of the workloads it trusts are unknown, not resolved', async () => {
    const { snap, baseline } = await demoWithBaseline();
    // Infra Deployer trusts two GitHub subjects of northwind/infra, which reach two kinds of Entra jewel each.
    const workload = (ruleId: string, subjectId: string) => ruleId === 'nhi-path-to-crown-jewel' && subjectId.startsWith('external:oidc:') && subjectId.includes('repo:northwind/infra:');
    const accepted = JSON.parse(readFileSync(baseline, 'utf8')).findings.filter((e: any) => workload(e.ruleId, e.subjectId));
    expect(accepted.length).toBe(4);
    editJson(join(snap, 'entra/federatedIdentityCredentials.json'), (d) => void delete d[INFRA_APP_ID]);
    const { report } = await scanJson(snap, '--baseline', baseline);
    expect(report.coverage.some((c: any) => c.capability === 'entra.federatedIdentityCredentials@federatedIdentityCredentials.json' && c.status === 'error')).toBe(true);
    expect(report.findings.filter((f: any) => workload(f.ruleId, f.subject.id))).toEqual([]);
    expect(report.baseline?.resolved ?? []).toEqual([]);
    expect(report.summary.baseline.resolved).toBe(0);
    expect(report.summary.baseline.unknown).toBe(accepted.length + 3); // and the app's own three, which its rules answered unknown for
  });

  it('control: the same app read with no federated credentials resolves those paths', async () => {
    const { snap, baseline } = await demoWithBaseline();
    editJson(join(snap, 'entra/federatedIdentityCredentials.json'), (d) => {
      d[INFRA_APP_ID] = Array.isArray(d[INFRA_APP_ID]) ? [] : { ...d[INFRA_APP_ID], value: [] };
    });
    const { report } = await scanJson(snap, '--baseline', baseline);
    const resolved = (report.baseline?.resolved ?? []).filter((e: any) => e.subjectId.startsWith('external:oidc:') && e.subjectId.includes('repo:northwind/infra:'));
    expect(resolved.length).toBe(4);
  });

  it('okta/users.json missing: the Okta service-account findings are unknown, not resolved', async () => {
    const { snap, baseline } = await demoWithBaseline();
    const okta = JSON.parse(readFileSync(baseline, 'utf8')).findings.filter((e: any) => e.subjectId.startsWith('okta:') && e.subjectId.includes(':user:'));
    expect(okta.length).toBeGreaterThan(0);
    rmSync(join(snap, 'okta/users.json'));
    const { report } = await scanJson(snap, '--baseline', baseline);
    expect(report.summary.baseline.resolved).toBe(0);
    expect(report.summary.baseline.unknown).toBeGreaterThanOrEqual(okta.length);
  });
});

/** Rewrites a demo copy as another estate: tenant, Okta org and AWS accounts. */
function otherEstate(snap: string): void {
  const swap = (s: string) =>
    s.replaceAll(TENANT, '0a0b0c0d-1111-4222-8333-944455556666').replaceAll('northwind.okta.example', 'contoso.okta.example').replaceAll('111122223333', '999988887777').replaceAll('444455556666', '777766665555');
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else writeFileSync(p, swap(readFileSync(p, 'utf8')));
    }
  };
  walk(snap);
  renameSync(join(snap, 'aws/111122223333'), join(snap, 'aws/999988887777'));
  renameSync(join(snap, 'aws/444455556666'), join(snap, 'aws/777766665555'));
}

describe('a baseline of another estate', () => {
  it('is recognised by its scopes: every finding new, none unchanged, a message says so', async () => {
    const { snap, baseline } = await demoWithBaseline();
    const file = JSON.parse(readFileSync(baseline, 'utf8'));
    expect(file.scopes.map((s: any) => `${s.provider}:${s.id}`)).toEqual(['aws:111122223333', 'aws:444455556666', `entra:${TENANT}`, 'okta:https://northwind.okta.example']);
    otherEstate(snap);
    const { report, stderr, code } = await scanJson(snap, '--baseline', baseline, '--fail-on', 'critical');
    expect(report.summary.baseline).toEqual({ new: report.findings.length, unchanged: 0, resolved: 0, unknown: file.findings.length });
    expect(report.findings.every((f: any) => f.status === 'new')).toBe(true);
    expect(code).toBe(1);
    expect(stderr).toMatch(/the baseline was written for aws:111122223333, .* none of which this scan read .*; all \d+ findings are new/);
  });

  it('a baseline written before scopes were recorded is placed by its subject ids', async () => {
    const { snap, baseline } = await demoWithBaseline();
    editJson(baseline, (b) => void delete b.scopes);
    expect(parseBaseline(JSON.parse(readFileSync(baseline, 'utf8')), 'b').scopes).toBeUndefined();
    otherEstate(snap);
    const { report, stderr } = await scanJson(snap, '--baseline', baseline);
    expect(report.summary.baseline.unchanged).toBe(0);
    expect(stderr).toMatch(/names subjects in none of the scopes this scan read/);
  });

  it('a scope added since the baseline is named; the same estate stays quiet', async () => {
    const { snap, baseline } = await demoWithBaseline();
    const same = await scanJson(snap, '--baseline', baseline);
    expect(same.stderr).not.toMatch(/baseline/);
    editJson(baseline, (b) => {
      b.scopes = b.scopes.filter((s: any) => s.id !== '444455556666');
    });
    const { report, stderr } = await scanJson(snap, '--baseline', baseline);
    expect(report.summary.baseline.new).toBe(0);
    expect(stderr).toMatch(/the baseline does not cover aws:444455556666/);
  });

  it('rejects malformed scopes, naming the JSON path', () => {
    try {
      parseBaseline({ schemaVersion: 1, tool: 'nhiscan', scopes: [{ provider: 'aws' }], findings: [] }, 'b.json');
      expect.unreachable();
    } catch (e) {
      expect((e as InputError).oneLine()).toBe('b.json: $.scopes[0].id: expected a scope id string');
    }
  });
});
