import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { scratch } from './demo-copy.js';

/**
 * A configuration mistake must not quietly weaken the scan: a misspelt rule id or option, or a
 * threshold that is not a number (`Number('abc')` is NaN, and every comparison with NaN is
 * false, so the rule would never fire), stops the run with one line naming the file and place.
 */
const tmp = scratch('config-file');
afterAll(() => tmp.cleanup());

const CASES: { name: string; yaml: string; place: RegExp }[] = [
  { name: 'an unknown rule id under rules', yaml: 'rules:\n  entra-secret-long-livd:\n    maxSecretLifetimeDays: 90\n', place: /: rules\.entra-secret-long-livd: unknown rule id/ },
  { name: 'an unknown option', yaml: 'rules:\n  entra-secret-long-lived:\n    maxSecretLifetime: 90\n', place: /: rules\.entra-secret-long-lived\.maxSecretLifetime: unknown option/ },
  { name: 'a number option given text', yaml: 'rules:\n  entra-secret-long-lived:\n    maxSecretLifetimeDays: abc\n', place: /: rules\.entra-secret-long-lived\.maxSecretLifetimeDays: expected a number/ },
  { name: 'a number option given a quoted number', yaml: 'rules:\n  entra-secret-long-lived:\n    maxSecretLifetimeDays: "90"\n', place: /: rules\.entra-secret-long-lived\.maxSecretLifetimeDays: expected a number/ },
  { name: 'a list option given a string', yaml: 'rules:\n  okta-api-token-admin-owner:\n    adminRoles: SUPER_ADMIN\n', place: /: rules\.okta-api-token-admin-owner\.adminRoles: expected a list of strings/ },
  { name: 'a pattern option that is no regular expression', yaml: 'rules:\n  nhi-ai-agent-delegated-high-impact:\n    highImpactPattern: "("\n', place: /: rules\.nhi-ai-agent-delegated-high-impact\.highImpactPattern: not a valid regular expression/ },
  { name: 'an unknown rule id in disabledRules', yaml: 'disabledRules: [entra-app-no-ownr]\n', place: /: disabledRules\[0\]: unknown rule id/ },
];

describe('a bad rule setting in the config file', () => {
  it.each(CASES)('$name: exit 2, one line naming the file and the setting', ({ name, yaml, place }) => {
    const file = join(tmp.dir, `${name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(file, yaml);
    const r = cli(['scan', '--demo', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(file);
    expect(lines[0]).toMatch(place);
    expect(lines[0]).not.toMatch(/internal error/);
  });

  it('accepts valid settings and applies them', () => {
    const file = join(tmp.dir, 'good.yaml');
    writeFileSync(file, 'disabledRules: [entra-app-no-owner]\nrules:\n  entra-secret-long-lived:\n    maxSecretLifetimeDays: 10000\n');
    const r = cli(['scan', '--demo', '--config', file, '--format', 'json']);
    expect(r.code).toBe(0);
    const ids = JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId);
    expect(ids).not.toContain('entra-app-no-owner');
  });
});
