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

/** Nine levels of ten aliases each: 10^9 values when expanded. */
const BOMB = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(i === 0 ? '*a' : `*a${i}`).join(', ')}]`)].join('\n') + '\n';

const CASES: { name: string; yaml: string; place: RegExp; ext?: string }[] = [
  { name: 'an unknown rule id under rules', yaml: 'rules:\n  entra-secret-long-livd:\n    maxSecretLifetimeDays: 90\n', place: /: rules\.entra-secret-long-livd: unknown rule id/ },
  { name: 'an unknown option', yaml: 'rules:\n  entra-secret-long-lived:\n    maxSecretLifetime: 90\n', place: /: rules\.entra-secret-long-lived\.maxSecretLifetime: unknown option/ },
  { name: 'a number option given text', yaml: 'rules:\n  entra-secret-long-lived:\n    maxSecretLifetimeDays: abc\n', place: /: rules\.entra-secret-long-lived\.maxSecretLifetimeDays: expected a number/ },
  { name: 'a number option given a quoted number', yaml: 'rules:\n  entra-secret-long-lived:\n    maxSecretLifetimeDays: "90"\n', place: /: rules\.entra-secret-long-lived\.maxSecretLifetimeDays: expected a number/ },
  { name: 'a list option given a string', yaml: 'rules:\n  okta-api-token-admin-owner:\n    adminRoles: SUPER_ADMIN\n', place: /: rules\.okta-api-token-admin-owner\.adminRoles: expected a list of strings/ },
  { name: 'a pattern option that is no regular expression', yaml: 'rules:\n  nhi-ai-agent-delegated-high-impact:\n    highImpactPattern: "("\n', place: /: rules\.nhi-ai-agent-delegated-high-impact\.highImpactPattern: not a valid regular expression/ },
  { name: 'a tier policy threshold given text', yaml: 'rules:\n  nhi-tier-policy-violation:\n    policy:\n      T4: { maxCredentialDays: abc }\n', place: /: rules\.nhi-tier-policy-violation\.policy\.T4\.maxCredentialDays: expected a number/ },
  { name: 'a tier policy with an unknown tier', yaml: 'rules:\n  nhi-tier-policy-violation:\n    policy:\n      T5: {}\n', place: /: rules\.nhi-tier-policy-violation\.policy\.T5: unknown tier/ },
  { name: 'a tier policy with a misspelt requirement', yaml: 'rules:\n  nhi-tier-policy-violation:\n    policy:\n      T3: { requireOwners: true }\n', place: /: rules\.nhi-tier-policy-violation\.policy\.T3\.requireOwners: unknown requirement/ },
  { name: 'a tier policy with an unknown strength class', yaml: 'rules:\n  nhi-tier-policy-violation:\n    policy:\n      T4: { allowedStrength: [federated, certificate] }\n', place: /: rules\.nhi-tier-policy-violation\.policy\.T4\.allowedStrength: expected a list of: none, shared-secret, private-key, federated/ },
  { name: 'a tier policy with requireOwner given text', yaml: 'rules:\n  nhi-tier-policy-violation:\n    policy:\n      T2: { requireOwner: "yes" }\n', place: /: rules\.nhi-tier-policy-violation\.policy\.T2\.requireOwner: expected true or false/ },
  { name: 'an extends key (not supported: it was silently ignored)', yaml: 'extends: ./base.yaml\ndisabledRules: []\n', place: /: extends: unknown setting "extends"/ },
  // The YAML library would print a multi-line warning of its own and go on with the tag dropped.
  { name: 'a custom YAML tag', yaml: 'serviceAccountPatterns: !custom ["^svc"]\n', place: /: line 1 column 25: invalid YAML \(Unresolved tag: !custom\)$/ },
  { name: 'a js/function YAML tag', yaml: 'a: !!js/function "function(){}"\n', place: /: line 1 column 4: invalid YAML \(Unresolved tag: tag:yaml\.org,2002:js\/function\)$/ },
  { name: 'an unknown rule id in disabledRules', yaml: 'disabledRules: [entra-app-no-ownr]\n', place: /: disabledRules\[0\]: unknown rule id/ },
  // A list of patterns is checked item by item (it failed at rule time as an internal error).
  { name: 'a list of issuer patterns with one that is no regular expression', yaml: 'rules:\n  entra-fic-weak-subject:\n    allowedIssuers: ["^https://ok$", "(unclosed"]\n', place: /: rules\.entra-fic-weak-subject\.allowedIssuers\[1\]: not a valid regular expression: "\(unclosed"$/ },
  // Values outside their set would match nothing and switch the check off.
  { name: 'Okta role types in the wrong case', yaml: 'rules:\n  okta-api-token-admin-owner:\n    adminRoles: [SUPER_ADMIN, org_admin]\n', place: /: rules\.okta-api-token-admin-owner\.adminRoles\[1\]: .*did you mean "ORG_ADMIN"\?/ },
  { name: 'an Okta user status in the wrong case', yaml: 'rules:\n  okta-api-token-owner-inactive:\n    statuses: [suspended]\n', place: /: rules\.okta-api-token-owner-inactive\.statuses\[0\]: .*did you mean "SUSPENDED"\?/ },
  { name: 'an Okta user status that does not exist', yaml: 'rules:\n  okta-api-token-owner-inactive:\n    statuses: [DELETED]\n', place: /: rules\.okta-api-token-owner-inactive\.statuses\[0\]: not one of: STAGED, .*DEPROVISIONED$/ },
  // A misspelt organisation id would match no organisation and quietly report your own as a vendor's.
  { name: 'an AWS organisation id of the wrong form', yaml: 'rules:\n  aws-trust-third-party-no-external-id:\n    ownOrganizations: [o-abc]\n', place: /: rules\.aws-trust-third-party-no-external-id\.ownOrganizations\[0\]: expected an AWS organisation id/ },
  { name: 'a tier threshold above T4', yaml: 'rules:\n  nhi-shared-secret-high-tier:\n    minTier: 30\n', place: /: rules\.nhi-shared-secret-high-tier\.minTier: expected a whole number from 0 to 5$/ },
  { name: 'a count that is not a whole number', yaml: 'rules:\n  okta-api-token-shared:\n    maxTokensPerOwner: 1.5\n', place: /: rules\.okta-api-token-shared\.maxTokensPerOwner: expected a whole number, 0 or more$/ },
  // Names every object has (lookups reached Object.prototype) are no option.
  { name: 'an option named constructor', yaml: 'rules:\n  okta-api-token-age:\n    constructor: {}\n', place: /: rules\.okta-api-token-age\.constructor: unknown option/ },
  { name: 'an option named toString', yaml: 'rules:\n  okta-api-token-age:\n    toString: {a: 1}\n', place: /: rules\.okta-api-token-age\.toString: unknown option/ },
  { name: 'an option named __proto__', yaml: 'rules:\n  okta-api-token-age:\n    __proto__: {a: 1}\n', place: /: rules\.okta-api-token-age\.__proto__: unknown option/ },
  // Aliases of aliases (a "billion laughs"): the YAML library stops expanding them when the
  // document is turned into values, with an error that named no file (an internal error).
  { name: 'a YAML alias bomb', yaml: BOMB, place: /: invalid YAML \(Excessive alias count indicates a resource exhaustion attack\)$/ },
  // JSON.parse keeps the last of two equal keys; YAML refuses them, and so does JSON now.
  { name: 'a JSON key given twice', ext: 'json', yaml: '{"rules":{"okta-api-token-age":{"maxAgeDays":10,\n  "maxAgeDays":5000}}}', place: /: line 2 column 3: duplicate key "maxAgeDays" in rules\.okta-api-token-age$/ },
];

describe('a bad rule setting in the config file', () => {
  it.each(CASES)('$name: exit 2, one line naming the file and the setting', ({ name, yaml, place, ext }) => {
    const file = join(tmp.dir, `${name.replace(/\W+/g, '-')}.${ext ?? 'yaml'}`);
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

  it('applies a valid tier policy', () => {
    const file = join(tmp.dir, 'tier.yaml');
    writeFileSync(file, 'rules:\n  nhi-tier-policy-violation:\n    policy:\n      T0: { maxCredentialDays: 0 }\n      T1: { maxCredentialDays: 0 }\n      T2: { maxCredentialDays: 0 }\n      T3: { maxCredentialDays: 0 }\n      T4: { maxCredentialDays: 0, allowedStrength: [federated], allowedAutonomy: [human-triggered], requireOwner: true }\n');
    const strict = cli(['scan', '--demo', '--config', file, '--format', 'json']);
    expect(strict.code, strict.stderr).toBe(0);
    const count = (out: string) => JSON.parse(out).findings.filter((f: { ruleId: string }) => f.ruleId === 'nhi-tier-policy-violation').length;
    expect(count(strict.stdout)).toBeGreaterThan(count(cli(['scan', '--demo', '--format', 'json']).stdout));
  });

  it('removes a default tier requirement set to null (no lifetime limit for T2, nothing for T1)', () => {
    const file = join(tmp.dir, 'tier-null.yaml');
    writeFileSync(file, 'rules:\n  nhi-tier-policy-violation:\n    policy:\n      T1: null\n      T2: { maxCredentialDays: null }\n');
    const relaxed = cli(['scan', '--demo', '--config', file, '--format', 'json']);
    expect(relaxed.code, relaxed.stderr).toBe(0);
    const messages = (out: string) => JSON.parse(out).findings.filter((f: { ruleId: string }) => f.ruleId === 'nhi-tier-policy-violation').map((f: { message: string }) => f.message);
    const before = messages(cli(['scan', '--demo', '--format', 'json']).stdout);
    const after = messages(relaxed.stdout);
    // The default T2 limit is 365 days; with it removed no T2 finding names a lifetime, and the
    // T2 owner requirement still holds.
    expect(before.some((m: string) => / is T2 .*lives/.test(m))).toBe(true);
    expect(after.some((m: string) => / is T2 .*lives/.test(m))).toBe(false);
    expect(after.some((m: string) => / is T2 .*no accountable human/.test(m))).toBe(true);
    expect(after.some((m: string) => / is T1 /.test(m))).toBe(false);
  });

  it('accepts 5 as a tier threshold that is never reached (a setting that worked before thresholds were range-checked)', () => {
    const file = join(tmp.dir, 'tier-never.yaml');
    writeFileSync(file, 'rules:\n  entra-third-party-app-privileged:\n    verifiedMinTier: 5\n  aws-oidc-trust-weak-subject:\n    criticalTier: 5\n');
    const r = cli(['scan', '--demo', '--config', file, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
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
