import { describe, expect } from 'vitest';
import rule from '../../../rules/aws/aws-key-user-console-access.js';
import { allow, daysAgo, doc, oneAccount, ruleCases, userId, type ReportSpec } from '../../helpers/aws-builders.js';

const user = (report: ReportSpec) => oneAccount({ users: [{ name: 'erp-integration', inline: [doc(allow('s3:GetObject'))], report }] });
const key = { rotated: daysAgo(30), lastUsed: daysAgo(1) };

describe('aws-key-user-console-access', () => {
  ruleCases(rule, [
    {
      name: 'active key and a console password without MFA',
      graph: () => user({ keys: [key], password: { lastUsed: daysAgo(3) } }),
      subject: userId('erp-integration'),
      verdict: 'fail',
      severities: ['high'],
      then: (f) => expect(f[0].evidence).toMatchObject({ mfaActive: false, passwordLastUsed: daysAgo(3).replace(/\.\d+Z$/, '.000Z') }),
    },
    { name: 'active key and a console password with MFA', graph: () => user({ keys: [key], password: { lastUsed: null }, mfa: true }), subject: userId('erp-integration'), verdict: 'fail', severities: ['medium'] },
    { name: 'programmatic only', graph: () => user({ keys: [key] }), subject: userId('erp-integration'), verdict: 'pass' },
    { name: 'console user whose only key is inactive', graph: () => user({ keys: [{ ...key, active: false }], password: { lastUsed: daysAgo(1) }, mfa: true }), subject: userId('erp-integration'), verdict: 'pass' },
    { name: 'credential report not collected', graph: () => oneAccount({ users: [{ name: 'erp-integration' }], credentialReport: false }), subject: userId('erp-integration'), verdict: 'unknown' },
    {
      name: 'user not in the credential report (created after it was generated)',
      graph: () => oneAccount({ users: [{ name: 'erp-integration', report: false }] }),
      subject: userId('erp-integration'),
      verdict: 'unknown',
    },
  ]);
});
