import { describe, expect, it } from 'vitest';
import rule from '../../../rules/aws/aws-trust-third-party-no-external-id.js';
import { ACCT, NOW, OTHER, VENDOR, awsGraph, doc, missing, oneAccount, roleId, ruleCases, trust } from '../../helpers/aws-builders.js';
import type { CoverageRecord } from '../../../src/snapshot/types.js';
import { runRule } from '../../helpers/rule-tester.js';

const role = (t: Record<string, unknown>) => oneAccount({ roles: [{ name: 'vendor-access', trust: t }] });
const allowVendor = () => ({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${VENDOR}:root` }, Action: 'sts:AssumeRole' });

describe('aws-trust-third-party-no-external-id', () => {
  ruleCases(rule, [
    {
      name: 'vendor account trusted without an external id',
      graph: () => role(trust.account(VENDOR)),
      subject: roleId('vendor-access'),
      verdict: 'fail',
      severities: ['high'],
      then: (f) => expect(f[0].args.account).toBe(VENDOR),
    },
    { name: 'a role of the vendor trusted without an external id', graph: () => role(trust.principal(`arn:aws:iam::${VENDOR}:role/scanner`)), subject: roleId('vendor-access'), verdict: 'fail' },
    { name: 'vendor account with sts:ExternalId', graph: () => role(trust.account(VENDOR, { Condition: { StringEquals: { 'sts:ExternalId': 'cust-42' } } })), subject: roleId('vendor-access'), verdict: 'pass' },
    // The vendor's confused-deputy caller can simply omit the ExternalId, or send any value.
    { name: 'sts:ExternalId only under StringEqualsIfExists', graph: () => role(trust.account(VENDOR, { Condition: { StringEqualsIfExists: { 'sts:ExternalId': 'cust-42' } } })), subject: roleId('vendor-access'), verdict: 'fail' },
    { name: 'sts:ExternalId StringLike "*"', graph: () => role(trust.account(VENDOR, { Condition: { StringLike: { 'sts:ExternalId': '*' } } })), subject: roleId('vendor-access'), verdict: 'fail' },
    { name: 'foreign account proved to be in the organisation', graph: () => role(trust.account(VENDOR, { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } })), subject: roleId('vendor-access'), verdict: 'pass' },
    // aws:ResourceOrgID is the organisation of the role's own account (a policy variable, IAM User Guide).
    { name: "foreign account proved to be in the role's own organisation (${aws:ResourceOrgID})", graph: () => role(trust.account(VENDOR, { Condition: { StringEquals: { 'aws:PrincipalOrgID': '${aws:ResourceOrgID}' } } })), subject: roleId('vendor-access'), verdict: 'pass' },
    {
      name: 'vendor account allowed, then denied sts:* without a condition',
      graph: () => {
        const allowSt = trust.account(VENDOR).Statement as Record<string, unknown>[];
        return role(doc(...allowSt, { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${VENDOR}:root` }, Action: 'sts:*' }));
      },
      subject: roleId('vendor-access'),
      verdict: 'pass',
    },
    // A Deny names only the principals it lists: one user of the vendor's account is not the
    // account (IAM User Guide, Principal element: an account ARN stands for every principal of the
    // account, a user ARN for that user), so the rest of the account may still assume the role.
    {
      name: 'vendor account allowed, one user of it denied without a condition: the rest of the account still gets in',
      graph: () => {
        const allowSt = trust.account(VENDOR).Statement as Record<string, unknown>[];
        return role(doc(...allowSt, { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${VENDOR}:user/intern` }, Action: 'sts:AssumeRole' }));
      },
      subject: roleId('vendor-access'),
      verdict: 'fail',
      then: (f) => expect(f[0].args.account).toBe(VENDOR),
    },
    {
      name: 'a vendor role allowed, the vendor account denied without a condition',
      graph: () => role(doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${VENDOR}:role/scanner` }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: { AWS: VENDOR }, Action: 'sts:AssumeRole' })),
      subject: roleId('vendor-access'),
      verdict: 'pass',
    },
    // A role acts only through its sessions, and a role named as a principal stands for them: its
    // sessions' effective permissions are what the role's limit (IAM User Guide, Principal element,
    // IAM role principals and role session principals). A Deny naming the role turns away every
    // session of it, the one an Allow names by session ARN too; a Deny naming one session leaves the
    // role's other sessions, and a Deny naming another role leaves this one's.
    {
      name: 'a session of a vendor role allowed, the vendor role denied without a condition',
      graph: () =>
        role(doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:sts::${VENDOR}:assumed-role/scanner/nightly` }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${VENDOR}:role/ops/scanner` }, Action: 'sts:AssumeRole' })),
      subject: roleId('vendor-access'),
      verdict: 'pass',
    },
    {
      name: 'a session of a vendor role allowed, another vendor role denied without a condition',
      graph: () =>
        role(doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:sts::${VENDOR}:assumed-role/scanner/nightly` }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${VENDOR}:role/scanner-old` }, Action: 'sts:AssumeRole' })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
    },
    {
      name: 'a vendor role allowed, one session of it denied without a condition: its other sessions still get in',
      graph: () =>
        role(doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${VENDOR}:role/scanner` }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: { AWS: `arn:aws:sts::${VENDOR}:assumed-role/scanner/nightly` }, Action: 'sts:AssumeRole' })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
    },
    {
      name: 'vendor account allowed only sts:TagSession',
      graph: () => role(doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${VENDOR}:root` }, Action: 'sts:TagSession' })),
      subject: roleId('vendor-access'),
      verdict: 'pass',
    },
    {
      name: 'vendor account allowed sts:*: still reported',
      graph: () => role(doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${VENDOR}:root` }, Action: 'sts:*' })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
    },
    // ForAllValues holds when the key is absent (IAM User Guide, single-valued vs multivalued
    // context keys): a caller that sends no external id, or is in no organisation, matches.
    { name: 'sts:ExternalId only under ForAllValues:StringEquals', graph: () => role(trust.account(VENDOR, { Condition: { 'ForAllValues:StringEquals': { 'sts:ExternalId': 'cust-42' } } })), subject: roleId('vendor-access'), verdict: 'fail' },
    { name: 'aws:PrincipalOrgID only under ForAllValues:StringEquals', graph: () => role(trust.account(VENDOR, { Condition: { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-abc123' } } })), subject: roleId('vendor-access'), verdict: 'fail' },
    { name: 'aws:PrincipalOrgID with only wildcards after o-', graph: () => role(trust.account(VENDOR, { Condition: { StringLike: { 'aws:PrincipalOrgID': 'o-*' } } })), subject: roleId('vendor-access'), verdict: 'fail' },
    // "*" narrowed by a condition to a vendor's account or role is a third-party trust too.
    {
      name: '"*" narrowed to the vendor account by aws:PrincipalAccount',
      graph: () => role(trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalAccount': VENDOR } } })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
      then: (f) => expect(f[0].args.account).toBe(VENDOR),
    },
    {
      name: '"*" narrowed to a vendor role by aws:PrincipalArn',
      graph: () => role(trust.anyone({ Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${VENDOR}:role/VendorRole` } } })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
      then: (f) => expect(f[0].args.principal).toBe(`arn:aws:iam::${VENDOR}:role/VendorRole`),
    },
    {
      name: 'the vendor account listed beside "*" and named by aws:PrincipalAccount is reported once',
      graph: () => role(doc({ Effect: 'Allow', Principal: { AWS: ['*', `arn:aws:iam::${VENDOR}:root`] }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalAccount': VENDOR } } })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
      then: (f) => expect(f.map((x) => x.args.principal)).toEqual(['the whole account']),
    },
    { name: 'near miss: "*" narrowed to the vendor account with sts:ExternalId', graph: () => role(trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalAccount': VENDOR, 'sts:ExternalId': 'cust-42' } } })), subject: roleId('vendor-access'), verdict: 'pass' },
    { name: 'near miss: "*" narrowed to this account by aws:PrincipalAccount', graph: () => role(trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalAccount': ACCT } } })), subject: roleId('vendor-access'), verdict: 'pass' },
    // Both keys must hold: an own account beside a vendor ARN admits no one.
    {
      name: 'near miss: "*" narrowed to this account and to a vendor role at once',
      graph: () => role(trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalAccount': ACCT }, ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${VENDOR}:role/VendorRole` } } })),
      subject: roleId('vendor-access'),
      verdict: 'pass',
    },
    { name: 'the same account', graph: () => role(trust.account(ACCT)), subject: roleId('vendor-access'), verdict: 'pass' },
    {
      name: 'another scanned account of the company',
      graph: () => awsGraph({ [ACCT]: { roles: [{ name: 'vendor-access', trust: trust.account(OTHER) }] }, [OTHER]: {} }),
      subject: roleId('vendor-access'),
      verdict: 'pass',
    },
    { name: 'an own account listed in the options', graph: () => role(trust.account(VENDOR)), subject: roleId('vendor-access'), verdict: 'pass', options: { ownAccounts: [VENDOR] } },
    { name: 'an unparseable trust policy', graph: () => role({ Version: '2012-10-17', Statement: 42 }), subject: roleId('vendor-access'), verdict: 'unknown' },
    // A Deny on every caller whose external id is not the one issued enforces it as a positive
    // condition on the Allow would: a negated operator holds when the key is absent (IAM User Guide,
    // condition operators), so a caller sending no external id, or another one, is turned away.
    {
      name: 'near miss: vendor account allowed, a Deny on "*" with StringNotEquals sts:ExternalId',
      graph: () => role(doc(allowVendor(), { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'sts:ExternalId': 'cust-42' } } })),
      subject: roleId('vendor-access'),
      verdict: 'pass',
    },
    {
      name: 'near miss: vendor account allowed, a Deny on the vendor account with StringNotEquals sts:ExternalId beside aws:PrincipalIsAWSService false',
      graph: () =>
        role(doc(allowVendor(), { Effect: 'Deny', Principal: { AWS: VENDOR }, Action: 'sts:*', Condition: { StringNotEquals: { 'sts:ExternalId': 'cust-42' }, Bool: { 'aws:PrincipalIsAWSService': 'false' } } })),
      subject: roleId('vendor-access'),
      verdict: 'pass',
    },
    // IAM ANDs the keys of one operator: this Deny turns away every caller outside the organisation
    // that does not send the external id. The rule takes the organisation a condition names for yours
    // (as a positive aws:PrincipalOrgID puts a statement out of scope), and a third party is outside
    // it, so for the vendor the external id is required.
    {
      name: 'near miss: vendor account allowed, a Deny on "*" with StringNotEquals aws:PrincipalOrgID and sts:ExternalId',
      graph: () => role(doc(allowVendor(), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123', 'sts:ExternalId': 'cust-42' } } })),
      subject: roleId('vendor-access'),
      verdict: 'pass',
    },
    {
      name: 'near miss: the same with the organisation as ${aws:ResourceOrgID} and the organisation under another operator',
      graph: () =>
        role(doc(allowVendor(), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': '${aws:ResourceOrgID}' }, StringNotEquals: { 'sts:ExternalId': 'cust-42' } } })),
      subject: roleId('vendor-access'),
      verdict: 'pass',
    },
    // ForAnyValue: is false for a caller in no organisation; o-* names no one organisation; and
    // beside aws:SourceIp a caller from another network escapes: none of these requires the id.
    ...[
      { 'ForAnyValue:StringNotEquals': { 'aws:PrincipalOrgID': 'o-abc123' }, StringNotEquals: { 'sts:ExternalId': 'cust-42' } },
      { StringNotLike: { 'aws:PrincipalOrgID': 'o-*', 'sts:ExternalId': 'cust-42' } },
      { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123', 'sts:ExternalId': 'cust-42' }, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    ].map((Condition, i) => ({
      name: `vendor account allowed, a Deny on the organisation and the external id that a vendor can escape (${i + 1})`,
      graph: () => role(doc(allowVendor(), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition })),
      subject: roleId('vendor-access'),
      verdict: 'fail' as const,
    })),
    // An external id the scan cannot read: a variable whose value it does not know (IAM may leave the
    // statement invalid, IAM User Guide, policy variables), or a request tag. Whether the vendor must
    // send an issued id is not known, in an Allow or a Deny; nor is whether an organisation
    // condition on such a variable names yours.
    ...[
      { name: 'sts:ExternalId ${aws:SomeUnknownKey} on the Allow', trust: trust.account(VENDOR, { Condition: { StringEquals: { 'sts:ExternalId': '${aws:SomeUnknownKey}' } } }) },
      { name: 'sts:ExternalId ${aws:RequestTag/ext} on the Allow', trust: trust.account(VENDOR, { Condition: { StringEquals: { 'sts:ExternalId': '${aws:RequestTag/ext}' } } }) },
      { name: 'a Deny on "*" with StringNotEquals sts:ExternalId ${aws:SomeUnknownKey}', trust: doc(allowVendor(), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'sts:ExternalId': '${aws:SomeUnknownKey}' } } }) },
      {
        name: 'a Deny on "*" outside the organisation without an external id from ${aws:SomeUnknownKey}',
        trust: doc(allowVendor(), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123', 'sts:ExternalId': '${aws:SomeUnknownKey}' } } }),
      },
      { name: 'aws:PrincipalOrgID ${aws:SomeUnknownKey} on the Allow', trust: trust.account(VENDOR, { Condition: { StringEquals: { 'aws:PrincipalOrgID': '${aws:SomeUnknownKey}' } } }) },
    ].map((c) => ({ name: `vendor account allowed, ${c.name}: unknown`, graph: () => role(c.trust), subject: roleId('vendor-access'), verdict: 'unknown' as const })),
    // The caller's own account as the external id: any caller sends it, and it is the same for every
    // customer of the vendor, where the id must be unique to each (IAM User Guide, external ID).
    { name: 'sts:ExternalId ${aws:PrincipalAccount}: no external id', graph: () => role(trust.account(VENDOR, { Condition: { StringEquals: { 'sts:ExternalId': '${aws:PrincipalAccount}' } } })), subject: roleId('vendor-access'), verdict: 'fail' },
    { name: 'near miss: sts:ExternalId ${aws:ResourceAccount} (this account\'s id, a fixed value)', graph: () => role(trust.account(VENDOR, { Condition: { StringEquals: { 'sts:ExternalId': '${aws:ResourceAccount}' } } })), subject: roleId('vendor-access'), verdict: 'pass' },
    // Null true only asks that some external id be sent: any value, the other customer's too, passes.
    {
      name: 'vendor account allowed, a Deny only when sts:ExternalId is absent (Null true)',
      graph: () => role(doc(allowVendor(), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { Null: { 'sts:ExternalId': 'true' } } })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
    },
    // IAM ANDs a statement's conditions: beside aws:SourceIp, a caller from another network escapes the Deny.
    {
      name: 'vendor account allowed, a Deny on a wrong external id only outside a source network',
      graph: () =>
        role(doc(allowVendor(), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'sts:ExternalId': 'cust-42' }, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
    },
    // ForAnyValue: is false when the key is absent: a caller that sends no external id is not denied.
    {
      name: 'vendor account allowed, a Deny under ForAnyValue:StringNotEquals sts:ExternalId',
      graph: () => role(doc(allowVendor(), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { 'ForAnyValue:StringNotEquals': { 'sts:ExternalId': 'cust-42' } } })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
    },
    {
      name: 'vendor account allowed, a Deny with StringNotLike sts:ExternalId "*"',
      graph: () => role(doc(allowVendor(), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotLike: { 'sts:ExternalId': '*' } } })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
    },
    // A Deny naming another principal, or another action, leaves the vendor as the Allow let it in.
    {
      name: 'vendor account allowed, the external id enforced by a Deny on another account only',
      graph: () => role(doc(allowVendor(), { Effect: 'Deny', Principal: { AWS: OTHER }, Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'sts:ExternalId': 'cust-42' } } })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
    },
    {
      name: 'vendor account allowed, the external id enforced by a Deny of sts:AssumeRoleWithSAML only',
      graph: () => role(doc(allowVendor(), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRoleWithSAML', Condition: { StringNotEquals: { 'sts:ExternalId': 'cust-42' } } })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
    },
  ]);
});

// The message says who may assume the role. When other conditions narrow the statement it must
// say so, or "lets account X assume it" reads as unconditional; without any, it keeps its words.
describe('aws-trust-third-party-no-external-id: the message and the conditions of the statement', () => {
  const NAME = 'The trust policy of vendor-access';
  ruleCases(rule, [
    {
      name: 'no condition: the message is the unconditional one, word for word',
      graph: () => role(trust.account(VENDOR)),
      subject: roleId('vendor-access'),
      verdict: 'fail',
      then: (f) => expect(f.map((x) => x.message)).toEqual([`${NAME} lets account ${VENDOR} (the whole account) assume it without an sts:ExternalId condition`]),
    },
    {
      name: 'an external id that binds no one (IfExists) is not another condition: same words',
      graph: () => role(trust.account(VENDOR, { Condition: { StringEqualsIfExists: { 'sts:ExternalId': 'cust-42' } } })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
      then: (f) => expect(f.map((x) => x.message)).toEqual([`${NAME} lets account ${VENDOR} (the whole account) assume it without an sts:ExternalId condition`]),
    },
    {
      name: 'aws:SourceArn and aws:SourceAccount are named, with the evidence unchanged',
      graph: () =>
        role(trust.account(VENDOR, { Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:events:us-east-1:${VENDOR}:rule/x` }, StringEquals: { 'aws:SourceAccount': VENDOR } } })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
      severities: ['high'],
      then: (f) => {
        expect(f.map((x) => x.message)).toEqual([`${NAME} lets account ${VENDOR} (the whole account) assume it under conditions on aws:SourceArn, aws:SourceAccount, but with no sts:ExternalId condition`]);
        expect(f[0].evidence.restrictingKeys).toEqual(['aws:SourceArn', 'aws:SourceAccount']);
      },
    },
    {
      name: 'a condition that is no restricting key (sts:SourceIdentity, aws:SourceIp) is named too',
      graph: () => role(trust.principal(`arn:aws:iam::${VENDOR}:role/scanner`, { Condition: { StringEquals: { 'sts:SourceIdentity': 'scanner' }, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
      then: (f) =>
        expect(f.map((x) => x.message)).toEqual([
          `${NAME} lets account ${VENDOR} (arn:aws:iam::${VENDOR}:role/scanner) assume it under conditions on sts:SourceIdentity, aws:SourceIp, but with no sts:ExternalId condition`,
        ]),
    },
    {
      name: 'an organisation condition that binds no one (ForAllValues) is still a condition of the statement',
      graph: () => role(trust.account(VENDOR, { Condition: { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-abc123' } } })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
      then: (f) => expect(f[0].message).toBe(`${NAME} lets account ${VENDOR} (the whole account) assume it under conditions on aws:PrincipalOrgID, but with no sts:ExternalId condition`),
    },
    {
      name: '"*" narrowed to the vendor: the keys that name the vendor are the principal, not another condition',
      graph: () => role(trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalAccount': VENDOR } } })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
      then: (f) => expect(f.map((x) => x.message)).toEqual([`${NAME} lets account ${VENDOR} (the whole account) assume it without an sts:ExternalId condition`]),
    },
    {
      name: '"*" narrowed to the vendor and by a source ARN: only the source ARN is another condition',
      graph: () => role(trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalAccount': VENDOR }, ArnLike: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${VENDOR}:t` } } })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
      then: (f) => expect(f.map((x) => x.message)).toEqual([`${NAME} lets account ${VENDOR} (the whole account) assume it under conditions on aws:SourceArn, but with no sts:ExternalId condition`]),
    },
    {
      // Condition keys are case-insensitive in IAM: two spellings under two operators are one key,
      // named once, as first spelled; the next key keeps its place.
      name: 'one key spelled two ways (aws:SourceArn, aws:sourcearn) is named once, in its first spelling',
      graph: () =>
        role(
          trust.account(VENDOR, {
            Condition: {
              ArnLike: { 'aws:SourceArn': `arn:aws:events:us-east-1:${VENDOR}:rule/x` },
              ArnEquals: { 'aws:sourcearn': `arn:aws:events:us-east-1:${VENDOR}:rule/x`, 'AWS:SOURCEACCOUNT': VENDOR },
              StringEquals: { 'aws:SourceAccount': VENDOR },
            },
          }),
        ),
      subject: roleId('vendor-access'),
      verdict: 'fail',
      then: (f) => expect(f.map((x) => x.message)).toEqual([`${NAME} lets account ${VENDOR} (the whole account) assume it under conditions on aws:SourceArn, AWS:SOURCEACCOUNT, but with no sts:ExternalId condition`]),
    },
  ]);
});

// A Deny on every caller outside one organisation, with no external id in it: a vendor outside the
// organisation cannot assume the role at all, as with a positive aws:PrincipalOrgID on the Allow
// (the rule takes the organisation named for yours; an unscanned account inside it is no vendor).
// IAM ANDs the Deny's conditions, so one a caller can fail, or a negated account list beside the
// organisation (which spares the accounts listed), lets the vendor through and the finding stands.
describe('aws-trust-third-party-no-external-id: a Deny on every caller outside the organisation', () => {
  const deny = (Condition: Record<string, unknown>, Principal: unknown = '*', Action: unknown = 'sts:AssumeRole') => role(doc(allowVendor(), { Effect: 'Deny', Principal, Action, Condition }));
  ruleCases(rule, [
    { name: 'a Deny on "*" with StringNotEquals aws:PrincipalOrgID keeps the vendor out', graph: () => deny({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }), subject: roleId('vendor-access'), verdict: 'pass' },
    { name: 'a Deny on "*" with StringNotLike aws:PrincipalOrgPaths under one organisation keeps the vendor out', graph: () => deny({ StringNotLike: { 'aws:PrincipalOrgPaths': 'o-abc123/*' } }), subject: roleId('vendor-access'), verdict: 'pass' },
    { name: 'a Deny on the vendor account outside the organisation, beside aws:PrincipalIsAWSService false', graph: () => deny({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' }, Bool: { 'aws:PrincipalIsAWSService': 'false' } }, { AWS: VENDOR }, 'sts:*'), subject: roleId('vendor-access'), verdict: 'pass' },
    { name: 'a Deny of a role of the vendor: the statement naming it is kept out', graph: () => role(doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${VENDOR}:role/scanner` }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } })), subject: roleId('vendor-access'), verdict: 'pass' },
    ...[
      { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123', 'aws:PrincipalAccount': VENDOR } },
      { 'ForAnyValue:StringNotEquals': { 'aws:PrincipalOrgID': 'o-abc123' } },
      { StringNotLike: { 'aws:PrincipalOrgID': 'o-*' } },
      { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123' }, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    ].map((Condition, i) => ({ name: `near miss: a Deny outside the organisation that the vendor escapes (${i + 1})`, graph: () => deny(Condition), subject: roleId('vendor-access'), verdict: 'fail' as const })),
    { name: 'near miss: the Deny names another account', graph: () => deny({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }, { AWS: OTHER }), subject: roleId('vendor-access'), verdict: 'fail' },
    { name: 'near miss: the Deny covers sts:AssumeRoleWithSAML only', graph: () => deny({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }, '*', 'sts:AssumeRoleWithSAML'), subject: roleId('vendor-access'), verdict: 'fail' },
    { name: 'a Deny outside an organisation named through a variable whose value is not known: unknown', graph: () => deny({ StringNotEquals: { 'aws:PrincipalOrgID': '${aws:SomeUnknownKey}' } }), subject: roleId('vendor-access'), verdict: 'unknown' },
  ]);
});

// An external id partly or wholly made of the caller's own values (its account, ARN, a tag on it) is
// no secret shared with one customer: the vendor sends the same for every customer. With no other
// letter or digit in it, it is no external id; with text around it, that text may be the id the
// vendor issued or a prefix every customer writes: not known.
describe('aws-trust-third-party-no-external-id: an external id built from the caller\'s own values', () => {
  ruleCases(rule, [
    ...['${aws:PrincipalAccount}-${aws:PrincipalOrgID}', '${aws:PrincipalAccount}:${aws:userid}', '${aws:PrincipalAccount}${aws:PrincipalTag/team}'].map((id) => ({
      name: `sts:ExternalId ${id}: no external id`,
      graph: () => role(trust.account(VENDOR, { Condition: { StringEquals: { 'sts:ExternalId': id } } })),
      subject: roleId('vendor-access'),
      verdict: 'fail' as const,
    })),
    { name: 'sts:ExternalId ${aws:PrincipalAccount} under StringLike, with a wildcard: no external id', graph: () => role(trust.account(VENDOR, { Condition: { StringLike: { 'sts:ExternalId': '*-${aws:PrincipalAccount}' } } })), subject: roleId('vendor-access'), verdict: 'fail' },
    ...['cust-42-${aws:PrincipalAccount}', '${aws:PrincipalAccount}-cust42'].map((id) => ({
      name: `sts:ExternalId ${id}: unknown`,
      graph: () => role(trust.account(VENDOR, { Condition: { StringEquals: { 'sts:ExternalId': id } } })),
      subject: roleId('vendor-access'),
      verdict: 'unknown' as const,
    })),
    {
      name: 'a Deny on "*" with StringNotEquals sts:ExternalId cust-42-${aws:PrincipalAccount}: unknown',
      graph: () => role(doc(allowVendor(), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'sts:ExternalId': 'cust-42-${aws:PrincipalAccount}' } } })),
      subject: roleId('vendor-access'),
      verdict: 'unknown',
    },
    {
      name: 'a Deny on "*" with StringNotEquals sts:ExternalId ${aws:PrincipalAccount}-${aws:userid}: no external id',
      graph: () => role(doc(allowVendor(), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'sts:ExternalId': '${aws:PrincipalAccount}-${aws:userid}' } } })),
      subject: roleId('vendor-access'),
      verdict: 'fail',
    },
    { name: 'near miss: sts:ExternalId cust-${aws:ResourceAccount} (a fixed value)', graph: () => role(trust.account(VENDOR, { Condition: { StringEquals: { 'sts:ExternalId': 'cust-${aws:ResourceAccount}' } } })), subject: roleId('vendor-access'), verdict: 'pass' },
  ]);
});

// An account belongs to one organisation only, and the scan does not read which organisation the
// scanned accounts are in. A condition letting callers of several organisations through (a key's
// values are alternatives) admits at least one that is not yours, in which the vendor may be: it
// does not prove the caller is yours, so the answer is unknown, not pass. Several paths inside one
// organisation, or entries ANDed down to one organisation, still name one.
describe('aws-trust-third-party-no-external-id: organisation conditions naming several organisations', () => {
  const deny = (Condition: Record<string, unknown>) => role(doc(allowVendor(), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition }));
  const allowIn = (Condition: Record<string, unknown>) => role(trust.account(VENDOR, { Condition }));
  ruleCases(rule, [
    { name: 'a Deny on "*" with StringNotEquals aws:PrincipalOrgID naming two organisations', graph: () => deny({ StringNotEquals: { 'aws:PrincipalOrgID': ['o-abc123', 'o-vendor99'] } }), subject: roleId('vendor-access'), verdict: 'unknown' },
    { name: 'a Deny sparing ${aws:ResourceOrgID} and another organisation', graph: () => deny({ StringNotEquals: { 'aws:PrincipalOrgID': ['${aws:ResourceOrgID}', 'o-vendor99'] } }), subject: roleId('vendor-access'), verdict: 'unknown' },
    { name: 'a Deny sparing one organisation by aws:PrincipalOrgID and another by aws:PrincipalOrgPaths', graph: () => deny({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' }, StringNotLike: { 'aws:PrincipalOrgPaths': 'o-vendor99/*' } }), subject: roleId('vendor-access'), verdict: 'unknown' },
    { name: 'a Deny outside two organisations without the external id', graph: () => deny({ StringNotEquals: { 'aws:PrincipalOrgID': ['o-abc123', 'o-vendor99'], 'sts:ExternalId': 'cust-42' } }), subject: roleId('vendor-access'), verdict: 'unknown' },
    { name: 'near miss: a Deny sparing two paths of one organisation keeps the vendor out', graph: () => deny({ StringNotLike: { 'aws:PrincipalOrgPaths': ['o-abc123/r-ab12/ou-ab12-11111111/*', 'O-ABC123/r-ab12/ou-ab12-22222222/*'] } }), subject: roleId('vendor-access'), verdict: 'pass' },
    { name: 'aws:PrincipalOrgID naming two organisations on the Allow', graph: () => allowIn({ StringEquals: { 'aws:PrincipalOrgID': ['o-abc123', 'o-vendor99'] } }), subject: roleId('vendor-access'), verdict: 'unknown' },
    { name: 'aws:PrincipalOrgID ${aws:ResourceOrgID} or another organisation on the Allow', graph: () => allowIn({ StringEquals: { 'aws:PrincipalOrgID': ['${aws:ResourceOrgID}', 'o-vendor99'] } }), subject: roleId('vendor-access'), verdict: 'unknown' },
    { name: 'near miss: aws:PrincipalOrgPaths naming two paths of one organisation on the Allow', graph: () => allowIn({ StringLike: { 'aws:PrincipalOrgPaths': ['o-abc123/r-ab12/ou-ab12-11111111/*', 'o-abc123/r-ab12/ou-ab12-22222222/*'] } }), subject: roleId('vendor-access'), verdict: 'pass' },
    // IAM ANDs the two keys: only o-abc123 is in both.
    { name: 'near miss: two organisations by aws:PrincipalOrgID, ANDed with a path in one of them', graph: () => allowIn({ StringEquals: { 'aws:PrincipalOrgID': ['o-abc123', 'o-vendor99'] }, StringLike: { 'aws:PrincipalOrgPaths': 'o-abc123/*' } }), subject: roleId('vendor-access'), verdict: 'pass' },
  ]);
});

// The reason of an unknown says which fact was not known: which condition of which statement, its
// value and why it cannot be read, and whom it is about.
describe('aws-trust-third-party-no-external-id: what each unknown says', () => {
  const reasons = (t: Record<string, unknown>) => Object.keys(runRule(rule, role(t), { now: NOW }).stats.unknownReasons);
  const allowIn = (Condition: Record<string, unknown>) => trust.account(VENDOR, { Condition });
  const denyOn = (Condition: Record<string, unknown>) => doc(allowVendor(), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition });
  it('an external id on a policy variable whose value is not known, on the Allow', () => {
    expect(reasons(allowIn({ StringEquals: { 'sts:ExternalId': 'cust-${aws:SomeUnknownKey}' } }))).toEqual([
      `whether the sts:ExternalId condition of statement 0 binds account ${VENDOR} is not known: its sts:ExternalId value "cust-\${aws:SomeUnknownKey}" holds a policy variable whose value the scan does not know`,
    ]);
  });
  it("an external id writing text around the caller's own value, on the Allow", () => {
    expect(reasons(allowIn({ StringEquals: { 'sts:ExternalId': 'cust-42-${aws:PrincipalAccount}' } }))).toEqual([
      `whether the sts:ExternalId condition of statement 0 binds account ${VENDOR} is not known: its sts:ExternalId value "cust-42-\${aws:PrincipalAccount}" writes text around the caller's own value, which may be the id the vendor issued you or a prefix every customer of the vendor writes`,
    ]);
  });
  it('an organisation on a policy variable whose value is not known, on the Allow, naming the principal', () => {
    const t = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${VENDOR}:role/scanner` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': '${aws:SomeUnknownKey}' } } });
    expect(reasons(t)).toEqual([
      `whether account ${VENDOR} ("arn:aws:iam::${VENDOR}:role/scanner") is inside the organisation that the aws:PrincipalOrgID condition of statement 0 names is not known: its aws:PrincipalOrgID value "\${aws:SomeUnknownKey}" holds a policy variable whose value the scan does not know`,
    ]);
  });
  it('two organisations on the Allow', () => {
    expect(reasons(allowIn({ StringEquals: { 'aws:PrincipalOrgID': ['o-abc123', 'o-vendor99'] } }))).toEqual([
      `whether account ${VENDOR} is a third party is not known: statement 0 lets it in only from organisations "o-abc123" and "o-vendor99", and an account is in one organisation only, so at least one of them is not yours (the scan does not read which organisation the scanned accounts are in)`,
    ]);
  });
  it('a Deny sparing two organisations', () => {
    expect(reasons(denyOn({ StringNotEquals: { 'aws:PrincipalOrgID': ['o-abc123', 'o-vendor99'] } }))).toEqual([
      `whether the Deny of statement 1 keeps account ${VENDOR} out is not known: it spares callers of organisations "o-abc123" and "o-vendor99", and an account is in one organisation only, so at least one of them is not yours (the scan does not read which organisation the scanned accounts are in)`,
    ]);
  });
  it('a Deny whose external id is on a policy variable whose value is not known', () => {
    expect(reasons(denyOn({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123', 'sts:ExternalId': '${aws:SomeUnknownKey}' } }))).toEqual([
      `whether the Deny of statement 1 requires an external id of account ${VENDOR} is not known: its sts:ExternalId value "\${aws:SomeUnknownKey}" holds a policy variable whose value the scan does not know`,
    ]);
  });
  // The Deny would require the external id of every caller outside the organisation it names, but
  // which organisation that is is not known: the doubt is in the organisation's value, not the id's.
  it('a Deny requiring a literal external id outside an organisation named through a policy variable whose value is not known', () => {
    expect(reasons(denyOn({ StringNotEquals: { 'aws:PrincipalOrgID': '${aws:SomeUnknownKey}', 'sts:ExternalId': 'cust-42' } }))).toEqual([
      `whether the Deny of statement 1 requires an external id of account ${VENDOR} is not known: its aws:PrincipalOrgID value "\${aws:SomeUnknownKey}" holds a policy variable whose value the scan does not know`,
    ]);
  });
  it('a Deny outside an organisation named through a policy variable whose value is not known', () => {
    expect(reasons(denyOn({ StringNotEquals: { 'aws:PrincipalOrgID': '${aws:SomeUnknownKey}' } }))).toEqual([
      `whether the Deny of statement 1 keeps account ${VENDOR} out is not known: its aws:PrincipalOrgID value "\${aws:SomeUnknownKey}" holds a policy variable whose value the scan does not know`,
    ]);
  });
  it('an unparseable trust policy says why', () => {
    expect(reasons({ Version: '2012-10-17', Statement: 42 })).toEqual([expect.stringMatching(/^the trust policy could not be read \(.+\)$/)]);
  });
});

// Told which organisations are yours (ownOrganizations), the rule no longer takes the one an
// organisation condition names for yours: an Allow admitting only callers of another organisation
// lets that organisation's accounts in, a third party's, and a Deny keeps the vendor out only when
// what it spares is yours (or a foreign organisation the Allow shows the vendor is not in).
describe('aws-trust-third-party-no-external-id: your organisations named in the options', () => {
  const NAME = 'The trust policy of vendor-access';
  const MINE = 'o-mine123456';
  const VENDOR_ORG = 'o-vendor1234';
  const options = { ownOrganizations: [MINE] };
  const allowIn = (Condition: Record<string, unknown>) => role(trust.account(VENDOR, { Condition }));
  const denyAfter = (allow: Record<string, unknown>, Condition: Record<string, unknown>) => role(doc(allow, { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition }));
  const inVendorOrg = { ...allowVendor(), Condition: { StringEquals: { 'aws:PrincipalOrgID': VENDOR_ORG } } };
  const messages = (g: ReturnType<typeof role>, o: Record<string, unknown> = options) => runRule(rule, g, { now: NOW, options: o }).findings.map((f) => f.message);
  const reasons = (g: ReturnType<typeof role>) => Object.keys(runRule(rule, g, { now: NOW, options }).stats.unknownReasons);
  ruleCases(rule, [
    {
      name: "an Allow only for callers of the vendor's organisation is reported",
      graph: () => allowIn({ StringEquals: { 'aws:PrincipalOrgID': VENDOR_ORG } }),
      subject: roleId('vendor-access'),
      verdict: 'fail',
      options,
    },
    { name: 'without the option the same Allow is taken for yours, as before', graph: () => allowIn({ StringEquals: { 'aws:PrincipalOrgID': VENDOR_ORG } }), subject: roleId('vendor-access'), verdict: 'pass' },
    { name: 'an Allow only for callers of your organisation stays out of scope', graph: () => allowIn({ StringEquals: { 'aws:PrincipalOrgID': MINE } }), subject: roleId('vendor-access'), verdict: 'pass', options },
    { name: 'an organisation id is compared without case', graph: () => allowIn({ StringEquals: { 'aws:PrincipalOrgID': MINE.toUpperCase() } }), subject: roleId('vendor-access'), verdict: 'pass', options },
    { name: 'a path inside your organisation stays out of scope', graph: () => allowIn({ StringLike: { 'aws:PrincipalOrgPaths': `${MINE}/r-ab12/*` } }), subject: roleId('vendor-access'), verdict: 'pass', options },
    { name: "a path inside the vendor's organisation is reported", graph: () => allowIn({ StringLike: { 'aws:PrincipalOrgPaths': `${VENDOR_ORG}/r-ab12/*` } }), subject: roleId('vendor-access'), verdict: 'fail', options },
    {
      name: 'two organisations, both yours, stay out of scope',
      graph: () => allowIn({ StringEquals: { 'aws:PrincipalOrgID': [MINE, 'o-mine999999'] } }),
      subject: roleId('vendor-access'),
      verdict: 'pass',
      options: { ownOrganizations: [MINE, 'o-mine999999'] },
    },
    { name: "your organisation or the vendor's: the vendor's callers get in, reported", graph: () => allowIn({ StringEquals: { 'aws:PrincipalOrgID': [MINE, VENDOR_ORG] } }), subject: roleId('vendor-access'), verdict: 'fail', options },
    { name: "${aws:ResourceOrgID}, the role's own, is yours", graph: () => allowIn({ StringEquals: { 'aws:PrincipalOrgID': '${aws:ResourceOrgID}' } }), subject: roleId('vendor-access'), verdict: 'pass', options },
    // IAM ANDs the entries: the caller must be in the role's own organisation, which is yours,
    // whatever paths of other organisations the second entry names.
    {
      name: "${aws:ResourceOrgID} ANDed with paths of two foreign organisations: only the role's own organisation gets in",
      graph: () => allowIn({ StringEquals: { 'aws:PrincipalOrgID': '${aws:ResourceOrgID}' }, StringLike: { 'aws:PrincipalOrgPaths': [`${VENDOR_ORG}/*`, 'o-other123456/*'] } }),
      subject: roleId('vendor-access'),
      verdict: 'pass',
      options,
    },
    {
      name: "your organisation or the vendor's, ANDed with a path in the vendor's: reported",
      graph: () => allowIn({ StringEquals: { 'aws:PrincipalOrgID': [MINE, VENDOR_ORG] }, StringLike: { 'aws:PrincipalOrgPaths': `${VENDOR_ORG}/r-ab12/*` } }),
      subject: roleId('vendor-access'),
      verdict: 'fail',
      options,
    },
    {
      name: 'near miss: your organisation or the vendor\'s, ANDed with a path in yours',
      graph: () => allowIn({ StringEquals: { 'aws:PrincipalOrgID': [MINE, VENDOR_ORG] }, StringLike: { 'aws:PrincipalOrgPaths': `${MINE}/r-ab12/*` } }),
      subject: roleId('vendor-access'),
      verdict: 'pass',
      options,
    },
    { name: 'a Deny sparing only your organisation keeps the vendor out, as before', graph: () => denyAfter(allowVendor(), { StringNotEquals: { 'aws:PrincipalOrgID': MINE } }), subject: roleId('vendor-access'), verdict: 'pass', options },
    {
      name: 'a Deny sparing only your organisation without the external id requires it, as before',
      graph: () => denyAfter(allowVendor(), { StringNotEquals: { 'aws:PrincipalOrgID': MINE, 'sts:ExternalId': 'cust-42' } }),
      subject: roleId('vendor-access'),
      verdict: 'pass',
      options,
    },
    // Whether the vendor's account is in the organisation the Deny spares is not in the snapshot.
    { name: 'a Deny sparing a foreign organisation does not keep the vendor out: unknown', graph: () => denyAfter(allowVendor(), { StringNotEquals: { 'aws:PrincipalOrgID': VENDOR_ORG } }), subject: roleId('vendor-access'), verdict: 'unknown', options },
    {
      name: 'a Deny sparing a foreign organisation without the external id does not require it: unknown',
      graph: () => denyAfter(allowVendor(), { StringNotEquals: { 'aws:PrincipalOrgID': VENDOR_ORG, 'sts:ExternalId': 'cust-42' } }),
      subject: roleId('vendor-access'),
      verdict: 'unknown',
      options,
    },
    // The Allow proves the vendor is in its organisation: a Deny sparing it lets the vendor in...
    { name: "the Allow in the vendor's organisation, a Deny sparing that organisation: reported", graph: () => denyAfter(inVendorOrg, { StringNotEquals: { 'aws:PrincipalOrgID': VENDOR_ORG } }), subject: roleId('vendor-access'), verdict: 'fail', options },
    // ...and one sparing only another organisation keeps it out.
    { name: "the Allow in the vendor's organisation, a Deny sparing your organisation", graph: () => denyAfter(inVendorOrg, { StringNotEquals: { 'aws:PrincipalOrgID': MINE } }), subject: roleId('vendor-access'), verdict: 'pass', options },
    { name: "the Allow in the vendor's organisation, a Deny sparing a third organisation", graph: () => denyAfter(inVendorOrg, { StringNotEquals: { 'aws:PrincipalOrgID': 'o-other123456' } }), subject: roleId('vendor-access'), verdict: 'pass', options },
  ]);
  it('the message says which organisation, not yours, lets the vendor in', () => {
    expect(messages(allowIn({ StringEquals: { 'aws:PrincipalOrgID': [MINE, VENDOR_ORG] } }))).toEqual([
      `${NAME} lets account ${VENDOR} (the whole account) assume it from organisation "${VENDOR_ORG}", not yours, without an sts:ExternalId condition`,
    ]);
    expect(messages(allowIn({ StringEquals: { 'aws:PrincipalOrgID': VENDOR_ORG, 'aws:SourceAccount': VENDOR } }))).toEqual([
      `${NAME} lets account ${VENDOR} (the whole account) assume it from organisation "${VENDOR_ORG}", not yours, under conditions on aws:SourceAccount, but with no sts:ExternalId condition`,
    ]);
  });
  it('an unknown names the foreign organisation a Deny spares', () => {
    expect(reasons(denyAfter(allowVendor(), { StringNotEquals: { 'aws:PrincipalOrgID': [MINE, VENDOR_ORG] } }))).toEqual([
      `whether the Deny of statement 1 keeps account ${VENDOR} out is not known: it spares callers of organisation "${VENDOR_ORG}", not yours, and the scan does not read whether account ${VENDOR} is in it`,
    ]);
  });
  it('an empty list behaves as no option', () => {
    expect(messages(allowIn({ StringEquals: { 'aws:PrincipalOrgID': VENDOR_ORG } }), { ownOrganizations: [] })).toEqual([]);
  });
});

// The collector reads the organisation of each scanned account (aws/<account>/organization.json):
// those are yours without the option, and no other is. An account whose organisation could not be
// read leaves an organisation not among those read unplaced: unknown, when the answer turns on it.
describe('aws-trust-third-party-no-external-id: your organisations read from the snapshot', () => {
  const MINE = 'o-mine123456';
  const VENDOR_ORG = 'o-vendor1234';
  const inOrg = (Condition: Record<string, unknown>, organization: string | null | undefined, coverage: CoverageRecord[] = []) =>
    oneAccount({ roles: [{ name: 'vendor-access', trust: trust.account(VENDOR, { Condition }) }], ...(organization !== undefined ? { organization } : {}) }, { coverage });
  const vendorOrg = { StringEquals: { 'aws:PrincipalOrgID': VENDOR_ORG } };
  const denied = [missing('aws.organization')];
  const run = (g: ReturnType<typeof role>, options: Record<string, unknown> = {}) => runRule(rule, g, { now: NOW, options });
  ruleCases(rule, [
    { name: "read: an Allow only for the vendor's organisation is reported", graph: () => inOrg(vendorOrg, MINE), subject: roleId('vendor-access'), verdict: 'fail' },
    { name: 'read: an Allow only for your organisation stays out of scope', graph: () => inOrg({ StringEquals: { 'aws:PrincipalOrgID': MINE } }, MINE), subject: roleId('vendor-access'), verdict: 'pass' },
    // An account in no organisation: every organisation a condition names is someone else's.
    { name: "read, in no organisation: an Allow for the vendor's organisation is reported", graph: () => inOrg(vendorOrg, null), subject: roleId('vendor-access'), verdict: 'fail' },
    {
      name: 'read, and the option names another organisation of yours: it stays out of scope',
      graph: () => inOrg({ StringEquals: { 'aws:PrincipalOrgID': 'o-other123456' } }, MINE),
      subject: roleId('vendor-access'),
      verdict: 'pass',
      options: { ownOrganizations: ['o-other123456'] },
    },
    { name: 'read, and the option names another: the one read is still yours', graph: () => inOrg({ StringEquals: { 'aws:PrincipalOrgID': MINE } }, MINE), subject: roleId('vendor-access'), verdict: 'pass', options: { ownOrganizations: ['o-other123456'] } },
    { name: 'not read (no file, no record): taken for yours, as before', graph: () => inOrg(vendorOrg, undefined), subject: roleId('vendor-access'), verdict: 'pass' },
    { name: 'read failed: an organisation the rule cannot place is unknown', graph: () => inOrg(vendorOrg, undefined, denied), subject: roleId('vendor-access'), verdict: 'unknown' },
    { name: "read failed: the role's own organisation (${aws:ResourceOrgID}) is still yours", graph: () => inOrg({ StringEquals: { 'aws:PrincipalOrgID': '${aws:ResourceOrgID}' } }, undefined, denied), subject: roleId('vendor-access'), verdict: 'pass' },
    // No organisation condition: the answer does not turn on which organisations are yours.
    { name: 'read failed, near miss: a trust without an organisation condition is still reported', graph: () => inOrg({}, undefined, denied), subject: roleId('vendor-access'), verdict: 'fail' },
    { name: 'read failed, but the option says which organisations are yours: reported', graph: () => inOrg(vendorOrg, undefined, denied), subject: roleId('vendor-access'), verdict: 'fail', options: { ownOrganizations: [MINE] } },
    {
      name: 'not read: a Deny sparing one organisation keeps the vendor out, as before',
      graph: () => role(doc(allowVendor(), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': VENDOR_ORG } } })),
      subject: roleId('vendor-access'),
      verdict: 'pass',
    },
  ]);
  it('one account read, another not: its organisation stays yours, any other is unknown', () => {
    const graph = () =>
      awsGraph(
        {
          [ACCT]: { roles: [{ name: 'mine', trust: trust.account(VENDOR, { Condition: { StringEquals: { 'aws:PrincipalOrgID': MINE } } }) }, { name: 'vendors', trust: trust.account(VENDOR, { Condition: vendorOrg }) }], organization: MINE },
          [OTHER]: { roles: [] },
        },
        { coverage: [missing('aws.organization', OTHER)] },
      );
    const r = run(graph());
    expect(r.findings).toEqual([]);
    expect(r.stats).toMatchObject({ unknown: 1 });
    expect(Object.keys(r.stats.unknownReasons)).toEqual([
      `whether account ${VENDOR} can assume it without an external id is not known: that turns on whether organisation "${VENDOR_ORG}" is yours, and the organisation (DescribeOrganization) of account ${OTHER} was not read (denied: AccessDenied)`,
    ]);
  });
  it('the unknown names the failed read, and how many other accounts it failed for', () => {
    const graph = awsGraph(
      { [ACCT]: { roles: [{ name: 'vendor-access', trust: trust.account(VENDOR, { Condition: vendorOrg }) }] }, [OTHER]: { roles: [] }, '333344445555': { roles: [] } },
      { coverage: [ACCT, OTHER, '333344445555'].map((a) => missing('aws.organization', a)) },
    );
    expect(Object.keys(run(graph).stats.unknownReasons)).toEqual([
      `whether account ${VENDOR} can assume it without an external id is not known: that turns on whether organisation "${VENDOR_ORG}" is yours, and the organisation (DescribeOrganization) of account ${ACCT} was not read (denied: AccessDenied), nor was that of 2 other accounts`,
    ]);
  });
  it('a Deny sparing an organisation the rule cannot place, with the read failed: unknown, naming it', () => {
    const g = oneAccount(
      { roles: [{ name: 'vendor-access', trust: doc(allowVendor(), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': VENDOR_ORG } } }) }] },
      { coverage: denied },
    );
    expect(Object.keys(run(g).stats.unknownReasons)).toEqual([expect.stringMatching(new RegExp(`^whether account ${VENDOR} can assume it without an external id is not known: that turns on whether organisation "${VENDOR_ORG}" is yours, and the organisation \\(DescribeOrganization\\) of account ${ACCT} was not read \\(denied: AccessDenied\\)$`))]);
  });
  it('the finding says the organisation is not yours, as with the option', () => {
    expect(run(inOrg(vendorOrg, MINE)).findings.map((f) => f.message)).toEqual([
      `The trust policy of vendor-access lets account ${VENDOR} (the whole account) assume it from organisation "${VENDOR_ORG}", not yours, without an sts:ExternalId condition`,
    ]);
  });
});

// An organisation condition naming only organisations read as yours lets no vendor in, whatever
// the account whose read failed is in: that read cannot change the answer.
describe('aws-trust-third-party-no-external-id: a failed read that cannot change the answer', () => {
  const MINE = 'o-mine123456';
  const MINE2 = 'o-mine234567';
  const VENDOR_ORG = 'o-vendor1234';
  const THIRD = '333344445555';
  const graph = (orgs: string[]) =>
    awsGraph(
      {
        [ACCT]: { roles: [{ name: 'vendor-access', trust: trust.account(VENDOR, { Condition: { StringEquals: { 'aws:PrincipalOrgID': orgs } } }) }], organization: MINE },
        [OTHER]: { roles: [], organization: MINE2 },
        [THIRD]: { roles: [] },
      },
      { coverage: [missing('aws.organization', THIRD)] },
    );
  it('an Allow only for the two organisations read is out of scope (pass), not unknown', () => {
    const r = runRule(rule, graph([MINE, MINE2]), { now: NOW });
    expect(r.findings).toEqual([]);
    expect(r.stats.unknownReasons).toEqual({});
  });
  it('one account not read, two other organisations named: it is in one at most, the other lets the vendor in (reported)', () => {
    const r = runRule(rule, graph(['o-vendor1234', 'o-vendor2345']), { now: NOW });
    expect(r.findings.map((f) => f.ruleId)).toEqual(['aws-trust-third-party-no-external-id']);
    expect(r.stats.unknownReasons).toEqual({});
  });
  it('two accounts not read, two other organisations named: both may be yours (unknown)', () => {
    const g = awsGraph(
      {
        [ACCT]: { roles: [{ name: 'vendor-access', trust: trust.account(VENDOR, { Condition: { StringEquals: { 'aws:PrincipalOrgID': ['o-vendor1234', 'o-vendor2345'] } } }) }], organization: MINE },
        [OTHER]: { roles: [] },
        [THIRD]: { roles: [] },
      },
      { coverage: [missing('aws.organization', OTHER), missing('aws.organization', THIRD)] },
    );
    const r = runRule(rule, g, { now: NOW });
    expect(r.findings).toEqual([]);
    expect(Object.keys(r.stats.unknownReasons)).toHaveLength(1);
  });
  it('near miss: one read and one not, the answer turns on the failed read (unknown)', () => {
    const r = runRule(rule, graph([MINE, VENDOR_ORG]), { now: NOW });
    expect(r.findings).toEqual([]);
    expect(Object.keys(r.stats.unknownReasons)).toHaveLength(1);
  });
});
