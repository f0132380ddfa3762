import { describe, expect, it } from 'vitest';
import { unreadGroup } from '../../src/rule-kit.js';
import { graphOf, node } from '../helpers/graph.js';

const group = (id: string, scope: string, over: Record<string, unknown> = {}) => node(id, { kind: 'group', provider: 'entra', type: 'entra-group', scope, attrs: { ...over } });
const sp = (id: string, scope: string) => node(id, { provider: 'entra', type: 'entra-service-principal', scope });

describe('unreadGroup', () => {
  const g = graphOf([
    group('g-read', 't1', { membersCollected: true, big: true }),
    group('g-small', 't1'),
    group('g-big-1', 't1', { big: true }),
    group('g-big-2', 't1', { big: true }),
    group('g-other-tenant', 't2', { big: true }),
    sp('sp-1', 't1'),
    sp('sp-2', 't3'),
  ]);
  const big = { key: 'big', test: (n: { attrs: Record<string, unknown> }) => n.attrs.big === true };
  const any = { key: 'any', test: () => true };

  it('gives the first unread group of the subject\'s tenant the test holds for, never a read group', () => {
    expect(unreadGroup(g, g.node('sp-1')!, big)?.id).toBe('g-big-1');
    expect(unreadGroup(g, g.node('sp-1')!, any)?.id).toBe('g-small');
  });

  it('never answers with the subject itself, and nothing outside the tenant', () => {
    expect(unreadGroup(g, g.node('g-big-1')!, big)?.id).toBe('g-big-2');
    expect(unreadGroup(g, g.node('g-other-tenant')!, big)).toBeUndefined();
    expect(unreadGroup(g, g.node('sp-2')!, any)).toBeUndefined();
  });

  it('asks the test once per group and key, however many subjects ask', () => {
    let calls = 0;
    const counted = { key: 'counted', test: () => (calls++, true) };
    for (let i = 0; i < 50; i++) unreadGroup(g, g.node('sp-1')!, counted);
    expect(calls).toBe(4);
  });
});
