import { describe, expect, it } from 'vitest';
import { ACCT, GITHUB, awsGraph, awsSnapshot, doc, roleId } from '../helpers/aws-builders.js';
import { scanSnapshot } from '../../src/scan.js';
import { allRules } from '../../rules/index.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import type { Graph } from '../../src/graph/graph.js';

// Every condition of a trust policy's Allow must hold (IAM User Guide, "IAM JSON policy
// elements: Condition"). For callers from outside the scanned accounts (a GitHub workflow, a SAML
// sign-in, another AWS account), the route read only the token's aud and sub and sts:ExternalId: a
// time window that closed before the snapshot, or a source IP range, was not seen.
const K = 'token.actions.githubusercontent.com';
const github = (extra: Record<string, unknown>) =>
  doc({
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::${ACCT}:oidc-provider/${K}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${K}:aud`]: 'sts.amazonaws.com', [`${K}:sub`]: 'repo:acme/app:ref:refs/heads/main' }, ...extra },
  });
const vendor = (extra: Record<string, unknown>) => doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'x-1' }, ...extra } });
// The builders' snapshots are collected 2026-11-20.
const CLOSED = { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } };
const OPEN = { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } };
const OFFICE = { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } };
const inbound = (g: Graph, role: string) => g.in(roleId(role)).filter((e) => e.type === 'FEDERATES_TO' || e.type === 'CAN_ASSUME');

describe('the request conditions of a trust Allow, for callers from outside', () => {
  const g = awsGraph({
    [ACCT]: {
      oidcProviders: [GITHUB],
      roles: [
        { name: 'gh-closed', managed: ['AdministratorAccess'], trust: github(CLOSED) },
        { name: 'gh-open', managed: ['AdministratorAccess'], trust: github(OPEN) },
        { name: 'gh-office', managed: ['AdministratorAccess'], trust: github(OFFICE) },
        { name: 'gh-plain', managed: ['AdministratorAccess'], trust: github({}) },
        { name: 'vendor-closed', managed: ['AdministratorAccess'], trust: vendor(CLOSED) },
        { name: 'vendor-office', managed: ['AdministratorAccess'], trust: vendor(OFFICE) },
      ],
    },
  });

  it('a time window that closed before the snapshot admits nobody: no route', () => {
    expect(inbound(g, 'gh-closed')).toEqual([]);
    expect(inbound(g, 'vendor-closed')).toEqual([]);
  });

  it('a source IP range makes the route conditional, naming the condition', () => {
    for (const role of ['gh-office', 'vendor-office']) {
      const e = inbound(g, role);
      expect(e.length, role).toBeGreaterThan(0);
      expect(e.every((x) => x.conditional === true), role).toBe(true);
      expect(e[0].reason).toContain('IpAddress aws:SourceIp');
      expect(e[0].evidence?.undecided).toEqual(expect.arrayContaining([expect.stringContaining('IpAddress aws:SourceIp')]));
    }
  });

  it('near miss: a window still open, or no such condition, leaves the route firm', () => {
    for (const role of ['gh-open', 'gh-plain']) {
      const e = inbound(g, role);
      expect(e.length, role).toBeGreaterThan(0);
      expect(e.some((x) => !x.conditional), role).toBe(true);
    }
  });
});

describe('the trust rules on a statement whose time window has closed', () => {
  // The same statements the graph draws no route for: the rules that read the trust leave them alone.
  const wide = (extra: Record<string, unknown>) =>
    doc({ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCT}:oidc-provider/${K}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { [`${K}:sub`]: 'repo:acme/*' }, ...extra } });
  const anyone = (extra: Record<string, unknown>) => doc({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', ...(Object.keys(extra).length > 0 ? { Condition: extra } : {}) });
  const snap = awsSnapshot({
    [ACCT]: {
      oidcProviders: [GITHUB],
      roles: [
        { name: 'wide-closed', trust: wide(CLOSED) },
        { name: 'wide-open', trust: wide(OPEN) },
        { name: 'anyone-closed', trust: anyone(CLOSED) },
        { name: 'anyone-open', trust: anyone({}) },
      ],
    },
  });
  const result = scanSnapshot(snap, { now: new Date('2026-11-20T09:00:00Z'), config: DEFAULT_CONFIG, rules: allRules, version: 'test' });
  const findings = (rule: string) => result.report.findings.filter((f) => f.ruleId === rule).map((f) => f.subject.name).sort();

  it('reports the open ones only', () => {
    expect(findings('aws-oidc-trust-weak-subject')).toEqual(['wide-open']);
    expect(findings('aws-trust-any-principal')).toEqual(['anyone-open']);
  });
});
