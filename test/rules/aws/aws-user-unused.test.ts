import { describe, expect } from 'vitest';
import rule from '../../../rules/aws/aws-user-unused.js';
import { daysAgo, oneAccount, ruleCases, userId, type UserSpec } from '../../helpers/aws-builders.js';

const user = (spec: Partial<UserSpec>) => oneAccount({ users: [{ name: 'report-bot', ...spec }] });

describe('aws-user-unused', () => {
  ruleCases(rule, [
    {
      name: 'key last used 150 days ago',
      graph: () => user({ report: { keys: [{ rotated: daysAgo(300), lastUsed: daysAgo(150) }] } }),
      subject: userId('report-bot'),
      verdict: 'fail',
      then: (f) => expect(f[0].args).toMatchObject({ days: 150, credentials: 1 }),
    },
    {
      name: 'password used 100 days ago is the latest use',
      graph: () => user({ report: { password: { lastUsed: daysAgo(100) }, keys: [{ rotated: daysAgo(300), lastUsed: daysAgo(200) }] } }),
      subject: userId('report-bot'),
      verdict: 'fail',
      then: (f) => expect(f[0].args.days).toBe(100),
    },
    { name: 'never used, created 60 days ago', graph: () => user({ created: daysAgo(60), report: { keys: [{ rotated: daysAgo(60), lastUsed: null }] } }), subject: userId('report-bot'), verdict: 'fail' },
    { name: 'key used yesterday, password long unused', graph: () => user({ report: { password: { lastUsed: daysAgo(400) }, keys: [{ rotated: daysAgo(30), lastUsed: daysAgo(1) }] } }), subject: userId('report-bot'), verdict: 'pass' },
    { name: 'never used, created five days ago', graph: () => user({ created: daysAgo(5), report: { keys: [{ rotated: daysAgo(5), lastUsed: null }] } }), subject: userId('report-bot'), verdict: 'pass' },
    { name: 'credential report not collected', graph: () => oneAccount({ users: [{ name: 'report-bot' }], credentialReport: false }), subject: userId('report-bot'), verdict: 'unknown' },
  ]);
});
