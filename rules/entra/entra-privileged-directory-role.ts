import { cannotJudge, defineRule, groupMembersUnread, missingCapability, targets, unreadGroup, type GraphEdge, type GraphNode } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-privileged-directory-role',
    title: 'Machine identity holds a privileged Entra directory role',
    severity: 'high',
    providers: ['entra'],
    owasp: ['NHI5:2025'],
    frameworks: { asi: ['ASI03'], nistCsf: ['PR.AA-05'] },
    description:
      'Flags service principals, managed and agent identities and service-account users holding (or PIM-eligible for) a tier-3 or tier-4 directory role, directly or through a role-assignable group. Global, Privileged Role and Privileged Authentication Administrator at tenant scope are critical; other privileged roles are high. A tier-3 or tier-4 role scoped below the tenant is high when scoped to an administrative unit (its members are not read, so what it manages is not known) or to one object that reaches tier 3 or 4 (an Application Administrator over that app controls it).',
    risk: 'Directory roles held by workloads are used without MFA or Conditional Access for people; one stolen credential gives the role to an attacker.',
    remediation: 'Remove the role, or scope it to only what the workload must manage (an administrative unit without privileged members, or one object), and give the workload narrower Graph permissions instead.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/5-overprivileged-nhi/',
      'https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/permissions-reference',
      'https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/privileged-roles-permissions',
    ],
    maturity: 'stable',
    messages: {
      role: '{{name}} {{how}} {{role}} at scope {{scope}}{{via}}.',
      scoped: '{{name}} {{how}} {{role}} at scope {{scope}}{{via}}; {{reach}}.',
    },
  },
  evaluates: {
    types: ['entra-service-principal', 'entra-managed-identity', 'entra-agent-identity', 'entra-user'],
    where: (n) => n.kind === 'identity' && n.firstParty !== true,
    requires: ['entra.directoryRoles'],
  },
  check(subject, ctx) {
    // Not in `requires`: an active role is reported even when these are missing, but without them
    // a PIM-eligible role or a role held through a role-assignable group would be missed.
    const missing = missingCapability(ctx.graph, subject, ['entra.pim', 'entra.groups']);
    if (missing) ctx.unknown(cannotJudge(missing, 'whether it holds a privileged directory role as a PIM eligibility or through a role-assignable group'));
    // A group holding a privileged role whose members were not read: the subject may be one.
    const unread = unreadGroup(ctx.graph, subject, {
      key: 'directory-role-tier>=3',
      test: (g) =>
        ctx.graph.out(g, 'HAS_ROLE').some((e) => {
          const role = ctx.graph.node(e.to);
          return role?.type === 'entra-directory-role' && (role.tier ?? 0) >= 3;
        }),
    });
    if (unread) ctx.unknown(cannotJudge(groupMembersUnread(ctx.graph, unread), 'whether it holds a privileged directory role through that group'));
    const holders: { edge: GraphEdge; via?: GraphNode }[] = ctx.graph.out(subject, 'HAS_ROLE').map((edge) => ({ edge }));
    for (const g of targets(ctx.graph, subject, 'MEMBER_OF')) {
      for (const edge of ctx.graph.out(g, 'HAS_ROLE')) holders.push({ edge, via: g });
    }
    // One finding per role and way of holding it (directly or through one group), keyed by those
    // alone: whether the assignment is active or PIM-eligible is its state, not what the finding
    // is about, so moving an assignment to eligibility (a remediation) keeps its fingerprint. An
    // active and an eligible assignment of the same role are one finding, reported as held.
    const byRole = new Map<string, { role: GraphNode; via?: GraphNode; eligible: boolean; scope: string; reach?: string; reaches?: string[] }>();
    for (const { edge, via } of holders) {
      const role = ctx.graph.node(edge.to);
      if (!role || role.type !== 'entra-directory-role') continue;
      // A role scoped below the tenant has a node tier capped at 2 (the transform): report it by
      // the role's own tier and by what the scope reaches.
      let reach: string | undefined;
      let reaches: string[] | undefined;
      const roleScope = role.attrs.directoryScopeId;
      if (typeof roleScope === 'string' && roleScope !== '/' && (role.tier ?? 0) < 3) {
        if (Number(role.attrs.roleTier ?? 0) < 3) continue;
        if (roleScope.startsWith('/administrativeUnits/')) {
          // Administrative-unit members are not collected: the unit may hold privileged users.
          reach = 'it manages the members of that administrative unit, which the scan does not read';
        } else {
          // One object: what the role can do to it is an escalation edge (transform-escalation).
          const hit = ctx.graph
            .out(role, 'CAN_ESCALATE_TO')
            .map((e) => ctx.graph.node(e.to))
            .filter((t): t is GraphNode => t !== undefined && ctx.analysis.tier(t) >= 3);
          if (hit.length === 0) continue;
          reaches = hit.map((t) => t.id).sort();
          reach = `it controls ${hit.map((t) => `${t.name} (T${ctx.analysis.tier(t)})`).join(', ')}`;
        }
      } else if ((role.tier ?? 0) < 3) continue;
      const eligible = edge.evidence?.eligible === true;
      const key = `${role.id}|${via?.id ?? ''}`;
      const seen = byRole.get(key);
      if (seen) seen.eligible &&= eligible;
      else byRole.set(key, { role, via, eligible, scope: String(role.attrs.directoryScopeId ?? edge.evidence?.directoryScopeId ?? '/'), reach, reaches });
    }
    for (const [key, { role, via, eligible, scope, reach, reaches }] of byRole) {
      ctx.report({
        messageId: reach ? 'scoped' : 'role',
        args: {
          how: eligible ? 'is eligible (PIM) for' : 'holds',
          role: String(role.attrs.roleName ?? role.name),
          scope,
          via: via ? ` through group ${via.name}` : '',
          ...(reach && { reach }),
        },
        evidence: { role: role.id, templateId: role.attrs.templateId, directoryScopeId: scope, eligible, group: via?.id, ...(reaches && { reaches }) },
        key,
        severity: role.tier === 4 && scope === '/' ? 'critical' : 'high',
      });
    }
  },
});
