import type { RuleDefinition } from '../../src/rule-kit.js';
import entraAgentNoSponsor from './entra-agent-no-sponsor.js';
import entraAppNoOwner from './entra-app-no-owner.js';
import entraCredentialExpiredPresent from './entra-credential-expired-present.js';
import entraCredentialUnused from './entra-credential-unused.js';
import entraDelegatedAllPrincipalsHighRisk from './entra-delegated-all-principals-high-risk.js';
import entraFicWeakSubject from './entra-fic-weak-subject.js';
import entraLegacyOauthFlow from './entra-legacy-oauth-flow.js';
import entraMultipleActiveSecrets from './entra-multiple-active-secrets.js';
import entraOwnerDisabled from './entra-owner-disabled.js';
import entraOwnerIsServicePrincipal from './entra-owner-is-service-principal.js';
import entraPrivilegedDirectoryRole from './entra-privileged-directory-role.js';
import entraPrivilegedGraphApprole from './entra-privileged-graph-approle.js';
import entraSecretLongLived from './entra-secret-long-lived.js';
import entraSecretOnPrivilegedApp from './entra-secret-on-privileged-app.js';
import entraSpDormant from './entra-sp-dormant.js';
import entraSpLevelCredential from './entra-sp-level-credential.js';
import entraTenantwideDataApprole from './entra-tenantwide-data-approle.js';
import entraThirdPartyAppPrivileged from './entra-third-party-app-privileged.js';
import entraTier0GraphApprole from './entra-tier0-graph-approle.js';

/** Every Microsoft Entra ID rule, one file each (file name = rule id). */
export const entraRules: RuleDefinition[] = [
  entraAgentNoSponsor,
  entraAppNoOwner,
  entraCredentialExpiredPresent,
  entraCredentialUnused,
  entraDelegatedAllPrincipalsHighRisk,
  entraFicWeakSubject,
  entraLegacyOauthFlow,
  entraMultipleActiveSecrets,
  entraOwnerDisabled,
  entraOwnerIsServicePrincipal,
  entraPrivilegedDirectoryRole,
  entraPrivilegedGraphApprole,
  entraSecretLongLived,
  entraSecretOnPrivilegedApp,
  entraSpDormant,
  entraSpLevelCredential,
  entraTenantwideDataApprole,
  entraThirdPartyAppPrivileged,
  entraTier0GraphApprole,
];
