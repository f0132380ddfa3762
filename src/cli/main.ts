import { Command, CommanderError, Option, type HelpContext } from 'commander';
import { InputError, UncheckedSnapshotError, UnreachableError } from '../errors.js';
import { registerScan } from './scan-command.js';
import { registerRules } from './rules-command.js';
import { registerExplain } from './explain-command.js';
import { registerExtra } from './extra-commands.js';
import { registerCollect } from './collect-command.js';
import { registerDoctor } from './doctor-command.js';
import { packageVersion, writeFailure } from './io.js';
import { limitHeapGrowth } from './heap.js';
import { CUT, cutLine, safeLines } from '../reporters/sanitize.js';

/** Exit codes (README "Exit codes"). */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2, INCOMPLETE: 3, INTERRUPTED: 130, BROKEN_PIPE: 141 } as const;

/**
 * Commander answers two usage errors with the whole help screen on stderr: a command that needs
 * a subcommand got none (`nhiscan`, `nhiscan --debug`, `nhiscan rules`), and `help <name>` named
 * no command. The reason is lost in that screen, so each becomes one line like every other usage
 * error (exit 2). The commands listed are read from the command itself, so that one added or
 * hidden later is listed right without a change here. Help that was asked for (`--help`, `help`,
 * `help scan`) is not an error and still goes to stdout.
 */
class NhiscanCommand extends Command {
  override createCommand(name?: string): Command {
    return new NhiscanCommand(name);
  }

  override help(context?: HelpContext | ((str: string) => string)): never {
    if (typeof context !== 'object' || !context.error) return super.help(context as HelpContext);
    const names = this.createHelp().visibleCommands(this).map((c) => c.name());
    // Commander has kept the operands it read: none when the subcommand is missing, `help <name>`
    // when the name was not found.
    const topic = this.args[1];
    // `help help`: the one command commander does not find by name, though it lists it.
    if (topic !== undefined && names.includes(topic)) return super.help();
    const what = topic === undefined ? 'missing command' : `no command '${topic}' to show help for`;
    const path: string[] = [];
    for (let c: Command | null = this; c?.parent; c = c.parent) path.unshift(c.name());
    this.error(`${path.length ? `${path.join(' ')}: ` : ''}${what} (${names.join(', ')})`, { code: 'nhiscan.missingCommand', exitCode: EXIT.USAGE });
  }
}

/** Builds the command tree; `main` runs it. Exported for in-process tests. */
export function buildProgram(): Command {
  const program = new NhiscanCommand('nhiscan')
    .description('Find the non-human identities and machine-to-machine paths that access reviews miss.')
    // The options every command takes (commander reads them before or after the command name)
    // are listed under their own heading, and each command's help lists them too: `nhiscan scan
    // --help` would otherwise not say that --debug exists.
    .configureHelp({ showGlobalOptions: true })
    .optionsGroup('Global Options:')
    .version(packageVersion(), '-V, --version')
    .addOption(new Option('--debug', 'print stack traces for errors').default(false))
    .exitOverride()
    // Commander's errors quote the command line, which may hold escapes (a pasted value, a
    // variable from CI): each line is made safe, the line breaks are kept.
    .configureOutput({
      writeErr: (s) => process.stderr.write(safeLines(s)),
      // A usage error is one line, like every other error: commander puts its "(Did you mean
      // …?)" on a line of its own, and a separate hint would be another. Its "error: " prefix
      // gives way to the "nhiscan: " the other errors start with. The line quotes what was typed
      // (an option, a command, a value), whole up to the limit of every other error line; a
      // longer one is cut with a note, since a bare "…" reads as the end of what was typed.
      outputError: (s) => {
        const message = s.trim().replace(/^error: /, '').split('\n').map((l) => l.trim()).filter(Boolean).join(' ').replace(/\.$/, '');
        process.stderr.write(`nhiscan: ${cutLine(message, CUT.text, 'error')}; run with --help for usage\n`);
      },
    });
  registerScan(program);
  registerRules(program);
  registerExplain(program);
  registerCollect(program);
  registerDoctor(program);
  registerExtra(program);
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    refuseRepeatedOptions(cmd);
    for (const sub of cmd.commands) override(sub);
  };
  override(program);
  return program;
}

/**
 * Makes `cmd` refuse an option that takes a value (not variadic) given more than once: commander
 * keeps the last one silently, and a wrapper that appends `--fail-on none` would switch a gate
 * off without a trace. Counted as commander parses (one `option:<name>` event per occurrence,
 * however written: `--name value`, `--name=value`, `-ovalue`), so a value that merely looks like
 * an option (`--snapshot -odd`) is not miscounted. The values are not quoted: one may be a secret
 * given by mistake. Each parse of a program built by buildProgram starts from zero.
 */
export function refuseRepeatedOptions(cmd: Command): void {
  for (const o of cmd.options) {
    if (!(o.required || o.optional) || o.variadic) continue;
    let seen = 0;
    cmd.on(`option:${o.name()}`, () => {
      seen++;
      if (seen > 1) throw new InputError(`${[o.short, o.long].filter(Boolean).join('/')} is given more than once; give it once (which one was meant cannot be known)`);
    });
  }
}

/** Entry point used by bin/nhiscan.js. Sets process.exitCode; never throws. */
export async function main(argv: string[]): Promise<void> {
  limitHeapGrowth();
  // On Node < 22 the AWS SDK prints a nine-line notice at its first client that its releases after
  // January 2027 will need Node 22. nhiscan supports Node 20 (package.json engines), so the notice
  // is for its maintainers, and stderr stays the CLI's own. The SDK's documented switch
  // (aws/aws-sdk-js-v3#7983; it checks for "true") is set unless the user set it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.on('SIGINT', () => {
    process.stderr.write('\ninterrupted\n');
    process.exit(EXIT.INTERRUPTED);
  });
  // A reader that stops early (`nhiscan … | head`) or had exited already closes the pipe: stop as
  // Unix tools do, killed by SIGPIPE (EPIPE here, for Node ignores the signal): quietly, with the
  // status a shell gives that, 141. Not the gate's code: the report was not written whole, and a
  // gate of 0 would pass a CI step (under pipefail) whose report went nowhere. Standard error
  // piped to a reader that has gone (`2>&1 | head`) ends the same way; unhandled, it was a stack
  // trace (lost in the closed pipe) and exit 1, which CI reads as "findings".
  // Any other write error (`> /dev/full`, a disk filling up) is the user's to fix, like a failing
  // `-o` file: one line and exit 2. Rethrown, it was a stack trace and exit 1.
  // The line is the one a failing `-o` file gets (writeFailure), with standard output in the
  // file's place; the system's code and call are on its cause, for --debug.
  // Standard output closed before the start (`>&-`) is not seen: Node opens /dev/null in place
  // of a closed descriptor 0-2 at its start, so writes succeed, as with `> /dev/null`.
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT.BROKEN_PIPE);
    throw e;
  });
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT.BROKEN_PIPE);
    const failure = writeFailure(e, 'standard output');
    process.stderr.write(`nhiscan: ${cutLine(failure.oneLine(), CUT.text, 'error')}\n`);
    if (argv.includes('--debug')) writeStack(failure);
    process.exit(EXIT.USAGE);
  });
  const debug = argv.includes('--debug');
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    process.exitCode = handleError(e, debug);
  }
}

export function handleError(e: unknown, debug: boolean): number {
  if (e instanceof CommanderError) {
    // Help asked for (--help, `help`) and version are successes. Every other commander error is
    // a usage error (2, not commander's 1), a missing subcommand too (NhiscanCommand.help).
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.OK;
    if (e.code === 'commander.help' && e.exitCode === 0) return EXIT.OK;
    return EXIT.USAGE;
  }
  // An error line may quote provider text (an HTTP error, a name, ids to choose from): whole up to
  // the CUT limit for free text, and a cut says so. Only --debug adds more (the stack).
  if (e instanceof InputError) {
    process.stderr.write(`nhiscan: ${cutLine(e.oneLine(), CUT.text, 'error')}\n`);
    if (debug) writeStack(e);
    return EXIT.USAGE;
  }
  if (e instanceof UnreachableError) {
    process.stderr.write(`nhiscan: ${cutLine(e.message, CUT.text, 'error')}\n`);
    if (debug) writeStack(e);
    return EXIT.INCOMPLETE;
  }
  // The line says what failed and what was written; the stack wanted is the failure's, not the
  // wrapper's, whose message is that line.
  if (e instanceof UncheckedSnapshotError) {
    process.stderr.write(`nhiscan: ${cutLine(e.message, CUT.text, 'error')}\n`);
    if (debug && e.cause instanceof Error) writeStack(e.cause);
    return EXIT.USAGE;
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`nhiscan: internal error: ${cutLine(msg.split('\n')[0], 500, 'error')}${debug ? '' : ' (run with --debug for details)'}\n`);
  if (debug && e instanceof Error) writeStack(e);
  return EXIT.USAGE;
}

/**
 * The stack trace `--debug` asks for, each line through the filter of every other stderr line:
 * its first line is the error's message, which may quote a snapshot value or a file name (an
 * escape sequence, a bidi override).
 */
function writeStack(e: Error): void {
  if (e.stack) process.stderr.write(`${safeLines(e.stack)}\n`);
  // The system error behind a one-line message (a failed write: its code, call and path).
  const cause = e.cause;
  if (cause instanceof Error && cause.stack) process.stderr.write(`caused by: ${safeLines(cause.stack)}\n`);
}
