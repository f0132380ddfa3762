import { describe, it, expect } from 'vitest';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { ids } from '../../src/graph/ids.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
const ACCT = '111122223333';
const ISSUER = `sts.windows.net/${TENANT}/`;
const OPS_AGENT = ids.entraSp(TENANT, 'ef64d807-28f7-4739-a893-33575ef793c0');
const OPS_AGENT_APPID = 'd8b52952-66bf-4927-97a3-022df7648254';
const INFRA_DEPLOYER = ids.entraSp(TENANT, '17d50a4b-dc01-45d2-ba56-482d3a428ff6');
const INFRA_APPID = '96f647d4-52b8-4491-82b6-bf90202d3dab';
const roleId = (name: string) => ids.awsPrincipal(ACCT, `arn:aws:iam::${ACCT}:role/${name}`);

type Json = Record<string, any>;
/** The demo with one more role trusting the Entra tenant's tokens under `condition`. */
function withRole(name: string, condition: Json, extraClientId?: string): Snapshot {
  const s = demoSnapshot();
  const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
  const ops = details.RoleDetailList.find((r: Json) => r.RoleName === 'ops-agent-role');
  const role = structuredClone(ops);
  role.RoleName = name;
  role.RoleId = 'AROAEXAMPLEEXAMPLE01';
  role.Arn = `arn:aws:iam::${ACCT}:role/${name}`;
  role.AssumeRolePolicyDocument.Statement[0].Condition = condition;
  details.RoleDetailList.push(role);
  if (extraClientId) {
    const providers = s.files[`aws/${ACCT}/oidc-providers.json`] as Json[];
    providers.find((p) => p.Url === ISSUER)!.ClientIDList.push(extraClientId);
  }
  return s;
}
const assumers = (r: ReturnType<typeof scan>, role: string) => r.graph.in(roleId(role), 'CAN_ASSUME').map((e) => e.from).sort();

describe('Entra tokens into AWS roles: only the apps the trust names', () => {
  it('each role is linked to the app its own aud condition names, not the first role\'s', () => {
    const r = scan(withRole('infra-role', { StringEquals: { [`${ISSUER}:aud`]: INFRA_APPID } }, INFRA_APPID));
    expect(assumers(r, 'infra-role')).toEqual([INFRA_DEPLOYER]);
    expect(assumers(r, 'ops-agent-role')).toEqual([OPS_AGENT]);
  });

  it('an aud naming the app by its App ID URI (servicePrincipalNames) links that app', () => {
    // A v1 token requested for api://ops-agent carries that URI as aud, not the app id.
    const s = withRole('uri-role', { StringEquals: { [`${ISSUER}:aud`]: 'api://ops-agent' } }, 'api://ops-agent');
    const sps = (s.files['entra/servicePrincipals.json'] as Json).value ?? s.files['entra/servicePrincipals.json'];
    const sp = (sps as Json[]).find((x) => x.appId === OPS_AGENT_APPID)!;
    sp.servicePrincipalNames = [OPS_AGENT_APPID, 'api://ops-agent'];
    expect(assumers(scan(s), 'uri-role')).toEqual([OPS_AGENT]);
  });

  it('a sub pattern that does not match the audience app\'s object id links nothing', () => {
    const r = scan(withRole('pattern-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID }, StringLike: { [`${ISSUER}:sub`]: '00000000-*' } }));
    expect(assumers(r, 'pattern-role')).toEqual([]);
    // Near miss: a pattern that matches it.
    const m = scan(withRole('pattern-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID }, StringLike: { [`${ISSUER}:sub`]: 'ef64d807-*' } }));
    expect(assumers(m, 'pattern-role')).toEqual([OPS_AGENT]);
  });

  it('a sub pattern with many stars is matched in linear time, with the same answers', () => {
    // A backtracking regex would need about 36^10 steps for the first pattern: the scan stalled.
    const miss = scan(withRole('pattern-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID }, StringLike: { [`${ISSUER}:sub`]: `${'*e'.repeat(10)}*X` } }));
    expect(assumers(miss, 'pattern-role')).toEqual([]);
    const hit = scan(withRole('pattern-role', { StringEquals: { [`${ISSUER}:aud`]: OPS_AGENT_APPID }, StringLike: { [`${ISSUER}:sub`]: '*e*6*4*d*8*0*7*-*2*8*' } }));
    expect(assumers(hit, 'pattern-role')).toEqual([OPS_AGENT]);
  });
});

describe('OIDC trusts whose provider does not accept the token', () => {
  const ghFinding = (r: ReturnType<typeof scan>) =>
    r.report.findings.find((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.subject.name === 'GitHub repo:northwind/*' && f.evidence.crownJewel === 'admin');

  it('a trust naming an OIDC provider the account does not have is a possibility, not a path', () => {
    const s = demoSnapshot();
    const providers = s.files[`aws/${ACCT}/oidc-providers.json`] as Json[];
    s.files[`aws/${ACCT}/oidc-providers.json`] = providers.filter((p) => p.Url !== 'token.actions.githubusercontent.com');
    const f = ghFinding(scan(s))!;
    expect(f.path![0]).toMatchObject({ type: 'FEDERATES_TO', conditional: true });
    expect(f.path![0].reason).toMatch(/no OIDC provider/);
    expect(f.message).toMatch(/may reach/);
    // Near miss: the demo as is.
    const d = ghFinding(scan(demoSnapshot()))!;
    expect(d.path![0].conditional).toBe(false);
    expect(d.message).not.toMatch(/may reach/);
  });

  it('a pinned aud the provider\'s client id list does not hold is a possibility, not a path', () => {
    const s = demoSnapshot();
    const providers = s.files[`aws/${ACCT}/oidc-providers.json`] as Json[];
    providers.find((p) => p.Url === 'token.actions.githubusercontent.com')!.ClientIDList = ['something-else'];
    const f = ghFinding(scan(s))!;
    expect(f.path![0]).toMatchObject({ conditional: true });
    expect(f.path![0].reason).toMatch(/client id list/);
  });
});

it('an Entra app\'s link into a role inherits the doubt of the trust it rides on', () => {
  const s = demoSnapshot();
  const providers = s.files[`aws/${ACCT}/oidc-providers.json`] as Json[];
  s.files[`aws/${ACCT}/oidc-providers.json`] = providers.filter((p) => p.Url !== ISSUER);
  const r = scan(s);
  const link = r.graph.in(roleId('ops-agent-role'), 'CAN_ASSUME').find((e) => e.from === OPS_AGENT)!;
  expect(link.conditional).toBe(true);
  expect(link.reason).toMatch(/no OIDC provider/);
});

describe('Entra tokens into Entra apps (federated identity credential with the tenant as issuer)', () => {
  it('the service principal whose object id the credential pins can sign in as the app', () => {
    const s = demoSnapshot();
    const fics = s.files['entra/federatedIdentityCredentials.json'] as Record<string, Json[]>;
    // Legacy Provisioning Sync (RoleManagement.ReadWrite.Directory) trusts Directory Reader Sync's tokens.
    fics['521b7fa3-4460-40d3-a6b0-1a5287a47071'] = [
      { id: '0f5e0c57-7a3b-4d8e-9d55-2d1f2f6b3a10', name: 'from-reader', issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`, subject: '9ecf916d-06cc-4a4d-a861-b237ebf00e83', audiences: ['api://AzureADTokenExchange'] },
    ];
    const r = scan(s);
    const reader = ids.entraSp(TENANT, '9ecf916d-06cc-4a4d-a861-b237ebf00e83');
    const legacy = ids.entraSp(TENANT, 'c808fcb1-fee2-48fe-8a05-cac58233ce37');
    expect(r.graph.out(reader, 'CAN_ASSUME').map((e) => e.to)).toEqual([legacy]);
    const admin = r.analysis.crownJewelPaths(reader).find((p) => p.crownJewel === 'admin');
    expect(admin?.hops[0]).toMatchObject({ from: reader, to: legacy, type: 'CAN_ASSUME' });
  });
});

describe('Entra issuers of the national clouds', () => {
  // Issuers per cloud (Microsoft Q&A, "token issuers for the sovereign clouds"): v1
  // sts.windows.net (global and US Government) or sts.chinacloudapi.cn; v2 login.microsoftonline.com,
  // login.microsoftonline.us or login.partner.microsoftonline.cn.
  const roleTrusting = (issuer: string): Snapshot => {
    const s = demoSnapshot();
    const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
    const role = structuredClone(details.RoleDetailList.find((r: Json) => r.RoleName === 'ops-agent-role'));
    role.RoleName = 'cloud-role';
    role.RoleId = 'AROAEXAMPLEEXAMPLE02';
    role.Arn = `arn:aws:iam::${ACCT}:role/cloud-role`;
    const provider = `arn:aws:iam::${ACCT}:oidc-provider/${issuer}`;
    role.AssumeRolePolicyDocument.Statement[0].Principal = { Federated: provider };
    role.AssumeRolePolicyDocument.Statement[0].Condition = { StringEquals: { [`${issuer}:aud`]: OPS_AGENT_APPID } };
    details.RoleDetailList.push(role);
    (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).push({ Arn: provider, Url: issuer, ClientIDList: [OPS_AGENT_APPID], ThumbprintList: [] });
    return s;
  };

  for (const issuer of [`login.microsoftonline.us/${TENANT}/v2.0`, `sts.chinacloudapi.cn/${TENANT}/`, `login.partner.microsoftonline.cn/${TENANT}/v2.0`]) {
    it(`links a role trusting ${issuer.split('/')[0]} tokens of the scanned tenant`, () => {
      expect(assumers(scan(roleTrusting(issuer)), 'cloud-role')).toEqual([OPS_AGENT]);
    });
  }

  it('does not take a look-alike host for an Entra issuer', () => {
    expect(assumers(scan(roleTrusting(`login.microsoftonline.cn.example/${TENANT}/v2.0`)), 'cloud-role')).toEqual([]);
  });
});
