import { describe, expect } from 'vitest';
import rule from '../../../rules/aws/aws-compromised-key-quarantine.js';
import { ACCT, allow, deny, doc, oneAccount, roleId, ruleCases, trust, userId } from '../../helpers/aws-builders.js';

describe('aws-compromised-key-quarantine', () => {
  ruleCases(rule, [
    {
      name: 'user with AWSCompromisedKeyQuarantineV3 attached',
      graph: () => oneAccount({ users: [{ name: 'leaky', inline: [doc(allow('s3:*'))], managed: ['AWSCompromisedKeyQuarantineV3'] }] }),
      subject: userId('leaky'),
      verdict: 'fail',
      severities: ['critical'],
      then: (f) => expect(f[0].evidence.policyArn).toBe('arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3'),
    },
    { name: 'role with the V2 policy', graph: () => oneAccount({ roles: [{ name: 'r', trust: trust.service('ec2.amazonaws.com'), managed: ['AWSCompromisedKeyQuarantineV2'] }] }), subject: roleId('r'), verdict: 'fail' },
    {
      name: 'customer policy that only borrows the name',
      graph: () => oneAccount({ users: [{ name: 'copycat', managed: [`arn:aws:iam::${ACCT}:policy/AWSCompromisedKeyQuarantineV3`] }], policies: { AWSCompromisedKeyQuarantineV3: doc(deny('iam:*')) } }),
      subject: userId('copycat'),
      verdict: 'pass',
    },
    { name: 'user with ordinary policies', graph: () => oneAccount({ users: [{ name: 'fine', managed: ['ReadOnlyAccess'] }] }), subject: userId('fine'), verdict: 'pass' },
    {
      name: 'a future policy version named in the options',
      graph: () => oneAccount({ users: [{ name: 'leaky', managed: ['AWSCompromisedKeyQuarantineV2'] }] }),
      subject: userId('leaky'),
      verdict: 'pass',
      options: { policyNames: ['AWSCompromisedKeyQuarantineV4'] },
    },
  ]);
});
