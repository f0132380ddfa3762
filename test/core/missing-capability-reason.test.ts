import { describe, expect, it } from 'vitest';
import { defineRule } from '../../src/rule-kit.js';
import { runRules } from '../../src/engine/run.js';
import { capabilityLabel } from '../../src/engine/missing-capability.js';
import { analyze } from '../../src/analysis/analyze.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { scanSnapshot } from '../../src/scan.js';
import { GraphBuilder, type Graph } from '../../src/graph/graph.js';
import type { CoverageRecord } from '../../src/snapshot/types.js';
import type { Evaluates } from '../../src/engine/types.js';
import { node } from '../helpers/graph.js';
import { ACCT, NOW, awsSnapshot } from '../helpers/aws-builders.js';
import userTwoKeys from '../../rules/aws/aws-user-two-active-keys.js';
import userUnused from '../../rules/aws/aws-user-unused.js';
import keyConsole from '../../rules/aws/aws-key-user-console-access.js';
import keyUnused from '../../rules/aws/aws-access-key-unused.js';
import keyNotRotated from '../../rules/aws/aws-access-key-not-rotated.js';
import rootKey from '../../rules/aws/aws-root-access-key.js';

// A rule that requires a capability the scope did not give is unknown without being called; its
// reason is what an analyst reads in the report, so it says in words what was not read, where,
// why (the coverage record's status and reason) and what cannot be judged because of it.

const now = new Date('2026-11-20T00:00:00Z');

function probe(evaluates: Evaluates) {
  return defineRule({
    meta: {
      id: 'aws-test-probe',
      title: 'Thing is older than the threshold allows',
      severity: 'low',
      providers: ['aws', 'entra', 'okta'],
      owasp: ['NHI7:2025'],
      description: 'test rule',
      risk: 'test risk',
      remediation: 'test remediation',
      references: ['https://example.com/x'],
      maturity: 'stable',
      messages: { m: '{{name}}' },
    },
    evaluates,
    check: () => {},
  });
}

function graphWith(nodes: Parameters<typeof node>[], coverage: CoverageRecord[], scopes: { provider: 'aws' | 'entra' | 'okta'; id: string }[] = []): Graph {
  const b = new GraphBuilder();
  for (const s of scopes) b.addScope(s);
  for (const [id, over] of nodes) b.addNode(node(id, over));
  for (const c of coverage) b.addCoverage(c);
  return b.build();
}

const reasonsOf = (g: Graph, evaluates: Evaluates) => runRules(g, analyze(g, { now, config: DEFAULT_CONFIG }), [probe(evaluates)], { now }).stats[0].unknownReasons;
const CONSEQUENCE = 'so whether "Thing is older than the threshold allows" holds cannot be judged';

describe('the reason of a subject unknown for a missing capability', () => {
  it('names what was not read, the scope, the status with the record reason, and the consequence', () => {
    const g = graphWith(
      [['u', { type: 'aws-iam-user', scope: ACCT }]],
      [{ provider: 'aws', scope: ACCT, capability: 'aws.credentialReport', status: 'error', reason: 'GenerateCredentialReport timed out' }],
    );
    expect(reasonsOf(g, { types: ['aws-iam-user'], requires: ['aws.credentialReport'] })).toEqual({
      [`the IAM credential report of account ${ACCT} was not read (error: GenerateCredentialReport timed out); ${CONSEQUENCE}`]: 1,
    });
  });

  it('says denied for missing-permission and not collected without a record; plural data reads "were"', () => {
    const g = graphWith(
      [
        ['a', { type: 'aws-iam-user', scope: 'denied' }],
        ['b', { type: 'aws-iam-user', scope: 'absent' }],
      ],
      [{ provider: 'aws', scope: 'denied', capability: 'aws.federation', status: 'missing-permission' }],
    );
    expect(reasonsOf(g, { types: ['aws-iam-user'], requires: ['aws.federation'] })).toEqual({
      [`the OIDC and SAML identity providers of account denied were not read (denied); ${CONSEQUENCE}`]: 1,
      [`the OIDC and SAML identity providers of account absent were not read (not collected); ${CONSEQUENCE}`]: 1,
    });
  });

  it('names the Entra tenant and the Okta org', () => {
    const entra = graphWith(
      [['sp', { provider: 'entra', type: 'entra-service-principal', scope: 'tenant-1' }]],
      [
        { provider: 'entra', scope: 'tenant-1', capability: 'entra.servicePrincipals', status: 'collected' },
        { provider: 'entra', scope: 'tenant-1', capability: 'entra.appRoleAssignments', status: 'not-collected', reason: 'skipped by --only' },
      ],
    );
    // The first required capability not collected is the one named.
    expect(reasonsOf(entra, { types: ['entra-service-principal'], requires: ['entra.servicePrincipals', 'entra.appRoleAssignments', 'entra.pim'] })).toEqual({
      [`the application permission assignments of tenant tenant-1 were not read (not collected: skipped by --only); ${CONSEQUENCE}`]: 1,
    });
    const okta = graphWith(
      [['tok', { provider: 'okta', type: 'okta-api-token', scope: 'https://org.okta.example' }]],
      [{ provider: 'okta', scope: 'https://org.okta.example', capability: 'okta.apiTokens', status: 'missing-permission', reason: '403 E0000006' }],
    );
    expect(reasonsOf(okta, { types: ['okta-api-token'], requires: ['okta.apiTokens'] })).toEqual({
      [`the API token list of org https://org.okta.example was not read (denied: 403 E0000006); ${CONSEQUENCE}`]: 1,
    });
  });

  it('a onePerScope rule names the account once, in the sentence, not again as a prefix', () => {
    const g = graphWith([], [{ provider: 'aws', scope: 'denied', capability: 'aws.credentialReport', status: 'missing-permission', reason: 'AccessDenied' }], [
      { provider: 'aws', id: 'denied' },
      { provider: 'aws', id: 'empty' },
    ]);
    // The 'empty' scope has no record: not collected.
    expect(reasonsOf(g, { types: ['aws-root-user'], requires: ['aws.credentialReport'], onePerScope: true })).toEqual({
      [`the IAM credential report of account denied was not read (denied: AccessDenied); ${CONSEQUENCE}`]: 1,
      [`the IAM credential report of account empty was not read (not collected); ${CONSEQUENCE}`]: 1,
    });
  });

  it('labels every capability the connectors record, and falls back to the id for others', () => {
    const known = [
      'entra.organization', 'entra.servicePrincipals', 'entra.applications', 'entra.federatedIdentityCredentials', 'entra.flexibleFederatedCredentials',
      'entra.owners', 'entra.appRoleAssignments', 'entra.oauth2PermissionGrants', 'entra.directoryRoles', 'entra.pim', 'entra.users',
      'entra.userSignInActivity', 'entra.userManagers', 'entra.mfaRegistration', 'entra.groups', 'entra.signInActivity',
      'entra.credentialSignInActivity', 'entra.agentSponsors',
      'okta.apps', 'okta.appCredentials', 'okta.appGrants', 'okta.clientRoles', 'okta.apiTokens', 'okta.users', 'okta.userTypes',
      'okta.adminRoles', 'okta.factors', 'okta.groups', 'okta.appAssignments', 'okta.authorizationServers',
      'aws.iam', 'aws.credentialReport', 'aws.federation', 'aws.rolesAnywhere', 'aws.account', 'aws.organizationAccounts',
    ];
    for (const cap of known) expect(capabilityLabel(cap).text, cap).not.toContain(cap);
    expect(capabilityLabel('aws.policy:Deploy@arn:aws:iam::1:role/ci')).toEqual({ text: 'the policy Deploy of arn:aws:iam::1:role/ci', plural: false });
    expect(capabilityLabel('aws.instanceProfile:Roles@arn:aws:iam::1:instance-profile/web')).toEqual({ text: 'the instance profile Roles of arn:aws:iam::1:instance-profile/web', plural: false });
    expect(capabilityLabel('entra.userManagers@userManagers.json')).toEqual({ text: 'the user managers (userManagers.json)', plural: true });
    expect(capabilityLabel('okta.groupFilter@0oa1')).toEqual({ text: 'the group filter of the AWS app (0oa1)', plural: false });
    expect(capabilityLabel('vendor.newThing')).toEqual({ text: 'the data recorded as vendor.newThing', plural: false });
    // Own keys only: a name of Object.prototype is no label.
    expect(capabilityLabel('constructor')).toEqual({ text: 'the data recorded as constructor', plural: false });
  });
});

// The six AWS rules that require the credential report, through a whole scan: the JSON report's
// per-rule reasons are the sentence, one per account, with the record's reason.
describe('AWS rules that require the credential report', () => {
  const rules = [userTwoKeys, userUnused, keyConsole, keyUnused, keyNotRotated, rootKey];
  it('answer unknown with a sentence naming the report, the account and why', () => {
    const spec = { users: [{ name: 'svc-deploy', report: { keys: [{ rotated: '2024-01-01T00:00:00+00:00' }] } }] };
    const snapshot = awsSnapshot(
      { [ACCT]: spec },
      { coverage: [{ provider: 'aws', scope: ACCT, capability: 'aws.credentialReport', status: 'error', reason: 'report not ready after 10 tries' }] },
    );
    const report = scanSnapshot(snapshot, { now: new Date(NOW), config: DEFAULT_CONFIG, rules, version: 'test' }).report;
    for (const rule of rules) {
      const stats = report.rules.find((s) => s.ruleId === rule.meta.id)!;
      expect(stats.unknownReasons, rule.meta.id).toEqual({
        [`the IAM credential report of account ${ACCT} was not read (error: report not ready after 10 tries); so whether "${rule.meta.title}" holds cannot be judged`]: 1,
      });
    }
  });
});
