import { writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { InputError, UnreachableError, isUnreachable } from '../errors.js';
import type { NhiConfig } from '../config/types.js';
import type { Manifest, Snapshot } from '../snapshot/snapshot.js';
import type { CollectResult, CoverageRecord } from '../snapshot/types.js';
import type { AwsCollectOptions } from '../connectors/aws/client.js';
import { makeParentFolders, packageVersion, readText, writeFailure } from './io.js';
import { progressFn } from './tty.js';
import { quoteInput } from '../reporters/sanitize.js';
import { appendAll } from '../append-all.js';

export interface LiveFlags {
  entra?: boolean;
  okta?: boolean;
  aws?: boolean;
  awsProfile?: string;
  awsRegion?: string;
  awsAssumeRole?: string;
  awsAccounts?: string;
  awsConcurrency?: string;
  entraTenant?: string;
  entraClientId?: string;
  entraAuthority?: string;
  graphUrl?: string;
  oktaOrgUrl?: string;
}

/**
 * The offline inputs of scan and the commands like it (src/cli/scan-command.ts). A setting of
 * live collection given with one of them was silently ignored, even a bad value
 * (`--demo --aws-concurrency 0` exited 0): commander refuses the pair instead, as a usage error.
 * Commands without these inputs (collect, doctor) are not affected.
 */
const OFFLINE_INPUTS = ['demo', 'snapshot', 'awsAuthzDetails'];

const PROVIDER_LABEL = { entra: 'Entra', okta: 'Okta', aws: 'AWS' } as const;
type LiveProvider = keyof typeof PROVIDER_LABEL;

/**
 * Refuses a provider's setting given without that provider (`--okta --aws-profile prod`): it would
 * be ignored as silently as a live setting beside an offline input, and the user would believe
 * it applied. `settings`: each setting's option, by the provider it belongs to, in declaration order.
 */
function checkProviderSettings(flags: Record<string, unknown>, settings: ReadonlyArray<[LiveProvider, Option]>): void {
  for (const [provider, option] of settings) {
    if (!flags[provider] && flags[option.attributeName()] !== undefined) {
      throw new InputError(`${option.long} is a setting of live ${PROVIDER_LABEL[provider]} collection: give --${provider} too, or leave it out`);
    }
  }
}

export function addLiveOptions(cmd: Command): void {
  const settings: Array<[LiveProvider, Option]> = [];
  // After commander's own checks (an offline input with a live setting is its conflict error).
  cmd.hook('preAction', (_cmd, action) => checkProviderSettings(action.opts(), settings));
  const live = (provider: LiveProvider, flags: string, description: string) => {
    const option = new Option(flags, description).conflicts(OFFLINE_INPUTS);
    settings.push([provider, option]);
    cmd.addOption(option);
  };
  cmd.option('--entra', 'collect live from Microsoft Entra ID (AZURE_TENANT_ID, AZURE_CLIENT_ID and a secret, certificate or federated token)');
  live('entra', '--entra-tenant <id>', 'tenant id (default AZURE_TENANT_ID)');
  live('entra', '--entra-client-id <id>', 'client id (default AZURE_CLIENT_ID)');
  live('entra', '--entra-authority <url>', 'authority host for national clouds, e.g. https://login.microsoftonline.us');
  live('entra', '--graph-url <url>', 'Microsoft Graph origin for national clouds, e.g. https://graph.microsoft.us');
  cmd.option('--okta', 'collect live from Okta (OKTA_ORG_URL with OKTA_CLIENT_ID + OKTA_PRIVATE_KEY_PATH, or OKTA_API_TOKEN)');
  live('okta', '--okta-org-url <url>', 'Okta org URL (default OKTA_ORG_URL)');
  cmd.option('--aws', 'collect live from AWS IAM (the SDK default credential chain)');
  live('aws', '--aws-profile <name>', 'AWS shared config profile');
  live('aws', '--aws-region <region>', 'region for STS and IAM Roles Anywhere (default us-east-1)');
  live('aws', '--aws-assume-role <name>', 'role name to assume in each account of --aws-accounts');
  live('aws', '--aws-accounts <file|all>', 'file with one account id per line, or "all" (AWS Organizations ListAccounts)');
  live('aws', '--aws-concurrency <n>', 'accounts collected at once (default 4)');
}

export function liveRequested(flags: LiveFlags): boolean {
  return Boolean(flags.entra || flags.okta || flags.aws);
}

/**
 * Runs the requested collectors side by side (each degrades on its own: a capability refused is
 * a coverage record). When one fails outright (its credential refused), there will be no
 * snapshot, so the others are stopped at once through a shared AbortSignal, not left to spend
 * requests and rate-limit budget; the first failure is thrown once they have all ended.
 */
export async function collectLiveResults(flags: LiveFlags, config?: NhiConfig): Promise<CollectResult[]> {
  const progress = progressFn();
  // Every provider's settings are checked before the first collector starts: a bad setting of
  // one must not leave another's requests running behind the usage error.
  const starts: Array<(signal: AbortSignal) => Promise<CollectResult>> = [];
  // The SDKs are loaded only when a live provider is asked for: an offline scan starts fast.
  if (flags.aws) {
    const opts = await awsOptions(flags, progress);
    const { collectAws } = await import('../connectors/aws/client.js');
    starts.push((signal) => collectAws({ ...opts, signal }));
  }
  if (flags.entra) {
    const { collectEntra, entraCredentialChoiceWarning, entraOptionsFromEnv } = await import('../connectors/entra/client.js');
    const { normalizeAuthorityHost, resolveGraphOrigin } = await import('../connectors/entra/cloud.js');
    let opts;
    try {
      opts = entraOptionsFromEnv(process.env, { tenantId: flags.entraTenant, clientId: flags.entraClientId, authority: flags.entraAuthority, graphUrl: flags.graphUrl });
      resolveGraphOrigin(opts.graphUrl, normalizeAuthorityHost(opts.authorityHost));
    } catch (e) {
      throw asInput(e);
    }
    const choice = entraCredentialChoiceWarning(process.env);
    if (choice) process.stderr.write(`nhiscan: warning: ${choice}\n`);
    const entra = opts;
    starts.push((signal) => collectEntra({ ...entra, progress, signal }).catch((e) => Promise.reject(asInput(e))));
  }
  if (flags.okta) {
    const { collectOkta } = await import('../connectors/okta/client.js');
    const { oktaOptionsFromEnv, normaliseOrgUrl } = await import('../connectors/okta/options.js');
    let opts;
    try {
      opts = oktaOptionsFromEnv(process.env, { oktaOrgUrl: flags.oktaOrgUrl });
      if (opts) normaliseOrgUrl(opts.orgUrl, opts.allowInsecureHttp);
    } catch (e) {
      throw asInput(e);
    }
    if (!opts) throw new InputError('--okta needs OKTA_ORG_URL and credentials (see docs/okta-permissions.md)');
    // Which users get their roles, factors and groups read follows the organisation's own
    // service-account conventions (patterns, declared accounts, types), on top of the
    // collector's defaults: every user the scan will treat as a service account is read.
    const okta = opts;
    const conventions = config ? { serviceAccounts: { serviceAccountPatterns: config.serviceAccountPatterns, knownServiceAccounts: config.knownServiceAccounts, serviceAccountTypes: config.serviceAccountTypes } } : {};
    starts.push((signal) => collectOkta({ ...okta, progress, signal, ...conventions }).catch((e) => Promise.reject(asInput(e))));
  }
  const stop = new AbortController();
  let failure: { error: unknown } | undefined;
  const runs = starts.map((start) =>
    start(stop.signal).catch((e: unknown) => {
      if (!failure) {
        failure = { error: e };
        stop.abort(e);
      }
      throw e;
    }),
  );
  // Waiting for every run (the stopped ones end within their request in flight) means nothing
  // is still sending when the error is shown.
  const settled = await Promise.allSettled(runs);
  if (progress) process.stderr.write('\r\u001b[2K');
  if (failure) throw failure.error;
  return settled.map((r) => (r as PromiseFulfilledResult<CollectResult>).value);
}

/**
 * Configuration and authentication errors of the connectors are the user's to fix: exit 2. A
 * token endpoint that did not answer at all (connection refused, DNS, TLS, timeout) is not the
 * user's input nor a refused credential: exit 3, as when AWS cannot be reached (a coverage record).
 */
export function asInput(e: unknown): unknown {
  const hint = e instanceof Error ? (e as { hint?: unknown }).hint : undefined;
  const line = e instanceof Error ? `${e.message}${hint ? ` (${String(hint)})` : ''}` : '';
  if (e instanceof Error && isUnreachable(e)) return new UnreachableError(`${line}; nothing was read`);
  if (e instanceof Error && /ConfigError|AuthError/.test(`${e.name} ${e.constructor.name}`)) return new InputError(line);
  return e;
}

/**
 * The AWS flags as collector options, checked before any request (exit 2 on a bad value),
 * the profile included: `collect`, `scan` and `doctor` all start from here.
 */
export async function awsOptions(flags: LiveFlags, progress: ((m: string) => void) | undefined): Promise<AwsCollectOptions> {
  const opts: AwsCollectOptions = { progress };
  if (flags.awsProfile) opts.profile = flags.awsProfile;
  if (flags.awsRegion) {
    // The SDK takes any hostname label and fails later, one coverage error per call (exit 3).
    if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(flags.awsRegion)) throw new InputError('--aws-region: expected an AWS region name such as us-east-1');
    opts.region = flags.awsRegion;
  }
  if (flags.awsConcurrency) {
    const n = Number(flags.awsConcurrency);
    if (!Number.isInteger(n) || n < 1 || n > 16) throw new InputError('--aws-concurrency: expected a whole number from 1 to 16');
    opts.concurrency = n;
  }
  if (Boolean(flags.awsAssumeRole) !== Boolean(flags.awsAccounts)) throw new InputError('--aws-assume-role and --aws-accounts go together');
  if (flags.awsAssumeRole && flags.awsAccounts) {
    // The collector checks this too, but as a TypeError naming its option: the user set a flag.
    if (!/^[\w+=,.@/-]{1,512}$/.test(flags.awsAssumeRole)) throw new InputError('--aws-assume-role: not a valid IAM role name or path');
    opts.assumeRoleName = flags.awsAssumeRole;
    if (flags.awsAccounts === 'all') opts.accounts = 'all';
    else {
      const lines = readText(flags.awsAccounts).split(/\r?\n/).map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
      lines.forEach((l, i) => {
        // The line is not quoted: a wrong file given here (a credentials file, a token) would
        // print the start of a secret. The line number is enough to find it.
        if (!/^\d{12}$/.test(l)) throw new InputError('not a 12-digit account id (the line is not shown)', flags.awsAccounts, `line ${i + 1}`);
      });
      opts.accounts = lines;
    }
  }
  await checkAwsProfile(opts.profile);
  return opts;
}

/**
 * A profile that neither shared file defines makes the SDK's credential chain fail with a generic
 * "Could not load credentials from any providers", one coverage error later (exit 3). It is a
 * usage error naming the setting instead. Read with the SDK's own loader, so the same files
 * (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, ~/.aws) and section syntax count.
 */
async function checkAwsProfile(flag: string | undefined): Promise<void> {
  const env = process.env.AWS_PROFILE?.trim();
  const [setting, name] = flag ? ['--aws-profile', flag] : env ? ['AWS_PROFILE', env] : [];
  if (!setting || !name) return;
  const { loadSharedConfigFiles } = await import('@smithy/core/config');
  let files;
  try {
    files = await loadSharedConfigFiles({ ignoreCache: true });
  } catch (e) {
    throw new InputError(`${setting}: cannot read the AWS shared config files (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!Object.hasOwn(files.configFile, name) && !Object.hasOwn(files.credentialsFile, name)) {
    const named = looksLikeProfileName(name) ? quoteInput(name) : `of that name (a name of ${name.length} characters, not shown)`;
    throw new InputError(`${setting}: no profile ${named} in the AWS shared config or credentials file`);
  }
}

/**
 * Whether a profile name that does not exist may be shown in the error. Names as people and
 * `aws configure sso` write them (`prod`, `audit-ro`, `ReadOnly-111122223333`) are; a value that
 * looks like a key or token pasted into AWS_PROFILE (an access key id, or a long run of mixed
 * case and digits such as a secret access key) is not, so that a swapped variable is not printed.
 */
export function looksLikeProfileName(name: string): boolean {
  if (!/^[\w.@-]{1,64}$/.test(name)) return false;
  if (/^(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,}$/.test(name)) return false;
  return name.split(/[-_.@]/).every((part) => part.length < 12 || !(/[a-z]/.test(part) && /[A-Z]/.test(part) && /\d/.test(part)));
}

/** Merges collector results into one in-memory snapshot. */
export function mergeResults(results: CollectResult[], collectedAt: Date): Snapshot {
  const files: Record<string, unknown> = {};
  const coverage: CoverageRecord[] = [];
  const providers: Manifest['providers'] = {};
  const warnings: string[] = [];
  for (const r of results) {
    Object.assign(files, r.files);
    appendAll(coverage, r.coverage);
    const m = r.manifest as Record<string, unknown>;
    if ('tenantId' in m) providers.entra = m as Manifest['providers']['entra'];
    else if ('orgUrl' in m) providers.okta = m as Manifest['providers']['okta'];
    else if ('accounts' in m) providers.aws = m as Manifest['providers']['aws'];
    if (Array.isArray(m.warnings)) appendAll(warnings, m.warnings as string[]);
  }
  const manifest: Manifest = {
    schemaVersion: 1,
    tool: `nhiscan ${packageVersion()}`,
    collectedAt: collectedAt.toISOString(),
    providers,
    coverage,
  };
  if (warnings.length) manifest.warnings = warnings;
  return { manifest, files, source: 'live' };
}

export async function collectLive(flags: LiveFlags, config: NhiConfig): Promise<Snapshot> {
  const started = new Date();
  return mergeResults(await collectLiveResults(flags, config), started);
}

/**
 * Checks that `dir` can take a new snapshot: absent, or an empty folder. `collect` calls it before
 * any request, so a wrong --out costs nothing, and again just before writing.
 */
export function checkOutFolder(dir: string): void {
  if (!existsSync(dir)) return;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOTDIR' ? 'is a file, expected a new --out folder' : `cannot read the --out folder (${code ?? 'error'})`, dir);
  }
  if (entries.length > 0) throw new InputError('folder is not empty; choose a new --out folder', dir);
}

/** Writes a snapshot folder (docs/snapshot-format.md). Refuses to mix into a non-empty folder. */
export function writeSnapshot(dir: string, snapshot: Snapshot): number {
  checkOutFolder(dir);
  let n = 0;
  const write = (rel: string, value: unknown) => {
    const full = join(dir, rel);
    makeParentFolders(full);
    try {
      writeFileSync(full, typeof value === 'string' ? value : JSON.stringify(value, null, 2) + '\n');
    } catch (e) {
      throw writeFailure(e, full);
    }
    n++;
  };
  write('manifest.json', snapshot.manifest);
  for (const rel of Object.keys(snapshot.files).sort()) write(rel, snapshot.files[rel]);
  return n;
}
