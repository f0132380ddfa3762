import { describe, expect, it } from 'vitest';
import { demoSnapshot, findingsOf, scan } from '../../e2e/demo.js';
import { ids } from '../../../src/graph/ids.js';
import { GraphBuilder } from '../../../src/graph/graph.js';
import rule from '../../../rules/nhi/nhi-entra-token-any-app-assumes-aws-role.js';
import { runRule } from '../../helpers/rule-tester.js';
import { node, edge } from '../../helpers/graph.js';

// The rule is about IAM roles (its title, description and docs/rules.md: "AWS role trusts Entra
// tokens by audience only"). The external node of an Entra issuer also FEDERATES_TO an Entra app
// whose federated identity credential trusts that issuer; such an edge is not an IAM trust, and
// a broad credential of that kind is entra-fic-weak-subject's, worded as a credential.
const RULE = 'nhi-entra-token-any-app-assumes-aws-role';
const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
const ACCT = '111122223333';
const OPS_AGENT_APPID = 'd8b52952-66bf-4927-97a3-022df7648254'; // v1 tokens, no assignment required
const LEGACY_APP = '521b7fa3-4460-40d3-a6b0-1a5287a47071'; // Legacy Provisioning Sync's registration
const LEGACY = ids.entraSp(TENANT, 'c808fcb1-fee2-48fe-8a05-cac58233ce37');
const OPS_ROLE = ids.awsPrincipal(ACCT, `arn:aws:iam::${ACCT}:role/ops-agent-role`);

type Json = Record<string, any>;

/** The demo with Legacy Provisioning Sync trusting the tenant's own v1 tokens through one broad credential. */
function withBroadFic(fic: Json) {
  const s = demoSnapshot();
  (s.files['entra/federatedIdentityCredentials.json'] as Record<string, Json[]>)[LEGACY_APP] = [
    { id: '0f5e0c57-7a3b-4d8e-9d55-2d1f2f6b3a10', name: 'from-tenant', issuer: `https://sts.windows.net/${TENANT}/`, ...fic },
  ];
  return scan(s).report.findings;
}

describe(`${RULE}: judges IAM roles only`, () => {
  const variants: [string, Json][] = [
    ['a claims-matching wildcard', { claimsMatchingExpression: { value: "claims['sub'] matches '*'", languageVersion: 1 }, audiences: [OPS_AGENT_APPID] }],
    ['an object id prefix pattern', { claimsMatchingExpression: { value: "claims['sub'] matches '9ecf916d-*'", languageVersion: 1 }, audiences: ['api://AzureADTokenExchange'] }],
  ];
  for (const [label, fic] of variants) {
    it(`gives no finding for an Entra app's credential trusting the tenant (${label}), and still the AWS role's`, () => {
      const findings = withBroadFic(fic);
      const mine = findingsOf(findings, RULE);
      // The demo's own AWS case (ops-agent-role, no sub condition) is still reported, once.
      expect(mine.map((f) => f.evidence.role)).toEqual([OPS_ROLE]);
      expect(mine.some((f) => f.evidence.role === LEGACY || /Legacy Provisioning Sync/.test(f.message))).toBe(false);
      // The broad credential is not left unsaid: the Entra rule reports its subject, as a credential's.
      const ficFindings = findingsOf(findings, 'entra-fic-weak-subject').filter((f) => f.subject.id === LEGACY && f.evidence.ficId === '0f5e0c57-7a3b-4d8e-9d55-2d1f2f6b3a10');
      expect(ficFindings.map((f) => f.messageId)).toContain('weakSubject');
    });
  }
});

describe(`${RULE}: a workload only Entra apps trust`, () => {
  // Built by hand: the tenant was not scanned, which made the old rule say `unknown` of a node no
  // IAM role trusts. Such a node is not this rule's subject at all.
  function only(target: 'entra' | 'aws') {
    const b = new GraphBuilder();
    b.addNode(node('ext', { kind: 'external', provider: 'external', type: 'oidc-workload', attrs: { issuer: `https://sts.windows.net/${TENANT}/`, subject: '9ecf916d-*', subjectMatch: 'wildcard' } }));
    b.addNode(target === 'entra' ? node('app', { provider: 'entra', type: 'entra-service-principal', scope: TENANT }) : node('app'));
    b.addEdge(edge('ext', 'app', 'FEDERATES_TO', { evidence: { subjectMatch: 'wildcard', audiences: ['api://AzureADTokenExchange'] } }));
    return runRule(rule, b.build(), { now: '2026-11-20T00:00:00Z' });
  }
  it('is not evaluated; the same node trusted by an IAM role is (near miss)', () => {
    const entra = only('entra');
    expect([entra.verdicts.get('ext'), entra.findings]).toEqual([undefined, []]);
    expect(only('aws').verdicts.get('ext')).toBe('unknown');
  });
});
