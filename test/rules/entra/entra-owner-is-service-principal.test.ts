import { describe, expect, it } from 'vitest';
import rule from '../../../rules/entra/entra-owner-is-service-principal.js';
import { ruleCases } from '../../helpers/entra-builders.js';
import { gid, rawGraph, rawSp, rawVerdict, spNodeId } from '../../helpers/entra-raw.js';

const NOW = '2026-11-20T00:00:00Z';

describe('entra-owner-is-service-principal', () => {
  ruleCases(rule, NOW, [
    {
      name: 'T3 app owned by another SP fails, escalated to high',
      build: (g) => {
        const owned = g.sp('provisioner');
        g.appRole(owned, 'User.ReadWrite.All');
        const owner = g.sp('ci-runner');
        g.owner(owner, owned);
        return owned;
      },
      verdict: 'fail',
      severities: ['high'],
      message: ['owned by service principal ci-runner'],
    },
    {
      name: 'with PIM eligibilities not read, the owner\'s tier in the message is a lower bound',
      coverage: { 'entra.pim': 'missing-permission' },
      build: (g) => {
        const owned = g.sp('provisioner');
        g.appRole(owned, 'User.ReadWrite.All');
        const owner = g.sp('ci-runner');
        g.owner(owner, owned);
        return owned;
      },
      verdict: 'fail',
      severities: ['high'],
      message: ['owned by service principal ci-runner (tier T0 or higher (the PIM role eligibilities of tenant 11111111-2222-4333-8444-555555555555 were not read (denied: test); so whether it reaches a tier above T0 cannot be judged)), which'],
    },
    {
      name: 'near miss: human owner passes',
      build: (g) => {
        const sp = g.sp('app');
        g.owner(g.user('Alice'), sp);
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'near miss: an app owning itself is not a chain',
      build: (g) => {
        const sp = g.sp('self-rotating');
        g.owner(sp, sp);
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'unknown when owners were not read',
      build: (g) => g.sp('x', { attrs: { ownersCollected: false } }),
      verdict: 'unknown',
    },
  ]);
});

describe('entra-owner-is-service-principal: an owner of both the registration and its SP', () => {
  it('is reported once (two OWNS edges, one owning service principal)', () => {
    const sp = rawSp('Ops Agent');
    const app = { id: gid(), appId: sp.appId, displayName: 'Ops Agent' };
    const deployer = rawSp('Deployer');
    const ref = { '@odata.type': '#microsoft.graph.servicePrincipal', id: deployer.id, displayName: 'Deployer' };
    const g = rawGraph({
      'servicePrincipals.json': [sp, deployer],
      'applications.json': [app],
      'applicationOwners.json': { [app.id]: [ref] },
      'servicePrincipalOwners.json': { [sp.id]: [ref] },
    });
    expect(rawVerdict(rule, g, spNodeId(sp))).toMatchObject({ verdict: 'fail', messages: [expect.stringContaining('Deployer')] });
  });
});
