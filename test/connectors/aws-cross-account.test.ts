import { describe, expect, it } from 'vitest';
import { ACCT, OTHER, allow, awsGraph, awsSnapshot, doc, roleId, trust, userArn, userId } from '../helpers/aws-builders.js';
import { GraphBuilder, type Graph } from '../../src/graph/graph.js';
import { crossAccountState, linkCrossAccount, StepRecorder, transformAws } from '../../src/connectors/aws/transform.js';
import { answerAccount } from '../../src/connectors/aws/account-answers.js';
import { createEvaluator, parseAuthorizationDetails } from '../../src/aws/index.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { ids } from '../../src/graph/ids.js';
import { scanSnapshot } from '../../src/scan.js';
import { allRules } from '../../rules/index.js';
import { explain } from '../../src/explain.js';
import { renderRecertCsv } from '../../src/reporters/recert.js';
import { parseCsv } from '../../src/connectors/aws/transform-csv.js';

/** Cross-account CAN_ASSUME edges from a principal, through a shared set node or direct. */
function reaches(g: Graph, from: string, to: string): { conditional: boolean; evidence?: Record<string, unknown> } | undefined {
  for (const e of g.out(from, 'CAN_ASSUME')) {
    if (e.to === to) return { conditional: !!e.conditional, evidence: e.evidence };
    if (g.node(e.to)?.type === 'aws-escalation-set') {
      const last = g.out(e.to, 'CAN_ASSUME').find((x) => x.to === to);
      if (last) return { conditional: !!e.conditional || !!last.conditional, evidence: last.evidence };
    }
  }
  return undefined;
}

describe('cross-account routes to roles trusting "*"', () => {
  it('a role trusting "*" under aws:PrincipalOrgID is reached, conditionally, from another scanned account', () => {
    const g = awsGraph({
      [ACCT]: { users: [{ name: 'bot', inline: [doc(allow('sts:AssumeRole'))] }] },
      [OTHER]: { roles: [{ name: 'OrgAdmin', managed: ['AdministratorAccess'], trust: trust.anyone({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } } }) }] },
    });
    const r = reaches(g, userId('bot'), roleId('OrgAdmin', OTHER));
    expect(r).toBeDefined();
    expect(r!.conditional).toBe(true);
  });

  it('an unconditional "*" trust gives a firm route; a principal without sts:AssumeRole gets none', () => {
    const g = awsGraph({
      [ACCT]: { users: [{ name: 'bot', inline: [doc(allow('sts:AssumeRole'))] }, { name: 'reader', inline: [doc(allow('s3:GetObject'))] }] },
      [OTHER]: { roles: [{ name: 'Open', managed: ['AdministratorAccess'], trust: trust.anyone() }] },
    });
    expect(reaches(g, userId('bot'), roleId('Open', OTHER))).toEqual(expect.objectContaining({ conditional: false }));
    expect(reaches(g, userId('reader'), roleId('Open', OTHER))).toBeUndefined();
  });
});

describe('a role that trusts the account and also names the principal', () => {
  // The role is a candidate twice over (through the account and through the principal's ARN):
  // one route, never two, whether the trust reads the caller's tags (asked principal by
  // principal) or only its account (asked once for the account), and whether the principal's
  // sts:AssumeRole Allow names the roles or `*`.
  const named = (resource: string) => ({
    [ACCT]: { users: [{ name: 'bot', inline: [doc(allow('sts:AssumeRole', resource))] }] },
    [OTHER]: {
      roles: [
        {
          name: 'Tagged',
          trust: doc(
            { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'ops' } } },
            { Effect: 'Allow', Principal: { AWS: userArn('bot') }, Action: 'sts:AssumeRole' },
          ),
        },
        { name: 'Wide', trust: doc({ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${ACCT}:root`, userArn('bot')] }, Action: 'sts:AssumeRole' }) },
      ],
    },
  });
  for (const resource of ['*', `arn:aws:iam::${OTHER}:role/*`]) {
    it(`gives the principal one route to it (sts:AssumeRole on ${resource})`, () => {
      // The pass itself, as the graph would hide a repeated edge: each step is recorded.
      const snapshot = awsSnapshot(named(resource));
      const now = new Date(snapshot.manifest.collectedAt);
      const states = [ACCT, OTHER].map((account) => {
        const model = parseAuthorizationDetails(snapshot.files[`aws/${account}/authorization-details.json`]);
        const evaluator = createEvaluator(model, { now });
        return crossAccountState({ account, model, evaluator, answers: answerAccount(model, evaluator) });
      });
      const recorder = new StepRecorder();
      linkCrossAccount(recorder, states, now);
      for (const role of ['Tagged', 'Wide']) {
        expect(recorder.ops.filter((op) => 'edge' in op && op.edge.from === userId('bot') && op.edge.to === roleId(role, OTHER))).toHaveLength(1);
      }
      expect(reaches(awsGraph(named(resource)), userId('bot'), roleId('Wide', OTHER))).toEqual(expect.objectContaining({ conditional: false }));
    });
  }
});

describe('cross-account routes through what could not be read', () => {
  const broken = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*' }] };

  it('an assumer with an unreadable identity policy keeps a conditional route, with what was undecided', () => {
    const g = awsGraph({
      [ACCT]: { users: [{ name: 'bot', inline: [doc(allow('s3:GetObject')), broken] }] },
      [OTHER]: { roles: [{ name: 'X', managed: ['AdministratorAccess'], trust: trust.account(ACCT) }] },
    });
    const r = reaches(g, userId('bot'), roleId('X', OTHER));
    expect(r?.conditional).toBe(true);
    expect(String(r?.evidence?.undecided)).toMatch(/could not all be read/);
  });

  it('a role whose trust policy cannot be read is a conditional candidate for other accounts\' assumers', () => {
    const g = awsGraph({
      [ACCT]: { users: [{ name: 'bot', inline: [doc(allow('sts:AssumeRole'))] }, { name: 'reader', inline: [doc(allow('s3:GetObject'))] }] },
      [OTHER]: { roles: [{ name: 'Opaque', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Action: 'sts:AssumeRole' }) }] },
    });
    const r = reaches(g, userId('bot'), roleId('Opaque', OTHER));
    expect(r?.conditional).toBe(true);
    expect(String(r?.evidence?.undecided)).toMatch(/trust policy .* could not be read/);
    expect(reaches(g, userId('reader'), roleId('Opaque', OTHER))).toBeUndefined();
  });
});

describe('a trusted account that is listed but whose IAM was not read', () => {
  it('keeps a conditional external route ("IAM not read") instead of none', () => {
    const snap = awsSnapshot({
      [ACCT]: { users: [{ name: 'bot', inline: [doc(allow('sts:AssumeRole'))] }] },
      [OTHER]: { roles: [{ name: 'X', managed: ['AdministratorAccess'], trust: trust.account(ACCT) }] },
    });
    delete snap.files[`aws/${ACCT}/authorization-details.json`];
    const b = new GraphBuilder();
    transformAws(snap, b, DEFAULT_CONFIG);
    const g = b.build();
    const e = g.in(roleId('X', OTHER), 'CAN_ASSUME').find((x) => x.from === ids.external('aws-account', ACCT));
    expect(e).toBeDefined();
    expect(e!.conditional).toBe(true);
    expect(e!.reason).toMatch(/IAM was not read/);
    expect(g.node(ids.external('aws-account', ACCT))!.name).toMatch(/IAM not read/);
  });

  it('a scanned account gets no external node; an account never listed stays firm ("not scanned")', () => {
    const g = awsGraph({
      [ACCT]: { users: [{ name: 'bot', inline: [doc(allow('sts:AssumeRole'))] }] },
      [OTHER]: { roles: [{ name: 'X', managed: ['AdministratorAccess'], trust: trust.account(ACCT) }, { name: 'V', trust: trust.account('999988887777') }] },
    });
    expect(g.node(ids.external('aws-account', ACCT))).toBeUndefined();
    const v = g.in(roleId('V', OTHER), 'CAN_ASSUME').find((x) => x.from === ids.external('aws-account', '999988887777'));
    expect(v?.conditional).toBeFalsy();
  });
});

describe('Deny statements and actions of a trust policy, on external routes', () => {
  const anyoneEdge = (g: Graph, role: string) => g.in(roleId(role), 'CAN_ASSUME').find((e) => e.from === ids.external('anyone', '*'));
  const fedEdges = (g: Graph, role: string) => g.in(roleId(role), 'FEDERATES_TO');

  it('"*" with a Deny unless aws:PrincipalOrgID is conditional; an unconditional Deny on "*" leaves no edge', () => {
    const g = awsGraph({
      [ACCT]: {
        roles: [
          {
            name: 'R',
            managed: ['AdministratorAccess'],
            trust: doc(
              { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
              { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc' } } },
            ),
          },
          { name: 'Shut', trust: doc({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: '*', Action: 'sts:*' }) },
          { name: 'Open', trust: trust.anyone() },
        ],
      },
    });
    expect(anyoneEdge(g, 'R')?.conditional).toBe(true);
    expect(anyoneEdge(g, 'R')?.reason).toMatch(/Deny .*aws:PrincipalOrgID/);
    expect(anyoneEdge(g, 'Shut')).toBeUndefined();
    expect(anyoneEdge(g, 'Open')?.conditional).toBe(false);
  });

  it('"*" narrowed by an account the scan cannot read (a policy variable) is conditional; by ${aws:ResourceAccount}, narrowed', () => {
    const g = awsGraph({
      [ACCT]: {
        roles: [
          { name: 'Var', trust: trust.anyone({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:SourceAccount}:role/*' } } }) },
          { name: 'Own', trust: trust.anyone({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:ResourceAccount}:role/*' } } }) },
        ],
      },
    });
    expect(anyoneEdge(g, 'Var')?.conditional).toBe(true);
    expect(anyoneEdge(g, 'Var')?.reason).toMatch(/perhaps narrowed by aws:PrincipalArn/);
    expect(anyoneEdge(g, 'Own')?.reason).toMatch(/narrowed by aws:PrincipalArn/);
    expect(anyoneEdge(g, 'Own')?.reason).not.toMatch(/perhaps/);
    expect(anyoneEdge(g, 'Own')?.conditional).toBe(true);
  });

  it('an external account whose external id a Deny requires is trusted "with an sts:ExternalId"', () => {
    const V = '999988887777';
    const g = awsGraph({
      [ACCT]: {
        roles: [
          {
            name: 'DenyExt',
            trust: doc(
              { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${V}:root` }, Action: 'sts:AssumeRole' },
              { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'sts:ExternalId': 'cust-42' } } },
            ),
          },
        ],
      },
    });
    const e = g.in(roleId('DenyExt'), 'CAN_ASSUME').filter((x) => x.from === ids.external('aws-account', V));
    expect(e.map((x) => x.evidence?.externalId)).toEqual([true]);
    expect(e[0].reason).toMatch(/with an sts:ExternalId/);
  });

  it('a third party whose external id a Deny on callers outside the organisation requires is trusted "with an sts:ExternalId"', () => {
    const V = '999988887777';
    const allowV = { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${V}:root` }, Action: 'sts:AssumeRole' };
    const denyOutside = (org: string) => ({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': org, 'sts:ExternalId': 'cust-42' } } });
    const g = awsGraph({ [ACCT]: { roles: [{ name: 'OrgExt', trust: doc(allowV, denyOutside('o-abc123')) }, { name: 'AnyOrgExt', trust: doc(allowV, { ...denyOutside('o-*'), Condition: { StringNotLike: { 'aws:PrincipalOrgID': 'o-*', 'sts:ExternalId': 'cust-42' } } }) }] } });
    const ext = (role: string) => g.in(roleId(role), 'CAN_ASSUME').filter((x) => x.from === ids.external('aws-account', V));
    expect(ext('OrgExt').map((x) => x.evidence?.externalId)).toEqual([true]);
    expect(ext('AnyOrgExt').map((x) => x.evidence?.externalId)).toEqual([false]);
  });

  // An account is in one organisation only: a Deny sparing two lets callers of one that is not
  // yours through without the external id, and the vendor may be in it, so the trust is not read
  // as requiring one.
  it('a Deny on callers outside two organisations without the external id does not make the trust "with an sts:ExternalId"', () => {
    const V = '999988887777';
    const g = awsGraph({
      [ACCT]: {
        roles: [
          {
            name: 'TwoOrgExt',
            trust: doc(
              { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${V}:root` }, Action: 'sts:AssumeRole' },
              { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ['o-abc123', 'o-vendor99'], 'sts:ExternalId': 'cust-42' } } },
            ),
          },
        ],
      },
    });
    const e = g.in(roleId('TwoOrgExt'), 'CAN_ASSUME').filter((x) => x.from === ids.external('aws-account', V));
    expect(e.map((x) => x.evidence?.externalId)).toEqual([false]);
    expect(e[0].reason).toMatch(/without sts:ExternalId/);
  });

  it('an external account denied unconditionally gets no edge; denied under a condition, or allowed only another action, a conditional one', () => {
    const V = '999988887777';
    const allowV = (Action: string, extra = {}) => ({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${V}:root` }, Action, ...extra });
    const g = awsGraph({
      [ACCT]: {
        roles: [
          { name: 'Denied', trust: doc(allowV('sts:AssumeRole'), { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${V}:root` }, Action: 'sts:AssumeRole' }) },
          { name: 'Maybe', trust: doc(allowV('sts:AssumeRole'), { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }) },
          { name: 'Tag', trust: doc(allowV('sts:TagSession')) },
          { name: 'Plain', trust: doc(allowV('sts:AssumeRole')) },
          // A Deny naming one user of the account leaves its other principals in (the account is not the user).
          { name: 'OneUserDenied', trust: doc(allowV('sts:AssumeRole'), { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${V}:user/intern` }, Action: 'sts:AssumeRole' }) },
        ],
      },
    });
    const ext = (role: string) => g.in(roleId(role), 'CAN_ASSUME').filter((e) => e.from === ids.external('aws-account', V));
    expect(ext('Denied')).toEqual([]);
    expect(ext('OneUserDenied').map((e) => !!e.conditional)).toEqual([false]);
    expect(ext('Maybe').map((e) => e.conditional)).toEqual([true]);
    expect(ext('Tag').map((e) => e.conditional)).toEqual([true]);
    expect(ext('Tag')[0].reason).toMatch(/does not allow sts:AssumeRole/);
    expect(ext('Plain').map((e) => !!e.conditional)).toEqual([false]);
  });

  // A session of a role in an account not scanned is a principal of that account as the role is
  // (IAM User Guide, Principal element, role session principals): the trust is reached from the
  // account's external node alike, external id and Deny read alike; a Deny naming the role covers it.
  it('a trusted session of a role in an account not scanned gets an edge from that account, as the role does', () => {
    const V = '999988887777';
    const session = `arn:aws:sts::${V}:assumed-role/scanner/nightly`;
    const g = awsGraph({
      [ACCT]: {
        roles: [
          { name: 'Session', trust: trust.principal(session) },
          { name: 'SessionExt', trust: trust.principal(session, { Condition: { StringEquals: { 'sts:ExternalId': 'cust-42' } } }) },
          { name: 'SessionDenied', trust: doc({ Effect: 'Allow', Principal: { AWS: session }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${V}:role/scanner` }, Action: 'sts:AssumeRole' }) },
        ],
      },
    });
    const ext = (role: string) => g.in(roleId(role), 'CAN_ASSUME').filter((e) => e.from === ids.external('aws-account', V));
    expect(ext('Session').map((e) => [!!e.conditional, e.evidence?.externalId])).toEqual([[false, false]]);
    expect(ext('Session')[0].reason).toContain(`trusts account ${V} (${session}) without sts:ExternalId`);
    expect(ext('SessionExt').map((e) => e.evidence?.externalId)).toEqual([true]);
    expect(ext('SessionDenied')).toEqual([]);
  });

  // A federated user session (GetFederationToken) of an account not scanned is one of its principals,
  // as a role session is: reached from the account's external node, external id and Deny read alike.
  // STS lets such a session call no STS operation but GetCallerIdentity (STS API Reference,
  // GetFederationToken), so whether it can assume the role is a doubt: the route is conditional.
  it('a trusted federated user session of an account not scanned gets a conditional edge from that account', () => {
    const V = '999988887777';
    const fed = `arn:aws:sts::${V}:federated-user/partner-app`;
    const g = awsGraph({
      [ACCT]: {
        roles: [
          { name: 'Fed', trust: trust.principal(fed) },
          { name: 'FedExt', trust: trust.principal(fed, { Condition: { StringEquals: { 'sts:ExternalId': 'cust-42' } } }) },
          { name: 'FedDenied', trust: doc({ Effect: 'Allow', Principal: { AWS: fed }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: { AWS: V }, Action: 'sts:AssumeRole' }) },
        ],
      },
    });
    const ext = (role: string) => g.in(roleId(role), 'CAN_ASSUME').filter((e) => e.from === ids.external('aws-account', V));
    expect(ext('Fed').map((e) => [!!e.conditional, e.evidence?.externalId])).toEqual([[true, false]]);
    expect(ext('Fed')[0].reason).toContain(`trusts account ${V} (${fed}) without sts:ExternalId`);
    expect(ext('Fed')[0].reason).toContain('GetCallerIdentity');
    expect(ext('Fed')[0].evidence?.undecided).toEqual([expect.stringContaining(fed)]);
    expect(ext('FedExt').map((e) => e.evidence?.externalId)).toEqual([true]);
    expect(ext('FedDenied')).toEqual([]);
  });

  it('OIDC and SAML trusts: a conditional Deny or the wrong action make the route conditional, an unconditional Deny removes it', () => {
    const gh = `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com`;
    const saml = `arn:aws:iam::${ACCT}:saml-provider/Okta`;
    const ghAllow = { Effect: 'Allow', Principal: { Federated: gh }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } } };
    const g = awsGraph({
      [ACCT]: {
        oidcProviders: [{ url: 'token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'] }],
        samlProviders: ['Okta'],
        roles: [
          { name: 'GH', trust: doc(ghAllow, { Effect: 'Deny', Principal: { Federated: gh }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringNotLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } } }) },
          { name: 'GHShut', trust: doc(ghAllow, { Effect: 'Deny', Principal: { Federated: gh }, Action: 'sts:AssumeRoleWithWebIdentity' }) },
          { name: 'GHPlain', trust: doc(ghAllow) },
          { name: 'S', trust: doc({ Effect: 'Allow', Principal: { Federated: saml }, Action: 'sts:AssumeRole' }) },
          { name: 'SPlain', trust: doc({ Effect: 'Allow', Principal: { Federated: saml }, Action: 'sts:AssumeRoleWithSAML' }) },
        ],
      },
    });
    expect(fedEdges(g, 'GH').map((e) => e.conditional)).toEqual([true]);
    expect(fedEdges(g, 'GHShut')).toEqual([]);
    expect(fedEdges(g, 'GHPlain').map((e) => !!e.conditional)).toEqual([false]);
    expect(fedEdges(g, 'S').map((e) => e.conditional)).toEqual([true]);
    expect(fedEdges(g, 'S')[0].reason).toMatch(/does not allow sts:AssumeRoleWithSAML/);
    expect(fedEdges(g, 'SPlain').map((e) => !!e.conditional)).toEqual([false]);
  });
});

describe('web identity providers named directly in a trust (Cognito, Google…)', () => {
  const web = (provider: string, Condition?: Record<string, unknown>) => doc({ Effect: 'Allow', Principal: { Federated: provider }, Action: 'sts:AssumeRoleWithWebIdentity', ...(Condition ? { Condition } : {}) });

  it('Cognito without an aud condition: a firm route from any identity pool; with one, a conditional route from that pool', () => {
    const g = awsGraph({
      [ACCT]: {
        roles: [
          { name: 'Unauth', managed: ['AdministratorAccess'], trust: web('cognito-identity.amazonaws.com', { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'unauthenticated' } }) },
          { name: 'Pool', trust: web('cognito-identity.amazonaws.com', { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:1111-2222' } }) },
          { name: 'Google', trust: web('accounts.google.com', { StringEquals: { 'accounts.google.com:aud': '1234.apps.googleusercontent.com' } }) },
          { name: 'WrongAction', trust: doc({ Effect: 'Allow', Principal: { Federated: 'accounts.google.com' }, Action: 'sts:AssumeRole' }) },
        ],
      },
    });
    const fed = (role: string) => g.in(roleId(role), 'FEDERATES_TO');
    expect(fed('Unauth').map((e) => !!e.conditional)).toEqual([false]);
    expect(g.node(fed('Unauth')[0].from)!.name).toMatch(/any Amazon Cognito identity pool/);
    expect(fed('Pool').map((e) => e.conditional)).toEqual([true]);
    expect(g.node(fed('Pool')[0].from)!.name).toContain('us-east-1:1111-2222');
    expect(fed('Google').map((e) => e.conditional)).toEqual([true]);
    expect(fed('WrongAction').map((e) => e.conditional)).toEqual([true]);
  });
});

describe('how a web identity trust matches its aud, when roles share the provider node', () => {
  const web = (provider: string, Condition: Record<string, unknown>) => doc({ Effect: 'Allow', Principal: { Federated: provider }, Action: 'sts:AssumeRoleWithWebIdentity', Condition });
  const key = 'accounts.google.com:aud';
  // StringLike reads 1234* as a pattern (any aud starting 1234); StringEquals as the literal aud
  // "1234*". Both trusts name the same aud text, so they share one node.
  const like = { name: 'Like', trust: web('accounts.google.com', { StringLike: { [key]: '1234*' } }) };
  const equals = { name: 'Equals', trust: web('accounts.google.com', { StringEquals: { [key]: '1234*' } }) };

  it.each([
    ['the pattern first', [like, equals]],
    ['the literal first', [equals, like]],
  ])('each edge says how its own trust matches; the node, the loosest of them (%s)', (_order, roles) => {
    const g = awsGraph({ [ACCT]: { roles } });
    const fed = (role: string) => g.in(roleId(role), 'FEDERATES_TO');
    expect(fed('Like').map((e) => e.evidence?.audienceMatch)).toEqual(['wildcard']);
    expect(fed('Equals').map((e) => e.evidence?.audienceMatch)).toEqual(['exact']);
    expect(fed('Like')[0].from).toBe(fed('Equals')[0].from);
    expect(g.node(fed('Like')[0].from)!.attrs.audienceMatch).toBe('wildcard');
  });

  it('judges each aud value of a pattern condition on its own, and no condition as missing', () => {
    const g = awsGraph({
      [ACCT]: {
        roles: [
          { name: 'Mixed', trust: web('accounts.google.com', { StringLike: { [key]: ['1234.apps.googleusercontent.com', '99*'] } }) },
          { name: 'Open', trust: doc({ Effect: 'Allow', Principal: { Federated: 'accounts.google.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }) },
        ],
      },
    });
    const byAud = new Map(g.in(roleId('Mixed'), 'FEDERATES_TO').map((e) => [g.node(e.from)!.attrs.audience, [e.evidence?.audienceMatch, g.node(e.from)!.attrs.audienceMatch]]));
    expect(Object.fromEntries(byAud)).toEqual({ '1234.apps.googleusercontent.com': ['exact', 'exact'], '99*': ['wildcard', 'wildcard'] });
    const open = g.in(roleId('Open'), 'FEDERATES_TO');
    expect(open.map((e) => [e.evidence?.audienceMatch, g.node(e.from)!.attrs.audienceMatch])).toEqual([['missing', 'missing']]);
  });
});

describe('a web identity provider named directly, with operators on sub', () => {
  const web = (provider: string, Condition: Record<string, unknown>) => doc({ Effect: 'Allow', Principal: { Federated: provider }, Action: 'sts:AssumeRoleWithWebIdentity', Condition });

  it('is a trust no token passes when every pinned sub is turned away, and says what a negated pattern turns away of a pattern', () => {
    const aud = { 'accounts.google.com:aud': '1234.apps.googleusercontent.com' };
    const g = awsGraph({
      [ACCT]: {
        roles: [
          { name: 'Refused', trust: web('accounts.google.com', { StringEquals: { ...aud, 'accounts.google.com:sub': '1111' }, StringNotEquals: { 'accounts.google.com:sub': '1111' } }) },
          { name: 'Narrowed', trust: web('accounts.google.com', { StringEquals: aud, StringLike: { 'accounts.google.com:sub': '11*' }, StringNotLike: { 'accounts.google.com:sub': '111*' } }) },
          { name: 'Plain', trust: web('accounts.google.com', { StringEquals: { ...aud, 'accounts.google.com:sub': '1111' }, StringNotEquals: { 'accounts.google.com:sub': '2222' } }) },
          { name: 'Covered', trust: web('accounts.google.com', { StringEquals: aud, StringLike: { 'accounts.google.com:sub': '11*' }, StringNotLike: { 'accounts.google.com:sub': '1*' } }) },
        ],
      },
    });
    const fed = (role: string) => g.in(roleId(role), 'FEDERATES_TO')[0];
    expect(fed('Refused').evidence?.dead).toBe('StringNotEquals 1111 on the same key does not take sub 1111, and every operator on a key must hold, so no token meets sub 1111');
    expect(fed('Narrowed').evidence?.dead).toBeUndefined();
    // Which subs of 11* the negated pattern turns away is known: said, and no doubt of its own.
    expect(fed('Narrowed').evidence?.undecided).toEqual(['who can obtain a accounts.google.com token for aud 1234.apps.googleusercontent.com is not read']);
    expect(fed('Narrowed').reason).toContain('; but StringNotLike 111* on the same key turns away the tokens whose sub matches 111*');
    // A negated pattern covering the whole of it: no token passes.
    expect(fed('Covered').evidence?.dead).toBe('StringNotLike 1* on the same key turns away every sub that matches 11*, and every operator on a key must hold, so no token meets it');
    // Near miss: a negated value naming another sub turns away nothing this trust admits.
    expect(fed('Plain').evidence?.dead).toBeUndefined();
    expect(fed('Plain').evidence?.undecided).toEqual(['who can obtain a accounts.google.com token for aud 1234.apps.googleusercontent.com is not read']);
  });
});

describe('a role whose trust policy cannot be read, in its own account', () => {
  it('gets a conditional route from principals allowed sts:AssumeRole on it, and none from others', () => {
    const g = awsGraph({
      [ACCT]: {
        users: [
          { name: 'ops', inline: [doc(allow('sts:AssumeRole', `arn:aws:iam::${ACCT}:role/Opaque`))] },
          { name: 'reader', inline: [doc(allow('s3:GetObject'))] },
          { name: 'elsewhere', inline: [doc(allow('sts:AssumeRole', `arn:aws:iam::${ACCT}:role/Other`))] },
        ],
        roles: [{ name: 'Opaque', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Action: 'sts:AssumeRole' }) }],
      },
    });
    const r = reaches(g, userId('ops'), roleId('Opaque'));
    expect(r?.conditional).toBe(true);
    expect(String(r?.evidence?.undecided)).toMatch(/trust policy .* could not be read/);
    expect(reaches(g, userId('reader'), roleId('Opaque'))).toBeUndefined();
    expect(reaches(g, userId('elsewhere'), roleId('Opaque'))).toBeUndefined();
  });
});

describe('NotPrincipal in a role trust policy (IAM does not accept it)', () => {
  it('makes the trust unusable: conditional routes from other accounts and a warning, not "anyone" firm routes', () => {
    const g = awsGraph({
      [ACCT]: { users: [{ name: 'bot', inline: [doc(allow('sts:AssumeRole'))] }] },
      [OTHER]: { roles: [{ name: 'NotP', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${OTHER}:user/blocked` }, Action: 'sts:AssumeRole' }) }] },
    });
    const r = reaches(g, userId('bot'), roleId('NotP', OTHER));
    expect(r?.conditional).toBe(true);
    expect(String(r?.evidence?.undecided)).toMatch(/NotPrincipal/);
    expect(g.node(roleId('NotP', OTHER))!.attrs.trust).toEqual(expect.objectContaining({ unusable: expect.objectContaining({ problem: expect.stringMatching(/NotPrincipal/) }) }));
  });
});

describe('a trust policy naming a role session (arn:aws:sts::…:assumed-role/ROLE/SESSION)', () => {
  // IAM User Guide, "AWS JSON policy elements: Principal", role session principals: the session
  // ARN names the role (by name, without its path) and a session name, which whoever assumes
  // that role chooses. So the named role reaches the trusting role, but only with that session
  // name: a conditional route, never a firm one, and never one for another role.
  const session = (acct: string, role: string, name: string) => `arn:aws:sts::${acct}:assumed-role/${role}/${name}`;
  // One account: role Worker (whose identity policy allows `workerAction`) and an admin role Target.
  const workerAndTarget = (workerAction: string, targetTrust: ReturnType<typeof doc>) =>
    awsGraph({
      [ACCT]: {
        roles: [
          { name: 'Worker', trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow(workerAction))] },
          { name: 'Target', managed: ['AdministratorAccess'], trust: targetTrust },
        ],
      },
    });

  it('the named role (with a path) reaches the trusting role in another account, conditionally, with the session name', () => {
    const g = awsGraph({
      [ACCT]: {
        roles: [
          { name: 'Worker', path: '/jobs/', trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow('sts:AssumeRole'))] },
          { name: 'Other', trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow('sts:AssumeRole'))] },
        ],
      },
      [OTHER]: { roles: [{ name: 'Target', managed: ['AdministratorAccess'], trust: trust.principal(session(ACCT, 'Worker', 'nightly')) }] },
    });
    const worker = ids.awsPrincipal(ACCT, `arn:aws:iam::${ACCT}:role/jobs/Worker`);
    const r = reaches(g, worker, roleId('Target', OTHER));
    expect(r).toBeDefined();
    expect(r!.conditional).toBe(true);
    expect(String(r!.evidence?.undecided)).toMatch(/nightly/);
    expect(reaches(g, roleId('Other'), roleId('Target', OTHER))).toBeUndefined();
  });

  it('in the same account too', () => {
    const g = awsGraph({
      [ACCT]: {
        roles: [
          { name: 'Worker', trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow('sts:AssumeRole'))] },
          { name: 'Other', trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow('sts:AssumeRole'))] },
          { name: 'Target', managed: ['AdministratorAccess'], trust: trust.principal(session(ACCT, 'Worker', 'nightly')) },
        ],
      },
    });
    const r = reaches(g, roleId('Worker'), roleId('Target'));
    expect(r).toBeDefined();
    expect(r!.conditional).toBe(true);
    expect(String(r!.evidence?.undecided)).toMatch(/nightly/);
    expect(reaches(g, roleId('Other'), roleId('Target'))).toBeUndefined();
  });

  it('in its own account the trust naming the session is enough without an identity Allow (conditional, as always for sessions)', () => {
    // IAM User Guide, "Policy evaluation for requests within a single account": a resource-based
    // policy that names a role session grants to it directly.
    const g = workerAndTarget('s3:GetObject', trust.principal(session(ACCT, 'Worker', 'nightly')));
    expect(reaches(g, roleId('Worker'), roleId('Target'))).toEqual(expect.objectContaining({ conditional: true }));
  });

  it('listed beside the account root in one statement, the session still names the role: a conditional route without an identity Allow', () => {
    const g = workerAndTarget('s3:GetObject', doc({ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${ACCT}:root`, session(ACCT, 'Worker', 'nightly')] }, Action: 'sts:AssumeRole' }));
    const r = reaches(g, roleId('Worker'), roleId('Target'));
    expect(r).toEqual(expect.objectContaining({ conditional: true }));
    expect(String(r!.evidence?.undecided)).toMatch(/nightly/);
  });

  it('a session name no call can have (a wildcard) matches nothing', () => {
    const g = workerAndTarget('sts:AssumeRole', trust.principal(session(ACCT, 'Worker', '*')));
    expect(reaches(g, roleId('Worker'), roleId('Target'))).toBeUndefined();
  });

  it('a trust naming the role itself under a condition the snapshot cannot decide is enough on its own, conditionally', () => {
    const g = workerAndTarget('s3:GetObject', trust.principal(`arn:aws:iam::${ACCT}:role/Worker`, { Condition: { StringEquals: { 'sts:ExternalId': 'x' } } }));
    expect(reaches(g, roleId('Worker'), roleId('Target'))).toEqual(expect.objectContaining({ conditional: true }));
  });

  it('a Deny naming the session only might apply: it does not remove an Allow of the whole account', () => {
    const g = awsGraph({
      [ACCT]: { roles: [{ name: 'Worker', trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow('sts:AssumeRole'))] }] },
      [OTHER]: {
        roles: [
          {
            name: 'Target',
            managed: ['AdministratorAccess'],
            trust: doc(
              { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole' },
              { Effect: 'Deny', Principal: { AWS: session(ACCT, 'Worker', 'nightly') }, Action: 'sts:AssumeRole' },
            ),
          },
        ],
      },
    });
    const r = reaches(g, roleId('Worker'), roleId('Target', OTHER));
    expect(r).toBeDefined();
    expect(r!.conditional).toBe(true);
  });
});

describe('the native id of a trusted account outside the scan', () => {
  // IAM keeps a bare account id in a trust policy as the account's root principal ARN; the node
  // says so, in the trusting account's partition. A bare 12-digit id would lose its leading zero
  // in a spreadsheet (the recertification sheet's native_id column).
  const ZERO = '012345678901';
  const spec = { [ACCT]: { roles: [{ name: 'Vendor', managed: ['ReadOnlyAccess'], trust: trust.account(ZERO) }] } };

  it('is the root principal ARN, in the partition of the account that trusts it', () => {
    const node = (s: ReturnType<typeof awsSnapshot>) => {
      const b = new GraphBuilder();
      transformAws(s, b, DEFAULT_CONFIG);
      return b.build().node(ids.external('aws-account', ZERO))!;
    };
    expect(node(awsSnapshot(spec)).nativeId).toBe(`arn:aws:iam::${ZERO}:root`);
    // The same account read from the China partition: every ARN of the files says aws-cn.
    const cn = awsSnapshot(spec);
    cn.files = JSON.parse(JSON.stringify(cn.files).replaceAll('arn:aws:', 'arn:aws-cn:')) as typeof cn.files;
    const n = node(cn);
    expect(n.nativeId).toBe(`arn:aws-cn:iam::${ZERO}:root`);
    // The account id itself stays in the scope and the name.
    expect([n.scope, n.name]).toEqual([ZERO, `AWS account ${ZERO} (not scanned)`]);
  });

  it('is what the recertification sheet shows, and `explain` still finds the account by its bare id', () => {
    const admin = { [ACCT]: { roles: [{ name: 'Vendor', managed: ['AdministratorAccess'], trust: trust.account(ZERO) }] } };
    const result = scanSnapshot(awsSnapshot(admin), { now: new Date('2026-11-20T09:00:00Z'), config: DEFAULT_CONFIG, rules: allRules, version: 'test' });
    const row = parseCsv(renderRecertCsv(result.report), 'recert.csv').find((r) => r.type === 'aws-account')!;
    expect([row.native_id, row.scope]).toEqual([`arn:aws:iam::${ZERO}:root`, `external:${ZERO}`]);
    for (const q of [ZERO, `arn:aws:iam::${ZERO}:root`]) {
      const m = explain(result, q);
      expect(m.kind === 'card' ? m.card.identity.id : m.kind, q).toBe(ids.external('aws-account', ZERO));
    }
    // Only an outside account answers to its bare id: the scanned one is no subject of that name.
    expect(explain(result, ACCT).kind).toBe('none');
  });
});
