import { describe, it, expect, beforeAll } from 'vitest';
import { readSnapshotDir, demoDir } from '../../src/cli/io.js';
import { scanSnapshot } from '../../src/scan.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import type { ScanReport } from '../../src/report/types.js';
import { allRules } from '../../rules/index.js';

/** Sentences a reviewer reads in every format, checked over the whole demo report. */
describe('demo report wording', () => {
  let report: ScanReport;
  let texts: string[];

  beforeAll(() => {
    const snap = readSnapshotDir(demoDir());
    report = scanSnapshot(snap, { now: new Date('2026-11-29T00:00:00Z'), config: DEFAULT_CONFIG, rules: allRules, version: 'test' }).report;
    texts = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') texts.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(report.findings);
    walk(report.identities);
  });

  it('never names a credential by its type id and then again in words', () => {
    // "client-secret client secret …", "password password of …", "api-token SSWS token …"
    const doubled = texts.filter((t) => /\b(client-secret client secret|password password|access-key \S+ access key|api-token SSWS token)\b/.test(t));
    expect(doubled).toEqual([]);
    expect(texts.some((t) => t.includes('client secret ocs2'))).toBe(true);
  });

  it('says how long a credential lives in words, without doubled brackets', () => {
    const tier = (name: string) => report.findings.find((f) => f.ruleId === 'nhi-tier-policy-violation' && f.subject.name === name)?.message;
    expect(tier('HR Sync Service')).toBe('HR Sync Service is T4 and violates its tier policy: client secret ocs2OWB7Lfp4Fe1VV0pC never expires (max 90 days); no accountable human');
    expect(tier('zapier-prod')).toBe('zapier-prod is T4 and violates its tier policy: SSWS token zapier-prod lives 673 days from creation to expiry (max 90 days); no accountable human');
  });

  it('reads a broad federated subject as a sentence, in the finding and in the path hop', () => {
    const f = report.findings.find((x) => x.ruleId === 'entra-fic-weak-subject' && x.message.includes('infra-pull-requests'));
    expect(f?.message).toBe(
      'Federated credential "infra-pull-requests" on Infra Deployer trusts https://token.actions.githubusercontent.com: subject repo:northwind/infra:pull_request is issued to every pull-request workflow of northwind/infra (forks too, when fork workflows run).',
    );
    const hop = texts.find((t) => t.startsWith('a token from https://token.actions.githubusercontent.com') && t.includes('infra-pull-requests'));
    expect(hop).toBe(
      'a token from https://token.actions.githubusercontent.com signs in as Infra Deployer (federated credential "infra-pull-requests"): subject repo:northwind/infra:pull_request is issued to every pull-request workflow of northwind/infra (forks too, when fork workflows run)',
    );
  });
});
