import { describe, expect, it } from 'vitest';
import { ACCT, allow, doc, oneAccount, roleArn, roleId, trust } from '../helpers/aws-builders.js';
import type { Graph } from '../../src/graph/graph.js';
import { createEvaluator, sameForEveryResource } from '../../src/aws/policy/evaluate.js';
import { parseAuthorizationDetails } from '../../src/aws/authz-details.js';
import { authorizationDetails } from '../helpers/aws-builders.js';

/** The targets a node reaches by one method, directly or through a shared set, with firmness. */
function reached(g: Graph, from: string, method: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const e of g.out(from)) {
    if (e.evidence?.method !== method) continue;
    const to = g.node(e.to);
    if (to?.type === 'aws-escalation-set') {
      for (const x of g.out(to)) if (x.to !== from) out.set(x.to, !(e.conditional || x.conditional));
    } else out.set(e.to, !e.conditional);
  }
  return out;
}

const ROLES = Array.from({ length: 12 }, (_, i) => ({ name: `app-${i}`, trust: trust.service('lambda.amazonaws.com') }));

describe('escalation targets shared by every holder', () => {
  it('statements on a prefix every target starts with (role/*) answer every target alike', () => {
    const model = parseAuthorizationDetails(
      authorizationDetails(ACCT, {
        roles: [
          { name: 'rewriter', trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow('iam:UpdateAssumeRolePolicy', `arn:aws:iam::${ACCT}:role/*`))] },
          { name: 'picky', trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow('iam:UpdateAssumeRolePolicy', `arn:aws:iam::${ACCT}:role/app-*`))] },
          { name: 'inner', trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow('iam:UpdateAssumeRolePolicy', `arn:aws:iam::${ACCT}:role/*-1`))] },
          ...ROLES,
        ],
      }),
      {},
    );
    const ev = createEvaluator(model);
    const all = [...model.roles.keys()];
    const apps = all.filter((a) => a.includes(':role/app-'));
    const s = (name: string) => ev.subject(roleArn(name))!;
    expect(sameForEveryResource(s('rewriter'), ['iam:UpdateAssumeRolePolicy'], all)).toBe(true);
    // Without the targets, only a literal `*` counts (as before).
    expect(sameForEveryResource(s('rewriter'), ['iam:UpdateAssumeRolePolicy'])).toBe(false);
    // A prefix some target does not start with: asked target by target.
    expect(sameForEveryResource(s('picky'), ['iam:UpdateAssumeRolePolicy'], all)).toBe(false);
    expect(sameForEveryResource(s('picky'), ['iam:UpdateAssumeRolePolicy'], apps)).toBe(true);
    // A wildcard before the end is not a prefix.
    expect(sameForEveryResource(s('inner'), ['iam:UpdateAssumeRolePolicy'], apps)).toBe(false);
  });

  it('holders that are themselves targets share one set of the account roles, and reach the same roles as before', () => {
    const rewriter = (name: string) => ({ name, trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow('iam:UpdateAssumeRolePolicy', `arn:aws:iam::${ACCT}:role/*`))] });
    const g = oneAccount({ roles: [rewriter('rw-a'), rewriter('rw-b'), rewriter('rw-c'), ...ROLES] });
    const method = 'iam-update-assume-role-policy';
    const sets = new Set<string>();
    for (const h of ['rw-a', 'rw-b', 'rw-c']) {
      const hops = g.out(roleId(h)).filter((e) => e.evidence?.method === method);
      expect(hops).toHaveLength(1);
      sets.add(hops[0].to);
      // Every role but itself, firmly.
      const r = reached(g, roleId(h), method);
      expect([...r.keys()].sort()).toEqual([...['rw-a', 'rw-b', 'rw-c'].filter((x) => x !== h), ...ROLES.map((x) => x.name)].map((n) => roleId(n)).sort());
      expect([...r.values()].every(Boolean)).toBe(true);
    }
    // One set, not one per holder (each less the holder itself): 15 role edges, not 3 x 14.
    expect(sets.size).toBe(1);
    expect(g.out([...sets][0])).toHaveLength(15);
  });
});

describe('escalation sets of holders with target lists alike at both ends', () => {
  it('lists of one length with the same first and last target but another in between get sets of their own', () => {
    // Named role by role, so each holder's targets come one edge each and are gathered into a set
    // (more than FAN_OUT of them); the set is found by its list, which only the middle tells apart.
    const on = (names: string[]) => [doc(allow('iam:UpdateAssumeRolePolicy', names.map((n) => roleArn(n))))];
    const names = ROLES.map((r) => r.name);
    const listA = names.filter((n) => n !== 'app-5');
    const listB = names.filter((n) => n !== 'app-6');
    const g = oneAccount({
      roles: [
        { name: 'holder-a', trust: trust.service('lambda.amazonaws.com'), inline: on(listA) },
        { name: 'holder-b', trust: trust.service('lambda.amazonaws.com'), inline: on(listB) },
        { name: 'holder-c', trust: trust.service('lambda.amazonaws.com'), inline: on(listA) },
        ...ROLES,
      ],
    });
    const method = 'iam-update-assume-role-policy';
    const setOf = (h: string) => {
      const hops = g.out(roleId(h)).filter((e) => e.evidence?.method === method);
      expect(hops).toHaveLength(1);
      expect(g.node(hops[0].to)?.type).toBe('aws-escalation-set');
      return hops[0].to;
    };
    expect(setOf('holder-a')).not.toBe(setOf('holder-b'));
    expect(setOf('holder-a')).toBe(setOf('holder-c'));
    const members = (h: string) => [...reached(g, roleId(h), method).keys()].sort();
    expect(members('holder-a')).toEqual(listA.map((n) => roleId(n)).sort());
    expect(members('holder-b')).toEqual(listB.map((n) => roleId(n)).sort());
  });
});
