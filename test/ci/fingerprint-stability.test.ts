import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { copyDemo, editJson, scanDir } from './helpers.js';
import { compareWithBaseline, createBaseline } from '../../src/ci/baseline.js';

const AUTHZ = 'aws/111122223333/authorization-details.json';
const RISKY = 'github-deploy';

/** Trust statements four rules report: Principal *, a third party without ExternalId, OIDC without aud, OIDC with a loose sub. */
function addRiskyStatements(snap: string): void {
  editJson(join(snap, AUTHZ), (d) => {
    const role = d.RoleDetailList.find((r: any) => r.RoleName === RISKY);
    role.AssumeRolePolicyDocument.Statement.push(
      { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'sts:AssumeRole' },
      {
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:northwind/tools:*' } },
      },
    );
  });
}

/** Puts a harmless statement first in every role's trust policy: every other statement moves down one place. */
function prependBenignStatement(snap: string): void {
  editJson(join(snap, AUTHZ), (d) => {
    for (const r of d.RoleDetailList) {
      r.AssumeRolePolicyDocument.Statement.unshift({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });
    }
  });
}

const TRUST_RULES = ['aws-trust-any-principal', 'aws-trust-third-party-no-external-id', 'aws-oidc-trust-no-audience', 'aws-oidc-trust-weak-subject'];

describe('fingerprints of trust-policy findings', () => {
  it('do not change when another statement is added before them', () => {
    const snap = copyDemo();
    addRiskyStatements(snap);
    const before = scanDir(snap).report.findings;
    prependBenignStatement(snap);
    const after = scanDir(snap).report.findings;
    const of = (fs: typeof before) => fs.filter((f) => TRUST_RULES.includes(f.ruleId)).map((f) => `${f.ruleId} ${f.fingerprint}`).sort();
    // Each of the four rules reports on the edited role, or the test would prove nothing.
    for (const rule of TRUST_RULES) expect(before.some((f) => f.ruleId === rule && f.subject.name === RISKY), rule).toBe(true);
    expect(of(after)).toEqual(of(before));
    // Different statements on one role stay different findings.
    const fps = before.map((f) => f.fingerprint);
    expect(new Set(fps).size).toBe(fps.length);
  });
});

/**
 * Partial fixes on the demo, as a pipeline would see them against a baseline of the demo: the
 * findings they touch change state (and severity), not identity, so none of them is new.
 */
describe('fingerprints survive a partial fix', () => {
  const afterEdit = (edit: (snap: string) => void) => {
    const baseline = createBaseline(scanDir().report.findings, 'now');
    const snap = copyDemo();
    edit(snap);
    return compareWithBaseline(scanDir(snap).report.findings, baseline);
  };
  const SVC_BACKUP = '46bd9401-490b-406d-b5a6-1db96bfd7d7f';

  it('moving a directory role to PIM eligibility', () => {
    const { findings, counts } = afterEdit((snap) => {
      let moved: any;
      editJson(join(snap, 'entra/roleAssignments.json'), (d) => {
        moved = d.value.find((a: any) => a.principalId === SVC_BACKUP);
        d.value = d.value.filter((a: any) => a !== moved);
      });
      editJson(join(snap, 'entra/roleEligibilitySchedules.json'), (d) => d.value.push({ ...moved, id: 'pim-svc-backup', status: 'Provisioned', memberType: 'Direct' }));
    });
    const role = findings.filter((f) => f.ruleId === 'entra-privileged-directory-role' && f.subject.name === 'svc-backup');
    expect(role.map((f) => [f.message, f.status])).toEqual([[expect.stringContaining('is eligible (PIM) for'), 'unchanged']]);
    expect(counts.new).toBe(0);
  });

  it('lowering an identity\'s tier (a role that no longer reads secrets)', () => {
    const { findings, counts } = afterEdit((snap) =>
      editJson(join(snap, AUTHZ), (d) => {
        const role = d.RoleDetailList.find((r: any) => r.RoleName === 'ops-agent-role');
        for (const p of role.RolePolicyList) p.PolicyDocument.Statement = p.PolicyDocument.Statement.filter((st: any) => ![st.Action].flat().some((a: string) => a.startsWith('secretsmanager:')));
      }),
    );
    const tier = findings.filter((f) => f.ruleId === 'nhi-tier-policy-violation' && f.subject.name === 'ops-agent-role');
    expect(tier.map((f) => [f.args.tier, f.status])).toEqual([[2, 'unchanged']]);
    expect(counts.new).toBe(0);
  });

  it('adding an IP condition to an administrator policy', () => {
    const { findings } = afterEdit((snap) =>
      editJson(join(snap, AUTHZ), (d) => {
        const role = d.RoleDetailList.find((r: any) => r.RoleName === 'okta-admin');
        role.AttachedManagedPolicies = [];
        role.RolePolicyList = [{ PolicyName: 'admin-from-office', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }] } }];
      }),
    );
    const admin = findings.filter((f) => f.ruleId === 'aws-principal-admin' && f.subject.name === 'okta-admin');
    expect(admin.map((f) => [f.messageId, f.severity, f.status])).toEqual([['conditional', 'medium', 'unchanged']]);
  });
});
