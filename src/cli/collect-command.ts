import type { Command } from 'commander';
import { escapeUnsafe, InputError } from '../errors.js';
import { loadConfig } from './config.js';
import { UNSAFE_CHARS } from '../reporters/sanitize.js';
import { setAsideBadValues } from '../scan.js';
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
    const snapshot = setAsideBadValues(mergeResults(await collectLiveResults(flags, config), started), config, { now: started }).snapshot;
    const n = writeSnapshot(flags.out, snapshot);
    // The collectors' warnings (a capped lookup, an over-privileged credential) are shown now
    // too, not only by a later scan. Their text may quote provider data: control, separator and bidi characters go.
    for (const w of snapshot.manifest.warnings ?? []) process.stderr.write(`nhiscan: warning: ${w.replace(UNSAFE_CHARS, ' ')}\n`);
    const gaps = snapshot.manifest.coverage.filter((c) => c.status !== 'collected');
    process.stderr.write(`nhiscan: wrote ${n} files to ${escapeUnsafe(flags.out)}${gaps.length ? `; ${gaps.length} capabilities not read (see manifest.json coverage)` : ''}\n`);
    process.exitCode = gaps.length > 0 ? 3 : 0;
  });
}
