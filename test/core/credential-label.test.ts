import { describe, expect, it } from 'vitest';
import { credentialLabel } from '../../src/graph/credential-label.js';
import { credentialEvidence } from '../../src/analysis/analyze.js';
import type { GraphNode } from '../../src/graph/model.js';

describe('credentialLabel', () => {
  it('names the kind of credential in words before its name', () => {
    expect(credentialLabel('client-secret', 'teams-bot-prod')).toBe('client secret teams-bot-prod');
    expect(credentialLabel('api-token', 'zapier-prod')).toBe('API token zapier-prod');
    expect(credentialLabel('federated-oidc', 'infra-main')).toBe('OIDC federation infra-main');
    expect(credentialLabel('certificate', 'CN=directory-reader-sync')).toBe('certificate CN=directory-reader-sync');
  });

  it('does not repeat the kind when the provider-derived name already says it', () => {
    expect(credentialLabel('client-secret', 'client secret ocs2OWB7')).toBe('client secret ocs2OWB7');
    expect(credentialLabel('password', 'password of svc.zapier@northwind.example')).toBe('password of svc.zapier@northwind.example');
    expect(credentialLabel('password', 'legacy-erp-integration console password')).toBe('legacy-erp-integration console password');
    expect(credentialLabel('access-key', 'billing-export access key 1')).toBe('billing-export access key 1');
    expect(credentialLabel('api-token', 'SSWS token zapier-prod')).toBe('SSWS token zapier-prod');
  });

  it('keeps the kind when the name only contains the word inside another word', () => {
    // "passwordless-app" is a name, not a statement that this is a password.
    expect(credentialLabel('password', 'passwordless-app')).toBe('password passwordless-app');
  });

  it('falls back to the raw type, or to "credential"', () => {
    expect(credentialLabel('something-new', 'x')).toBe('something new x');
    expect(credentialLabel(undefined, 'x')).toBe('credential x');
  });
});

describe('credentialEvidence', () => {
  const node = (over: Partial<GraphNode>): GraphNode => ({ id: 'c', kind: 'credential', provider: 'entra', type: 't', name: 'n', nativeId: 'c', scope: 's', attrs: {}, ...over });

  it('says "wildcard" only for a subject that has one, and "broad" for one that admits many workloads without it', () => {
    const wild = node({ credentialType: 'federated-oidc', name: 'gh', federation: { issuer: 'i', subject: 'repo:org/*', subjectMatch: 'wildcard' } });
    const broad = node({ credentialType: 'federated-oidc', name: 'pr', federation: { issuer: 'i', subject: 'repo:org/infra:pull_request', subjectMatch: 'wildcard' } });
    const exact = node({ credentialType: 'federated-oidc', name: 'main', federation: { issuer: 'i', subject: 'repo:org/infra:ref:refs/heads/main', subjectMatch: 'exact' } });
    expect(credentialEvidence(wild)).toBe('OIDC federation gh (wildcard subject repo:org/*)');
    expect(credentialEvidence(broad)).toBe('OIDC federation pr (broad subject repo:org/infra:pull_request)');
    expect(credentialEvidence(exact)).toBe('OIDC federation main (exact subject repo:org/infra:ref:refs/heads/main)');
  });

  it('does not double the kind of a secret', () => {
    expect(credentialEvidence(node({ credentialType: 'client-secret', name: 'client secret ocs2' }))).toBe('client secret ocs2');
  });
});
