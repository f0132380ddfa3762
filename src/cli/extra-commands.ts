import { Option, type Command } from 'commander';
import { escapeUnsafe, InputError } from '../errors.js';
import { addInputOptions, baselineWritten, inputFiles, inputFolders, printCiMessages, printGaps, refuseSameFile, runScan, writeChunks, type InputFlags, type Named } from './scan-command.js';
import { applyCiLayer, defaultWaiversFile, legacyFingerprints, readCiFiles, writeBaselineFile } from './ci.js';
import { renderOpenGraphChunks } from '../reporters/opengraph.js';
import { recertCsvChunks } from '../reporters/recert.js';
import type { ScanReport } from '../report/types.js';

interface OutputFlags extends InputFlags {
  output?: string;
}

/** Commands added by later capabilities (collect, certify, baseline, export, doctor). */
export function registerExtra(program: Command): void {
  const baseline = program.command('baseline').description('manage baselines of accepted findings');
  addInputOptions(
    baseline
      .command('write')
      .description('scan and write the fingerprints of every finding as a baseline for --baseline')
      .argument('<file>', 'baseline file to write (JSON)'),
  ).action(async (file: string, flags: InputFlags) => {
    refuseSameFile([['<file>', file]], inputFiles(flags), [], inputFolders(flags));
    const { report } = await runScan(flags);
    writeBaselineFile(report, file, report.scannedAt);
    process.stderr.write(`nhiscan: ${baselineWritten(report.findings.length, file)}\n`);
    printGaps(report);
  });

  addInputOptions(
    program
      .command('export')
      .description('export the normalized graph (BloodHound OpenGraph JSON) for BloodHound CE')
      .addOption(new Option('--format <format>', 'export format').choices(['opengraph']).default('opengraph'))
      .option('-o, --output <file>', 'write to a file instead of stdout'),
  ).action(async (flags: OutputFlags) => {
    refuseSameFile([['-o', flags.output]], inputFiles(flags), [], inputFolders(flags));
    const { graph, analysis, report } = await runScan(flags);
    await writeChunks(renderOpenGraphChunks(graph, analysis), flags.output);
    printGaps(report);
  });

  addInputOptions(
    program
      .command('certify')
      .description('write the recertification sheet (CSV, one row per machine identity, per possible one marked unverified, and per other subject with a finding, such as an external workload); same as scan --format recert-csv')
      .option('-o, --output <file>', 'write to a file instead of stdout')
      .option('--waivers <file>', 'waivers file (default .nhiscan/waivers.yaml, .yml or .json when present)'),
  ).action(async (flags: OutputFlags & { waivers?: string }) => {
    const waivers: Named = flags.waivers !== undefined ? ['--waivers', flags.waivers] : ['the default waivers file', defaultWaiversFile(process.cwd())];
    refuseSameFile([['-o', flags.output]], [...inputFiles(flags), waivers], [], inputFolders(flags));
    // Only the report is kept for writing the sheet, as scan does: the graph and the analysis
    // can be collected first (most of the heap on a large estate).
    const { report, ci } = await certifiedReport(flags);
    // Written like scan's reports, so a failed write is the one error line, with no warnings before it.
    await writeChunks(recertCsvChunks(report), flags.output);
    // The sheet has no place for a note (a comment row breaks CSV readers): identities whose data
    // was not read are missing from it, so stderr says what was not read.
    printGaps(report, ci.messages);
    printCiMessages(ci.messages);
  });
}

/**
 * The scan's report with the waivers applied, as scan --format recert-csv writes it: waived
 * findings are accepted risks with an owner and an expiry of their own, and are left out of the
 * rows' findings there too. The graph does not outlive this function.
 */
async function certifiedReport(flags: InputFlags & { waivers?: string }): Promise<{ report: ScanReport; ci: ReturnType<typeof applyCiLayer> }> {
  // The waivers file is read and checked before the scan: a malformed one fails at once.
  const files = readCiFiles({ waivers: flags.waivers }, process.cwd());
  const result = await runScan(flags, true);
  const { report } = result;
  const ci = applyCiLayer(report, { waivers: flags.waivers }, report.scannedAt, process.cwd(), undefined, legacyFingerprints(result), files);
  return { report, ci };
}
