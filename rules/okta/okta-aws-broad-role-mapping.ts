import { conditionalHopCount, defineRule, pathLength, hoursOver, oktaGroupFilter, oktaGroupFilterProblem, oktaIdentityActive, sources, targets, type GraphNode, type RuleContext } from '../../src/rule-kit.js';

/**
 * Group names as unlike each other as names get (empty, one letter, spaces, punctuation, the
 * syntaxes of the Okta help's filters, non-Latin script). A filter that admits all of them lets
 * any group through, however it is written (`.*`, `.+?`, `[\s\S]*`, `(?{{role}}.*)`, …); testing
 * what the filter matches, not how its text looks, finds every such spelling.
 */
const PROBE_GROUP_NAMES = ['Everyone', 'x', 'Finance Team', 'aws#prod#Admin#111122223333', 'aws_111122223333_ReadOnly', 'app-group.42 (old) $%&', '経理グループ'];

/**
 * The crown jewels the roles behind the app reach, as `mapsToCrownJewels` (each one's id, name,
 * class and hops from the app: app, its SAML provider, a role trusting it, …; and how many of
 * those hops hold only under a condition, when any do), for the reports
 * that show the app, which is no identity and so has no crown-jewel list of its own. Empty when
 * they reach none; absent when that is not known: the app names no SAML provider the scan
 * linked, or the IAM data of the provider's account was not read, so the roles trusting it are
 * not known.
 */
function crownJewelsBehind(subject: GraphNode, ctx: RuleContext): { mapsToCrownJewels?: { target: string; name: string; crownJewel: string; hops: number; conditionalHops?: number }[] } {
  const provider = targets(ctx.graph, subject, 'SAML_MAPS_TO')[0];
  const account = provider?.nativeId.split(':')[4];
  if (account === undefined || ctx.graph.capability('aws', account, 'aws.iam') !== 'collected') return {};
  return {
    mapsToCrownJewels: ctx.analysis.shownCrownJewelPaths(subject).map((p) => {
      // A reach through hops that hold only under a condition (a Deny under a condition on the
      // role's trust, a mapping that could not be read) is a "may reach": the recert sheet says
      // so, as for an identity's path. Only then is the count recorded, so a firm entry stays as it was.
      const conditionalHops = conditionalHopCount(p.hops, p.omittedHops);
      return { target: p.target, name: p.targetName, crownJewel: p.crownJewel, hops: pathLength(p), ...(conditionalHops > 0 ? { conditionalHops } : {}) };
    }),
  };
}

export default defineRule({
  meta: {
    id: 'okta-aws-broad-role-mapping',
    title: 'Okta AWS federation app maps roles too broadly',
    severity: 'medium',
    providers: ['okta'],
    owasp: ['NHI5:2025', 'NHI6:2025'],
    frameworks: { nistCsf: ['PR.AA-04', 'PR.AA-05'] },
    description:
      'Checks each amazon_aws app: "Join all roles" on (every mapped role of every group is offered), a group filter that matches any group name (only under Use Group Mapping, where the filter applies; a blank filter, one the scanner cannot compile, or one it refuses because matching it could take exponential time, is unknown), sessions longer than `maxSessionSeconds` (3600, one hour, by default), and service accounts assigned to the app (directly or through an assigned group, always high; a SUSPENDED or DEPROVISIONED one is left out, since Okta gives it no assertion, as the other Okta rules leave it alone). The app is a privilege, not a machine identity (it is in no inventory and has no identity tier); the first three findings are high instead of medium when a role the app\'s SAML provider is trusted by reaches tier T3 or T4, and their evidence gives that tier (`mapsToTier`). Every finding\'s evidence also gives the app\'s Okta status (`appStatus`, e.g. ACTIVE) and lists the crown jewels those roles reach (`mapsToCrownJewels`: target, name, class, hops from the app, and `conditionalHops`, the number of those hops that hold only under a condition, present only when there are some; empty when none), unless those roles are not known: the app names no SAML provider that was linked, or the IAM data of its account was not read.',
    risk: 'Broad mappings hand AWS roles to whoever lands in any matching group, long sessions outlive the Okta session that granted them, and a service account on the AWS app is a password-only path into AWS.',
    remediation: 'Turn off Join all roles, map groups one to one to specific roles with a precise filter, keep sessions at one hour, and take service accounts off the app (use IAM roles for workloads).',
    references: [
      'https://help.okta.com/en-us/content/topics/deploymentguides/aws/aws-deployment.htm',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_saml.html',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/6-insecure-cloud-deployment-configurations/',
    ],
    maturity: 'experimental',
    messages: {
      joinAllRoles: 'AWS app {{name}} has Join all roles enabled',
      catchAll: 'AWS app {{name}} has a group filter that matches every group ({{filter}})',
      longSession: 'AWS app {{name}} issues {{hours}}-hour AWS sessions, longer than the {{limitHours}}-hour limit',
      serviceAccounts: 'AWS app {{name}} is assigned to service account(s) {{accounts}}',
    },
    options: { maxSessionSeconds: { default: 3600, description: 'longest acceptable AWS session (SessionDuration), in seconds (3600 is the AWS default)' } },
  },
  evaluates: { types: ['okta-aws-federation-app'], requires: ['okta.apps'] },
  check(subject, ctx) {
    const a = subject.attrs;
    // The app is a door into AWS, not an identity: no identity tier raises its findings. A broad
    // mapping is as bad as the roles behind it, so one into a T3 or T4 role (administration,
    // IAM write, secrets) is high, and the evidence names that tier.
    const tier = ctx.analysis.tier(subject);
    const raised = tier >= 3 ? { severity: 'high' as const } : {};
    // What the reports know of the app only from its findings (it is in no inventory): whether Okta
    // has it active, and what the roles behind it reach.
    const about = { ...(typeof a.status === 'string' ? { appStatus: a.status } : {}), ...crownJewelsBehind(subject, ctx) };
    const reach = { ...(tier >= 3 ? { mapsToTier: tier } : {}), ...about };
    if (a.joinAllRoles === true) ctx.report({ messageId: 'joinAllRoles', key: 'join-all-roles', ...raised, evidence: { joinAllRoles: true, ...reach } });
    const filter = a.groupFilter as string | undefined;
    // Okta help, "Enable group-based role mapping in Okta": the Group Filter is set under Use Group
    // Mapping and only applies with it, so with group mapping explicitly off a leftover filter
    // maps nothing. With the setting absent from the payload the filter is still checked.
    if (filter !== undefined && a.useGroupMapping !== false) {
      // Compiled as the linker reads it (anchored, Okta's (?{{name}} groups as named groups). A
      // blank filter is not compiled: the Okta help does not say what it maps, possibly every
      // group (oktaGroupFilter), so the linker keeps the routes, conditional, and this is unknown.
      const re = oktaGroupFilter(filter);
      if (!re && filter.trim() === '') ctx.unknown('the group filter is blank, and the Okta help does not say which groups a blank filter maps');
      else if (!re) ctx.unknown(`the group filter ${JSON.stringify(filter)} is not applied: ${oktaGroupFilterProblem(filter) ?? 'it is not a regular expression this scanner can read'}`);
      else if (PROBE_GROUP_NAMES.every((name) => re.test(name))) {
        ctx.report({ messageId: 'catchAll', key: 'group-filter', args: { filter }, ...raised, evidence: { groupFilter: filter, ...reach } });
      }
    }
    const session = a.sessionDuration as number | undefined;
    if (session !== undefined && session > Number(ctx.options.maxSessionSeconds)) {
      ctx.report({ messageId: 'longSession', key: 'session', args: { hours: hoursOver(session, Number(ctx.options.maxSessionSeconds) / 3600), limitHours: Number(ctx.options.maxSessionSeconds) / 3600 }, ...raised, evidence: { sessionDuration: session, ...reach } });
    }
    if (a.assignmentsCollected !== true || ctx.graph.capability('okta', subject.scope, 'okta.appAssignments') !== 'collected') {
      return ctx.unknown('assignments of the AWS app were not read');
    }
    const provider = targets(ctx.graph, subject, 'SAML_MAPS_TO')[0];
    if (!provider) return ctx.unknown('the app names no SAML provider ARN, so its assignments are not linked');
    const accounts = new Map<string, GraphNode>();
    let viaGroup = false;
    // Once linked to AWS, each assignment points at the roles it maps to; the app lists them.
    const assigned = Array.isArray(a.assignees)
      ? (a.assignees as string[])
      : ctx.graph
          .in(provider, 'SAML_MAPS_TO')
          .filter((e) => e.evidence?.appId === subject.nativeId)
          .map((e) => e.from);
    for (const id of assigned) {
      const from = ctx.graph.node(id);
      if (!from) continue;
      if (from.kind === 'group') viaGroup = true;
      const members = from.kind === 'group' ? sources(ctx.graph, from, 'MEMBER_OF') : [from];
      // A SUSPENDED or DEPROVISIONED service account stays in its groups but gets no assertion
      // (Okta: deactivated users can no longer access their assigned apps): no path into AWS
      // today, as the other Okta rules leave it alone (oktaIdentityActive).
      for (const m of members) if (m.type === 'okta-user' && m.kind === 'identity' && oktaIdentityActive(m)) accounts.set(m.id, m);
    }
    if (accounts.size === 0) {
      // Whether an assigned user is a service account needs the users; who is in an assigned
      // group needs every service account's groups.
      const users = ctx.graph.capability('okta', subject.scope, 'okta.users');
      if (users !== 'collected') return ctx.unknown(`okta.users ${users}: assigned users cannot be classified`);
      if (!viaGroup) return;
      const groups = ctx.graph.capability('okta', subject.scope, 'okta.groups');
      if (groups !== 'collected') return ctx.unknown(`okta.groups ${groups}: members of the assigned groups are not known`);
      const unread = ctx.graph.ofType('okta-user').find((u) => u.scope === subject.scope && u.kind === 'identity' && oktaIdentityActive(u) && u.attrs.groupsCollected !== true);
      if (unread) return ctx.unknown(`the groups of service account ${unread.name} were not read`);
      return;
    }
    const names = [...accounts.values()].map((n) => n.name).sort();
    ctx.report({
      messageId: 'serviceAccounts',
      key: 'service-accounts',
      severity: 'high',
      args: { accounts: names.slice(0, 5).join(', ') + (names.length > 5 ? ', …' : '') },
      evidence: { serviceAccounts: [...accounts.keys()].sort(), ...about },
    });
  },
});
