import { describe, it, expect } from 'vitest';
import { classifyWorkload } from '../../src/graph/workloads.js';

describe('classifyWorkload', () => {
  it.each([
    ['https://token.actions.githubusercontent.com', 'repo:acme/app:ref:refs/heads/main', 'github-repo'],
    ['https://gitlab.com', 'project_path:acme/app:ref_type:branch:ref:main', 'gitlab-project'],
    ['https://app.terraform.io', 'organization:acme:project:core:workspace:prod:run_phase:apply', 'terraform-workspace'],
    ['https://oidc.eks.eu-west-1.amazonaws.com/id/ABC', 'system:serviceaccount:payments:api', 'kubernetes-service-account'],
    ['https://spire.acme.example', 'spiffe://acme.example/ns/payments/sa/api', 'spiffe-workload'],
    ['https://oidc.acme.example', 'spiffe://acme.example/billing', 'spiffe-workload'],
    ['https://sts.windows.net/691d0d64-52fb-4de1-ae87-2e52cdd26449/', undefined, 'oidc-workload'],
    ['https://idp.acme.example', 'someone', 'oidc-workload'],
  ])('%s %s -> %s', (issuer, subject, type) => {
    expect(classifyWorkload(issuer, subject).type).toBe(type);
  });
});
