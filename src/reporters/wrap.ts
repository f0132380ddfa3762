/**
 * Word wrapping for terminal text. A line longer than the width is broken at spaces, and its
 * continuation lines are indented two columns deeper than the line itself, so a wrapped entry
 * still reads as one. A word longer than the room left is broken where the line ends: nothing is
 * cut. Widths are terminal columns (width.ts): a CJK character or an emoji takes two, a
 * combining mark none, and a break never falls inside a character and its marks. SGR colour
 * sequences (the only escapes the reporters write, the untrusted text having been through
 * safeText) take no room and are never split.
 */

import { displayWidth, pieces } from './width.js';

/** One line as lines no wider than `width`; a line shorter than that is returned as it is. */
export function wrapLine(line: string, width: number): string[] {
  if (displayWidth(line) <= width) return [line];
  const indent = /^ */.exec(line)![0].length;
  const hang = ' '.repeat(indent + 2);
  // However deep the indent, a line keeps 20 columns for text.
  const limit = Math.max(width, hang.length + 20);
  const out: string[] = [];
  let cur = line.slice(0, indent);
  let curWidth = indent;
  let empty = true;
  const newLine = () => {
    out.push(cur);
    cur = hang;
    curWidth = hang.length;
    empty = true;
  };
  for (const word of line.slice(indent).split(' ')) {
    // A run of spaces where the line breaks is the break itself.
    if (empty && word === '' && out.length > 0) continue;
    const w = displayWidth(word);
    if (!empty && curWidth + 1 + w > limit) newLine();
    if (!empty) {
      cur += ' ';
      curWidth += 1;
    }
    if (curWidth + w <= limit) {
      cur += word;
      curWidth += w;
      empty = false;
      continue;
    }
    // Longer than a whole line: broken where each line ends.
    for (const p of pieces(word)) {
      if (curWidth + p.width > limit) newLine();
      cur += p.text;
      curWidth += p.width;
      empty = false;
    }
  }
  out.push(cur);
  return out.map((l) => l.replace(/ +$/, ''));
}

/** Every line of a text wrapped to `width`. */
export function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((l) => wrapLine(l, width))
    .join('\n');
}
