// The issuers of every cloud (China's and the partner clouds' too), as the linker reads them: a
// sovereign-cloud tenant trusted for any app is the same risk.
import { andList, audienceVerdict, defineRule, ENTRA_ISSUER, firstFewText, isTokenExchangeAudience, scannedIssuerTenant, sortTexts, subjectVerdict, tokenVersionVerdict, trustClientIds, type Graph, type GraphNode } from '../../src/rule-kit.js';

/** The service principals a sub pattern admits today that a finding names; the rest are counted. */
const TODAY_SHOWN = 10;

export default defineRule({
  meta: {
    id: 'nhi-entra-token-any-app-assumes-aws-role',
    title: 'AWS role trusts Entra tokens by audience only, so any app of the tenant can assume it',
    severity: 'high',
    providers: ['aws', 'entra'],
    owasp: ['NHI6:2025', 'NHI5:2025'],
    frameworks: { asi: ['ASI03'], nistCsf: ['PR.AA-04'] },
    description:
      'An IAM role trusts an Entra ID tenant as OIDC provider (sts.windows.net/<tenant>/ or login.microsoftonline.com/<tenant>/v2.0, or a national cloud\'s issuer: sts.chinacloudapi.cn, login.microsoftonline.us, login.partner.microsoftonline.cn) and its trust policy checks only the audience (the resource app), not the subject (in an app-only token, the object id of the calling service principal). Unless the audience app requires app-role assignment, every service principal in the tenant can request a token for that audience with its own credentials and assume the role. A sub pattern (StringLike) instead of one object id is reported at a lower severity: it admits every service principal whose object id matches, today and later. A pattern every object id Entra issues matches (`*-*`, `????????-*`, `*-4*`, `*-*-4*`: Entra issues an object id as a version-4 GUID, a 4 right after the second dash and 8, 9, a or b right after the third, in lower case), when it also matches each service principal of the snapshot whose object id is not one and every other positive operator on the sub key admits every such id too (IAM ANDs the operators: StringLike `*-*` beside ForAnyValue:StringLike `abc*` admits only the object ids `abc*` matches, and is reported as that narrower pattern), is no narrower than no sub condition: it is reported with its pattern at the severity of a missing sub condition, saying that it admits every object id Entra issues rather than listing the service principals. A trust whose issuer the audience app\'s tokens never carry (its api.requestedAccessTokenVersion: null or 1 gives v1 tokens from sts.windows.net, 2 gives v2 tokens from login.microsoftonline.com; a v2 token\'s aud is always the app id, never an App ID URI) is not reported, nor is one whose aud condition no token of the app meets: Entra writes an app id in aud in lower case, and StringEquals and StringLike compare case (StringEqualsIgnoreCase does not), so an app id written in upper case under them, or a StringLike pattern the lower-case app id does not match, admits no one; so does a pattern no casing of a client id naming no app of the tenant meets (STS takes only an aud its client id list holds). A negated operator on aud (StringNotEquals, StringNotLike and their IgnoreCase and IfExists forms) turns away the audiences it names, an App ID URI passing only in a case it does not name (then STS must find that spelling in the client id list, a doubt); Null true on aud admits no token (every web identity token carries aud); a negated operator of another type (ArnNotLike, NumericNotEquals…) is taken as holding, with a doubt. A positive operator of another type than string (NumericEquals, DateEquals, Bool, IpAddress, ArnLike…) compares aud by its type, and an app id or App ID URI is no number, date, boolean, address or ARN, so it admits no token; an aud of its type, BinaryEquals, or a bare * under an ARN operator is taken as holding, with a doubt. Whether some casing of an App ID URI meets several operators is searched letter by letter; a search that gives up (2,000 steps, contrived conditions only) is a doubt, not a verdict. The sub key is judged alike: a pinned sub a negated operator (or another operator on the key, or Null true) turns away admits no token, so the trust is not reported; so is a sub pattern every object id of which a negated operator turns away; a service principal whose object id a negated operator names is not among those the finding names, and with no positive sub condition the finding says whom the negated operators leave out ("any service principal of the tenant but …"); a value with a capital letter under an operator that compares case (StringNotEquals, StringNotLike) leaves out no one, since Entra writes an object id in lower case. Entra issues no token for an app whose service principal is disabled (accountEnabled false, or disabled by Microsoft): a trust is judged on its enabled audience apps, and when those keep the role closed and a disabled one would not, the trust is reported at medium (low for a sub pattern), as one that opens again when that app is re-enabled; one whose audience apps are all disabled and all require assignment is closed either way and not reported. A trust STS turns away today because the account has no IAM OIDC provider for the issuer, or the provider\'s client id list holds none of the trust\'s audiences, is reported the same way, at medium (low for a sub pattern), as one that opens when the provider is created or its list edited, the trust policy untouched. An audience app whose audiences that list does not hold (while it holds another audience of the trust) is judged as a disabled one is: the others decide whether the role is open today, and when they keep it closed the trust is reported the same way, naming the app and the client id that is missing. The apps named are those that do not require assignment. When every audience of the apps named rests on something the scan cannot decide (the app\'s api.requestedAccessTokenVersion was not read; or the OIDC provider\'s client id list holds the app id only in another case than Entra writes it, and whether STS compares that list ignoring case is not documented), the finding says the role may accept such a token and on what that rests (evidence.undecided), as the path findings say "may reach"; so is what the trust policy itself leaves undecided for every token (a Deny under a condition). A disabled service principal a sub pattern admits today is marked as such. The finding names the first ten service principals a pattern admits today, in text order (two with the same display name each with its object id), and counts the rest; evidence.admittedToday is how many service principals it admits today: a broad pattern admits most of a tenant. A pattern that admits more than 100 service principals today is not linked one service principal at a time (that made trusts x service principals edges): the trust stands for them, its evidence holding their count and the first ten object ids in object id order, and the finding names those ten, each with its object id, and counts the rest (while its audience apps are disabled, none, as for a narrower pattern); paths to the role then start at the issuer (service principals of the tenant, subject pattern), not at each service principal.',
    risk: 'The role meant for one workload is open to every app registration, managed identity and third-party app of the tenant; compromising any of them reaches AWS.',
    remediation:
      'Add a `sub` condition with the object id of the one service principal (managed identity) allowed to assume the role, and set "assignment required" (appRoleAssignmentRequired) on the audience app with an explicit app-role assignment.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html',
      'https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens',
    ],
    maturity: 'experimental',
    messages: {
      open: 'role {{role}} trusts tenant {{tenant}} for audience {{audience}} without a sub condition; {{why}}',
      pattern: 'role {{role}} trusts tenant {{tenant}} for audience {{audience}} with sub pattern {{pattern}}, not one object id; {{why}}',
      // A trust no token passes today (its audience apps disabled, or the account's OIDC provider
      // turning the tokens away) that opens without an edit to the trust policy: its own message,
      // so it is not read as open. The fingerprint does not hold the messageId, so the finding
      // stays the same one when the trust opens.
      latent: 'role {{role}} trusts tenant {{tenant}} for audience {{audience}} without a sub condition, a latent trust: no token passes it today, but it opens with no change to its policy; {{why}}',
      patternLatent:
        'role {{role}} trusts tenant {{tenant}} for audience {{audience}} with sub pattern {{pattern}}, not one object id, a latent trust: no token passes it today, but it opens with no change to its policy; {{why}}',
    },
  },
  // Judged: the workloads of an Entra issuer that an IAM role trusts. The same node also
  // FEDERATES_TO each Entra app whose federated identity credential trusts that issuer; such a
  // credential is no IAM trust (no aud condition, no OIDC provider, no role to name), and its
  // subject is entra-fic-weak-subject's to judge. A node only Entra apps trust is not evaluated.
  evaluates: { types: ['oidc-workload'], where: (n, ctx) => ENTRA_ISSUER.test(String(n.attrs.issuer ?? '')) && roleTrusts(ctx.graph, n).length > 0 },
  check(subject, ctx) {
    // Each trust's own sub match, on its edge: the node is shared by every trust naming this issuer
    // and subject and keeps the first one's, and a value one role takes as a literal (StringEquals)
    // another may take as a pattern (StringLike), as the linker reads it. One object id pinned is
    // not this rule's case: a node all of whose trusts pin one is not judged at all.
    const trusts = roleTrusts(ctx.graph, subject);
    const matchOf = (e: (typeof trusts)[number]): unknown => (typeof e.evidence?.subjectMatch === 'string' ? e.evidence.subjectMatch : subject.attrs.subjectMatch);
    if (trusts.every((e) => matchOf(e) === 'exact')) return;
    const pattern = typeof subject.attrs.subject === 'string' ? subject.attrs.subject : undefined;
    const issuer = String(subject.attrs.issuer);
    const issuerTenant = ENTRA_ISSUER.exec(issuer)![1].toLowerCase();
    // The resource app's api.requestedAccessTokenVersion decides its tokens' version, and so their
    // issuer: v1 `sts.windows.net/<tenant>/` (China: sts.chinacloudapi.cn), v2
    // `login.microsoftonline.com/<tenant>/v2.0` (or a national cloud's host), told by the `/v2.0`;
    // a v2 token's aud is always the app id (Microsoft identity platform, access token claims reference).
    const v2 = /\/v2\.0\/?$/i.test(issuer);
    // A token of the app must also meet the aud condition as the trust writes it: an app id in
    // upper case under StringEquals meets none. Both as the linker judges them (tokenVersionVerdict,
    // audienceVerdict). What it may rest on (the app's token version not read, the provider's
    // client id list holding the app id only in another case) is returned: the linker makes the
    // trust conditional on it, and the finding says it.
    // Every audience doubt met is also put in `said`, alone and as joined here (the linker joins
    // them the same way): the doubts on the trust edge that are none of these are the edge's own.
    // An audience STS turns away today (the provider's client id list does not hold it) is carried
    // with why (`refused`): it opens the role only once the client id is added.
    const carries = (app: GraphNode, aud: string, fact: unknown, clientIds: readonly string[] | undefined, said: Set<string>): { doubt?: string; refused?: string } | undefined => {
      const appId = typeof app.attrs.appId === 'string' ? app.attrs.appId : undefined;
      const version = tokenVersionVerdict(aud, app, v2);
      const condition = audienceVerdict(aud, appId, app.name, fact, clientIds);
      const doubts = [version.doubt, condition.doubt].filter((d): d is string => d !== undefined);
      for (const d of doubts) said.add(d);
      if (doubts.length > 0) said.add(doubts.join(', and '));
      if (version.bar !== undefined || condition.bar !== undefined) return undefined;
      return { doubt: doubts.length > 0 ? doubts.join(', and ') : undefined, refused: condition.refused };
    };
    const nodeAudiences = Array.isArray(subject.attrs.audiences) ? (subject.attrs.audiences as string[]) : [];
    // A tenant scanned under a domain name is found by its id (scannedIssuerTenant); its nodes carry the scope's name.
    const scanned = scannedIssuerTenant(issuer, ctx.graph.scopes);
    if (!scanned) return ctx.unknown(`Entra tenant ${issuerTenant} was not scanned, so whether the audience app requires assignment is unknown`);
    const tenant = scanned.id.toLowerCase();
    const sps = ctx.graph.capability('entra', scanned.id, 'entra.servicePrincipals');
    if (sps !== 'collected') return ctx.unknown(`service principals of Entra tenant ${tenant} were not read (${sps}), so the audience app is unknown`);
    const { byAppId, byName, byObjectId } = audienceIndex(ctx.graph, tenant);
    // The external node is shared by every role trusting this issuer and subject; each role's
    // accepted audiences ride on its own edge (the node keeps the first role's).
    for (const e of trusts) {
      const role = ctx.graph.node(e.to);
      if (!role || matchOf(e) === 'exact') continue;
      // No token meets the trust at all (its sub condition, as the AWS transform judged it, or its
      // aud condition, as the linker did): closed whatever the audience apps.
      if (e.evidence?.dead !== undefined) continue;
      const own = e.evidence?.audiences;
      const audiences = Array.isArray(own) ? own.filter((a): a is string => typeof a === 'string') : nodeAudiences;
      // Entra's token exchange audience names no app of the tenant, as the linker reads it (isTokenExchangeAudience).
      const named = audiences.map((a) => ({ a, apps: isTokenExchangeAudience(a) ? [] : (byAppId.get(a.toLowerCase()) ?? byName.get(a.toLowerCase()) ?? []) }));
      const clientIds = trustClientIds(role, e.evidence);
      const audienceDoubts = new Set<string>();
      const carried = named.flatMap(({ a, apps }) =>
        apps.flatMap((app) => {
          const c = carries(app, a, e.evidence?.audience, clientIds, audienceDoubts);
          return c ? [{ app, doubt: c.doubt, refused: c.refused }] : [];
        }),
      );
      const carrying = [...new Set(carried.map((c) => c.app))];
      // Said when no app of the tenant opens the role: the token exchange audience is no app at all.
      const noApp = named.length > 0 && named.every((n) => isTokenExchangeAudience(n.a)) ? "the audience is Entra's token exchange audience, which names no app of the tenant" : 'the audience app is not in the tenant snapshot';
      // An audience naming no app of the tenant is still a client id the aud condition must take: a
      // pattern no casing of it meets bars it, as the linker judges it (audienceVerdict).
      const unnamedOpen = named.some((n) => n.apps.length === 0 && audienceVerdict(n.a, undefined, n.a, e.evidence?.audience, clientIds).bar === undefined);
      // Every audience names an app whose tokens come from the other issuer, or whose tokens the
      // aud condition turns away, or no app and no token the condition takes: no token meets the trust.
      if (carrying.length === 0 && named.length > 0 && !unnamedOpen) continue;
      // Entra issues no token for a resource whose service principal is disabled (AADSTS500014:
      // the access is blocked until it is re-enabled). Such an app does not open the role today:
      // the enabled ones are judged alone. When they keep it closed (none, or each requires
      // assignment) and a disabled one would not, the trust is dormant, not gone: re-enabling that
      // app (an Application Administrator's or owner's act) reopens it, so it is reported, as one
      // that applies again then, at a lower severity, naming the disabled apps.
      // An enabled app every audience of which STS turns away today (the client id list does not
      // hold it) is shut the same way until the client id is added, an act outside the trust policy
      // as re-enabling is: judged with the disabled ones.
      const shutOut = (app: GraphNode) => carried.every((c) => c.app !== app || c.refused !== undefined);
      const live = carrying.filter((app) => app.enabled !== false && !shutOut(app));
      const off = carrying.filter((app) => app.enabled === false);
      const shut = carrying.filter((app) => app.enabled !== false && shutOut(app));
      const latentApps = [...off, ...shut];
      const requireAll = (list: GraphNode[]) => list.length > 0 && list.every((a) => a.attrs.appRoleAssignmentRequired === true);
      const reopenable = latentApps.length > 0 && (live.length === 0 || requireAll(live)) && !requireAll(latentApps);
      // Every carrying app disabled or shut out and each requiring assignment: no token today, and
      // none for an unassigned caller once one is reopened, so the trust is closed either way.
      // Without this, `live` (empty) would be judged and read as "the audience app is not in the snapshot".
      if (carrying.length > 0 && live.length === 0 && !reopenable) continue;
      const apps = reopenable ? latentApps : live;
      const requiring = apps.filter((a) => a.attrs.appRoleAssignmentRequired === true);
      if (apps.length > 0 && requiring.length === apps.length) continue;
      if (apps.some((a) => a.attrs.appRoleAssignmentRequired === undefined) && !apps.some((a) => a.attrs.appRoleAssignmentRequired === false)) {
        ctx.unknown('whether the audience app requires app-role assignment was not collected');
        continue;
      }
      // Named are the apps that open the role: one of them that requires assignment does not, and
      // saying it "does not require app-role assignment" would be false.
      const opening = apps.filter((a) => a.attrs.appRoleAssignmentRequired === false);
      const names = opening.map((a) => a.name).join(', ');
      // Every audience of the opening apps rests on something not known (the token version, the
      // client id list's case): so does every token that opens the role, and the linker's trust
      // edge is conditional (paths from the issuer "may reach"). One audience without a doubt
      // decides it, and then nothing is said.
      // An app's refused audiences stand for it only when it has no other (it is shut out).
      const opened = carried.filter((c) => opening.includes(c.app) && (c.refused === undefined || shutOut(c.app)));
      const audienceUndecided = opened.length > 0 && opened.every((c) => c.doubt !== undefined) ? [...new Set(opened.map((c) => c.doubt!))].sort() : [];
      // What the trust edge itself rests on, whatever the token's audience (a Deny of the trust
      // policy under a condition, a statement that may not cover the action): the AWS transform's
      // doubts, which make the edge conditional and the paths from the issuer "may reach".
      const edgeUndecided = Array.isArray(e.evidence?.undecided) ? e.evidence.undecided.filter((d): d is string => typeof d === 'string') : [];
      const trustUndecided = [...new Set(edgeUndecided.filter((d) => !audienceDoubts.has(d)))].sort();
      const undecided = [...new Set([...audienceUndecided, ...trustUndecided])].sort();
      const doubtNote =
        (audienceUndecided.length > 0 ? `; the role may accept such a token, only if ${audienceUndecided.join(', or if ')}` : '') +
        (trustUndecided.length > 0 ? `; whether the trust admits it rests on what the scan could not decide: ${trustUndecided.join('; ')}` : '');
      const doubtEvidence = undecided.length > 0 ? { undecided } : {};
      const tier = ctx.analysis.tier(role);
      // The opening apps that are disabled, when it is their re-enabling (or a client id's adding) that opens the role.
      const disabledOpening = reopenable ? opening.filter((a) => a.enabled === false) : [];
      const dormant = disabledOpening.length > 0;
      const offNote = dormant
        ? `; ${disabledOpening.map((a) => a.name).join(', ')} ${disabledOpening.length === 1 ? 'is' : 'are'} disabled, and Entra issues no token for a disabled app, so no one gets such a token until ${disabledOpening.length === 1 ? 'it is' : 'one is'} re-enabled`
        : '';
      const offEvidence = dormant ? { audienceAppsDisabled: true } : {};
      // The account turns every such token away today (no OIDC provider for the issuer, or one whose
      // client id list holds none of the trust's audiences): the AWS transform makes the issuer's
      // edge conditional and says why (evidence.blocked). Creating the provider or adding a client
      // id, without touching the trust policy, opens the role: latent like a dormant trust, and
      // reported at the same lower severity, saying why no one gets in today.
      // The same for the audiences of opening apps the list does not hold, when those apps have no
      // other: the linker says it on the edge when no audience a token meets today is left, else it is said here.
      // A disabled app among them is refused as well: re-enabling it opens nothing until its
      // client id is listed, so both are said.
      const refusals = reopenable ? [...new Set(carried.flatMap((c) => (latentApps.includes(c.app) && shutOut(c.app) && opening.includes(c.app) && c.refused !== undefined ? [c.refused] : [])))].sort() : [];
      const blocked = typeof e.evidence?.blocked === 'string' ? e.evidence.blocked : refusals.length > 0 ? refusals.join('; ') : undefined;
      const blockedNote = blocked !== undefined ? `; but ${blocked}` : '';
      const blockedEvidence = blocked !== undefined ? { blocked } : {};
      const latent = dormant || blocked !== undefined;
      // A negated operator on sub still turns away the object ids it names of those the pattern (or,
      // with no positive condition, any sub) admits, and the linker links none of them: they are
      // named, so that "any service principal" stays true.
      // Entra writes the object id in sub in lower case: a value with a capital letter under an
      // operator that compares case (StringNotEquals, StringNotLike) turns away no token, so it is
      // no exception; under an IgnoreCase form it is one. A value spelled exactly as a service
      // principal's object id was read (a snapshot holding it in capitals) is one too: the linker
      // compares it so and gave that service principal no link.
      const except = subjectVerdict(pattern, false, (e.evidence?.subject ?? { values: [], operators: [] }) as Parameters<typeof subjectVerdict>[2]).except ?? [];
      const excepted = except.flatMap((x) => {
        const values = /ignorecase/i.test(x.op) ? x.values : x.values.filter((v) => v === v.toLowerCase() || (!/like/i.test(x.op) && byObjectId.get(v.toLowerCase())?.nativeId === v));
        if (values.length === 0) return [];
        return /like/i.test(x.op)
          ? [`those whose object id matches ${values.join(' or ')}`]
          : values.map((v) => {
              // As the linker compares it (subjectFilter, on the object id as read).
              const found = byObjectId.get(v.toLowerCase());
              const sp = /ignorecase/i.test(x.op) || found?.nativeId === v ? found : undefined;
              return sp ? `${sp.name} (object id ${sp.nativeId})` : `object id ${v}`;
            });
      });
      const but = excepted.length === 0 ? '' : ` but ${andList(excepted)}`;
      if (pattern !== undefined) {
        // A pattern every object id Entra issues matches (`*-*`, `*-4*`) admits every service
        // principal of the tenant, as no sub condition does: the linker marks its trust
        // (evidence.everyObjectId) and links none of them one by one. It is reported with its
        // pattern, at the severity of no sub condition.
        const every = e.evidence?.everyObjectId === true;
        // Any narrower pattern admits the service principals the linker gave the role today, and
        // any made later whose object id matches. A disabled one gets no token either (it is named,
        // as one that may be re-enabled). One entry per service principal, so that the count is
        // of them: one linked through several audiences has a link for each, and two with the same
        // display name are two, told apart by object id. Named in text order, the first
        // TODAY_SHOWN of them: a broad pattern admits nearly every service principal, and a list of
        // each in every such trust's message made the report grow as trusts x service principals.
        let today: string[] = [];
        // A pattern that admits more service principals than the linker links one by one
        // (evidence.patternAdmits): their count and the first few, by object id, are on the trust.
        // Not while its audience apps are disabled: Entra then gives none of them a token, the
        // linker links none of them below the bar either, and the finding says "today: none" on
        // both sides of it.
        const broad = !every && !dormant && typeof e.evidence?.patternAdmits === 'number' ? e.evidence.patternAdmits : undefined;
        let todayText = '';
        if (broad !== undefined) {
          const first = Array.isArray(e.evidence?.patternAdmitsFirst) ? e.evidence.patternAdmitsFirst.filter((x): x is string => typeof x === 'string') : [];
          const shown = first.map((id) => {
            const sp = byObjectId.get(id.toLowerCase());
            return sp ? `${sp.name} (object id ${sp.nativeId})${sp.enabled === false ? ' (disabled)' : ''}` : `object id ${id}`;
          });
          todayText = ` (today: ${broad}, among them ${shown.join(', ')}${broad > shown.length ? ` and ${broad - shown.length} more` : ''})`;
        } else if (!every) {
          const admitted = new Map<string, GraphNode | undefined>();
          for (const l of ctx.graph.in(role, 'CAN_ASSUME')) if (l.evidence?.via === subject.id && !admitted.has(l.from)) admitted.set(l.from, ctx.graph.node(l.from));
          const sameName = new Map<string, number>();
          for (const sp of admitted.values()) if (sp) sameName.set(sp.name, (sameName.get(sp.name) ?? 0) + 1);
          today = sortTexts(
            [...admitted].map(([id, sp]) => (sp ? `${sp.name}${sameName.get(sp.name)! > 1 ? ` (object id ${sp.nativeId})` : ''}${sp.enabled === false ? ' (disabled)' : ''}` : id)),
          );
        }
        const who = every
          ? `sub pattern ${pattern} admits every object id Entra issues (version-4 GUIDs), so any service principal of the tenant${but} can get such a token`
          : `any service principal of the tenant whose object id matches${but !== '' ? `,${but},` : ''} can get such a token${broad !== undefined ? todayText : today.length > 0 ? ` (today: ${firstFewText(today, TODAY_SHOWN)})` : ' (today: none)'}, and so can any created later whose object id happens to match`;
        const why = apps.length === 0 ? `${noApp}; ${who}${doubtNote}${blockedNote}` : `${names} does not require app-role assignment, ${every ? 'and' : 'so'} ${who}${doubtNote}${offNote}${blockedNote}`;
        ctx.report({
          messageId: latent ? 'patternLatent' : 'pattern',
          key: role.id,
          severity: every ? (latent ? 'medium' : tier >= 3 ? 'critical' : 'high') : latent ? 'low' : tier >= 3 ? 'high' : 'medium',
          args: { role: role.name, tenant: issuerTenant, audience: audiences.join(', ') || '(none)', pattern, why },
          evidence: {
            role: role.id,
            roleTier: tier,
            audiences,
            audienceApps: opening.map((a) => a.id),
            subjectPattern: pattern,
            ...(every ? { everyObjectId: true } : { admittedToday: broad ?? today.length }),
            ...offEvidence,
            ...blockedEvidence,
            ...doubtEvidence,
          },
        });
        continue;
      }
      const why = apps.length === 0 ? `${noApp}${doubtNote}${blockedNote}` : `${names} does not require app-role assignment, so any service principal of the tenant${but} can get such a token${doubtNote}${offNote}${blockedNote}`;
      ctx.report({
        messageId: latent ? 'latent' : 'open',
        key: role.id,
        severity: latent ? 'medium' : tier >= 3 ? 'critical' : 'high',
        args: { role: role.name, tenant: issuerTenant, audience: audiences.join(', ') || '(none)', why },
        evidence: { role: role.id, roleTier: tier, audiences, audienceApps: opening.map((a) => a.id), ...offEvidence, ...blockedEvidence, ...doubtEvidence },
      });
    }
  },
});

/** The FEDERATES_TO edges of a workload into IAM roles: its other edges are Entra apps' federated credentials. */
function roleTrusts(graph: Graph, workload: GraphNode) {
  return graph.out(workload, 'FEDERATES_TO').filter((e) => {
    const target = graph.node(e.to);
    return target !== undefined && target.provider === 'aws' && target.type === 'aws-iam-role';
  });
}

/** The apps of one tenant by what a token's aud may name: the app id, or one of its App ID URIs (servicePrincipalNames). */
interface AudienceIndex {
  byAppId: Map<string, GraphNode[]>;
  byName: Map<string, GraphNode[]>;
  /** Service principals (and managed and agent identities) by lower-case object id: the sub of their app-only tokens. */
  byObjectId: Map<string, GraphNode>;
}

const CALLER_TYPES: ReadonlySet<string> = new Set(['entra-service-principal', 'entra-managed-identity', 'entra-agent-identity']);

/** Per graph and tenant, built on first use: once per trusting workload, each build read every identity of the graph. */
const audienceIndexes = new WeakMap<Graph, Map<string, AudienceIndex>>();

function audienceIndex(graph: Graph, tenant: string): AudienceIndex {
  let byTenant = audienceIndexes.get(graph);
  if (!byTenant) audienceIndexes.set(graph, (byTenant = new Map()));
  let index = byTenant.get(tenant);
  if (index) return index;
  index = { byAppId: new Map(), byName: new Map(), byObjectId: new Map() };
  const put = (m: Map<string, GraphNode[]>, k: string, n: GraphNode) => {
    const list = m.get(k);
    if (!list) m.set(k, [n]);
    else if (!list.includes(n)) list.push(n);
  };
  for (const n of graph.ofKind('identity')) {
    if (n.provider !== 'entra' || n.scope.toLowerCase() !== tenant) continue;
    if (CALLER_TYPES.has(n.type)) index.byObjectId.set(n.nativeId.toLowerCase(), n);
    if (typeof n.attrs.appId !== 'string') continue;
    // By the lower-case app id: the trust may write it in any case (its verdict is audienceVerdict's).
    put(index.byAppId, n.attrs.appId.toLowerCase(), n);
    const names = n.attrs.servicePrincipalNames;
    if (Array.isArray(names)) for (const u of names) if (typeof u === 'string') put(index.byName, u.toLowerCase(), n);
  }
  byTenant.set(tenant, index);
  return index;
}
