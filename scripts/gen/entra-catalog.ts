/**
 * Microsoft's own ids for the Graph permissions and built-in directory roles the estate uses, so
 * scanners resolve names from the data exactly as they would in a real tenant.
 */
export const MICROSOFT_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** [id, value, description]; tier 0 first, then broad data access, then narrow reads. */
export const GRAPH_APP_ROLES: readonly (readonly [string, string, string])[] = [
  ['9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8', 'RoleManagement.ReadWrite.Directory', 'Read and write all directory RBAC settings'],
  ['06b708a9-e830-4db3-a914-8e69da51d44f', 'AppRoleAssignment.ReadWrite.All', 'Manage app permission grants and app role assignments'],
  ['1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9', 'Application.ReadWrite.All', 'Read and write all applications'],
  ['19dbc75e-c2e2-444c-a770-ec69d8559fc7', 'Directory.ReadWrite.All', 'Read and write directory data'],
  ['741f803b-c850-494e-b5df-cde7c675a1ca', 'User.ReadWrite.All', "Read and write all users' full profiles"],
  ['62a82d76-70ea-41e2-9197-370581804d09', 'Group.ReadWrite.All', 'Read and write all groups'],
  ['dbaae8cf-10b5-4b86-a4a1-f871c94c6695', 'GroupMember.ReadWrite.All', 'Read and write all group memberships'],
  ['50483e42-d915-4231-9639-7fdb7fd190e5', 'UserAuthenticationMethod.ReadWrite.All', "Read and write all users' authentication methods"],
  ['01c0a623-fc9b-48e9-b794-0756f8e8f067', 'Policy.ReadWrite.ConditionalAccess', 'Read and write your organization\'s conditional access policies'],
  ['b633e1c5-b582-4048-a93e-9f11b44c7e96', 'Mail.Send', 'Send mail as any user'],
  ['e2a3a72e-5f79-4c64-b1b1-878b674786c9', 'Mail.ReadWrite', 'Read and write mail in all mailboxes'],
  ['810c84a8-4a9e-49e6-bf7d-12d183f40d01', 'Mail.Read', 'Read mail in all mailboxes'],
  ['75359482-378d-4052-8f01-80520e7db3cd', 'Files.ReadWrite.All', 'Read and write files in all site collections'],
  ['01d4889c-1287-42c6-ac1f-5d1e02578ef6', 'Files.Read.All', 'Read files in all site collections'],
  ['9492366f-7969-46a4-8d15-ed1a20078fff', 'Sites.ReadWrite.All', 'Read and write items in all site collections'],
  ['332a536c-c7ef-4017-ab91-336970924f0d', 'Sites.Read.All', 'Read items in all site collections'],
  ['883ea226-0bf2-4a8f-9f9d-92c9162a727d', 'Sites.Selected', 'Access selected site collections'],
  ['7ab1d382-f21e-4acd-a863-ba3e13f7da61', 'Directory.Read.All', 'Read directory data'],
  ['df021288-bdef-4463-88db-98f22de89214', 'User.Read.All', "Read all users' full profiles"],
  ['5b567255-7703-4780-807c-7be8301ae99b', 'Group.Read.All', 'Read all groups'],
  ['9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30', 'Application.Read.All', 'Read all applications'],
  ['b0afded3-3588-46d8-8b3d-9842eff778da', 'AuditLog.Read.All', 'Read all audit log data'],
  ['230c1aed-a721-4c5d-9cb4-a90514e508ef', 'Reports.Read.All', 'Read all usage reports'],
  ['798ee544-9d2d-430c-a058-570e29e34338', 'Calendars.Read', 'Read calendars in all mailboxes'],
];
/** How many of GRAPH_APP_ROLES are tier-0 (directory takeover) and how many after that are broad data access. */
export const GRAPH_TIER0_COUNT = 9;
export const GRAPH_DATA_END = 17;

/** [id, value, type]: delegated scopes. */
export const GRAPH_SCOPES: readonly (readonly [string, string, 'User' | 'Admin'])[] = [
  ['e1fe6dd8-ba31-4d61-89e7-88639da4683d', 'User.Read', 'User'],
  ['37f7f235-527c-4136-accd-4a02d197296e', 'openid', 'User'],
  ['14dad69e-099b-42c9-810b-d002981feec1', 'profile', 'User'],
  ['7427e0e9-2fba-42fe-b0c0-848c9e6a8182', 'offline_access', 'User'],
  ['b340eb25-3456-403f-be2f-af7a0d370277', 'User.ReadBasic.All', 'User'],
  ['10465720-29dd-4523-a11a-6a75c743c9d9', 'Files.Read', 'User'],
  ['570282fd-fa5c-430d-a7fd-fc8dc98a9dca', 'Mail.Read', 'User'],
  ['e383f46e-2787-4529-855e-0e479a3ffac0', 'Mail.Send', 'User'],
  ['465a38f9-76ea-45b9-9f34-9e8b0d4b0b42', 'Calendars.Read', 'User'],
  ['205e70e5-aba6-4c52-a976-6d2d46c48043', 'Sites.Read.All', 'User'],
  ['863451e7-0667-486c-a5d6-d135439485f0', 'Files.ReadWrite.All', 'User'],
  ['06da0dbc-49e2-44d2-8312-53f166ab848a', 'Directory.Read.All', 'Admin'],
  ['4e46008b-f24c-477d-8fff-7bb4ec7aafe0', 'Group.ReadWrite.All', 'User'],
  ['0e263e50-5827-48a4-b97c-d940288653c7', 'Directory.AccessAsUser.All', 'Admin'],
  ['84bccea3-f856-4a8a-967b-dbe0a3d53a64', 'AppRoleAssignment.ReadWrite.All', 'Admin'],
];
/** Scopes from this index on are high-risk when consented for all principals. */
export const GRAPH_HIGH_RISK_SCOPE_START = 10;

/** [template id, display name, allowed resource actions, privileged]. */
export const DIRECTORY_ROLES: readonly (readonly [string, string, readonly string[], boolean])[] = [
  ['62e90394-69f5-4237-9190-012177145e10', 'Global Administrator', ['microsoft.directory/applications/allProperties/allTasks', 'microsoft.directory/roleAssignments/allProperties/allTasks', 'microsoft.directory/servicePrincipals/allProperties/allTasks', 'microsoft.directory/users/allProperties/allTasks'], true],
  ['e8611ab8-c189-46e8-94e1-60213ab1f814', 'Privileged Role Administrator', ['microsoft.directory/roleAssignments/allProperties/allTasks', 'microsoft.directory/roleDefinitions/allProperties/allTasks', 'microsoft.directory/servicePrincipals/appRoleAssignedTo/update'], true],
  ['7be44c8a-adaf-4e2a-84d6-ab2649e08a13', 'Privileged Authentication Administrator', ['microsoft.directory/users/authenticationMethods/create', 'microsoft.directory/users/authenticationMethods/delete', 'microsoft.directory/users/password/update'], true],
  ['9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', 'Application Administrator', ['microsoft.directory/applications/create', 'microsoft.directory/applications/credentials/update', 'microsoft.directory/applications/owners/update', 'microsoft.directory/servicePrincipals/credentials/update'], true],
  ['158c047a-c907-4556-b7ef-446551a6b5f7', 'Cloud Application Administrator', ['microsoft.directory/applications/credentials/update', 'microsoft.directory/servicePrincipals/credentials/update'], true],
  ['fe930be7-5e62-47db-91af-98c3a49a38b1', 'User Administrator', ['microsoft.directory/users/create', 'microsoft.directory/users/password/update', 'microsoft.directory/groups/members/update'], true],
  ['fdd7a751-b60b-444a-984c-02652fe8fa1c', 'Groups Administrator', ['microsoft.directory/groups/create', 'microsoft.directory/groups/members/update'], false],
  ['29232cdf-9323-42fd-ade2-1d097af3e4de', 'Exchange Administrator', ['microsoft.directory/groups.unified/create', 'microsoft.office365.exchange/allEntities/basic/allTasks'], false],
  ['729827e3-9c14-49f7-bb1b-9608f156bbb8', 'Helpdesk Administrator', ['microsoft.directory/users/invalidateAllRefreshTokens', 'microsoft.directory/users/password/update'], false],
  ['9360feb5-f418-4baa-8175-e2a00bac4301', 'Directory Writers', ['microsoft.directory/users/basic/update', 'microsoft.directory/groups/members/update'], false],
  ['5d6b6bb7-de71-4623-b4af-96380a352509', 'Security Reader', ['microsoft.directory/auditLogs/allProperties/read', 'microsoft.directory/signInReports/allProperties/read'], false],
  ['88d8e3e3-8f55-4a1e-953a-9b9898b8876b', 'Directory Readers', ['microsoft.directory/users/standard/read', 'microsoft.directory/groups/standard/read'], false],
];

/** First-party Microsoft service principals every tenant holds: [appId, name]. */
export const FIRST_PARTY: readonly (readonly [string, string])[] = [
  ['00000003-0000-0ff1-ce00-000000000000', 'Office 365 SharePoint Online'],
  ['00000002-0000-0ff1-ce00-000000000000', 'Office 365 Exchange Online'],
  ['797f4846-ba00-4fd7-ba43-dac1f8f63013', 'Windows Azure Service Management API'],
  ['c44b4083-3bb0-49c1-b47d-974e53cbdf3c', 'Azure Portal'],
  ['1950a258-227b-4e31-a9cf-717495945fc2', 'Microsoft Azure PowerShell'],
];
