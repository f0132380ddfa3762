import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cliInProcess, copyDemo } from './helpers.js';
import { cli as spawnCli } from '../helpers/cli.js';

const cli = cliInProcess;

afterEach(() => {
  process.exitCode = 0;
});

/**
 * Two settings that name one file: the report would overwrite the baseline just written, or the
 * baseline (or waivers, or config) just read. Refused before the scan, one line, exit 2.
 */
describe('an output that names the same file as another output or an input', () => {
  const setup = () => {
    const snap = copyDemo();
    const work = dirname(snap);
    return { snap, work };
  };

  it('refuses -o and --write-baseline on one file, and writes neither', async () => {
    const { snap, work } = setup();
    const same = join(work, 'same.json');
    const r = await cli('scan', '--snapshot', snap, '--format', 'json', '-o', same, '--write-baseline', same);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`nhiscan: ${same}: -o and --write-baseline name the same file; give each its own\n`);
    expect(existsSync(same)).toBe(false);
  });

  it('compares resolved paths (./x/../same.json is same.json)', async () => {
    const { snap, work } = setup();
    mkdirSync(join(work, 'x'));
    const r = await cli('scan', '--snapshot', snap, '-o', join(work, 'x', '..', 'same.json'), '--write-baseline', join(work, 'same.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/-o and --write-baseline name the same file/);
  });

  it('refuses -o over the --baseline it reads, through a symbolic link too, and leaves the baseline intact', async () => {
    const { snap, work } = setup();
    const baseline = join(work, 'baseline.json');
    expect((await cli('baseline', 'write', baseline, '--snapshot', snap)).code).toBe(0);
    const before = readFileSync(baseline, 'utf8');
    const direct = await cli('scan', '--snapshot', snap, '--baseline', baseline, '-o', baseline);
    expect(direct.code).toBe(2);
    expect(direct.stderr).toBe(`nhiscan: ${baseline}: -o and --baseline name the same file; give each its own\n`);
    const link = join(work, 'link.json');
    symlinkSync(baseline, link);
    const linked = await cli('scan', '--snapshot', snap, '--baseline', baseline, '-o', link);
    expect(linked.code).toBe(2);
    expect(linked.stderr).toMatch(/-o and --baseline name the same file/);
    expect(readFileSync(baseline, 'utf8')).toBe(before);
  });

  it('refuses an output over the waivers or the config it reads', async () => {
    const { snap, work } = setup();
    const waivers = join(work, 'waivers.yaml');
    writeFileSync(waivers, 'waivers: []\n');
    const config = join(work, 'config.yaml');
    writeFileSync(config, 'disabledRules: []\n');
    const a = await cli('scan', '--snapshot', snap, '--waivers', waivers, '--write-baseline', waivers);
    expect([a.code, a.stderr]).toEqual([2, `nhiscan: ${waivers}: --write-baseline and --waivers name the same file; give each its own\n`]);
    const b = await cli('certify', '--snapshot', snap, '--config', config, '-o', config);
    expect([b.code, b.stderr]).toEqual([2, `nhiscan: ${config}: -o and --config name the same file; give each its own\n`]);
    const c = await cli('baseline', 'write', config, '--snapshot', snap, '--config', config);
    expect([c.code, c.stderr]).toEqual([2, `nhiscan: ${config}: <file> and --config name the same file; give each its own\n`]);
    const d = await cli('export', '--snapshot', snap, '--config', config, '-o', config);
    expect(d.code).toBe(2);
    expect(readFileSync(waivers, 'utf8')).toBe('waivers: []\n');
    expect(readFileSync(config, 'utf8')).toBe('disabledRules: []\n');
  });

  it('still compares with a baseline and updates it in place (--baseline F --write-baseline F)', async () => {
    const { snap, work } = setup();
    const baseline = join(work, 'baseline.json');
    expect((await cli('baseline', 'write', baseline, '--snapshot', snap)).code).toBe(0);
    const r = await cli('scan', '--snapshot', snap, '--baseline', baseline, '--write-baseline', baseline, '-o', join(work, 'report.txt'));
    expect(r.code).toBe(0);
    // Only the demo's coverage gap, said on stderr because the table went to a file, and where the
    // baseline was written: no refusal.
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines.at(-1)).toMatch(new RegExp(`^nhiscan: wrote a baseline of \\d+ findings to ${baseline.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(lines.slice(0, -1).every((l) => l.startsWith('nhiscan: warning: '))).toBe(true);
  });
});

/**
 * Files read without a flag: the default config and waivers under .nhiscan/ in the working
 * folder, and every file of the snapshot folder. An output over one of them would break every
 * later scan, as over a file named on the command line.
 */
describe('an output over a file read without naming it', () => {
  const work = () => {
    const snap = copyDemo();
    const dir = dirname(snap);
    mkdirSync(join(dir, '.nhiscan'), { recursive: true });
    return { snap, dir };
  };

  it('refuses -o over the default waivers or config file, and leaves it intact', () => {
    const { dir } = work();
    for (const [file, text] of [['.nhiscan/waivers.yaml', 'waivers: []\n'], ['.nhiscan/config.yaml', 'disabledRules: []\n']] as const) {
      writeFileSync(join(dir, file), text);
      const r = spawnCli(['scan', '--demo', '--format', 'json', '-o', file], { cwd: dir });
      expect(r.code, file).toBe(2);
      expect(r.stderr, file).toMatch(new RegExp(`^nhiscan: ${file.replace('.', '\\.')}: -o and the default (waivers|config) file name the same file; give each its own\\n$`));
      expect(readFileSync(join(dir, file), 'utf8')).toBe(text);
    }
  });

  it('refuses an output inside the snapshot folder being read', () => {
    const { snap, dir } = work();
    const before = readFileSync(join(snap, 'manifest.json'), 'utf8');
    for (const args of [['scan', '--snapshot', snap, '-o', join(snap, 'manifest.json')], ['scan', '--snapshot', snap, '--write-baseline', join(snap, 'new.json')], ['export', '--snapshot', snap, '-o', join(snap, 'entra', 'og.json')]]) {
      const r = spawnCli(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/: (-o|--write-baseline) is inside the --snapshot folder; write it elsewhere\n$/);
    }
    expect(readFileSync(join(snap, 'manifest.json'), 'utf8')).toBe(before);
    expect(existsSync(join(snap, 'new.json'))).toBe(false);
    // Beside the folder is fine.
    expect(spawnCli(['scan', '--snapshot', snap, '--format', 'json', '-o', join(dir, 'report.json')], { cwd: dir }).code).toBe(0);
  });
});

/**
 * A review found that an output could be written over the file a credential is read from (the
 * Okta private key, the Entra certificate or federated token, the AWS shared files): the key was
 * lost. Each is refused like an input, before any collection starts (the Okta org below is a
 * closed local port: reaching it would fail differently).
 */
describe('an output over a credential file', () => {
  const work = () => {
    const dir = copyDemo();
    const key = join(dirname(dir), 'key.pem');
    const text = '-----BEGIN PRIVATE KEY-----\nnot a real key\n-----END PRIVATE KEY-----\n';
    writeFileSync(key, text);
    return { dir: dirname(dir), key, text };
  };
  const okta = (key: string) => ({ OKTA_ORG_URL: 'http://127.0.0.1:9', OKTA_CLIENT_ID: '0oaTEST', OKTA_PRIVATE_KEY_PATH: key });

  it.each([
    ['scan -o', (k: string) => ['scan', '--okta', '--format', 'json', '-o', k], '-o'],
    ['scan --write-baseline', (k: string) => ['scan', '--okta', '--write-baseline', k], '--write-baseline'],
    ['certify -o', (k: string) => ['certify', '--okta', '-o', k], '-o'],
    ['export -o', (k: string) => ['export', '--okta', '-o', k], '-o'],
    ['baseline write', (k: string) => ['baseline', 'write', k, '--okta'], '<file>'],
  ])('%s over OKTA_PRIVATE_KEY_PATH: exit 2, one line, the key unchanged', (_name, args, setting) => {
    const { dir, key, text } = work();
    const r = spawnCli(args(key), { cwd: dir, env: okta(key) });
    expect([r.code, r.stderr]).toEqual([2, `nhiscan: ${key}: ${setting} and OKTA_PRIVATE_KEY_PATH name the same file; give each its own\n`]);
    expect(readFileSync(key, 'utf8')).toBe(text);
  });

  it.each(['AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_FEDERATED_TOKEN_FILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE'])('refuses -o over the file %s names, with any input', (name) => {
    const { dir, key, text } = work();
    const r = spawnCli(['scan', '--demo', '--format', 'json', '-o', 'key.pem'], { cwd: dir, env: { [name]: key } });
    expect([r.code, r.stderr]).toEqual([2, `nhiscan: key.pem: -o and ${name} name the same file; give each its own\n`]);
    expect(readFileSync(key, 'utf8')).toBe(text);
  });

  it('refuses -o over the default AWS shared files under the home folder', () => {
    const { dir, text } = work();
    mkdirSync(join(dir, '.aws'));
    for (const file of ['credentials', 'config']) {
      writeFileSync(join(dir, '.aws', file), text);
      const r = spawnCli(['scan', '--demo', '--format', 'json', '-o', join('.aws', file)], { cwd: dir, env: { HOME: dir } });
      expect([r.code, r.stderr]).toEqual([2, `nhiscan: ${join('.aws', file)}: -o and the default AWS ${file} file name the same file; give each its own\n`]);
      expect(readFileSync(join(dir, '.aws', file), 'utf8')).toBe(text);
    }
  });
});
