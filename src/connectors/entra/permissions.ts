import type { CrownJewelClass, Tier } from '../../graph/model.js';

/** Microsoft Graph's application id (the resource of most permissions). */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** Office 365 Exchange Online (EWS `full_access_as_app`, Exchange `Mail.Send` roles). */
export const EXCHANGE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';
/** Office 365 SharePoint Online. */
export const SHAREPOINT_APP_ID = '00000003-0000-0ff1-ce00-000000000000';
/** Retired Azure AD Graph: its `Directory.ReadWrite.All`/`Application.ReadWrite.All` still mean the same. */
export const AAD_GRAPH_APP_ID = '00000002-0000-0000-c000-000000000000';

/**
 * What an assignment of a disabled app role (`isEnabled` false, the step before deleting it) gives
 * today: only an enabled role's value goes into a token's roles claim (Microsoft Graph, appRole
 * resource type). The GRANTED reason and the app-role rules say it in these words.
 */
export const APP_ROLE_DISABLED = 'the app role is disabled: no token carries it until it is re-enabled';

/** Resources whose permission names the tier table below describes. */
const MICROSOFT_RESOURCES = new Set([GRAPH_APP_ID, EXCHANGE_APP_ID, SHAREPOINT_APP_ID, AAD_GRAPH_APP_ID]);

/**
 * Tenants that publish Microsoft first-party apps (`appOwnerOrganizationId`). From community
 * tooling, not Microsoft docs (RULES-CATALOG §6.4).
 */
export const MICROSOFT_TENANTS: ReadonlySet<string> = new Set([
  'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
  '72f988bf-86f1-41af-91ab-2d7cd011db47',
]);

/**
 * What a permission amounts to, as rules read it from the privilege node's `attrs.category`:
 * `tenant-admin` (T4, one hop from Global Admin), `identity-admin` (T3, manage identities,
 * credentials or policies), `data-write` / `data-read` (tenant-wide mail, files, chats),
 * `other` (everything else, tiered by its name).
 */
export type PermissionCategory = 'tenant-admin' | 'identity-admin' | 'data-write' | 'data-read' | 'other';

/** Tier, crown-jewel class and category of one permission. */
export interface PermissionClass {
  tier: Tier;
  crownJewel?: CrownJewelClass;
  category: PermissionCategory;
}

const TENANT_ADMIN: PermissionClass = { tier: 4, crownJewel: 'admin', category: 'tenant-admin' };
const IDENTITY_ADMIN: PermissionClass = { tier: 3, crownJewel: 'identity-admin', category: 'identity-admin' };

// RULES-CATALOG §2.1 / §4.1. Domain.ReadWrite.All is T4: adding a federated domain lets the holder
// mint tokens for any user, Global Administrators included. The PIM schedule permissions assign roles.
const NAMED: Record<string, PermissionClass> = {
  'RoleManagement.ReadWrite.Directory': TENANT_ADMIN,
  'AppRoleAssignment.ReadWrite.All': TENANT_ADMIN,
  'Application.ReadWrite.All': TENANT_ADMIN,
  'Domain.ReadWrite.All': TENANT_ADMIN,
  'RoleAssignmentSchedule.ReadWrite.Directory': TENANT_ADMIN,
  'RoleEligibilitySchedule.ReadWrite.Directory': TENANT_ADMIN,
  // Delegated only: with consent for all users, it carries whatever an admin who signs in holds.
  'Directory.AccessAsUser.All': TENANT_ADMIN,
  // One step from Global Administrator (Microsoft Graph permissions reference,
  // learn.microsoft.com/graph/permissions-reference): PIM for Groups permissions make the holder
  // member or owner of a role-assignable group, which can hold Global Administrator; an
  // authentication-method writer adds a Temporary Access Pass to a Global Administrator; a
  // permission-grant-policy writer lets itself consent to any permission, RoleManagement.ReadWrite.Directory included.
  'PrivilegedAccess.ReadWrite.AzureADGroup': TENANT_ADMIN,
  'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup': TENANT_ADMIN,
  'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup': TENANT_ADMIN,
  'UserAuthenticationMethod.ReadWrite.All': TENANT_ADMIN,
  'Policy.ReadWrite.PermissionGrant': TENANT_ADMIN,
  // Listed as a higher-privileged application permission of addPassword/addKey on applications
  // and service principals: it reaches every app's credentials, so it ranks with
  // Application.ReadWrite.All.
  'Directory.ReadWrite.All': TENANT_ADMIN,
  'User.ReadWrite.All': IDENTITY_ADMIN,
  'Group.ReadWrite.All': IDENTITY_ADMIN,
  'GroupMember.ReadWrite.All': IDENTITY_ADMIN,
  'Application.ReadWrite.OwnedBy': IDENTITY_ADMIN,
  'ServicePrincipalEndpoint.ReadWrite.All': IDENTITY_ADMIN,
  'Policy.ReadWrite.ConditionalAccess': IDENTITY_ADMIN,
  'Policy.ReadWrite.AuthenticationMethod': IDENTITY_ADMIN,
  'User.ManageIdentities.All': IDENTITY_ADMIN,
  'IdentityProvider.ReadWrite.All': IDENTITY_ADMIN,
  'RoleManagement.ReadWrite.Exchange': IDENTITY_ADMIN,
  'Sites.FullControl.All': { tier: 3, category: 'data-write' },
  'Mail.Send': { tier: 2, category: 'data-write' },
  'Mail.ReadWrite': { tier: 2, category: 'data-write' },
  'MailboxSettings.ReadWrite': { tier: 2, category: 'data-write' },
  'Files.ReadWrite.All': { tier: 2, category: 'data-write' },
  'Sites.ReadWrite.All': { tier: 2, category: 'data-write' },
  'Sites.Manage.All': { tier: 2, category: 'data-write' },
  'Chat.ReadWrite.All': { tier: 2, category: 'data-write' },
  'ChatMessage.Send': { tier: 2, category: 'data-write' },
  'ChannelMessage.Send': { tier: 2, category: 'data-write' },
  'Teamwork.Migrate.All': { tier: 2, category: 'data-write' },
  'Calendars.ReadWrite': { tier: 2, category: 'data-write' },
  'Contacts.ReadWrite': { tier: 2, category: 'data-write' },
  'Notes.ReadWrite.All': { tier: 2, category: 'data-write' },
  full_access_as_app: { tier: 2, category: 'data-write' },
  'Mail.Read': { tier: 1, category: 'data-read' },
  'Mail.ReadBasic.All': { tier: 1, category: 'data-read' },
  'Files.Read.All': { tier: 1, category: 'data-read' },
  'Sites.Read.All': { tier: 1, category: 'data-read' },
  'Chat.Read.All': { tier: 1, category: 'data-read' },
  'ChannelMessage.Read.All': { tier: 1, category: 'data-read' },
  'Calendars.Read': { tier: 1, category: 'data-read' },
  'Notes.Read.All': { tier: 1, category: 'data-read' },
  // Sign-in and own-profile scopes: nothing beyond the user's own record.
  openid: { tier: 0, category: 'other' },
  profile: { tier: 0, category: 'other' },
  email: { tier: 0, category: 'other' },
  offline_access: { tier: 0, category: 'other' },
  'User.Read': { tier: 0, category: 'other' },
};

/**
 * NAMED by lower-cased name: Entra compares scope names case-insensitively, and a grant written by
 * a script keeps the case it was given (`directory.accessasuser.all`). A Map also keeps names such
 * as `constructor` from resolving to Object.prototype members.
 */
const NAMED_CI: ReadonlyMap<string, PermissionClass> = new Map(Object.entries(NAMED).map(([k, v]) => [k.toLowerCase(), v]));

/**
 * Classifies a permission by name. Known Microsoft names come from the table; other Microsoft
 * permissions by their verb (`ReadWrite`/`Send`/`Manage` write records, `Read` reads them);
 * permissions of other resources (custom APIs) are T1 with category `other`: the scanner cannot
 * know what a tenant's own API does with them.
 */
export function classifyPermission(name: string, resourceAppId?: string): PermissionClass {
  const known = NAMED_CI.get(name.toLowerCase());
  if (known && (resourceAppId === undefined || MICROSOFT_RESOURCES.has(resourceAppId))) return known;
  if (resourceAppId !== undefined && !MICROSOFT_RESOURCES.has(resourceAppId)) return { tier: 1, category: 'other' };
  if (/ReadWrite|\.Send|\.Manage|FullControl/i.test(name)) return { tier: 2, category: 'other' };
  return { tier: 1, category: 'other' };
}

/** Per-user delegated consent acts only as the consenting user: cap at T2 (RULES-CATALOG §4.1). */
export function capForUserConsent(c: PermissionClass): PermissionClass {
  if (c.tier <= 2) return { tier: c.tier, category: c.category };
  return { tier: 2, category: c.category };
}

/**
 * Well-known application-permission ids, used only when the resource service principal (whose
 * `appRoles` name them) was not collected. From CISA ScubaGear RiskyPermissions.json and
 * graphpermissions.merill.net (RULES-CATALOG §2.1).
 */
type WellKnownRole = { resourceAppId: string; resourceName: string; name: string };
const GRAPH_ROLE_IDS: readonly (readonly [string, string])[] = [
  ['9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8', 'RoleManagement.ReadWrite.Directory'],
  ['06b708a9-e830-4db3-a914-8e69da51d44f', 'AppRoleAssignment.ReadWrite.All'],
  ['1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9', 'Application.ReadWrite.All'],
  ['19dbc75e-c2e2-444c-a770-ec69d8559fc7', 'Directory.ReadWrite.All'],
  ['62a82d76-70ea-41e2-9197-370581804d09', 'Group.ReadWrite.All'],
  ['dbaae8cf-10b5-4b86-a4a1-f871c94c6695', 'GroupMember.ReadWrite.All'],
  ['89c8469c-83ad-45f7-8ff2-6e3d4285709e', 'ServicePrincipalEndpoint.ReadWrite.All'],
  ['18a4783c-866b-4cc7-a460-3d5e5662c884', 'Application.ReadWrite.OwnedBy'],
  ['741f803b-c850-494e-b5df-cde7c675a1ca', 'User.ReadWrite.All'],
  ['01c0a623-fc9b-48e9-b794-0756f8e8f067', 'Policy.ReadWrite.ConditionalAccess'],
  // Tier 4 in the table above (a federated domain, or any active / eligible role schedule).
  // Application-permission ids as the Microsoft Graph permissions reference
  // (learn.microsoft.com/graph/permissions-reference) lists them; checked against catalogues
  // built from Microsoft's permission data (graphpermissions.merill.net and others).
  ['7e05723c-0bb0-42da-be95-ae9f08a6e53c', 'Domain.ReadWrite.All'],
  ['dd199f4a-f148-40a4-a2ec-f0069cc799ec', 'RoleAssignmentSchedule.ReadWrite.Directory'],
  ['fee28b28-e1f3-4841-818e-2704dc62245f', 'RoleEligibilitySchedule.ReadWrite.Directory'],
  // Ids as in the Microsoft Graph permissions reference.
  ['2f6817f8-7b12-4f0f-bc18-eeaf60705a9e', 'PrivilegedAccess.ReadWrite.AzureADGroup'],
  ['41202f2c-f7ab-45be-b001-85c9728b9d69', 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup'],
  ['618b6020-bca8-4de6-99f6-ef445fa4d857', 'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup'],
  ['50483e42-d915-4231-9639-7fdb7fd190e5', 'UserAuthenticationMethod.ReadWrite.All'],
  ['a402ca1c-2696-4531-972d-6e5ee4aa11ea', 'Policy.ReadWrite.PermissionGrant'],
  ['025d3225-3f02-4882-b4c0-cd5b541a4e80', 'RoleManagement.ReadWrite.Exchange'],
  ['b633e1c5-b582-4048-a93e-9f11b44c7e96', 'Mail.Send'],
  ['e2a3a72e-5f79-4c64-b1b1-878b674786c9', 'Mail.ReadWrite'],
  ['75359482-378d-4052-8f01-80520e7db3cd', 'Files.ReadWrite.All'],
  ['9492366f-7969-46a4-8d15-ed1a20078fff', 'Sites.ReadWrite.All'],
  ['a82116e5-55eb-4c41-a434-62fe8a61c773', 'Sites.FullControl.All'],
  ['810c84a8-4a9e-49e6-bf7d-12d183f40d01', 'Mail.Read'],
  ['01d4889c-1287-42c6-ac1f-5d1e02578ef6', 'Files.Read.All'],
  ['332a536c-c7ef-4017-ab91-336970924f0d', 'Sites.Read.All'],
  ['7ab1d382-f21e-4acd-a863-ba3e13f7da61', 'Directory.Read.All'],
  ['df021288-bdef-4463-88db-98f22de89214', 'User.Read.All'],
];

/**
 * Well-known application-permission ids, used only when the resource service principal (whose
 * `appRoles` name them) was not collected. From CISA ScubaGear RiskyPermissions.json and
 * graphpermissions.merill.net (RULES-CATALOG §2.1).
 */
export const WELL_KNOWN_APP_ROLES: ReadonlyMap<string, WellKnownRole> = new Map<string, WellKnownRole>([
  ...GRAPH_ROLE_IDS.map(([id, name]): [string, WellKnownRole] => [id, { resourceAppId: GRAPH_APP_ID, resourceName: 'Microsoft Graph', name }]),
  ['dc890d15-9560-4a4c-9b7f-a736ec74ec40', { resourceAppId: EXCHANGE_APP_ID, resourceName: 'Office 365 Exchange Online', name: 'full_access_as_app' }],
]);

/** Built-in directory role, by template id (RULES-CATALOG §2.1, Entra permissions reference). */
export interface DirectoryRoleInfo {
  name: string;
  tier: Tier;
  crownJewel?: CrownJewelClass;
}

export const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
export const PRIVILEGED_ROLE_ADMIN = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
export const PRIVILEGED_AUTH_ADMIN = '7be44c8a-adaf-4e2a-84d6-ab2649e08a13';
export const APPLICATION_ADMIN = '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3';
export const CLOUD_APPLICATION_ADMIN = '158c047a-c907-4556-b7ef-446551a6b5f7';
export const HYBRID_IDENTITY_ADMIN = '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2';
export const DIRECTORY_SYNC_ACCOUNTS = 'd29b2b05-8046-44ba-8758-1e26182fcf32';
export const PARTNER_TIER1 = '4ba39ca4-527c-499a-b93d-d9b492c50246';
export const PARTNER_TIER2 = 'e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8';
export const DOMAIN_NAME_ADMIN = '8329153b-31d0-4727-b945-745eb3bc5f31';

const ADMIN_ROLE = (name: string): DirectoryRoleInfo => ({ name, tier: 4, crownJewel: 'admin' });
const ID_ADMIN_ROLE = (name: string): DirectoryRoleInfo => ({ name, tier: 3, crownJewel: 'identity-admin' });

export const DIRECTORY_ROLES: ReadonlyMap<string, DirectoryRoleInfo> = new Map([
  [GLOBAL_ADMIN, ADMIN_ROLE('Global Administrator')],
  [PRIVILEGED_ROLE_ADMIN, ADMIN_ROLE('Privileged Role Administrator')],
  [PRIVILEGED_AUTH_ADMIN, ADMIN_ROLE('Privileged Authentication Administrator')],
  [APPLICATION_ADMIN, ID_ADMIN_ROLE('Application Administrator')],
  [CLOUD_APPLICATION_ADMIN, ID_ADMIN_ROLE('Cloud Application Administrator')],
  // Hybrid Identity and Domain Name Administrators can federate a domain
  // (microsoft.directory/domains/federation/update), then mint tokens for any user of it, Global
  // Administrators included: T4, like Domain.ReadWrite.All.
  [HYBRID_IDENTITY_ADMIN, ADMIN_ROLE('Hybrid Identity Administrator')],
  [DOMAIN_NAME_ADMIN, ADMIN_ROLE('Domain Name Administrator')],
  // Learn's built-in roles page lists one action for it, microsoft.directory/onPremisesSynchronization/standard/read.
  [DIRECTORY_SYNC_ACCOUNTS, { name: 'Directory Synchronization Accounts', tier: 1 }],
  [PARTNER_TIER1, ID_ADMIN_ROLE('Partner Tier1 Support')],
  // Resets any user's password, Global Administrators' included, and holds
  // microsoft.directory/roleAssignments/allProperties/allTasks (Learn's built-in roles reference).
  [PARTNER_TIER2, ADMIN_ROLE('Partner Tier2 Support')],
  ['fe930be7-5e62-47db-91af-98c3a49a38b1', ID_ADMIN_ROLE('User Administrator')],
  ['c4e39bd9-1100-46d3-8c65-fb160da0071f', ID_ADMIN_ROLE('Authentication Administrator')],
  ['729827e3-9c14-49f7-bb1b-9608f156bbb8', ID_ADMIN_ROLE('Helpdesk Administrator')],
  ['966707d0-3269-4727-9be2-8c3a10f19b9d', ID_ADMIN_ROLE('Password Administrator')],
  ['fdd7a751-b60b-444a-984c-02652fe8fa1c', ID_ADMIN_ROLE('Groups Administrator')],
  ['9360feb5-f418-4baa-8175-e2a00bac4301', ID_ADMIN_ROLE('Directory Writers')],
  ['b1be1c3e-b65d-4f19-8427-f6fa0d97feb9', ID_ADMIN_ROLE('Conditional Access Administrator')],
  ['194ae4cb-b126-40b2-bd5b-6091b380977d', ID_ADMIN_ROLE('Security Administrator')],
  ['29232cdf-9323-42fd-ade2-1d097af3e4de', ID_ADMIN_ROLE('Exchange Administrator')],
  ['f28a1f50-f6e7-4571-818b-6a12f2af6b6c', ID_ADMIN_ROLE('SharePoint Administrator')],
  ['3a2c62db-5318-420d-8d74-23affee5d9d5', ID_ADMIN_ROLE('Intune Administrator')],
  ['db506228-d27e-4b7d-95e5-295956d6615f', ID_ADMIN_ROLE('Agent ID Administrator')],
  ['f2ef992c-3afb-46b9-b7cf-a126ee74c451', { name: 'Global Reader', tier: 1 }],
  ['88d8e3e3-8f55-4a1e-953a-9b9898b8876b', { name: 'Directory Readers', tier: 1 }],
]);

/** Roles whose tenant-wide holders can add a secret to any app or SP (BloodHound AZAddSecret). */
export const ADD_SECRET_ROLES: ReadonlySet<string> = new Set([APPLICATION_ADMIN, CLOUD_APPLICATION_ADMIN]);
/**
 * Roles whose holders can add themselves as owner of any app or SP (BloodHound AZAddOwner):
 * Hybrid Identity Administrator has applications/owners/update and servicePrincipals/owners/update,
 * but no credentials/update (Microsoft Entra built-in roles reference).
 */
export const ADD_OWNER_ROLES: ReadonlySet<string> = new Set([HYBRID_IDENTITY_ADMIN]);
/**
 * Roles whose holders can add a credential to any application registration, but not to a service
 * principal: Partner Tier1 Support has applications/credentials/update (and owners/update) and no
 * servicePrincipals action (Microsoft Entra built-in roles reference).
 */
export const ADD_APP_SECRET_ROLES: ReadonlySet<string> = new Set([PARTNER_TIER1]);

/**
 * Tier of a directory role outside the table (custom roles, newer built-ins) from its
 * `rolePermissions[].allowedResourceActions`: actions on credentials, owners, role assignments or
 * authentication methods are identity administration (T3), other writes are T2, reads T1.
 */
export function tierFromRoleActions(actions: readonly string[]): Tier {
  if (actions.some((a) => /credentials\/update|owners\/update|roleAssignments|authenticationMethods|password\/update|allProperties\/allTasks/i.test(a))) return 3;
  if (actions.some((a) => /\/(create|update|delete)$|allTasks/i.test(a))) return 2;
  return 1;
}

/** What a role definition's action lets its holder do to apps or service principals. */
export interface AppAction {
  action: string;
  entity: 'applications' | 'servicePrincipals';
  /** `.myOrganization`: only objects of apps registered in this tenant. */
  ownOrgOnly: boolean;
  /** AZAddSecret: update the object's credentials; AZAddOwner: make itself owner. */
  method: 'AZAddSecret' | 'AZAddOwner';
}

const APP_ACTION = /^microsoft\.directory\/(applications|serviceprincipals)(\.myorganization)?\/(credentials\/update|owners\/update|allproperties\/alltasks|allproperties\/update)$/;

/**
 * Escalating actions among a role definition's `allowedResourceActions` (Entra custom role
 * permissions for app registrations and enterprise apps): `credentials/update` (or all
 * properties) adds a credential, `owners/update` adds an owner.
 */
export function appActionsOf(actions: readonly string[]): AppAction[] {
  const out: AppAction[] = [];
  for (const action of actions) {
    const m = APP_ACTION.exec(action.toLowerCase());
    if (!m) continue;
    out.push({
      action,
      entity: m[1] === 'applications' ? 'applications' : 'servicePrincipals',
      ownOrgOnly: m[2] !== undefined,
      method: m[3] === 'owners/update' ? 'AZAddOwner' : 'AZAddSecret',
    });
  }
  return out;
}
