import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { scanSnapshot } from '../../src/scan.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { explain } from '../../src/explain.js';
import { renderExplain } from '../../src/reporters/explain.js';
import { renderRecertCsv } from '../../src/reporters/recert.js';
import { parseCsv } from '../../src/connectors/aws/transform-csv.js';
import { ids } from '../../src/graph/ids.js';
import { ACCT, NOW, awsSnapshot, daysAgo, rootId, type AccountSpec } from '../helpers/aws-builders.js';

// The root user of an AWS account holds every right in it, is signed in to by a person (a
// break-glass login), and its password, MFA and access keys are in the <root_account> row of the
// credential report. Before, the scan called it T0, "scheduled (automation identity)", with no
// credentials.
const scan = (spec: AccountSpec) => scanSnapshot(awsSnapshot({ [ACCT]: spec }), { now: new Date(NOW), config: DEFAULT_CONFIG, rules: allRules, version: 'test' });
const rootOf = (r: ReturnType<typeof scan>) => r.report.identities.find((i) => i.type === 'aws-root-user')!;

describe('the AWS root user', () => {
  it('is T4 (the account administrator), a person\'s sign-in, with its console password and MFA', () => {
    const r = scan({ root: { mfa: true, password: { lastUsed: daysAgo(30) } } });
    const root = rootOf(r);
    expect(root.tier).toBe(4);
    expect(root.tierReasons.join(' ')).toContain(`AWS account ${ACCT} administrator`);
    expect(root.autonomy).toBe('human-triggered');
    expect(root.autonomyReason).toBe("root user: a person's break-glass sign-in, MFA on, not an automation");
    expect(root.credentials.map((c) => [c.type, c.name, c.status])).toEqual([['password', 'root console password', 'active']]);
    expect(root.strength).toBe('shared-secret');
    // It holds the account's crown jewels itself (one hop): no path finding of its own.
    expect(r.graph.out(rootId(), 'GRANTED').map((e) => e.to)).toContain(ids.crownJewel('aws', ACCT, 'admin'));
    // A person's break-glass login with MFA is what AWS prescribes for root: the machine-identity
    // rules on secrets, lifetimes and tier policy do not judge it (aws-root-access-key does).
    expect(r.report.findings.filter((f) => f.subject.id === rootId()).map((f) => f.ruleId)).toEqual([]);
    // The card and the recertification sheet say the same.
    const m = explain(r, `root user of ${ACCT}`);
    if (m.kind !== 'card') throw new Error(m.kind);
    const text = renderExplain(m.card, false);
    expect(text).toContain('capability T4');
    expect(text).toContain('autonomy human-triggered');
    expect(text).toContain('root console password');
    expect(text).not.toContain('no credentials recorded');
    const row = parseCsv(renderRecertCsv(r.report), 'recert.csv').find((x) => x.type === 'aws-root-user')!;
    expect(row.capability_tier).toBe('T4');
    expect(row.strength).toBe('shared-secret');
    // IAM records no owner for root (the account's contacts answer for it, which the scan does
    // not read): "assign owner" cannot be done, so the sheet says keep, and why.
    expect(row.recommended_action).toBe('keep');
    // In the sheet for its review, but not as a machine identity.
    expect(row.classification).toBe('root user (break-glass login)');
    expect(row.action_reasons).not.toContain('assign owner');
  });

  it('with an active access key: programmatic use, scheduled', () => {
    const r = scan({ root: { mfa: true, keys: [{ rotated: daysAgo(400), lastUsed: daysAgo(2) }] } });
    const root = rootOf(r);
    expect(root.tier).toBe(4);
    expect(root.autonomy).toBe('scheduled');
    expect(root.autonomyReason).toMatch(/access key/);
    expect(root.credentials.map((c) => c.type)).toEqual(['access-key']);
    // Its key is the root rule's finding, not three generic ones on top.
    expect(r.report.findings.filter((f) => f.subject.id === rootId()).map((f) => f.ruleId)).toEqual(['aws-root-access-key']);
  });

  // Near miss: a root user with no password sign-in recorded (no_information) and no key has no
  // credential the report shows; it is still a person's login and still the administrator.
  it('with no password use and no key: no credential, still T4 and a person\'s login', () => {
    const root = rootOf(scan({ root: { mfa: true } }));
    expect(root.tier).toBe(4);
    expect(root.autonomy).toBe('human-triggered');
    // Near miss for the MFA note: the report's mfa_active false is said plainly.
    expect(rootOf(scan({ root: { mfa: false } })).autonomyReason).toBe("root user: a person's break-glass sign-in, NO MFA, not an automation");
    expect(root.credentials).toEqual([]);
  });

  // Without the report there is no root node (every account has a root user, counted as one
  // unknown evaluation by the root rules); the grants added for root must not invent one.
  it('without the credential report: no root identity, and the root rule is unknown with a reason', () => {
    const r = scan({ credentialReport: false });
    expect(r.report.identities.map((i) => i.type)).not.toContain('aws-root-user');
    expect(r.graph.node(rootId())).toBeUndefined();
    const stats = r.report.rules.find((x) => x.ruleId === 'aws-root-access-key')!;
    expect(stats).toMatchObject({ evaluated: 1, failing: 0, unknown: 1 });
    expect(Object.keys(stats.unknownReasons)[0]).toContain(`the IAM credential report of account ${ACCT} was not read`);
  });
});
