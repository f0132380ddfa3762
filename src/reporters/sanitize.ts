/**
 * Provider-controlled strings (display names, tags, Sids) are attacker-controlled. These helpers
 * make them inert for each output medium.
 */

// The one set of characters no output carries raw. C0 and C1 control characters (ESC starts
// terminal escape sequences; U+0085 is NEL, a line break), DEL, the Unicode line and paragraph
// separators U+2028 and U+2029 (which editors, some terminals and JavaScript treat as line
// breaks, so a name could start a line of its own), and the bidirectional controls that can make
// text display in a different order than it is stored (U+061C, U+200E/F, U+202A-E, U+2066-9).
const SEPARATORS = '\u2028\u2029';
const BIDI = '\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069';
/** Every character `safeText`, `safeCell` and error lines replace. Global: for `replace`, not `test`. */
export const UNSAFE_CHARS = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${SEPARATORS}${BIDI}]`, 'g');

/** For terminals and Markdown: control, separator and bidi characters become U+FFFD; long values are cut. */
export function safeText(value: unknown, max = 300): string {
  const s = String(value ?? '').replace(UNSAFE_CHARS, '\ufffd');
  if (s.length <= max) return s;
  // Not between the two halves of a surrogate pair (an emoji, a rare CJK ideograph): the half
  // left would be written as U+FFFD.
  const end = /[\ud800-\udbff]/.test(s[max - 2] ?? '') ? max - 2 : max - 1;
  return `${s.slice(0, end)}…`;
}

/**
 * Where the human-readable outputs (terminal table, Markdown, explain) cut text, the one place
 * these limits live. nhiscan's own rule text (a remediation) is never cut. Text that came from a
 * provider, or quotes it (names, ids, hop reasons, finding messages, coverage errors, warnings),
 * is shown whole and wrapped, up to a length only a hostile or broken value reaches; past it the
 * value is cut, so that one value cannot flood a terminal or a step summary, and the cut says so
 * (`cutText`). The JSON report always has the whole value.
 */
export const CUT = {
  /** Free text: reasons, messages, coverage errors, warnings, ids. */
  text: 4000,
  /**
   * A name (an identity, a hop's ends, a scope). Kept shorter than free text because it sits
   * inside a line with other fields (a path hop, a heading, a Markdown table cell), which a name
   * of thousands of characters would push out of sight. 256 is the longest display name the
   * providers allow (Entra's displayName). Names nhiscan builds (an OIDC workload: issuer plus
   * subject) can be longer; the cut note says so and where the whole name is.
   */
  name: 256,
} as const;

/** Where the whole of a finding's text can be read, for the note on anything of it that is cut. */
export function findingWhole(fingerprint: string): string {
  return `--format json and in nhiscan explain ${fingerprint} --format json`;
}

/** Where the whole of the report's own text (snapshot, coverage, warnings) can be read. */
export const REPORT_WHOLE = '--format json';

/**
 * `value` made safe (safeText) and, when longer than `max`, cut with a note that says what was
 * cut, how much, and `where` the whole value can be read: `text` is the value, `note` the note
 * (empty when nothing was cut), apart so that a format can set the note outside a code span.
 * Without `where` (doctor, which keeps no report) the note says only what was cut and how much.
 */
export function cutText(value: unknown, max: number, what: string, where?: string): { text: string; note: string } {
  const s = String(value ?? '');
  const text = safeText(s, max);
  if (s.length <= max) return { text, note: '' };
  return { text, note: `[${what} cut at ${max} of ${s.length} characters${where ? `; the whole ${what} is in ${where}` : ''}]` };
}

/** `cutText` as one string: the value, then its note when it was cut. */
export function cutLine(value: unknown, max: number, what: string, where?: string): string {
  const { text, note } = cutText(value, max, what, where);
  return note ? `${text} ${note}` : text;
}

/**
 * For spreadsheet cells: control characters removed, and a value that a spreadsheet would read
 * as a formula gets a leading apostrophe (OWASP CSV injection). Spreadsheets skip leading blanks
 * and double quotes before they look for = + - @ (`"=1+HR Sync Service` is a formula to them),
 * so those are skipped here too; a leading tab or CR is a blank after the control characters
 * become spaces. A leading apostrophe is the neutraliser itself and needs nothing more.
 */
export function safeCell(value: unknown): string {
  const s = String(value ?? '').replace(UNSAFE_CHARS, ' ');
  return /^[\s"]*[=+\-@]/.test(s) ? `'${s}` : s;
}

/** For Markdown tables: escapes the characters that would change the table or inject markup. */
export function safeMarkdown(value: unknown, max = 300): string {
  return safeText(value, max).replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => `\\${c}`);
}

/**
 * For provider-controlled text in Markdown (names, ids, messages that quote them): the text as a
 * code span. GitHub and GitLab turn `@name` into a mention (a notification) and a bare
 * `https://…`, `www.…` or e-mail address into a link wherever Markdown renders text, and
 * backslash escapes or entities do not stop them, because both act on the rendered text; neither
 * acts inside code. In a code span HTML, links and emphasis are inert too, and the text shows as
 * it is, with nothing hidden or dropped. The fence is one backtick longer than the longest run of
 * backticks in the text, so the text cannot close it; a space pads text that starts or ends with
 * a backtick or space (CommonMark strips one such pair). `table`: a `|` is escaped as `\|`, which
 * GFM tables read as a pipe inside the cell, code spans included; outside a table it would show.
 */
export function markdownCode(value: unknown, table = true): string {
  // Never cut here: the caller cuts with a note (cutText), outside the span.
  let s = safeText(value, Infinity);
  if (s === '') return '';
  if (table) s = s.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(s) ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

// The same set less C0 controls, which JSON.stringify already escapes.
const JSON_UNSAFE = new RegExp(`[\\u007f-\\u009f${SEPARATORS}${BIDI}]`, 'g');

/**
 * For JSON text that people may `cat` to a terminal: JSON.stringify escapes C0 controls but
 * leaves DEL, C1 controls (U+009B is a terminal escape on its own) and bidi overrides raw.
 * These only occur inside string values, so escaping them keeps the parsed value identical.
 */
export function safeJsonText(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
