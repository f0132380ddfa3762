import { describe, expect, it } from 'vitest';
import { runRule } from '../../helpers/rule-tester.js';
import rule from '../../../rules/aws/aws-root-access-key.js';
import { ACCT, NOW, OTHER, awsGraph, awsSnapshot, daysAgo, missing, oneAccount, rootId, ruleCases, type AccountSpec } from '../../helpers/aws-builders.js';
import { scanSnapshot } from '../../../src/scan.js';
import { DEFAULT_CONFIG } from '../../../src/config/types.js';
import { renderTable } from '../../../src/reporters/table.js';

// What the engine says when the account's data naming the root user was not read.
const CANNOT = 'so whether "AWS account root user has an active access key" holds cannot be judged';

describe('aws-root-access-key', () => {
  ruleCases(rule, [
    {
      name: 'root with an active key',
      graph: () => oneAccount({ root: { mfa: true, keys: [{ rotated: daysAgo(900), lastUsed: daysAgo(10) }] } }),
      subject: rootId(),
      verdict: 'fail',
      severities: ['critical'],
      then: (f) => expect(f[0].args.account).toBe('111122223333'),
    },
    { name: 'root whose key was deactivated', graph: () => oneAccount({ root: { mfa: true, keys: [{ active: false, rotated: daysAgo(900) }] } }), subject: rootId(), verdict: 'pass' },
    { name: 'root without keys', graph: () => oneAccount({ root: { mfa: true } }), subject: rootId(), verdict: 'pass' },
  ]);

  // The root user is known from the credential report only. A report the manifest records as not
  // collected is not read (a coverage entry wins over the files), as if it were absent: there is
  // no root node, yet every account has a root user, so the rule counts that account as one
  // unknown evaluation (the account named in the reason), never as silence or a pass.
  it('a credential report marked missing-permission in the manifest is not read: root is unknown for that account', () => {
    const g = oneAccount({ root: { keys: [{ rotated: daysAgo(900) }] } }, { coverage: [missing('aws.credentialReport')] });
    expect(g.node(rootId())).toBeUndefined();
    expect(g.capability('aws', ACCT, 'aws.credentialReport')).toBe('missing-permission');
    const run = runRule(rule, g, { now: NOW });
    expect(run.findings).toEqual([]);
    expect(run.stats).toMatchObject({ evaluated: 1, failing: 0, unknown: 1, byProvider: { aws: { evaluated: 1, failing: 0, unknown: 1 } } });
    expect(run.stats.unknownReasons).toEqual({ [`the IAM credential report of account ${ACCT} was not read (denied: AccessDenied); ${CANNOT}`]: 1 });
  });

  it('an account without credential-report.csv (nothing in the manifest) is unknown, not-collected', () => {
    const run = runRule(rule, oneAccount({ credentialReport: false }), { now: NOW });
    expect(run.stats).toMatchObject({ evaluated: 1, failing: 0, unknown: 1 });
    expect(run.stats.unknownReasons).toEqual({ [`the IAM credential report of account ${ACCT} was not read (not collected: no aws/${ACCT}/credential-report.csv in the snapshot); ${CANNOT}`]: 1 });
  });

  // The transform reads the report only for an account whose authorization details it read: a
  // report recorded as collected then yields no root node either, and that is no pass.
  it('an account whose IAM was not read is unknown even with its credential report collected', () => {
    const g = oneAccount({ root: { keys: [{ rotated: daysAgo(900) }] } }, { coverage: [missing('aws.iam')] });
    expect(g.capability('aws', ACCT, 'aws.credentialReport')).toBe('collected');
    const run = runRule(rule, g, { now: NOW });
    expect(run.findings).toEqual([]);
    expect(run.stats).toMatchObject({ evaluated: 1, unknown: 1 });
    expect(run.stats.unknownReasons).toEqual({ [`the IAM authorization details (users, roles, groups and policies) of account ${ACCT} were not read (denied: AccessDenied); ${CANNOT}`]: 1 });
  });

  // Two accounts, one read fully: its root is judged exactly as in a one-account snapshot, and
  // only the other account is unknown.
  it('one account with its report and one without: the first behaves as before, the second is unknown', () => {
    const withKey = { root: { mfa: true, keys: [{ rotated: daysAgo(900), lastUsed: daysAgo(10) }] } };
    const alone = runRule(rule, oneAccount(withKey), { now: NOW });
    const both = runRule(rule, awsGraph({ [ACCT]: withKey, [OTHER]: { credentialReport: false } }), { now: NOW });
    expect(both.findings).toEqual(alone.findings);
    expect(both.verdicts.get(rootId())).toBe('fail');
    expect(both.verdicts.has(rootId(OTHER))).toBe(false);
    expect(both.stats).toMatchObject({ evaluated: 2, failing: 1, unknown: 1 });
    expect(both.stats.unknownReasons).toEqual({ [`the IAM credential report of account ${OTHER} was not read (not collected: no aws/${OTHER}/credential-report.csv in the snapshot); ${CANNOT}`]: 1 });
    expect(alone.stats).toMatchObject({ evaluated: 1, failing: 1, unknown: 0, unknownReasons: {} });
  });

  // What a reader sees: the rule's own count and reason in the JSON report, the account's unknown
  // in the provider summary and the terminal table, and no invented root identity.
  it('the scan report counts the unread root as unknown for aws, without adding an identity', () => {
    const scan = (spec: AccountSpec) =>
      scanSnapshot(awsSnapshot({ [ACCT]: spec }), { now: new Date(NOW), config: DEFAULT_CONFIG, rules: [rule], version: 'test' }).report;
    const read = scan({ root: { mfa: true } });
    const unread = scan({ credentialReport: false });
    expect(read.summary.byProvider.aws).toMatchObject({ evaluated: 1, failing: 0, unknown: 0 });
    expect(unread.summary.byProvider.aws).toMatchObject({ evaluated: 1, failing: 0, unknown: 1 });
    expect(unread.rules).toEqual([
      { ruleId: rule.meta.id, evaluated: 1, failing: 0, unknown: 1, unknownReasons: { [`the IAM credential report of account ${ACCT} was not read (not collected: no aws/${ACCT}/credential-report.csv in the snapshot); ${CANNOT}`]: 1 }, byProvider: { aws: { evaluated: 1, failing: 0, unknown: 1 } } },
    ]);
    expect(unread.identities.map((i) => i.type)).not.toContain('aws-root-user');
    expect(renderTable(unread, { color: false })).toContain('0 findings · 1 check (rule × subject): 0 failing, 1 unknown');
  });
});
