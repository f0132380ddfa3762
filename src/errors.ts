const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeControl(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * An error the user can fix (bad flag, unreadable file, malformed JSON): printed as one line,
 * exit code 2, no stack trace unless --debug.
 */
export class InputError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly location?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }

  /**
   * `file: location: message`, each part present only when known. Messages may quote values
   * from the input; control characters among them are shown escaped (`\n`, `\u001b`) so the
   * error stays one line.
   */
  oneLine(): string {
    return [this.file, this.location, this.message].filter(Boolean).join(': ').replace(CONTROL, escapeControl);
  }
}
