import { closeSync, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { join, relative, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';
import { collectedAtMs, type Manifest, type Snapshot } from '../snapshot/snapshot.js';
import { isObject, Reader } from '../snapshot/shape.js';
import { jsonErrorOffset } from './json-position.js';
import { parseJsonPieces, WHOLE } from './json-pieces.js';
import { parseIsoInstant, reportableInstant } from '../iso-date.js';
import { startAnswerThread } from '../connectors/aws/answer-pool.js';
import { quoteInput } from '../reporters/sanitize.js';
import { MANIFEST_ORG_URL_REFUSED, manifestOktaOrigin } from '../connectors/okta/org-url.js';

/** Files larger than this are refused rather than read into memory whole. */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;
const MAX_DEPTH = 4;

/** The package root (where package.json lives), from dist/ or from src/ under tests. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'fixtures'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the nhiscan package root');
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export function demoDir(): string {
  return join(packageRoot(), 'fixtures', 'demo');
}

/**
 * A buffer that the files of one snapshot are read into, one after the other. Each file read
 * into a buffer of its own is memory outside the JavaScript heap, and V8 answers every 64 MB or
 * so of such memory with a full collection: reading a 100,000-identity snapshot (a dozen files of
 * 25 to 50 MB) cost several full collections of the growing heap for that alone. One buffer,
 * as large as the largest file, is allocated once (see readSnapshotDir).
 */
export class ReadBuffer {
  bytes: Buffer = Buffer.allocUnsafe(0);
}

/** Reads a text file, turning every failure into one line that names the file. */
export function readText(file: string, scratch?: ReadBuffer): string {
  // UTF-8 even for plain ASCII, although the latin1 decoder copies ASCII faster: for a text over
  // about 1 MB it makes an external string (its characters outside the JavaScript heap), and V8
  // answers every 64 MB or so of external memory with a full collection. The 388 MB of a
  // 100,000-identity snapshot cost five full collections of the growing heap while it was read,
  // against two with heap strings, which UTF-8 decoding makes (a one-byte string for ASCII).
  return readBytes(file, scratch).toString('utf8');
}

/** A file's bytes (in the shared buffer when given), turning every failure into one line that names the file. */
function readBytes(file: string, scratch?: ReadBuffer): Buffer {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    throw new InputError(describeFsError(e), file);
  }
  if (st.isDirectory()) throw new InputError('is a folder, expected a file', file);
  if (st.size > MAX_FILE_BYTES) throw new InputError(`file is larger than ${MAX_FILE_BYTES} bytes`, file);
  try {
    return scratch ? readInto(file, scratch) : readFileSync(file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(describeFsError(e), file);
  }
}

/** The whole file in the shared buffer (grown when the file is larger), until end of file. */
function readInto(file: string, scratch: ReadBuffer): Buffer {
  const fd = openSync(file, 'r');
  try {
    let size = 0;
    for (;;) {
      // A file that grew since it was measured is read to its end all the same.
      if (size === scratch.bytes.length) {
        const want = Math.max(fstatSync(fd).size + 1, size * 2, 64 * 1024);
        if (want > MAX_FILE_BYTES + 1) throw new InputError(`file is larger than ${MAX_FILE_BYTES} bytes`, file);
        const grown = Buffer.allocUnsafe(want);
        scratch.bytes.copy(grown, 0, 0, size);
        scratch.bytes = grown;
      }
      const n = readSync(fd, scratch.bytes, size, scratch.bytes.length - size, null);
      if (n === 0) return scratch.bytes.subarray(0, size);
      size += n;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether a default file (`.nhiscan/config.yaml`, `.nhiscan/waivers.yaml`) is there to be read: a
 * file, or a symbolic link even when it points nowhere. A dangling link then fails when read, with
 * one line naming it, rather than being passed over: a waivers file that silently went missing
 * would count every waived finding again without saying why.
 */
export function defaultFilePresent(path: string): boolean {
  if (existsSync(path)) return true;
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The one default file present, or none; more than one is an input error naming the first two. */
export function onlyDefault(present: readonly string[], what: string, flag: string): string | undefined {
  if (present.length > 1) throw new InputError(`${present[1]} is there too, and only one default ${what} file is read: keep one, or name it with ${flag}`, present[0]);
  return present[0];
}

/** Parses JSON, reporting a syntax error with its line and column. */
export function parseJson(raw: string, file: string): unknown {
  // Positions are counted in the text without its byte order mark, as editors show them.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  try {
    return JSON.parse(text);
  } catch (e) {
    if (e instanceof RangeError) throw new InputError('JSON nested too deeply to read', file);
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg);
    const found = pos ? Number(pos[1]) : jsonErrorOffset(text);
    if (found >= 0) {
      const offset = found;
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const col = offset - before.lastIndexOf('\n');
      // One character, not the text around it: a syntax error can sit inside a secret value
      // (an unquoted token, a bad escape), and the error line must not print the secret.
      const ch = String.fromCodePoint(text.codePointAt(offset) ?? 0);
      throw new InputError(offset >= text.length ? 'invalid JSON (unexpected end of input)' : `invalid JSON: unexpected ${quoteInput(ch)}`, file, `line ${line} column ${col}`);
    }
    // V8 quotes the source text in its message ('…, "<text>" is not valid JSON'): left out.
    throw new InputError(`invalid JSON (${msg.split('\n')[0].replace(/, ".*" is not valid JSON$/s, '')})`, file);
  }
}

export function readJson(file: string, scratch?: ReadBuffer): unknown {
  const bytes = readBytes(file, scratch);
  // A large file's long arrays are parsed in pieces (json-pieces.ts); any other file, and any
  // file that this declines (a malformed one among them), is decoded and parsed whole.
  const value = parseJsonPieces(bytes);
  return value !== WHOLE ? value : parseJson(bytes.toString('utf8'), file);
}

function describeFsError(e: unknown): string {
  const { code, syscall, path } = (e ?? {}) as NodeJS.ErrnoException;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  const message = (e as Error)?.message ?? String(e);
  // Node ends the message with the call and the path in quotes (`ELOOP: too many symbolic links
  // encountered, stat '/snap/okta/x.json'`). The error names the file already, escaped; the
  // path quoted raw would carry whatever a file name holds (an escape sequence) into the
  // message, and so into a --debug stack trace.
  const at = syscall && path !== undefined ? message.indexOf(`, ${syscall} '`) : -1;
  return at >= 0 ? message.slice(0, at) : message;
}

/**
 * What a failed write is, in words: the system's error text (`ENOTDIR: not a directory, open
 * 'out/x.json'`) names the file again, raw, and speaks of calls the user never made. The code
 * stays on the error's `cause`, which --debug prints.
 */
const WRITE_ERRORS: Record<string, string> = {
  ENOENT: 'no such folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EISDIR: 'is a folder, expected a file',
  // mkdir answers EEXIST, open ENOTDIR, when a folder on the way is a file.
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a part of the path is a file, not a folder',
  ENAMETOOLONG: 'file name too long',
  EFBIG: 'file too large',
  EIO: 'input/output error',
};

/** The one-line error for a file nhiscan could not write (`what`: `cannot write`, `cannot write baseline`). */
export function writeFailure(e: unknown, file: string, what = 'cannot write'): InputError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const words = (code !== undefined && Object.hasOwn(WRITE_ERRORS, code) ? WRITE_ERRORS[code] : undefined) ?? describeFsError(e).replace(/^[A-Z][A-Z0-9_]+: /, '');
  const err = new InputError(`${what}: ${words}`, file);
  err.cause = e;
  return err;
}

/**
 * Creates the folders above a file about to be written. The README's first CI step writes
 * `.nhiscan/baseline.json` in a checkout that has none, and a report goes to `out/…` before
 * anything made `out`: both once failed with the system's ENOENT.
 */
export function makeParentFolders(file: string, what?: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (e) {
    throw writeFailure(e, file, what);
  }
}

/**
 * Reads a snapshot folder (docs/snapshot-format.md): manifest.json plus every .json/.csv file
 * below it, keyed by its path relative to the folder with forward slashes.
 */
export function readSnapshotDir(dir: string, opts: { awsAnswerThread?: boolean | { minBytes: number } } = {}): Snapshot {
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    throw new InputError(describeFsError(e), dir);
  }
  if (!st.isDirectory()) throw new InputError('expected a snapshot folder', dir);
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new InputError('no manifest.json in the snapshot folder (see docs/snapshot-format.md)', dir);
  const manifest = validateManifest(readJson(manifestPath), manifestPath);
  // Started before the files are read, so that the second core works while this one reads. The
  // clock is the one the AWS transform reads (transform.ts).
  const thread = opts.awsAnswerThread;
  const awsAnswers = thread ? startAnswerThread(dir, manifest, new Date(collectedAtMs(manifest)), thread === true ? {} : thread) : undefined;
  const files: Record<string, unknown> = {};
  try {
    // The folder as given: a file's problem is named by the path the user typed, as the manifest's is.
    const root = dir;
    const found: SnapshotFile[] = [];
    walk(root, root, 0, found, [realpathSync(root)]);
    // Released with the call. Made at the size of the largest file (a larger one is refused by
    // readText) before the first is read: grown file by file as larger ones came, it was
    // allocated several times over, and V8 counts each allocation towards its next full collection.
    const scratch = new ReadBuffer();
    scratch.bytes = Buffer.allocUnsafe(Math.min(found.reduce((most, f) => Math.max(most, f.size), 0), MAX_FILE_BYTES) + 1);
    for (const f of found) files[f.rel] = f.csv ? readText(f.full, scratch) : readJson(f.full, scratch);
  } catch (e) {
    awsAnswers?.close();
    throw e;
  }
  delete files['manifest.json'];
  return awsAnswers ? { manifest, files, source: dir, awsAnswers } : { manifest, files, source: dir };
}

/** A file of a snapshot folder to read, found by {@link walk}. */
interface SnapshotFile {
  full: string;
  /** The path below the snapshot folder, with forward slashes: the key in `Snapshot.files`. */
  rel: string;
  csv: boolean;
  /** Bytes when found (0 if it could not be read then: readText names the problem). */
  size: number;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Symbolic links are followed, as a shell or `cp -L` would: a snapshot assembled from folders
 * kept elsewhere (`entra -> ../tenant-a/entra`) is read whole. Skipped, as they once were, their
 * files were silently absent while the manifest said they were collected. `ancestors` holds the
 * real paths of the folders above `dir` (and `dir` itself): a link back to one of them would be
 * walked again and again, so it is refused with one line. A link whose target does not exist is
 * refused when its name is one that would be read (.json, .csv): it stands for a snapshot file.
 */
function walk(root: string, dir: string, depth: number, found: SnapshotFile[], ancestors: string[]): void {
  if (depth > MAX_DEPTH) return;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new InputError(describeFsError(e), dir);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const ent of entries) {
    const full = join(dir, ent.name);
    let isDir = ent.isDirectory();
    let isFile = ent.isFile();
    if (ent.isSymbolicLink()) {
      let target;
      try {
        target = statSync(full);
      } catch (e) {
        if (!/\.(json|csv)$/.test(ent.name)) continue;
        throw new InputError(`${describeFsError(e)} (a symbolic link to a missing target)`, full);
      }
      isDir = target.isDirectory();
      isFile = target.isFile();
      if (isDir && ancestors.includes(realpathSync(full))) throw new InputError('symbolic link loop (leads back to a folder above it)', full);
    }
    // A name that would be read (.json, .csv) stands for a snapshot file. Something else under
    // it (a folder, a named pipe) was once walked or passed over, and the capability then read
    // as "not in the snapshot" while something sat there under its name: a damaged snapshot, as
    // an unreadable file is, so it stops the run naming the entry.
    if (!isFile && /\.(json|csv)$/.test(ent.name)) throw new InputError(isDir ? 'is a folder, expected a file' : 'not a regular file', full);
    if (isDir) walk(root, full, depth + 1, found, [...ancestors, realpathSync(full)]);
    else if (isFile && /\.(json|csv)$/.test(ent.name)) {
      found.push({ full, rel: relative(root, full).split(sep).join('/'), csv: ent.name.endsWith('.csv'), size: sizeOf(full) });
    }
  }
}

/**
 * The providers section is read by every transform (the tenant, the org URL, the account list
 * and names): a value of the wrong type there would crash one of them far from the file, so it
 * is checked here and named by its JSON path. The Entra tenant id may come from
 * organization.json instead; the Okta org URL is the only way to tell the org; an AWS account
 * id names a folder, so it must be a 12-digit id.
 */
function validateProviders(providers: Record<string, unknown>, r: Reader): void {
  const at = '$.providers';
  // A section written `null` is read as left out (optObject reads it so), and is removed here:
  // the code after this reads each section as an object or absent, and `"okta": null` ended the
  // scan in an internal error (reading orgUrl of null).
  for (const name of ['entra', 'okta', 'aws']) if (providers[name] === null) delete providers[name];
  const entra = r.optObject(providers, 'entra', at);
  if (entra) {
    r.optStr(entra, 'tenantId', `${at}.entra`);
    r.optStr(entra, 'displayName', `${at}.entra`);
  }
  const okta = r.optObject(providers, 'okta', at);
  if (okta) {
    // Rewritten to the collector's form: the org URL is the Okta scope and the prefix of every
    // Okta id, so `acme.okta.com` kept as written would be another org than the `https://acme.okta.com`
    // a collected snapshot names, and a baseline taken from one would call every finding of the other new.
    // Read by the collector's own rules (connectors/okta/org-url.ts), a bare host as https.
    const origin = manifestOktaOrigin(r.str(okta, 'orgUrl', `${at}.okta`));
    if (origin === undefined) r.fail(`${at}.okta.orgUrl`, MANIFEST_ORG_URL_REFUSED);
    okta.orgUrl = origin;
    r.optStr(okta, 'displayName', `${at}.okta`);
  }
  const aws = r.optObject(providers, 'aws', at);
  if (aws) {
    r.optArray(aws, 'accounts', `${at}.aws`).forEach((a, i) => {
      const path = `${at}.aws.accounts[${i}]`;
      if (!isObject(a)) r.fail(path, 'expected an object');
      if (!/^\d{12}$/.test(r.str(a, 'accountId', path))) r.fail(`${path}.accountId`, 'expected a 12-digit AWS account id');
      r.optStr(a, 'alias', path);
    });
  }
}

export function validateManifest(value: unknown, file: string): Manifest {
  if (!isObject(value)) throw new InputError('expected an object', file, '$');
  if (value.schemaVersion !== 1) throw new InputError('unsupported schemaVersion (expected 1)', file, '$.schemaVersion');
  const collected = typeof value.collectedAt === 'string' ? parseIsoInstant(value.collectedAt) : NaN;
  if (Number.isNaN(collected)) throw new InputError('expected an ISO-8601 date', file, '$.collectedAt');
  if (!reportableInstant(collected)) throw new InputError('expected a date in the years 0000 to 9999 (UTC)', file, '$.collectedAt');
  // A time without a zone is UTC; it is written out so that no later Date.parse reads it as local.
  if (!/([Zz]|[+-]\d{2}:?\d{2})$/.test(value.collectedAt as string)) value.collectedAt = new Date(collected).toISOString();
  const providers = value.providers === undefined ? {} : value.providers;
  if (!isObject(providers)) throw new InputError('expected an object', file, '$.providers');
  validateProviders(providers, new Reader(file));
  const coverage = value.coverage === undefined ? [] : value.coverage;
  if (!Array.isArray(coverage)) throw new InputError('expected an array', file, '$.coverage');
  coverage.forEach((c, i) => {
    const at = `$.coverage[${i}]`;
    if (!isObject(c)) throw new InputError('expected an object', file, at);
    for (const k of ['provider', 'scope', 'capability', 'status']) {
      if (typeof c[k] !== 'string') throw new InputError(`expected a string`, file, `${at}.${k}`);
    }
    // The report names a record's provider as one of the three (docs/report.schema.json).
    if (!['entra', 'okta', 'aws'].includes(c.provider as string)) throw new InputError('provider must be entra, okta or aws', file, `${at}.provider`);
    if (!['collected', 'missing-permission', 'error', 'not-collected'].includes(c.status as string)) {
      throw new InputError('status must be collected, missing-permission, error or not-collected', file, `${at}.status`);
    }
    if (c.reason !== undefined && typeof c.reason !== 'string') throw new InputError('expected a string', file, `${at}.reason`);
    // Read as orgUrl is: a record scoped `acme.okta.com` is about the org now named
    // `https://acme.okta.com`, and left as written it would be about no org (its gap ignored).
    if (c.provider === 'okta' && c.scope !== '*') c.scope = manifestOktaOrigin(c.scope as string) ?? c.scope;
    if (c.unreadKeys !== undefined && !(Array.isArray(c.unreadKeys) && c.unreadKeys.every((k) => typeof k === 'string'))) {
      throw new InputError('expected an array of strings', file, `${at}.unreadKeys`);
    }
  });
  if (value.warnings !== undefined && !(Array.isArray(value.warnings) && value.warnings.every((w) => typeof w === 'string'))) {
    throw new InputError('expected an array of strings', file, '$.warnings');
  }
  // Both are optional in the file; everything after this reads them.
  value.providers = providers;
  value.coverage = coverage;
  return value as unknown as Manifest;
}
