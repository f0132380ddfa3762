import { describe } from 'vitest';
import rule from '../../../rules/entra/entra-agent-no-sponsor.js';
import { ruleCases } from '../../helpers/entra-builders.js';

const NOW = '2026-11-20T00:00:00Z';
const typed = { type: 'entra-agent-identity', agent: { confidence: 'authoritative' as const, reasons: ['@odata.type agentIdentity'] } };

describe('entra-agent-no-sponsor', () => {
  ruleCases(rule, NOW, [
    {
      name: 'agent identity without sponsors fails high',
      build: (g) => g.sp('Support Agent', { ...typed, attrs: { sponsorsCollected: true } }),
      verdict: 'fail',
      severities: ['high'],
      message: ['Support Agent', 'authoritative'],
    },
    {
      name: 'agent identity whose only sponsor is disabled fails',
      build: (g) => {
        const a = g.sp('Agent', { ...typed, attrs: { sponsorsCollected: true } });
        g.sponsor(g.user('Gone', { enabled: false }), a);
        return a;
      },
      verdict: 'fail',
    },
    {
      name: 'name-detected agent with neither owner nor sponsor fails',
      build: (g) => g.sp('Copilot Helper', { agent: { confidence: 'name', reasons: ['name mentions "Copilot"'] } }),
      verdict: 'fail',
      message: ['no active sponsor or owner'],
    },
    {
      name: 'near miss: name-detected agent with an active human owner passes',
      build: (g) => {
        const a = g.sp('Copilot Helper', { agent: { confidence: 'name', reasons: ['name'] } });
        g.owner(g.user('Alice'), a);
        return a;
      },
      verdict: 'pass',
    },
    {
      name: 'near miss: agent identity with an active sponsor passes',
      build: (g) => {
        const a = g.sp('Agent', { ...typed, attrs: { sponsorsCollected: true } });
        g.sponsor(g.user('Alice'), a);
        return a;
      },
      verdict: 'pass',
    },
    {
      name: 'non-agents are not evaluated',
      build: (g) => g.sp('payroll-sync'),
      verdict: 'not-evaluated',
    },
    {
      name: 'unknown when the sponsors of this agent were not read',
      build: (g) => g.sp('Agent', typed),
      verdict: 'unknown',
    },
    {
      name: 'unknown when the only sponsor has no account status (accountEnabled not read)',
      build: (g) => {
        const a = g.sp('Agent', { ...typed, attrs: { sponsorsCollected: true } });
        g.sponsor(g.user('Dave', { enabled: undefined }), a);
        return a;
      },
      verdict: 'unknown',
    },
    {
      name: 'unknown when a name-detected agent\'s only owner has no account status',
      build: (g) => {
        const a = g.sp('Copilot Helper', { agent: { confidence: 'name', reasons: ['name'] } });
        g.owner(g.user('Dave', { enabled: undefined }), a);
        return a;
      },
      verdict: 'unknown',
    },
    {
      name: 'near miss: a group sponsor counts as active',
      build: (g) => {
        const a = g.sp('Agent', { ...typed, attrs: { sponsorsCollected: true } });
        g.sponsor(g.group('AI owners'), a);
        return a;
      },
      verdict: 'pass',
    },
    {
      name: 'unknown when the sponsors of a blueprint with no principal in the tenant were not read, though it has no owner',
      build: (g) => g.app('Blueprint', { agent: { confidence: 'authoritative', reasons: ['application @odata.type agentIdentityBlueprint'] } }),
      verdict: 'unknown',
    },
    {
      name: 'a blueprint with no principal in the tenant and no sponsor fails, though it has an active owner',
      build: (g) => {
        const a = g.app('Blueprint', { agent: { confidence: 'authoritative', reasons: ['application @odata.type agentIdentityBlueprint'] }, attrs: { sponsorsCollected: true } });
        g.owner(g.user('Alice'), a);
        return a;
      },
      verdict: 'fail',
      message: ['Blueprint', 'has no active sponsor.'],
    },
    {
      name: 'a blueprint principal sponsored only by a service principal fails: a service principal answers for nothing',
      build: (g) => {
        const a = g.sp('Sales Blueprint', { ...typed, attrs: { sponsorsCollected: true } });
        g.sponsor(g.sp('Provisioning Automation'), a);
        return a;
      },
      verdict: 'fail',
      message: ['has no active sponsor.'],
    },
  ]);
});
