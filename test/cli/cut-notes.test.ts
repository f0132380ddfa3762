import { describe, it, expect, vi } from 'vitest';
import { renderDoctor } from '../../src/doctor/render.js';
import type { ProviderReport } from '../../src/doctor/types.js';
import { printGaps } from '../../src/cli/scan-command.js';
import { handleError } from '../../src/cli/main.js';
import { InputError, UnreachableError } from '../../src/errors.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliInProcess, copyDemo, editJson, report } from '../ci/helpers.js';

// doctor and the stderr lines quote provider text. Like the table, Markdown and explain, they cut
// it only past the CUT limits, and a cut says it was cut (src/reporters/sanitize.ts, cutText).

// A real AWS refusal runs past 200 characters, and its end (which policy denied) is the part
// that says what to fix.
const ACCESS_DENIED =
  'AccessDenied: User: arn:aws:sts::123456789012:assumed-role/nhiscan-reader/ci is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/ with an explicit deny in a service control policy';

const ok: ProviderReport = { provider: 'aws', scope: '123456789012', credential: { name: 'credential', status: 'ok' }, checks: [] };

describe('doctor: provider text whole, or cut with a note', () => {
  it('shows an AWS refusal whole, with the policy that denied it', () => {
    const out = renderDoctor([{ ...ok, checks: [{ name: 'aws.roles', status: 'missing', grant: 'iam:ListRoles', detail: ACCESS_DENIED }, { name: 'aws.users', status: 'error', detail: ACCESS_DENIED }] }]);
    expect(out).toContain(`grant iam:ListRoles (${ACCESS_DENIED})`);
    expect(out).toMatch(new RegExp(`ERROR\\s+aws\\.users\\s+${ACCESS_DENIED.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it('cuts a pathological detail or scope, and says so', () => {
    const detail = 'x'.repeat(5000);
    const scope = 's'.repeat(300);
    const out = renderDoctor([{ ...ok, scope, checks: [{ name: 'aws.roles', status: 'missing', grant: 'iam:ListRoles', detail }, { name: 'aws.users', status: 'error', detail }] }]);
    expect(out).toContain(`AWS IAM (${'s'.repeat(255)}… [scope cut at 256 of 300 characters])`);
    expect(out).toContain(`grant iam:ListRoles (${'x'.repeat(3999)}… [detail cut at 4000 of 5000 characters])`);
    expect(out).toMatch(/ERROR\s+aws\.users\s+x{3999}… \[detail cut at 4000 of 5000 characters\]$/m);
  });
});

describe('stderr warning lines: provider text whole, or cut with a note', () => {
  function stderrOf(fn: () => void): string {
    let err = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      err += String(s);
      return true;
    });
    try {
      fn();
    } finally {
      spy.mockRestore();
    }
    return err;
  }

  it('a warning or coverage error past 1,000 characters is written whole', () => {
    const long = `HTTP 500 ${'y'.repeat(1500)} end`;
    const r = report([], { coverage: [{ provider: 'okta', scope: 'https://org.okta.example', capability: 'okta.apiTokens', status: 'error', reason: long }] });
    r.warnings = [`app ${long}`];
    const err = stderrOf(() => printGaps(r));
    expect(err).toContain(`nhiscan: warning: not read: okta https://org.okta.example okta.apiTokens: error (${long})\n`);
    expect(err).toContain(`nhiscan: warning: app ${long}\n`);
  });

  it('a pathological one is cut with a note saying where it is whole', () => {
    const long = 'z'.repeat(5000);
    const r = report([], { coverage: [{ provider: 'okta', scope: `https://${'o'.repeat(292)}`, capability: 'okta.apiTokens', status: 'error', reason: long }] });
    r.warnings = [long];
    const err = stderrOf(() => printGaps(r));
    expect(err).toContain(`not read: okta https://${'o'.repeat(247)}… [scope cut at 256 of 300 characters; the whole scope is in nhiscan scan --format json] okta.apiTokens: error (${'z'.repeat(3999)}… [error cut at 4000 of 5000 characters; the whole error is in nhiscan scan --format json])\n`);
    expect(err).toContain(`nhiscan: warning: ${'z'.repeat(3999)}… [warning cut at 4000 of 5000 characters; the whole warning is in nhiscan scan --format json]\n`);
  });

  it('a pathological capability name from the manifest is cut like the scope, with a note', () => {
    const r = report([], { coverage: [{ provider: 'aws', scope: '111122223333', capability: `aws.iam${'x'.repeat(5000)}`, status: 'error' }] });
    const err = stderrOf(() => printGaps(r));
    expect(err).toContain(`not read: aws 111122223333 aws.iam${'x'.repeat(248)}… [capability cut at 256 of 5007 characters; the whole capability is in nhiscan scan --format json]: error\n`);
    expect(err.length).toBeLessThan(1000);
  });
});

describe('stderr baseline and waiver messages: cut only with a note', () => {
  it('a message quoting a pathological baseline scope is cut at 4,000 characters, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-cut-'));
    const file = join(dir, 'baseline.json');
    expect((await cliInProcess('scan', '--demo', '--write-baseline', file, '--format', 'json', '-o', join(dir, 'a.json'))).code).toBe(0);
    const b = JSON.parse(readFileSync(file, 'utf8'));
    b.scopes.push({ provider: 'okta', id: `https://${'a'.repeat(5000)}.okta.example` });
    writeFileSync(file, JSON.stringify(b));
    const { stderr } = await cliInProcess('scan', '--demo', '--baseline', file, '--format', 'json', '-o', join(dir, 'b.json'));
    const line = stderr.split('\n').find((l) => l.includes('this scan did not read'))!;
    expect(line).toContain('a'.repeat(3000));
    expect(line).toMatch(/… \[message cut at 4000 of \d+ characters; the whole message is in nhiscan scan --format json\]$/);
  });
});

describe('explain errors: provider names and ids cut only with a note', () => {
  const ALICE = '5125ad0d-dc18-40a5-8165-4fc7f25883d6';

  it('a person\'s long name is shown up to the name limit, then cut with a note', async () => {
    const snap = copyDemo();
    const name = `Alice Chen ${'x'.repeat(300)}`;
    editJson(join(snap, 'entra/users.json'), (doc) => {
      doc.value.find((u: { id: string }) => u.id === ALICE).displayName = name;
    });
    const { code, stderr } = await cliInProcess('explain', ALICE, '--snapshot', snap);
    expect(code).toBe(2);
    expect(stderr).toContain(`nhiscan: "${name.slice(0, 255)}…" [name cut at 256 of ${name.length} characters] is a person (entra-user)`);
  });

  it('names every candidate id it lists, and how many more there are', async () => {
    const snap = copyDemo();
    editJson(join(snap, 'entra/servicePrincipals.json'), (doc) => {
      for (const sp of doc.value) sp.displayName = 'Same Name';
    });
    const { code, stderr } = await cliInProcess('explain', 'Same Name', '--snapshot', snap);
    expect(code).toBe(2);
    const m = /(\d+) identities are named "Same Name"; use an id: (.*)$/m.exec(stderr)!;
    const n = Number(m[1]);
    expect(n).toBeGreaterThan(5);
    expect(m[2]).toMatch(new RegExp(`^(entra:[^ ,]+, ){4}entra:[^ ,]+ and ${n - 5} more$`));
  });
});

describe('error lines: cut only with a note', () => {
  function errOf(e: unknown): { code: number; stderr: string } {
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      stderr += String(s);
      return true;
    });
    try {
      return { code: handleError(e, false), stderr };
    } finally {
      spy.mockRestore();
    }
  }

  it('an input error quoting 3,000 characters (five long AWS ids) is one whole line', () => {
    const msg = `use an id: ${'i'.repeat(3000)}`;
    const { code, stderr } = errOf(new InputError(msg, 'f.json'));
    expect(code).toBe(2);
    expect(stderr).toBe(`nhiscan: f.json: ${msg}\n`);
  });

  it('a pathological input or unreachable error is cut at 4,000 characters, and says so', () => {
    const long = 'e'.repeat(5000);
    expect(errOf(new InputError(long)).stderr).toBe(`nhiscan: ${'e'.repeat(3999)}… [error cut at 4000 of 5000 characters]\n`);
    expect(errOf(new UnreachableError(long)).stderr).toBe(`nhiscan: ${'e'.repeat(3999)}… [error cut at 4000 of 5000 characters]\n`);
  });

  it('an internal error\'s first line past 500 characters says it was cut', () => {
    expect(errOf(new Error('q'.repeat(600))).stderr).toBe(`nhiscan: internal error: ${'q'.repeat(499)}… [error cut at 500 of 600 characters] (run with --debug for details)\n`);
  });
});

// What the user typed comes back in usage errors (commander's: an unknown option, command or help
// topic, a value that is not one of the choices) and in the explain and rules errors that echo the
// query. It is shown whole up to the CUT limits like provider text; past them the cut says so,
// since a line that ends in "…" alone looks like the whole of what was typed.
describe('usage errors and the echo of the user\'s own text: cut only with a note', () => {
  const FORMATS = 'table, json, csv, sarif, markdown, recert-csv';
  const cases = (n: number): [string, string[], string][] => {
    const v = 'v'.repeat(n);
    return [
      ['an unknown option', ['scan', '--demo', `--${v}`], `unknown option '--${v}'`],
      ['a value not among the choices', ['scan', '--demo', '--format', v], `option '--format <format>' argument '${v}' is invalid. Allowed choices are ${FORMATS}`],
      ['an unknown command', [v], `unknown command '${v}'`],
      ['a help topic that is no command', ['rules', 'help', v], `rules: no command '${v}' to show help for (list, show, help)`],
    ];
  };

  it.each(cases(3000))('%s of 3,000 characters is one whole line, exit 2', async (_, args, message) => {
    const { code, stderr } = await cliInProcess(...args);
    expect(code).toBe(2);
    expect(stderr).toBe(`nhiscan: ${message}; run with --help for usage\n`);
  });

  it.each(cases(5000))('%s past 4,000 characters is cut, and the line says so', async (_, args, message) => {
    const { code, stderr } = await cliInProcess(...args);
    expect(code).toBe(2);
    expect(stderr).toBe(`nhiscan: ${message.slice(0, 3999)}… [error cut at 4000 of ${message.length} characters]; run with --help for usage\n`);
  });

  it('explain echoes a query of 200 characters whole', async () => {
    const q = 'q'.repeat(200);
    const { code, stderr } = await cliInProcess('explain', q, '--demo');
    expect(code).toBe(2);
    expect(stderr).toBe(`nhiscan: no identity or finding matches "${q}"\n`);
  });

  it('explain cuts a query past the name limit, and says so', async () => {
    const q = 'q'.repeat(300);
    const { code, stderr } = await cliInProcess('explain', q, '--demo');
    expect(code).toBe(2);
    expect(stderr).toBe(`nhiscan: no identity or finding matches "${'q'.repeat(255)}…" [query cut at 256 of 300 characters]\n`);
  });

  it('explain echoes the name several identities share, cut only with a note', async () => {
    const snap = copyDemo();
    const name = `Same Name ${'n'.repeat(290)}`;
    editJson(join(snap, 'entra/servicePrincipals.json'), (doc) => {
      for (const sp of doc.value) sp.displayName = name;
    });
    const { code, stderr } = await cliInProcess('explain', name, '--snapshot', snap);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^nhiscan: \\d+ identities are named "${name.slice(0, 255)}…" \\[query cut at 256 of 300 characters\\]; use an id: `));
  });

  it('rules show and rules list --format echo what was typed, cut only with a note', async () => {
    const id = 'r'.repeat(200);
    expect(await cliInProcess('rules', 'show', id)).toEqual({ code: 2, stderr: `nhiscan: no rule with id ${id} (see \`nhiscan rules list\`)\n` });
    expect((await cliInProcess('rules', 'show', 'r'.repeat(300))).stderr).toBe(`nhiscan: no rule with id ${'r'.repeat(255)}… [id cut at 256 of 300 characters] (see \`nhiscan rules list\`)\n`);
    expect((await cliInProcess('rules', 'list', '--format', 'f'.repeat(100))).stderr).toBe(`nhiscan: --format: expected table or json, got ${'f'.repeat(100)}\n`);
    expect((await cliInProcess('rules', 'list', '--format', 'f'.repeat(300))).stderr).toBe(`nhiscan: --format: expected table or json, got ${'f'.repeat(255)}… [format cut at 256 of 300 characters]\n`);
  });

  it('a --debug stack whose first line (the message) is past 2,000 characters says it was cut', () => {
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      stderr += String(s);
      return true;
    });
    try {
      handleError(new InputError('m'.repeat(3000)), true);
    } finally {
      spy.mockRestore();
    }
    const stackHead = stderr.split('\n')[1];
    expect(stackHead).toBe(`InputError: ${'m'.repeat(1987)}… [line cut at 2000 of 3012 characters]`);
  });
});
