import { describe, expect, it } from 'vitest';
import { findEscalationEdges, type EscalationEdge, type EscalationGroup } from '../../src/aws/index.js';
import { recordEscalationSteps } from '../../src/connectors/aws/transform.js';
import { ACCT, allow, deny, doc, model, roleArn, roleEntry, trustService, userArn, userEntry } from './helpers.js';

// Answers that are the same for every target only under a condition (sameAnswerForEvery, not
// sameForEveryResource): findEscalationEdges gathers them as perHolder groups, which must give
// the graph exactly what their plain edges give.
const MFA = { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } };
const apps = Array.from({ length: 12 }, (_, i) => roleEntry(`app-${i}`, trustService('lambda.amazonaws.com')));
const users = Array.from({ length: 11 }, (_, i) => userEntry(`u${i}`));
const mm = model({
  users: [
    ...users,
    // Every other user, under a condition.
    userEntry('keyer', { inline: [doc(allow('iam:CreateAccessKey', '*', MFA))] }),
    // Rewrites every role's trust under a condition; its sts:AssumeRole answer differs by role
    // (allowed on one, implicitly denied on the others) but denies none.
    userEntry('rewriter', { inline: [doc(allow('iam:UpdateAssumeRolePolicy', '*', MFA), allow('sts:AssumeRole', roleArn('app-1')))] }),
    // Denied sts:AssumeRole on one role: edges to the others only, one by one.
    userEntry('refused', { inline: [doc(allow('iam:UpdateAssumeRolePolicy', '*', MFA), deny('sts:AssumeRole', roleArn('app-3')))] }),
  ],
  roles: [
    ...apps,
    // A holder among its own targets (every role but itself).
    roleEntry('ops', trustService('lambda.amazonaws.com'), { inline: [doc(allow('iam:UpdateAssumeRolePolicy', '*', MFA))] }),
  ],
});
const now = new Date('2025-06-01T00:00:00Z');
const name = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** The answers with every perHolder group replaced by the plain edges it stands for (from `plain`), other groups moved along. */
function expandPerHolder(gathered: { edges: EscalationEdge[]; groups?: EscalationGroup[] }, plain: readonly EscalationEdge[]): { edges: EscalationEdge[]; groups: EscalationGroup[] } {
  const edges: EscalationEdge[] = [];
  const groups: EscalationGroup[] = [];
  let next = 0;
  for (const g of gathered.groups ?? []) {
    for (; next < g.position; next++) edges.push(gathered.edges[next]);
    if (!g.perHolder) {
      groups.push({ ...g, position: edges.length });
      continue;
    }
    const own = plain.filter((e) => e.from === g.from && e.method === g.method);
    expect(own).toHaveLength(g.count);
    edges.push(...own);
  }
  for (; next < gathered.edges.length; next++) edges.push(gathered.edges[next]);
  return { edges, groups };
}

describe('perHolder escalation groups', () => {
  const plain = findEscalationEdges(mm, { now });
  const gathered = findEscalationEdges(mm, { now, groupAbove: 8 });

  it('gathers the holders whose answer is the same for every target under a condition, and no holder denied on some target', () => {
    const key = (g: EscalationGroup) => `${name(g.from)} ${g.method} ${g.count} ${g.exclude ? name(g.exclude) : '-'}`;
    expect(gathered.groups!.filter((g) => g.perHolder).map(key).sort()).toEqual([
      'keyer iam-create-access-key 13 keyer',
      'ops iam-update-assume-role-policy 12 ops',
      'rewriter iam-update-assume-role-policy 13 -',
    ]);
    expect(gathered.edges.filter((e) => e.from === userArn('refused') && e.method === 'iam-update-assume-role-policy').map((e) => name(e.to))).toHaveLength(12);
    for (const g of gathered.groups!.filter((x) => x.perHolder)) {
      expect(g.conditional).toBe(true);
      expect(g.undecided).toEqual(['Bool aws:MultiFactorAuthPresent']);
      // The example reason is the first plain edge's.
      expect(g.reason).toBe(plain.edges.find((e) => e.from === g.from && e.method === g.method)!.reason);
    }
  });

  it('expands to exactly the plain edges, and gives the graph the same calls as they do', () => {
    const expanded = expandPerHolder(gathered, plain.edges);
    expect(expanded.edges).toEqual(plain.edges.filter((e) => !expanded.groups.some((g) => g.from === e.from && g.method === e.method)));
    const adminId = `aws:${ACCT}:crown:admin`;
    const viaGroups = recordEscalationSteps(ACCT, adminId, gathered);
    const viaEdges = recordEscalationSteps(ACCT, adminId, expanded);
    expect(viaGroups).toEqual(viaEdges);
    // Each gathered holder reaches its own set of the other targets.
    const holderEdges = viaGroups.filter((op) => 'holder' in op).map((op) => ('holder' in op ? op.holder : undefined)!);
    expect(holderEdges.filter((h) => h[3] === 'iam-update-assume-role-policy').map((h) => h[4] as number).sort((a, b) => a - b)).toEqual([12, 12, 13]);
  });
});
