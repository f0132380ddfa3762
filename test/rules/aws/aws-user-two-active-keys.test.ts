import { describe, expect } from 'vitest';
import rule from '../../../rules/aws/aws-user-two-active-keys.js';
import { daysAgo, oneAccount, ruleCases, userId, type KeySpec } from '../../helpers/aws-builders.js';

const user = (...keys: KeySpec[]) => oneAccount({ users: [{ name: 'etl', report: { keys } }] });

describe('aws-user-two-active-keys', () => {
  ruleCases(rule, [
    {
      name: 'two active keys, the newer one 60 days old',
      graph: () => user({ rotated: daysAgo(400), lastUsed: daysAgo(1) }, { rotated: daysAgo(60), lastUsed: daysAgo(2) }),
      subject: userId('etl'),
      verdict: 'fail',
      then: (f) => {
        expect(f[0].args).toMatchObject({ first: 400, second: 60 });
        expect(f[0].evidence.credentials).toHaveLength(2);
      },
    },
    { name: 'rotation in progress (newer key 2 days old)', graph: () => user({ rotated: daysAgo(400) }, { rotated: daysAgo(2) }), subject: userId('etl'), verdict: 'pass' },
    { name: 'rotation finished: old key inactive', graph: () => user({ rotated: daysAgo(60) }, { active: false, rotated: daysAgo(400) }), subject: userId('etl'), verdict: 'pass' },
    { name: 'rotation grace of 0 days', graph: () => user({ rotated: daysAgo(400) }, { rotated: daysAgo(2) }), subject: userId('etl'), verdict: 'fail', options: { rotationGraceDays: 0 } },
    { name: 'credential report not collected', graph: () => oneAccount({ users: [{ name: 'etl' }], credentialReport: false }), subject: userId('etl'), verdict: 'unknown' },
    {
      name: 'user not in the credential report (created after it was generated)',
      graph: () => oneAccount({ users: [{ name: 'etl', report: false }] }),
      subject: userId('etl'),
      verdict: 'unknown',
    },
  ]);
});
