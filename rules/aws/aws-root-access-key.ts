import { defineRule, credentialsOf, day } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'aws-root-access-key',
    title: 'AWS account root user has an active access key',
    severity: 'critical',
    providers: ['aws'],
    owasp: ['NHI7:2025', 'NHI5:2025'],
    frameworks: { nistCsf: ['PR.AA-01', 'PR.AA-05'] },
    description: 'Reads the root row (`<root_account>`) of the credential report and reports each active access key of the account root user. An account whose credential report (or authorization details) was not read has no root user in the data: it counts as one unknown evaluation, named in the reason.',
    risk: 'A root access key is a permanent credential of the account owner: no policy, permissions boundary or (outside an organisation) SCP limits it, and it can close the account, change its contact details and remove every other control.',
    remediation:
      'Find where the key is used (last used service, CloudTrail), move that automation to an IAM role, then deactivate and delete the root access key. Keep root for the few tasks that need it, with MFA.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/7-long-lived-secrets/',
    ],
    maturity: 'stable',
    messages: {
      rootKey: 'The root user of account {{account}} has an active access key (slot {{slot}}, rotated {{rotated}}, last used {{lastUsed}})',
    },
  },
  // Every account has a root user, seen only in its credential report: an account whose report
  // was not read counts as unknown for this rule, not as an account without a root key.
  // The transform reads the credential report only for an account whose authorization details it
  // read: without them there is no root user whatever the report's status.
  evaluates: { types: ['aws-root-user'], requires: ['aws.iam', 'aws.credentialReport'], onePerScope: true },
  check(root, ctx) {
    for (const key of credentialsOf(ctx.graph, root)) {
      if (key.type !== 'aws-access-key' || key.status !== 'active') continue;
      ctx.report({
        messageId: 'rootKey',
        key: key.id,
        args: { account: root.scope, slot: String(key.attrs.slot ?? '?'), rotated: day(key.createdAt), lastUsed: key.lastUsedAt ? day(key.lastUsedAt) : 'never' },
        evidence: { credential: key.id, lastRotated: key.createdAt, lastUsedAt: key.lastUsedAt, lastUsedService: key.attrs.lastUsedService },
      });
    }
  },
});
