import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-ai-agent-privileged.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node, edge } from '../../helpers/graph.js';

const now = '2026-11-20T00:00:00Z';
const iam = (status: 'collected' | 'missing-permission') => ({ provider: 'aws' as const, scope: 'acct', capability: 'aws.iam', status });
const agent = { confidence: 'permission' as const, reasons: ['may invoke bedrock:InvokeModel'] };

describe('nhi-ai-agent-privileged', () => {
  it('flags an agent that reaches administration through another role, with the path', () => {
    const g = graphOf(
      [node('agent', { agent }), node('admin-role'), node('jewel', { kind: 'privilege', type: 'p', tier: 4, crownJewel: 'admin' }), node('reader', { agent }), node('read', { kind: 'privilege', type: 'p', tier: 1 })],
      [edge('agent', 'admin-role', 'CAN_ASSUME'), edge('admin-role', 'jewel', 'GRANTED'), edge('reader', 'read', 'GRANTED')],
      [iam('collected')],
    );
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('agent')).toBe('fail');
    expect(r.findings[0].severity).toBe('critical');
    expect(r.findings[0].path!.map((h) => h.to)).toEqual(['admin-role', 'jewel']);
    expect(r.verdicts.get('reader')).toBe('pass');
  });

  it('reports T3 agents as critical too (a hijacked agent can rewrite its own permissions) and respects minTier', () => {
    const g = graphOf([node('agent', { agent }), node('sec', { kind: 'privilege', type: 'p', tier: 3, crownJewel: 'secrets' })], [edge('agent', 'sec', 'GRANTED')]);
    expect(runRule(rule, g, { now }).findings[0].severity).toBe('critical');
    expect(runRule(rule, g, { now, options: { minTier: 4 } }).findings).toHaveLength(0);
  });

  it('says the tier is a lower bound when evidence feeding it was not collected, and states it plainly otherwise', () => {
    const g = (status: 'collected' | 'missing-permission') => graphOf([node('agent', { agent }), node('sec', { kind: 'privilege', type: 'p', tier: 3, crownJewel: 'secrets' })], [edge('agent', 'sec', 'GRANTED')], [iam(status)]);
    expect(runRule(rule, g('missing-permission'), { now }).findings[0].message).toContain('with capability T3 or higher (the IAM authorization details (users, roles, groups and policies) of account acct were not read (denied); so whether it reaches a tier above T3 cannot be judged): ');
    expect(runRule(rule, g('collected'), { now }).findings[0].message).toContain('with capability T3: ');
  });

  it('is unknown, not passing, for an agent whose tier evidence was not collected', () => {
    const g = graphOf([node('reader', { agent }), node('read', { kind: 'privilege', type: 'p', tier: 1 })], [edge('reader', 'read', 'GRANTED')], [iam('missing-permission')]);
    expect(runRule(rule, g, { now }).verdicts.get('reader')).toBe('unknown');
  });
});
