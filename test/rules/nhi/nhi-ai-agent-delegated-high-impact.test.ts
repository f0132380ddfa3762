import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-ai-agent-delegated-high-impact.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node, edge } from '../../helpers/graph.js';

const now = '2026-11-20T00:00:00Z';
const agent = { confidence: 'name' as const, reasons: ['name matches assistant'] };
const scope = (id: string, value: string, tier: 0 | 1 | 2 | 3 | 4) => node(id, { kind: 'privilege', provider: 'entra', type: 'entra-delegated-scope', name: `Microsoft Graph ${value}`, tier, attrs: { value } });

describe('nhi-ai-agent-delegated-high-impact', () => {
  it('flags an agent with an all-users Mail.Send consent, and not per-user consent or non-agents', () => {
    const g = graphOf(
      [
        node('bot', { provider: 'entra', type: 'entra-service-principal', agent }),
        node('peruser', { provider: 'entra', type: 'entra-service-principal', agent }),
        node('plainapp', { provider: 'entra', type: 'entra-service-principal' }),
        scope('send', 'Mail.Send', 2),
        scope('read', 'User.Read', 0),
      ],
      [
        edge('bot', 'send', 'DELEGATED_GRANT', { evidence: { consentType: 'AllPrincipals' } }),
        edge('bot', 'read', 'DELEGATED_GRANT', { evidence: { consentType: 'AllPrincipals' } }),
        edge('peruser', 'send', 'DELEGATED_GRANT', { evidence: { consentType: 'Principal' } }),
        edge('plainapp', 'send', 'DELEGATED_GRANT', { evidence: { consentType: 'AllPrincipals' } }),
      ],
    );
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('bot')).toBe('fail');
    expect(r.findings[0].message).toMatch(/Mail\.Send for ALL users/);
    expect(r.findings[0].message).not.toMatch(/User\.Read/);
    expect(r.verdicts.get('peruser')).toBe('pass');
    expect(r.verdicts.has('plainapp')).toBe(false);
  });

  it('flags application permissions too, as critical', () => {
    const g = graphOf(
      [node('bot', { provider: 'entra', type: 'entra-service-principal', agent }), node('files', { kind: 'privilege', provider: 'entra', type: 'entra-app-role', name: 'Files.ReadWrite.All', tier: 2, attrs: { value: 'Files.ReadWrite.All' } })],
      [edge('bot', 'files', 'GRANTED')],
    );
    const [f] = runRule(rule, g, { now }).findings;
    expect(f.severity).toBe('critical');
    expect(f.messageId).toBe('application');
  });
});
