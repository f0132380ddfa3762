import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/analyze.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { tierLowerBound } from '../../src/rule-kit.js';
import { graphOf, node } from '../helpers/graph.js';

const opts = { now: new Date('2026-11-20T00:00:00Z'), config: DEFAULT_CONFIG };

// tierLowerBound keeps each node's answer per analysis (by node index): a memo keyed wrongly (by
// index alone, across graphs, or shared between nodes) would hand one node another's answer.
describe('tierLowerBound, remembered per analysis', () => {
  const read = node('read', { scope: 'a1' });
  const unread = node('unread', { scope: 'a2' });
  const g = graphOf([read, unread], [], [{ provider: 'aws', scope: 'a1', capability: 'aws.iam', status: 'collected' }]);
  const a = analyze(g, opts);

  it('gives each node its own answer, the same when asked again', () => {
    for (let i = 0; i < 3; i++) {
      expect(tierLowerBound(g, a, g.node('read')!)).toBeUndefined();
      expect(tierLowerBound(g, a, g.node('unread')!)).toMatch(/account a2/);
    }
  });

  it('answers for the graph it is asked with, whose node at the same index may differ', () => {
    // The same node indexes, the other way round: 'unread' is at index 0 here.
    const h = graphOf([node('unread', { scope: 'a2' }), node('read', { scope: 'a1' })], [], [{ provider: 'aws', scope: 'a1', capability: 'aws.iam', status: 'collected' }]);
    expect(tierLowerBound(g, a, g.node('read')!)).toBeUndefined();
    expect(tierLowerBound(h, a, h.node('unread')!)).toMatch(/account a2/);
    expect(tierLowerBound(h, a, h.node('read')!)).toBeUndefined();
    expect(tierLowerBound(g, a, g.node('unread')!)).toMatch(/account a2/);
  });

  it('answers for a node of no graph without remembering it', () => {
    expect(tierLowerBound(g, a, node('stranger', { scope: 'a2' }))).toMatch(/account a2/);
    expect(tierLowerBound(g, a, node('stranger', { scope: 'a1' }))).toBeUndefined();
  });
});
