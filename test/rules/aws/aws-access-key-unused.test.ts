import { describe, expect } from 'vitest';
import rule from '../../../rules/aws/aws-access-key-unused.js';
import { allow, daysAgo, doc, oneAccount, ruleCases, userId, type KeySpec } from '../../helpers/aws-builders.js';

const user = (...keys: KeySpec[]) => oneAccount({ users: [{ name: 'etl', inline: [doc(allow('s3:GetObject'))], report: { keys } }] });

describe('aws-access-key-unused', () => {
  ruleCases(rule, [
    // Never used keys: reported once created at least 45 days ago, as CIS AWS Foundations and
    // RULES-CATALOG.md (NHI-AWS-ACCESS-KEY-STALE: `N/A` and created >= 45 d) say.
    {
      name: 'active key never used, created 50 days ago',
      graph: () => user({ rotated: daysAgo(50), lastUsed: null }),
      subject: userId('etl'),
      verdict: 'fail',
      then: (f) => {
        expect(f[0].messageId).toBe('never');
        expect(f[0].args.days).toBe(50);
      },
    },
    { name: 'active key never used, created exactly 45 days ago', graph: () => user({ rotated: daysAgo(45), lastUsed: null }), subject: userId('etl'), verdict: 'fail' },
    { name: 'active key never used, created 20 days ago (inside the 45-day grace)', graph: () => user({ rotated: daysAgo(20), lastUsed: null }), subject: userId('etl'), verdict: 'pass' },
    { name: 'a shorter grace set in the options', graph: () => user({ rotated: daysAgo(20), lastUsed: null }), subject: userId('etl'), verdict: 'fail', options: { neverUsedGraceDays: 7 } },
    {
      name: 'active key last used 120 days ago',
      graph: () => user({ rotated: daysAgo(300), lastUsed: daysAgo(120) }),
      subject: userId('etl'),
      verdict: 'fail',
      then: (f) => expect(f[0].args.days).toBe(120),
    },
    {
      name: 'one finding per unused key',
      graph: () => user({ rotated: daysAgo(300), lastUsed: daysAgo(120) }, { rotated: daysAgo(200), lastUsed: null }),
      subject: userId('etl'),
      verdict: 'fail',
      then: (f) => expect(f.map((x) => x.messageId).sort()).toEqual(['never', 'stale']),
    },
    {
      name: 'active key last used 50 days ago (default threshold 45 days, CIS AWS Foundations)',
      graph: () => user({ rotated: daysAgo(300), lastUsed: daysAgo(50) }),
      subject: userId('etl'),
      verdict: 'fail',
      then: (f) => expect(f[0].args.days).toBe(50),
    },
    { name: 'active key last used 40 days ago', graph: () => user({ rotated: daysAgo(300), lastUsed: daysAgo(40) }), subject: userId('etl'), verdict: 'pass' },
    { name: 'key used yesterday', graph: () => user({ rotated: daysAgo(300), lastUsed: daysAgo(1) }), subject: userId('etl'), verdict: 'pass' },
    { name: 'key created three days ago, not used yet (grace period)', graph: () => user({ rotated: daysAgo(3), lastUsed: null }), subject: userId('etl'), verdict: 'pass' },
    { name: 'unused key that is inactive', graph: () => user({ active: false, rotated: daysAgo(300), lastUsed: daysAgo(200) }), subject: userId('etl'), verdict: 'pass' },
    {
      name: 'credential report not collected',
      graph: () => oneAccount({ users: [{ name: 'etl' }], credentialReport: false }),
      subject: userId('etl'),
      verdict: 'unknown',
    },
    {
      name: 'user not in the credential report (created after it was generated)',
      graph: () => oneAccount({ users: [{ name: 'etl', report: false }] }),
      subject: userId('etl'),
      verdict: 'unknown',
    },
  ]);
});
