import { closeSync, openSync, realpathSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { Command, Option } from 'commander';
import { escapeUnsafe, InputError } from '../errors.js';
import { collectedAtMs, type Snapshot } from '../snapshot/snapshot.js';
import { scanSnapshot, type ScanResult } from '../scan.js';
import { narrowHeapGrowth } from './heap.js';
import { allRules } from '../../rules/index.js';
import { atLeast, isSeverity } from '../engine/severity.js';
import type { Severity } from '../engine/types.js';
import { demoDir, makeParentFolders, packageVersion, readSnapshotDir, writeFailure } from './io.js';
import { snapshotFromAwsFiles } from './aws-files.js';
import { defaultConfigFile, loadConfig } from './config.js';
import { FORMATS, renderChunks, type Format, type Renderable } from '../reporters/index.js';
import { applyCiLayer, defaultWaiversFile, legacyFingerprints, readCiFiles, scanEvidence, type BaselineRead, type CiFiles, type CiOptions } from './ci.js';
import type { LegacyFingerprint } from '../ci/baseline.js';
import type { ScanReport } from '../report/types.js';
import { collectLive, liveRequested, addLiveOptions, type LiveFlags } from './live.js';
import { useColor } from './tty.js';
import { CUT, cutLine, quoteInput, safeText } from '../reporters/sanitize.js';
import { gapsHeadline } from '../reporters/table.js';
import { parseIsoInstant, reportableInstant } from '../iso-date.js';
import { shownScope } from '../report/scope-shown.js';

export interface InputFlags extends LiveFlags {
  demo?: boolean;
  snapshot?: string;
  awsAuthzDetails?: string;
  awsCredentialReport?: string;
  now?: string;
  config?: string;
}

export interface ScanFlags extends InputFlags, CiOptions {
  format: string;
  output?: string;
  failOn: string;
  color?: boolean;
  allowPartial?: boolean;
}

/** Options every command that reads an estate shares (scan, explain, certify, export). */
export function addInputOptions(cmd: Command): Command {
  cmd
    .option('--demo', 'scan the bundled demo tenant (fixtures/demo)')
    .option('--snapshot <dir>', 'scan a snapshot folder (docs/snapshot-format.md)')
    .option('--aws-authz-details <file>', 'scan the JSON printed by `aws iam get-account-authorization-details`')
    .option('--aws-credential-report <file>', 'with --aws-authz-details: the credential report CSV')
    .option('--now <date>', 'evaluate as of this ISO-8601 date (default: the snapshot time for snapshots, the clock for live scans)')
    .option('--config <file>', 'configuration file (JSON or YAML); default .nhiscan/config.yaml, .yml or .json when present');
  addLiveOptions(cmd);
  return cmd;
}

export function registerScan(program: Command): void {
  const cmd = program
    .command('scan')
    .description('scan a snapshot, an AWS CLI export, the demo tenant, or live tenants, and report findings')
    .addOption(new Option('--format <format>', 'output format').choices([...FORMATS]).default('table'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding at or above this severity counts').choices(['critical', 'high', 'medium', 'low', 'info', 'none']).default('none'))
    .option('--color', 'force colour')
    .option('--no-color', 'disable colour')
    .option('--allow-partial', 'do not fail (exit 3) when some capability could not be collected');
  addInputOptions(cmd);
  cmd
    .option('--baseline <file>', 'only findings new against this baseline count toward the exit code (a fingerprint not in it, or one whose severity rose)')
    .option('--write-baseline <file>', 'write the fingerprints of this scan as a baseline')
    .option('--waivers <file>', 'waivers file (default .nhiscan/waivers.yaml, .yml or .json when present)')
    .action(async (flags: ScanFlags) => {
      // `--baseline F --write-baseline F` compares, then updates the baseline: the one pair allowed.
      const waivers: Named = flags.waivers !== undefined ? ['--waivers', flags.waivers] : ['the default waivers file', defaultWaiversFile(process.cwd())];
      refuseSameFile([['-o', flags.output], ['--write-baseline', flags.writeBaseline]], [...inputFiles(flags), ['--baseline', flags.baseline], waivers], [['--write-baseline', '--baseline']], inputFolders(flags));
      // Read and checked before the scan, so a malformed baseline or waivers file fails at once.
      const files = readCiFiles(flags, process.cwd());
      // Only the report is rendered: keeping the graph and the analysis out of reach lets the
      // garbage collector free them before the report is written (most of the heap on a large
      // estate, and what decided peak memory when they stayed alive while rendering).
      const { report, baselineRead, earlier } = await scanForCi(flags, files);
      process.exitCode = await emit({ report }, flags, files, baselineRead, earlier);
    });
}

/**
 * The report, and with --baseline what the comparison needs of the graph (a set of ids, not the
 * graph itself, which must not outlive this function).
 */
async function scanForCi(flags: ScanFlags, files: CiFiles): Promise<{ report: ScanReport; baselineRead?: BaselineRead; earlier?: Map<string, LegacyFingerprint> }> {
  const result = await runScan(flags, flags.format === 'recert-csv');
  // Waivers may still name paths by the fingerprints earlier versions gave them.
  const baseline = files.baseline;
  if (baseline === undefined) return { report: result.report, earlier: legacyFingerprints(result) };
  // Read once before the scan; the comparison (applyCiLayer) takes it from here.
  return { report: result.report, baselineRead: { baseline, evidence: scanEvidence(result, baseline, new Date(result.report.scannedAt)) } };
}

export type Named = [setting: string, path: string | undefined];

/** The files an estate is read from, by the setting that names them (or the default config file read without one). */
export function inputFiles(flags: InputFlags): Named[] {
  return [
    flags.config !== undefined ? ['--config', flags.config] : ['the default config file', defaultConfigFile()],
    ['--aws-authz-details', flags.awsAuthzDetails],
    ['--aws-credential-report', flags.awsCredentialReport],
    ['--aws-accounts', flags.awsAccounts === 'all' ? undefined : flags.awsAccounts],
    ...credentialFiles(),
  ];
}

/**
 * The files credentials are read from, by the environment variable that names them: a report
 * written over one would destroy the key, certificate or token there (and hand its place to
 * whatever reads the report). Listed whether or not this run collects live, since no run should
 * write there. Okta and Entra name them in the variables their collectors read; AWS in those the
 * SDK's credential chain reads, and without them the SDK's defaults under ~/.aws.
 */
export function credentialFiles(env: NodeJS.ProcessEnv = process.env): Named[] {
  const set = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const aws = (name: string, file: string): Named => [set(name) !== undefined ? name : `the default AWS ${file} file`, set(name) ?? join(homedir(), '.aws', file)];
  return [
    ['OKTA_PRIVATE_KEY_PATH', set('OKTA_PRIVATE_KEY_PATH')],
    ['AZURE_CLIENT_CERTIFICATE_PATH', set('AZURE_CLIENT_CERTIFICATE_PATH')],
    ['AZURE_FEDERATED_TOKEN_FILE', set('AZURE_FEDERATED_TOKEN_FILE')],
    ['AWS_WEB_IDENTITY_TOKEN_FILE', set('AWS_WEB_IDENTITY_TOKEN_FILE')],
    aws('AWS_SHARED_CREDENTIALS_FILE', 'credentials'),
    aws('AWS_CONFIG_FILE', 'config'),
  ];
}

/**
 * Refuses an output that names the same file as another output or an input: the report would
 * overwrite the baseline just written, or the baseline, waivers or config just read. Checked
 * before anything is read, so the mistake costs nothing. `allowed` lists [output, input] pairs
 * that may share a file.
 */
export function refuseSameFile(outputs: Named[], inputs: Named[], allowed: Array<[string, string]> = [], folders: Named[] = []): void {
  const given = (list: Named[]) => list.filter((n): n is [string, string] => typeof n[1] === 'string' && n[1] !== '');
  const outs = given(outputs);
  // An output written into the snapshot being read replaces one of its files (or adds one the next
  // scan reads as part of it).
  for (const [folderSetting, folder] of given(folders)) {
    const root = realKey(folder);
    for (const [setting, path] of outs) {
      const at = realKey(path);
      if (at.startsWith(root.endsWith(sep) ? root : root + sep)) throw new InputError(`${setting} is inside the ${folderSetting} folder; write it elsewhere`, path);
    }
  }
  const others = [...outs, ...given(inputs)];
  outs.forEach(([setting, path], i) => {
    for (const [other, otherPath] of others.slice(i + 1)) {
      if (allowed.some(([a, b]) => a === setting && b === other)) continue;
      if (sameFile(path, otherPath)) throw new InputError(`${setting} and ${other} name the same file; give each its own`, path);
    }
  });
}

/**
 * Resolved paths, symbolic links followed (the file may not exist yet: then its folder's), and
 * for two files that exist, the same device and inode (a hard link, a case-insensitive disk).
 * A character device (/dev/null) can take any number of writers.
 */
function sameFile(a: string, b: string): boolean {
  let same = realKey(a) === realKey(b);
  try {
    const [x, y] = [statSync(a), statSync(b)];
    if (x.isCharacterDevice()) return false;
    same ||= x.dev === y.dev && x.ino === y.ino;
  } catch {
    // One of them does not exist yet: the paths decide.
  }
  return same;
}

/** A path resolved with symbolic links followed (the file may not exist yet: then its folder's). */
function realKey(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync.native(abs);
  } catch {
    try {
      return join(realpathSync.native(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}

/** The snapshot folders an estate is read from, by the setting that names them. */
export function inputFolders(flags: InputFlags): Named[] {
  return [
    ['--snapshot', flags.snapshot],
    ['demo', flags.demo ? demoDir() : undefined],
  ];
}

/**
 * Loads the input the flags name and runs the offline pipeline. `namePrivileges`: name what each
 * identity holds, for the recert sheet (ScanOptions.namePrivileges); only the commands that write
 * the sheet ask for it.
 */
export async function runScan(flags: InputFlags, namePrivileges = false): Promise<ScanResult> {
  const config = loadConfig(flags.config);
  const snapshot = await loadInput(flags, config);
  const now = resolveNow(flags.now, snapshot);
  const origins = snapshot.origins;
  try {
    const result = scanSnapshot(snapshot, { now, config, rules: allRules, version: packageVersion(), releaseSnapshot: true, afterGraph: narrowHeapGrowth, namePrivileges });
    // The transforms start a warning about a file with its place in the snapshot
    // (`aws/<account>/authorization-details.json: …`); one that came from a flag is named as the
    // user gave it, like the errors below.
    if (origins) {
      const named = Object.entries(origins);
      result.report.warnings = result.report.warnings.map((w) => {
        const hit = named.find(([place]) => w.startsWith(`${place}: `));
        return hit ? `${hit[1]}${w.slice(hit[0].length)}` : w;
      });
    }
    return result;
  } catch (e) {
    // The transforms name a file by its place in the snapshot; one that came from a flag is
    // named as the user gave it, and one in a --snapshot folder under that folder, as the
    // reader's own errors are (`snap/manifest.json`, never a bare `manifest.json`).
    if (!(e instanceof InputError) || e.file === undefined) throw e;
    let file: string | undefined;
    if (origins) file = Object.hasOwn(origins, e.file) ? origins[e.file] : undefined;
    else if (flags.snapshot !== undefined && !isAbsolute(e.file)) file = join(flags.snapshot, e.file);
    if (file === undefined) throw e;
    const named = new InputError(e.message, file, e.location);
    // --debug shows where the error arose, not this rethrow.
    named.stack = e.stack;
    throw named;
  }
}

export async function loadInput(flags: InputFlags, config: ReturnType<typeof loadConfig>): Promise<Snapshot> {
  const chosen = [flags.demo, flags.snapshot, flags.awsAuthzDetails, liveRequested(flags)].filter(Boolean).length;
  if (chosen === 0) throw new InputError('nothing to scan: give --demo, --snapshot DIR, --aws-authz-details FILE, or --entra/--okta/--aws');
  if (chosen > 1) throw new InputError('give only one input: --demo, --snapshot, --aws-authz-details or live providers');
  if (flags.awsCredentialReport && !flags.awsAuthzDetails) throw new InputError('--aws-credential-report needs --aws-authz-details');
  if (flags.demo) return { ...readSnapshotDir(demoDir()), source: 'demo' };
  if (flags.snapshot) return readSnapshotDir(flags.snapshot, { awsAnswerThread: true });
  if (flags.awsAuthzDetails) return snapshotFromAwsFiles(flags.awsAuthzDetails, flags.awsCredentialReport, flags.now);
  return collectLive(flags, config);
}

export function resolveNow(now: string | undefined, snapshot: Snapshot): Date {
  if (now !== undefined) {
    const t = parseIsoInstant(now);
    if (Number.isNaN(t)) throw new InputError(`--now: not an ISO-8601 date: ${quoteInput(now.slice(0, 40))}`);
    if (!reportableInstant(t)) throw new InputError(`--now: ${quoteInput(now.slice(0, 40))} is outside the years 0000 to 9999 (UTC), which a report cannot write`);
    // Allowed (a report "as of" a date), but ages and days since last use are then measured
    // backwards from data read later, and can come out negative: say so, once.
    const collected = collectedAtMs(snapshot.manifest);
    if (snapshot.source !== 'live' && t < collected) {
      process.stderr.write(`nhiscan: warning: --now ${new Date(t).toISOString()} is before the snapshot was collected (${new Date(collected).toISOString()}); ages and days since last use are measured from --now and may be negative\n`);
    }
    return new Date(t);
  }
  return new Date(snapshot.source === 'live' ? Date.now() : collectedAtMs(snapshot.manifest));
}

async function emit(result: Renderable, flags: ScanFlags, files: CiFiles, baselineRead?: BaselineRead, earlier?: ReadonlyMap<string, LegacyFingerprint>): Promise<number> {
  const threshold = flags.failOn as Severity | 'none';
  if (threshold !== 'none' && !isSeverity(threshold)) throw new InputError(`--fail-on: unknown severity ${flags.failOn}`);
  const ci = applyCiLayer(result.report, flags, result.report.scannedAt, process.cwd(), baselineRead, earlier, files);
  const code = gate(result, ci.staleOrExpiredFail, threshold, flags.allowPartial === true);
  // On a terminal the table's hop reasons wrap to its width; in a file or a pipe to a fixed one
  // (the table's default), so that saved output is the same bytes whatever the environment.
  const width = !flags.output && process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : undefined;
  const chunks = renderChunks(flags.format as Format, result, { color: useColor(flags.color, flags.output), width });
  // A reader that closes the pipe early (`| head`) ends the process inside the write (main.ts: 141).
  await writeChunks(chunks, flags.output);
  // The table lists coverage gaps and warnings itself; the machine formats go to files and
  // pipelines nobody reads on a terminal, and so does a table written with -o, so what was not
  // read is said on stderr too. The CI messages (also in the warnings) are printed below, as before.
  if (flags.format !== 'table' || flags.output) printGaps(result.report, ci.messages);
  printCiMessages(ci.messages);
  // Said as `baseline write` says it: a CI log otherwise has no trace of where the baseline went.
  if (flags.writeBaseline) process.stderr.write(`nhiscan: ${baselineWritten(result.report.findings.length, flags.writeBaseline)}\n`);
  if (code === 1) process.stderr.write(`nhiscan: ${cutLine(gateFailure(result.report, threshold as Severity, flags.baseline), CUT.text, 'message', STDERR_WHOLE)}\n`);
  if (code === 3) process.stderr.write('nhiscan: collection was incomplete (see the coverage section); exit 3. Use --allow-partial to accept.\n');
  return code;
}

/** The line `scan --write-baseline` and `baseline write` print once the baseline is written. */
export function baselineWritten(findings: number, file: string): string {
  return `wrote a baseline of ${findings} finding${findings === 1 ? '' : 's'} to ${escapeUnsafe(file)}`;
}

/**
 * Why the gate failed (exit 1), for the CI log: a SARIF or JSON report written to a file says
 * nothing on the terminal, and a failed step with an empty log sends the reader hunting.
 */
function gateFailure(report: ScanReport, threshold: Severity, baseline: string | undefined): string {
  const n = countedAtLeast(report, threshold).length;
  if (n === 0) return `an expired waiver still covers a finding (see the waiver messages above; --fail-on ${threshold}); failing (exit 1)`;
  return `${n} ${baseline !== undefined ? 'new ' : ''}finding${n === 1 ? '' : 's'} at or above ${threshold}${baseline !== undefined ? ` (baseline ${baseline})` : ''}; failing (exit 1)`;
}

/** The findings that count toward the gate (not waived, not unchanged against the baseline) at or above `threshold`. */
function countedAtLeast(report: ScanReport, threshold: Severity | 'none'): ScanReport['findings'] {
  return report.findings.filter((f) => f.status !== 'waived' && f.status !== 'unchanged' && atLeast(f.severity, threshold));
}

/**
 * Where the whole of a stderr line's provider text is: the same warnings and coverage records are
 * in the JSON report (said of scan, since certify, export and baseline write print these too).
 */
const STDERR_WHOLE = 'nhiscan scan --format json';

/** At most this many warnings go to stderr; the report holds them all. */
const STDERR_WARNINGS = 20;

/**
 * For output that is not the terminal table: the coverage gaps and the scan's warnings on stderr,
 * one sanitised line each (a warning may quote provider data), after the report was written, so
 * a report that could not be written keeps its one error line. `except`: warnings printed
 * elsewhere.
 */
/** Baseline and waiver messages on stderr. They quote the waivers file (fingerprints, rule ids, subjects): one safe line each. */
export function printCiMessages(messages: readonly string[]): void {
  for (const line of messages) process.stderr.write(`nhiscan: ${cutLine(line, CUT.text, 'message', STDERR_WHOLE)}\n`);
}

export function printGaps(report: ScanReport, except: readonly string[] = []): void {
  const lines: string[] = [];
  const gaps = report.coverage.filter((c) => c.status !== 'collected');
  if (gaps.length > 0) {
    lines.push(gapsHeadline(gaps.length));
    for (const g of gaps) lines.push(`not read: ${g.provider} ${cutLine(shownScope(g.provider, g.scope), CUT.name, 'scope', STDERR_WHOLE)} ${cutLine(g.capability, CUT.name, 'capability', STDERR_WHOLE)}: ${g.status}${g.reason ? ` (${cutLine(g.reason, CUT.text, 'error', STDERR_WHOLE)})` : ''}`);
  }
  const skip = new Set(except);
  const warnings = report.warnings.filter((w) => !skip.has(w));
  lines.push(...warnings.slice(0, STDERR_WARNINGS).map((w) => cutLine(w, CUT.text, 'warning', STDERR_WHOLE)));
  if (warnings.length > STDERR_WARNINGS) lines.push(`… and ${warnings.length - STDERR_WARNINGS} more warnings (see the report)`);
  // Each part that came from a provider was cut above, with a note; here only made safe.
  for (const line of lines) process.stderr.write(`nhiscan: warning: ${safeText(line, Infinity)}\n`);
}

/** The exit code of a scan: 1 for a counted finding at or above the threshold, 3 for an incomplete collection, else 0. */
function gate(result: Renderable, staleOrExpiredFail: boolean, threshold: Severity | 'none', allowPartial: boolean): number {
  if (countedAtLeast(result.report, threshold).length > 0) return 1;
  // An expired waiver fails a gating run (CI); an analyst's plain scan only shows the message.
  if (staleOrExpiredFail && threshold !== 'none') return 1;
  const incomplete = result.report.coverage.some((c) => c.status !== 'collected');
  return incomplete && threshold !== 'none' && !allowPartial ? 3 : 0;
}

/** Bytes gathered before each write of {@link writeChunks}. */
export const WRITE_BUFFER_BYTES = 1 << 20;

/**
 * Writes the report in pieces, to a file or to stdout (respecting back-pressure on pipes).
 *
 * Each piece is encoded straight into one buffer of {@link WRITE_BUFFER_BYTES}, which is written
 * out when the next piece might not fit: memory the process has already touched, reused for the
 * whole report. Gathering the pieces into a string of a megabyte and encoding that anew for each
 * write made two fresh large objects per megabyte (the joined text, then its bytes), and a fresh
 * page costs a fault: writing the 450 MB JSON report of the 100,000-identity estate took about
 * 230,000 of them and 6 to 7.7 s, against 36 and 2.4 to 3.7 s this way (bench/HISTORY.md). A
 * piece longer than a third of the buffer (UTF-8 takes at most three bytes per UTF-16 unit) is
 * encoded and written on its own. Stdout keeps each buffer it is given until the pipe takes it,
 * so there every write gets a new one.
 */
export async function writeChunks(chunks: Iterable<string>, file: string | undefined): Promise<void> {
  let fd: number | undefined;
  if (file) {
    makeParentFolders(file);
    try {
      fd = openSync(file, 'w');
    } catch (e) {
      throw writeFailure(e, file);
    }
  }
  const write = async (bytes: Buffer): Promise<void> => {
    if (fd !== undefined) {
      try {
        // writeSync may write only part (a disk filling up); the next call then reports the error.
        for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
      } catch (e) {
        throw writeFailure(e, file!);
      }
    } else if (!process.stdout.write(bytes)) await new Promise((r) => process.stdout.once('drain', r));
  };
  try {
    let buffer = Buffer.allocUnsafeSlow(WRITE_BUFFER_BYTES);
    let used = 0;
    const flush = async (): Promise<void> => {
      if (used === 0) return;
      const full = buffer.subarray(0, used);
      used = 0;
      if (fd === undefined) buffer = Buffer.allocUnsafeSlow(WRITE_BUFFER_BYTES);
      await write(full);
    };
    for (const c of chunks) {
      if (c.length * 3 > buffer.length - used) {
        await flush();
        if (c.length * 3 > buffer.length) {
          await write(Buffer.from(c, 'utf8'));
          continue;
        }
      }
      used += buffer.write(c, used, 'utf8');
    }
    await flush();
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
