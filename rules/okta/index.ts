import type { RuleDefinition } from '../../src/rule-kit.js';
import oktaApiTokenAdminOwner from './okta-api-token-admin-owner.js';
import oktaApiTokenAge from './okta-api-token-age.js';
import oktaApiTokenAnyNetwork from './okta-api-token-any-network.js';
import oktaApiTokenHumanOwner from './okta-api-token-human-owner.js';
import oktaApiTokenOwnerInactive from './okta-api-token-owner-inactive.js';
import oktaApiTokenShared from './okta-api-token-shared.js';
import oktaApiTokenUnused from './okta-api-token-unused.js';
import oktaAwsBroadRoleMapping from './okta-aws-broad-role-mapping.js';
import oktaClientAdminRole from './okta-client-admin-role.js';
import oktaServiceAppManageScope from './okta-service-app-manage-scope.js';
import oktaServiceAppMultipleSecrets from './okta-service-app-multiple-secrets.js';
import oktaServiceAppSecretAge from './okta-service-app-secret-age.js';
import oktaServiceAppSecretAuth from './okta-service-app-secret-auth.js';
import oktaSvcUserInteractiveOrNoMfa from './okta-svc-user-interactive-or-no-mfa.js';
import oktaSvcUserPasswordNeverChanged from './okta-svc-user-password-never-changed.js';

export const oktaRules: RuleDefinition[] = [
  oktaApiTokenAdminOwner,
  oktaApiTokenAge,
  oktaApiTokenAnyNetwork,
  oktaApiTokenHumanOwner,
  oktaApiTokenOwnerInactive,
  oktaApiTokenShared,
  oktaApiTokenUnused,
  oktaAwsBroadRoleMapping,
  oktaClientAdminRole,
  oktaServiceAppManageScope,
  oktaServiceAppMultipleSecrets,
  oktaServiceAppSecretAge,
  oktaServiceAppSecretAuth,
  oktaSvcUserInteractiveOrNoMfa,
  oktaSvcUserPasswordNeverChanged,
];
