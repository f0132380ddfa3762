import { describe, expect, it } from 'vitest';
import { runRule } from '../../helpers/rule-tester.js';
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
  ]);

  // The root user is known from the credential report only. A report the manifest records as not
  // collected is not read (a coverage entry wins over the files), as if it were absent: no root
  // subject and no verdict, and the coverage section says the report was not read.
  it('a credential report marked missing-permission in the manifest is not read: no verdict from it', () => {
    const g = oneAccount({ root: { keys: [{ rotated: daysAgo(900) }] } }, { coverage: [missing('aws.credentialReport')] });
    expect(g.node(rootId())).toBeUndefined();
    expect(g.capability('aws', '111122223333', 'aws.credentialReport')).toBe('missing-permission');
    const run = runRule(rule, g, { now: '2026-11-20T00:00:00Z' });
    expect(run.findings).toEqual([]);
    expect(run.stats.evaluated).toBe(0);
  });
});
