import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync, cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { cli, repoRoot } from '../helpers/cli.js';
import { buildProgram } from '../../src/cli/main.js';

const NOW = '2026-11-20T09:00:00Z';
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'nhiscan-cli-'));
});

describe('nhiscan scan --demo', () => {
  it('prints the report and exits 0 by default, 1 with --fail-on high', () => {
    const r = cli(['scan', '--demo']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/CRITICAL/);
    expect(r.stdout).toMatch(/Summary/);
    expect(r.stdout).toMatch(/path \(\d+ hops/);
    expect(r.stdout).not.toMatch(/\u001b\[/);
    expect(cli(['scan', '--demo', '--fail-on', 'high']).code).toBe(1);
  });

  it('writes byte-identical JSON for the same --now, in a versioned envelope', () => {
    const a = cli(['scan', '--demo', '--format', 'json', '--now', NOW]);
    const b = cli(['scan', '--demo', '--format', 'json', '--now', NOW]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const doc = JSON.parse(a.stdout);
    expect(doc.schemaVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(doc.tool).toEqual({ name: 'nhiscan', version: JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version });
    expect(doc.scannedAt).toBe('2026-11-20T09:00:00.000Z');
    for (const k of ['coverage', 'summary', 'findings', 'identities']) expect(doc).toHaveProperty(k);
  });

  it('reports all three providers, at least 6 OWASP categories and a path that crosses providers', () => {
    const doc = JSON.parse(cli(['scan', '--demo', '--format', 'json']).stdout);
    const providers = new Set(doc.findings.map((f: { provider: string }) => f.provider));
    for (const p of ['entra', 'okta', 'aws']) expect(providers).toContain(p);
    expect(Object.keys(doc.summary.byOwasp).length).toBeGreaterThanOrEqual(6);
    const cross = doc.findings.filter((f: { evidence: { crossesProviders?: boolean } }) => f.evidence.crossesProviders);
    expect(cross.length).toBeGreaterThan(0);
  });

  it('does not flag the correctly scoped summarisation assistant at high or critical', () => {
    const doc = JSON.parse(cli(['scan', '--demo', '--format', 'json']).stdout);
    const docs = doc.findings.filter((f: { subject: { name: string } }) => /summari[sz]er/i.test(f.subject.name));
    expect(docs.filter((f: { severity: string }) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
  });
});

describe('bad input', () => {
  it('an unknown flag is a usage error: exit 2, one line, no stack', () => {
    const r = cli(['scan', '--demo', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--bogus'/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [['scan', '--demo', '--format', 'xml'], "option '--format <format>' argument 'xml' is invalid. Allowed choices are table, json, csv, sarif, markdown, recert-csv"],
    [['scan', '--demo', '--fo', 'json'], "unknown option '--fo'"],
    [['scan', '--demo', '--formt', 'json'], "unknown option '--formt' (Did you mean --format?)"],
    [['scan', '--snapshot'], "option '--snapshot <dir>' argument missing"],
    [['scna'], "unknown command 'scna' (Did you mean scan?)"],
    [['rules', 'bogus'], "unknown command 'bogus'"],
    [['scan', '--demo', 'extra'], "too many arguments for 'scan'. Expected 0 arguments but got 1"],
    [['explain'], "missing required argument 'identity'"],
    // Settings of live collection mean nothing to an offline input; silently ignored, even a bad
    // value passed.
    [['scan', '--demo', '--aws-concurrency', '0'], "option '--aws-concurrency <n>' cannot be used with option '--demo'"],
    [['scan', '--snapshot', 'x', '--aws-profile', 'prod'], "option '--aws-profile <name>' cannot be used with option '--snapshot <dir>'"],
    [['scan', '--aws-authz-details', 'x.json', '--aws-region', 'eu-west-1'], "option '--aws-region <region>' cannot be used with option '--aws-authz-details <file>'"],
    [['certify', '--demo', '--entra-tenant', 't'], "option '--entra-tenant <id>' cannot be used with option '--demo'"],
    [['export', '--demo', '--graph-url', 'https://graph.microsoft.us'], "option '--graph-url <url>' cannot be used with option '--demo'"],
    [['explain', 'x', '--demo', '--okta-org-url', 'https://x.okta.com'], "option '--okta-org-url <url>' cannot be used with option '--demo'"],
    [['baseline', 'write', '/nonexistent-nhiscan-dir/b.json', '--demo', '--aws-accounts', 'all'], "option '--aws-accounts <file|all>' cannot be used with option '--demo'"],
  ])('usage error %j is one line with the --help hint, exit 2', (args, message) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`nhiscan: ${message}; run with --help for usage\n`);
  });

  // A provider's settings without that provider were ignored as silently (`--okta --aws-profile x`
  // collects Okta and never looks at the profile): refused before any request.
  it.each([
    [['scan', '--okta', '--aws-profile', 'prod'], '--aws-profile is a setting of live AWS collection: give --aws too, or leave it out'],
    [['collect', '--out', '/nonexistent-nhiscan-dir/s', '--aws', '--entra-tenant', 'contoso.example'], '--entra-tenant is a setting of live Entra collection: give --entra too, or leave it out'],
    [['doctor', '--entra', '--okta-org-url', 'https://x.okta.com'], '--okta-org-url is a setting of live Okta collection: give --okta too, or leave it out'],
  ])('a provider setting without its provider %j: one line, exit 2, nothing sent', (args, message) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`nhiscan: ${message}\n`);
  });

  // A missing subcommand is a usage error (a CI step running `nhiscan` with a mistyped variable
  // must not pass), said in one line like the others: commander's own answer is the whole help
  // screen on stderr, where the reason is easy to miss. The line lists the commands there are.
  it.each([
    [['rules'], 'rules: missing command (list, show, help)'],
    [['baseline'], 'baseline: missing command (write, help)'],
    [['rules', 'help', 'lst'], "rules: no command 'lst' to show help for (list, show, help)"],
  ])('no subcommand %j: one line naming the commands, exit 2', (args, message) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`nhiscan: ${message}; run with --help for usage\n`);
  });

  // The top-level list is read from the program, so a command added later is named without a
  // test to update; hidden commands are not offered.
  it.each([[[]], [['--debug']], [['help', 'scna']]])('no subcommand %j at the top: one line with every command, no stack, exit 2', (args) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/\n\s+at |Usage:/);
    const lead = args[0] === 'help' ? "no command 'scna' to show help for" : 'missing command';
    const names = buildProgram().commands.map((c) => c.name());
    expect(r.stderr).toBe(`nhiscan: ${lead} (${[...names, 'help'].join(', ')}); run with --help for usage\n`);
    expect(names).toEqual(expect.arrayContaining(['scan', 'rules', 'explain', 'collect', 'doctor', 'baseline', 'export', 'certify']));
  });

  it.each([[['--help']], [['rules', '--help']], [['help']], [['help', 'rules']], [['baseline', '--help']], [['--debug', '--help']], [['rules', 'help']], [['help', 'help']]])('asked-for help %j: stdout, exit 0', (args) => {
    const r = cli(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: nhiscan/);
  });

  it.each([[[]], [['scan']], [['explain']], [['rules', 'show']], [['baseline', 'write']], [['doctor']], [['collect']], [['export']], [['certify']]])('help of %j lists the global options (--debug, -V/--version) under their own heading', (path) => {
    const r = cli([...path, '--help']);
    expect(r.code).toBe(0);
    const global = r.stdout.split('Global Options:\n')[1]?.split('\n\n')[0] ?? '';
    expect(global).toMatch(/^ {2}-V, --version +output the version number$/m);
    expect(global).toMatch(/^ {2}--debug +print stack traces for errors/m);
  });

  it('usage errors in nested commands also exit 2', () => {
    expect(cli(['rules', 'list', '--bogus']).code).toBe(2);
    expect(cli(['rules', 'show']).code).toBe(2);
    expect(cli(['no-such-command']).code).toBe(2);
    expect(cli(['--help']).code).toBe(0);
  });

  it('a missing snapshot folder names the folder', () => {
    const r = cli(['scan', '--snapshot', join(tmp, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/nope: no such file or folder/);
  });

  it('a malformed snapshot file names the file and the line', () => {
    const dir = join(tmp, 'bad-json');
    cpSync(join(repoRoot, 'fixtures', 'demo'), dir, { recursive: true });
    writeFileSync(join(dir, 'okta', 'apps.json'), '[{"id": "0oa1",\n "label": oops}]');
    const r = cli(['scan', '--snapshot', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/okta[\\/]apps\.json: line 2 column \d+: invalid JSON/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const dbg = cli(['scan', '--snapshot', dir, '--debug']);
    expect(dbg.code).toBe(2);
    expect(dbg.stderr).toMatch(/\n\s+at /);
  });

  it('a malformed snapshot file is named by the path as given, as the manifest and the transforms name theirs', () => {
    const dir = join(tmp, 'bad-relative');
    cpSync(join(repoRoot, 'fixtures', 'demo'), dir, { recursive: true });
    writeFileSync(join(dir, 'entra', 'users.json'), '{"value": [\n oops]}');
    // Given relative to the working folder, the line names it so, not by its absolute path.
    const r = cli(['scan', '--snapshot', 'bad-relative'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^nhiscan: bad-relative[\\/]entra[\\/]users\.json: line 2 column \d+: invalid JSON/);
  });

  it('the lines naming a file written show the control characters of its name escaped, as error lines do', () => {
    const file = join(tmp, 'base\u001b[2Jline\u202e.json');
    const r = cli(['baseline', 'write', file, '--demo']);
    expect(r.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/"findings"/);
    expect(r.stderr).not.toMatch(/[\u001b\u202e]/);
    expect(r.stderr).toContain('base\\u001b[2Jline\\u202e.json');
  });

  it('a manifest with only schemaVersion and collectedAt scans the files it finds (providers and coverage are optional)', () => {
    const dir = join(tmp, 'minimal-manifest');
    cpSync(join(repoRoot, 'fixtures', 'demo'), dir, { recursive: true });
    // Okta files need the org URL from the manifest (test/hardening/snapshot-input-gaps.test.ts);
    // Entra finds its tenant in organization.json and AWS its accounts in the folder names.
    rmSync(join(dir, 'okta'), { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ schemaVersion: 1, collectedAt: '2026-11-20T09:00:00Z' }));
    const r = cli(['scan', '--snapshot', dir, '--format', 'json']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect([0, 3]).toContain(r.code);
    const report = JSON.parse(r.stdout);
    expect(report.summary.findings).toBeGreaterThan(0);
  });

  it('a malformed file is reported even when no transform reads it (files are parsed lazily)', () => {
    const dir = join(tmp, 'bad-unused');
    cpSync(join(repoRoot, 'fixtures', 'demo'), dir, { recursive: true });
    writeFileSync(join(dir, 'aws', 'notes.json'), '{"todo": [1, 2,,]}');
    const r = cli(['scan', '--snapshot', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/aws[\\/]notes\.json: line 1 column \d+: invalid JSON/);
    expect(r.stdout).toBe('');
  });

  it('a wrong field type names the file and the JSON path', () => {
    const dir = join(tmp, 'bad-type');
    cpSync(join(repoRoot, 'fixtures', 'demo'), dir, { recursive: true });
    writeFileSync(join(dir, 'okta', 'apiTokens.json'), JSON.stringify([{ id: 42, name: 'x' }]));
    const r = cli(['scan', '--snapshot', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/apiTokens\.json: \$\[0\]\.id/);
  });

  it('warns, once, when --now is before the snapshot was collected (ages may come out negative)', () => {
    const before = cli(['scan', '--demo', '--format', 'json', '--now', '2026-01-01T00:00:00Z']);
    expect(before.stderr.match(/warning: --now 2026-01-01T00:00:00\.000Z is before the snapshot was collected \(2026-11-20T09:00:00\.000Z\)/g)).toHaveLength(1);
    // The report itself is unchanged by the warning (stderr only), and a --now after the snapshot says nothing.
    expect(() => JSON.parse(before.stdout)).not.toThrow();
    expect(cli(['scan', '--demo', '--format', 'json', '--now', '2026-11-29T00:00:00Z']).stderr).not.toMatch(/before the snapshot/);
  });

  it('a --now whose offset carries it out of the years 0000-9999 is an input error, not a report the schema refuses', () => {
    for (const now of ['9999-12-31T23:59:59-23:59', '0000-01-01T00:00:00+23:59']) {
      const r = cli(['scan', '--demo', '--format', 'json', '--now', now]);
      expect([r.code, r.stdout]).toEqual([2, '']);
      expect(r.stderr).toBe(`nhiscan: --now: "${now}" is outside the years 0000 to 9999 (UTC), which a report cannot write\n`);
    }
    // The last instant that can be written is fine.
    const last = cli(['scan', '--demo', '--format', 'json', '--now', '9999-12-31T23:59:59.999Z']);
    expect(JSON.parse(last.stdout).scannedAt).toBe('9999-12-31T23:59:59.999Z');
    // So is a manifest's collectedAt, which stands for --now when none is given.
    const snap = mkdtempSync(join(tmpdir(), 'nhiscan-far-'));
    try {
      cpSync(join(repoRoot, 'fixtures', 'demo'), snap, { recursive: true });
      const manifest = JSON.parse(readFileSync(join(snap, 'manifest.json'), 'utf8'));
      writeFileSync(join(snap, 'manifest.json'), JSON.stringify({ ...manifest, collectedAt: '9999-12-31T23:59:59-23:59' }));
      const r = cli(['scan', '--snapshot', snap, '--format', 'json']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`nhiscan: ${join(snap, 'manifest.json')}: $.collectedAt: expected a date in the years 0000 to 9999 (UTC)\n`);
    } finally {
      rmSync(snap, { recursive: true, force: true });
    }
  });

  it('a value option given twice is refused: commander would keep the last, and an appended --fail-on none would switch a gate off', () => {
    const cases: [string[], string][] = [
      [['--fail-on', 'high', '--fail-on', 'none'], '--fail-on is given more than once'],
      [['--now', NOW, `--now=${NOW}`], '--now is given more than once'],
      [['-o', join(tmp, 'a.json'), `-o${join(tmp, 'b.json')}`], '-o/--output is given more than once'],
      [['--baseline', join(tmp, 'a.json'), '--output', join(tmp, 'c.json'), '--baseline', join(tmp, 'b.json')], '--baseline is given more than once'],
    ];
    for (const [flags, said] of cases) {
      const r = cli(['scan', '--demo', '--format', 'json', '--allow-partial', ...flags]);
      expect([r.code, r.stdout], said).toEqual([2, '']);
      expect(r.stderr).toBe(`nhiscan: ${said}; give it once (which one was meant cannot be known)\n`);
    }
    // Near miss: each once; and a value that looks like an option is a value (a folder named -odd).
    expect(cli(['scan', '--demo', '--format', 'json', '--allow-partial', '--fail-on', 'none', '--now', NOW]).code).toBe(0);
    const cwd = mkdtempSync(join(tmpdir(), 'nhiscan-odd-'));
    try {
      cpSync(join(repoRoot, 'fixtures', 'demo'), join(cwd, '-odd'), { recursive: true });
      const odd = cli(['scan', '--snapshot', '-odd', '--format', 'json', '--allow-partial', '-o', 'r.json'], { cwd });
      expect(odd.code, odd.stderr).toBe(0);
      expect(JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')).summary.findings).toBeGreaterThan(0);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('an invalid --now and an unreadable AWS file are input errors', () => {
    expect(cli(['scan', '--demo', '--now', 'yesterday']).code).toBe(2);
    const r = cli(['scan', '--aws-authz-details', join(tmp, 'missing.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.json: no such file/);
  });
});

describe('--aws-authz-details', () => {
  it('reads both the AWS CLI JSON and the URL-encoded raw API form to the same findings', () => {
    const cliForm = join(repoRoot, 'fixtures', 'demo', 'aws', '111122223333', 'authorization-details.json');
    const raw = JSON.parse(readFileSync(cliForm, 'utf8'));
    const encode = (d: unknown) => encodeURIComponent(JSON.stringify(d));
    for (const r of raw.RoleDetailList ?? []) r.AssumeRolePolicyDocument = encode(r.AssumeRolePolicyDocument);
    for (const list of [raw.UserDetailList ?? [], raw.RoleDetailList ?? [], raw.GroupDetailList ?? []]) {
      for (const p of list) for (const ip of p.UserPolicyList ?? p.RolePolicyList ?? p.GroupPolicyList ?? []) ip.PolicyDocument = encode(ip.PolicyDocument);
    }
    for (const p of raw.Policies ?? []) for (const v of p.PolicyVersionList ?? []) v.Document = encode(v.Document);
    mkdirSync(join(tmp, 'raw'), { recursive: true });
    const rawPath = join(tmp, 'raw', 'authz.json');
    writeFileSync(rawPath, JSON.stringify(raw));
    const a = JSON.parse(cli(['scan', '--aws-authz-details', cliForm, '--format', 'json', '--now', NOW]).stdout);
    const b = JSON.parse(cli(['scan', '--aws-authz-details', rawPath, '--format', 'json', '--now', NOW]).stdout);
    expect(a.findings.length).toBeGreaterThan(0);
    expect(b.findings.map((f: { fingerprint: string }) => f.fingerprint)).toEqual(a.findings.map((f: { fingerprint: string }) => f.fingerprint));
  });
});

describe('--aws-authz-details: the file records no collection time', () => {
  const authz = join(repoRoot, 'fixtures', 'demo', 'aws', '111122223333', 'authorization-details.json');

  it('the headers say so, rather than give the run\'s own time as when the data was collected; the JSON flags it', () => {
    const table = cli(['scan', '--aws-authz-details', authz, '--now', NOW]).stdout.split('\n')[0];
    expect(table).toBe(`nhiscan 0.1.0 · snapshot ${authz} (the file records no collection time) · evaluated as of 2026-11-20T09:00:00.000Z`);
    const md = cli(['scan', '--aws-authz-details', authz, '--now', NOW, '--format', 'markdown']).stdout;
    expect(md).toContain(`Snapshot \`${authz}\` (the file records no collection time), evaluated as of 2026-11-20T09:00:00.000Z.`);
    const json = JSON.parse(cli(['scan', '--aws-authz-details', authz, '--now', NOW, '--format', 'json']).stdout);
    expect(json.snapshot).toEqual({ source: authz, collectedAt: '2026-11-20T09:00:00.000Z', collectedAtUnknown: true });
    const ajv = new Ajv({ strict: false, allErrors: true });
    (addFormatsImport as unknown as (a: Ajv) => Ajv)(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(repoRoot, 'docs', 'report.schema.json'), 'utf8')));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    // SARIF's run properties give the same time as snapshotCollectedAt: flagged there too.
    const sarif = JSON.parse(cli(['scan', '--aws-authz-details', authz, '--now', NOW, '--format', 'sarif']).stdout);
    expect(sarif.runs[0].properties).toMatchObject({ snapshotCollectedAt: '2026-11-20T09:00:00.000Z', snapshotCollectedAtUnknown: true });
    expect(JSON.parse(cli(['scan', '--demo', '--format', 'sarif']).stdout).runs[0].properties.snapshotCollectedAtUnknown).toBeUndefined();
    // A snapshot records its time: unchanged.
    expect(cli(['scan', '--demo']).stdout.split('\n')[0]).toMatch(/ · snapshot demo collected 2026-\d\d-\d\dT[\d:.]+Z · /);
    expect(JSON.parse(cli(['scan', '--demo', '--format', 'json']).stdout).snapshot.collectedAtUnknown).toBeUndefined();
  });
});

describe('--aws-authz-details errors name the files the user gave', () => {
  const authz = join(repoRoot, 'fixtures', 'demo', 'aws', '111122223333', 'authorization-details.json');

  it('a malformed --aws-credential-report', () => {
    const report = join(tmp, 'bad-report.csv');
    writeFileSync(report, 'user,arn\nfoo,"bar\n');
    const r = cli(['scan', '--aws-authz-details', authz, '--aws-credential-report', report]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`nhiscan: ${report}: line 2: unterminated quoted field\n`);
  });

  it('a malformed --aws-authz-details', () => {
    const doc = JSON.parse(readFileSync(authz, 'utf8'));
    doc.RoleDetailList = 'roles';
    const file = join(tmp, 'bad-authz.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = cli(['scan', '--aws-authz-details', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(`nhiscan: ${file}: `)).toBe(true);
    expect(r.stderr).not.toMatch(/aws\/111122223333/);
  });

  it('a warning about a policy in --aws-authz-details names that file, in every format', () => {
    const doc = JSON.parse(readFileSync(authz, 'utf8'));
    doc.RoleDetailList[0].RolePolicyList = [...(doc.RoleDetailList[0].RolePolicyList ?? []), { PolicyName: 'broken', PolicyDocument: '%7Bnot json' }];
    const file = join(tmp, 'warn-authz.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = cli(['scan', '--aws-authz-details', file, '--format', 'json', '--now', NOW]);
    expect(r.code).toBe(0);
    const warning = JSON.parse(r.stdout).warnings.find((w: string) => w.includes('policy broken'));
    expect(warning.startsWith(`${file}: RoleDetailList[0].RolePolicyList[`)).toBe(true);
    const table = cli(['scan', '--aws-authz-details', file, '--now', NOW]);
    expect(table.stdout).toContain(`! ${file}: RoleDetailList[0]`);
    expect(table.stdout).not.toContain('aws/111122223333/authorization-details.json');
  });
});

describe('--aws-authz-details coverage', () => {
  const authz = join(repoRoot, 'fixtures', 'demo', 'aws', '111122223333', 'authorization-details.json');
  const coverage = (args: string[]) => JSON.parse(cli(['scan', '--aws-authz-details', authz, ...args, '--format', 'json', '--now', NOW]).stdout).coverage as Array<{ capability: string; status: string; reason?: string }>;

  it('says what the user did not give, never a snapshot path they never saw', () => {
    const cov = coverage([]);
    expect(cov.find((c) => c.capability === 'aws.iam')?.status).toBe('collected');
    const report = cov.find((c) => c.capability === 'aws.credentialReport');
    expect(report).toMatchObject({ status: 'not-collected', reason: 'not given: --aws-credential-report' });
    for (const cap of ['aws.federation', 'aws.rolesAnywhere']) {
      expect(cov.find((c) => c.capability === cap)).toMatchObject({ status: 'not-collected', reason: expect.stringMatching(/^not read from --aws-authz-details input/) });
    }
    for (const c of cov) expect(c.reason ?? '', c.capability).not.toMatch(/aws\/111122223333\//);
  });

  it('a credential report given is collected', () => {
    const csv = join(repoRoot, 'fixtures', 'demo', 'aws', '111122223333', 'credential-report.csv');
    expect(coverage(['--aws-credential-report', csv]).find((c) => c.capability === 'aws.credentialReport')?.status).toBe('collected');
  });
});

describe('rules and explain', () => {
  it('lists and shows rules', () => {
    const list = cli(['rules', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/nhi-path-to-crown-jewel/);
    const show = cli(['rules', 'show', 'nhi-path-to-crown-jewel']);
    expect(show.stdout).toMatch(/NHI5:2025/);
    expect(cli(['rules', 'show', 'no-such-rule']).code).toBe(2);
  });

  it('rules show names what a rule evaluates when it evaluates kinds of node, not a blank line', () => {
    // nhi-path-to-crown-jewel lists no types, only the identity and external kinds.
    expect(cli(['rules', 'show', 'nhi-path-to-crown-jewel']).stdout).toMatch(/^evaluates: {3}every identity, every external node$/m);
    // Near miss: a rule naming types keeps them, with the capabilities it needs.
    expect(cli(['rules', 'show', 'aws-role-unused']).stdout).toMatch(/^evaluates: {3}aws-iam-role \(needs [^)]+\)$/m);
  });
});

describe('explain of a person', () => {
  it('says that an IAM user signed in to by a person is not a machine identity, and why (exit 2)', () => {
    const r = cli(['explain', '--demo', 'maria.gomez', '--now', '2026-11-29T00:00:00Z']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('nhiscan: "maria.gomez" is a person (aws-iam-user: console password with MFA and no active access key), not a machine identity; nhiscan explains machine identities');
  });

  it('still finds a machine IAM user by name', () => {
    const r = cli(['explain', '--demo', 'svc-reporting', '--now', '2026-11-29T00:00:00Z']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('svc-reporting');
  });
});
