import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { copyDemo, editJson, scanDir } from './helpers.js';

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
