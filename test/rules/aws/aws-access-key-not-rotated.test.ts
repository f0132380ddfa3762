import { describe, expect } from 'vitest';
import rule from '../../../rules/aws/aws-access-key-not-rotated.js';
import { allow, daysAgo, doc, missing, oneAccount, ruleCases, userId } from '../../helpers/aws-builders.js';

const reader = [doc(allow('s3:GetObject'))];
const user = (rotatedDays: number, extra: { active?: boolean; managed?: string[] } = {}) =>
  oneAccount({
    users: [{ name: 'etl', inline: reader, managed: extra.managed, report: { keys: [{ active: extra.active, rotated: daysAgo(rotatedDays), lastUsed: daysAgo(1) }] } }],
  });

describe('aws-access-key-not-rotated', () => {
  ruleCases(rule, [
    {
      name: 'active key rotated 120 days ago (T1 user keeps the base severity)',
      graph: () => user(120),
      subject: userId('etl'),
      verdict: 'fail',
      severities: ['medium'],
      then: (f) => {
        expect(f[0].args.days).toBe(120);
        expect(f[0].evidence.credential).toContain('#access-key-1');
      },
    },
    { name: 'the same key on an administrator is raised to critical', graph: () => user(120, { managed: ['AdministratorAccess'] }), subject: userId('etl'), verdict: 'fail', severities: ['critical'] },
    { name: 'key rotated 80 days ago', graph: () => user(80), subject: userId('etl'), verdict: 'pass' },
    { name: 'old key that is inactive', graph: () => user(400, { active: false }), subject: userId('etl'), verdict: 'pass' },
    { name: 'a shorter window from the options', graph: () => user(80), subject: userId('etl'), verdict: 'fail', options: { maxAgeDays: 60 } },
    {
      name: 'credential report not in the snapshot',
      graph: () => oneAccount({ users: [{ name: 'etl', inline: reader }], credentialReport: false }),
      subject: userId('etl'),
      verdict: 'unknown',
    },
    {
      name: 'credential report denied',
      graph: () => oneAccount({ users: [{ name: 'etl', report: { keys: [{ rotated: daysAgo(400) }] } }] }, { coverage: [missing('aws.credentialReport')] }),
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
