import { describe, expect, it } from 'vitest';
import rule from '../../../rules/entra/entra-fic-weak-subject.js';
import { ruleCases } from '../../helpers/entra-builders.js';
import { gid, rawGraph, rawSp, rawVerdict, spNodeId } from '../../helpers/entra-raw.js';
import { demoSnapshot, scan } from '../../e2e/demo.js';
import { ids } from '../../../src/graph/ids.js';

const NOW = '2026-11-20T00:00:00Z';

describe('entra-fic-weak-subject', () => {
  ruleCases(rule, NOW, [
    {
      name: 'pull_request subject on a T4 app is critical',
      build: (g) => {
        const sp = g.sp('deploy');
        g.appRole(sp, 'RoleManagement.ReadWrite.Directory');
        g.fic(sp, { subject: 'repo:contoso/infra:pull_request', match: 'wildcard', note: 'every pull-request workflow' });
        return sp;
      },
      verdict: 'fail',
      severities: ['critical'],
      message: ['every pull-request workflow'],
    },
    {
      name: 'flexible wildcard expression on a low-tier app is high',
      build: (g) => {
        const sp = g.sp('build');
        g.fic(sp, { subject: "claims['sub'] matches 'repo:contoso/*'", match: 'wildcard' });
        return sp;
      },
      verdict: 'fail',
      severities: ['high'],
    },
    {
      name: 'unknown issuer with a pinned subject fails on the issuer',
      build: (g) => {
        const sp = g.sp('k8s');
        g.fic(sp, { issuer: 'https://oidc.example.net', subject: 'system:serviceaccount:prod:api', match: 'exact' });
        return sp;
      },
      verdict: 'fail',
      message: ['https://oidc.example.net', 'not in the allowed list'],
    },
    {
      name: 'near miss: environment-pinned GitHub subject with the standard audience passes',
      build: (g) => {
        const sp = g.sp('deploy');
        g.appRole(sp, 'RoleManagement.ReadWrite.Directory');
        g.fic(sp, { subject: 'repo:contoso/infra:environment:prod', match: 'exact' });
        return sp;
      },
      verdict: 'pass',
    },
    {
      // GitHub Enterprise Cloud can give an enterprise its own issuer URL, the default one plus the
      // enterprise slug (GitHub REST API "Set the GitHub Actions OIDC custom issuer policy for an enterprise").
      name: 'GitHub enterprise-specific issuer with a pinned subject passes',
      build: (g) => {
        const sp = g.sp('deploy');
        g.fic(sp, { issuer: 'https://token.actions.githubusercontent.com/contoso-ent', subject: 'repo:contoso/infra:environment:prod', match: 'exact' });
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'near miss: a look-alike host is still not an allowed issuer',
      build: (g) => {
        const sp = g.sp('deploy');
        g.fic(sp, { issuer: 'https://token.actions.githubusercontent.com.evil.example', subject: 'repo:contoso/infra:environment:prod', match: 'exact' });
        return sp;
      },
      verdict: 'fail',
      message: ['not in the allowed list'],
    },
    {
      // Microsoft Learn lists one token-exchange audience per cloud: api://AzureADTokenExchange (public),
      // ...USGov (Fairfax), ...China (Mooncake), ...USNat, ...USSec; the scanner supports national clouds.
      name: 'US Government token-exchange audience and issuer pass',
      build: (g) => {
        const sp = g.sp('gov');
        g.fic(sp, { issuer: 'https://login.microsoftonline.us/9a1b2c3d-1111-4222-8333-444455556666/v2.0', subject: 'b0b0b0b0-1111-4222-8333-444455556666', match: 'exact', audiences: ['api://AzureADTokenExchangeUSGov'] });
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'near miss: an audience of another application still fails',
      build: (g) => {
        const sp = g.sp('gov');
        g.fic(sp, { subject: 'repo:contoso/infra:environment:prod', match: 'exact', audiences: ['api://my-api'] });
        return sp;
      },
      verdict: 'fail',
      severities: ['medium'],
    },
    {
      name: 'the issuer allow-list is an option',
      options: { allowedIssuers: ['^https://oidc\\.example\\.net$'] },
      build: (g) => {
        const sp = g.sp('k8s');
        g.fic(sp, { issuer: 'https://oidc.example.net', subject: 'system:serviceaccount:prod:api', match: 'exact' });
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'unknown when federated credentials were not collected',
      coverage: { 'entra.federatedIdentityCredentials': 'error' },
      build: (g) => g.sp('x'),
      verdict: 'unknown',
    },
    {
      name: 'unknown when this application is missing from federatedIdentityCredentials.json (not read)',
      build: (g) => g.sp('x', { attrs: { ficsCollected: false } }),
      verdict: 'unknown',
    },
    {
      name: 'near miss: a service principal with no app registration in the tenant cannot hold one',
      build: (g) => g.sp('vendor', { attrs: { applicationObjectId: undefined, ficsCollected: undefined, tenantOwned: false } }),
      verdict: 'pass',
    },
    {
      name: 'unknown for a user-assigned managed identity: its federated credentials live in Azure Resource Manager, which is not collected',
      build: (g) =>
        g.sp('mi-deploy', {
          type: 'entra-managed-identity',
          attrs: { applicationObjectId: undefined, ficsCollected: undefined, alternativeNames: ['isExplicit=True', '/subscriptions/0000/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi-deploy'] },
        }),
      verdict: 'unknown',
    },
    {
      name: 'near miss: a system-assigned managed identity cannot hold federated credentials',
      build: (g) =>
        g.sp('func-prod', {
          type: 'entra-managed-identity',
          attrs: { applicationObjectId: undefined, ficsCollected: undefined, alternativeNames: ['isExplicit=False', '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Web/sites/func-prod'] },
        }),
      verdict: 'pass',
    },
  ]);
});

describe('entra-fic-weak-subject on federated credentials as Graph v1.0 returns them', () => {
  const GH = 'https://token.actions.githubusercontent.com';
  const verdictFor = (fic: Record<string, unknown>) => {
    const sp = rawSp('Deployer');
    const app = { id: gid(), appId: sp.appId, displayName: 'Deployer' };
    const g = rawGraph({
      'servicePrincipals.json': [sp],
      'applications.json': [app],
      'federatedIdentityCredentials.json': { [app.id]: [{ id: gid(), name: 'ci', audiences: ['api://AzureADTokenExchange'], ...fic }] },
    });
    return rawVerdict(rule, g, spNodeId(sp));
  };

  it('a GitHub credential without a subject is unknown (a flexible one has its expression in beta only), not a fail saying any token is accepted', () => {
    const r = verdictFor({ issuer: GH });
    expect(r.verdict).toBe('unknown');
    expect(r.messages).toEqual([]);
  });

  it('an eq expression naming a pull_request subject fails like the plain subject', () => {
    const r = verdictFor({ issuer: GH, claimsMatchingExpression: { value: "claims['sub'] eq 'repo:contoso/infra:pull_request'", languageVersion: 1 } });
    expect(r.verdict).toBe('fail');
    expect(r.messages[0]).toContain('every pull-request workflow of contoso/infra');
  });

  it('a pull_request subject under a GitHub Enterprise issuer fails', () => {
    expect(verdictFor({ issuer: `${GH}/contoso`, subject: 'repo:contoso/infra:pull_request' }).verdict).toBe('fail');
  });

  it('a customised repository_owner subject fails: every repository of the organisation can sign in', () => {
    const r = verdictFor({ issuer: GH, subject: 'repository_owner:contoso' });
    expect(r.verdict).toBe('fail');
    expect(r.messages[0]).toContain('names no single repository');
  });

  it('near miss: an environment-pinned subject under a GitHub Enterprise issuer passes', () => {
    expect(verdictFor({ issuer: `${GH}/contoso`, subject: 'repo:contoso/infra:environment:prod' }).verdict).toBe('pass');
  });
  // Microsoft Learn, "Flexible federated identity credentials": clauses claims['<name>'] eq|matches
  // '<comparand>' joined by `and`, `*` the wildcard of `matches`, custom claims such as job_workflow_ref.
  const expr = (value: string) => verdictFor({ issuer: GH, claimsMatchingExpression: { value, languageVersion: 1 } });
  it('near miss: a sub pinned with eq, narrowed further by a matches on job_workflow_ref, passes', () => {
    const r = expr("claims['sub'] eq 'repo:contoso/infra:environment:prod' and claims['job_workflow_ref'] matches 'contoso/workflows/.github/workflows/*.yml@refs/heads/main'");
    expect([r.verdict, r.messages]).toEqual(['pass', []]);
  });
  it('near miss: matches on sub with no wildcard names one subject and passes', () => {
    expect(expr("claims['sub'] matches 'repo:contoso/infra:environment:prod'").verdict).toBe('pass');
  });
  it('a sub matched by a pattern with * fails, whatever another claim is pinned to', () => {
    const r = expr("claims['sub'] matches 'repo:contoso/infra:ref:refs/heads/*' and claims['job_workflow_ref'] eq 'contoso/wf/.github/workflows/a.yml@refs/heads/main'");
    expect(r.verdict).toBe('fail');
    expect(r.messages[0]).toContain('admits many subjects');
  });
  it('matches on sub with no wildcard is still judged as that subject: a pull_request one fails', () => {
    expect(expr("claims['sub'] matches 'repo:contoso/infra:pull_request'").messages[0]).toContain('every pull-request workflow of contoso/infra');
  });
  it('no sub clause but a pattern on another claim fails; text not of the documented shape with matches fails', () => {
    expect(expr("claims['job_workflow_ref'] matches 'contoso/*'").verdict).toBe('fail');
    expect(expr("claims['sub'] eq 'repo:contoso/infra:environment:prod' or claims['sub'] matches 'repo:*'").verdict).toBe('fail');
  });
});

describe('entra-fic-weak-subject: a service principal of the tenant with no registration in the snapshot', () => {
  // Its federated credentials would hang on a registration: with the registrations read, it has
  // none (pass); with them not read (the file kept but disowned by the manifest), it may have one.
  const verdict = (applications: 'collected' | 'missing-permission') => {
    const sp = rawSp('Lone SP');
    const other = { id: gid(), appId: gid(), displayName: 'Other registration' };
    const g = rawGraph({ 'servicePrincipals.json': [sp], 'applications.json': [other] }, [{ capability: 'entra.applications', status: applications }]);
    return rawVerdict(rule, g, spNodeId(sp)).verdict;
  };

  it('passes when the registrations were read', () => {
    expect(verdict('collected')).toBe('pass');
  });

  it('is unknown when they were not read', () => {
    expect(verdict('missing-permission')).toBe('unknown');
  });
});

// A credential the linker finds no token can pass (its issuer written otherwise than the tokens
// carry it, or only audiences no token carries) is inactive, with why (attrs.dead): its weak
// subject admits nobody today. It is reported at low with that reason, not at the severity of a
// live trust: the credential is broken config, and fixing its issuer as it stands would open it.
describe('entra-fic-weak-subject on a credential no token passes', () => {
  const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
  const V2 = `https://login.microsoftonline.com/${TENANT}/v2.0`;
  const LEGACY_APP = '521b7fa3-4460-40d3-a6b0-1a5287a47071'; // Legacy Provisioning Sync's registration
  const LEGACY = ids.entraSp(TENANT, 'c808fcb1-fee2-48fe-8a05-cac58233ce37');
  const findings = (issuer: string, audience = 'api://AzureADTokenExchange') => {
    const s = demoSnapshot();
    (s.files['entra/federatedIdentityCredentials.json'] as Record<string, unknown[]>)[LEGACY_APP] = [
      { id: '0f5e0c57-7a3b-4d8e-9d55-2d1f2f6b3a10', name: 'any-caller', issuer, audiences: [audience], claimsMatchingExpression: { value: "claims['sub'] matches '*'", languageVersion: 1 } },
    ];
    return scan(s).report.findings.filter((f) => f.ruleId === 'entra-fic-weak-subject' && f.subject.id === LEGACY);
  };

  it('a live credential fails at the severity of its app', () => {
    const [f, ...rest] = findings(V2);
    expect(rest).toEqual([]);
    expect(f.severity).toMatch(/^(high|critical)$/);
    expect(f.message).not.toContain('no token passes');
    expect(f.evidence.dead).toBeUndefined();
  });

  it('a dead one (its issuer ends in a slash no token carries) is low, and says why no token passes', () => {
    const [f, ...rest] = findings(`${V2}/`);
    expect(rest).toEqual([]);
    expect(f.severity).toBe('low');
    expect(f.message).toContain(`no token passes it today: the issuer is written ${V2}/, but the tokens of that issuer carry iss ${V2}`);
    expect(f.evidence.dead).toEqual(expect.stringContaining('Entra matches a federated credential\'s issuer as written'));
    // The same finding as the live one's: a baseline or waiver of it holds across the fix.
    expect(f.fingerprint).toBe(findings(V2)[0].fingerprint);
  });

  it('its other findings too: an Okta issuer written with a slash, not allowed, with another audience', () => {
    const org = 'https://northwind.okta.example'; // the demo's Okta org
    const live = findings(org, 'api://other');
    const dead = findings(`${org}/`, 'api://other');
    expect(live.map((f) => [f.messageId, f.severity])).toEqual([['issuer', 'critical'], ['weakSubject', 'critical'], ['audience', 'medium']]);
    expect(dead.map((f) => [f.messageId, f.severity])).toEqual([['issuerDead', 'low'], ['audienceDead', 'low'], ['weakSubjectDead', 'low']]);
    for (const f of dead) expect(f.message).toContain(`no token passes it today: the issuer is written ${org}/, but the tokens of that issuer carry iss ${org}`);
  });

  it('the description says so', () => {
    expect(rule.meta.description).toMatch(/no token passes/);
  });
});
