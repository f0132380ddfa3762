import { describe, expect, it } from 'vitest';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { ids } from '../../src/graph/ids.js';

// The linker (the trust's FEDERATES_TO edge and the CAN_ASSUME links it gives), the AWS transform
// (the client id list, evidence.blocked) and nhi-entra-token-any-app-assumes-aws-role judge one
// Entra -> AWS trust by the same verdicts (audienceVerdict, pinnedAudienceListed): over operator
// combinations on the aud key, they must agree whether it is open, latent or dead.
const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
const ACCT = '111122223333';
const ISSUER = `sts.windows.net/${TENANT}/`;
const KEY = `${ISSUER}:aud`;
const APPID = 'd8b52952-66bf-4927-97a3-022df7648254'; // Ops Agent: no assignment required, v1 tokens
const UPPER = APPID.toUpperCase();
const URI = 'api://OpsAgent';
const OTHER = '96f647d4-52b8-4491-82b6-bf90202d3dab';
const ROLE = ids.awsPrincipal(ACCT, `arn:aws:iam::${ACCT}:role/ops-agent-role`);

type Json = Record<string, any>;
// `may`: open only if something the scan cannot decide holds (the linker's links and trust edge
// conditional on it, the rule's finding saying it in evidence.undecided).
type Verdict = 'open' | 'may' | 'latent' | 'dead';

function judge(ops: Record<string, string[]>, clientIds: string[], uri = URI): { linker: Verdict; rule: Verdict } {
  const s = demoSnapshot();
  const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
  details.RoleDetailList.find((x: Json) => x.RoleName === 'ops-agent-role').AssumeRolePolicyDocument.Statement[0].Condition = Object.fromEntries(
    Object.entries(ops).map(([op, values]) => [op, { [KEY]: values }]),
  );
  (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).find((p) => p.Url === ISSUER)!.ClientIDList = clientIds;
  const file = s.files['entra/servicePrincipals.json'] as Json;
  ((file.value ?? file) as Json[]).find((x) => x.appId === APPID)!.servicePrincipalNames = [APPID, uri];
  const r = scan(s);
  const fed = r.graph.in(ROLE, 'FEDERATES_TO').find((e) => e.from.includes(TENANT))!;
  const links = r.graph.in(ROLE, 'CAN_ASSUME').filter((e) => e.evidence?.issuer !== undefined);
  let linker: Verdict = fed.evidence?.dead !== undefined || links.length === 0 ? 'dead' : fed.evidence?.blocked !== undefined ? 'latent' : 'open';
  // A link that holds today beside a trust the account turns away (or the other way) is a disagreement.
  if (linker === 'latent' && links.some((l) => l.evidence?.blocked === undefined)) linker = 'open';
  if (linker === 'open' && links.every((l) => l.evidence?.blocked !== undefined)) linker = 'latent';
  if (linker === 'open' && fed.conditional === true && links.every((l) => l.conditional === true)) linker = 'may';
  const f = r.report.findings.filter((x) => x.ruleId === 'nhi-entra-token-any-app-assumes-aws-role' && x.evidence.role === ROLE);
  expect(f.length).toBeLessThanOrEqual(1);
  const rule: Verdict = f.length === 0 ? 'dead' : f[0].messageId === 'latent' ? 'latent' : f[0].evidence.undecided !== undefined ? 'may' : 'open';
  return { linker, rule };
}

const rows: Array<[string, Record<string, string[]>, string[], Verdict]> = [
  ['app id, IgnoreCase upper beside a lower pattern', { StringEqualsIgnoreCase: [UPPER], StringLike: ['d8b52952-*'] }, [APPID], 'open'],
  ['app id, IgnoreCase upper beside an upper pattern', { StringEqualsIgnoreCase: [UPPER], StringLike: ['D8B52952-*'] }, [APPID], 'dead'],
  ['app id, StringEquals upper beside a lower pattern', { StringEquals: [UPPER], StringLike: ['d8b52952-*'] }, [APPID], 'dead'],
  ['app id, both operators take it, the list does not hold it', { StringEqualsIgnoreCase: [UPPER], 'ForAnyValue:StringLike': ['d8b52952-?*'] }, [OTHER], 'latent'],
  ['URI, IgnoreCase lower beside a mixed-case pattern', { StringEqualsIgnoreCase: ['api://opsagent'], StringLike: ['api://O*'] }, [URI], 'open'],
  ['URI, patterns fixing two letters', { StringEqualsIgnoreCase: ['api://opsagent'], StringLike: ['api://O*', 'x'], StringLikeIfExists: ['*Agent'] }, [URI], 'open'],
  ['URI, patterns fixing one letter both ways', { StringEqualsIgnoreCase: ['api://opsagent'], StringLike: ['api://O*'], 'ForAnyValue:StringLike': ['api://o*'] }, [URI], 'dead'],
  ['URI, StringEquals as listed beside a pattern it meets', { StringEquals: [URI], StringLike: ['api://Ops*'] }, [URI], 'open'],
  ['URI, StringEquals beside a pattern in another case', { StringEquals: [URI], StringLike: ['api://ops*'] }, [URI], 'dead'],
  ['URI, met, the list holding another audience only', { StringEqualsIgnoreCase: ['api://opsagent'], StringLike: ['api://O*'] }, [OTHER], 'latent'],
  // api://Opsagent meets both; the list holds it only as api://opsagent (clientIdCaseDoubt).
  ['URI, patterns only, one casing meets both', { StringLike: ['api://O*'], 'ForAnyValue:StringLike': ['*agent'] }, ['api://opsagent'], 'may'],
  // …IfExists and ForAllValues: hold when the key is absent, but a web identity token always has aud.
  ['URI, IfExists and ForAllValues: operators, mixed case', { StringEqualsIgnoreCaseIfExists: ['api://opsagent'], 'ForAllValues:StringLike': ['api://O*'] }, [URI], 'open'],
  ['URI, IfExists and ForAllValues: operators, conflicting', { StringEqualsIgnoreCaseIfExists: ['api://opsagent'], 'ForAllValues:StringLike': ['api://O*'], StringLikeIfExists: ['api://o*'] }, [URI], 'dead'],
  ['URI, patterns only, fixing one letter both ways', { StringLike: ['api://O*'], 'ForAnyValue:StringLike': ['api://o*'] }, ['api://opsagent'], 'dead'],
  // Negated operators hold when the aud matches none of their values (aud is single-valued, and
  // always present, so …IfExists changes nothing); Null true never holds for a web identity token.
  ['app id, StringNotEquals the one pinned app id', { StringEquals: [APPID], StringNotEquals: [APPID] }, [APPID], 'dead'],
  ['app id, StringNotEquals alone names it', { StringNotEquals: [APPID] }, [APPID], 'dead'],
  ['app id, StringNotLikeIfExists beside StringLike *', { StringLike: ['*'], StringNotLikeIfExists: ['d8b52952-*'] }, [APPID], 'dead'],
  ['app id, StringNotEquals in upper case, which Entra never writes', { StringEquals: [APPID], StringNotEquals: [UPPER] }, [APPID], 'open'],
  ['URI, StringNotLike of its written case: another case passes, the list holds it as written', { StringLike: ['api://*'], StringNotLike: ['api://Ops*'] }, [URI], 'may'],
  ['URI, StringNotEqualsIgnoreCase names it', { StringLike: ['api://*'], StringNotEqualsIgnoreCase: ['api://opsagent'] }, [URI], 'dead'],
  ['URI, StringNotLike of another app', { StringLike: ['api://*'], StringNotLike: ['api://x*'] }, [URI], 'open'],
  ['URI, IgnoreCase beside StringNotEquals of its listed spelling', { StringEqualsIgnoreCase: [URI], StringNotEquals: [URI] }, [URI], 'may'],
  ['app id, Null true on aud', { StringEquals: [APPID], Null: ['true'] }, [APPID], 'dead'],
  ['app id, Null false on aud', { StringEquals: [APPID], Null: ['false'] }, [APPID], 'open'],
  ['app id, ArnNotLike on aud: how it reads a non-ARN is not known', { StringEquals: [APPID], ArnNotLike: ['arn:*'] }, [APPID], 'may'],
  // The audiences are the client ids: one no casing of which meets the pattern is no token STS takes,
  // whichever app (of the tenant or not) it names.
  ['a pattern no client id meets, naming no app of the tenant', { StringLike: ['api://x*'] }, ['api://gone'], 'dead'],
  ['a pattern no client id meets, one naming no app and one the app id', { StringLike: ['api://x*'] }, ['api://gone', APPID], 'dead'],
  // Operators of another type compare aud by it (IAM condition operators): an app id is no number,
  // date, boolean, address or ARN, so such an operator never takes it; one whose reading is not known is a doubt.
  ['app id, NumericEquals of the app id', { NumericEquals: [APPID] }, [APPID], 'dead'],
  ['app id, StringEquals beside DateEquals', { StringEquals: [APPID], DateEquals: ['2026-01-01T00:00:00Z'] }, [APPID], 'dead'],
  ['app id, ArnLike of a bare *', { StringEquals: [APPID], ArnLike: ['*'] }, [APPID], 'may'],
  ['app id, Bool true', { StringEquals: [APPID], Bool: ['true'] }, [APPID], 'dead'],
];

describe('the linker and the rule agree on a trust under several aud operators', () => {
  it.each(rows)('%s', (_name, ops, clientIds, expected) => {
    expect(judge(ops, clientIds)).toEqual({ linker: expected, rule: expected });
  });
});

describe('a condition the casing search gives up on', () => {
  it('is a doubt for the linker, the transform and the rule alike', () => {
    const text = `api://${'ab'.repeat(40)}`;
    const ops = { StringEqualsIgnoreCase: [text], StringLike: ['*A*b*A*b*A*b*A*b*', '*a?B*'], StringLikeIfExists: ['*b*A*B*a*B*a*B*a*Z'], 'ForAnyValue:StringLike': ['api://*A?A*'] };
    expect(judge(ops, [text], text)).toEqual({ linker: 'may', rule: 'may' });
  });
});

describe('a doubt of the client id list under several aud operators', () => {
  it('is said once, in the spelling the transform and the linker both find', () => {
    // StringEqualsIgnoreCase API://OPSAGENT beside StringLike api://O*: a token asked for as
    // api://Opsagent meets both, and the list holds it only as api://opsagent.
    const s = demoSnapshot();
    const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
    details.RoleDetailList.find((x: Json) => x.RoleName === 'ops-agent-role').AssumeRolePolicyDocument.Statement[0].Condition = {
      StringEqualsIgnoreCase: { [KEY]: ['API://OPSAGENT'] },
      StringLike: { [KEY]: ['api://O*'] },
    };
    (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).find((p) => p.Url === ISSUER)!.ClientIDList = ['api://opsagent'];
    const file = s.files['entra/servicePrincipals.json'] as Json;
    ((file.value ?? file) as Json[]).find((x) => x.appId === APPID)!.servicePrincipalNames = [APPID, URI];
    const r = scan(s);
    const doubt = /^STS compares the token's aud api:\/\/Opsagent with the provider's client id list ignoring case, which is not documented: the list holds it only as api:\/\/opsagent$/;
    const fed = r.graph.in(ROLE, 'FEDERATES_TO').find((e) => e.from.includes(TENANT))!;
    expect(fed.evidence?.undecided).toEqual([expect.stringMatching(doubt)]);
    const f = r.report.findings.filter((x) => x.ruleId === 'nhi-entra-token-any-app-assumes-aws-role' && x.evidence.role === ROLE);
    expect(f.map((x) => x.messageId)).toEqual(['open']);
    expect(f[0].evidence.undecided).toEqual([expect.stringMatching(doubt)]);
    expect(f[0].message.match(/STS compares/g)).toHaveLength(1);
  });
});

describe('an aud value the operators take only in another case', () => {
  it('still names its app: the caller asks for the case they take', () => {
    // StringLike api://* takes api://opsagent, a spelling of API://OPSAGENT a caller may ask for,
    // beside a value the pattern takes as written (api://gone, no app of the tenant).
    const s = demoSnapshot();
    const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
    details.RoleDetailList.find((x: Json) => x.RoleName === 'ops-agent-role').AssumeRolePolicyDocument.Statement[0].Condition = {
      StringEqualsIgnoreCase: { [KEY]: ['API://OPSAGENT', 'api://gone'] },
      StringLike: { [KEY]: ['api://*'] },
    };
    (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).find((p) => p.Url === ISSUER)!.ClientIDList = ['API://OPSAGENT', 'api://gone'];
    const file = s.files['entra/servicePrincipals.json'] as Json;
    ((file.value ?? file) as Json[]).find((x) => x.appId === APPID)!.servicePrincipalNames = [APPID, URI];
    const r = scan(s);
    expect(r.graph.in(ROLE, 'CAN_ASSUME').filter((e) => e.evidence?.issuer !== undefined).map((e) => e.from)).toEqual([ids.entraSp(TENANT, 'ef64d807-28f7-4739-a893-33575ef793c0')]);
    const f = r.report.findings.filter((x) => x.ruleId === 'nhi-entra-token-any-app-assumes-aws-role' && x.evidence.role === ROLE);
    expect(f.map((x) => [x.messageId, x.evidence.audiences])).toEqual([['open', ['API://OPSAGENT', 'api://gone']]]);
    expect(f[0].message).toMatch(/Ops Agent does not require app-role assignment/);
  });
});

describe('a trust whose client ids no token meeting its aud pattern can carry', () => {
  it('gives a pinned sub no link and is dead for paths from the issuer', () => {
    // StringLike api://x* admits only audiences the list must hold, and it holds api://gone (no app
    // of the tenant), which no casing of meets the pattern: STS takes no token through the trust.
    const sp = 'ef64d807-28f7-4739-a893-33575ef793c0';
    const s = demoSnapshot();
    const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
    details.RoleDetailList.find((x: Json) => x.RoleName === 'ops-agent-role').AssumeRolePolicyDocument.Statement[0].Condition = {
      StringLike: { [KEY]: ['api://x*'] },
      StringEquals: { [`${ISSUER}:sub`]: [sp] },
    };
    (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).find((p) => p.Url === ISSUER)!.ClientIDList = ['api://gone'];
    const r = scan(s);
    expect(r.graph.in(ROLE, 'CAN_ASSUME').filter((e) => e.evidence?.issuer !== undefined)).toEqual([]);
    const fed = r.graph.in(ROLE, 'FEDERATES_TO').find((e) => e.from.includes(TENANT))!;
    expect(fed.evidence?.dead).toMatch(/api:\/\/x\*.*api:\/\/gone/);
  });
});
