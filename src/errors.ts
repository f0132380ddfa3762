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

  /** `file: location: message`, each part present only when known. */
  oneLine(): string {
    return [this.file, this.location, this.message].filter(Boolean).join(': ');
  }
}
