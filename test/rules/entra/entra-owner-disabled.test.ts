import { describe, expect, it } from 'vitest';
import rule from '../../../rules/entra/entra-owner-disabled.js';
import { ruleCases } from '../../helpers/entra-builders.js';
import { gid, rawGraph, rawSp, rawVerdict, spNodeId } from '../../helpers/entra-raw.js';

const NOW = '2026-11-20T00:00:00Z';

describe('entra-owner-disabled', () => {
  ruleCases(rule, NOW, [
    {
      name: 'a disabled owner next to an active one fails',
      build: (g) => {
        const sp = g.sp('app');
        g.owner(g.user('Alice'), sp);
        g.owner(g.user('Bob Former', { enabled: false }), sp);
        return sp;
      },
      verdict: 'fail',
      message: ['Owner Bob Former', 'disabled'],
    },
    {
      name: 'near miss: all owners disabled is left to entra-app-no-owner',
      build: (g) => {
        const sp = g.sp('app');
        g.owner(g.user('Bob Former', { enabled: false }), sp);
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'near miss: the only person who owns it is disabled, next to a service principal: left to entra-app-no-owner (no accountable owner)',
      build: (g) => {
        const sp = g.sp('app');
        g.owner(g.sp('Infra Deployer'), sp);
        g.owner(g.user('Bob Former', { enabled: false }), sp);
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'near miss: owner with unknown state is not reported',
      build: (g) => {
        const sp = g.sp('app');
        g.owner(g.user('Alice'), sp);
        g.owner(g.user('Placeholder', { enabled: undefined }), sp);
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

describe('entra-owner-disabled: an owner of both the registration and its SP', () => {
  it('is reported once (two OWNS edges, one person); near miss: the enabled co-owner is not', () => {
    const sp = rawSp('Ops Agent');
    const app = { id: gid(), appId: sp.appId, displayName: 'Ops Agent' };
    const user = (name: string, accountEnabled: boolean) => ({ '@odata.type': '#microsoft.graph.user', id: gid(), displayName: name, userPrincipalName: `${name}@example.test`, accountEnabled });
    const ben = user('Ben', false);
    const g = rawGraph({
      'servicePrincipals.json': [sp],
      'applications.json': [app],
      'applicationOwners.json': { [app.id]: [ben, user('Alice', true)] },
      'servicePrincipalOwners.json': { [sp.id]: [ben] },
    });
    expect(rawVerdict(rule, g, spNodeId(sp))).toMatchObject({ verdict: 'fail', messages: [expect.stringContaining('Ben')] });
  });
});
