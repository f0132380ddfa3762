import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { scanSnapshot } from '../../src/scan.js';
import { DEMO_NOW, demoFile, demoSnapshot } from '../e2e/demo.js';

/** The demo with its HR Sync Service app (T4) and zapier-prod token (T4) renamed. */
function renamed(app: string, token: string) {
  const s = demoSnapshot();
  const apps = demoFile<{ label: string }[]>(s, 'okta/apps.json');
  apps.find((a) => a.label === 'HR Sync Service')!.label = app;
  const tokens = demoFile<{ name: string }[]>(s, 'okta/apiTokens.json');
  tokens.find((t) => t.name === 'zapier-prod')!.name = token;
  return s;
}

describe('Okta AI-agent detection by name', () => {
  it('a service app and an API token named for an LLM vendor are AI agents, and an agent rule judges them', () => {
    const r = scanSnapshot(renamed('OpenAI Connector', 'claude-mcp-prod'), { now: DEMO_NOW, config: DEFAULT_CONFIG, rules: allRules, version: '0' });
    const byName = (n: string) => [...r.graph.nodes.values()].find((x) => x.provider === 'okta' && x.name === n)!;
    expect(byName('OpenAI Connector').agent).toEqual({ confidence: 'name', reasons: ['name mentions "OpenAI"'] });
    expect(byName('claude-mcp-prod').agent).toEqual({ confidence: 'name', reasons: ['name mentions "claude"'] });
    const privileged = r.report.findings.filter((f) => f.ruleId === 'nhi-ai-agent-privileged' && f.subject.type.startsWith('okta-')).map((f) => f.subject.name).sort();
    expect(privileged).toEqual(['OpenAI Connector', 'claude-mcp-prod']);
  });

  it('knownAgents outranks a name match', () => {
    const config = { ...DEFAULT_CONFIG, knownAgents: ['OpenAI Connector'] };
    const r = scanSnapshot(renamed('OpenAI Connector', 'zapier-prod'), { now: DEMO_NOW, config, rules: allRules, version: '0' });
    expect([...r.graph.nodes.values()].find((x) => x.name === 'OpenAI Connector')!.agent?.confidence).toBe('config');
  });

  it('near miss: the demo names match no pattern', () => {
    const r = scanSnapshot(demoSnapshot(), { now: DEMO_NOW, config: DEFAULT_CONFIG, rules: allRules, version: '0' });
    expect([...r.graph.nodes.values()].filter((x) => x.provider === 'okta' && x.agent)).toEqual([]);
  });
});

describe('nhi-ai-agent-delegated-high-impact on Okta agents', () => {
  it('an API token holds no app grants: unread app grants leave it judged (pass), a service app unknown', () => {
    const s = renamed('OpenAI Connector', 'claude-mcp-prod');
    const cov = s.manifest.coverage.find((c) => c.provider === 'okta' && c.capability === 'okta.appGrants')!;
    cov.status = 'missing-permission';
    cov.reason = 'test';
    const r = scanSnapshot(s, { now: DEMO_NOW, config: DEFAULT_CONFIG, rules: allRules, version: '0' });
    const id = (n: string) => [...r.graph.nodes.values()].find((x) => x.provider === 'okta' && x.name === n)!.id;
    const unknown = (n: string) => (r.unknownBySubject.get(id(n)) ?? []).includes('nhi-ai-agent-delegated-high-impact');
    expect(unknown('claude-mcp-prod')).toBe(false);
    expect(unknown('OpenAI Connector')).toBe(true);
  });
});
