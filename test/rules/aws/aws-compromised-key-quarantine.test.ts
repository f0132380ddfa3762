import { describe, expect, it } from 'vitest';
import rule from '../../../rules/aws/aws-compromised-key-quarantine.js';
import { ACCT, allow, daysAgo, deny, doc, oneAccount, roleId, ruleCases, trust, userId } from '../../helpers/aws-builders.js';

const person = () =>
  oneAccount({
    users: [
      {
        name: 'alice',
        managed: ['AWSCompromisedKeyQuarantineV3'],
        report: { password: { lastUsed: daysAgo(9) }, mfa: true, keys: [{ active: false, rotated: daysAgo(300), lastUsed: daysAgo(28) }] },
      },
    ],
  });

describe('aws-compromised-key-quarantine', () => {
  it('the person case is classified as a person, so the test covers what isMachine skipped', () => {
    expect(person().node(userId('alice'))?.kind).toBe('human');
  });

  ruleCases(rule, [
    {
      name: 'user with AWSCompromisedKeyQuarantineV3 attached',
      graph: () => oneAccount({ users: [{ name: 'leaky', inline: [doc(allow('s3:*'))], managed: ['AWSCompromisedKeyQuarantineV3'] }] }),
      subject: userId('leaky'),
      verdict: 'fail',
      severities: ['critical'],
      then: (f) => expect(f[0].evidence.policyArn).toBe('arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3'),
    },
    // AWS quarantines whoever's key leaked: a person with a console password and MFA whose key is
    // now inactive is as reported as a workload (the catalog says any identity).
    {
      name: 'person (console password with MFA, key deactivated) with the V3 policy',
      graph: () => person(),
      subject: userId('alice'),
      verdict: 'fail',
      severities: ['critical'],
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
