import type { RuleDefinition } from '../../src/rule-kit.js';
import awsAccessKeyNotRotated from './aws-access-key-not-rotated.js';
import awsAccessKeyUnused from './aws-access-key-unused.js';
import awsCompromisedKeyQuarantine from './aws-compromised-key-quarantine.js';
import awsKeyUserConsoleAccess from './aws-key-user-console-access.js';
import awsOidcTrustNoAudience from './aws-oidc-trust-no-audience.js';
import awsOidcTrustWeakSubject from './aws-oidc-trust-weak-subject.js';
import awsPrincipalAdmin from './aws-principal-admin.js';
import awsPrincipalCanEscalate from './aws-principal-can-escalate.js';
import awsRoleUnused from './aws-role-unused.js';
import awsRootAccessKey from './aws-root-access-key.js';
import awsSamlLongSession from './aws-saml-long-session.js';
import awsTrustAnyPrincipal from './aws-trust-any-principal.js';
import awsTrustThirdPartyNoExternalId from './aws-trust-third-party-no-external-id.js';
import awsUserTwoActiveKeys from './aws-user-two-active-keys.js';
import awsUserUnused from './aws-user-unused.js';

export const awsRules: RuleDefinition[] = [
  awsAccessKeyNotRotated,
  awsAccessKeyUnused,
  awsCompromisedKeyQuarantine,
  awsKeyUserConsoleAccess,
  awsOidcTrustNoAudience,
  awsOidcTrustWeakSubject,
  awsPrincipalAdmin,
  awsPrincipalCanEscalate,
  awsRoleUnused,
  awsRootAccessKey,
  awsSamlLongSession,
  awsTrustAnyPrincipal,
  awsTrustThirdPartyNoExternalId,
  awsUserTwoActiveKeys,
  awsUserUnused,
];
