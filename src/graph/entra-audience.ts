import { compileGlob } from '../aws/policy/wildcard.js';
import { caseSearchDoubt, caseVariantMeeting, claimEntries, clientIdCaseDoubt, entriesText, entryAccepts, entryDoubtful, entryPositive, entryUnsure, ignoresCase, takesEveryCase, typedRefusal, unlistedAudience, type ClaimEntry } from '../aws/trust.js';

/**
 * Whether a token Entra issues for an app meets an AWS trust's aud condition that names it, in
 * the form the linker (src/connectors/link.ts) and nhi-entra-token-any-app-assumes-aws-role both
 * judge it by, so a path and a finding never disagree about it.
 *
 * What the token carries: an app id Entra always writes in lower case, whatever case the caller
 * asked for it in (an upper-case client_id came back lower case in aud:
 * AzureAD/microsoft-authentication-library-for-python#304); an App ID URI (v1 tokens only) as the
 * caller wrote it in its request, Entra matching the app ignoring case (MicrosoftDocs reports
 * and MSAL issues of an aud echoing a mixed-case resource), so a caller can always send the case
 * the trust wants.
 *
 * How AWS compares: StringEquals and StringLike compare case, StringEqualsIgnoreCase does not
 * (IAM User Guide, condition operators). STS also needs the aud among the OIDC provider's client
 * ids; whether that comparison ignores case is not documented, so a difference in case there is
 * a doubt, not a verdict. An aud the list does not hold in any case is turned away today, whatever
 * the condition says; the list can be edited, so that is latent, not a bar.
 */
export interface AudienceVerdict {
  /** Why no token for the app meets the condition: the trust is dead for this audience. */
  bar?: string;
  /** What the link rests on that is not known (the client id list's comparison). */
  doubt?: string;
  /**
   * Why STS turns every token for the audience away today (the provider's client id list does not
   * hold it, though it holds another audience of the trust): no one gets in through it, but adding
   * the client id reopens it, as re-enabling a disabled app does (see unlistedAudience).
   */
  refused?: string;
}

/** The parts of a ClaimFact (src/aws/trust.ts) read here: the edge's `evidence.audience`. */
interface AudienceFact {
  status?: unknown;
  values?: unknown;
  operators?: unknown;
  entries?: unknown;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * The verdict for one audience `aud` of a trust (a value of its aud condition, or with no pinned
 * condition one of the provider's client ids) that names the app with app id `appId`.
 * `fact` is the trust's aud ClaimFact; `clientIds` the provider's client id list when it was read.
 */
export function audienceVerdict(aud: string, appId: string | undefined, appName: string, fact: unknown, clientIds: readonly string[] | undefined): AudienceVerdict {
  const f = (fact ?? {}) as AudienceFact;
  const entries = Array.isArray(f.entries) ? entriesOf(f.entries) : undefined;
  // Null true on aud holds only for a request without aud, and every web identity token has one.
  const nulls = (entries ?? []).filter((e) => /^null$/i.test(e.op) && !entryUnsure(e) && !entryAccepts(e, aud));
  if (nulls.length > 0) {
    return { bar: `Null ${nulls[0].values.join(', ')} on aud holds only for a token without aud, and every web identity token carries one, so no token meets aud ${aud}` };
  }
  // A positive operator of another type than string (NumericEquals, ArnLike, Bool…) compares aud by
  // its type (typedRefusal): an aud not of it meets none of its values, whatever its case.
  const all = entries ?? strings(f.operators).map((op) => ({ op, values: strings(f.values) }));
  const typed = all.map((e) => typedRefusal(e, aud, 'aud')).find((t) => t !== undefined);
  if (typed !== undefined) return { bar: `${typed}, so no token meets it` };
  const verdict = conditionVerdict(aud, appId, appName, f, entries, clientIds);
  // An operator whose reading of an aud the scan does not know (ArnNotLike, NumericNotEquals…, or
  // NumericEquals of an aud that is a number) was taken as holding: what the audience's tokens meet rests on it.
  const unsure = all.filter((e) => entryDoubtful(e, aud));
  if (verdict.bar !== undefined || unsure.length === 0) return verdict;
  const doubt = `the aud condition ${entriesText(unsure)} holds for aud ${aud} (how IAM compares an aud under it is not known)`;
  return { ...verdict, doubt: verdict.doubt !== undefined ? `${verdict.doubt}, and ${doubt}` : doubt };
}

function conditionVerdict(aud: string, appId: string | undefined, appName: string, f: AudienceFact, entries: ClaimEntry[] | undefined, clientIds: readonly string[] | undefined): AudienceVerdict {
  const byAppId = appId !== undefined && aud.toLowerCase() === appId.toLowerCase();
  // The aud a token for this audience carries: for an App ID URI the caller picks the case.
  let token = byAppId ? appId.toLowerCase() : aud;
  let searchDoubt: string | undefined;
  const operators = strings(f.operators);
  const values = strings(f.values);
  // Several operators on the key are ANDed (IAM User Guide, condition element): the token's aud
  // must meet each, and each compares case or not for its own values. A negated one (StringNotLike…)
  // is met by an aud that matches none of its values, in the case the token carries.
  if (f.status === 'pinned' && entries !== undefined && entries.length > 1) {
    // The operators that hold `aud` itself decide which spellings stand for it: with one that
    // compares case, only `aud` as written.
    const holding = entries.filter((e) => entryPositive(e) && e.values.includes(aud));
    const exact = holding.length > 0 && !ignoresCase(holding.map((e) => e.op));
    if (exact && token !== aud && byAppId) {
      return {
        bar: `aud ${aud} is the app id of ${appName} in other than lower case, and ${caseOperators(holding.map((e) => e.op))} compares case: Entra writes the app id in lower case (${token}), so no token meets it`,
      };
    }
    // An App ID URI reaches aud in the case the caller asks for, letter by letter, when `aud` does
    // not have to be kept as written: any spelling every operator takes (caseVariantMeeting).
    // The search starts from the spelling the client id list holds, as the AWS transform's does
    // (pinnedAudienceListed): the same spelling, and the same doubt, said once on the trust.
    const free = !byAppId && !exact;
    const starts = [...(clientIds ?? []).filter((c) => c.toLowerCase() === aud.toLowerCase()), aud];
    const start = free ? starts.find((v) => caseVariantMeeting(v, entries) !== undefined) : undefined;
    const met = free ? (start === undefined ? undefined : caseVariantMeeting(start, entries)) : entries.every((e) => entryAccepts(e, token)) ? token : undefined;
    // A search that stopped at its budget took the spelling as written: whether any casing of it
    // meets every operator is not known (the transform's pinnedAudienceListed says the same doubt).
    searchDoubt = start === undefined ? undefined : caseSearchDoubt(start, entries);
    if (met === undefined) {
      // Under a free case an operator may refuse every spelling, or each may take some spelling
      // and no one spelling suit them all (they fix a letter in two cases).
      const refusing = entries.filter((e) => (free ? caseVariantMeeting(aud, [e]) === undefined : !entryAccepts(e, token)));
      if (refusing.length === 0) {
        const fixing = entries.filter((e) => !takesEveryCase(e));
        return { bar: `${entriesText(fixing)} on the same key take ${aud} only in cases that conflict, and every operator on a key must hold, so no token meets aud ${aud}` };
      }
      const carried = byAppId ? `${token}, the aud Entra writes for ${appName}` : exact ? `${aud} as ${caseOperators(holding.map((e) => e.op))} holds it (it compares case)` : `${aud} in any case a caller may ask Entra for`;
      return {
        bar: `${entriesText(refusing)} on the same key ${refusing.length === 1 ? 'does' : 'do'} not take ${carried}, and every operator on a key must hold, so no token meets aud ${aud}`,
      };
    }
    token = met;
  } else if (f.status === 'pinned') {
    if (!ignoresCase(operators) && token !== aud) {
      return {
        bar: `aud ${aud} is the app id of ${appName} in other than lower case, and ${caseOperators(operators)} compares case: Entra writes the app id in lower case (${token}), so no token meets it`,
      };
    }
  } else if (f.status === 'wildcard' || (entries !== undefined && entries.length > 0)) {
    // The audiences are the provider's client ids; the token's aud must match a pattern as well,
    // one of each operator's when several name the key, and match none of a negated operator's.
    const all = entries !== undefined && entries.length > 0 ? entries : operators.map((op) => ({ op, values }));
    const refusing = all.filter((e) => !entryAccepts(e, token));
    // Whether some casing of an App ID URI meets them all is not known past the search's budget.
    const gaveUp = refusing.length > 0 && !byAppId ? caseSearchDoubt(token, all) : undefined;
    if (gaveUp !== undefined) return { doubt: gaveUp };
    if (refusing.some((e) => !entryPositive(e))) {
      // A negated operator turns the aud away as written: an App ID URI asked for in a case every
      // operator takes still passes, if STS finds that spelling in the client id list.
      const variant = byAppId ? undefined : caseVariantMeeting(token, all);
      const said = entriesText(refusing);
      if (variant !== undefined) {
        return {
          doubt: `STS compares the token's aud with the provider's client id list ignoring case, which is not documented: ${said} ${refusing.length === 1 ? 'turns' : 'turn'} away ${aud} as written, a caller may ask Entra for it as ${variant}, which every operator on the key takes, and the list holds it as ${aud}`,
        };
      }
      const carried = byAppId ? `${token}, the aud Entra writes for ${appName}` : `${aud} in any case a caller may ask Entra for`;
      return { bar: `${said} on the same key ${refusing.length === 1 ? 'turns' : 'turn'} away ${carried}, and every operator on a key must hold, so no token meets aud ${aud}` };
    }
    if (refusing.length > 0) {
      // An App ID URI goes into aud in the case the caller asked for it: a pattern that matches it
      // in another case is met by a token asked for so, which STS must then find in the client id
      // list in the case written there (not documented, as below).
      // Several patterns must match one and the same spelling: each matching some casing of the
      // URI is not enough when they fix a letter in two cases (caseVariantMeeting).
      const other = byAppId || caseVariantMeeting(token, all) === undefined ? undefined : refusing.map((e) => e.values.find((p) => compileGlob(p, true).test(token))).join(', ');
      if (other !== undefined) {
        return {
          doubt: `STS compares the token's aud with the provider's client id list ignoring case, which is not documented: aud pattern ${other} (StringLike compares case) matches ${aud} only in another case, which a caller may ask Entra for, and the list holds it as ${aud}`,
        };
      }
      // An App ID URI, or an audience of no app of the tenant, in any case a caller may ask for.
      const carried = byAppId ? `${token}, the aud Entra writes for ${appName}` : `${aud} in any case a caller may ask Entra for`;
      return { bar: `aud pattern ${refusing.flatMap((e) => e.values).join(', ')} (StringLike compares case) does not match ${carried}, so no token meets it` };
    }
  }
  // With no pinned condition the audiences are the client ids themselves.
  const list = f.status === 'pinned' ? clientIds : [aud];
  const listDoubt = list ? clientIdCaseDoubt(token, list) : undefined;
  const doubt = searchDoubt !== undefined && listDoubt !== undefined ? `${searchDoubt}, and ${listDoubt}` : (searchDoubt ?? listDoubt);
  if (doubt !== undefined) return { doubt };
  const refused = clientIds && f.status === 'pinned' ? unlistedAudience(aud, { status: f.status, values }, clientIds) : undefined;
  return refused !== undefined ? { refused } : {};
}

/**
 * Whether `aud` is Entra's token exchange audience, `api://AzureADTokenExchange` (and the national
 * clouds' forms, such as `api://AzureADTokenExchangeChina`): what Microsoft documents as the
 * audience of a federated identity credential fed by Entra's own tokens (a managed identity's,
 * under the v2 issuer). Entra writes it in the token as it is, so it is never judged as an App ID
 * URI of a scanned app, even when a service principal of the tenant happens to list it: that would
 * read a working trust as one no token passes. Any case, and any suffix, so that no form of it is
 * misjudged as barred (a trust it does not open stays a path shown, never one hidden). The linker
 * (src/connectors/link.ts) and nhi-entra-token-any-app-assumes-aws-role both go by it, so that a
 * path and a finding agree on such a trust.
 * https://learn.microsoft.com/graph/api/resources/federatedidentitycredential
 */
export function isTokenExchangeAudience(aud: string): boolean {
  return TOKEN_EXCHANGE_AUDIENCE.test(aud);
}

const TOKEN_EXCHANGE_AUDIENCE = /^api:\/\/AzureADTokenExchange[A-Za-z]*$/i;

/**
 * Whether a token of the trust's issuer can carry `aud` for `app` at all, whoever asks for it, and
 * whether an IAM role's or an Entra app's trust: the app's api.requestedAccessTokenVersion decides
 * the version of its tokens, whatever endpoint the caller used, and so their issuer (v1
 * `sts.windows.net/<tenant>/`, v2 `login.microsoftonline.com/<tenant>/v2.0`, or a national cloud's
 * host, told by the `/v2.0`); a v2 token's aud is always the app id, never an App ID URI (Microsoft
 * identity platform, access token claims reference, aud and iss). A version not read is a doubt
 * of every token for the audience, not a bar. `v2`: the issuer is a v2 one.
 */
export function tokenVersionVerdict(aud: string, app: { name: string; attrs: Record<string, unknown> }, v2: boolean): AudienceVerdict {
  const wanted = v2 ? 2 : 1;
  const version = app.attrs.accessTokenVersion;
  const appId = typeof app.attrs.appId === 'string' ? app.attrs.appId : undefined;
  if (version !== undefined && version !== wanted) {
    return { bar: `${app.name} asks for v${String(version)} tokens, which the ${versionIssuer(version === 2)} issuer signs, so no token of this one carries aud ${aud}` };
  }
  if (v2 && aud.toLowerCase() !== appId?.toLowerCase()) {
    return { bar: `aud ${aud} is an App ID URI of ${app.name}, and a v2 token's aud is always the app id, so no token of this issuer carries it` };
  }
  if (version === undefined) return { doubt: `${app.name} asks for v${wanted} tokens, which the ${versionIssuer(v2)} issuer signs (its api.requestedAccessTokenVersion was not read)` };
  return {};
}

/** The issuer of one token version, as the global cloud names it (the tenant left as a placeholder). */
function versionIssuer(v2: boolean): string {
  return v2 ? 'login.microsoftonline.com/<tenant>/v2.0' : 'sts.windows.net/<tenant>/';
}

/**
 * The client ids of the OIDC provider an IAM role's trust edge (FEDERATES_TO) names, as the AWS
 * transform keeps them on the role (`oidcClientIds`, by provider ARN); undefined when not read.
 */
export function trustClientIds(role: { attrs: Record<string, unknown> }, evidence: Record<string, unknown> | undefined): string[] | undefined {
  const listed = (role.attrs.oidcClientIds as Record<string, unknown> | undefined)?.[String(evidence?.provider)];
  return Array.isArray(listed) ? listed.filter((c): c is string => typeof c === 'string') : undefined;
}

/**
 * Whether a token whose sub is an object id meets the operators on the sub key of an AWS trust edge
 * (its `evidence.subject`, a ClaimFact). Every operator is asked, as IAM ANDs them: a pattern's own
 * operator is matched by the linker itself, but another positive one on the key (StringLike `*-*`
 * beside ForAnyValue:StringLike `abc*`) narrows it, as negated and Null ones do. A pinned sub is found
 * among the tenant's object ids ignoring case, so every operator is asked, positive ones too: the
 * token carries the object id as Entra writes it (lower case, as Graph returns it), and StringEquals
 * (or StringLike) compares case while StringEqualsIgnoreCase does not (IAM User Guide, condition
 * operators), so an upper-case object id under StringEquals admits no token. With no operator, or
 * a fact not of that shape, every object id.
 */
export function subjectFilter(fact: unknown): (objectId: string) => boolean {
  const f = (fact ?? {}) as AudienceFact;
  const claim = { values: strings(f.values), operators: strings(f.operators), entries: Array.isArray(f.entries) ? entriesOf(f.entries) : undefined };
  if (f.status === 'pinned') {
    const entries = claimEntries(claim);
    return (objectId) => entries.every((e) => entryAccepts(e, objectId));
  }
  const entries = claim.entries;
  if (entries === undefined) return () => true;
  return (objectId) => entries.every((e) => entryAccepts(e, objectId));
}

/**
 * The positive operators on the sub key of an AWS trust edge (its `evidence.subject`), each with its
 * values, when there are several or negated ones beside them (the fact's `entries`); empty when the
 * key has one operator, the pattern or value the edge names.
 */
export function subjectPositives(fact: unknown): ClaimEntry[] {
  const f = (fact ?? {}) as AudienceFact;
  return Array.isArray(f.entries) ? entriesOf(f.entries).filter(entryPositive) : [];
}

/** The operator entries of a fact's `entries`, as the AWS transform writes them (ClaimFact). */
function entriesOf(list: unknown[]): ClaimEntry[] {
  return list.flatMap((e) => {
    const x = e as { op?: unknown; values?: unknown };
    return typeof x.op === 'string' ? [{ op: x.op, values: strings(x.values) }] : [];
  });
}

/** The trust's operators on the key that compare case, as written. */
function caseOperators(ops: readonly string[]): string {
  const names = [...new Set(ops)].filter((op) => !/ignorecase/i.test(op));
  return names.length > 0 ? names.join(' and ') : 'the condition';
}
