/**
 * Provider-controlled strings (display names, tags, Sids) are attacker-controlled. These helpers
 * make them inert for each output medium.
 */

// C0 and C1 control characters (ESC starts terminal escape sequences), DEL, and the Unicode
// bidirectional controls that can make text display in a different order than it is stored.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]/g;

/** For terminals and Markdown: control and bidi characters become U+FFFD; long values are cut. */
export function safeText(value: unknown, max = 300): string {
  const s = String(value ?? '').replace(CONTROL, '\ufffd');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * For spreadsheet cells: control characters removed, and a value that a spreadsheet would read
 * as a formula (= + - @, or a leading tab/CR) gets a leading apostrophe (OWASP CSV injection).
 */
export function safeCell(value: unknown): string {
  const s = String(value ?? '').replace(CONTROL, ' ');
  return /^[=+\-@\t\r]/.test(s) || /^[\s]*[=+\-@]/.test(s) ? `'${s}` : s;
}

/** For Markdown tables: escapes the characters that would change the table or inject markup. */
export function safeMarkdown(value: unknown, max = 300): string {
  return safeText(value, max).replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => `\\${c}`);
}

// eslint-disable-next-line no-control-regex
const JSON_UNSAFE = /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\u2028\u2029]/g;

/**
 * For JSON text that people may `cat` to a terminal: JSON.stringify escapes C0 controls but
 * leaves DEL, C1 controls (U+009B is a terminal escape on its own) and bidi overrides raw.
 * These only occur inside string values, so escaping them keeps the parsed value identical.
 */
export function safeJsonText(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
