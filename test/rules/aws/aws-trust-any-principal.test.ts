import { describe, expect } from 'vitest';
import rule from '../../../rules/aws/aws-trust-any-principal.js';
import { ACCT, allow, doc, oneAccount, roleId, ruleCases, trust } from '../../helpers/aws-builders.js';

const role = (t: Record<string, unknown>) => oneAccount({ roles: [{ name: 'open', trust: t, inline: [doc(allow('s3:GetObject'))] }] });

describe('aws-trust-any-principal', () => {
  ruleCases(rule, [
    { name: 'Principal "*" with no condition', graph: () => role(trust.anyone()), subject: roleId('open'), verdict: 'fail', severities: ['critical'] },
    {
      name: '{"AWS": "*"} with a condition that does not narrow who (source IP)',
      graph: () => role(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })),
      subject: roleId('open'),
      verdict: 'fail',
      then: (f) => expect(String(f[0].args.other)).toContain('aws:SourceIp'),
    },
    // IAM does not accept NotPrincipal in a role trust policy (IAM User Guide, NotPrincipal): such a
    // document is not what AWS enforces, so the answer is unknown, not "everyone but the list".
    {
      name: 'NotPrincipal in an Allow statement',
      graph: () => role(doc({ Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${ACCT}:user/blocked` }, Action: 'sts:AssumeRole' })),
      subject: roleId('open'),
      verdict: 'unknown',
    },
    { name: '"*" narrowed by aws:PrincipalOrgID', graph: () => role(trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } })), subject: roleId('open'), verdict: 'pass' },
    // A wildcard in the account field of aws:SourceArn names resources of any account, the caller's own too.
    { name: '"*" under ArnLike aws:SourceArn with "*" as the account', graph: () => role(trust.anyone({ Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:*:topic' } } })), subject: roleId('open'), verdict: 'fail', severities: ['critical'] },
    { name: 'near miss: "*" under ArnLike aws:SourceArn with the account pinned and "*" as the region', graph: () => role(trust.anyone({ Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:sns:*:${ACCT}:topic` } } })), subject: roleId('open'), verdict: 'pass' },
    { name: '"*" narrowed by sts:ExternalId', graph: () => role(trust.anyone({ Condition: { StringEquals: { 'sts:ExternalId': 'abc' } } })), subject: roleId('open'), verdict: 'pass' },
    // ...IfExists passes when the key is absent: a caller outside any organisation has no aws:PrincipalOrgID,
    // and a caller may simply omit the ExternalId (IAM User Guide, condition operators, "...IfExists").
    { name: '"*" with StringEqualsIfExists aws:PrincipalOrgID', graph: () => role(trust.anyone({ Condition: { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123' } } })), subject: roleId('open'), verdict: 'fail', severities: ['critical'] },
    { name: '"*" with StringEqualsIfExists sts:ExternalId', graph: () => role(trust.anyone({ Condition: { StringEqualsIfExists: { 'sts:ExternalId': 'abc' } } })), subject: roleId('open'), verdict: 'fail' },
    // A StringLike/ArnLike value that is only wildcards matches every principal.
    { name: '"*" with StringLike aws:PrincipalArn "*"', graph: () => role(trust.anyone({ Condition: { StringLike: { 'aws:PrincipalArn': '*' } } })), subject: roleId('open'), verdict: 'fail' },
    { name: 'near miss: "*" with ArnLike aws:PrincipalArn on one account', graph: () => role(trust.anyone({ Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/*` } } })), subject: roleId('open'), verdict: 'pass' },
    { name: '"*" only for sts:TagSession', graph: () => role(doc({ Effect: 'Allow', Principal: '*', Action: 'sts:TagSession' })), subject: roleId('open'), verdict: 'pass' },
    // A Deny on "*" unless the caller is in the organisation narrows the Allow like a positive aws:PrincipalOrgID would.
    {
      name: '"*" narrowed by a Deny with StringNotEquals aws:PrincipalOrgID',
      graph: () =>
        role(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } })),
      subject: roleId('open'),
      verdict: 'pass',
    },
    {
      name: 'near miss: a Deny on "*" whose condition does not narrow who (source IP)',
      graph: () =>
        role(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })),
      subject: roleId('open'),
      verdict: 'fail',
    },
    // Set operators on single-valued keys: ForAllValues holds when the request lacks the key
    // (IAM User Guide, single-valued vs multivalued context keys), so a caller outside any
    // organisation matches ForAllValues:StringEquals aws:PrincipalOrgID.
    { name: '"*" with ForAllValues:StringEquals aws:PrincipalOrgID', graph: () => role(trust.anyone({ Condition: { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-abc123' } } })), subject: roleId('open'), verdict: 'fail' },
    { name: '"*" with ForAllValues:StringEquals sts:ExternalId', graph: () => role(trust.anyone({ Condition: { 'ForAllValues:StringEquals': { 'sts:ExternalId': 'abc' } } })), subject: roleId('open'), verdict: 'fail' },
    // ForAnyValue is false when the key is absent, so it still excludes callers outside any organisation.
    { name: 'near miss: "*" with ForAnyValue:StringEquals aws:PrincipalOrgID', graph: () => role(trust.anyone({ Condition: { 'ForAnyValue:StringEquals': { 'aws:PrincipalOrgID': 'o-abc123' } } })), subject: roleId('open'), verdict: 'pass' },
    // ...and a Deny under ForAnyValue:StringNotEquals does not apply to them.
    {
      name: '"*" with a Deny under ForAnyValue:StringNotEquals aws:PrincipalOrgID',
      graph: () =>
        role(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { 'ForAnyValue:StringNotEquals': { 'aws:PrincipalOrgID': 'o-abc123' } } })),
      subject: roleId('open'),
      verdict: 'fail',
    },
    // IAM ANDs a statement's conditions (IAM User Guide, conditions with multiple context keys or
    // values): a Deny "outside the organisation AND outside this network" spares outsiders who call
    // from that network, so "*" is as open to them as an Allow narrowed by aws:SourceIp alone.
    {
      name: '"*" with a Deny outside the organisation and outside a source network: outsiders on that network get in',
      graph: () =>
        role(
          doc(
            { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
            { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' }, NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
          ),
        ),
      subject: roleId('open'),
      verdict: 'fail',
    },
    // A role name exempted in any account (a wildcard account) is one an outsider can create.
    {
      name: '"*" with a Deny outside the organisation except a role name of any account',
      graph: () =>
        role(
          doc(
            { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
            { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' }, ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' } } },
          ),
        ),
      subject: roleId('open'),
      verdict: 'fail',
    },
    // The data-perimeter form: every IAM caller has aws:PrincipalIsAWSService false, so the Deny
    // still covers every caller outside the organisation (and an account it lists).
    {
      name: 'near miss: "*" with a Deny outside the organisation and its accounts for every caller that is no AWS service',
      graph: () =>
        role(
          doc(
            { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'sts:AssumeRole',
              Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123', 'aws:PrincipalAccount': ACCT }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
            },
          ),
        ),
      subject: roleId('open'),
      verdict: 'pass',
    },
    {
      name: 'near miss: "*" with a Deny under ForAllValues:StringNotEquals aws:PrincipalOrgID',
      graph: () =>
        role(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { 'ForAllValues:StringNotEquals': { 'aws:PrincipalOrgID': 'o-abc123' } } })),
      subject: roleId('open'),
      verdict: 'pass',
    },
    // A Deny on another AssumeRole action leaves the Allow's action open.
    {
      name: '"*" with an unconditional Deny on sts:AssumeRoleWithSAML only',
      graph: () => role(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRoleWithSAML' })),
      subject: roleId('open'),
      verdict: 'fail',
    },
    { name: 'near miss: "*" with an unconditional Deny on sts:AssumeRole*', graph: () => role(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole*' })), subject: roleId('open'), verdict: 'pass' },
    // Values that do not narrow to an account or organisation.
    { name: '"*" with StringEquals aws:username (a name any account can have)', graph: () => role(trust.anyone({ Condition: { StringEquals: { 'aws:username': 'deployer' } } })), subject: roleId('open'), verdict: 'fail' },
    { name: '"*" with ArnLike aws:PrincipalArn on any account', graph: () => role(trust.anyone({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } } })), subject: roleId('open'), verdict: 'fail' },
    // ArnEquals takes wildcards as ArnLike does.
    { name: '"*" with ArnEquals aws:PrincipalArn on accounts 1111*', graph: () => role(trust.anyone({ Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::1111*:role/x' } } })), subject: roleId('open'), verdict: 'fail' },
    { name: '"*" with StringLike aws:PrincipalAccount "1*"', graph: () => role(trust.anyone({ Condition: { StringLike: { 'aws:PrincipalAccount': '1*' } } })), subject: roleId('open'), verdict: 'fail' },
    { name: '"*" with StringLike aws:PrincipalOrgID "o-*"', graph: () => role(trust.anyone({ Condition: { StringLike: { 'aws:PrincipalOrgID': 'o-*' } } })), subject: roleId('open'), verdict: 'fail' },
    { name: 'near miss: "*" with ForAnyValue:StringLike aws:PrincipalOrgPaths under one organisation', graph: () => role(trust.anyone({ Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-abc123/r-ab12/ou-ab12-11111111/*' } } })), subject: roleId('open'), verdict: 'pass' },
    { name: '"*" with ForAnyValue:StringLike aws:PrincipalOrgPaths of any organisation', graph: () => role(trust.anyone({ Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-*/*' } } })), subject: roleId('open'), verdict: 'fail' },
    { name: 'near miss: "*" with StringEquals aws:PrincipalAccount of this account', graph: () => role(trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalAccount': ACCT } } })), subject: roleId('open'), verdict: 'pass' },
    // Policy variables in condition values are replaced by the request's values (IAM User Guide,
    // policy variables: string and ARN operators). In a trust policy the resource is the role, so
    // aws:ResourceAccount is the role's own account; aws:PrincipalAccount is the caller's own.
    { name: 'near miss: "*" with ArnLike aws:PrincipalArn on ${aws:ResourceAccount}', graph: () => role(trust.anyone({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:ResourceAccount}:role/*' } } })), subject: roleId('open'), verdict: 'pass' },
    { name: 'near miss: "*" with StringEquals aws:PrincipalAccount ${aws:ResourceAccount}', graph: () => role(trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalAccount': '${aws:ResourceAccount}' } } })), subject: roleId('open'), verdict: 'pass' },
    {
      name: 'near miss: "*" with a Deny outside ${aws:ResourceAccount}',
      graph: () =>
        role(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:ResourceAccount}:*' } } })),
      subject: roleId('open'),
      verdict: 'pass',
    },
    { name: '"*" with StringEquals aws:PrincipalAccount ${aws:PrincipalAccount} (every caller is in its own account)', graph: () => role(trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalAccount': '${aws:PrincipalAccount}' } } })), subject: roleId('open'), verdict: 'fail' },
    { name: '"*" with ArnLike aws:PrincipalArn on ${aws:PrincipalAccount}', graph: () => role(trust.anyone({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:PrincipalAccount}:role/*' } } })), subject: roleId('open'), verdict: 'fail' },
    // aws:ResourceOrgID is the organisation of the account owning the role: AWS's data-perimeter
    // idiom pins callers to the role's own organisation with it.
    { name: 'near miss: "*" with StringEquals aws:PrincipalOrgID ${aws:ResourceOrgID}', graph: () => role(trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalOrgID': '${aws:ResourceOrgID}' } } })), subject: roleId('open'), verdict: 'pass' },
    {
      name: 'near miss: "*" with a Deny outside ${aws:ResourceOrgID} for every caller that is no AWS service',
      graph: () =>
        role(
          doc(
            { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
            { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': '${aws:ResourceOrgID}' }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } } },
          ),
        ),
      subject: roleId('open'),
      verdict: 'pass',
    },
    // A value every caller meets with its own request's value narrows nothing, whichever key it is.
    { name: '"*" with StringEquals aws:PrincipalOrgID ${aws:PrincipalOrgID} (every caller is in its own organisation)', graph: () => role(trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalOrgID': '${aws:PrincipalOrgID}' } } })), subject: roleId('open'), verdict: 'fail' },
    { name: '"*" with StringEquals aws:PrincipalArn ${aws:PrincipalArn}', graph: () => role(trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalArn': '${aws:PrincipalArn}' } } })), subject: roleId('open'), verdict: 'fail' },
    { name: '"*" with StringEquals aws:userid ${aws:userid}', graph: () => role(trust.anyone({ Condition: { StringEquals: { 'aws:userid': '${aws:userid}' } } })), subject: roleId('open'), verdict: 'fail' },
    // A variable whose value the scan does not know, in the account part: neither "any account" nor pinned.
    { name: '"*" with ArnLike aws:PrincipalArn on an account from ${aws:SourceAccount}', graph: () => role(trust.anyone({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:SourceAccount}:role/*' } } })), subject: roleId('open'), verdict: 'unknown' },
    // IAM fills a variable in from the request, and one it cannot resolve "might cause the entire
    // statement to be invalid" (IAM User Guide, policy variables): in a Deny's negated condition a
    // variable whose value the scan does not know leaves open whom the Deny spares, so whether it
    // narrows "*" is not known, and neither is the verdict.
    ...[
      { StringNotEquals: { 'aws:PrincipalOrgID': '${aws:SomeUnknownKey}' } },
      { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:SourceAccount}:*' } },
      { StringNotEquals: { 'aws:PrincipalOrgID': '${aws:ResourceTag/org}' }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
    ].map((Condition, i) => ({
      name: `"*" with a Deny outside what a variable whose value is not known names (${i + 1})`,
      graph: () => role(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition })),
      subject: roleId('open'),
      verdict: 'unknown' as const,
    })),
    // Near misses: beside a value that names no one (o-*), or a condition an outsider can fail, the
    // Deny narrows nothing whatever the variable holds; on the caller's own value, nothing either.
    {
      name: '"*" with a Deny outside an unknown variable or o-*',
      graph: () =>
        role(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotLike: { 'aws:PrincipalOrgID': ['${aws:SomeUnknownKey}', 'o-*'] } } })),
      subject: roleId('open'),
      verdict: 'fail',
    },
    {
      name: '"*" with a Deny outside an unknown variable, only from one network',
      graph: () =>
        role(
          doc(
            { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
            { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': '${aws:SomeUnknownKey}' }, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
          ),
        ),
      subject: roleId('open'),
      verdict: 'fail',
    },
    {
      name: '"*" with a Deny outside the caller\'s own organisation (${aws:PrincipalOrgID})',
      graph: () => role(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': '${aws:PrincipalOrgID}' } } })),
      subject: roleId('open'),
      verdict: 'fail',
    },
    // An external id or source ARN made of a variable whose value is not known: whether it narrows is not known.
    { name: '"*" with StringEquals sts:ExternalId ${aws:SomeUnknownKey}', graph: () => role(trust.anyone({ Condition: { StringEquals: { 'sts:ExternalId': '${aws:SomeUnknownKey}' } } })), subject: roleId('open'), verdict: 'unknown' },
    { name: '"*" with ArnLike aws:SourceArn in an account from ${aws:SomeUnknownKey}', graph: () => role(trust.anyone({ Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:${aws:SomeUnknownKey}:alerts' } } })), subject: roleId('open'), verdict: 'unknown' },
    // A source ARN in the caller's own account is one every account has: like aws:SourceAccount ${aws:PrincipalAccount}.
    { name: '"*" with ArnLike aws:SourceArn in the caller\'s own account (${aws:PrincipalAccount})', graph: () => role(trust.anyone({ Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:${aws:PrincipalAccount}:alerts' } } })), subject: roleId('open'), verdict: 'fail' },
    { name: 'near miss: "*" with ArnLike aws:SourceArn in a named account, the caller\'s account in the topic name', graph: () => role(trust.anyone({ Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCT}:alerts-\${aws:PrincipalAccount}` } } })), subject: roleId('open'), verdict: 'pass' },
    // Only 2012-10-17 documents have variables: in older ones the text is literal (and names no account).
    {
      name: '"*" with ArnLike aws:PrincipalArn on ${aws:ResourceAccount} in a 2008-10-17 document',
      graph: () => role({ Version: '2008-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:ResourceAccount}:role/*' } } }] }),
      subject: roleId('open'),
      verdict: 'fail',
    },
    { name: 'a named account', graph: () => role(trust.account(ACCT)), subject: roleId('open'), verdict: 'pass' },
    { name: 'an unparseable trust policy', graph: () => role({ Version: '2012-10-17', Statement: 'not a statement' }), subject: roleId('open'), verdict: 'unknown' },
  ]);
});
