/**
 * Provider-controlled strings (display names, tags, Sids) are attacker-controlled. These helpers
 * make them inert for each output medium.
 */

// The one set of characters no output carries raw. C0 and C1 control characters (ESC starts
// terminal escape sequences; U+0085 is NEL, a line break), DEL, the Unicode line and paragraph
// separators U+2028 and U+2029 (which editors, some terminals and JavaScript treat as line
// breaks, so a name could start a line of its own), the bidirectional controls that can make
// text display in a different order than it is stored (U+061C, U+200E/F, U+202A-E, U+2066-9),
// and characters that draw nothing, so that two names that look the same are the same and no
// text hides in a name (`INVISIBLE`, `TAG`, `JOINER`).
const SEPARATORS = '\u2028\u2029';
const BIDI = '\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069';
// Characters that take no room and show nothing: the soft hyphen (most terminals and browsers
// draw it only at a line break), the Mongolian vowel separator, the zero-width space, the word
// joiner and the invisible operators (U+2060-4), the deprecated format controls (U+206A-F), the
// byte order mark (a zero-width no-break space inside text), the interlinear annotation marks
// (U+FFF9-B), and the tag characters (U+E0000-7F, which spell text that nothing shows; `TAG`).
// Also every other code point Unicode lists as Default_Ignorable_Code_Point (drawn as nothing
// by renderers that do not know it): the combining grapheme joiner U+034F, the Hangul fillers
// (U+115F, U+1160, U+3164, U+FFA0, a known way to make a name look blank), the Khmer inherent
// vowels U+17B4-5, the shorthand format controls U+1BCA0-3, the musical symbol format controls
// U+1D173-A, and the unassigned ones (U+2065, U+FFF0-8, U+E0080-E0FFF outside the variation
// selectors). test/reporters/sanitize.test.ts checks the whole list against Unicode's.
// Variation selectors are not among them (U+FE00-F, U+E0100-EF, and Mongolian's U+180B-D and
// U+180F): they choose how the character before them is drawn (text or emoji), and hide nothing
// on their own.
const INVISIBLE =
  '\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u2060-\u206f\u3164\uffa0\ufeff\ufff0-\ufffb\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}\u{e0080}-\u{e00ff}\u{e01f0}-\u{e0fff}';
// Tag characters have one use Unicode recommends: the flags of England, Scotland and Wales, each
// a black flag U+1F3F4, its subdivision code (gbeng, gbsct, gbwls) in tag letters, and CANCEL TAG
// U+E007F. Those three sequences are kept whole, so that a name with one shows the flag and not a
// black flag and six U+FFFD; every other tag character goes, including any tag between, before or
// after the letters of a flag, so no text hides next to one. The width code measures a kept flag
// as one cluster two columns wide (width.ts).
const TAGS = '\u{e0000}-\u{e007f}';
const SUBDIVISION_FLAGS = ['gbeng', 'gbsct', 'gbwls']
  .map((code) => `\u{1f3f4}${[...code].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('')}\u{e007f}`)
  .join('|');
// Matched as the tag character, then looked back: it is kept when a black flag at most six
// characters back starts one of the three flags (the lookahead inside the lookbehind checks the
// whole sequence from there), which makes it one of that flag's six tag characters.
const TAG = `[${TAGS}](?<!(?=(?:${SUBDIVISION_FLAGS}))\u{1f3f4}[${TAGS}]{1,6})`;
// ZWNJ (U+200C) and ZWJ (U+200D) are invisible too, but some text needs them: an emoji sequence
// (a family, a profession with a skin tone, the rainbow flag) is emoji joined by ZWJ, which the
// display width code measures as one cluster (width.ts), and in Arabic-script (Persian, Urdu)
// and Indic writing, and a few other scripts, they choose how two letters join. They are kept
// there: a ZWJ between an emoji (or its skin tone modifier or VS16) and the next emoji, and
// either between two letters or marks of a script that uses them. Anywhere else (between Latin,
// Cyrillic or CJK letters, at either end of a name) they only make one name look like another.
const JOINING_SCRIPTS = ['Arabic', 'Syriac', 'Thaana', 'Nko', 'Mongolian', 'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Tibetan', 'Myanmar', 'Khmer']
  .map((name) => `\\p{Script=${name}}`)
  .join('');
// Matched as the joiner, then looked around: a scan for the common case (no joiner) stays a
// scan for one character class.
const JOINERS = '\\u200c\\u200d';
const JOINER = `[${JOINERS}](?!(?<=[\\p{Extended_Pictographic}\\p{Emoji_Modifier}\\ufe0f]\\u200d)\\p{Extended_Pictographic})(?![${JOINING_SCRIPTS}](?<=[${JOINING_SCRIPTS}][\\u200c\\u200d].))`;
// The characters UNSAFE_CHARS replaces wherever they stand.
const UNSAFE_CLASS = `\\u0000-\\u001f\\u007f-\\u009f${SEPARATORS}${BIDI}${INVISIBLE}`;
/**
 * Every character `safeText`, `safeCell` and error lines replace. Global: for `replace`, not
 * `test`. Matches whole code points (a tag character is one match, not two surrogate halves).
 */
export const UNSAFE_CHARS = new RegExp(`[${UNSAFE_CLASS}]|${TAG}|${JOINER}`, 'gu');

// Every character UNSAFE_CHARS can match, whatever its context (the lookarounds only keep some
// joiners and flag tags): text with none of them is left as it is by its replace (safeCell). Built
// from the same pieces, so a character added to UNSAFE_CHARS cannot slip past the shortcut.
const UNSAFE_SET = `${UNSAFE_CLASS}${TAGS}${JOINERS}`;

/**
 * `c` (one character of UNSAFE_CHARS) written as JavaScript and JSON write it escaped: `\u001b`,
 * and a character beyond U+FFFF as its two UTF-16 halves (`\udb40\udc68`), which JSON parsers
 * read back as the same character.
 */
export function escapeChar(c: string): string {
  let out = '';
  for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/** For terminals and Markdown: every character of UNSAFE_CHARS becomes U+FFFD; long values are cut. */
export function safeText(value: unknown, max = 300): string {
  const s = String(value ?? '').replace(UNSAFE_CHARS, '\ufffd');
  if (s.length <= max) return s;
  // Not between the two halves of a surrogate pair (an emoji, a rare CJK ideograph): the half
  // left would be written as U+FFFD.
  let end = /[\ud800-\udbff]/.test(s[max - 2] ?? '') ? max - 2 : max - 1;
  // Nor inside a subdivision flag, the only tag characters left: its first letters without the
  // cancel tag would be a tag sequence the filter lets through nowhere else, and the black flag
  // without its letters (a cut right after it) is another emoji than the name has. The flag goes
  // whole. A black flag no tag follows is an emoji of its own, and stays.
  const partFlag = /\u{1f3f4}[\u{e0020}-\u{e007e}]{0,5}$/u.exec(s.slice(0, end));
  if (partFlag && (partFlag[0].length > 2 || /^[\u{e0020}-\u{e007f}]/u.test(s.slice(end, end + 2)))) end = partFlag.index;
  // Nor inside an emoji ZWJ sequence (a family, a profession with a skin tone): cut right after a
  // joiner, the joiner would end the text raw, with nothing to join; cut before one or before a
  // skin tone, the emoji left would show as another emoji than the name has. The sequence goes
  // whole, as a flag does. Only looked for when a joiner, a skin tone or VS16 touches the cut, so
  // the common cut scans nothing.
  if (/[\u200c\u200d]/.test(s[end - 1] ?? '') || /^[\u200d\ufe0f\p{Emoji_Modifier}]/u.test(s.slice(end, end + 2))) {
    for (const m of s.matchAll(EMOJI_ZWJ_SEQUENCE)) {
      if (m.index >= end) break;
      if (m.index + m[0].length > end) {
        end = m.index;
        break;
      }
    }
    // A joiner kept between two letters of a joining script, with its second letter cut off.
    if (/[\u200c\u200d]/.test(s[end - 1] ?? '')) end -= 1;
  }
  return `${s.slice(0, end)}…`;
}

// An emoji with its skin tone modifier or VS16 if any, and the emoji joined to it by ZWJ (the
// joiners JOINER keeps): what a cut keeps whole or leaves out.
const EMOJI_ZWJ_SEQUENCE = /\p{Extended_Pictographic}[\p{Emoji_Modifier}\ufe0f]*(?:\u200d\p{Extended_Pictographic}[\p{Emoji_Modifier}\ufe0f]*)*/gu;

/**
 * Several lines for a terminal (a stack trace, commander's help): each line made safe as
 * `safeText` makes it, the line breaks kept. A stack trace starts with the error's message,
 * which may quote the input; a line past `max` is cut with a note (`cutLine`), as the one-line
 * error above it is.
 */
export function safeLines(text: string, max = 2000): string {
  return text
    .split('\n')
    .map((line) => cutLine(line, max, 'line'))
    .join('\n');
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

/**
 * Where every hop of a finding's path can be read when the reports list only its first and last
 * (ShownHops): explain's card lists the subject's paths whole.
 */
export function everyHop(fingerprint: string): string {
  return `nhiscan explain ${fingerprint}`;
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

// In a spreadsheet cell an invisible character shows as U+FFFD, as on a terminal: a space,
// which the control characters become there, would look like the space it hides next to.
const CELL_INVISIBLE = new RegExp(`[${INVISIBLE}]|${TAG}|${JOINER}`, 'gu');
// Where a piece of a cell starts that a spreadsheet may read as a cell of its own: the cell's
// start, and after a `;` or `,`, when what follows (past blanks and double quotes, which
// spreadsheets skip) is a formula trigger, = + - @ or its fullwidth form.
const FORMULA_START = '[\\s"]*[=+\\-@\\uff1d\\uff0b\\uff0d\\uff20]';
const FORMULA_PIECE = new RegExp(`(^|[;,])(?=${FORMULA_START})`, 'g');
// A cell that none of the three replaces in safeCell would change: it holds no character that
// UNSAFE_CHARS (whose set holds CELL_INVISIBLE's) could match, and no piece starts with a formula
// trigger. Almost every cell of a sheet (ids, names, dates, rule ids, the sheet's own words) is
// one: one test instead of three replaces made safeCell about six times cheaper (0.4 -> 0.07 CPU
// s per million recert-csv cells).
const CELL_CHANGES = new RegExp(`[${UNSAFE_SET}]|(?:^|[;,])${FORMULA_START}`, 'u');

/**
 * For spreadsheet cells (OWASP CSV injection): invisible characters become U+FFFD, other unsafe
 * characters (controls, so a tab, CR or LF) spaces, and every piece that a spreadsheet could
 * read as a formula gets an apostrophe in front. A piece is the cell from its start, and what
 * follows each `;` or `,` in it: Excel in locales whose list separator is `;` (German, French,
 * Dutch…) splits a line at every `;` and ignores RFC 4180 quotes around a cell that does not
 * start a field, so `Billing Sync;=2+5` becomes a text cell and a formula cell; a `,` is there
 * for readers that split without honouring quotes. Spreadsheets skip leading blanks and double
 * quotes before they look for = + - @ (`"=1+HR Sync Service` is a formula to them), so those
 * are skipped here too and the apostrophe goes before them; the fullwidth forms (＝ ＋ － ＠)
 * count, as East Asian input turns them into the ASCII ones. The apostrophe goes right at the
 * start of the piece (after the `;` or `,`): `Billing Sync;'=2+5`. A leading apostrophe is the
 * neutraliser itself and needs nothing more. The CSV writer quotes any cell with a `;` as well
 * (csv.ts).
 */
export function safeCell(value: unknown): string {
  const text = String(value ?? '');
  if (!CELL_CHANGES.test(text)) return text;
  const s = text.replace(CELL_INVISIBLE, '\ufffd').replace(UNSAFE_CHARS, ' ');
  return s.replace(FORMULA_PIECE, "$1'");
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
const JSON_UNSAFE = new RegExp(`[\\u007f-\\u009f${SEPARATORS}${BIDI}${INVISIBLE}]|${TAG}|${JOINER}`, 'gu');

/**
 * For JSON text that people may `cat` to a terminal: JSON.stringify escapes C0 controls but
 * leaves DEL, C1 controls (U+009B is a terminal escape on its own), bidi overrides and invisible
 * characters raw. These only occur inside string values, so escaping them keeps the parsed value
 * identical.
 */
export function safeJsonText(json: string): string {
  // Every character JSON_UNSAFE matches is DEL or beyond ASCII. Text whose UTF-8 length is its
  // length has no character beyond ASCII (each takes two bytes or more), and Node counts that far
  // faster than the regular expression scans: at 100,000 identities the JSON report is 450 MB of
  // such text, whose scan took about 1 CPU s; the count and a search for DEL take about 0.1 s. A
  // chunk with any other character (a name in another script, a dash) is scanned as before.
  if (Buffer.byteLength(json, 'utf8') === json.length && !json.includes('\u007f')) return json;
  return json.replace(JSON_UNSAFE, escapeChar);
}

/**
 * A value from the input quoted for a message (an error, a warning): in double quotes, with
 * every character of UNSAFE_CHARS escaped (`"2027\u009b2J\u202eevil"`), so that the message
 * shows what is there wherever it is written, stack traces included. JSON.stringify alone
 * escapes only C0 controls.
 */
export function quoteInput(value: unknown): string {
  return safeJsonText(JSON.stringify(String(value)));
}

/**
 * The first three values quoted (quoteInput), then "and N more": how a warning names a long list of
 * ids. `total` is the length of the whole list when `values` holds only its first few (a caller
 * that counts 100,000 items need not keep them).
 */
export function quotedSample(values: readonly unknown[], total = values.length): string {
  const shown = values.slice(0, 3).map((v) => quoteInput(v)).join(', ');
  return total > 3 ? `${shown} and ${total - 3} more` : shown;
}
