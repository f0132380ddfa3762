import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-human-use-of-machine-account.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node } from '../../helpers/graph.js';

const now = '2026-11-20T00:00:00Z';

describe('nhi-human-use-of-machine-account', () => {
  it('fails on interactive use, passes without it, unknown when not collected, skips non-service accounts', () => {
    const g = graphOf([
      node('svc1', { type: 'aws-iam-user', machineReasons: ['name matches ^svc'], attrs: { interactiveUse: true, interactiveUseEvidence: 'console sign-in 2026-10-02' } }),
      node('svc2', { type: 'aws-iam-user', machineReasons: ['1 active access key'], attrs: { interactiveUse: false } }),
      node('svc3', { type: 'okta-user', provider: 'okta', machineReasons: ['login matches svc'] }),
      node('person', { type: 'aws-iam-user', attrs: { interactiveUse: true } }),
    ]);
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('svc1')).toBe('fail');
    expect(r.findings[0].message).toMatch(/console sign-in 2026-10-02/);
    expect(r.verdicts.get('svc2')).toBe('pass');
    expect(r.verdicts.get('svc3')).toBe('unknown');
    expect(r.verdicts.has('person')).toBe(false);
  });
});
