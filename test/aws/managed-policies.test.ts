import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assessAdmin,
  createEvaluator,
  findEscalationEdges,
  normalizePolicyDocument,
  SENSITIVE_ACTIONS,
  type AccountModel,
  type Evaluator,
} from '../../src/aws/index.js';
import { awsPolicyArn, model, roleArn, roleEntry, trustAccount, userArn, userEntry } from './helpers.js';

// The corpus lives in the shared data folder next to the repo (CI: ../shared/data from the repo root).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const candidates = [path.resolve(repoRoot, '../shared/data/aws-managed-policies.json'), '/work/shared/data/aws-managed-policies.json'];
const corpusPath = candidates.find((p) => existsSync(p));

describe('AWS managed policy corpus', () => {
  let corpus: Record<string, unknown>;
  let m: AccountModel;
  let ev: Evaluator;

  beforeAll(() => {
    if (!corpusPath) throw new Error(`aws-managed-policies.json not found in ${candidates.join(' or ')}`);
    corpus = JSON.parse(readFileSync(corpusPath, 'utf8'));
    // one role per managed policy, so that every document goes through the whole pipeline
    const roles = Object.keys(corpus).map((name) => roleEntry(`p-${name}`, trustAccount(), { attached: [awsPolicyArn(name)] }));
    m = model({ roles }, { awsManagedPolicies: corpus });
    ev = createEvaluator(m, { now: new Date('2025-01-01T00:00:00Z') });
  });

  it('has the expected size', () => {
    expect(Object.keys(corpus).length).toBe(1329);
  });

  it('every document parses', () => {
    const failures = Object.entries(corpus).flatMap(([name, d]) => {
      const r = normalizePolicyDocument(d);
      return r.ok ? [] : [`${name}: ${r.error.path} ${r.error.problem}`];
    });
    expect(failures).toEqual([]);
    expect(m.unparseablePolicies).toEqual([]);
  });

  it('every document evaluates without error for the sensitive actions', () => {
    const decisions = new Map<string, number>();
    for (const role of m.roles.values()) {
      for (const action of [...SENSITIVE_ACTIONS, 's3:ListBucket', 'ec2:DescribeInstances']) {
        const d = ev.canDo(role.arn, action, '*').decision;
        decisions.set(d, (decisions.get(d) ?? 0) + 1);
      }
    }
    expect(decisions.get('unknown') ?? 0).toBe(0);
    // a real corpus yields every kind of answer except unknown
    expect(decisions.get('allow')).toBeGreaterThan(0);
    expect(decisions.get('conditional')).toBeGreaterThan(0);
    expect(decisions.get('implicit-deny')).toBeGreaterThan(0);
  });

  it('AdministratorAccess is admin-equivalent; PowerUser, IAMFullAccess, ReadOnly and ViewOnly are not', () => {
    const status = (name: string) => assessAdmin(ev, roleArn(`p-${name}`));
    expect(status('AdministratorAccess').status).toBe('admin');
    expect(status('PowerUserAccess')).toMatchObject({ status: 'not-admin', missing: 'iam:CreateUser' });
    // IAMFullAccess covers only iam:*, so the first non-IAM action in the list is missing
    expect(status('IAMFullAccess')).toMatchObject({ status: 'not-admin', missing: 'sts:AssumeRole' });
    expect(status('ReadOnlyAccess').status).toBe('not-admin');
    expect(status('ViewOnlyAccess').status).toBe('not-admin');
  });

  it('only a handful of managed policies are admin-equivalent', () => {
    const admins = [...m.roles.values()].filter((r) => assessAdmin(ev, r.arn).status === 'admin').map((r) => r.name);
    expect(admins).toContain('p-AdministratorAccess');
    expect(admins.length).toBeLessThan(5);
  });

  it('ReadOnlyAccess reads but does not write', () => {
    const ro = roleArn('p-ReadOnlyAccess');
    expect(ev.canDo(ro, 's3:GetObject', 'arn:aws:s3:::b/k').decision).toBe('allow');
    expect(ev.canDo(ro, 'ec2:DescribeInstances', '*').decision).toBe('allow');
    expect(ev.canDo(ro, 's3:PutObject', 'arn:aws:s3:::b/k').decision).toBe('implicit-deny');
  });

  it('PowerUserAccess may not manage IAM but keeps its listed exceptions', () => {
    const pu = roleArn('p-PowerUserAccess');
    expect(ev.canDo(pu, 'ec2:RunInstances', '*').decision).toBe('allow');
    expect(ev.canDo(pu, 'iam:AttachRolePolicy', pu).decision).toBe('implicit-deny');
    expect(ev.canDo(pu, 'iam:CreateServiceLinkedRole', '*').decision).toBe('allow');
  });

  it('escalation: IAMFullAccess self-escalates, PowerUser and ReadOnly users do not', () => {
    const small = model(
      {
        users: [
          userEntry('iamfull', { attached: [awsPolicyArn('IAMFullAccess')] }),
          userEntry('power', { attached: [awsPolicyArn('PowerUserAccess')] }),
          userEntry('reader', { attached: [awsPolicyArn('ReadOnlyAccess')] }),
        ],
      },
      { awsManagedPolicies: corpus },
    );
    const g = findEscalationEdges(small);
    const from = (n: string) => g.edges.filter((e) => e.from === userArn(n)).map((e) => e.method);
    expect(from('iamfull')).toContain('iam-attach-user-policy');
    expect(from('iamfull')).toContain('iam-put-user-policy');
    expect(from('power')).toEqual([]);
    expect(from('reader')).toEqual([]);
  });
});
