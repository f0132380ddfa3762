import { describe, expect, it } from 'vitest';
import { ACCT, allow, awsGraph, doc, userArn, userId } from '../helpers/aws-builders.js';
import type { Graph } from '../../src/graph/graph.js';

// IAM refuses CreateLoginProfile for a user that has a console password (EntityAlreadyExists) and
// CreateAccessKey for one that has two access keys, active or not (LimitExceeded; IAM quotas).
// The credential report says which users hold them; such a takeover cannot be taken today.
const KEYS = [{ rotated: '2026-10-01T00:00:00Z' }, { rotated: '2026-10-02T00:00:00Z' }];
const PASSWORD = { lastUsed: '2026-11-19T00:00:00Z' };

/** The users a holder reaches by one method, directly or through a shared set. */
function reached(g: Graph, holder: string, method: string): string[] {
  const out: string[] = [];
  for (const e of g.out(userId(holder), 'CAN_ESCALATE_TO')) {
    if (e.evidence?.method !== method) continue;
    if (g.node(e.to)?.type === 'aws-escalation-set') for (const x of g.out(e.to, 'CAN_ESCALATE_TO')) out.push(x.to);
    else out.push(e.to);
  }
  return out.sort();
}

describe('credential takeovers of a user that already holds the credential', () => {
  it('leaves out CreateLoginProfile on a user with a password and CreateAccessKey on one with two keys', () => {
    const g = awsGraph({
      [ACCT]: {
        users: [
          { name: 'helpdesk', inline: [doc(allow('iam:CreateLoginProfile', [userArn('ops-admin'), userArn('no-password')]))] },
          { name: 'keybot', inline: [doc(allow('iam:CreateAccessKey', [userArn('ops-admin'), userArn('one-key')]))] },
          { name: 'ops-admin', managed: ['AdministratorAccess'], report: { password: PASSWORD, mfa: true, keys: KEYS } },
          { name: 'no-password', managed: ['AdministratorAccess'], report: { keys: KEYS } },
          { name: 'one-key', managed: ['AdministratorAccess'], report: { password: PASSWORD, keys: [KEYS[0]] } },
        ],
      },
    });
    expect(reached(g, 'helpdesk', 'iam-create-login-profile')).toEqual([userId('no-password')]);
    expect(reached(g, 'keybot', 'iam-create-access-key')).toEqual([userId('one-key')]);
  });

  it('filters a holder of the action on every user (a gathered set), and keeps every user when the report was not read', () => {
    const others = Array.from({ length: 12 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    const users = (report: boolean) => [
      { name: 'keybot', inline: [doc(allow('iam:CreateAccessKey', '*'))] },
      // Every other one already has two keys.
      ...others.map((name, i) => ({ name, managed: ['AdministratorAccess'], ...(report ? { report: i % 2 === 0 ? { keys: KEYS } : { keys: [KEYS[0]] } } : {}) })),
    ];
    // The set of every user is shared by its holders, the holder itself included.
    const ids = (names: string[]) => [...names, 'keybot'].map((n) => userId(n)).sort();
    const g = awsGraph({ [ACCT]: { users: users(true) } });
    expect(reached(g, 'keybot', 'iam-create-access-key')).toEqual(ids(others.filter((_, i) => i % 2 === 1)));
    const unread = awsGraph({ [ACCT]: { users: users(false), credentialReport: false } });
    expect(reached(unread, 'keybot', 'iam-create-access-key')).toEqual(ids(others));
  });

  it('the same for a holder whose every step holds only under a condition (a group of its own), down to plain edges', () => {
    const others = Array.from({ length: 12 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    const g = awsGraph({
      [ACCT]: {
        users: [
          { name: 'keybot', inline: [doc({ ...allow('iam:CreateAccessKey', '*'), Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })] },
          ...others.map((name, i) => ({ name, managed: ['AdministratorAccess'], report: i < 9 ? { keys: KEYS } : { keys: [KEYS[0]] } })),
        ],
      },
    });
    const steps = g.out(userId('keybot'), 'CAN_ESCALATE_TO').filter((e) => e.evidence?.method === 'iam-create-access-key');
    expect(reached(g, 'keybot', 'iam-create-access-key')).toEqual(['u09', 'u10', 'u11'].map((n) => userId(n)));
    expect(steps.every((e) => e.conditional === true)).toBe(true);
    // Three left: too few to gather, so plain edges.
    expect(steps.map((e) => e.to).sort()).toEqual(['u09', 'u10', 'u11'].map((n) => userId(n)));
    // Each names its own target.
    for (const e of steps) if (g.node(e.to)?.type !== 'aws-escalation-set') expect(e.reason).toContain(`on user ${e.to.slice(e.to.lastIndexOf('/') + 1)} `);
  });
});
