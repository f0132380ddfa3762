import { describe, expect } from 'vitest';
import rule from '../../../rules/aws/aws-root-access-key.js';
import { daysAgo, missing, oneAccount, rootId, ruleCases } from '../../helpers/aws-builders.js';

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
    {
      name: 'credential report marked missing-permission in the manifest',
      graph: () => oneAccount({ root: { keys: [{ rotated: daysAgo(900) }] } }, { coverage: [missing('aws.credentialReport')] }),
      subject: rootId(),
      verdict: 'unknown',
    },
  ]);
});
