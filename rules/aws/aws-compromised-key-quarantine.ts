import { defineRule, fromOptions } from '../../src/rule-kit.js';

const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/;
/** The quarantine policy names of the options, lower-cased. */
const policyNames = (options: Readonly<Record<string, unknown>>) => new Set((options.policyNames as string[]).map((n) => n.toLowerCase()));

export default defineRule({
  meta: {
    id: 'aws-compromised-key-quarantine',
    title: 'AWS quarantined this identity because one of its access keys leaked',
    severity: 'critical',
    providers: ['aws'],
    owasp: ['NHI2:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'Reports IAM users and roles with an AWSCompromisedKeyQuarantine managed policy attached. AWS attaches it (and opens a support case) when it finds one of the identity\'s access keys exposed publicly, for example in a public repository.',
    risk: 'The key is known to be public. The quarantine policy only denies a list of high-risk actions; every other permission of the identity still works for whoever found the key until the key is deleted.',
    remediation:
      'Delete the exposed access key (deactivating is not enough), review CloudTrail for everything done with it since the exposure, remove what an attacker created (users, keys, roles, instances, functions), then detach the quarantine policy and answer the AWS support case.',
    references: [
      'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCompromisedKeyQuarantineV3.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/security-creds.html#sec-access-keys-and-secret-access-keys',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/2-secret-leakage/',
    ],
    maturity: 'stable',
    messages: {
      quarantined: 'AWS attached {{policy}} to {{name}}: one of its access keys was found exposed',
    },
    options: {
      policyNames: {
        default: ['AWSCompromisedKeyQuarantine', 'AWSCompromisedKeyQuarantineV2', 'AWSCompromisedKeyQuarantineV3'],
        description: 'names of the AWS managed quarantine policies (AWS publishes a new version from time to time)',
      },
    },
  },
  // Every IAM user and role, people included: AWS attaches the policy to whoever's key leaked,
  // and a person's leaked key is as public as a workload's (the catalog applies it to any identity).
  evaluates: { types: ['aws-iam-user', 'aws-iam-role'], requires: ['aws.iam'] },
  check(subject, ctx) {
    const names = fromOptions(ctx.options, policyNames);
    const arns = Array.isArray(subject.attrs.attachedPolicyArns) ? (subject.attrs.attachedPolicyArns as string[]) : [];
    for (const arn of arns) {
      const name = AWS_MANAGED.exec(arn)?.[1];
      // Only AWS managed policies count: a customer policy may carry the same name.
      if (!name || !names.has(name.toLowerCase())) continue;
      ctx.report({ messageId: 'quarantined', key: arn, args: { policy: name }, evidence: { policyArn: arn } });
    }
  },
});
