import { InputError } from '../errors.js';
import { quoteInput } from '../reporters/sanitize.js';
import { capabilityOf, coverageEntry, type Snapshot } from '../snapshot/snapshot.js';
import type { CoverageRecord, ProviderName } from '../snapshot/types.js';
import { isObject } from '../snapshot/shape.js';

const LABEL: Readonly<Record<ProviderName, string>> = { entra: 'Entra', okta: 'Okta', aws: 'AWS' };

/**
 * A value of a live answer the transform refused (an unknown consentType, a date it cannot read):
 * laid to the capability whose file holds it, which becomes an `error` record, and its files are
 * taken out of the snapshot, as the collector leaves out a listing it could not read. Returns
 * false when `e` is no such fault (another error, a file no capability read): the caller throws it.
 *
 * The whole capability goes, not the one object. The transforms read a collected file as the
 * complete list: an owner list short of a row would read as "no human owner", a grant list short
 * of a grant as "no such grant", and no rule could tell. With the capability not read, every
 * check that needs it answers unknown, as for a listing that failed; the warning and the record
 * name the object, so that the loss is seen and can be traced.
 *
 * Only for a live collection (a live scan, and `collect --out` before it writes the folder, through
 * setAsideBadValues in scan.ts): a snapshot folder with the same value is the user's input,
 * refused with one line naming the file and the place (exit 2).
 */
export function setAsideBadValue(snapshot: Snapshot, e: unknown): boolean {
  if (!(e instanceof InputError) || e.file === undefined || !Object.hasOwn(snapshot.files, e.file)) return false;
  const cap = capabilityOf(snapshot, e.file);
  if (cap === undefined) return false;
  const id = objectId(snapshot.files[e.file], e.location);
  const what = `${e.oneLine()}${id === undefined ? '' : ` (object id ${quoteInput(id)})`}`;
  const record: CoverageRecord = {
    provider: cap.provider,
    scope: cap.scope,
    capability: cap.capability,
    status: 'error',
    reason: `a value the scan cannot read in the live answer: ${what}`,
  };
  const coverage = snapshot.manifest.coverage;
  const old = coverageEntry(snapshot, cap.provider, cap.scope, cap.capability);
  // A record of `*` speaks for other scopes too: it stays, and the files' absence makes the
  // capability an error for this scope if it is the one found.
  const at = old !== undefined && old.scope !== '*' ? coverage.indexOf(old) : -1;
  if (at >= 0) coverage[at] = record;
  else coverage.push(record);
  for (const f of cap.files) delete snapshot.files[f];
  (snapshot.manifest.warnings ??= []).push(
    `${LABEL[cap.provider]}: ${what}: a value the scan cannot read in a live answer; ${cap.capability} counts as not read (error) and the checks that need it answer unknown`,
  );
  return true;
}

/**
 * The id of the object at the head of `location` (`$.value[3].consentType`, `$[3].created`,
 * `$.Roles[3].MaxSessionDuration`), when it has one: a string `id` (Graph, Okta), else an `Arn`
 * (IAM's lists). A relationship file's place already names its parent (`$["<id>"]…`); a CSV place
 * is a line.
 */
function objectId(file: unknown, location: string | undefined): string | undefined {
  const m = location === undefined ? null : /^\$(?:\.(\w+))?\[(\d+)\]/.exec(location);
  if (m === null) return undefined;
  const list = m[1] !== undefined ? (isObject(file) ? file[m[1]] : undefined) : file;
  const item = Array.isArray(list) ? list[Number(m[2])] : undefined;
  if (!isObject(item)) return undefined;
  const id = typeof item.id === 'string' && item.id !== '' ? item.id : item.Arn;
  return typeof id === 'string' && id !== '' ? id.slice(0, 200) : undefined;
}
