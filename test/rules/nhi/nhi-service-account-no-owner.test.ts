import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-service-account-no-owner.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node, edge } from '../../helpers/graph.js';

const now = '2026-11-20T00:00:00Z';
const svc = (id: string, over: object = {}) => node(id, { provider: 'entra', type: 'entra-user', machineReasons: ['employeeType service'], attrs: { hasManager: false }, ...over });

describe('nhi-service-account-no-owner', () => {
  it('fails with no accountable human, is high when all of them left, passes with an enabled manager', () => {
    const g = graphOf(
      [
        svc('orphan'),
        svc('left'),
        svc('managed'),
        svc('unread', { attrs: {} }),
        node('gone', { kind: 'human', type: 'entra-user', enabled: false }),
        node('boss', { kind: 'human', type: 'entra-user', enabled: true }),
      ],
      [edge('gone', 'left', 'MANAGES'), edge('boss', 'managed', 'MANAGES')],
    );
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('orphan')).toBe('fail');
    expect(r.verdicts.get('left')).toBe('fail');
    const left = r.findings.find((f) => f.subject.id === 'left')!;
    // base high; the account reaches nothing (T0), so the tiered severity is one lower.
    expect(left.baseSeverity).toBe('high');
    expect(left.severity).toBe('medium');
    expect(r.verdicts.get('managed')).toBe('pass');
    expect(r.verdicts.get('unread')).toBe('unknown');
  });
});
