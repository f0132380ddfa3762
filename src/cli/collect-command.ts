import type { Command } from 'commander';
import { escapeUnsafe, InputError, UncheckedSnapshotError } from '../errors.js';
import { loadConfig } from './config.js';
import { cutLine, UNSAFE_CHARS } from '../reporters/sanitize.js';
import { setAsideBadValues } from '../scan.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { addLiveOptions, checkOutFolder, collectLiveResults, liveRequested, mergeResults, writeSnapshot, type LiveFlags } from './live.js';

export function registerCollect(program: Command): void {
  const cmd = program
    .command('collect')
    .description('collect live data into a snapshot folder (docs/snapshot-format.md), for `scan --snapshot` later')
    .requiredOption('--out <dir>', 'new folder to write the snapshot into')
    .option('--config <file>', 'configuration file (service-account conventions steer which Okta users are read in detail)');
  addLiveOptions(cmd);
  cmd.action(async (flags: LiveFlags & { out: string; config?: string }) => {
    if (!liveRequested(flags)) throw new InputError('name at least one provider: --entra, --okta, --aws');
    checkOutFolder(flags.out);
    const started = new Date();
    const config = loadConfig(flags.config);
    // The answers are read as the live scan reads them before they are written: a value the scan
    // cannot read (an unknown consentType, a date that is not one) sets its capability aside here
    // as it does there (an `error` record and a warning in the manifest, its files not written),
    // so that `scan --snapshot` of the folder gives the live scan's report, and a value refused
    // in the folder is one a user put there.
    const collected = mergeResults(await collectLiveResults(flags, config), started);
    let snapshot: Snapshot;
    let fault: { error: unknown } | undefined;
    try {
      snapshot = setAsideBadValues(collected, config, { now: started }).snapshot;
    } catch (e) {
      // Anything else thrown there is a fault in nhiscan (a transform bug), not in the answers.
      // The collection may have taken an hour: it is written whole, as received (setAsideBadValues
      // worked on a copy), with a warning in the manifest that it was not checked, and the
      // command fails after writing it (exit 2, the internal-error code).
      fault = { error: e };
      snapshot = collected;
    }
    // The collectors' warnings (a capped lookup, an over-privileged credential) are shown now
    // too, not only by a later scan. Their text may quote provider data: control, separator and bidi characters go.
    const shown = [...(snapshot.manifest.warnings ?? [])];
    if (fault) (snapshot.manifest.warnings ??= []).push(uncheckedWarning(fault.error));
    const n = writeSnapshot(flags.out, snapshot);
    for (const w of shown) process.stderr.write(`nhiscan: warning: ${w.replace(UNSAFE_CHARS, ' ')}\n`);
    const gaps = snapshot.manifest.coverage.filter((c) => c.status !== 'collected');
    const wrote = `${n} files to ${escapeUnsafe(flags.out)}`;
    const notRead = gaps.length ? `; ${gaps.length} capabilities not read (see manifest.json coverage)` : '';
    if (fault) {
      throw new UncheckedSnapshotError(
        `internal error while checking the collected answers: ${faultLine(fault.error)}; wrote ${wrote} unchecked, as collected: \`nhiscan scan --snapshot\` of it may refuse a value in them or stop on the same error (run it with --debug to see the error)${notRead}`,
        fault.error,
      );
    }
    process.stderr.write(`nhiscan: wrote ${wrote}${notRead}\n`);
    process.exitCode = gaps.length > 0 ? 3 : 0;
  });
}

/** The first line of what the check threw, as an internal error line quotes it. */
function faultLine(e: unknown): string {
  const text = e instanceof InputError ? e.oneLine() : e instanceof Error ? e.message : String(e);
  return cutLine(text.split('\n')[0], 500, 'error');
}

/**
 * The manifest's note that the folder holds the answers as received: a later scan of it shows the
 * note among its warnings, so that whoever reads that report knows the folder was not checked.
 */
function uncheckedWarning(e: unknown): string {
  return `not checked at collection: reading the answers as the scan reads them failed with an internal error (${faultLine(e)}), so they were written as collected and a value the scan cannot read was not set aside; \`nhiscan scan --snapshot\` of this folder may refuse such a value or stop on the same error (run it with --debug to see the error)`;
}
