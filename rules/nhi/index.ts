import type { RuleDefinition } from '../../src/rule-kit.js';
import nhiPathToCrownJewel from './nhi-path-to-crown-jewel.js';
import nhiAiAgentDelegatedHighImpact from './nhi-ai-agent-delegated-high-impact.js';
import nhiAiAgentPrivileged from './nhi-ai-agent-privileged.js';
import nhiSharedSecretHighTier from './nhi-shared-secret-high-tier.js';
import nhiFederationWithActiveSecret from './nhi-federation-with-active-secret.js';
import nhiCredentialNoExpiry from './nhi-credential-no-expiry.js';
import nhiEntraTokenAnyAppAssumesAwsRole from './nhi-entra-token-any-app-assumes-aws-role.js';
import nhiHumanUseOfMachineAccount from './nhi-human-use-of-machine-account.js';
import nhiTierPolicyViolation from './nhi-tier-policy-violation.js';
import nhiServiceAccountWeakAuth from './nhi-service-account-weak-auth.js';
import nhiServiceAccountNoOwner from './nhi-service-account-no-owner.js';

export const nhiRules: RuleDefinition[] = [
  nhiPathToCrownJewel,
  nhiAiAgentDelegatedHighImpact,
  nhiAiAgentPrivileged,
  nhiSharedSecretHighTier,
  nhiFederationWithActiveSecret,
  nhiCredentialNoExpiry,
  nhiEntraTokenAnyAppAssumesAwsRole,
  nhiHumanUseOfMachineAccount,
  nhiTierPolicyViolation,
  nhiServiceAccountWeakAuth,
  nhiServiceAccountNoOwner,
];
