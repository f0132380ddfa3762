import { APP_ROLE_DISABLED, appRoleAssignmentsUnread, cannotJudge, defineRule, EXCHANGE_APP_ID, GRAPH_APP_ID, missingCapability, type GraphNode, type GroupTest, oktaIdentityActive, type RuleContext, type Severity, SHAREPOINT_APP_ID, tierAbove, tierEvidenceMissing, unreadAppRoleResource } from '../../src/rule-kit.js';

/**
 * The Entra resources whose permissions the pattern names: Microsoft Graph
 * (00000003-0000-0000-c000-000000000000), Office 365 Exchange Online
 * (00000002-0000-0ff1-ce00-000000000000) and Office 365 SharePoint Online
 * (00000003-0000-0ff1-ce00-000000000000), by appId (Microsoft Learn, "Verify first-party Microsoft
 * applications in sign-in reports", in the references). Any other resource, a tenant's own API or
 * a vendor's, may name an app role or scope `Mail.Send` and mean something else by it.
 */
const MAIL_FILES_CHAT_RESOURCES: ReadonlySet<string> = new Set([GRAPH_APP_ID, EXCHANGE_APP_ID, SHAREPOINT_APP_ID]);

/**
 * Whether a privilege's permission is one of the resource the pattern means. An Entra permission
 * counts only on those Microsoft resources, or on a resource that was not read (a delegated grant
 * whose resource is not in the snapshot, with a warning): its name is all there is, as when the
 * scan tiers it. Okta and AWS privileges have no such resource and count by name.
 */
function onMicrosoftResource(t: GraphNode): boolean {
  if (t.provider !== 'entra') return true;
  return t.attrs.resourceUnread === true || MAIL_FILES_CHAT_RESOURCES.has(String(t.attrs.resourceAppId));
}

/**
 * The Entra resources of MAIL_FILES_CHAT_RESOURCES whose app role assignments were not read: an
 * agent may hold one of their permissions. Those of any other resource are never matched.
 */
const UNREAD_MICROSOFT_RESOURCE: GroupTest = { key: 'mail-files-chat', test: (r) => MAIL_FILES_CHAT_RESOURCES.has(String(r.attrs.appId)) };

/**
 * How the agent uses a tenant-wide delegated consent, which decides the severity (RULES-CATALOG
 * §3.4 PATH-AI-AGENT-DELEGATED-HIGH-IMPACT: high; critical when the agent acts autonomously, A2
 * and above, or is third-party). A delegated token is issued only for a user who signs in to the
 * agent, so with nothing else the agent acts for the people who talk to it (A1, a person in the
 * loop): high. It acts on its own when it also holds power without a signed-in user: an
 * application permission or directory role, or power through an object it is a member of, acts as
 * or can take over (the analysis's ownAutonomy; the AI-agent label alone is no evidence, as every
 * recognised agent is labelled autonomous). A client secret or certificate alone is not: the
 * app-only token it gets carries only application permissions (an app role its resource disabled
 * is in none: ownAutonomy leaves it out), and it needs one to be a
 * confidential client even when it acts only for signed-in users. A third-party agent is critical
 * either way: its code and who runs it are outside the tenant. When what would show power of its
 * own was not read (ownPowerUnread), such power may be unseen: it stays critical, and says so.
 */
function delegatedAutonomy(subject: GraphNode, ctx: RuleContext, grantsUnread: boolean): { messageId: string; severity: Severity; text: string; evidence: string } {
  if (subject.thirdParty !== undefined) return { messageId: 'delegatedOwn', severity: 'critical', text: 'it is a third-party app, run outside the tenant', evidence: 'third-party' };
  if (ctx.analysis.ownAutonomy(subject) !== 'human-triggered') return { messageId: 'delegatedOwn', severity: 'critical', text: `it also acts on its own: ${ctx.analysis.ownAutonomyReason(subject)}`, evidence: 'acts on its own' };
  if (grantsUnread) return { messageId: 'delegatedOwn', severity: 'critical', text: 'whether it also holds application permissions was not read', evidence: 'not known' };
  const unread = ownPowerUnread(subject, ctx);
  if (unread) return { messageId: 'delegatedOwn', severity: 'critical', text: `whether it also acts on its own is not known: ${unread}`, evidence: 'not known' };
  return { messageId: 'delegated', severity: 'high', text: '', evidence: 'delegated only' };
}

/**
 * What was not read of the edges ownAutonomy takes for power of its own, as a gap clause, or
 * undefined: the capabilities behind an identity's tier (app role assignments of any resource,
 * directory roles and their PIM eligibilities, groups, owners), an app role of any resource whose
 * assignments were not read (any GRANTED app role counts, whatever its tier), the blueprint
 * links of an Agent ID blueprint, and a group whose members (or an identity whose owners) were
 * not read that holds a privilege (the agent may be a member or an owner).
 */
function ownPowerUnread(subject: GraphNode, ctx: RuleContext): string | undefined {
  return tierEvidenceMissing(ctx.graph, subject) ?? tierEvidenceMissing(ctx.graph, subject, tierAbove(ctx.analysis, 0));
}

/** Capabilities that produce the GRANTED and DELEGATED_GRANT edges this rule reads, per provider. */
const GRANT_CAPABILITIES: Readonly<Record<string, readonly string[]>> = {
  // Grants are held by service principals: with those not read, an agent's app registration may
  // have one holding them (its grants were dropped as dangling).
  entra: ['entra.servicePrincipals', 'entra.appRoleAssignments', 'entra.oauth2PermissionGrants'],
  okta: ['okta.appGrants'],
  aws: ['aws.iam'],
};

export default defineRule({
  meta: {
    id: 'nhi-ai-agent-delegated-high-impact',
    title: 'AI agent can act for every user on mail, files or chat',
    severity: 'high',
    providers: ['entra', 'okta', 'aws'],
    owasp: ['NHI5:2025', 'NHI3:2025'],
    frameworks: { asi: ['ASI03', 'ASI02'], nistCsf: ['PR.AA-05'] },
    description:
      'An identity recognised as an AI agent (typed agent identity, model-invocation permissions, name, tags or configuration) holds a delegated grant consented for all users, or an application permission, that lets it send, write or share as people (Mail.Send, Mail.ReadWrite, Files/Sites.ReadWrite.All, Chat.ReadWrite(.All), ChatMessage.Send, ChannelMessage.Send…). In Entra the permission counts only on the Microsoft resources where those names mean mail, files and chat (Microsoft Graph, Office 365 Exchange Online, Office 365 SharePoint Online, by appId), or on a resource the snapshot does not hold (its name is all there is); the same name on an API of the tenant or of a third party is not matched. An Okta service app that is not ACTIVE, or an Okta user that is SUSPENDED or DEPROVISIONED, is not evaluated, as the Okta rules do not evaluate them; a disabled Entra service principal is, as entra-delegated-all-principals-high-risk and entra-tenantwide-data-approle evaluate it: its grants apply again the moment it is re-enabled. An Entra app role the resource marks disabled (isEnabled false) is in no token today: when every such application permission the agent holds is disabled, the finding is medium and says so (whoever re-enables the role re-arms the agent), and such a role does not make a tenant-wide consent beside it critical. A tenant-wide delegated consent is high when the agent acts only for the users who sign in to it (a person in the loop of each request); it is critical when the agent also acts on its own (it holds an application permission or directory role, or power through a group it is a member of or an identity it acts as or can take over), when it is a third-party app, or when what would tell was not read (the application permission assignments of any resource, the directory roles or PIM eligibilities, the groups or the members of a privileged group, the owners, or for an Agent ID blueprint the blueprints of the agent identities). Being recognised as an AI agent is no evidence of acting on its own, and neither is a client secret or certificate: an app-only token carries only application permissions. An application permission of the pattern is always critical. In AWS, model-invocation permissions mark an agent only when an Allow statement of its identity policies names them with their service (`bedrock:InvokeModel`, `bedrock:Invoke*`, `bedrock:*`, `sagemaker:InvokeEndpoint`), also when it holds `*` besides; model access that comes only from a grant naming no service (`*`, `*:*`, a NotAction statement such as PowerUserAccess\'s) is no evidence, as an administrator may call Bedrock as it may call everything. For an IAM user, a grant of the whole service (`bedrock:*`, `sagemaker:*`) is no evidence either: on a user\'s access key or console login it is how a developer or administrator who works with the service is given it; only a grant naming invocation (`bedrock:InvokeModel*`, `bedrock:Invoke*`) marks a user.',
    risk: 'A prompt injected into anything the agent reads can make it send mail or share files as any user in the tenant; the agent inherits rights no human reviewer ever certified for it.',
    remediation:
      'Replace the tenant-wide consent with per-user consent (user in the loop) or narrower scopes for the task (e.g. only ticket creation), use resource-scoped permissions (Exchange RBAC for applications, Sites.Selected), and give the agent a sponsor and a review cadence.',
    references: [
      'https://learn.microsoft.com/en-us/graph/permissions-reference',
      'https://learn.microsoft.com/en-us/troubleshoot/entra/entra-id/governance/verify-first-party-apps-sign-in',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/5-overprivileged-nhi/',
      'https://genai.owasp.org/',
    ],
    maturity: 'stable',
    messages: {
      delegated: '{{name}} is an AI agent ({{agent}}) and can {{scopes}} for ALL users through a tenant-wide consent, for whoever signs in to it',
      delegatedOwn: '{{name}} is an AI agent ({{agent}}) and can {{scopes}} for ALL users through a tenant-wide consent; {{how}}',
      application: '{{name}} is an AI agent ({{agent}}) and holds application permission {{scopes}} over every mailbox or site',
      applicationDisabled: `{{name}} is an AI agent ({{agent}}) and holds application permission {{scopes}} over every mailbox or site; for each, ${APP_ROLE_DISABLED}`,
    },
    options: {
      highImpactPattern: {
        regex: true, default: '^(Mail\\.Send|Mail\\.ReadWrite|Files\\.ReadWrite\\.All|Sites\\.ReadWrite\\.All|Sites\\.FullControl\\.All|Chat\\.ReadWrite(\\.All)?|ChatMessage\\.Send|ChannelMessage\\.Send|full_access_as_app|Calendars\\.ReadWrite)$',
        description:
          'permission names (regex, case-insensitive) that let the holder act as people on communication and content; in Entra matched only on Microsoft Graph, Office 365 Exchange Online and SharePoint Online permissions (or a grant whose resource was not read), so a name added for an API of your own or a vendor matches nothing',
      },
    },
  },
  evaluates: { types: [], kinds: ['identity'], where: (n) => n.agent !== undefined && !n.firstParty && oktaIdentityActive(n) },
  check(subject, ctx) {
    const re = new RegExp(String(ctx.options.highImpactPattern), 'i');
    const agent = `${subject.agent!.confidence}: ${subject.agent!.reasons[0] ?? ''}`;
    // Grants that were not read could hold a high-impact permission (a grant found still fails).
    // In Okta only a service app holds grants: an API token or a user has none to miss.
    const grantHolder = subject.provider !== 'okta' || subject.type === 'okta-service-app';
    const missing = missingCapability(ctx.graph, subject, grantHolder ? (GRANT_CAPABILITIES[subject.provider] ?? []) : []);
    if (missing) ctx.unknown(cannotJudge(missing, 'whether it can act for every user on mail, files or chat'));
    const resource = unreadAppRoleResource(ctx.graph, subject, UNREAD_MICROSOFT_RESOURCE);
    if (resource) ctx.unknown(cannotJudge(appRoleAssignmentsUnread(ctx.graph, resource), 'whether it can act for every user on mail, files or chat'));
    const delegated: string[] = [];
    const application: string[] = [];
    // Application permissions whose Entra app role is disabled: in no token until it is re-enabled.
    const disabled: string[] = [];
    for (const e of ctx.graph.out(subject)) {
      const t: GraphNode | undefined = ctx.graph.node(e.to);
      if (!t || t.kind !== 'privilege') continue;
      const perm = String(t.attrs.value ?? t.attrs.permission ?? t.attrs.scope ?? t.name.split(' ').pop() ?? t.name);
      if (!re.test(perm) || !onMicrosoftResource(t)) continue;
      if (e.type === 'DELEGATED_GRANT' && e.evidence?.consentType === 'AllPrincipals') delegated.push(perm);
      if (e.type === 'GRANTED') (t.type === 'entra-app-role' && t.enabled === false ? disabled : application).push(perm);
    }
    if (delegated.length > 0) {
      const how = delegatedAutonomy(subject, ctx, missing !== undefined || resource !== undefined);
      ctx.report({
        messageId: how.messageId,
        key: 'delegated',
        severity: how.severity,
        args: { agent, scopes: [...new Set(delegated)].sort().join(', '), ...(how.text ? { how: how.text } : {}) },
        evidence: { scopes: [...new Set(delegated)].sort(), consentType: 'AllPrincipals', agent: subject.agent, autonomy: how.evidence },
      });
    }
    const off = [...new Set(disabled)].sort();
    if (application.length > 0) {
      ctx.report({
        messageId: 'application',
        key: 'application',
        severity: 'critical',
        args: { agent, scopes: [...new Set(application)].sort().join(', ') },
        evidence: { permissions: [...new Set(application)].sort(), agent: subject.agent, ...(off.length > 0 ? { disabledPermissions: off } : {}) },
      });
    } else if (off.length > 0) {
      // Latent, as entra-tenantwide-data-approle reports a disabled role: one key, so re-enabling
      // the role raises the same finding back to critical.
      ctx.report({
        messageId: 'applicationDisabled',
        key: 'application',
        severity: 'medium',
        args: { agent, scopes: off.join(', ') },
        evidence: { permissions: off, agent: subject.agent, appRoleDisabled: true },
      });
    }
  },
});
