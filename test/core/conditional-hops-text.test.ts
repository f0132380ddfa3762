import { describe, it, expect } from 'vitest';
import { conditionalHopsText } from '../../src/rule-kit.js';
import type { PathHop } from '../../src/analysis/types.js';
import { graphOf, node, edge } from '../helpers/graph.js';

const hop = (from: string, to: string, conditional = true): PathHop => ({
  from,
  fromName: from,
  to,
  toName: to,
  type: 'CAN_ASSUME',
  reason: `${from} can assume ${to}`,
  hidden: false,
  conditional,
  provider: 'aws',
});

describe('conditionalHopsText', () => {
  // The hop's edge is looked for in the shorter of its source's outgoing and its target's
  // incoming edges of the type: each side is the shorter in one of these graphs.
  const ids = ['issuer', 'role', 'other1', 'other2', 'other3', 'caller1', 'caller2', 'caller3', 'target'];
  const nodes = ids.map((id) => node(id));
  const blocked = { evidence: { blocked: 'no OIDC provider for the issuer' }, conditional: true };
  const g = graphOf(nodes, [
    // issuer -> role is blocked; the issuer also trusts three other roles (long outgoing side).
    edge('issuer', 'role', 'CAN_ASSUME', blocked),
    edge('issuer', 'other1', 'CAN_ASSUME', { conditional: true }),
    edge('issuer', 'other2', 'CAN_ASSUME', { conditional: true }),
    edge('issuer', 'other3', 'CAN_ASSUME', { conditional: true }),
    // caller1 -> target is blocked; target is assumable by three callers (long incoming side).
    edge('caller1', 'target', 'CAN_ASSUME', blocked),
    edge('caller2', 'target', 'CAN_ASSUME', { conditional: true }),
    edge('caller3', 'target', 'CAN_ASSUME', { conditional: true }),
    edge('other1', 'target', 'CAN_ASSUME', { conditional: true }),
    // Blocked edges of a hop's end to or from elsewhere, on the side that is searched.
    edge('caller3', 'other2', 'CAN_ASSUME', blocked),
    edge('caller1', 'other3', 'CAN_ASSUME', { conditional: true }),
  ]);

  it('finds a blocked hop whichever side is shorter', () => {
    expect(conditionalHopsText(g, [hop('issuer', 'role')])).toEqual([`1 hop(s) turned away today by the account's OIDC provider, open if it changes`]);
    expect(conditionalHopsText(g, [hop('caller1', 'target')])).toEqual([`1 hop(s) turned away today by the account's OIDC provider, open if it changes`]);
  });

  it('does not take another edge of either end for the hop', () => {
    // issuer -> other2: other2's incoming side (the shorter) has a blocked edge from caller3;
    // caller1 -> other3: caller1's outgoing side (as short as other3's incoming) has a blocked edge
    // to target; the target has one in from caller1, which none of the other hops into it is.
    expect(conditionalHopsText(g, [hop('issuer', 'other2'), hop('caller1', 'other3'), hop('other1', 'target'), hop('caller2', 'target')])).toEqual([
      '4 hop(s) depend on a condition the scanner could not decide',
    ]);
    expect(conditionalHopsText(g, [hop('issuer', 'role'), hop('caller3', 'target'), hop('role', 'target', false)])).toEqual([
      '1 hop(s) depend on a condition the scanner could not decide',
      `1 hop(s) turned away today by the account's OIDC provider, open if it changes`,
    ]);
    expect(conditionalHopsText(g, [hop('issuer', 'role', false)])).toEqual([]);
  });
});
