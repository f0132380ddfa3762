import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { explain } from '../explain.js';
import { EXPLAIN_WIDTH, renderExplain } from '../reporters/explain.js';
import { CUT, cutLine, cutText, safeText, safeJsonText } from '../reporters/sanitize.js';
import { addInputOptions, runScan, type InputFlags } from './scan-command.js';
import { legacyFingerprints, loadWaivers, waiverGaps } from './ci.js';
import { applyWaivers } from '../ci/waivers.js';
import { useColor } from './tty.js';

/**
 * A name or the user's own query in double quotes, for an error line: whole up to the name limit,
 * past it cut with a note outside the quotes. Neither is in any report, so the note names no
 * place to read the rest (the query is what was typed).
 */
function quoted(value: string, what: string): string {
  const { text, note } = cutText(value, CUT.name, what);
  return `${JSON.stringify(text)}${note ? ` ${note}` : ''}`;
}

export function registerExplain(program: Command): void {
  const cmd = program
    .command('explain <identity>')
    .description('the auditor\'s card for one identity (id, name, provider id, or a finding fingerprint)')
    .option('--format <format>', 'text or json', 'text')
    .option('--color', 'force colour')
    .option('--no-color', 'disable colour');
  addInputOptions(cmd);
  cmd.option('--waivers <file>', 'waivers file, to show which findings are waived (default .nhiscan/waivers.yaml, .yml or .json when present)');
  cmd.action(async (query: string, flags: InputFlags & { format: string; color?: boolean; waivers?: string }) => {
    if (flags.format !== 'text' && flags.format !== 'json') throw new InputError(`--format: expected text or json`);
    // Read before the scan, so a malformed file fails at once.
    const waivers = loadWaivers(flags.waivers, process.cwd());
    const result = await runScan(flags);
    // The findings as scan shows them: waived ones marked with their waiver. The waiver messages
    // (stale, expired) are scan's to print; the card shows the state of its own findings.
    if (waivers !== undefined) {
      const report = result.report;
      report.findings = applyWaivers(report.findings, waivers, new Date(report.scannedAt), waiverGaps(report), legacyFingerprints(result)).findings;
    }
    const match = explain(result, query);
    if (match.kind === 'none') throw new InputError(`no identity or finding matches ${quoted(query, 'query')}`);
    if (match.kind === 'person') {
      const n = match.node;
      const why = typeof n.attrs.humanEvidence === 'string' ? `: ${n.attrs.humanEvidence}` : '';
      throw new InputError(`${quoted(n.name, 'name')} is a person (${safeText(n.type, 40)}${why}), not a machine identity; nhiscan explains machine identities`);
    }
    if (match.kind === 'ambiguous') {
      // The ids whole (CUT.text is past any real id): a cut id cannot be copied into the next command.
      const ids = match.candidates.slice(0, 5).map((n) => cutLine(n.id, CUT.text, 'id', 'nhiscan scan --format json'));
      const more = match.candidates.length > 5 ? ` and ${match.candidates.length - 5} more` : '';
      throw new InputError(`${match.candidates.length} identities are named ${quoted(query, 'query')}; use an id: ${ids.join(', ')}${more}`);
    }
    // On a terminal the lines wrap to its width; anywhere else to a fixed one, so that piped or
    // saved output is the same bytes whatever the environment.
    const width = process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : EXPLAIN_WIDTH;
    process.stdout.write(flags.format === 'json' ? safeJsonText(JSON.stringify(match.card, null, 2)) + '\n' : renderExplain(match.card, useColor(flags.color), width));
  });
}
