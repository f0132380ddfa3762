import { describe, it, expect, beforeAll } from 'vitest';
import { readSnapshotDir, demoDir } from '../../../src/cli/io.js';
import { scanSnapshot } from '../../../src/scan.js';
import { DEFAULT_CONFIG } from '../../../src/config/types.js';
import type { ScanReport } from '../../../src/report/types.js';
import { awsRules } from '../../../rules/aws/index.js';
import { allRules } from '../../../rules/index.js';
import { roleId, userId, rootId, ACCT, OTHER } from '../../helpers/aws-builders.js';

/** The AWS rules over the demo snapshot (fixtures/demo/STORY.md, stories 5, 6, 9, 10 and "Other details"). */
describe('AWS rules on the demo snapshot', () => {
  let report: ScanReport;
  const rulesOf = (id: string) => [...new Set(report.findings.filter((f) => f.subject.id === id).map((f) => f.ruleId))].sort();
  const finding = (ruleId: string, id: string) => report.findings.find((f) => f.ruleId === ruleId && f.subject.id === id);

  beforeAll(() => {
    const snap = readSnapshotDir(demoDir());
    report = scanSnapshot(snap, { now: new Date(snap.manifest.collectedAt), config: DEFAULT_CONFIG, rules: awsRules, version: 'test' }).report;
  });

  it('story 5: github-deploy trusts every repository of the org and is an administrator', () => {
    expect(finding('aws-oidc-trust-weak-subject', roleId('github-deploy'))).toMatchObject({ severity: 'critical', args: { pattern: 'repo:northwind/*' } });
    expect(finding('aws-principal-admin', roleId('github-deploy'))?.severity).toBe('critical');
  });

  it('story 5 near miss: github-docs-publish (pinned subject, scoped bucket) is not flagged', () => {
    expect(rulesOf(roleId('github-docs-publish'))).toEqual([]);
  });

  it('story 6: legacy-erp-integration has an old key and a console password without MFA', () => {
    const old = finding('aws-access-key-not-rotated', userId('legacy-erp-integration'));
    expect(old?.args.days).toBeGreaterThanOrEqual(475);
    expect(finding('aws-key-user-console-access', userId('legacy-erp-integration'))?.severity).toBe('high');
  });

  it('story 6 and 10 near misses: billing-export and svc-reporting rotate and use their keys; maria.gomez is a human', () => {
    for (const n of ['billing-export', 'svc-reporting', 'maria.gomez']) expect(rulesOf(userId(n)), n).toEqual([]);
  });

  it('story 9: okta-admin is an administrator entered through SAML', () => {
    const f = finding('aws-principal-admin', roleId('okta-admin'));
    expect(f?.severity).toBe('critical');
    expect(String(f?.args.exposure)).toContain('SAML provider Okta');
    expect(rulesOf(roleId('okta-readonly'))).toEqual([]);
  });

  it('story 15: entra-dev-admin is an administrator entered through the Entra SAML provider, with 12-hour sessions', () => {
    const f = finding('aws-principal-admin', roleId('entra-dev-admin', OTHER));
    expect(f?.severity).toBe('critical');
    expect(String(f?.args.exposure)).toContain('SAML provider EntraID');
    expect(finding('aws-saml-long-session', roleId('entra-dev-admin', OTHER))?.evidence.maxSessionDuration).toBe(43200);
  });

  it('story 2: ops-agent-role trusts the Entra tenant with no subject condition', () => {
    expect(finding('aws-oidc-trust-weak-subject', roleId('ops-agent-role'))).toMatchObject({ messageId: 'missing', severity: 'critical' });
    expect(finding('aws-oidc-trust-no-audience', roleId('ops-agent-role'))).toBeUndefined();
  });

  it('the dev account trusting prod is not a third-party trust; roots have no keys; service-linked roles are left alone', () => {
    expect(rulesOf(roleId('prod-ops-access', OTHER))).toEqual([]);
    expect(rulesOf(rootId(ACCT))).toEqual([]);
    expect(rulesOf(rootId(OTHER))).toEqual([]);
    expect(rulesOf(roleId('aws-service-role/trustedadvisor.amazonaws.com/AWSServiceRoleForTrustedAdvisor'))).toEqual([]);
    const third = report.rules.find((s) => s.ruleId === 'aws-trust-third-party-no-external-id')!;
    expect(third).toMatchObject({ failing: 0 });
    expect(third.evaluated).toBeGreaterThan(0);
    expect(report.rules.find((s) => s.ruleId === 'aws-root-access-key')).toMatchObject({ evaluated: 2, failing: 0 });
  });

  it('no escalation paths in the demo, and SAML session length is read from list-roles.json (GAAD has no MaxSessionDuration)', () => {
    expect(report.rules.find((s) => s.ruleId === 'aws-principal-can-escalate')).toMatchObject({ failing: 0, unknown: 0 });
    // okta-admin allows the 12-hour sessions the Okta app issues (story 9), and so does
    // entra-dev-admin (story 15); okta-readonly one hour.
    expect(report.rules.find((s) => s.ruleId === 'aws-saml-long-session')).toMatchObject({ evaluated: 3, failing: 2, unknown: 0 });
  });

  it('reports exactly the expected AWS findings', () => {
    const got = report.findings.map((f) => `${f.ruleId} ${f.subject.name}`).sort();
    expect(got).toEqual(
      [
        'aws-access-key-not-rotated legacy-erp-integration',
        'aws-key-user-console-access legacy-erp-integration',
        'aws-oidc-trust-weak-subject github-deploy',
        'aws-oidc-trust-weak-subject ops-agent-role',
        'aws-principal-admin github-deploy',
        'aws-principal-admin okta-admin',
        'aws-saml-long-session okta-admin',
        'aws-principal-admin entra-dev-admin',
        'aws-saml-long-session entra-dev-admin',
      ].sort(),
    );
  });
});

describe('a person with an IAM user in the demo (maria.gomez: console password with MFA, no access key)', () => {
  let report: ScanReport;
  let kind: string | undefined;

  beforeAll(() => {
    const snap = readSnapshotDir(demoDir());
    const result = scanSnapshot(snap, { now: new Date(snap.manifest.collectedAt), config: DEFAULT_CONFIG, rules: allRules, version: 'test' });
    report = result.report;
    kind = result.graph.node(userId('maria.gomez'))?.kind;
  });

  it('is a human node, not in the machine-identity inventory, and no rule reports her', () => {
    expect(kind).toBe('human');
    expect(report.identities.map((i) => i.id)).not.toContain(userId('maria.gomez'));
    expect(report.findings.filter((f) => f.subject.id === userId('maria.gomez')).map((f) => f.ruleId)).toEqual([]);
  });

  it('is not evaluated by the AWS IAM-user rules either', () => {
    // They select every IAM user by type; a pass on a person would count her as checked. Each
    // one evaluates exactly the machine IAM users of the inventory.
    const machineUsers = report.identities.filter((i) => i.type === 'aws-iam-user').length;
    expect(machineUsers).toBeGreaterThan(0);
    for (const id of ['aws-user-unused', 'aws-access-key-not-rotated', 'aws-access-key-unused', 'aws-user-two-active-keys', 'aws-key-user-console-access']) {
      expect(report.rules.find((r) => r.ruleId === id)?.evaluated, id).toBe(machineUsers);
    }
  });
});
